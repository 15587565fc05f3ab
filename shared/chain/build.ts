// One file because RFC 5280 6.1 path validation reads in its own order here: candidate paths are found,
// then each link's checks (signature, validity, extensions, CA rules, EKU, name constraints, trust),
// then policies over the whole path; the checks share the pool entry view and the ok/fail wording, and
// a reviewer comparing them with the RFC should not have to jump between files.
import { verifySignature } from '../cert/verify';
import { EKU_ANY, EKU_CLIENT_AUTH, EXTENSION_NAMES, SIGNATURE_ALGORITHM_NAMES } from '../cert/oids';
import { describePublicKey } from '../cert/summarize';
import type { ChainCheck, ChainLink, ChainPath, ChainReport } from '../model/chain';
import { nameConstraintViolations, TooManyNames } from './name-constraints';
import { ANY_POLICY, processPolicies, type PolicyCert } from './policy';
import type { CertPool, PoolEntry } from './pool';

/** Bounds so a hostile pool (loops, thousands of cross-signs) cannot stall the app. */
export const MAX_DEPTH = 12;
export const MAX_PATHS = 16;

/**
 * What a chain is judged for. 'client-auth': TLS client authentication as Windows checks it (leaf EKU
 * absent or allowing clientAuth, every CA's EKU allowing it: CryptoAPI intersects EKUs down the chain).
 * 'client-auth-strict': the leaf must list clientAuth itself, CAs that restrict EKU must list it, and
 * a leaf that also signs code, OCSP responses or time stamps is flagged. 'server-auth': the same
 * nesting for serverAuth (a server's chain seen by the probe). 'any': no purpose.
 */
export type Purpose = 'client-auth' | 'client-auth-strict' | 'server-auth' | 'any';

/**
 * How the trusted certificate at the top is treated. 'windows' (default): as CryptoAPI does, the
 * root is a certificate like the others, so an expired root or one that is not a CA breaks the
 * chain even in Trusted Root Certification Authorities. 'rfc5280': the anchor is a name and a key
 * (RFC 5280 6.1.1 d); its dates, Basic Constraints, Key Usage, EKU and constraints are not applied.
 */
export type AnchorMode = 'windows' | 'rfc5280';

export interface ChainOptions {
  at: Date;
  purpose?: Purpose;
  anchors?: AnchorMode;
  /**
   * user-initial-policy-set (RFC 5280 6.1.1 c). Empty or absent: any policy. When given, the path
   * must hold one of them (initial-explicit-policy set, as Windows does for a requested issuance policy).
   */
  policies?: string[];
}

const EKU_SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const PURPOSE_EKU: Record<Purpose, string | null> = { 'client-auth': EKU_CLIENT_AUTH, 'client-auth-strict': EKU_CLIENT_AUTH, 'server-auth': EKU_SERVER_AUTH, any: null };
const PURPOSE_WORD: Record<Purpose, string> = { 'client-auth': 'Client Authentication', 'client-auth-strict': 'Client Authentication', 'server-auth': 'Server Authentication', any: 'any purpose' };
/** Purposes a strict client certificate should not also carry (the key would sign other things). */
const STRICT_FORBIDDEN: Record<string, string> = { '1.3.6.1.5.5.7.3.3': 'Code Signing', '1.3.6.1.5.5.7.3.9': 'OCSP Signing', '1.3.6.1.5.5.7.3.8': 'Time Stamping' };

/**
 * Extensions Certbench processes in path validation (or that carry no constraint to process). RFC
 * 5280 4.2: a certificate with a critical extension outside this list must be rejected.
 */
const PROCESSED = new Set([
  '2.5.29.14', // subjectKeyIdentifier
  '2.5.29.35', // authorityKeyIdentifier
  '2.5.29.15', // keyUsage
  '2.5.29.19', // basicConstraints
  '2.5.29.17', // subjectAltName (name constraints)
  '2.5.29.18', // issuerAltName (no constraint)
  '2.5.29.30', // nameConstraints
  '2.5.29.32', // certificatePolicies
  '2.5.29.33', // policyMappings
  '2.5.29.36', // policyConstraints
  '2.5.29.54', // inhibitAnyPolicy
  '2.5.29.37', // extKeyUsage
  '1.3.6.1.5.5.7.1.1', // authorityInfoAccess (no constraint)
  '2.5.29.31', // cRLDistributionPoints (no constraint; revocation is not checked here)
]);

/** Signature algorithms Windows refuses in chains: MD2 and MD5 (Microsoft Security Advisory 2862973). */
const BROKEN_HASH: Record<string, string> = { '1.2.840.113549.1.1.2': 'MD2', '1.2.840.113549.1.1.4': 'MD5' };
/** SHA-1 signatures (RSA, ECDSA, DSA): Microsoft's SHA-1 deprecation policy (Security Advisory 2880823). */
const SHA1_SIGNATURES = new Set(['1.2.840.113549.1.1.5', '1.2.840.10045.4.1', '1.2.840.10040.4.3', '1.3.14.3.2.29']);

/** Memoised signature checks: cross-signed pools revisit the same child/issuer pairs. */
const signatureMemo = new WeakMap<PoolEntry, Map<PoolEntry, Promise<boolean | null>>>();
function signedBy(child: PoolEntry, issuer: PoolEntry): Promise<boolean | null> {
  let inner = signatureMemo.get(child);
  if (!inner) signatureMemo.set(child, (inner = new Map()));
  let p = inner.get(issuer);
  if (!p) inner.set(issuer, (p = verifySignature(child.view, issuer.view.spki)));
  return p;
}

interface RawPath {
  entries: PoolEntry[];
  missing: boolean;
  tooLong: boolean;
}

/**
 * Every candidate path from `leaf` up to a root or trust anchor, depth first, coping with cross-signed
 * CAs (several issuers with the same name), loops (a certificate never repeats within a path) and
 * missing links (the path is kept, marked incomplete). Candidates whose signature does not verify are
 * only followed when nothing better exists, so a look-alike name cannot win. A path ends at a trusted
 * certificate above the target, or at a self-signed certificate; a target that is trusted but not
 * self-signed is not a path on its own: its issuer is still looked for.
 */
async function candidatePaths(pool: CertPool, leaf: PoolEntry, at: Date): Promise<RawPath[]> {
  const out: RawPath[] = [];
  const walk = async (path: PoolEntry[]): Promise<void> => {
    if (out.length >= MAX_PATHS) return;
    const top = path[path.length - 1]!;
    if (top.trusted && path.length > 1) return void out.push({ entries: path, missing: false, tooLong: false });
    if (top.selfIssued && (await signedBy(top, top)) !== false) return void out.push({ entries: path, missing: false, tooLong: false });
    if (path.length >= MAX_DEPTH) return void out.push({ entries: path, missing: false, tooLong: true });
    const candidates = pool.issuersOf(top, at).filter((c) => !path.includes(c));
    const verified: PoolEntry[] = [];
    const unverified: PoolEntry[] = [];
    for (const c of candidates) ((await signedBy(top, c)) === false ? unverified : verified).push(c);
    const next = verified.length ? verified : unverified;
    if (next.length === 0) return void out.push({ entries: path, missing: true, tooLong: false });
    for (const c of next) await walk([...path, c]);
  };
  await walk([leaf]);
  return out;
}

function dn(e: PoolEntry): string {
  return e.subject.rfc4514 || '(empty name)';
}

function short(e: PoolEntry): string {
  return e.subject.commonName ?? dn(e);
}

function fmtDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function algorithmName(oid: string): string {
  const name = SIGNATURE_ALGORITHM_NAMES[oid] ?? (oid === '1.2.840.113549.1.1.2' ? 'md2RSA' : oid.startsWith('2.16.840.1.101.3.4.3.') ? 'DSA' : null);
  return name ? `${name} (${oid})` : oid;
}

const ok = (name: ChainCheck['name'], text: string): ChainCheck => ({ name, status: 'ok', text });
const fail = (name: ChainCheck['name'], text: string): ChainCheck => ({ name, status: 'fail', text });
const warn = (name: ChainCheck['name'], text: string): ChainCheck => ({ name, status: 'warn', text });

/**
 * Checks that depend on one certificate alone, computed once per pool entry: a CA shared by a
 * thousand leaves is not decoded and judged a thousand times.
 */
const ownChecks = new WeakMap<PoolEntry, { extensions: ChainCheck[]; key: ChainCheck[] }>();
function own(e: PoolEntry): { extensions: ChainCheck[]; key: ChainCheck[] } {
  let c = ownChecks.get(e);
  if (!c) ownChecks.set(e, (c = { extensions: extensionChecks(e), key: keyChecks(e) }));
  return c;
}

/** RFC 5280 4.2: unknown critical extensions, repeated extensions, and extensions that cannot be read. */
function extensionChecks(e: PoolEntry): ChainCheck[] {
  const out: ChainCheck[] = [];
  const seen = new Set<string>();
  for (const x of e.view.extensions) {
    const name = EXTENSION_NAMES[x.oid] ? `${EXTENSION_NAMES[x.oid]} (${x.oid})` : x.oid;
    if (seen.has(x.oid)) out.push(fail('extensions', `carries the ${name} extension twice, which RFC 5280 4.2 forbids`));
    seen.add(x.oid);
    if (x.critical && !PROCESSED.has(x.oid)) {
      out.push(fail('extensions', `has a critical extension Certbench does not process, ${name}: RFC 5280 4.2 requires rejecting the certificate`));
    }
  }
  // Decode what path validation reads, so a malformed value is a failure here, never "absent".
  const decoded: unknown[] = [e.subjectName, e.issuerName, e.aki, e.basicConstraints, e.keyUsage, e.eku, e.nameConstraints, e.policies, e.policyMappings, e.policyConstraints, e.inhibitAnyPolicy];
  if (seen.has('2.5.29.17')) decoded.push(e.constrainedNames);
  for (const [oid, why] of e.unreadable) {
    const what = oid === 'subject' || oid === 'issuer' ? `its ${oid} name` : `its ${EXTENSION_NAMES[oid] ?? oid} extension`;
    out.push(fail('extensions', /too many names/.test(why) ? `${what}: ${why}` : `${what} cannot be read (${why}), so it cannot be checked`));
  }
  const cp = e.policies;
  const cpExt = e.view.extensions.find((x) => x.oid === '2.5.29.32');
  if (cp && cpExt?.critical) {
    const unknown = [...new Set(cp.flatMap((p) => p.unknownQualifiers))];
    if (unknown.length) out.push(fail('extensions', `its critical Certificate Policies carry qualifiers Certbench cannot interpret (${unknown.join(', ')}): RFC 5280 4.2.1.4 requires rejecting the certificate`));
  }
  return out;
}

/** Key strength by the rules Windows applies to chains (KB 2661254, weak crypto settings). */
function keyChecks(e: PoolEntry): ChainCheck[] {
  const key = describePublicKey(e.view.spki);
  if (key.algorithm === 'RSA' || key.algorithm === 'RSA-PSS') {
    if (key.bits !== null && key.bits < 1024) return [fail('crypto', `its RSA key has ${key.bits} bits: Windows blocks RSA keys under 1,024 bits in every chain (KB 2661254)`)];
    if (key.bits !== null && key.bits < 2048) {
      return [warn('crypto', `its RSA key has ${key.bits} bits, under 2,048: Windows' weak crypto settings (WeakRsaPubKeyMinBitLength) block such keys where enabled, and CAs must not issue them`)];
    }
    return [];
  }
  if (key.algorithm === 'DSA') return [warn('crypto', "it has a DSA key: Windows' weak crypto settings flag DSA, and Certbench cannot verify DSA signatures")];
  if (key.algorithm === 'ECC' && (key.bits === null || key.bits < 256)) {
    return [warn('crypto', `its elliptic curve (${key.curve ?? 'unknown'}) is weak or unknown: Schannel offers client certificates on P-256, P-384 and P-521`)];
  }
  return [];
}

/** The signature on `e` (made by its issuer): algorithms Windows rejects or deprecates. */
function signatureAlgorithmChecks(e: PoolEntry, purpose: Purpose): ChainCheck[] {
  const oid = e.view.signatureAlgorithm.oid;
  if (!BROKEN_HASH[oid] && !SHA1_SIGNATURES.has(oid)) return [];
  const name = algorithmName(oid);
  if (BROKEN_HASH[oid]) return [fail('crypto', `signed with ${BROKEN_HASH[oid]} (${name}): Windows rejects ${BROKEN_HASH[oid]} signatures in certificate chains (Microsoft Security Advisory 2862973, weak crypto settings)`)];
  if (SHA1_SIGNATURES.has(oid)) {
    const text = `signed with SHA-1 (${name}): Microsoft's SHA-1 deprecation policy (Security Advisory 2880823) ends trust in SHA-1 certificates; Windows no longer accepts them for server authentication, reissue with SHA-256`;
    return [purpose === 'server-auth' ? fail('crypto', text) : warn('crypto', text)];
  }
  return [];
}

function ekuCheck(e: PoolEntry, isLeaf: boolean, purpose: Purpose): ChainCheck | null {
  const want = PURPOSE_EKU[purpose];
  if (!want) return null;
  const eku = e.eku;
  const word = PURPOSE_WORD[purpose];
  if (isLeaf) {
    if (purpose === 'client-auth-strict') {
      if (!eku) return fail('eku', `has no Enhanced Key Usage: strict client mode needs ${word} listed`);
      if (!eku.some((x) => x.oid === want)) return fail('eku', `its Enhanced Key Usage (${eku.map((x) => x.name).join(', ') || 'empty'}) does not list ${word}`);
      const extra = eku.filter((x) => STRICT_FORBIDDEN[x.oid]).map((x) => STRICT_FORBIDDEN[x.oid]!);
      if (extra.length) return fail('eku', `also allows ${extra.join(', ')}: a client-authentication certificate should not sign code, OCSP responses or time stamps`);
      return ok('eku', `its Enhanced Key Usage lists ${word}`);
    }
    if (!eku) return ok('eku', `no Enhanced Key Usage: every purpose is allowed, ${word} included`);
    return eku.some((x) => x.oid === want || x.oid === EKU_ANY)
      ? ok('eku', `its Enhanced Key Usage allows ${word}`)
      : fail('eku', `its Enhanced Key Usage (${eku.map((x) => x.name).join(', ') || 'empty'}) does not allow ${word}`);
  }
  if (!eku) return null;
  // Windows (CryptoAPI) intersects EKUs down the chain: a CA limited to other purposes makes its
  // certificates unusable for this one even when the leaf lists it.
  return eku.some((x) => x.oid === want || x.oid === EKU_ANY)
    ? ok('eku', `its Enhanced Key Usage includes ${word}`)
    : fail('eku', `limits issued certificates to ${eku.map((x) => x.name).join(', ')}: not ${word}`);
}

/** Whether the certificate below can tell what its missing issuer is (RFC 5280 4.2.1.1 authorityCertIssuer). */
function missingKind(top: PoolEntry): 'root' | 'intermediate' | 'unknown' {
  const named = top.aki?.issuer;
  if (!named) return 'unknown';
  const norm = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').replace(/\s*([,=+])\s*/g, '$1');
  // The AKI names the issuer's own issuer: the same name it issues under means it is self-issued, a root.
  return norm(named) === norm(top.issuer.rfc4514) ? 'root' : 'intermediate';
}

/** The missing issuer in words, with the store it belongs in (or both, and how to tell). */
export function missingSentence(top: { issuer: string; name: string }, kind: 'root' | 'intermediate' | 'unknown'): string {
  const where = 'is in none of the stores or files given';
  if (kind === 'root') return `the root CA "${top.issuer}" that issued "${top.name}" ${where}; it belongs in Trusted Root Certification Authorities`;
  if (kind === 'intermediate') return `the intermediate CA "${top.issuer}" that issued "${top.name}" ${where}; it belongs in Intermediate Certification Authorities`;
  return (
    `the CA "${top.issuer}" that issued "${top.name}" ${where}. The certificate does not say whether that CA is a root or an intermediate: ` +
    'if its own certificate is self-signed (Issued To equals Issued By), it is a root and belongs in Trusted Root Certification Authorities; ' +
    'otherwise it is an intermediate for Intermediate Certification Authorities, and its issuer is needed too'
  );
}

/** What every link's checks need to know about the path being validated. */
interface PathContext {
  entries: PoolEntry[];
  opts: ChainOptions;
  purpose: Purpose;
  rfcAnchors: boolean;
  /** Index of the certificate the path rests on (trusted or a self-signed root), -1 when incomplete. */
  topIdx: number;
}

/** RFC 5280 anchor semantics: the trusted top is name and key only; nothing else of it is checked. */
const skipAnchor = (ctx: PathContext, i: number) => ctx.rfcAnchors && i === ctx.topIdx && ctx.entries[i]!.trusted;

async function validatePath(raw: RawPath, pool: CertPool, opts: ChainOptions): Promise<ChainPath> {
  const { entries } = raw;
  const n = entries.length;
  const top = entries[n - 1]!;
  const complete = !raw.missing && !raw.tooLong;
  const ctx: PathContext = { entries, opts, purpose: opts.purpose ?? 'any', rfcAnchors: opts.anchors === 'rfc5280', topIdx: complete ? n - 1 : -1 };
  const perLink: ChainCheck[][] = [];
  for (const i of entries.keys()) perLink.push(await linkChecks(ctx, i));
  policyChecks(entries, complete, opts, perLink);

  const problems: string[] = [];
  const links = entries.map((e, i) => chainLink(e, i, ctx.topIdx, perLink[i]!, problems));
  const missing = raw.missing ? missingIssuer(top, pool, problems) : null;
  if (!raw.missing && raw.tooLong) problems.unshift(`the chain is longer than ${MAX_DEPTH} certificates; Certbench stops there`);
  else if (!raw.missing && !top.trusted) problems.push(`the chain ends in "${short(top)}", which is not a trusted root`);

  const hardFail = links.some((l) => l.checks.some((c) => c.status === 'fail' && c.name !== 'trust'));
  const unverified = links.some((l, i) => i < n - 1 && l.checks.some((c) => c.status === 'unknown'));
  const status: ChainPath['status'] = raw.missing ? 'incomplete' : hardFail || raw.tooLong ? 'invalid' : unverified ? 'unverified' : top.trusted ? 'valid' : 'untrusted';
  return { status, links, missing, problems };
}

/** Every check of link `i`, in the order the chain picture lists them. */
async function linkChecks(ctx: PathContext, i: number): Promise<ChainCheck[]> {
  const e = ctx.entries[i]!;
  const checks: ChainCheck[] = [];
  if (!e.view.signatureAlgorithmsMatch) checks.push(fail('signature', 'its two signature algorithm fields differ, which RFC 5280 4.1.1.2 forbids'));
  checks.push(...(await signatureChecks(ctx, i)));
  if (!skipAnchor(ctx, i)) checks.push(...own(e).key);
  checks.push(validityCheck(ctx, i));
  if (!skipAnchor(ctx, i)) checks.push(...own(e).extensions);
  if (i > 0 && !skipAnchor(ctx, i)) checks.push(...issuerChecks(ctx, i));
  if (!skipAnchor(ctx, i)) {
    const eku = ekuCheck(e, i === 0, ctx.purpose);
    if (eku) checks.push(eku);
  }
  // RFC 5280 6.1.3 (b, c) and 6.1.4 (g): names of every certificate below, except self-issued
  // intermediates, must satisfy this CA's constraints.
  if (i > 0 && !skipAnchor(ctx, i) && e.nameConstraints) checks.push(nameConstraintsCheck(ctx.entries, i, e.nameConstraints));
  if (i === ctx.topIdx) {
    checks.push(e.trusted ? ok('trust', `trusted (${[...e.sources].join(', ')})${ctx.rfcAnchors ? ' as an RFC 5280 trust anchor' : ''}`) : fail('trust', 'not in any trusted root store'));
  }
  return checks;
}

/** Signature: by the next certificate up, or by itself for a self-signed root. */
async function signatureChecks(ctx: PathContext, i: number): Promise<ChainCheck[]> {
  const e = ctx.entries[i]!;
  if (i < ctx.entries.length - 1) {
    const issuer = ctx.entries[i + 1]!;
    const verified = await signedBy(e, issuer);
    return [
      verified === true
        ? ok('signature', `signature verifies with the key of "${short(issuer)}"`)
        : verified === false
          ? fail('signature', `signature does NOT verify with the key of "${short(issuer)}" (same name, different key?)`)
          : { name: 'signature', status: 'unknown', text: `signature algorithm ${algorithmName(e.view.signatureAlgorithm.oid)} cannot be verified by Certbench, so this link is unverified and the chain is not accepted` },
      ...signatureAlgorithmChecks(e, ctx.purpose),
    ];
  }
  if (i !== ctx.topIdx || !e.selfIssued) return [];
  const verified = await signedBy(e, e);
  const alg = algorithmName(e.view.signatureAlgorithm.oid);
  if (verified === true) return [ok('signature', 'self-signed: signature verifies with its own key')];
  if (e.trusted && verified === null) return [ok('signature', `its self-signature uses ${alg}, which Certbench cannot verify; a trusted root is trusted for being in the store, not for its self-signature`)];
  if (e.trusted) return [warn('signature', 'its self-signature does not verify with its own key: trusted for being in the store, but it may be damaged')];
  return [{ name: 'signature', status: 'unknown', text: `its self-signature uses ${alg}, which Certbench cannot verify` }];
}

/** Validity at the chosen moment; a trust anchor's dates are not part of RFC 5280 path validation. */
function validityCheck(ctx: PathContext, i: number): ChainCheck {
  const e = ctx.entries[i]!;
  const { notBefore, notAfter } = e.view;
  const at = ctx.opts.at;
  if (skipAnchor(ctx, i)) return ok('validity', `trust anchor: its dates are not part of RFC 5280 path validation (6.1.1 d)${at > notAfter ? `; it expired on ${fmtDate(notAfter)}, which Windows would reject` : ''}`);
  const windowsRoot = i === ctx.topIdx && e.trusted && i > 0 ? ' (Windows rejects a chain whose root has expired, even one in Trusted Root Certification Authorities)' : '';
  if (at < notBefore) return fail('validity', `not valid until ${fmtDate(notBefore)}${windowsRoot ? ' (Windows rejects a root that is not yet valid)' : ''}`);
  if (at > notAfter) return fail('validity', `expired on ${fmtDate(notAfter)}${windowsRoot}`);
  return ok('validity', `valid until ${fmtDate(notAfter)}`);
}

/** What an issuing certificate must be: a CA, within its path length, allowed to sign certificates. */
function issuerChecks(ctx: PathContext, i: number): ChainCheck[] {
  const e = ctx.entries[i]!;
  const checks: ChainCheck[] = [];
  const isTop = i === ctx.topIdx;
  // RFC 5280 6.1.4 (k): an issuing certificate must be a CA. Version 1 roots predate extensions.
  const bc = e.basicConstraints;
  const windowsRoot = isTop && e.trusted ? ' (Windows breaks the chain on such a root even in Trusted Root Certification Authorities)' : '';
  if (bc?.ca) checks.push(ok('ca', 'is a CA (Basic Constraints)'));
  else if (e.view.version < 3 && isTop && e.selfIssued) checks.push(ok('ca', 'version 1 root (no extensions): accepted as a CA'));
  else checks.push(fail('ca', (bc ? 'is NOT a CA: Basic Constraints says end entity, yet it issued a certificate' : 'has no Basic Constraints, so it may not act as a CA') + windowsRoot));

  // RFC 5280 6.1.4 (l, m): path length counts non-self-issued intermediates below this CA.
  if (bc?.pathLength !== null && bc?.pathLength !== undefined) {
    const below = ctx.entries.slice(1, i).filter((x) => !x.selfIssued).length;
    checks.push(
      below <= bc.pathLength
        ? ok('path-length', `path length limit ${bc.pathLength}: ${below} CA(s) below, allowed`)
        : fail('path-length', `path length limit ${bc.pathLength} exceeded: ${below} CAs below it`),
    );
  }

  // RFC 5280 4.2.1.3 and 6.1.4 (n): a CA signing certificates needs keyCertSign when Key Usage is present.
  const ku = e.keyUsage;
  if (ku) {
    checks.push(ku.includes('Certificate Signing') ? ok('key-usage', 'Key Usage allows Certificate Signing') : fail('key-usage', `Key Usage (${ku.join(', ') || 'empty'}) lacks Certificate Signing`));
  }
  return checks;
}

function nameConstraintsCheck(entries: PoolEntry[], i: number, nc: NonNullable<PoolEntry['nameConstraints']>): ChainCheck {
  if (nc.unusable) return fail('name-constraints', `its name constraints cannot be applied: ${nc.unusable}`);
  const violations: string[] = [];
  let tooMany: string | null = null;
  for (const below of entries.slice(0, i)) {
    if (below.selfIssued && below !== entries[0]) continue;
    const names = below.constrainedNames;
    if (!names) {
      violations.push(`"${short(below)}": its names cannot be read (${below.unreadable.get('2.5.29.17') ?? 'malformed'}), so they cannot be checked`);
      continue;
    }
    try {
      violations.push(...nameConstraintViolations(nc, names).map((v) => `"${short(below)}": ${v}`));
    } catch (err) {
      if (!(err instanceof TooManyNames)) throw err;
      tooMany = err.message;
    }
  }
  if (tooMany) return fail('name-constraints', `name constraints cannot be checked: ${tooMany}`);
  return violations.length ? fail('name-constraints', `name constraints broken: ${violations.join('; ')}`) : ok('name-constraints', 'names below are within its name constraints');
}

/** RFC 5280 6.1: policies over certificates 1..n, the trust anchor (the top of a complete path) excluded. */
function policyChecks(entries: PoolEntry[], complete: boolean, opts: ChainOptions, perLink: ChainCheck[][]): void {
  const processed = entries.slice(0, complete ? entries.length - 1 : entries.length).reverse();
  const anyPolicyState = processed.some((e) => e.view.extensions.some((x) => x.oid === '2.5.29.32' || x.oid === '2.5.29.33' || x.oid === '2.5.29.36' || x.oid === '2.5.29.54'));
  const asked = (opts.policies ?? []).filter((p) => p !== ANY_POLICY);
  if (!processed.length || (!anyPolicyState && !asked.length)) return;
  const certs: PolicyCert[] = processed.map((e, k) => ({
    name: short(e),
    selfIssued: e.selfIssued && k < processed.length - 1,
    policies: e.policies,
    mappings: e.policyMappings,
    constraints: e.policyConstraints,
    inhibitAnyPolicy: e.inhibitAnyPolicy,
  }));
  const outcome = processPolicies(certs, { initialPolicies: asked.length ? asked : undefined, initialExplicitPolicy: asked.length > 0 });
  if (!outcome.ok) {
    const idx = processed.length - 1 - (outcome.failedAt ?? processed.length - 1);
    perLink[idx]!.push(fail('policy', outcome.reason ?? 'certificate policies do not hold'));
  } else if (asked.length) {
    perLink[0]!.push(ok('policy', `valid for the policy asked (${outcome.validPolicies.filter((p) => p !== ANY_POLICY).join(', ') || asked.join(', ')})`));
  }
}

/** One link of the picture: its role, its worst check, and its failures added to the path's problems. */
function chainLink(e: PoolEntry, i: number, topIdx: number, checks: ChainCheck[], problems: string[]): ChainLink {
  const role: ChainLink['role'] = i === 0 ? 'leaf' : i === topIdx ? (e.selfIssued ? 'root' : 'anchor') : 'intermediate';
  const status: ChainLink['status'] = checks.some((c) => c.status === 'fail') ? 'fail' : checks.some((c) => c.status === 'unknown') ? 'unknown' : checks.some((c) => c.status === 'warn') ? 'warn' : 'ok';
  for (const c of checks) if ((c.status === 'fail' || c.status === 'unknown') && c.name !== 'trust') problems.push(`"${short(e)}": ${c.text}`);
  return {
    thumbprintSha1: e.thumbprint,
    subject: dn(e),
    issuer: e.issuer.rfc4514,
    commonName: e.subject.commonName,
    notBefore: e.view.notBefore.toISOString(),
    notAfter: e.view.notAfter.toISOString(),
    sources: [...e.sources],
    role,
    derBase64: e.derBase64,
    status,
    checks,
  };
}

/** The issuer the path stops short of, in words first among the problems. */
function missingIssuer(top: PoolEntry, pool: CertPool, problems: string[]): NonNullable<ChainPath['missing']> {
  const kind = missingKind(top);
  const missing = { issuer: top.issuer.rfc4514, authorityKeyId: top.aki?.keyId ?? null, downloadUrls: top.caIssuerUrls, kind };
  let sentence = missingSentence({ issuer: top.issuer.rfc4514, name: short(top) }, kind);
  // RFC 5280 6.1.4: names chain a path; a certificate with the right key id but another name is not its issuer.
  const byKeyId = missing.authorityKeyId ? pool.withKeyId(missing.authorityKeyId).filter((c) => c !== top) : [];
  if (byKeyId.length) sentence += ` ("${short(byKeyId[0]!)}" has the key identifier it names, but its name "${dn(byKeyId[0]!)}" differs from the issuer name, so it cannot be its issuer: RFC 5280 chains names, key identifiers only help find them)`;
  if (missing.downloadUrls.length) sentence += ` (the certificate says it can be downloaded from ${missing.downloadUrls.join(', ')})`;
  problems.unshift(sentence);
  return missing;
}

const RANK: Record<ChainPath['status'], number> = { valid: 0, untrusted: 1, unverified: 2, invalid: 3, incomplete: 4 };

/** Build and validate every candidate path for `leaf`; the best one first. */
export async function buildChain(pool: CertPool, leaf: PoolEntry, opts: ChainOptions): Promise<ChainReport> {
  const raws = await candidatePaths(pool, leaf, opts.at);
  const paths = await Promise.all(raws.map((r) => validatePath(r, pool, opts)));
  paths.sort((a, b) => RANK[a.status] - RANK[b.status] || a.problems.length - b.problems.length || a.links.length - b.links.length);
  const [best, ...alternatives] = paths;
  return {
    target: leaf.thumbprint,
    best: best!,
    alternatives: alternatives.slice(0, MAX_PATHS - 1),
    at: opts.at.toISOString(),
    purpose: opts.purpose ?? 'any',
    anchors: opts.anchors ?? 'windows',
    policies: (opts.policies ?? []).filter((p) => p !== ANY_POLICY),
  };
}

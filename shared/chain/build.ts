import { base64 } from '@peculiar/utils';
import { verifySignature } from '../cert/verify';
import { EKU_ANY, EKU_CLIENT_AUTH } from '../cert/oids';
import type { ChainCheck, ChainLink, ChainPath, ChainReport } from '../model/chain';
import { nameConstraintViolations } from './name-constraints';
import type { CertPool, PoolEntry } from './pool';

/** Bounds so a hostile pool (loops, thousands of cross-signs) cannot stall the app. */
export const MAX_DEPTH = 12;
export const MAX_PATHS = 16;

export interface ChainOptions {
  at: Date;
  /** Judge the chain for TLS client authentication (EKU nesting on CAs). */
  purpose?: 'client-auth' | 'any';
}

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
}

/**
 * Every candidate path from `leaf` up to a root or trust anchor, depth first, coping with cross-signed
 * CAs (several issuers with the same name or key id), loops (a certificate never repeats within a
 * path) and missing links (the path is kept, marked incomplete). Candidates whose signature does not
 * verify are only followed when nothing better exists, so a look-alike name cannot win.
 */
async function candidatePaths(pool: CertPool, leaf: PoolEntry, at: Date): Promise<RawPath[]> {
  const out: RawPath[] = [];
  const walk = async (path: PoolEntry[]): Promise<void> => {
    if (out.length >= MAX_PATHS) return;
    const top = path[path.length - 1]!;
    if (top.trusted && path.length > 1) return void out.push({ entries: path, missing: false });
    if (top.selfIssued && (await signedBy(top, top)) !== false) return void out.push({ entries: path, missing: false });
    if (top.trusted) return void out.push({ entries: path, missing: false });
    if (path.length >= MAX_DEPTH) return void out.push({ entries: path, missing: false });
    const candidates = pool.issuersOf(top, at).filter((c) => !path.includes(c));
    const verified: PoolEntry[] = [];
    const unverified: PoolEntry[] = [];
    for (const c of candidates) ((await signedBy(top, c)) === false ? unverified : verified).push(c);
    const next = verified.length ? verified : unverified;
    if (next.length === 0) return void out.push({ entries: path, missing: true });
    for (const c of next) await walk([...path, c]);
  };
  await walk([leaf]);
  return out;
}

function dn(e: PoolEntry): string {
  return e.subject.rfc4514 || '(empty name)';
}

function fmtDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

async function validatePath(raw: RawPath, opts: ChainOptions): Promise<ChainPath> {
  const { entries } = raw;
  const problems: string[] = [];
  const links: ChainLink[] = [];
  const top = entries[entries.length - 1]!;
  const complete = !raw.missing;

  for (const [i, e] of entries.entries()) {
    const checks: ChainCheck[] = [];
    const isLast = i === entries.length - 1;
    const name = e.subject.commonName ?? dn(e);
    const role: ChainLink['role'] = i === 0 ? 'leaf' : isLast && complete ? (e.selfIssued ? 'root' : 'anchor') : 'intermediate';

    // Signature: by the next certificate up, or by itself for a self-signed root.
    if (!isLast) {
      const issuer = entries[i + 1]!;
      const ok = await signedBy(e, issuer);
      checks.push(
        ok === true
          ? { name: 'signature', status: 'ok', text: `signature verifies with the key of "${issuer.subject.commonName ?? dn(issuer)}"` }
          : ok === false
            ? { name: 'signature', status: 'fail', text: `signature does NOT verify with the key of "${issuer.subject.commonName ?? dn(issuer)}" (same name, different key?)` }
            : { name: 'signature', status: 'unknown', text: `signature algorithm ${e.view.signatureAlgorithm.oid} cannot be checked here` },
      );
    } else if (complete && e.selfIssued) {
      const ok = await signedBy(e, e);
      checks.push({ name: 'signature', status: ok === true ? 'ok' : 'unknown', text: ok === true ? 'self-signed: signature verifies with its own key' : 'self-signature could not be checked' });
    }

    // Validity at the chosen moment.
    const { notBefore, notAfter } = e.view;
    if (opts.at < notBefore) checks.push({ name: 'validity', status: 'fail', text: `not valid until ${fmtDate(notBefore)}` });
    else if (opts.at > notAfter) checks.push({ name: 'validity', status: 'fail', text: `expired on ${fmtDate(notAfter)}` });
    else checks.push({ name: 'validity', status: 'ok', text: `valid until ${fmtDate(notAfter)}` });

    if (i > 0) {
      // RFC 5280 6.1.4 (k): an issuing certificate must be a CA. Version 1 roots predate extensions.
      const bc = e.basicConstraints;
      if (bc?.ca) checks.push({ name: 'ca', status: 'ok', text: 'is a CA (Basic Constraints)' });
      else if (e.view.version < 3 && role === 'root') checks.push({ name: 'ca', status: 'ok', text: 'version 1 root (no extensions): accepted as a CA' });
      else checks.push({ name: 'ca', status: 'fail', text: bc ? 'is NOT a CA: Basic Constraints says end entity, yet it issued a certificate' : 'has no Basic Constraints, so it may not act as a CA' });

      // RFC 5280 6.1.4 (l, m): path length counts non-self-issued intermediates below this CA.
      if (bc?.pathLength !== null && bc?.pathLength !== undefined) {
        const below = entries.slice(1, i).filter((x) => !x.selfIssued).length;
        checks.push(
          below <= bc.pathLength
            ? { name: 'path-length', status: 'ok', text: `path length limit ${bc.pathLength}: ${below} CA(s) below, allowed` }
            : { name: 'path-length', status: 'fail', text: `path length limit ${bc.pathLength} exceeded: ${below} CAs below it` },
        );
      }

      // RFC 5280 4.2.1.3: a CA signing certificates needs keyCertSign when Key Usage is present.
      const ku = e.keyUsage;
      if (ku) {
        checks.push(
          ku.includes('Certificate Signing')
            ? { name: 'key-usage', status: 'ok', text: 'Key Usage allows Certificate Signing' }
            : { name: 'key-usage', status: 'fail', text: `Key Usage (${ku.join(', ') || 'empty'}) lacks Certificate Signing` },
        );
      }

      // Windows (CryptoAPI) intersects EKUs down the chain: a CA limited to other purposes makes its
      // certificates unusable for client authentication even when the leaf lists it.
      if (opts.purpose === 'client-auth' && e.eku) {
        const ok = e.eku.some((x) => x.oid === EKU_CLIENT_AUTH || x.oid === EKU_ANY);
        checks.push(
          ok
            ? { name: 'eku', status: 'ok', text: 'its Enhanced Key Usage includes Client Authentication' }
            : { name: 'eku', status: 'fail', text: `limits issued certificates to ${e.eku.map((x) => x.name).join(', ')}: not Client Authentication` },
        );
      }

      // RFC 5280 6.1.3 (b): names of every certificate below must satisfy this CA's constraints.
      const nc = e.nameConstraints;
      if (nc) {
        const violations = entries.slice(0, i).flatMap((below) =>
          below.selfIssued && below !== entries[0]
            ? []
            : nameConstraintViolations(nc, { subject: below.subject.attributes, subjectRfc4514: below.subject.rfc4514, altNames: below.subjectAltNames }).map(
                (v) => `"${below.subject.commonName ?? dn(below)}": ${v}`,
              ),
        );
        checks.push(
          violations.length
            ? { name: 'name-constraints', status: 'fail', text: `name constraints broken: ${violations.join('; ')}` }
            : { name: 'name-constraints', status: 'ok', text: 'names below are within its name constraints' },
        );
      }
    }

    if (isLast && complete) {
      checks.push(
        e.trusted
          ? { name: 'trust', status: 'ok', text: `trusted (${[...e.sources].join(', ')})` }
          : { name: 'trust', status: 'fail', text: 'not in any trusted root store' },
      );
    }

    const status: ChainLink['status'] = checks.some((c) => c.status === 'fail') ? 'fail' : checks.some((c) => c.status === 'unknown') ? 'unknown' : 'ok';
    for (const c of checks) if (c.status === 'fail' && c.name !== 'trust') problems.push(`"${name}": ${c.text}`);
    links.push({
      thumbprintSha1: e.thumbprint,
      subject: dn(e),
      issuer: e.issuer.rfc4514,
      commonName: e.subject.commonName,
      notBefore: e.view.notBefore.toISOString(),
      notAfter: e.view.notAfter.toISOString(),
      sources: [...e.sources],
      role,
      derBase64: base64.encode(e.view.der),
      status,
      checks,
    });
  }

  let missing: ChainPath['missing'] = null;
  if (raw.missing) {
    missing = { issuer: top.issuer.rfc4514, authorityKeyId: top.aki?.keyId ?? null, downloadUrls: top.caIssuerUrls };
    problems.unshift(
      `the ${top.selfIssued ? 'issuer' : 'intermediate'} "${top.issuer.rfc4514}" that issued "${top.subject.commonName ?? dn(top)}" is in none of the stores or files given` +
        (missing.downloadUrls.length ? ` (the certificate says it can be downloaded from ${missing.downloadUrls.join(', ')})` : ''),
    );
  } else if (!top.trusted) {
    problems.push(`the chain ends in "${top.subject.commonName ?? dn(top)}", which is not a trusted root`);
  }

  const hardFail = links.some((l) => l.checks.some((c) => c.status === 'fail' && c.name !== 'trust'));
  const status: ChainPath['status'] = raw.missing ? 'incomplete' : hardFail ? 'invalid' : top.trusted ? 'valid' : 'untrusted';
  return { status, links, missing, problems };
}

const RANK: Record<ChainPath['status'], number> = { valid: 0, untrusted: 1, invalid: 2, incomplete: 3 };

/** Build and validate every candidate path for `leaf`; the best one first. */
export async function buildChain(pool: CertPool, leaf: PoolEntry, opts: ChainOptions): Promise<ChainReport> {
  const raws = await candidatePaths(pool, leaf, opts.at);
  const paths = await Promise.all(raws.map((r) => validatePath(r, opts)));
  paths.sort((a, b) => RANK[a.status] - RANK[b.status] || a.problems.length - b.problems.length || a.links.length - b.links.length);
  const [best, ...alternatives] = paths;
  return { target: leaf.thumbprint, best: best!, alternatives: alternatives.slice(0, MAX_PATHS - 1), at: opts.at.toISOString() };
}

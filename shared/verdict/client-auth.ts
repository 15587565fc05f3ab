import { EKU_ANY, EKU_CLIENT_AUTH } from '../cert/oids';
import { validityStatus } from '../cert/summarize';
import { bySeverity, finding, type Finding } from '../findings/catalogue';
import type { CertificateSummary } from '../model/certificate';
import type { ChainCheck, ChainLink, ChainReport, KeyStatus, Verdict } from '../model/chain';

/**
 * "Can this certificate authenticate a client, and if not, why not?". Each failing point
 * is a catalogue finding with the evidence behind it; the sentence on top names the first reason.
 *
 * THE verdict: the Local stores column, its filter chip and count, the certificate card,
 * Probe's "would a browser offer it" table, Diagnose, bundles and `certbench chain` all read the
 * result of this one function (through analyzeChains / storeVerdicts), never a version of their own.
 */
export function clientAuthVerdict(cert: CertificateSummary, chain: ChainReport | null, key: KeyStatus, at: Date): Verdict {
  const findings: Finding[] = [];
  const who = cert.subject.commonName ?? cert.subject.rfc4514;

  // RFC 5280 4.2.1.12: an absent EKU allows every purpose; a present one must name clientAuth
  // (1.3.6.1.5.5.7.3.2) or anyExtendedKeyUsage.
  if (cert.extendedKeyUsage && !cert.extendedKeyUsage.some((e) => e.oid === EKU_CLIENT_AUTH || e.oid === EKU_ANY)) {
    findings.push(
      finding(
        'cert.no-client-auth-eku',
        'The certificate is not made for client authentication',
        `Its Enhanced Key Usage lists only ${cert.extendedKeyUsage.map((e) => e.name).join(', ') || 'nothing'}. Browsers and Windows will not offer it to a server that asks for a client certificate. Request a certificate from a template that includes Client Authentication.`,
        [{ kind: 'extension', text: `Enhanced Key Usage: ${cert.extendedKeyUsage.map((e) => `${e.name} (${e.oid})`).join(', ')}` }],
      ),
    );
  }
  // The client proves possession by signing the handshake (CertificateVerify), which needs
  // digitalSignature when Key Usage is present (RFC 5246 7.4.8, RFC 8446 4.4.3).
  if (cert.keyUsage && !cert.keyUsage.includes('Digital Signature')) {
    findings.push(
      finding(
        'cert.no-digital-signature',
        'The key may not sign, so the client cannot prove it holds it',
        `Key Usage is ${cert.keyUsage.join(', ') || 'empty'} without Digital Signature; the TLS client must sign the handshake with this key.`,
        [{ kind: 'extension', text: `Key Usage: ${cert.keyUsage.join(', ')}` }],
      ),
    );
  }
  const status = validityStatus(new Date(cert.notBefore), new Date(cert.notAfter), at);
  if (status === 'expired') {
    findings.push(
      finding('cert.expired', 'The certificate has expired', `It expired on ${cert.notAfter.slice(0, 10)}. Servers reject it (IIS answers 403.17).`, [
        { kind: 'validity', text: `Valid to ${cert.notAfter}` },
      ]),
    );
  } else if (status === 'not-yet-valid') {
    findings.push(
      finding('cert.not-yet-valid', 'The certificate is not valid yet', `It becomes valid on ${cert.notBefore.slice(0, 10)}; check the clocks of client and server.`, [
        { kind: 'validity', text: `Valid from ${cert.notBefore}` },
      ]),
    );
  }
  if (key.status === 'missing') {
    findings.push(
      finding('cert.no-private-key', 'There is no private key for this certificate', `${key.detail} Without its private key a certificate cannot be used to log on: the client never offers it.`, [
        { kind: 'key', text: key.detail },
      ]),
    );
  }
  if (chain) findings.push(...chainFindings(chain, findings.some((f) => f.id === 'cert.no-client-auth-eku')));
  findings.sort(bySeverity);

  const errors = findings.filter((f) => f.severity === 'error');
  let usable: boolean | null = errors.length === 0;
  let sentence: string;
  if (errors.length) {
    sentence = `"${who}" cannot authenticate a client: ${errors.map((f) => lowerFirst(f.title)).join('; ')}.`;
  } else if (key.status === 'unknown' || !chain) {
    usable = null;
    const unknowns = [key.status === 'unknown' ? 'whether its private key is available' : null, chain ? null : 'its chain'].filter(Boolean).join(' and ');
    sentence = `"${who}" is fit for client authentication as far as the certificate goes; not known yet: ${unknowns}.`;
  } else {
    sentence = `"${who}" can authenticate a client: Client Authentication allowed, valid, private key present, chain complete to a trusted root.`;
  }
  return { usable, sentence, findings };
}

const STORE_OF_KIND = {
  root: 'Install it in Trusted Root Certification Authorities where the certificate is checked (the server), after confirming its fingerprint with its owner.',
  intermediate: 'Install it in the Intermediate Certification Authorities store on client and server.',
  unknown: 'Open its certificate: a self-signed one goes to Trusted Root Certification Authorities (after confirming its fingerprint), any other to Intermediate Certification Authorities on client and server.',
} as const;

/** The chain's faults as catalogue findings; the leaf's own dates and EKU are cert.* findings already. */
function chainFindings(chain: ChainReport, ekuReported: boolean): Finding[] {
  const out: Finding[] = [];
  const best = chain.best;
  const name = (l: ChainLink) => l.commonName ?? l.subject;
  if (best.status === 'incomplete' && best.missing) {
    const kind = best.missing.kind ?? 'unknown';
    out.push(
      finding(
        'chain.incomplete',
        kind === 'root' ? 'The root CA certificate is missing' : kind === 'intermediate' ? 'An intermediate CA certificate is missing' : 'An issuing CA certificate is missing',
        `${asSentence(best.problems[0] ?? 'the chain stops before a root')} ${STORE_OF_KIND[kind]}`,
        [
          { kind: 'chain', text: best.links.map(name).join(' <- ') },
          { kind: 'missing issuer', text: best.missing.issuer + (best.missing.authorityKeyId ? ` (key id ${best.missing.authorityKeyId})` : '') },
        ],
        { params: { issuer: best.missing.issuer, issuerKind: kind, ...(best.missing.downloadUrls[0] ? { downloadUrl: best.missing.downloadUrls[0] } : {}) } },
      ),
    );
  }
  const failing = (pick: (c: ChainCheck, i: number) => boolean) =>
    best.links.flatMap((l, i) => l.checks.filter((c) => pick(c, i)).map((c) => `"${name(l)}": ${c.text}`));
  if (best.status !== 'incomplete') {
    // The leaf's own dates (cert.expired / cert.not-yet-valid) and EKU (cert.no-client-auth-eku) are
    // reported above, weak algorithms and keys as chain.weak-crypto below; every other failing check
    // is a chain fault.
    const problems = failing((c, i) => c.status === 'fail' && c.name !== 'trust' && c.name !== 'crypto' && !(i === 0 && c.name === 'validity') && !(i === 0 && c.name === 'eku' && ekuReported));
    if (problems.length) out.push(finding('chain.invalid', 'The chain is broken', problems.join('; '), problems.map((p) => ({ kind: 'chain check', text: p }))));
    const root = best.links[best.links.length - 1]!;
    if (!root.checks.some((c) => c.name === 'trust' && c.status === 'ok')) {
      out.push(
        finding(
          'chain.untrusted-root',
          `The chain ends in "${name(root)}", a root that is not trusted`,
          `"${name(root)}" is not in a trusted root store. The server only accepts certificates chaining to roots it trusts; install that root in Trusted Root Certification Authorities where it should be trusted.`,
          [{ kind: 'root', text: `${root.subject} (thumbprint ${root.thumbprintSha1})` }],
        ),
      );
    }
  }
  // RFC 5280 6.1.3 (a)(1): every signature must verify; one that cannot be checked is not a pass.
  const unverified = failing((c, i) => c.status === 'unknown' && c.name === 'signature' && i < best.links.length - 1);
  if (unverified.length) {
    out.push(
      finding(
        'chain.unverified-signature',
        'A signature in the chain cannot be verified',
        `${unverified.join('; ')}. Certbench does not count a signature it cannot check as valid; check the chain on the Windows machine (certutil -verify) or reissue with RSA or ECDSA and SHA-256.`,
        unverified.map((p) => ({ kind: 'chain check', text: p })),
      ),
    );
  }
  const weak = best.links.flatMap((l) => l.checks.filter((c) => c.name === 'crypto' && c.status !== 'ok').map((c) => ({ text: `"${name(l)}": ${c.text}`, fails: c.status === 'fail' })));
  if (weak.length) {
    out.push(
      finding('chain.weak-crypto', 'The chain uses weak signature algorithms or keys', weak.map((w) => w.text).join('; '), weak.map((w) => ({ kind: 'chain check', text: w.text })), {
        severity: weak.some((w) => w.fails) ? 'error' : 'warning',
      }),
    );
  }
  return out;
}

/** A problem phrase as a sentence: capital first letter, one full stop. */
function asSentence(s: string): string {
  return `${s.charAt(0).toUpperCase()}${s.slice(1).replace(/\.?$/, '.')}`;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

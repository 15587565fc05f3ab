import { EKU_ANY, EKU_CLIENT_AUTH } from '../cert/oids';
import { validityStatus } from '../cert/summarize';
import { bySeverity, finding, type Finding } from '../findings/catalogue';
import type { CertificateSummary } from '../model/certificate';
import type { ChainReport, KeyStatus, Verdict } from '../model/chain';

/**
 * "Can this certificate authenticate a client, and if not, why not?" (issue 3). Each failing point
 * is a catalogue finding with the evidence behind it; the sentence on top names the first reason.
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
  if (chain) {
    const best = chain.best;
    if (best.status === 'incomplete' && best.missing) {
      findings.push(
        finding(
          'chain.incomplete',
          'An issuing CA certificate is missing',
          `${asSentence(best.problems[0] ?? 'the chain stops before a root')} Install it in the Intermediate Certification Authorities store on client and server.`,
          [
            { kind: 'chain', text: best.links.map((l) => l.commonName ?? l.subject).join(' <- ') },
            { kind: 'missing issuer', text: best.missing.issuer + (best.missing.authorityKeyId ? ` (key id ${best.missing.authorityKeyId})` : '') },
          ],
        ),
      );
    } else {
      // The leaf's own dates are reported as cert.expired / cert.not-yet-valid above; everything
      // else that fails in the chain is a chain fault.
      const problems = best.links.flatMap((l, i) =>
        l.checks
          .filter((c) => c.status === 'fail' && c.name !== 'trust' && !(i === 0 && c.name === 'validity'))
          .map((c) => `"${l.commonName ?? l.subject}": ${c.text}`),
      );
      if (problems.length) {
        findings.push(finding('chain.invalid', 'The chain is broken', problems.join('; '), problems.map((p) => ({ kind: 'chain check', text: p }))));
      }
      const root = best.links[best.links.length - 1]!;
      if (!root.checks.some((c) => c.name === 'trust' && c.status === 'ok')) {
        findings.push(
          finding(
            'chain.untrusted-root',
            `The chain ends in "${root.commonName ?? root.subject}", a root that is not trusted`,
            `"${root.commonName ?? root.subject}" is not in a trusted root store. The server only accepts certificates chaining to roots it trusts; install that root in Trusted Root Certification Authorities where it should be trusted.`,
            [{ kind: 'root', text: `${root.subject} (thumbprint ${root.thumbprintSha1})` }],
          ),
        );
      }
    }
  }
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

/** A problem phrase as a sentence: capital first letter, one full stop. */
function asSentence(s: string): string {
  return `${s.charAt(0).toUpperCase()}${s.slice(1).replace(/\.?$/, '.')}`;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

import type { CertificateSummary } from '../model/certificate';
import { validityStatus } from './summarize';

/** Words for a validity status, shared by the CLI and the UI badges. */
export const VALIDITY_LABEL = {
  valid: 'valid',
  expired: 'EXPIRED',
  'not-yet-valid': 'NOT YET VALID',
} as const;

/** Whole days from `at` until `date` (negative when in the past). */
export function daysUntil(date: string, at: Date): number {
  return Math.floor((new Date(date).getTime() - at.getTime()) / 86_400_000);
}

/** One sentence on validity that a helpdesk user can repeat on the phone. */
export function validitySentence(c: CertificateSummary, at: Date): string {
  const status = validityStatus(new Date(c.notBefore), new Date(c.notAfter), at);
  if (status === 'expired') return `expired ${Math.floor((at.getTime() - new Date(c.notAfter).getTime()) / 86_400_000)} day(s) ago`;
  if (status === 'not-yet-valid') return `not valid for another ${daysUntil(c.notBefore, at) + 1} day(s)`;
  return `valid, ${daysUntil(c.notAfter, at)} day(s) left`;
}

/** The self-signed line, saying how it was decided (a name match alone proves nothing). */
export function selfSignedText(c: CertificateSummary): string {
  const s = c.selfSigned;
  if (!s.namesMatch) return 'no (issued by another certificate)';
  if (s.signatureVerifies === true) return 'yes (signature verified with its own key)';
  if (s.signatureVerifies === false) return "no: subject equals issuer, but the signature does not verify with its own key";
  return 'unknown: subject equals issuer; the signature algorithm could not be checked';
}

/** Human-readable block for `certbench inspect` (the same fields the UI shows). */
export function formatCertificateText(title: string, c: CertificateSummary, at: Date): string {
  const status = validityStatus(new Date(c.notBefore), new Date(c.notAfter), at);
  const rows: [string, string][] = [
    ['Subject', c.subject.rfc4514 || '(empty)'],
    ['Issuer', c.issuer.rfc4514 || '(empty)'],
    ['Serial number', c.serialNumber],
    ['Valid from', c.notBefore],
    ['Valid to', c.notAfter],
    ['Status', `${VALIDITY_LABEL[status]} (${validitySentence(c, at)})`],
    ['Thumbprint (SHA-1)', c.thumbprintSha1],
    ['SHA-256', c.fingerprintSha256],
    ['Public key', c.publicKey.description],
    ['Signature algorithm', c.signatureAlgorithm.name],
    ['Subject alt names', c.subjectAltNames.length ? c.subjectAltNames.map((n) => `${n.type.toUpperCase()}:${n.value}`).join(', ') : '(none)'],
    ['Key usage', c.keyUsage === null ? '(not restricted)' : c.keyUsage.join(', ') || '(empty)'],
    [
      'Enhanced key usage',
      c.extendedKeyUsage === null
        ? '(not restricted: any purpose)'
        : c.extendedKeyUsage.map((e) => (e.name === e.oid ? e.oid : `${e.name} (${e.oid})`)).join(', ') || '(empty)',
    ],
    [
      'Basic constraints',
      c.basicConstraints === null
        ? '(none: end entity)'
        : c.basicConstraints.ca
          ? `CA${c.basicConstraints.pathLength === null ? '' : `, path length ${c.basicConstraints.pathLength}`}`
          : 'end entity (not a CA)',
    ],
    ['Self-signed', selfSignedText(c)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return [`== ${title}`, ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)].join('\n');
}

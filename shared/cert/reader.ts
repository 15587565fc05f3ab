import { base64 } from '@peculiar/utils';
import { CertbenchError, formatBytes } from '../errors';

/** What one input file turned out to hold. */
export interface ReadResult {
  format: 'pem' | 'der';
  /** DER of each certificate in the order found. */
  certificates: Uint8Array[];
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
const CERT_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);
const KEY_LABELS = /PRIVATE KEY$/;

/**
 * Turn the bytes of a `.pem`, `.crt` or `.cer` file into certificate DERs. Windows exports `.cer`
 * as DER or as base64 ("Base-64 encoded X.509"), so the content decides, never the extension.
 * Throws a CertbenchError whose message names the file and what was wrong.
 */
export function readCertificateFile(name: string, bytes: Uint8Array, maxBytes: number): ReadResult {
  if (bytes.byteLength > maxBytes) {
    throw new CertbenchError(
      'too-large',
      `${name}: file is ${formatBytes(bytes.byteLength)}; certificate files are at most ${formatBytes(maxBytes)}`,
    );
  }
  if (bytes.byteLength === 0) throw new CertbenchError('bad-input', `${name}: file is empty`);

  // DER: a certificate is a SEQUENCE (0x30) with a long-form length (certificates exceed 127 bytes).
  if (bytes[0] === 0x30) return { format: 'der', certificates: [bytes] };

  const text = latin1(bytes);
  const certificates: Uint8Array[] = [];
  const otherLabels: string[] = [];
  for (const match of text.matchAll(PEM_BLOCK)) {
    const label = match[1] ?? '';
    if (!CERT_LABELS.has(label)) {
      otherLabels.push(label);
      continue;
    }
    const body = (match[2] ?? '').replace(/[\r\n\t ]+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 !== 0) {
      throw new CertbenchError(
        'bad-input',
        `${name}: certificate block ${certificates.length + 1} is not valid base64 (damaged or truncated PEM)`,
      );
    }
    certificates.push(base64.decode(body));
  }
  if (certificates.length) return { format: 'pem', certificates };

  if (otherLabels.some((l) => KEY_LABELS.test(l))) {
    throw new CertbenchError('bad-input', `${name}: holds a private key but no certificate`);
  }
  if (otherLabels.length) {
    throw new CertbenchError('bad-input', `${name}: holds a PEM "${otherLabels[0]}" block, not a certificate`);
  }
  if (text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new CertbenchError('bad-input', `${name}: PEM certificate has no END line (truncated file)`);
  }
  throw new CertbenchError('bad-input', `${name}: not a certificate (neither PEM nor DER X.509)`);
}

function latin1(bytes: Uint8Array): string {
  // Chunked so a 16 MB file does not blow the argument limit of String.fromCharCode.
  let out = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return out;
}

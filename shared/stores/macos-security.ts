import { decodeBody } from '../cert/containers/text';
import { sha256Hex, thumbprint } from '../cert/thumbprint';
import { CertbenchError } from '../errors';

/**
 * Parsers for the macOS `security` tool (DESIGN.md "Platforms": macOS through `security`, tested
 * on recorded outputs). Pure functions; electron/platform/macos/index.ts runs the tool. The fixtures
 * are constructed from the documented output shape, not captured on a Mac (tests/fixtures/macos/).
 */

export interface KeychainCertificate {
  /** DER bytes from the PEM block. */
  der: Uint8Array;
  /** As printed by -Z ("SHA-1 hash:"), upper-case hex; null when the line was absent. */
  sha1: string | null;
  /** As printed by -Z on releases that print it ("SHA-256 hash:"); null otherwise. */
  sha256: string | null;
}

const HASH_LINE = /^SHA-(1|256) hash:\s*([0-9A-Fa-f]+)\s*$/;
const BEGIN = '-----BEGIN CERTIFICATE-----';
const END = '-----END CERTIFICATE-----';

/**
 * `security find-certificate -a -p -Z <keychain>`: per certificate, `SHA-256 hash: ...` (newer
 * releases) and `SHA-1 hash: ...`, then the PEM block. The printed hashes are checked against the
 * DER, so a garbled capture is an error naming the certificate rather than a silent mismatch.
 */
export function parseFindCertificate(text: string): KeychainCertificate[] {
  const out: KeychainCertificate[] = [];
  let sha1: string | null = null;
  let sha256: string | null = null;
  let pem: string[] | null = null;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (const [n, raw] of lines.entries()) {
    const line = raw.trim();
    if (pem) {
      if (line === END) {
        const number = out.length + 1;
        const body = pem.join('');
        if (!body) throw new CertbenchError('bad-input', `security find-certificate: certificate ${number} has an empty PEM block`);
        const der = decodeBody(body);
        if (!der) throw new CertbenchError('bad-input', `security find-certificate: certificate ${number}'s PEM block is not valid base64`);
        const realSha1 = thumbprint(der);
        const realSha256 = sha256Hex(der);
        if ((sha1 && sha1 !== realSha1) || (sha256 && sha256 !== realSha256)) {
          throw new CertbenchError('bad-input', `security find-certificate: certificate ${number}'s printed hash does not match its PEM (damaged output?)`);
        }
        out.push({ der, sha1, sha256 });
        pem = null;
        sha1 = null;
        sha256 = null;
      } else if (/^[A-Za-z0-9+/=]+$/.test(line)) pem.push(line);
      else if (line) throw new CertbenchError('bad-input', `security find-certificate: line ${n + 1} inside a PEM block is not base64`);
      continue;
    }
    if (!line) continue;
    const h = HASH_LINE.exec(line);
    if (h) {
      if (h[1] === '1') sha1 = (h[2] ?? '').toUpperCase();
      else sha256 = (h[2] ?? '').toUpperCase();
      continue;
    }
    if (line === BEGIN) {
      pem = [];
      continue;
    }
    throw new CertbenchError('bad-input', `security find-certificate: unexpected line ${n + 1}: "${line.slice(0, 80)}"`);
  }
  if (pem) throw new CertbenchError('bad-input', 'security find-certificate: the output ends inside a PEM block');
  return out;
}

export interface KeychainIdentity {
  index: number;
  /** SHA-1 of the certificate, upper-case hex. */
  sha1: string;
  name: string;
  /** Why an identity is not valid, as printed in parentheses (CSSMERR_TP_CERT_EXPIRED); null when valid. */
  problem: string | null;
}

export interface FindIdentityResult {
  /** Identities of the valid section when printed (-v, or the "Valid identities only" section). */
  valid: KeychainIdentity[];
  /** Identities of the "Matching identities" section when printed (no -v); null with -v. */
  matching: KeychainIdentity[] | null;
}

const IDENTITY = /^(\d+)\)\s+([0-9A-Fa-f]{40})\s+"(.*)"(?:\s+\(([^()]*)\))?$/;
const COUNT = /^(\d+) (valid )?identities found$/;

/**
 * `security find-identity [-v] -p ssl-client [keychain]`: lines `  1) 3F2A... "Alice Client"` and a
 * count line `     1 valid identities found`. Without -v a "Matching identities" section (possibly
 * with a reason after invalid ones) precedes "Valid identities only". Each count is checked.
 */
export function parseFindIdentity(text: string): FindIdentityResult {
  let matching: KeychainIdentity[] | null = null;
  let valid: KeychainIdentity[] | null = null;
  let current: KeychainIdentity[] = [];
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || /^Policy:/i.test(line) || /^Matching identities$/i.test(line) || /^Valid identities only$/i.test(line)) continue;
    const m = IDENTITY.exec(line);
    if (m) {
      current.push({ index: Number(m[1]), sha1: (m[2] ?? '').toUpperCase(), name: m[3] ?? '', problem: m[4] ?? null });
      continue;
    }
    const c = COUNT.exec(line);
    if (c) {
      const count = Number(c[1]);
      if (count !== current.length) {
        throw new CertbenchError('bad-input', `security find-identity: says ${count} ${c[2] ? 'valid ' : ''}identities found but lists ${current.length}`);
      }
      if (c[2]) valid = current;
      else matching = current;
      current = [];
      continue;
    }
    throw new CertbenchError('bad-input', `security find-identity: unexpected line "${line.slice(0, 80)}"`);
  }
  if (current.length) throw new CertbenchError('bad-input', 'security find-identity: identities listed without a count line (truncated output?)');
  if (valid === null && matching === null) throw new CertbenchError('bad-input', 'security find-identity: no identities count line in the output');
  return { valid: valid ?? [], matching };
}

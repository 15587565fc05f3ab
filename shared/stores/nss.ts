import type { CertificateSummary } from '../model/certificate';
import type { StoreRole } from '../model/store';

/**
 * Parsers of NSS `certutil` output (libnss3-tools), pure and tested on recorded output: `-L` lists
 * nicknames with trust flags, `-K` lists private keys. Running certutil is electron/platform/linux/nss.ts.
 */

export interface NssEntry {
  nickname: string;
  /** Trust attributes "SSL,S/MIME,JAR/XPI", e.g. "CT,C,C" or "u,u,u". */
  trust: string;
}

export interface NssKey {
  index: number;
  algorithm: string;
  keyId: string;
  /** The certificate nickname the key belongs to; null for an orphan key. */
  nickname: string | null;
}

/**
 * `certutil -L -d sql:DIR`: a header ("Certificate Nickname ... Trust Attributes" and the
 * "SSL,S/MIME,JAR/XPI" line), then one line per certificate: the nickname padded to a column, then
 * the three comma-separated trust fields. Nicknames may contain spaces, so the trust field is taken
 * from the end of the line.
 */
export function parseCertutilList(text: string): NssEntry[] {
  const out: NssEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+$/, '');
    if (!line || /^Certificate Nickname\s+Trust Attributes$/.test(line) || /^\s+SSL,S\/MIME,JAR\/XPI$/.test(line)) continue;
    const m = /^(.*?)\s+([A-Za-z]*,[A-Za-z]*,[A-Za-z]*)$/.exec(line);
    if (m && m[1]) out.push({ nickname: m[1], trust: m[2]! });
  }
  return out;
}

/** `certutil -K -d sql:DIR`: lines `< 0> rsa      <key id hex>   <nickname>` ("(orphan)" when no certificate). */
export function parseCertutilKeys(text: string): NssKey[] {
  const out: NssKey[] = [];
  for (const line of text.split('\n')) {
    const m = /^<\s*(\d+)>\s+(\S+)\s+([0-9a-fA-F]+)\s+(.*?)\s*$/.exec(line);
    if (!m) continue;
    const nickname = m[4]!;
    out.push({ index: Number(m[1]), algorithm: m[2]!, keyId: m[3]!.toLowerCase(), nickname: nickname === '(orphan)' || nickname === '' ? null : nickname });
  }
  return out;
}

/** Which logical store an entry belongs to, by its SSL trust flags (certutil(1) "-t trustargs"). */
export function nssRole(trust: string, summary: CertificateSummary | null): StoreRole {
  const [ssl = '', email = '', code = ''] = trust.split(',');
  // C: trusted CA to issue server certificates; T: trusted CA to issue client certificates.
  if (/[CT]/.test(ssl)) return 'root';
  // u: a user certificate (NSS holds its private key).
  if ([ssl, email, code].some((f) => f.includes('u'))) return 'personal';
  // P: trusted peer (the certificate itself is trusted, not its issuer).
  if (ssl.includes('P')) return 'trusted-people';
  if (ssl.includes('c') || summary?.basicConstraints?.ca) return 'intermediate';
  return 'other';
}

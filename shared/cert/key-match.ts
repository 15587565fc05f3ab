import type { CertificateSummary } from '../model/certificate';
import type { KeySummary } from '../model/key';

/** A file's certificates and keys, as `certs:inspect` reports them. */
export interface CertsAndKeys {
  certificates: CertificateSummary[];
  keys: KeySummary[];
}

/**
 * Match every key not yet matched against the certificates of ALL the given files, by public key
 * (KeySummary.publicKeySha256 = CertificateSummary.publicKeySha256): a key.pem opened next to its
 * cert.pem, in one request or several. Files without such keys come back as the same objects.
 */
export function matchKeysAcrossFiles<T extends CertsAndKeys>(files: T[]): T[] {
  const unmatched = (k: KeySummary) => k.publicKeySha256 !== null && k.matchesCertificate === null;
  if (!files.some((f) => f.keys.some(unmatched))) return files;
  const bySpki = new Map<string, string>();
  for (const f of files) for (const c of f.certificates) if (!bySpki.has(c.publicKeySha256)) bySpki.set(c.publicKeySha256, c.thumbprintSha1);
  return files.map((f) =>
    f.keys.some(unmatched)
      ? { ...f, keys: f.keys.map((k) => (unmatched(k) ? { ...k, matchesCertificate: bySpki.get(k.publicKeySha256!) ?? null } : k)) }
      : f,
  );
}

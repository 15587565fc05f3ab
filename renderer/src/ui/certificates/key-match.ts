import { base64, hex } from '@peculiar/utils';
import { sha256 } from '@noble/hashes/sha2.js';
import type { KeySummary } from '../../../../shared/model/key';
import { parseX509 } from '../../../../shared/cert/x509';
import type { FileOutcome } from './use-inspect-queue';

/** SHA-256 of a certificate's SubjectPublicKeyInfo, as KeySummary.publicKeySha256 writes it. */
function spkiSha256(derBase64: string): string | null {
  try {
    return hex.encode(sha256(parseX509(base64.decode(derBase64)).spki.der)).toUpperCase();
  } catch {
    return null;
  }
}

const unmatched = (k: KeySummary) => k.publicKeySha256 !== null && k.matchesCertificate === null;

/**
 * The service matches keys to certificates within one request, and the UI sends one file per
 * request (the web mode caps a request's size), so client.key opened next to client.pem would say
 * "matches none". Match the remaining keys against every certificate opened, by public key, so the
 * key line and the verdict agree. Files without such keys are returned as they are (same objects).
 */
export function matchKeysAcrossFiles(files: FileOutcome[]): FileOutcome[] {
  if (!files.some((f) => f.keys.some(unmatched))) return files;
  const bySpki = new Map<string, string>();
  for (const f of files) {
    for (const c of f.certificates) {
      const spki = spkiSha256(c.derBase64);
      if (spki && !bySpki.has(spki)) bySpki.set(spki, c.thumbprintSha1);
    }
  }
  return files.map((f) =>
    f.keys.some(unmatched)
      ? { ...f, keys: f.keys.map((k) => (unmatched(k) ? { ...k, matchesCertificate: bySpki.get(k.publicKeySha256!) ?? null } : k)) }
      : f,
  );
}

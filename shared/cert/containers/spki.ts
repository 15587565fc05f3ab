import type { KeySummary } from '../../model/key';
import { sha256Hex, thumbprint } from '../thumbprint';
import { parseX509 } from '../x509';

export { thumbprint };

/**
 * The SubjectPublicKeyInfo DER of a certificate, exactly as the certificate holds it (nothing is
 * re-encoded). Throws when `der` is not a certificate.
 */
export function certificateSpkiDer(der: Uint8Array): Uint8Array {
  return parseX509(der).spki.der;
}

/** A certificate's public-key hash and thumbprint, computed once per certificate and only when a key needs it. */
export class CertificateIndex {
  private readonly entries: { der: Uint8Array; spkiSha256: string | null | undefined }[] = [];

  add(ders: Uint8Array[]): void {
    for (const der of ders) this.entries.push({ der, spkiSha256: undefined });
  }

  /** Thumbprint of the first certificate whose SubjectPublicKeyInfo hashes to `publicKeySha256`. */
  find(publicKeySha256: string): string | null {
    for (const e of this.entries) {
      if (e.spkiSha256 === undefined) {
        try {
          e.spkiSha256 = sha256Hex(certificateSpkiDer(e.der));
        } catch {
          e.spkiSha256 = null;
        }
      }
      if (e.spkiSha256 === publicKeySha256) return thumbprint(e.der);
    }
    return null;
  }
}

/** Fill `matchesCertificate` of each key from the certificates given (first match wins). */
export function matchKeys(keys: KeySummary[], index: CertificateIndex): KeySummary[] {
  return keys.map((k) => (k.publicKeySha256 && !k.matchesCertificate ? { ...k, matchesCertificate: index.find(k.publicKeySha256) } : k));
}

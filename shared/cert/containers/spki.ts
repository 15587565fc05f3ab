import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { KeySummary } from '../../model/key';
import { hex } from '@peculiar/utils';
import { sha1 } from '@noble/hashes/legacy.js';
import { spkiSha256 } from './keys';

/**
 * The SubjectPublicKeyInfo DER of a certificate, exactly as the certificate holds it. The one place
 * that reads it (another parser may replace the internals; callers only see this function).
 * Throws when `der` is not a certificate.
 */
export function certificateSpkiDer(der: Uint8Array): Uint8Array {
  const asn1 = asn1js.fromBER(der);
  if (asn1.offset === -1) throw new Error('not DER');
  // pkijs validates the structure; the bytes come from the parsed tree so nothing is re-encoded.
  new pkijs.Certificate({ schema: asn1.result });
  const tbs = (asn1.result as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence;
  const fields = tbs.valueBlock.value;
  const hasVersion = fields[0]?.idBlock.tagClass === 3 && fields[0]?.idBlock.tagNumber === 0;
  const spki = fields[hasVersion ? 6 : 5];
  if (!spki) throw new Error('certificate has no public key');
  return new Uint8Array(spki.valueBeforeDecodeView);
}

/** SHA-1 of a certificate DER as CertificateSummary.thumbprintSha1 shows it. */
export function thumbprint(der: Uint8Array): string {
  return hex.encode(sha1(der)).toUpperCase();
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
          e.spkiSha256 = spkiSha256(certificateSpkiDer(e.der));
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

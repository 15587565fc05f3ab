import { sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { toHex } from '../asn1/bytes';

/** SHA-1 of a certificate's DER in uppercase hex: the thumbprint Windows shows (CertificateSummary.thumbprintSha1). */
export function thumbprint(der: Uint8Array): string {
  return toHex(sha1(der));
}

/** SHA-256 in uppercase hex: certificate fingerprints, and the public-key hash keys are matched by. */
export function sha256Hex(bytes: Uint8Array): string {
  return toHex(sha256(bytes));
}

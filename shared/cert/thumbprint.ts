import { sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { toHex } from '../asn1/bytes';

/**
 * A native SHA-1 the host may install (the main process installs node:crypto's, see
 * electron/services/node-verify.ts): pools of 10,000 certificates hash every one on the way in. It
 * answers in hex, so the digest never exists as bytes on the JavaScript side.
 */
let nativeSha1Hex: ((bytes: Uint8Array) => string) | null = null;

export function setSha1Hex(fn: ((bytes: Uint8Array) => string) | null): void {
  nativeSha1Hex = fn;
}

/** SHA-1 of a certificate's DER in uppercase hex: the thumbprint Windows shows (CertificateSummary.thumbprintSha1). */
export function thumbprint(der: Uint8Array): string {
  return nativeSha1Hex ? nativeSha1Hex(der).toUpperCase() : toHex(sha1(der));
}

/** SHA-256 in uppercase hex: certificate fingerprints, and the public-key hash keys are matched by. */
export function sha256Hex(bytes: Uint8Array): string {
  return toHex(sha256(bytes));
}

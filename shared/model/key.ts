import { z } from 'zod';
import { CONTAINER_FORMATS, KEY_FORMATS, type ContainerFormat } from './formats';

/**
 * What Certbench says about a private key it found in a file (PEM/DER key, PKCS#12). Plain data only:
 * private key material never leaves shared/cert/containers, only this summary does (DESIGN.md: only
 * plain data crosses the boundary).
 */
export { CONTAINER_FORMATS, KEY_FORMATS, type ContainerFormat };

export const KeySummarySchema = z.object({
  /** 'RSA', 'RSA-PSS', 'ECC', 'Ed25519', 'Ed448', 'X25519', 'X448', 'DSA', or the dotted OID; null while encrypted. */
  algorithm: z.string().nullable(),
  /** RSA modulus size or EC field size; null when unknown (encrypted). */
  bits: z.number().int().nullable(),
  /** Named curve (P-256, P-384, ...) for EC keys, else null. */
  curve: z.string().nullable(),
  /** True when the key is stored encrypted in its file (encrypted PKCS#8, a shrouded PKCS#12 bag, legacy PEM encryption). */
  encrypted: z.boolean(),
  /** How the key was encoded: PKCS#8, PKCS#1 (RSA), SEC1 (EC), encrypted PKCS#8, or inside a PKCS#12. */
  format: z.enum(KEY_FORMATS),
  /** How it is encrypted, e.g. "PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC, 2048 iterations)"; null when not. */
  encryption: z.string().nullable(),
  /** SHA-256 (uppercase hex) of the SubjectPublicKeyInfo DER derived from the private key; null when it cannot be derived. */
  publicKeySha256: z.string().nullable(),
  /** thumbprintSha1 of the certificate among the same input set whose public key equals this key's; null when none. */
  matchesCertificate: z.string().nullable(),
  /** Why the key could not be matched (encrypted, no public key in the file), in one line; null otherwise. */
  note: z.string().nullable(),
});

export type KeySummary = z.infer<typeof KeySummarySchema>;
export type KeyFormat = (typeof KEY_FORMATS)[number];

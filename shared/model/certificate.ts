import { z } from 'zod';

/**
 * The plain-data certificate model that crosses every boundary (IPC, HTTP, CLI JSON, bundles).
 * pkijs objects never leave shared/cert; only this shape does (DESIGN.md: only plain data crosses).
 */
export const NameAttributeSchema = z.object({
  oid: z.string(),
  /** Short name as RFC 4514 writes it (CN, O, OU, C, ...), or the dotted OID when unnamed. */
  type: z.string(),
  value: z.string(),
});

export const DistinguishedNameSchema = z.object({
  /** RFC 4514 string, most specific RDN first (CN=...,O=...,C=...). */
  rfc4514: z.string(),
  /** The form Windows shows: most specific first, ", " separated, values with separators in quotes. */
  windows: z.string(),
  commonName: z.string().nullable(),
  attributes: z.array(NameAttributeSchema),
});

export const GeneralNameSchema = z.object({
  type: z.enum(['dns', 'ip', 'email', 'uri', 'upn', 'directory', 'registered-id', 'other']),
  value: z.string(),
});

export const OidNameSchema = z.object({ oid: z.string(), name: z.string() });

export const ValidityStatusSchema = z.enum(['valid', 'expired', 'not-yet-valid']);

export const CertificateSummarySchema = z.object({
  version: z.number().int(),
  subject: DistinguishedNameSchema,
  issuer: DistinguishedNameSchema,
  /** Serial number as uppercase hex, the way certutil prints it (without spaces). */
  serialNumber: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
  validity: z.object({
    status: ValidityStatusSchema,
    /** When the status was computed (ISO); the renderer recomputes against its own clock. */
    checkedAt: z.string(),
  }),
  /** SHA-1 of the DER, uppercase hex without separators: what PowerShell's Thumbprint shows. */
  thumbprintSha1: z.string(),
  fingerprintSha256: z.string(),
  /** SHA-256 (uppercase hex) of the SubjectPublicKeyInfo DER: private keys are matched by it. */
  publicKeySha256: z.string(),
  publicKey: z.object({
    algorithm: z.string(),
    /** Key size in bits (RSA modulus, EC field size); null when unknown. */
    bits: z.number().int().nullable(),
    curve: z.string().nullable(),
    description: z.string(),
  }),
  signatureAlgorithm: OidNameSchema,
  subjectAltNames: z.array(GeneralNameSchema),
  /** null when the extension is absent (then every usage is allowed). */
  keyUsage: z.array(z.string()).nullable(),
  /** null when the extension is absent (then every purpose is allowed). */
  extendedKeyUsage: z.array(OidNameSchema).nullable(),
  basicConstraints: z
    .object({ ca: z.boolean(), pathLength: z.number().int().nullable(), critical: z.boolean() })
    .nullable(),
  selfSigned: z.object({
    /** Issuer name equals subject name (byte for byte after decoding). */
    namesMatch: z.boolean(),
    /** The certificate's signature verifies with its own public key; null when not attempted. */
    signatureVerifies: z.boolean().nullable(),
    /** True only when both hold: a name match alone is not proof (KB 2802568). */
    value: z.boolean(),
  }),
  /** Subject Key Identifier as uppercase hex; null when absent. */
  subjectKeyId: z.string().nullable(),
  authorityKeyId: z
    .object({ keyId: z.string().nullable(), issuer: z.string().nullable(), serial: z.string().nullable() })
    .nullable(),
  authorityInfoAccess: z.object({ ocsp: z.array(z.string()), caIssuers: z.array(z.string()) }),
  crlDistributionPoints: z.array(z.string()),
  policies: z.array(z.object({ oid: z.string(), name: z.string(), cps: z.array(z.string()) })),
  /** Microsoft certificate template (v1 name and/or v2 OID with versions); null when absent. */
  template: z
    .object({
      name: z.string().nullable(),
      oid: z.string().nullable(),
      majorVersion: z.number().int().nullable(),
      minorVersion: z.number().int().nullable(),
    })
    .nullable(),
  nameConstraints: z
    .object({ permitted: z.array(GeneralNameSchema), excluded: z.array(GeneralNameSchema), critical: z.boolean() })
    .nullable(),
  extensions: z.array(
    z.object({
      oid: z.string(),
      name: z.string(),
      critical: z.boolean(),
      /** Raw value (hex, first 2 KB) for extensions Certbench does not decode; null for decoded ones. */
      valueHex: z.string().nullable(),
      /** Set when a known extension is malformed: what was wrong, in words. */
      problem: z.string().nullable(),
    }),
  ),
  derBase64: z.string(),
});

export type NameAttribute = z.infer<typeof NameAttributeSchema>;
export type DistinguishedName = z.infer<typeof DistinguishedNameSchema>;
export type GeneralName = z.infer<typeof GeneralNameSchema>;
export type ValidityStatus = z.infer<typeof ValidityStatusSchema>;
export type CertificateSummary = z.infer<typeof CertificateSummarySchema>;

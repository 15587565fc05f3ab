import { z } from 'zod';
import { FindingSchema } from '../findings/catalogue';
import { RevocationSchema } from './revocation';

/** One check on one certificate of a chain, said in words ("say per link what holds"). */
export const ChainCheckSchema = z.object({
  /**
   * 'extensions': critical extensions not processed, malformed or repeated ones (RFC 5280 4.2);
   * 'policy': certificate policies (RFC 5280 6.1.3 d-f, 6.1.5 g); 'crypto': weak signature
   * algorithms and keys by Windows' rules. Added later than the others: older bundles lack them.
   */
  name: z.enum(['signature', 'validity', 'ca', 'path-length', 'key-usage', 'eku', 'name-constraints', 'trust', 'extensions', 'policy', 'crypto']),
  /** 'unknown': could not be checked (a signature algorithm Certbench cannot verify): fails the chain. 'warn': holds, but flagged. */
  status: z.enum(['ok', 'fail', 'unknown', 'warn']),
  text: z.string(),
});

export const ChainLinkSchema = z.object({
  thumbprintSha1: z.string(),
  subject: z.string(),
  issuer: z.string(),
  commonName: z.string().nullable(),
  notBefore: z.string(),
  notAfter: z.string(),
  /** Where the certificate was found: file names, stores, "handshake", "system trust". */
  sources: z.array(z.string()),
  role: z.enum(['leaf', 'intermediate', 'root', 'anchor']),
  /** The certificate itself, so a view can open any link (roots from the system store included). */
  derBase64: z.string(),
  status: z.enum(['ok', 'fail', 'unknown', 'warn']),
  checks: z.array(ChainCheckSchema),
  /** Present only when revocation was checked (opt-in): older bundles and plain analyses lack it. */
  revocation: RevocationSchema.optional(),
});

export const ChainPathSchema = z.object({
  /** 'unverified': complete and trusted, but a signature could not be checked (never counted as valid). */
  status: z.enum(['valid', 'invalid', 'incomplete', 'untrusted', 'unverified']),
  /** Leaf first, then each issuer; the last is the root or anchor (or the last link found). */
  links: z.array(ChainLinkSchema),
  /** Set when the issuer of the last link is in none of the sources. */
  missing: z
    .object({
      issuer: z.string(),
      authorityKeyId: z.string().nullable(),
      /** Where the issuer can be downloaded (AIA caIssuers), when the certificate says. */
      downloadUrls: z.array(z.string()),
      /**
       * What the missing certificate is, as far as the certificate below tells: a root (self-signed,
       * goes to Trusted Root Certification Authorities), an intermediate (Intermediate Certification
       * Authorities), or unknown (say both and how to tell). Absent in older bundles.
       */
      kind: z.enum(['root', 'intermediate', 'unknown']).optional(),
    })
    .nullable(),
  /** Every failing point, one sentence each. */
  problems: z.array(z.string()),
});

export const ChainReportSchema = z.object({
  target: z.string(),
  best: ChainPathSchema,
  /** Other candidate paths (cross-signed CAs), best first; capped. */
  alternatives: z.array(ChainPathSchema),
  at: z.string(),
  /** What the chain was judged for, and how (absent in older bundles: client-auth, Windows anchors, any policy). */
  purpose: z.enum(['client-auth', 'client-auth-strict', 'server-auth', 'any']).optional(),
  anchors: z.enum(['windows', 'rfc5280']).optional(),
  /** The user-initial-policy-set asked for (RFC 5280 6.1.1 c); empty or absent: any policy. */
  policies: z.array(z.string()).optional(),
});

export const KeyStatusSchema = z.object({
  status: z.enum(['present', 'missing', 'unknown']),
  detail: z.string(),
});

export const VerdictSchema = z.object({
  /** null when a decisive fact is unknown (e.g. whether a private key exists). */
  usable: z.boolean().nullable(),
  sentence: z.string(),
  findings: z.array(FindingSchema),
});

/**
 * The verdict in a few words, for places that show it per row (the Local stores column and chip,
 * Probe's offers): the same verdict as the card's, without the evidence.
 */
export const VerdictBriefSchema = z.object({
  usable: z.boolean().nullable(),
  sentence: z.string(),
  findings: z.array(z.object({ id: FindingSchema.shape.id, severity: FindingSchema.shape.severity, title: z.string() })),
});

export type ChainCheck = z.infer<typeof ChainCheckSchema>;
export type VerdictBrief = z.infer<typeof VerdictBriefSchema>;
export type ChainLink = z.infer<typeof ChainLinkSchema>;
export type ChainPath = z.infer<typeof ChainPathSchema>;
export type ChainReport = z.infer<typeof ChainReportSchema>;
export type KeyStatus = z.infer<typeof KeyStatusSchema>;
export type Verdict = z.infer<typeof VerdictSchema>;

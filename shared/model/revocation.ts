import { z } from 'zod';

/**
 * The revocation answer for one link of a chain (RFC 5280 CRLs, RFC 6960 OCSP), with every source
 * tried, so a view can say "Revoked on ... per CRL <url>" or "Could not check: timeout at <url>".
 * Plain data only: shared/revocation computes it, the CLI, the UI and Diagnose show it.
 */

/** What went wrong with one source, as a kind a script can test and words a person reads. */
export const RevocationFailureSchema = z.enum([
  'dns',
  'connect',
  'timeout',
  'http-status',
  'too-large',
  'redirects',
  'bad-signature',
  'stale',
  'wrong-issuer',
  'parse',
  'not-fetched',
  'cancelled',
  /** An OCSP responder answered with an error status (RFC 6960 4.2.1: tryLater, unauthorized, ...). */
  'responder-error',
]);

export const RevocationSourceSchema = z.object({
  url: z.string(),
  /** 'delta-crl': a freshest CRL (RFC 5280 4.2.1.15, 5.2.4). */
  method: z.enum(['ocsp', 'crl', 'delta-crl']),
  outcome: z.enum(['good', 'revoked', 'unknown', 'failed']),
  failure: RevocationFailureSchema.nullable(),
  /** One sentence: what the source said or what failed. */
  detail: z.string(),
  /** Bytes read (null when nothing was read). */
  bytes: z.number().int().nullable(),
  thisUpdate: z.string().nullable(),
  nextUpdate: z.string().nullable(),
  durationMs: z.number().int().nullable(),
});

export const RevocationStatusSchema = z.enum(['good', 'revoked', 'unknown', 'could-not-check', 'not-checked']);

export const RevocationSchema = z.object({
  status: RevocationStatusSchema,
  /** The link's answer in words ("revoked on 2026-11-30 14:02 UTC (keyCompromise) per CRL http://..."). */
  text: z.string(),
  revokedAt: z.string().nullable(),
  /** CRLReason (RFC 5280 5.3.1), null when the source gave none. */
  reasonCode: z.number().int().nullable(),
  reason: z.string().nullable(),
  /** The source that settled the answer (null when none did). */
  settledBy: z.object({ method: z.enum(['ocsp', 'crl', 'delta-crl']), url: z.string() }).nullable(),
  sources: z.array(RevocationSourceSchema),
  /** The addresses the certificate names; those not fetched say why (LDAP, file:, ...). */
  addresses: z.object({
    crl: z.array(z.string()),
    deltaCrl: z.array(z.string()),
    ocsp: z.array(z.string()),
    caIssuers: z.array(z.string()),
    notFetched: z.array(z.object({ url: z.string(), why: z.string() })),
  }),
});

export type RevocationFailure = z.infer<typeof RevocationFailureSchema>;
export type RevocationSource = z.infer<typeof RevocationSourceSchema>;
export type RevocationStatus = z.infer<typeof RevocationStatusSchema>;
export type Revocation = z.infer<typeof RevocationSchema>;
export type RevocationAddresses = Revocation['addresses'];

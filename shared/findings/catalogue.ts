import { z } from 'zod';

/**
 * The finding catalogue (DESIGN.md "Findings"). Ids are a public contract: tests, bundles and scripts
 * depend on them, so add new ones and never rename. Each id has a severity and a title a helpdesk
 * user understands; the detail and evidence come from the rule that raised it.
 */
export const FINDING_IDS = [
  'server.no-client-cert-request',
  'server.renegotiation-client-cert',
  'server.tls13-post-handshake-needed',
  'server.ca-list-too-large',
  'server.ca-list-empty',
  'server.ca-list-excludes-issuer',
  'server.ca-list-roots-only',
  'server.ca-list-intermediates-only',
  'server.rejected-certificate',
  'http.403.7',
  'http.403.13',
  'http.403.16',
  'http.403.17',
  'cert.no-client-auth-eku',
  'cert.no-digital-signature',
  'cert.expired',
  'cert.not-yet-valid',
  'cert.no-private-key',
  'chain.incomplete',
  'chain.untrusted-root',
  'key.identity-cannot-read',
  'key.too-open',
  'store.non-self-signed-in-root',
  'store.root-names-too-large',
  'store.expired-roots',
  'iis.mapping-at-application-level',
  'iis.ssl-flags-not-requiring-cert',
  'iis.anonymous-needed-for-wcf',
  'iis.client-cert-negotiation-off',
  'iis.tls13-with-renegotiation',
  'schannel.trusted-issuer-list-off',
  'log.500-64-before-403-7',
  // Added by the certificate engine: chain faults other than a missing link or root.
  'chain.invalid',
  // Added with the server side: Schannel System-log events (reference section 9).
  'schannel.ca-list-truncated',
  'schannel.client-cert-alert',
  'schannel.server-key-unreadable',
  // Added with strict path validation: a link whose signature cannot be checked, and
  // signature algorithms or keys that Windows' rules reject or deprecate.
  'chain.unverified-signature',
  'chain.weak-crypto',
  // A TLS version the probe was told to use, refused by the server: an answer, not a failure to observe.
  'server.tls-version-refused',
  // Revocation (RFC 5280 CRLs, RFC 6960 OCSP): the per-link answers of shared/revocation.
  'revocation.revoked',
  'revocation.unreachable',
  'revocation.stale-crl',
  'revocation.no-address',
  'revocation.ocsp-unknown',
] as const;

export type FindingId = (typeof FINDING_IDS)[number];
export const FindingIdSchema = z.enum(FINDING_IDS);
export const SeveritySchema = z.enum(['error', 'warning', 'info']);
export type Severity = z.infer<typeof SeveritySchema>;

export const EvidenceSchema = z.object({
  /** What the evidence is (certificate, chain link, extension, file...). */
  kind: z.string(),
  /** The exact thing seen: an OID list, a date, a DN, a line of output. */
  text: z.string(),
});

export const FindingSchema = z.object({
  id: FindingIdSchema,
  severity: SeveritySchema,
  title: z.string(),
  detail: z.string(),
  evidence: z.array(EvidenceSchema),
  fixes: z.array(z.string()),
  /**
   * Structured values the fix generators need (shared/fixes): binding key, thumbprint, key path,
   * identity, site/application path... Keys per finding id are listed in FINDING_PARAMS. Optional so
   * findings from older bundles still parse.
   */
  params: z.record(z.string(), z.string()).optional(),
});
export type Finding = z.infer<typeof FindingSchema>;
export type Evidence = z.infer<typeof EvidenceSchema>;

/** Default severity per id; a rule may lower it (e.g. a warning when the impact is uncertain). */
export const FINDING_SEVERITY: Record<FindingId, Severity> = {
  'server.no-client-cert-request': 'error',
  'server.renegotiation-client-cert': 'warning',
  'server.tls13-post-handshake-needed': 'error',
  'server.ca-list-too-large': 'error',
  'server.ca-list-empty': 'info',
  'server.ca-list-excludes-issuer': 'error',
  'server.ca-list-roots-only': 'info',
  'server.ca-list-intermediates-only': 'info',
  'server.rejected-certificate': 'error',
  'http.403.7': 'error',
  'http.403.13': 'error',
  'http.403.16': 'error',
  'http.403.17': 'error',
  'cert.no-client-auth-eku': 'error',
  'cert.no-digital-signature': 'error',
  'cert.expired': 'error',
  'cert.not-yet-valid': 'error',
  'cert.no-private-key': 'error',
  'chain.incomplete': 'error',
  'chain.untrusted-root': 'error',
  'key.identity-cannot-read': 'error',
  'key.too-open': 'warning',
  'store.non-self-signed-in-root': 'error',
  'store.root-names-too-large': 'error',
  'store.expired-roots': 'warning',
  'iis.mapping-at-application-level': 'error',
  'iis.ssl-flags-not-requiring-cert': 'error',
  'iis.anonymous-needed-for-wcf': 'warning',
  'iis.client-cert-negotiation-off': 'warning',
  'iis.tls13-with-renegotiation': 'error',
  'schannel.trusted-issuer-list-off': 'info',
  'log.500-64-before-403-7': 'warning',
  'chain.invalid': 'error',
  'schannel.ca-list-truncated': 'error',
  'schannel.client-cert-alert': 'warning',
  'schannel.server-key-unreadable': 'error',
  'chain.unverified-signature': 'error',
  'chain.weak-crypto': 'warning',
  'server.tls-version-refused': 'error',
  // The certificate or a CA above it is revoked: every Windows server that checks refuses it.
  'revocation.revoked': 'error',
  // This machine could not check; an error when the server is known to check revocation.
  'revocation.unreachable': 'warning',
  'revocation.stale-crl': 'warning',
  // A link that is not a root with neither CRL nor OCSP address; an error if the binding checks revocation.
  'revocation.no-address': 'warning',
  'revocation.ocsp-unknown': 'warning',
};

export function finding(
  id: FindingId,
  title: string,
  detail: string,
  evidence: Evidence[],
  options: { severity?: Severity; fixes?: string[]; params?: Record<string, string> } = {},
): Finding {
  const base: Finding = { id, severity: options.severity ?? FINDING_SEVERITY[id], title, detail, evidence, fixes: options.fixes ?? [] };
  return options.params ? { ...base, params: options.params } : base;
}

/**
 * The `params` each rule fills in when it knows them, and the fix generators read (all optional;
 * a generator without what it needs writes no script, never one with a placeholder that could run wrongly):
 * - host, port, url: the probed server.
 * - binding ("0.0.0.0:443" / "www.contoso.com:443"), bindingKind (ipport | hostnameport | ccs),
 *   certHash, appId, certStoreName: an HTTP.SYS binding (netsh / SslBindingInfo).
 * - location ("Default Web Site" or "Default Web Site/api"), site, application: IIS config paths.
 * - thumbprint, subject, store ("LocalMachine\\Root"), file: a certificate and where it sits;
 *   thumbprints (comma-separated) for several.
 * - issuer, downloadUrl, certificatePem: a missing or untrusted CA (public certificate only);
 *   issuerKind (root | intermediate | unknown): what a missing issuer is, so a fix picks its store.
 * - keyPath, identity: a private-key file and who must read it.
 * - serverSoftware (iis | apache | nginx): which server the fix is for, when known.
 * - revocationUrl: the CRL or OCSP address a revocation finding is about (shared/revocation/findings.ts).
 */
export const FINDING_PARAM_KEYS = [
  'host', 'port', 'url',
  'binding', 'bindingKind', 'certHash', 'appId', 'certStoreName',
  'location', 'site', 'application',
  'thumbprint', 'thumbprints', 'subject', 'store', 'file',
  'issuer', 'issuerKind', 'downloadUrl', 'certificatePem',
  'keyPath', 'identity',
  'serverSoftware',
  'revocationUrl',
] as const;
export type FindingParamKey = (typeof FINDING_PARAM_KEYS)[number];

const ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function bySeverity(a: Finding, b: Finding): number {
  return ORDER[a.severity] - ORDER[b.severity];
}

import { z } from 'zod';
import { MESSAGE_KINDS } from '../probe/timeline-message';
import { CertificateSummarySchema } from './certificate';
import { FindingSchema } from '../findings/catalogue';

/**
 * What a handshake probe reports (DESIGN.md "certbench probe ... --json"). The shape is a
 * public contract: bundles and scripts read it. Add fields, never rename.
 */
export const ClientAuthModeSchema = z.enum(['none', 'handshake', 'renegotiation', 'post-handshake', 'unknown']);

export const CertificateRequestSchema = z.object({
  /** Every CA name as an RFC 4514 string, in the order sent. */
  caNames: z.array(z.string()),
  /** Bytes of the certificate_authorities list (the DNs with their 2-byte lengths), compared with 16,384 / 12,228. */
  caNamesBytes: z.number().int(),
  /** Bytes of the whole CertificateRequest handshake message (header included). */
  messageBytes: z.number().int(),
  /** TLS records the message spanned. */
  records: z.number().int(),
  signatureAlgorithms: z.array(z.string()),
  /** TLS 1.2 ClientCertificateType names (rsa_sign, ecdsa_sign, ...); empty for TLS 1.3. */
  certificateTypes: z.array(z.string()),
  /** Which handshake carried it: the first, a renegotiation, or post-handshake (TLS 1.3). */
  carriedBy: z.enum(['handshake', 'renegotiation', 'post-handshake']),
});

export const AlertSchema = z.object({
  from: z.enum(['server', 'client']),
  level: z.enum(['warning', 'fatal', 'unknown']),
  code: z.number().int(),
  description: z.string(),
  /** Milliseconds since the connection started. */
  ms: z.number().optional(),
});

export const TimelineEntrySchema = z.object({
  ms: z.number(),
  from: z.enum(['client', 'server']),
  encrypted: z.boolean(),
  /** "ClientHello", "ServerHello", "Certificate", "CertificateRequest", "HelloRequest", "Application Data (GET /secure/)", "Alert: handshake_failure", "TCP reset", "Connection closed" */
  message: z.string(),
  /**
   * The same line as fields (shared/probe/timeline-message.ts), written by the probe: what kind of
   * line it is, the name the packet list shows and what the probe adds. Absent in timelines recorded
   * by earlier versions, which are read with messageFromText.
   */
  kind: z.enum(MESSAGE_KINDS).optional(),
  name: z.string().optional(),
  detail: z.string().nullable().optional(),
  /** A fatal alert, a reset, a timeout, a 4xx/5xx. */
  bad: z.boolean().optional(),
  /** HTTP responses: the status code. */
  status: z.number().int().optional(),
  /** Alerts: the description ("close_notify", "protocol_version"). */
  alert: z.string().optional(),
  /** Bytes on the wire for this message (record payload share). */
  bytes: z.number().int().optional(),
  /**
   * Which TCP read or write carried it (0-based, both directions counted together): messages with the
   * same segment travelled together, as one line of a packet list ("ServerHello, Certificate, ...").
   */
  segment: z.number().int().optional(),
});

export const HttpResultSchema = z.object({
  status: z.number().int(),
  /** IIS sub-status (the 7 of 403.7) when the body or headers reveal it; null otherwise. */
  subStatus: z.number().int().nullable(),
  reason: z.string(),
  /** The Server header ("Microsoft-IIS/10.0", "Apache/2.4.62", "nginx/1.26"): which fix script fits. */
  server: z.string().nullable().optional(),
  /**
   * The error page's own words when it has a short headline (its <title>, <h1> or nginx's <center>
   * line: "No required SSL certificate was sent"), null otherwise.
   */
  message: z.string().nullable().optional(),
});

/** What an attempt tried, for code to tell attempts apart (labels are for people). */
export const ProbeAttemptKindSchema = z.enum(['default', 'tls1.2', 'tls1.3', 'post-handshake', 'client-certificate', 'post-handshake-client-certificate']);

/** A local certificate judged against a server's CA names: would a browser or Windows offer it, and why not. */
export const OfferDecisionSchema = z.object({
  thumbprint: z.string(),
  subject: z.string(),
  commonName: z.string().nullable(),
  source: z.string(),
  wouldOffer: z.boolean(),
  /** The CA name that matched, when the server sent names. */
  matchedCa: z.string().nullable(),
  /** Why it would not be offered, one sentence each; empty when it would. */
  reasons: z.array(z.string()),
  /** What the one verdict says that does not stop the offer (this machine does not trust its root). */
  notes: z.array(z.string()).optional(),
});

/**
 * Which TLS client made an attempt: Certbench's own over node:tls (OpenSSL), Certbench's own TLS 1.3
 * client (the only one here that offers post-handshake auth), or .NET's SslStream run inside
 * PowerShell, which is Schannel on Windows: what Windows clients (IE/Edge legacy, .NET, PowerShell's
 * Invoke-WebRequest) see, with store certificates whose keys cannot be exported.
 */
export const ProbeClientSchema = z.enum(['certbench', 'certbench-tls13', 'powershell']);

/** One call of the client-certificate selection callback (LocalCertificateSelectionCallback). */
export const SelectionCallSchema = z.object({
  ms: z.number(),
  /** During the first handshake, or after the HTTP request (a TLS 1.2 renegotiation or a TLS 1.3 post-handshake request). */
  when: z.enum(['handshake', 'after-request']),
  /** Whether the server's certificate was known at the call: the call before the handshake has none and no issuers. */
  serverKnown: z.boolean(),
  /** The acceptable issuers exactly as Windows (or .NET) handed them to the callback. */
  issuers: z.array(z.string()),
  /** The same names as RFC 4514 strings (null where the name could not be read back). */
  issuersRfc4514: z.array(z.string().nullable()),
  /** Thumbprint of the certificate the callback returned, or null (none offered at this call). */
  answered: z.string().nullable(),
});

/** What the .NET SslStream client (PowerShell) reports beside the attempt's common facts. */
export const SslStreamDetailsSchema = z.object({
  /** "Windows PowerShell 5.1 on .NET Framework 4.8 (Schannel)", "PowerShell 7.6.10 on .NET 10.0 (OpenSSL, Linux)". */
  runtime: z.string(),
  /** The TLS stack under SslStream: Schannel on Windows, OpenSSL on Linux. */
  tlsStack: z.enum(['schannel', 'openssl', 'other']),
  /** The store the certificate came from ("CurrentUser\\My"), or null when none was asked for or found. */
  certificateStore: z.string().nullable(),
  selectionCalls: z.array(SelectionCallSchema),
  /** Which certificates of the personal stores this client would offer for the issuers it was handed, and why not the others. */
  offers: z.array(OfferDecisionSchema),
  /** SslPolicyErrors for the server's certificate as .NET judged it (the probe goes on regardless). */
  serverCertificateErrors: z.string().nullable(),
  /** The failure in the TLS stack's own terms (SEC_E_* on Windows, OpenSSL's reason elsewhere), or null. */
  failure: z
    .object({
      /** "0x80090326" (SEC_E_ILLEGAL_MESSAGE) or OpenSSL's packed error "0A000410". */
      code: z.string().nullable(),
      /** "SEC_E_ILLEGAL_MESSAGE", "CRYPT_E_REVOKED", "tlsv13 alert certificate required". */
      name: z.string().nullable(),
      /** What it means, in words. */
      words: z.string(),
      /** The exception chain as .NET wrote it, outermost first. */
      raw: z.string(),
    })
    .nullable(),
  /** Notes the client made (a store it could not open, a bound it hit). */
  notes: z.array(z.string()),
});

export const ProbeAttemptSchema = z.object({
  /** What this attempt tried: default, TLS 1.2 forced, TLS 1.3 forced, with the client certificate. */
  label: z.string(),
  kind: ProbeAttemptKindSchema.optional(),
  /** Milliseconds the attempt took, connect to close. */
  durationMs: z.number().optional(),
  tls: z.object({ version: z.string().nullable(), cipher: z.string().nullable() }),
  clientAuth: z.object({ mode: ClientAuthModeSchema, reason: z.string().nullable(), certificateRequest: CertificateRequestSchema.nullable() }),
  http: HttpResultSchema.nullable(),
  alerts: z.array(AlertSchema),
  timeline: z.array(TimelineEntrySchema),
  /** How the connection ended: "closed by server after the response", "reset during the handshake", "timeout after 10 s". */
  ending: z.string(),
  /** One-line error when the attempt could not complete (unreachable, timeout, garbage), else null. */
  error: z.string().nullable(),
  /** Whether a client certificate was presented and what became of it. */
  clientCertificate: z.object({ presented: z.boolean(), accepted: z.boolean().nullable(), thumbprint: z.string().nullable() }),
  /**
   * A handshake message the server declared too large to read (over the probe's 64 KB bound for one
   * message): its name and declared size. A CertificateRequest of 10 MB is still the server asking.
   */
  oversized: z.object({ message: z.string(), declaredBytes: z.number().int(), limitBytes: z.number().int() }).nullable().optional(),
  /** Which client made this attempt (absent in reports written before it was recorded: Certbench's own). */
  client: ProbeClientSchema.optional(),
  /** The .NET SslStream client's own view (client 'powershell' only). */
  sslStream: SslStreamDetailsSchema.optional(),
  /**
   * Set when this attempt was not made because an earlier connection already gave its answer (the
   * default connection negotiated the version this one would force): the facts are that
   * connection's, and `note` says so ("TLS 1.3 attempt not repeated: the first connection negotiated it").
   */
  reused: z.object({ from: ProbeAttemptKindSchema, note: z.string() }).optional(),
});

export const ProbeResultSchema = z.object({
  target: z.object({ host: z.string(), port: z.number().int(), path: z.string(), servername: z.string() }),
  /** The facts of one attempt (factsFrom), flattened as DESIGN.md shows them. */
  tls: z.object({ version: z.string().nullable(), cipher: z.string().nullable() }),
  serverCertificates: z.array(CertificateSummarySchema),
  /**
   * The server's chain judged for server authentication (RFC 5280 6.1, serverAuth with Windows' EKU
   * nesting, Windows anchors) against this machine's trusted roots: the status of the best path and
   * each failing point in words. Null when no trust store was given or the certificate was unreadable.
   */
  serverChain: z
    .object({
      status: z.enum(['valid', 'invalid', 'incomplete', 'untrusted', 'unverified']),
      problems: z.array(z.string()),
      /** The root the path ends in (RFC 4514), when it reached one. */
      root: z.string().nullable(),
    })
    .nullable()
    .optional(),
  clientAuth: z.object({
    mode: ClientAuthModeSchema,
    certificateRequest: CertificateRequestSchema.nullable(),
    /** Why this mode, in words ("HelloRequest after the HTTP request, then ..."; the reason for 'unknown'). */
    reason: z.string().nullable().optional(),
    /** Label of the attempt that showed it (the TLS 1.3 post-handshake client may be the one that saw it). */
    attempt: z.string().nullable().optional(),
  }),
  http: HttpResultSchema.nullable(),
  alerts: z.array(AlertSchema),
  timeline: z.array(TimelineEntrySchema),
  /** One sentence: how the server asks for a certificate and how TLS 1.2 and 1.3 behave. */
  summary: z.string().optional(),
  /**
   * Which attempt the top-level tls, http, alerts and timeline describe: the one that presented the
   * client certificate when a certificate was given (what happened to it is the question), else the
   * first attempt.
   */
  factsFrom: z.string().optional(),
  /** One line when the probe could not observe the server at all (no TLS handshake on any attempt); else null. */
  error: z.string().nullable().optional(),
  /** Every attempt made (default, TLS 1.2, TLS 1.3, post-handshake client, with certificate). */
  attempts: z.array(ProbeAttemptSchema),
  findings: z.array(FindingSchema),
  startedAt: z.string(),
  durationMs: z.number(),
});

export type ClientAuthMode = z.infer<typeof ClientAuthModeSchema>;
export type CertificateRequestInfo = z.infer<typeof CertificateRequestSchema>;
export type Alert = z.infer<typeof AlertSchema>;
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;
export type HttpResult = z.infer<typeof HttpResultSchema>;
export type ProbeAttempt = z.infer<typeof ProbeAttemptSchema>;
export type ProbeAttemptKind = z.infer<typeof ProbeAttemptKindSchema>;
export type ProbeResult = z.infer<typeof ProbeResultSchema>;
export type OfferDecision = z.infer<typeof OfferDecisionSchema>;
export type ProbeClient = z.infer<typeof ProbeClientSchema>;
export type SelectionCall = z.infer<typeof SelectionCallSchema>;
export type SslStreamDetails = z.infer<typeof SslStreamDetailsSchema>;

import { z } from 'zod';
import { FindingSchema } from '../findings/catalogue';
import { StoreCertificateSchema, StoreSchema } from './store';

/**
 * The server side as the server sees it: HTTP.SYS bindings, Schannel settings, IIS
 * configuration with the effective client-certificate settings per application, W3C log statistics
 * and Schannel events. Read live on Windows (PowerShell emitting JSON) or from files a user attaches
 * (recognised by content). Formats: ../shared/reference/windows-formats.md items 4-9.
 */

/** Where one piece of server evidence came from: a live command, or an attached file's name. */
export const EvidenceSourceSchema = z.string();

/** What an attached or collected file turned out to be (by content, never by name). */
export const SERVER_EVIDENCE_KINDS = [
  'netsh-sslcert',
  'registry-export',
  // The server's own certificate stores, exported (certutil -store text, or PowerShell JSON with RawData).
  'store-export',
  'iis-config',
  'w3c-log',
  'schannel-events',
  'certificate',
  'bundle',
  'unknown',
] as const;
export const ServerEvidenceKindSchema = z.enum(SERVER_EVIDENCE_KINDS);
export type ServerEvidenceKind = z.infer<typeof ServerEvidenceKindSchema>;

/** One HTTP.SYS SSL binding (netsh http show sslcert, or the SslBindingInfo registry key). */
export const SslBindingSchema = z.object({
  /** "0.0.0.0:443", "www.contoso.com:443", "[::]:443", or the port of a central-store entry. */
  key: z.string(),
  /** netsh's parameter for this key: ipport=, hostnameport=, ccs=. */
  kind: z.enum(['ipport', 'hostnameport', 'ccs']),
  certificateHash: z.string().nullable(),
  appId: z.string().nullable(),
  /** null: "(null)" or absent, which HTTP.SYS treats as MY. */
  certificateStoreName: z.string().nullable(),
  ctlIdentifier: z.string().nullable(),
  ctlStoreName: z.string().nullable(),
  verifyClientCertRevocation: z.boolean().nullable(),
  usageCheck: z.boolean().nullable(),
  dsMapperUsage: z.boolean().nullable(),
  /** HTTP_SERVICE_CONFIG_SSL_FLAG_NEGOTIATE_CLIENT_CERT: ask for the certificate in the first handshake. */
  negotiateClientCertificate: z.boolean().nullable(),
  disableTls12: z.boolean().nullable(),
  disableTls13: z.boolean().nullable(),
  disableLegacyTls: z.boolean().nullable(),
  /** DefaultFlags when known (registry, or rebuilt from netsh's switches), with the set bits named. */
  defaultFlags: z.number().int().nullable(),
  flagNames: z.array(z.string()),
  /** Every field as printed (label -> value), for the UI and bundles. */
  fields: z.array(z.object({ label: z.string(), value: z.string() })),
  source: EvidenceSourceSchema,
});
export type SslBinding = z.infer<typeof SslBindingSchema>;

/** HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL and its Protocols subkeys. */
export const SchannelSettingsSchema = z.object({
  /** null: the value does not exist (then the OS default applies; see impliedIssuerList). */
  sendTrustedIssuerList: z.number().int().nullable(),
  clientAuthTrustMode: z.number().int().nullable(),
  eventLogging: z.number().int().nullable(),
  /** Protocols\<name>\Server: Enabled / DisabledByDefault, where set. */
  protocols: z.array(
    z.object({
      protocol: z.string(),
      side: z.enum(['Server', 'Client']),
      enabled: z.number().int().nullable(),
      disabledByDefault: z.number().int().nullable(),
    }),
  ),
  /** What the settings imply for the CA list the server sends, in one or two sentences. */
  impliedIssuerList: z.string(),
  /** ClientAuthTrustMode and EventLogging in words, one sentence each (optional: older bundles lack it). */
  notes: z.array(z.string()).optional(),
  /**
   * false when the evidence holds only SCHANNEL's subkeys (an export of SCHANNEL\Protocols): the SCHANNEL
   * key's own values are then unknown, not unset. Absent (older bundles, live reads) means the key was read.
   */
  keyInExport: z.boolean().optional(),
  /** The OS the values were read on ("Windows Server 2019 Datacenter 10.0.17763"), when known: it decides SendTrustedIssuerList's default. */
  os: z.string().nullable().optional(),
  source: EvidenceSourceSchema,
});
export type SchannelSettings = z.infer<typeof SchannelSettingsSchema>;

/** Where a setting came from: applicationHost.config <location path="Site/App">, a web.config, or the server default. */
export const SettingOriginSchema = z.object({
  /** "server", "Default Web Site", "Default Web Site/api" ... */
  location: z.string(),
  level: z.enum(['server', 'site', 'application']),
  file: z.string(),
  /** 1-based line in that file, when known. */
  line: z.number().int().nullable(),
});
export type SettingOrigin = z.infer<typeof SettingOriginSchema>;

/** The client-certificate settings that apply to one application, with where each came from. */
export const IisAppSettingsSchema = z.object({
  /** "Default Web Site/" for a site's root application, "Default Web Site/api" below it. */
  path: z.string(),
  site: z.string(),
  /** "/" for the root application. */
  application: z.string(),
  applicationPool: z.string().nullable(),
  physicalPath: z.string().nullable(),
  sslFlags: z.object({ flags: z.array(z.string()), origin: SettingOriginSchema.nullable() }),
  anonymous: z.object({ enabled: z.boolean(), origin: SettingOriginSchema.nullable() }),
  /** iisClientCertificateMappingAuthentication (one-to-one / many-to-one). */
  iisMapping: z.object({
    enabled: z.boolean(),
    oneToOne: z.number().int(),
    manyToOne: z.number().int(),
    origin: SettingOriginSchema.nullable(),
  }),
  /** clientCertificateMappingAuthentication (Active Directory mapping). */
  adMapping: z.object({ enabled: z.boolean(), origin: SettingOriginSchema.nullable() }),
  /** WCF services with transport client-credential Certificate (from system.serviceModel), "" when none. */
  wcfServices: z.array(z.string()),
  /** The binding behind each of wcfServices and where it was declared (for evidence). */
  wcf: z
    .array(
      z.object({
        service: z.string(),
        /** "basicHttpBinding", "customBinding"... */
        binding: z.string(),
        /** The <binding name>, "" for the binding type's default configuration. */
        bindingConfiguration: z.string(),
        /** "Transport", "TransportWithMessageCredential", or "httpsTransport requireClientCertificate" (customBinding). */
        mode: z.string(),
        origin: SettingOriginSchema,
      }),
    )
    .optional(),
  /**
   * Set for a sub-folder entry (a <location path="Site/App/folder"> that is not an application): the
   * path of the application it belongs to. Its settings are that application's plus the folder's own.
   */
  folderOf: z.string().optional(),
});
export type IisAppSettings = z.infer<typeof IisAppSettingsSchema>;

export const IisSiteSchema = z.object({
  name: z.string(),
  id: z.string().nullable(),
  bindings: z.array(
    z.object({
      protocol: z.string(),
      bindingInformation: z.string(),
      /** The binding's own sslFlags bitfield (SNI=1, CCS=2, ... 32 = Disable TLS 1.3): not <access sslFlags>. */
      sslFlags: z.number().int().nullable(),
    }),
  ),
  applications: z.array(IisAppSettingsSchema),
});
export type IisSite = z.infer<typeof IisSiteSchema>;

export const IisConfigSchema = z.object({
  source: EvidenceSourceSchema,
  /** applicationHost.config or a web.config (which holds one application's settings). */
  kind: z.enum(['applicationHost', 'web.config']),
  sites: z.array(IisSiteSchema),
  appPools: z.array(z.object({ name: z.string(), identityType: z.string().nullable(), userName: z.string().nullable() })),
  /** Settings that the parser could not place (unknown site in a location path...), one line each. */
  notes: z.array(z.string()),
  /**
   * Every place the client-certificate sections are written (access, anonymousAuthentication and the two
   * mapping sections), in file order, with the opening tag as written: the evidence for iis.* findings.
   * Passwords and certificates of mappings are never kept; only their counts.
   */
  declarations: z
    .array(
      z.object({
        section: z.enum(['access', 'anonymousAuthentication', 'iisClientCertificateMappingAuthentication', 'clientCertificateMappingAuthentication']),
        origin: SettingOriginSchema,
        /** The element's opening tag as written (whitespace collapsed, password/certificate attributes removed). */
        xml: z.string(),
        /** enabled="..." when written (null when not). */
        enabled: z.boolean().nullable(),
        /** One-to-one / many-to-one <add> entries written here (mapping section only). */
        oneToOne: z.number().int(),
        manyToOne: z.number().int(),
      }),
    )
    .optional(),
});
export type IisConfig = z.infer<typeof IisConfigSchema>;

/** Counts of one status ("403.7") broken down the ways an engineer asks. */
export const LogStatusStatsSchema = z.object({
  status: z.string(),
  count: z.number().int(),
  byUrl: z.array(z.object({ key: z.string(), count: z.number().int() })),
  byClient: z.array(z.object({ key: z.string(), count: z.number().int() })),
  firstSeen: z.string().nullable(),
  lastSeen: z.string().nullable(),
});

export const W3cLogStatsSchema = z.object({
  source: EvidenceSourceSchema,
  bytes: z.number().int(),
  lines: z.number().int(),
  records: z.number().int(),
  /** Lines that did not match their #Fields header (skipped, counted). */
  malformed: z.number().int(),
  /** How many #Fields headers were seen (a new one appears when logging settings change). */
  fieldHeaders: z.number().int(),
  firstTime: z.string().nullable(),
  lastTime: z.string().nullable(),
  /** Every status.substatus seen, most frequent first. */
  statusCounts: z.array(z.object({ status: z.string(), count: z.number().int() })),
  /** 403.7, 403.13, 403.16, 403.17 (and 403.12) with their URLs and clients. */
  clientCertFailures: z.array(LogStatusStatsSchema),
  /** For the chart: fixed-width buckets over the log's time span. */
  timeline: z.object({
    bucketMinutes: z.number().int(),
    buckets: z.array(z.object({ start: z.string(), total: z.number().int(), clientCertFailures: z.number().int(), status500: z.number().int() })),
  }),
  /** A 500 with sc-win32-status 64 followed by a 403.7 from the same client (field note 001 item 11). */
  pattern500Then4037: z.array(
    z.object({
      client: z.string(),
      url: z.string(),
      at500: z.string(),
      at403: z.string(),
      line500: z.number().int(),
      /** The 403.7's own line and URL (the URL may differ from the 500's). */
      line403: z.number().int().optional(),
      url403: z.string().optional(),
    }),
  ),
  /** How many times the pattern was seen in all (pattern500Then4037 keeps the first examples only). */
  pattern500Then4037Total: z.number().int().optional(),
  /** sc-win32-status values seen with 403.x, decoded ("2148204809 = 0x800B0109 CERT_E_UNTRUSTEDROOT"). */
  win32Statuses: z.array(z.object({ status: z.string(), win32: z.string(), meaning: z.string(), count: z.number().int() })),
});
export type W3cLogStats = z.infer<typeof W3cLogStatsSchema>;

export const SchannelEventSchema = z.object({
  id: z.number().int(),
  time: z.string().nullable(),
  level: z.string().nullable(),
  message: z.string(),
  /** TLS alert number (36887, 36888) with its RFC 8446 name. */
  alert: z.object({ code: z.number().int(), description: z.string() }).nullable(),
  /** What the event means for client-certificate authentication, one sentence. */
  meaning: z.string(),
  /** The event's insertion strings (EventData / Properties) as text, when the source had them. */
  data: z.array(z.string()).optional(),
});
export type SchannelEvent = z.infer<typeof SchannelEventSchema>;

export const SchannelEventSummarySchema = z.object({
  source: EvidenceSourceSchema,
  total: z.number().int(),
  byId: z.array(z.object({ id: z.number().int(), count: z.number().int(), meaning: z.string() })),
  /** The most recent events, newest first (bounded). */
  recent: z.array(SchannelEventSchema),
});
export type SchannelEventSummary = z.infer<typeof SchannelEventSummarySchema>;

/** One attached or collected input and what became of it. */
export const ServerInputSchema = z.object({
  name: z.string(),
  kind: ServerEvidenceKindSchema,
  bytes: z.number().int(),
  /** One line when the input could not be read or parsed; null when it was used. */
  error: z.string().nullable(),
});
export type ServerInput = z.infer<typeof ServerInputSchema>;

export const ServerEvidenceSchema = z.object({
  /** live: read from this Windows machine; files: from attachments; none: nothing was available. */
  origin: z.enum(['live', 'files', 'mixed', 'none']),
  inputs: z.array(ServerInputSchema),
  bindings: z.array(SslBindingSchema),
  schannel: SchannelSettingsSchema.nullable(),
  iis: z.array(IisConfigSchema),
  logs: z.array(W3cLogStatsSchema),
  events: z.array(SchannelEventSummarySchema),
  /**
   * The server's certificate stores as attached (Root, CA, ClientAuthIssuer exports): the trusted-root
   * health of the server itself, when Certbench does not run on it (store.* findings come from these).
   */
  stores: z.array(StoreSchema).default([]),
  storeCertificates: z.array(StoreCertificateSchema).default([]),
  /** What could not be read and why: "Schannel events: needs elevation (run as administrator)". */
  notes: z.array(z.string()),
  /** The iis.*, schannel.* and log.* findings (and server-side http.403.* from logs). */
  findings: z.array(FindingSchema),
});
export type ServerEvidence = z.infer<typeof ServerEvidenceSchema>;

export const EMPTY_SERVER_EVIDENCE: ServerEvidence = {
  origin: 'none',
  inputs: [],
  bindings: [],
  schannel: null,
  iis: [],
  logs: [],
  events: [],
  stores: [],
  storeCertificates: [],
  notes: [],
  findings: [],
};

// One file because it is the one list of channels with their request and response schemas that the
// renderer, the handlers and the CLI all validate against: reading it whole is the point.
import { base64 } from '@peculiar/utils';
import { z } from 'zod';
import { CertificateSummarySchema } from './model/certificate';
import { CONTAINER_FORMATS, KeySummarySchema } from './model/key';
import { ERROR_CODES } from './errors';
import { ChainReportSchema, KeyStatusSchema, VerdictSchema } from './model/chain';

import { CertificateRequestSchema, OfferDecisionSchema, ProbeResultSchema } from './model/probe';
import { LAB_SCENARIOS, LabStateSchema } from './model/lab';
import { AccessAnswerSchema, AclSchema, GrantPlanSchema, GrantResultSchema, IdentitySchema, PathAccessSchema, UndoResultSchema } from './model/acl';
import { KeyLocationSchema, StoreCertificateSchema, StoreFolderSchema, StoreSchema } from './model/store';
import { FindingSchema } from './findings/catalogue';
import { ServerEvidenceSchema } from './model/server';
import { DiagnoseReportSchema } from './model/diagnose';
import { FixScriptSchema, FixShellSchema } from './model/fix';
import { BundleManifestSchema, OpenedBundleSchema, RedactionKindSchema } from './model/bundle';
import { MAX_INPUT_FILE_BYTES, MAX_INPUT_FILES } from './input-limits';

/**
 * The one file that names every channel (DESIGN.md "The contract"; STYLE.md: GitHub Desktop's
 * ipc-shared.ts). Each entry has the request and response schemas and the method name the preload
 * exposes on window.certbench. Types are inferred from the schemas; the main process handler table
 * is typed over this object so a channel without a handler does not compile.
 */

export { MAX_INPUT_FILE_BYTES, MAX_INPUT_FILES };

/**
 * A file's contents as they cross the boundary: base64 in `dataBase64` (only plain data crosses it),
 * at most MAX_INPUT_FILE_BYTES, decoded here once, so the services only ever see bytes.
 */
export const UploadBytesSchema = z
  .string()
  .max(Math.ceil(MAX_INPUT_FILE_BYTES / 3) * 4 + 4)
  .transform((text, ctx) => {
    try {
      return base64.decode(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'upload was not valid base64' });
      return z.NEVER;
    }
  });

/** The decoded upload under the name services use: `bytes` instead of the wire's `dataBase64`. */
type WithBytes<T extends { dataBase64?: Uint8Array }> = Omit<T, 'dataBase64'> & (undefined extends T['dataBase64'] ? { bytes?: Uint8Array } : { bytes: Uint8Array });
function toBytes<T extends { dataBase64?: Uint8Array }>({ dataBase64, ...rest }: T): WithBytes<T> {
  return (dataBase64 === undefined ? rest : { ...rest, bytes: dataBase64 }) as WithBytes<T>;
}

export const InputFileSchema = z
  .object({
    name: z.string().min(1).max(1024),
    dataBase64: UploadBytesSchema,
    /** Password of a PKCS#12 (.pfx/.p12) or an encrypted private key; used once, never stored or echoed. */
    password: z.string().max(1024).optional(),
  })
  .transform(toBytes);

/** A file handed to the probe: a PFX/P12 (with its password), a PEM/DER certificate, or a key file. */
export const ProbeFileSchema = z
  .object({
    fileName: z.string().min(1).max(1024),
    dataBase64: UploadBytesSchema,
    /** Password of the PFX or encrypted key; used once, never stored or echoed. */
    password: z.string().max(1024).optional(),
  })
  .transform(toBytes);
/** A probe file as the services get it: its name, its bytes, its password. */
export type ProbeFile = z.output<typeof ProbeFileSchema>;

export const ErrorDataSchema = z.object({ code: z.enum(ERROR_CODES), message: z.string() });

export const InspectedFileSchema = z.object({
  name: z.string(),
  sizeBytes: z.number().int(),
  /** What the content turned out to be: DER or PEM certificates, bare base64, PKCS#7, PKCS#12, keys only. */
  format: z.enum(CONTAINER_FORMATS).nullable(),
  certificates: z.array(CertificateSummarySchema),
  /** Private keys found, summarised (never their bytes), matched by public key to the certificates of the whole request. */
  keys: z.array(KeySummarySchema).default([]),
  error: ErrorDataSchema.nullable(),
});

/** An absolute path on the machine the handlers run on (a key file, a folder). */
const LocalPathSchema = z.string().min(1).max(4096).refine((p) => !p.includes('\0'), 'contains a NUL character');
const ThumbprintSchema = z.string().regex(/^[0-9A-Fa-f]{40}$/, 'a SHA-1 thumbprint is 40 hex digits');
/** Which client presents a store certificate to a server (electron/services/probe/choose-client.ts). */
export const ProbeViaSchema = z.enum(['auto', 'certbench', 'powershell']);
/** An identity as typed: "www-data", "group:ssl-cert", "IIS AppPool\\Shop", "NT AUTHORITY\\NETWORK SERVICE". */
const IdentityNameSchema = z.string().min(1).max(256);

/** A key file, where it is, who may read it (keys:find: the FindPrivateKey equivalent). */
export const KeyFindResultSchema = z.object({
  /** The thumbprint or path asked about. */
  query: z.string(),
  /** The certificate the key belongs to, when known (from a store, or the file given). */
  certificate: StoreCertificateSchema.nullable(),
  /** Ids of every store the certificate was found in. */
  foundIn: z.array(z.string()),
  key: KeyLocationSchema,
  /** FindPrivateKey's two lines: the key file's folder and name (null when no key file was found). */
  directory: z.string().nullable(),
  fileName: z.string().nullable(),
  acl: AclSchema.nullable(),
  /** Why the ACL could not be read, in one line (or a partial-read note such as "mode bits only"). */
  aclNote: z.string().nullable(),
  /** cert.no-private-key when no key was found; key.too-open when everyone can read it. */
  findings: z.array(FindingSchema),
});

export const AccessCheckSchema = z.object({
  identity: IdentitySchema,
  acl: AclSchema,
  /** Step by step: parent directories to traverse (POSIX), then the key file. */
  steps: z.array(PathAccessSchema),
  /** The one answer: the first step that blocks, else the file's. */
  answer: AccessAnswerSchema,
  note: z.string().nullable(),
  /** key.identity-cannot-read (with the deciding entry as evidence) and key.too-open. */
  findings: z.array(FindingSchema),
});

/**
 * Evidence a user attaches (netsh output, applicationHost.config, web.config, a W3C log, a
 * registry export, an event export, a certificate or a bundle), recognised by content. Either the
 * bytes (UI drops, at most MAX_INPUT_FILE_BYTES) or a local path (CLI, Electron), which lets logs of
 * hundreds of MB be streamed instead of copied.
 */
export const AttachmentSchema = z
  .object({
    name: z.string().min(1).max(1024),
    dataBase64: UploadBytesSchema.optional(),
    path: LocalPathSchema.optional(),
  })
  .strict()
  .refine((a) => (a.dataBase64 === undefined) !== (a.path === undefined), 'give either dataBase64 or path')
  .transform(toBytes);
/** An attachment as it is sent (base64 or a path). */
export type Attachment = z.input<typeof AttachmentSchema>;
/** An attachment as the services get it: its bytes or its path. */
export type AttachmentInput = z.output<typeof AttachmentSchema>;
export const MAX_ATTACHMENTS = 50;

/** What one Diagnose gathers; shared by findings:diagnose and bundle:export. */
export const DiagnoseRequestSchema = z
  .object({
    /** https://host[:port]/path of the server that rejects the certificate; optional (local checks only). */
    url: z.string().min(1).max(2048).optional(),
    /** The client certificate: a PFX/P12 (with password) or a PEM/DER certificate, with keyFile when separate. */
    clientCertificate: ProbeFileSchema.optional(),
    keyFile: ProbeFileSchema.optional(),
    /** Or a certificate from the local stores/folders by thumbprint. */
    thumbprint: ThumbprintSchema.optional(),
    /** Who presents the store certificate to the server (see probe:run). */
    via: ProbeViaSchema.optional(),
    /** The identity that must read the key: "IIS AppPool\\Shop", "www-data". */
    identity: IdentityNameSchema.optional(),
    attachments: z.array(AttachmentSchema).max(MAX_ATTACHMENTS).default([]),
    /** Read the live server configuration of this machine (Windows: HTTP.SYS, Schannel, IIS, logs, events). */
    live: z.boolean().default(true),
    timeoutMs: z.number().int().min(1_000).max(120_000).default(15_000),
    /** Check the client certificate's chain for revocation (absent: yes; false: --no-revocation). */
    revocation: z.boolean().optional(),
    /** Per CRL/OCSP address, in milliseconds (default 15 s, or the binding's URL Retrieval Timeout when known). */
    revocationTimeoutMs: z.number().int().min(100).max(300_000).optional(),
  })
  .strict()
  .refine((r) => !(r.clientCertificate && r.thumbprint), { message: 'give either clientCertificate or thumbprint', path: ['thumbprint'] })
  .refine((r) => !r.keyFile || r.clientCertificate, { message: 'keyFile needs clientCertificate', path: ['keyFile'] });
export type DiagnoseRequest = z.input<typeof DiagnoseRequestSchema>;
/** A diagnosis as the services get it: uploads decoded, defaults filled in. */
export type DiagnoseInput = z.output<typeof DiagnoseRequestSchema>;

export const FixesResponseSchema = z.object({
  fixes: z.array(FixScriptSchema),
  /** Every fix of one shell as one script (and one undo), in ranking order; null when none. */
  combined: z.array(z.object({ shell: FixShellSchema, fileName: z.string(), script: z.string(), undo: z.string(), undoFileName: z.string() })),
});

export const AppInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  /** How the UI is being served: inside Electron, or the headless web mode. */
  mode: z.enum(['electron', 'web']),
  platform: z.string(),
  /** Host name of the machine the handlers run on (shown in the title bar). */
  host: z.string(),
  /** Where PowerShell is (the SslStream probe client needs it), or null when it is not installed. */
  powershell: z.string().nullable().optional(),
});

export const contract = {
  'app:info': {
    method: 'appInfo',
    request: z.object({}).strict(),
    response: AppInfoSchema,
  },
  'certs:inspect': {
    method: 'inspectCertificates',
    request: z
      .object({
        files: z.array(InputFileSchema).min(1).max(MAX_INPUT_FILES),
        /** Evaluate validity at this moment (ISO); defaults to now. */
        at: z.string().datetime().optional(),
      })
      .strict(),
    response: z.object({ files: z.array(InspectedFileSchema) }),
  },
  'chain:analyze': {
    method: 'analyzeChains',
    request: z
      .object({
        /** Every certificate the user has opened (files, later stores and handshakes). */
        pool: z
          .array(
            z.object({
              derBase64: z.string().max(200_000),
              source: z.string().max(300),
              trusted: z.boolean().default(false),
            }),
          )
          .max(20_000),
        /** Certificates to judge, with what is known of their private key. */
        targets: z.array(z.object({ thumbprint: z.string().regex(/^[0-9A-Fa-f]{40}$/), key: KeyStatusSchema })).max(500),
        /** Add the operating system's trusted roots as anchors (default). */
        useSystemTrust: z.boolean().default(true),
        at: z.string().datetime().optional(),
        /** Strict client mode (shared/chain/build.ts Purpose); default client-auth. */
        purpose: z.enum(['client-auth', 'client-auth-strict']).optional(),
        /** Trust-anchor semantics: Windows' (default) or RFC 5280's. */
        anchors: z.enum(['windows', 'rfc5280']).optional(),
        /** user-initial-policy-set (RFC 5280 6.1.1 c): dotted OIDs; empty or absent means any policy. */
        policies: z.array(z.string().regex(/^[0-2](\.\d{1,9}){1,40}$/)).max(32).optional(),
        /** Check each best path's revocation (opt-in: fetches the CRL and OCSP addresses in the certificates). */
        revocation: z.boolean().optional(),
        /** Per address, in milliseconds (default 15 s). */
        revocationTimeoutMs: z.number().int().min(100).max(300_000).optional(),
      })
      .strict(),
    response: z.object({
      results: z.array(z.object({ thumbprint: z.string(), chain: ChainReportSchema, verdict: VerdictSchema })),
      trust: z.object({ source: z.string(), anchors: z.number().int(), note: z.string().nullable() }),
      skipped: z.number().int(),
      poolSize: z.number().int(),
    }),
  },
  'stores:list': {
    method: 'listStores',
    request: z
      .object({
        /** Read the stores again instead of answering from the last listing of this process. */
        refresh: z.boolean().default(false),
        at: z.string().datetime().optional(),
      })
      .strict(),
    response: z.object({
      stores: z.array(StoreSchema),
      certificates: z.array(StoreCertificateSchema),
      /** store.non-self-signed-in-root, store.expired-roots, store.root-names-too-large. */
      findings: z.array(FindingSchema),
      listedAt: z.string(),
      folders: z.array(StoreFolderSchema),
    }),
  },
  'stores:add-folder': {
    method: 'addStoreFolder',
    request: z.object({ path: LocalPathSchema, trusted: z.boolean().default(false) }).strict(),
    response: z.object({ folders: z.array(StoreFolderSchema) }),
  },
  'stores:remove-folder': {
    method: 'removeStoreFolder',
    request: z.object({ path: LocalPathSchema }).strict(),
    response: z.object({ folders: z.array(StoreFolderSchema) }),
  },
  'keys:find': {
    method: 'findKey',
    request: z
      /** password: of a PFX given by path (used for this lookup only, never stored or echoed). */
      .object({ thumbprint: ThumbprintSchema.optional(), path: LocalPathSchema.optional(), password: z.string().max(1024).optional() })
      .strict()
      .refine((r) => (r.thumbprint === undefined) !== (r.path === undefined), 'give either thumbprint or path'),
    response: KeyFindResultSchema,
  },
  'keys:acl': {
    method: 'keyAcl',
    request: z.object({ path: LocalPathSchema }).strict(),
    response: z.object({ acl: AclSchema, note: z.string().nullable() }),
  },
  'keys:check-access': {
    method: 'checkKeyAccess',
    request: z.object({ path: LocalPathSchema, identity: IdentityNameSchema }).strict(),
    response: AccessCheckSchema,
  },
  'keys:grant': {
    method: 'grantKeyAccess',
    request: z
      .object({
        path: LocalPathSchema,
        identity: IdentityNameSchema,
        dryRun: z.boolean(),
        /** The dry run's plan.digest: required to apply over the contract (exactly the reviewed plan, or nothing). */
        planDigest: z.string().max(128).optional(),
      })
      .strict(),
    response: z.discriminatedUnion('dryRun', [
      z.object({ dryRun: z.literal(true), plan: GrantPlanSchema }),
      z.object({ dryRun: z.literal(false), result: GrantResultSchema }),
    ]),
  },
  'keys:undo': {
    method: 'undoKeyGrant',
    request: z.object({ backupId: z.string().min(1).max(100) }).strict(),
    response: UndoResultSchema,
  },
  'identities:list': {
    method: 'listIdentities',
    request: z.object({}).strict(),
    response: z.object({ identities: z.array(IdentitySchema) }),
  },
  'lab:start': {
    method: 'startLab',
    request: z
      .object({
        /** Scenarios to start (all when omitted); a running lab is replaced. */
        scenarios: z.array(z.enum(LAB_SCENARIOS)).min(1).max(LAB_SCENARIOS.length).optional(),
      })
      .strict(),
    response: LabStateSchema,
  },
  'lab:stop': {
    method: 'stopLab',
    request: z.object({}).strict(),
    response: z.object({ stopped: z.number().int() }),
  },
  'lab:status': {
    method: 'labStatus',
    request: z.object({}).strict(),
    response: LabStateSchema,
  },
  'probe:run': {
    method: 'runProbe',
    request: z
      .object({
        /** https://host[:port]/path; IPv6 literals in brackets. */
        url: z.string().min(1).max(2048),
        /** The client certificate to present: a PFX/P12 with its password, or a PEM/DER certificate (with the key in it or in keyFile). */
        clientCertificate: ProbeFileSchema.optional(),
        /** The private key when it is in a file of its own (PEM or DER; encrypted keys take a password). */
        keyFile: ProbeFileSchema.optional(),
        /** Which attempts: TLS 1.2 only, TLS 1.3 only, or both (default, TLS 1.2 forced, TLS 1.3 forced). */
        tls: z.enum(['1.2', '1.3', 'both']).default('both'),
        /** Exactly one connection (the default one, or the one forced version; presenting the certificate when one is given). */
        once: z.boolean().optional(),
        /** Bound on the whole probe, 1 to 120 seconds. */
        timeoutMs: z.number().int().min(1_000).max(120_000).default(15_000),
        /** Or a certificate from the stores by thumbprint (with `via: 'powershell'`: from the personal store PowerShell sees). */
        thumbprint: ThumbprintSchema.optional(),
        /**
         * Who presents it: Certbench's own client, .NET SslStream in PowerShell (Schannel on Windows:
         * keys Windows holds, exportable or not), or auto (SslStream on Windows when the key is not a file).
         */
        via: ProbeViaSchema.optional(),
      })
      .strict()
      .refine((r) => !r.keyFile || r.clientCertificate, { message: 'keyFile needs clientCertificate', path: ['keyFile'] })
      .refine((r) => !(r.clientCertificate && r.thumbprint), { message: 'give either clientCertificate or thumbprint', path: ['thumbprint'] })
      .refine((r) => !(r.via === 'powershell' && r.clientCertificate), { message: 'the PowerShell client presents store certificates: give a thumbprint', path: ['via'] }),
    response: ProbeResultSchema,
  },
  'probe:offers': {
    method: 'probeOffers',
    request: z
      .object({
        /** The CertificateRequest the probe saw (null: the server did not ask). */
        certificateRequest: CertificateRequestSchema.nullable(),
        /** Certificates the user opened in files, judged alongside the local stores. */
        extra: z
          .array(z.object({ summary: CertificateSummarySchema, source: z.string().max(300), key: KeyStatusSchema }))
          .max(500)
          .default([]),
      })
      .strict(),
    response: z.object({ summary: z.string(), decisions: z.array(OfferDecisionSchema) }),
  },
  'server:analyze': {
    method: 'analyzeServer',
    request: z
      .object({
        attachments: z.array(AttachmentSchema).max(MAX_ATTACHMENTS).default([]),
        /** Read this machine's live configuration too (Windows only; elsewhere a note says so). */
        live: z.boolean().default(true),
      })
      .strict(),
    response: ServerEvidenceSchema,
  },
  'findings:diagnose': {
    method: 'diagnose',
    request: DiagnoseRequestSchema,
    response: DiagnoseReportSchema,
  },
  'fixes:script': {
    method: 'fixScripts',
    request: z
      .object({
        /** Findings (with their params) to write fixes for: from a diagnosis or an opened bundle. */
        findings: z.array(FindingSchema).max(500),
        shells: z.array(FixShellSchema).min(1).default(['powershell', 'bash']),
      })
      .strict(),
    response: FixesResponseSchema,
  },
  'bundle:export': {
    method: 'exportBundle',
    request: z
      .object({
        /** Diagnose first with this request; or give the report already made (report wins). */
        diagnose: DiagnoseRequestSchema.optional(),
        report: DiagnoseReportSchema.optional(),
        redact: z.array(RedactionKindSchema).default([]),
        /** Include the local store listing (certs/ and keys/); default on. */
        includeStores: z.boolean().default(true),
        /** Where to write the zip (CLI, Electron save dialog), an absolute path; default: the data folder's bundles/. */
        out: LocalPathSchema.optional(),
        /** Replace a file already at `out` (never done unasked). */
        overwrite: z.boolean().default(false),
      })
      .strict(),
    response: z.object({
      path: z.string(),
      fileName: z.string(),
      bytes: z.number().int(),
      /** The zip itself, so the web mode can offer it as a download. */
      zipBase64: z.string(),
      manifest: BundleManifestSchema,
    }),
  },
  'bundle:open': {
    method: 'openBundle',
    request: z
      .object({
        name: z.string().min(1).max(1024),
        dataBase64: UploadBytesSchema.optional(),
        path: LocalPathSchema.optional(),
      })
      .strict()
      .refine((a) => (a.dataBase64 === undefined) !== (a.path === undefined), 'give either dataBase64 or path')
      .transform(toBytes),
    response: OpenedBundleSchema,
  },
} as const;

export type Contract = typeof contract;
export type Channel = keyof Contract;
export type MethodName = Contract[Channel]['method'];
export type Req<C extends Channel> = z.input<Contract[C]['request']>;
export type ParsedReq<C extends Channel> = z.output<Contract[C]['request']>;
export type Res<C extends Channel> = z.output<Contract[C]['response']>;
/** An inspected file as produced (`keys` may be left out of an error row; the schema fills in []). */
export type InspectedFile = z.input<typeof InspectedFileSchema>;
/** An inspected file as received through the contract: `keys` always present. */
export type InspectedFileResult = z.output<typeof InspectedFileSchema>;
export type AppInfo = z.infer<typeof AppInfoSchema>;

export const channels = Object.keys(contract) as Channel[];

/** Channel names follow `domain:action` (DESIGN.md); kept checkable for tests and the bridge. */
export const CHANNEL_PATTERN = /^[a-z]+:[a-z-]+$/;

export function isChannel(name: string): name is Channel {
  return Object.prototype.hasOwnProperty.call(contract, name);
}

/** Progress of long work, sent on the same contract while a request runs. */
export const ProgressEventSchema = z.object({
  requestId: z.string(),
  channel: z.string(),
  /** Units done so far and the total when known (null: indeterminate). */
  done: z.number(),
  total: z.number().nullable(),
  label: z.string(),
});
export type ProgressEvent = z.infer<typeof ProgressEventSchema>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: z.infer<typeof ErrorDataSchema> };

/** window.certbench as the preload exposes it: one method per channel, plus progress events. */
export type CertbenchApi = {
  readonly [C in Channel as Contract[C]['method']]: (
    request: Req<C>,
    requestId?: string,
  ) => Promise<Result<Res<C>>>;
} & {
  readonly onProgress: (listener: (event: ProgressEvent) => void) => () => void;
};

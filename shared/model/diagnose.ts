import { z } from 'zod';
import { FindingSchema } from '../findings/catalogue';
import { CertificateSummarySchema } from './certificate';
import { ChainReportSchema, VerdictSchema } from './chain';
import { AccessAnswerSchema, AclSchema } from './acl';
import { KeyLocationSchema } from './store';
import { ProbeResultSchema } from './probe';
import { ServerEvidenceSchema } from './server';
import { FixScriptSchema } from './fix';

/**
 * The result of one Diagnose: every piece of evidence gathered, the findings ranked by how
 * likely each is to be the root cause, and the fix scripts. This is also a bundle's report.json, so
 * it carries a schema version: add fields, never change their meaning.
 */
export const REPORT_SCHEMA_VERSION = 1;

/** A finding with its place in the ranking and why it sits there. */
export const RankedFindingSchema = FindingSchema.extend({
  /** 1 = the most likely root cause. */
  rank: z.number().int(),
  /** How likely this is the cause, in words: "root cause", "contributing", "side note". */
  likelihood: z.enum(['root-cause', 'likely', 'contributing', 'context']),
  /** Why it ranks here: "the server answered 403.7 and this is the only reason found for it". */
  why: z.string(),
  /** Which gathering step raised it: probe, certificate, key, stores, server. */
  area: z.enum(['probe', 'certificate', 'key', 'stores', 'server']),
});
export type RankedFinding = z.infer<typeof RankedFindingSchema>;

/** One step of the gathering, so a reader sees what was looked at and what was not. */
export const DiagnoseStepSchema = z.object({
  name: z.enum(['probe', 'probe-with-certificate', 'certificate', 'key', 'stores', 'server', 'revocation']),
  status: z.enum(['done', 'skipped', 'failed']),
  /** One line: what was done, or why it was skipped or failed. */
  note: z.string(),
  durationMs: z.number(),
});
export type DiagnoseStep = z.infer<typeof DiagnoseStepSchema>;

export const DiagnoseCertificateSchema = z.object({
  /** Where it came from: a file name, a store id, "thumbprint". */
  source: z.string(),
  summary: CertificateSummarySchema,
  chain: ChainReportSchema.nullable(),
  verdict: VerdictSchema,
  /** PEM of every certificate of the chain that was found (public certificates only). */
  chainPem: z.array(z.string()),
});

export const DiagnoseKeySchema = z.object({
  location: KeyLocationSchema,
  acl: AclSchema.nullable(),
  aclNote: z.string().nullable(),
  /** The identity asked about and the answer, when one was given. */
  access: z.object({ identity: z.string(), answer: AccessAnswerSchema }).nullable(),
});

export const DiagnoseStoresSchema = z.object({
  stores: z.number().int(),
  certificates: z.number().int(),
  /** Count of certificates in stores whose role is root. */
  roots: z.number().int(),
  /** Bytes the trusted roots' names add up to (the CA list a server would send from them). */
  rootNameBytes: z.number().int(),
  /** Every listed certificate in PEM is not carried here (bundles write certs/ from the listing). */
  errors: z.array(z.string()),
});

export const DiagnoseReportSchema = z.object({
  schemaVersion: z.number().int(),
  createdAt: z.string(),
  host: z.string(),
  platform: z.string(),
  appVersion: z.string(),
  /** What was asked: the URL, the certificate's source, the identity, the attachments' names. */
  request: z.object({
    url: z.string().nullable(),
    certificate: z.string().nullable(),
    identity: z.string().nullable(),
    attachments: z.array(z.string()),
  }),
  /** One or two sentences a helpdesk user reads first. */
  summary: z.string(),
  steps: z.array(DiagnoseStepSchema),
  findings: z.array(RankedFindingSchema),
  fixes: z.array(FixScriptSchema),
  probes: z.array(ProbeResultSchema),
  certificate: DiagnoseCertificateSchema.nullable(),
  key: DiagnoseKeySchema.nullable(),
  stores: DiagnoseStoresSchema.nullable(),
  server: ServerEvidenceSchema,
});
export type DiagnoseReport = z.infer<typeof DiagnoseReportSchema>;

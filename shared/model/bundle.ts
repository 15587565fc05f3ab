import { z } from 'zod';
import { DiagnoseReportSchema } from './diagnose';
import { StoreCertificateSchema, StoreSchema } from './store';

/**
 * A diagnostic bundle: one zip a helpdesk user exports and a second-line engineer opens in
 * the same app. manifest.json says what is inside; report.json is a DiagnoseReport.
 */
export const BUNDLE_FORMAT_VERSION = 1;

export const REDACTION_KINDS = ['hosts', 'accounts', 'ips', 'subjects'] as const;
export const RedactionKindSchema = z.enum(REDACTION_KINDS);
export type RedactionKind = z.infer<typeof RedactionKindSchema>;

export const BundleManifestSchema = z.object({
  format: z.literal('certbench-bundle'),
  formatVersion: z.number().int(),
  appVersion: z.string(),
  createdAt: z.string(),
  /** Host and OS of the machine that collected (the host may be a pseudonym when redacted). */
  host: z.string(),
  os: z.object({ platform: z.string(), release: z.string() }),
  /** What was collected, in the words a reader needs: "probe of https://...", "3 stores, 212 certificates". */
  collected: z.array(z.string()),
  redactions: z.array(RedactionKindSchema),
  /** Every file in the zip with its size and SHA-256, so a reader can tell nothing was altered. */
  files: z.array(z.object({ path: z.string(), bytes: z.number().int(), sha256: z.string() })),
});
export type BundleManifest = z.infer<typeof BundleManifestSchema>;

/** One OS command that ran while collecting (bundles' commands/), from the CommandRunner's ring. */
export const BundleCommandSchema = z.object({
  file: z.string(),
  args: z.array(z.string()),
  exitCode: z.number().int().nullable(),
  durationMs: z.number(),
  stdout: z.string(),
  stderr: z.string(),
  /** Set when the command could not start (ENOENT) or timed out. */
  error: z.string().nullable(),
});
export type BundleCommand = z.infer<typeof BundleCommandSchema>;

/** What bundle:open returns: everything the screens need, read-only. */
export const OpenedBundleSchema = z.object({
  file: z.string(),
  manifest: BundleManifestSchema,
  report: DiagnoseReportSchema,
  /** The store listing that was exported (certs/ and keys/ are views of it). */
  storeCertificates: z.array(StoreCertificateSchema),
  /** The stores of that listing and when it was made (empty when the bundle was exported without stores). */
  stores: z.array(StoreSchema).default([]),
  listedAt: z.string().nullable().default(null),
  commands: z.array(BundleCommandSchema),
  /** Names of entries that were present but not understood (kept out of the view, listed). */
  ignored: z.array(z.string()),
});
export type OpenedBundle = z.infer<typeof OpenedBundleSchema>;

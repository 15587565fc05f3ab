import crypto from 'node:crypto';
import { z } from 'zod';
import type { Res } from '../../../shared/contract';
import { CertbenchError } from '../../../shared/errors';
import { BUNDLE_FORMAT_VERSION, BundleCommandSchema, BundleManifestSchema, type OpenedBundle } from '../../../shared/model/bundle';
import { DiagnoseReportSchema, REPORT_SCHEMA_VERSION } from '../../../shared/model/diagnose';
import { StoreCertificateSchema, StoreSchema } from '../../../shared/model/store';
import { readInputFile } from '../input-file';
import type { Work } from '../work';
import { ZIP_LIMITS, readCentralDirectory, readEntry, type ZipEntry } from './zip-read';

/**
 * `bundle:open` and `certbench bundle open`: read a bundle back for the same screens,
 * read-only. The zip is read under ZIP_LIMITS (zip-read.ts: bounds checked from the central
 * directory before anything is inflated, names checked for traversal, sizes and CRCs verified);
 * then manifest.json (a newer format is refused with what to do), report.json (a DiagnoseReport; a
 * newer schema is refused the same way), stores.json (the listing) and commands/commands.json.
 * Each file's SHA-256 is compared with the manifest's; a mismatch is refused, since the reader
 * could otherwise be shown evidence that is not what was collected.
 */

type Ctx = Work;

/** A bundle to open: its bytes (an upload) or its path, with the name it is shown by. */
export type BundleSource = { name: string; bytes: Uint8Array } | { name: string; path: string };

/** Entries this version understands; anything else is listed in `ignored`. */
const KNOWN = [/^manifest\.json$/, /^report\.json$/, /^report\.html$/, /^stores\.json$/, /^certs\/[^/]+\/[0-9A-F]{40}\.pem$/, /^keys\/keys\.json$/, /^probes\/[^/]+\.(json|timeline\.txt)$/, /^certificate\/chain\.txt$/, /^server\/[a-z]+\.json$/, /^commands\/commands\.json$/, /^commands\/[^/]+\.txt$/, /^fixes\/[^/]+$/];

const StoresFileSchema = z.object({ certificates: z.array(StoreCertificateSchema), stores: z.array(StoreSchema).default([]), listedAt: z.string().nullable().optional() }).passthrough();

function parseJson(file: string, entry: string, bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new CertbenchError('bad-input', `${file}: ${entry} is not valid JSON (${err instanceof Error ? err.message.split('\n')[0] : 'cannot parse'})`);
  }
}

function firstIssue(error: z.ZodError): string {
  const i = error.issues[0];
  return i ? `${i.path.join('.') || 'top level'}: ${i.message}` : 'does not match';
}

/** The zip's bytes: given, or from a path (bounded before reading). */
function zipBytes(request: BundleSource): { bytes: Uint8Array; file: string } {
  const file = request.name;
  if ('bytes' in request) return { bytes: request.bytes, file };
  const p = request.path;
  try {
    return { bytes: readInputFile(p, ZIP_LIMITS.maxCompressedBytes, { directoryHint: ', not a bundle (.zip)', what: 'bundles' }), file };
  } catch (err) {
    // The message names the file as the user gave it (the path may have been resolved).
    if (err instanceof CertbenchError && p !== file && err.message.startsWith(p)) throw new CertbenchError(err.code, `${file}${err.message.slice(p.length)}`);
    throw err;
  }
}

export async function openBundle(request: BundleSource, ctx: Ctx): Promise<Res<'bundle:open'>> {
  const { bytes, file } = zipBytes(request);
  const shown = file;
  ctx.progress({ done: 0, total: 3, label: 'reading the zip directory' });
  const entries = readCentralDirectory(bytes, shown);
  const byName = new Map<string, ZipEntry>(entries.map((e) => [e.name, e]));

  const manifestEntry = byName.get('manifest.json');
  if (!manifestEntry) {
    throw new CertbenchError('bad-input', `${shown}: not a Certbench bundle (no manifest.json among its ${entries.length} entries; export bundles with Certbench's Bundles page or "certbench bundle")`);
  }
  const rawManifest = parseJson(shown, 'manifest.json', readEntry(bytes, manifestEntry, shown)) as Record<string, unknown> | null;
  if (!rawManifest || typeof rawManifest !== 'object' || rawManifest.format !== 'certbench-bundle') {
    throw new CertbenchError('bad-input', `${shown}: not a Certbench bundle (manifest.json does not say format "certbench-bundle")`);
  }
  // The version is checked before the rest of the manifest: a newer format may have changed it.
  const version = rawManifest.formatVersion;
  if (typeof version === 'number' && version > BUNDLE_FORMAT_VERSION) {
    throw new CertbenchError('bad-input', `${shown} was written by a newer Certbench (bundle format ${version}; this version reads up to ${BUNDLE_FORMAT_VERSION}): update Certbench to open it`);
  }
  const manifest = BundleManifestSchema.safeParse(rawManifest);
  if (!manifest.success) throw new CertbenchError('bad-input', `${shown}: manifest.json is damaged (${firstIssue(manifest.error)})`);

  ctx.progress({ done: 1, total: 3, label: 'checking files against the manifest' });
  // Every entry must be listed: an entry the manifest does not vouch for is never read,
  // and its presence refuses the bundle, since nothing says what it is or that it was exported.
  const listed = new Map(manifest.data.files.map((f) => [f.path, f]));
  for (const e of entries) {
    if (e.name !== 'manifest.json' && !e.name.endsWith('/') && !listed.has(e.name)) {
      throw new CertbenchError('bad-input', `${shown}: refused: ${JSON.stringify(e.name.slice(0, 200))} is not listed in manifest.json (the bundle was altered)`);
    }
  }
  // Only the documents parsed below are kept in memory; every other entry is inflated, hashed and dropped.
  const PARSED = new Set(['report.json', 'stores.json', 'commands/commands.json']);
  const contents = new Map<string, Uint8Array>();
  const read = (name: string): Uint8Array => contents.get(name) ?? readEntry(bytes, byName.get(name)!, shown);
  for (const f of manifest.data.files) {
    if (ctx.signal.aborted) throw new CertbenchError('timeout', 'opening the bundle was cancelled');
    const e = byName.get(f.path);
    if (!e) throw new CertbenchError('bad-input', `${shown}: ${f.path} is listed in manifest.json but missing from the zip`);
    // The size first: a size the manifest does not give is refused before anything is inflated.
    if (e.size !== f.bytes) throw new CertbenchError('bad-input', `${shown}: ${f.path} does not match its SHA-256 in manifest.json (the bundle was altered or damaged)`);
    const data = readEntry(bytes, e, shown);
    const digest = crypto.createHash('sha256').update(data).digest('hex');
    if (digest !== f.sha256) throw new CertbenchError('bad-input', `${shown}: ${f.path} does not match its SHA-256 in manifest.json (the bundle was altered or damaged)`);
    if (PARSED.has(f.path)) contents.set(f.path, data);
  }

  ctx.progress({ done: 2, total: 3, label: 'reading the report' });
  if (!listed.has('report.json')) throw new CertbenchError('bad-input', `${shown}: the bundle has no report.json`);
  const rawReport = parseJson(shown, 'report.json', read('report.json')) as Record<string, unknown> | null;
  const schemaVersion = rawReport && typeof rawReport === 'object' ? rawReport.schemaVersion : undefined;
  if (typeof schemaVersion === 'number' && schemaVersion > REPORT_SCHEMA_VERSION) {
    throw new CertbenchError('bad-input', `${shown} was written by a newer Certbench (report schema ${schemaVersion}; this version reads up to ${REPORT_SCHEMA_VERSION}): update Certbench to open it`);
  }
  const report = DiagnoseReportSchema.safeParse(rawReport);
  if (!report.success) throw new CertbenchError('bad-input', `${shown}: report.json is not a Certbench report (${firstIssue(report.error)})`);

  let storeCertificates: OpenedBundle['storeCertificates'] = [];
  let storeList: OpenedBundle['stores'] = [];
  let listedAt: string | null = null;
  if (listed.has('stores.json')) {
    const stores = StoresFileSchema.safeParse(parseJson(shown, 'stores.json', read('stores.json')));
    if (!stores.success) throw new CertbenchError('bad-input', `${shown}: stores.json is damaged (${firstIssue(stores.error)})`);
    storeCertificates = stores.data.certificates;
    storeList = stores.data.stores;
    listedAt = stores.data.listedAt ?? null;
  }
  let commands: OpenedBundle['commands'] = [];
  if (listed.has('commands/commands.json')) {
    const parsed = z.array(BundleCommandSchema).safeParse(parseJson(shown, 'commands/commands.json', read('commands/commands.json')));
    if (!parsed.success) throw new CertbenchError('bad-input', `${shown}: commands/commands.json is damaged (${firstIssue(parsed.error)})`);
    commands = parsed.data;
  }
  const ignored = entries.map((e) => e.name).filter((n) => !n.endsWith('/') && !KNOWN.some((re) => re.test(n)));
  ctx.progress({ done: 3, total: 3, label: 'done' });
  return { file: shown, manifest: manifest.data, report: report.data, storeCertificates, stores: storeList, listedAt, commands, ignored };
}

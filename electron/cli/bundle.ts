import path from 'node:path';
import type { Command } from 'commander';
import { CertbenchError, formatBytes, toErrorData } from '../../shared/errors';
import { REDACTION_KINDS, type OpenedBundle, type RedactionKind } from '../../shared/model/bundle';
import type { DiagnoseReport } from '../../shared/model/diagnose';
import { addDiagnoseOptions, diagnoseRequest, type DiagnoseCliOptions } from './diagnose-request';
import { CliProgress } from './progress';
import type { ClientCredential } from '../services/probe/attempt';
import { loadClientCredential } from '../services/probe/client-cert';
import { parseTarget, runProbe } from '../services/probe/probe';
import { forTerminal } from './terminal';
import type { Services } from '../services/services';
import { quietWork } from '../services/work';

/**
 * `certbench bundle [--out FILE.zip] [--probe URL ...] [--cert FILE|--thumbprint T] [--key FILE]
 * [--password-env VAR] [--identity ID] [--attach FILE ...] [--redact hosts,accounts,ips,subjects]
 * [--no-stores] [--timeout MS] [--json]` and `certbench bundle open FILE.zip [--json]`.
 * The first --probe URL is diagnosed; each further one is probed the same way and added to the
 * report's probes. Exit 0 when written (or opened) with no error findings, 1 when the report has
 * error findings, 2 on bad usage, input or bundle, with one line on stderr.
 */

type BundleOptions = DiagnoseCliOptions & { out?: string; overwrite?: boolean; probe?: string[]; redact?: string; stores?: boolean; json?: boolean };

function redactions(text: string | undefined, fail: (m: string) => never): RedactionKind[] {
  if (text === undefined) return [];
  const kinds = text.split(',').map((k) => k.trim().toLowerCase()).filter(Boolean);
  if (kinds.includes('all')) return [...REDACTION_KINDS];
  for (const k of kinds) if (!(REDACTION_KINDS as readonly string[]).includes(k)) fail(`--redact: "${k}" is not one of ${REDACTION_KINDS.join(', ')} (or all)`);
  return [...new Set(kinds)] as RedactionKind[];
}

const SEVERITY_WORD = { error: 'ERROR', warning: 'WARNING', info: 'NOTE' } as const;

function findingLines(report: DiagnoseReport): string[] {
  if (!report.findings.length) return ['No findings.'];
  return [...report.findings].sort((a, b) => a.rank - b.rank).map((f) => `${f.rank}. ${SEVERITY_WORD[f.severity]} ${f.id}: ${f.title}`);
}

/** The credential extra probes present: the --cert file's, when it has a usable key. */
async function extraProbeCredential(request: ReturnType<typeof diagnoseRequest>): Promise<ClientCredential | null> {
  if (!request.clientCertificate) return null;
  try {
    return await loadClientCredential(request.clientCertificate, request.keyFile);
  } catch {
    return null; // the diagnosis already says why the certificate cannot be presented
  }
}

async function exportCommand(services: Services, opts: BundleOptions, fail: (m: string) => never): Promise<number> {
  const probes = opts.probe ?? [];
  for (const url of probes) {
    try {
      parseTarget(url);
    } catch (err) {
      fail(`--probe: ${toErrorData(err).message}`);
    }
  }
  const redact = redactions(opts.redact, fail);
  const request = diagnoseRequest(probes[0], opts, fail);

  const progress = new CliProgress('collecting');
  const ctx = { progress: (p: { done: number; total: number | null; label: string }) => progress.update(p.done, p.total, p.label), signal: new AbortController().signal };
  try {
    const report = await services.diagnose(request, ctx);
    if (probes.length > 1) {
      const client = await extraProbeCredential(request);
      const trust = (await services.trust.roots()).items;
      const known = trust.map((i) => i.der);
      for (const url of probes.slice(1)) {
        const started = performance.now();
        const result = await runProbe({ url, tls: 'both', timeoutMs: request.timeoutMs, client, knownCertificates: known, trust, onProgress: (done, total, label) => progress.update(done, total, `${url}: ${label}`) });
        report.probes.push(result);
        report.steps.push({ name: 'probe', status: result.error ? 'failed' : 'done', note: `extra probe of ${url}: ${result.error ?? `client certificate asked by ${result.clientAuth.mode}`}`, durationMs: Math.round(performance.now() - started) });
      }
    }
    const secrets = [request.clientCertificate?.password, request.keyFile?.password].filter((s): s is string => typeof s === 'string');
    const result = await services.bundles.export({ report, redact, includeStores: opts.stores !== false, overwrite: opts.overwrite === true, ...(opts.out ? { out: path.resolve(opts.out) } : {}) }, ctx, { secrets });
    progress.done();
    if (opts.json) {
      const { zipBase64: _zip, ...rest } = result;
      process.stdout.write(`${JSON.stringify({ ...rest, summary: report.summary, findings: report.findings }, null, 2)}\n`);
    } else {
      const lines = [`Bundle written: ${result.path} (${formatBytes(result.bytes)}, ${result.manifest.files.length + 1} files)`];
      if (redact.length) lines.push(`Redacted: ${redact.join(', ')}`);
      lines.push('', report.summary, '', ...findingLines(report), '', 'Collected:', ...result.manifest.collected.map((c) => `  - ${c}`));
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    return report.findings.some((f) => f.severity === 'error') ? 1 : 0;
  } catch (err) {
    progress.done();
    return fail(toErrorData(err).message);
  }
}

/** The header a reader sees first: whose bundle, when, from which version, and what was redacted. */
export function formatOpened(b: OpenedBundle): string {
  const m = b.manifest;
  const lines = [`bundle from ${m.host} at ${m.createdAt}, Certbench ${m.appVersion}`];
  lines.push(`(${m.os.platform} ${m.os.release}; bundle format ${m.formatVersion}; redacted: ${m.redactions.length ? m.redactions.join(', ') : 'nothing'})`);
  lines.push('', b.report.summary, '', ...findingLines(b.report), '');
  lines.push(`${b.report.probes.length} probe(s), ${b.storeCertificates.length} store certificate(s), ${b.commands.length} command(s), ${b.report.fixes.length} fix script(s).`);
  if (b.ignored.length) lines.push(`Not understood by this version (kept out of the view): ${b.ignored.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

async function openCommand(services: Services, file: string, opts: { json?: boolean }, fail: (m: string) => never): Promise<number> {
  let opened: OpenedBundle;
  try {
    opened = await services.bundles.open({ name: file, path: path.resolve(file) }, quietWork());
  } catch (err) {
    return fail(err instanceof CertbenchError ? err.message : toErrorData(err).message);
  }
  process.stdout.write(opts.json ? `${JSON.stringify({ ...opened, findings: opened.report.findings }, null, 2)}\n` : formatOpened(forTerminal(opened)));
  return opened.report.findings.some((f) => f.severity === 'error') ? 1 : 0;
}

export function registerBundleCommand(program: Command, io: { fail: (message: string) => never; services: Services }): void {
  const bundle = addDiagnoseOptions(
    program
      .command('bundle')
      .description('export a diagnostic bundle (one zip: report, standalone report.html, public certificates, probes, key paths and ACLs, server evidence, commands run, fix scripts; never private keys), or open one ("bundle open FILE.zip")'),
  )
    .option('--out <file.zip>', 'where to write the bundle (default: the bundles folder of the data folder)')
    .option('--overwrite', 'with --out: replace a file that is already there')
    .option('--probe <url...>', 'the server to diagnose; more URLs are probed the same way and added to the report')
    .option('--redact <kinds>', `replace these with stable pseudonyms in every file: ${REDACTION_KINDS.join(',')} or all (hosts or subjects leave the certificates out)`)
    .option('--no-stores', 'leave the local store listing (stores.json, certs/, keys/) out')
    .option('--json', 'print the manifest, summary and findings as one JSON document')
    .action(async (opts: BundleOptions) => {
      process.exitCode = await exportCommand(io.services, opts, io.fail);
    });

  bundle
    .command('open')
    .description('read a bundle back: who made it, when, with which version, the summary and the findings')
    .argument('<file.zip>', 'a bundle written by "certbench bundle" or the Bundles page')
    .option('--json', 'print the whole bundle (manifest, report, store listing, commands) as one JSON document')
    .action(async (file: string, opts: { json?: boolean }, command: Command) => {
      // "bundle open F --json": commander gives --json to "bundle", which has one too.
      const json = opts.json === true || command.parent?.opts<{ json?: boolean }>().json === true;
      process.exitCode = await openCommand(io.services, file, { json }, io.fail);
    });
}

import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { toErrorData } from '../../shared/errors';
import { FINDING_IDS, type Finding } from '../../shared/findings/catalogue';
import { fixesFor } from '../../shared/fixes';
import { DiagnoseReportSchema, type DiagnoseReport } from '../../shared/model/diagnose';
import type { FixShell } from '../../shared/model/fix';
import { addDiagnoseOptions, diagnoseRequest, type DiagnoseCliOptions } from './diagnose-request';
import { CliProgress } from './progress';
import { readInputFile } from '../services/input-file';
import type { Services } from '../services/services';
import { APP_VERSION } from '../version';
import { forTerminal } from './terminal';
import { scriptFileText, undoFileName } from '../../shared/scripts/script-file';

/**
 * `certbench diagnose [URL] [--cert FILE|--thumbprint T] [--identity ID] [--attach FILE ...] --json`
 * (DESIGN.md "Command line") and `certbench fix`, which writes the fix scripts of a diagnosis (made
 * now, or read back from `diagnose --json` output). Exit 1 when the diagnosis found errors, 2 on bad
 * input with one line on stderr.
 */

const MAX_REPORT_BYTES = 64 * 1024 * 1024;

async function runDiagnosis(services: Services, url: string | undefined, opts: DiagnoseCliOptions, fail: (m: string) => never): Promise<DiagnoseReport> {
  const request = diagnoseRequest(url, opts, fail);
  const progress = new CliProgress('diagnosing');
  try {
    return await services.diagnose(request, { progress: (p) => progress.update(p.done, p.total, p.label), signal: new AbortController().signal });
  } catch (err) {
    progress.done();
    fail(toErrorData(err).message);
  } finally {
    progress.done();
  }
}

const SEVERITY_WORD = { error: 'ERROR', warning: 'WARNING', info: 'NOTE' } as const;

export function formatReport(report: DiagnoseReport): string {
  const lines: string[] = [report.summary, ''];
  lines.push('What was checked:');
  for (const s of report.steps) lines.push(`  [${s.status}] ${s.name}: ${s.note}`);
  lines.push('');
  if (!report.findings.length) lines.push('No findings.');
  for (const f of report.findings) {
    lines.push(`${f.rank}. ${SEVERITY_WORD[f.severity]} ${f.id}: ${f.title}  (${f.likelihood.replace('-', ' ')})`);
    lines.push(`   ${f.why}`);
    lines.push(`   ${f.detail}`);
    for (const e of f.evidence) lines.push(`   - ${e.kind}: ${e.text}`);
    if (f.fixes.length) lines.push(`   fix: ${f.fixes.join(', ')} (certbench fix ... --finding ${f.id})`);
    lines.push('');
  }
  if (report.fixes.length) lines.push(`${report.fixes.length} fix script(s) available: run "certbench fix" with the same arguments, or "certbench fix --from REPORT.json".`);
  return `${lines.join('\n').trimEnd()}\n`;
}

function readReport(file: string, fail: (m: string) => never): DiagnoseReport {
  let text: string;
  try {
    text = Buffer.from(readInputFile(file, MAX_REPORT_BYTES, { directoryHint: ', not a saved report', what: 'reports' })).toString('utf8');
  } catch (err) {
    return fail(`--from ${toErrorData(err).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    fail(`--from ${file}: not JSON (save the output of "certbench diagnose --json")`);
  }
  const parsed = DiagnoseReportSchema.safeParse(json);
  if (!parsed.success) fail(`--from ${file}: not a Certbench diagnosis (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`);
  return parsed.data;
}

export function registerDiagnoseCommands(program: Command, io: { fail: (message: string) => never; services: Services }): void {
  addDiagnoseOptions(
    program
      .command('diagnose')
      .description('gather every piece of evidence for one server and client certificate (probe, chain, key and who may read it, trusted roots, server configuration and logs) and list what is wrong, most likely cause first')
      .argument('[https-url]', 'the URL of the protected page (optional: without it only local and attached evidence is checked)'),
  )
    .option('--json', 'print the whole report as one JSON document')
    .action(async (url: string | undefined, opts: DiagnoseCliOptions & { json?: boolean }) => {
      const report = await runDiagnosis(io.services, url, opts, io.fail);
      process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(forTerminal(report)));
      process.exitCode = report.findings.some((f) => f.severity === 'error') ? 1 : 0;
    });

  addDiagnoseOptions(
    program
      .command('fix')
      .description('write the fix scripts (PowerShell and bash, each with its undo) for the findings of a diagnosis made now or saved with "diagnose --json"')
      .argument('[https-url]', 'diagnose this URL first (same options as "diagnose")'),
  )
    .option('--from <report.json>', 'use a saved diagnosis instead of diagnosing now')
    .option('--finding <id...>', 'only these finding ids')
    .option('--shell <shell>', 'powershell or bash (default: both)')
    .option('--out <dir>', 'write each script and its undo into this folder instead of printing the combined script')
    .option('--json', 'print {fixes, combined} as JSON')
    .action(async (url: string | undefined, opts: DiagnoseCliOptions & { from?: string; finding?: string[]; shell?: string; out?: string; json?: boolean }) => {
      if (opts.from && (url || opts.cert || opts.thumbprint || opts.attach?.length)) io.fail('give either --from REPORT or what to diagnose, not both');
      const shells: FixShell[] = opts.shell === undefined ? ['powershell', 'bash'] : opts.shell === 'powershell' || opts.shell === 'bash' ? [opts.shell] : io.fail(`--shell: "${opts.shell}" is not powershell or bash`);
      for (const id of opts.finding ?? []) if (!(FINDING_IDS as readonly string[]).includes(id)) io.fail(`--finding: "${id}" is not a finding id (see "certbench diagnose" output)`);
      const report = opts.from ? readReport(opts.from, io.fail) : await runDiagnosis(io.services, url, opts, io.fail);
      const wanted: Finding[] = report.findings.filter((f) => !opts.finding?.length || opts.finding.includes(f.id));
      const result = fixesFor(wanted, shells, { version: APP_VERSION });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      } else if (opts.out) {
        const dir = path.resolve(opts.out);
        try {
          fs.mkdirSync(dir, { recursive: true });
          for (const f of result.fixes) {
            fs.writeFileSync(path.join(dir, f.fileName), scriptFileText(f.fileName, f.script), { mode: 0o644 });
            fs.writeFileSync(path.join(dir, undoFileName(f.fileName)), scriptFileText(f.fileName, f.undo), { mode: 0o644 });
          }
          for (const c of result.combined) {
            fs.writeFileSync(path.join(dir, c.fileName), scriptFileText(c.fileName, c.script), { mode: 0o644 });
            fs.writeFileSync(path.join(dir, c.undoFileName), scriptFileText(c.undoFileName, c.undo), { mode: 0o644 });
          }
        } catch (err) {
          io.fail(`--out ${opts.out}: ${toErrorData(err).message}`);
        }
        process.stdout.write(`${result.fixes.length} fix script(s) and their undo written to ${dir}${result.combined.length ? ` (all in one: ${result.combined.map((c) => c.fileName).join(', ')})` : ''}\n`);
      } else if (!result.combined.length) {
        process.stdout.write(wanted.length ? 'None of these findings has a scripted fix; read their detail in "certbench diagnose".\n' : 'No findings, nothing to fix.\n');
      } else {
        for (const c of result.combined) process.stdout.write(`${c.script.trimEnd()}\n\n`);
        process.stderr.write(`certbench: undo scripts: use --out DIR to save them (${result.combined.map((c) => c.undoFileName).join(', ')})\n`);
      }
      process.exitCode = 0;
    });
}


import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExecFileRunner } from '../../electron/platform/command-runner';
import type { CommandRunner } from '../../electron/platform/types';
import { POWERSHELL } from '../../electron/platform/windows/powershell';
import { PWSH } from './pwsh';

/**
 * Real PowerShell as the judge of the PowerShell Certbench writes, run in CI.
 * One pwsh process per batch (it takes about a second to start): the scripts go in as a JSON file,
 * tests/helpers/pwsh-check.ps1 parses each with PowerShell's own Parser.ParseInput and walks the AST
 * for what Windows PowerShell 5.1 lacks (7-only operators, parameters, cmdlets, .NET members), and
 * the answer comes back as a JSON file. Nothing passes through a command line.
 */

export interface ParseError {
  id: string;
  message: string;
  line: number;
  column: number;
}

/** One construct of the script that Windows PowerShell 5.1 does not have. */
export interface NotIn51 {
  kind: string;
  text: string;
  line: number;
  column: number;
  why: string;
}

export interface ScriptReport {
  name: string;
  parseErrors: ParseError[];
  notIn51: NotIn51[];
}

export interface TokenReport {
  name: string;
  parseErrors: ParseError[];
  /** Token kinds in order, space-separated ("Variable Equals StringLiteral EndOfInput"). */
  kinds: string;
  /** The values of the string tokens, in order. */
  values: string[];
}

const CHECKER = path.join(__dirname, 'pwsh-check.ps1');

/** Environment for every pwsh run here: no telemetry, no update check, the caller's extras on top. */
export function pwshEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, POWERSHELL_TELEMETRY_OPTOUT: '1', POWERSHELL_UPDATECHECK: 'Off', DOTNET_CLI_TELEMETRY_OPTOUT: '1', ...extra };
}

function pwshPath(): string {
  if (!PWSH) throw new Error('pwsh is not installed (see tests/helpers/pwsh.ts)');
  return PWSH;
}

/** Run pwsh with arguments (never a shell); throws with its stderr when it does not exit 0. */
export function runPwsh(args: string[], options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number; allowFailure?: boolean } = {}): SpawnSyncReturns<string> {
  const r = spawnSync(pwshPath(), ['-NoProfile', '-NonInteractive', ...args], {
    encoding: 'utf8',
    env: pwshEnv(options.env),
    cwd: options.cwd,
    timeout: options.timeoutMs ?? 240_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  if (r.status !== 0 && !options.allowFailure) throw new Error(`pwsh exited with ${r.status}: ${r.stderr || r.stdout}`);
  return r;
}

/** Run a script file (written by the caller) in one pwsh process. */
export function runPwshFile(file: string, args: string[] = [], options: Parameters<typeof runPwsh>[1] = {}): SpawnSyncReturns<string> {
  return runPwsh(['-ExecutionPolicy', 'Bypass', '-File', file, ...args], options);
}

function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-pwsh-'));
  try {
    return fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function request(mode: 'check' | 'literals', items: ReadonlyArray<{ name: string; script: string }>): string {
  return withTempDir((dir) => {
    const req = path.join(dir, 'request.json');
    const answer = path.join(dir, 'answer.txt');
    // Base64 of UTF-16LE code units: ConvertFrom-Json would turn an escaped lone surrogate into U+FFFD.
    fs.writeFileSync(req, JSON.stringify({ mode, items: items.map((i) => ({ name: i.name, script64: Buffer.from(i.script, 'utf16le').toString('base64') })) }));
    runPwshFile(CHECKER, ['-RequestFile', req, '-AnswerFile', answer]);
    return fs.readFileSync(answer, 'utf8').replace(/^\uFEFF/, '');
  });
}

/** Counts for the summary line of scripts/test-all.mjs (written per test file by writePwshReport). */
const counts = { scriptsParsed: 0, parseErrors: 0, notIn51: 0, valuesTokenized: 0, valuesEchoed: 0 };

/**
 * Parse every script with real PowerShell and list what Windows PowerShell 5.1 lacks, in one pwsh run.
 * `record: false` (for the batch or one item) keeps the harness's own self-tests, which are made to
 * fail, out of the counts.
 */
export function checkScripts(items: ReadonlyArray<{ name: string; script: string; record?: boolean }>, options: { record?: boolean } = {}): ScriptReport[] {
  if (!items.length) return [];
  const answer = JSON.parse(request('check', items)) as Array<{ name: string; parseErrors: ParseError[] | null; findings: NotIn51[] | null }>;
  const raw = Array.isArray(answer) ? answer : [answer];
  if (raw.length !== items.length) throw new Error(`pwsh-check answered ${raw.length} of ${items.length} scripts`);
  const reports = raw.map((r) => ({ name: r.name, parseErrors: r.parseErrors ?? [], notIn51: r.findings ?? [] }));
  reports.forEach((r, i) => {
    if (options.record === false || items[i]!.record === false) return;
    counts.scriptsParsed += 1;
    counts.parseErrors += r.parseErrors.length;
    counts.notIn51 += r.notIn51.length;
  });
  return reports;
}

/** PowerShell's own tokens of each script (kinds, and string values decoded from UTF-16LE code units). */
export function tokenize(items: ReadonlyArray<{ name: string; script: string }>): TokenReport[] {
  if (!items.length) return [];
  const lines = request('literals', items).split('\n');
  if (lines.length !== items.length) throw new Error(`pwsh-check answered ${lines.length} of ${items.length} scripts`);
  return lines.map((line, i) => {
    const [kinds = '', errors = '', values = ''] = line.split('\t');
    const messages = fromUtf16Base64(errors);
    return {
      name: items[i]!.name,
      parseErrors: messages ? messages.split('\n').map((message) => ({ id: '', message, line: 0, column: 0 })) : [],
      kinds,
      values: values ? values.split(',').map(fromUtf16Base64) : [],
    };
  });
}

/** Base64 of UTF-16LE code units to a JS string, lone surrogates kept (Buffer's utf16le decoder keeps them). */
export function fromUtf16Base64(b64: string): string {
  const bytes = Buffer.from(b64, 'base64');
  let out = '';
  for (let i = 0; i + 1 < bytes.length; i += 2) out += String.fromCharCode(bytes[i]! | (bytes[i + 1]! << 8));
  return out;
}

/** Record hostile values that PowerShell's tokenizer read back as one literal equal to the input. */
export function recordTokenized(n: number): void {
  counts.valuesTokenized += n;
}

/** Record hostile values that a running pwsh script assigned and printed back equal. */
export function recordRoundTrips(n: number): void {
  counts.valuesEchoed += n;
}

/** A readable one-line list of what failed, for expect messages. */
export function describeProblems(reports: readonly ScriptReport[]): string {
  return reports
    .filter((r) => r.parseErrors.length || r.notIn51.length)
    .map((r) => `${r.name}: ${[...r.parseErrors.map((e) => `parse error ${e.id} at ${e.line}:${e.column} ${e.message}`), ...r.notIn51.map((f) => `${f.kind} at ${f.line}:${f.column} ${f.text.slice(0, 80)}`)].join('; ')}`)
    .join('\n');
}

export const PWSH_REPORT_DIR = path.resolve(__dirname, '../../.tmp/reports');

/**
 * Write this test file's counts to .tmp/reports/powershell-<label>.json; scripts/test-all.mjs adds up
 * every such file for its "PowerShell: ..." summary line.
 */
export function writePwshReport(label: string): void {
  fs.mkdirSync(PWSH_REPORT_DIR, { recursive: true });
  fs.writeFileSync(path.join(PWSH_REPORT_DIR, `powershell-${label}.json`), JSON.stringify({ ...counts, pwsh: PWSH }, null, 2));
}

/**
 * A CommandRunner that runs the adapter's `powershell.exe` calls with real pwsh (the same argument
 * array: -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand ...), so the Windows
 * adapter's own code (powerShellArgs, runPowerShellJson, parsePowerShellJson) runs for real. Any other
 * program is refused: on Linux it would not be the Windows tool the adapter means. `prelude` is
 * PowerShell put before each script: stub functions standing in for Windows-only cmdlets (functions
 * win over cmdlets of the same name).
 */
export function pwshRunner(options: { env?: Record<string, string>; prelude?: string } = {}): CommandRunner & { calls: string[] } {
  const inner = new ExecFileRunner({ baseEnv: { POWERSHELL_TELEMETRY_OPTOUT: '1', POWERSHELL_UPDATECHECK: 'Off', ...options.env } });
  const calls: string[] = [];
  return {
    calls,
    run(file, args, runOptions) {
      calls.push(file);
      if (file !== POWERSHELL) return Promise.resolve({ file, args, exitCode: null, stdout: '', stderr: '', durationMs: 0, error: `${file}: not run off Windows` });
      let sent = args;
      const at = args.indexOf('-EncodedCommand');
      if (options.prelude && at >= 0) {
        // Stub functions for Windows-only cmdlets, defined before the adapter's own script text.
        const script = Buffer.from(args[at + 1]!, 'base64').toString('utf16le');
        sent = [...args.slice(0, at + 1), Buffer.from(`${options.prelude}\n${script}`, 'utf16le').toString('base64'), ...args.slice(at + 2)];
      }
      return inner.run(pwshPath(), sent, runOptions);
    },
  };
}

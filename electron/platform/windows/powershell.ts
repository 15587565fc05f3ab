import { z } from 'zod';
import { CertbenchError, oneLine } from '../../../shared/errors';
import { jsonArray } from '../../../shared/server/powershell-json';
import type { CommandRecord, CommandRunner } from '../types';

/**
 * Windows PowerShell as a JSON source (DESIGN.md "Platforms"): every script is sent with
 * -EncodedCommand (base64 of UTF-16LE, so no quoting of the script text is ever needed), prints one
 * JSON document with `ConvertTo-Json -Compress`, and reports its own failure as `{"error": "..."}`.
 * JSON is locale-independent where certutil's and icacls's labels are translated (reference 0).
 */

/** Windows PowerShell 5.1: present on every supported Windows, unlike pwsh. */
export const POWERSHELL = 'powershell.exe';

/**
 * CreateProcess caps a command line at 32,767 characters; the base64 of a UTF-16LE script is 8/3 of
 * its length, so scripts stay under about 11,000 characters. Checked here rather than failing in
 * CreateProcess with an error that names nothing.
 */
export const MAX_ENCODED_LENGTH = 30_000;

/** Base64 of the script as UTF-16LE, the form `-EncodedCommand` takes (about_PowerShell_exe). */
export function encodePowerShell(script: string): string {
  return Buffer.from(script, 'utf16le').toString('base64');
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * An unpaired UTF-16 surrogate (possible in NTFS names) cannot reach a PowerShell script: PowerShell
 * decodes -EncodedCommand, and script files, with .NET's replacement fallback, so it would read U+FFFD
 * and act on another name (measured with real pwsh in tests/integration/powershell-quote.test.ts).
 * Refused with one line instead.
 */
export function checkPowerShellText(script: string): void {
  const m = LONE_SURROGATE.exec(script);
  if (m) {
    const code = m[0].charCodeAt(0).toString(16).toUpperCase();
    throw new CertbenchError('bad-input', `a value holds an unpaired UTF-16 surrogate (U+${code}), which PowerShell cannot receive (it would read U+FFFD)`);
  }
}

/** The argument array for one script; never a shell string (STYLE.md). */
export function powerShellArgs(script: string): string[] {
  checkPowerShellText(script);
  const encoded = encodePowerShell(script);
  if (encoded.length > MAX_ENCODED_LENGTH) {
    throw new CertbenchError('internal', `PowerShell script too long for one command line (${encoded.length} encoded characters, limit ${MAX_ENCODED_LENGTH})`);
  }
  return ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand', encoded];
}

/**
 * Wrap a script body that ends in one object expression: UTF-8 console output (PowerShell 5.1
 * otherwise writes the OEM code page), no progress records (they arrive on stderr as CLIXML), errors
 * stop the script and come back as JSON `{error}` so a failure is still a parseable answer.
 */
export function jsonScript(body: string): string {
  return [
    "$ErrorActionPreference = 'Stop'",
    "$ProgressPreference = 'SilentlyContinue'",
    '[Console]::OutputEncoding = [Text.Encoding]::UTF8',
    'try {',
    '  $certbenchResult = & {',
    // Not re-indented: a value quoted over several lines must keep its lines exactly.
    body.trim(),
    '  }',
    '} catch {',
    '  $certbenchResult = [pscustomobject]@{ error = [string]$_.Exception.Message }',
    '}',
    'ConvertTo-Json -InputObject $certbenchResult -Depth 6 -Compress',
    '',
  ].join('\n');
}

/** The PowerShell JSON readers' array helper lives with the pure parsers (shared/server/powershell-json.ts). */
export { jsonArray };

/** What jsonScript's catch prints: exactly one key. Answers that carry their own `error` field are not this. */
const ErrorAnswerSchema = z.strictObject({ error: z.string() });

/** Parse one JSON answer; `name` says which command it was, so every failure is one line naming it. */
export function parsePowerShellJson<T extends z.ZodTypeAny>(name: string, stdout: string, schema: T): z.output<T> {
  // A UTF-8 console encoding can put a BOM before the output in PowerShell 5.1.
  const text = stdout.replace(/^\uFEFF/, '').trim();
  if (!text) throw new CertbenchError('internal', `PowerShell (${name}) printed nothing`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CertbenchError('internal', `PowerShell (${name}) did not print JSON: ${oneLine(text, 120)}`);
  }
  const failed = ErrorAnswerSchema.safeParse(value);
  if (failed.success) throw new CertbenchError('internal', `PowerShell (${name}) failed: ${failed.data.error}`);
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length ? issue.path.join('.') : 'output';
    throw new CertbenchError('internal', `PowerShell (${name}) printed unexpected JSON at ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** Turn a record that did not run (not found, timed out) into a one-line error naming the command. */
export function failedToRun(name: string, record: CommandRecord): CertbenchError | null {
  if (record.error === null) return null;
  const code = /timed? ?out/i.test(record.error) ? 'timeout' : 'internal';
  return new CertbenchError(code, `PowerShell (${name}) could not run: ${record.error}`);
}

/** Run one JSON script and parse its answer with `schema`. */
export async function runPowerShellJson<T extends z.ZodTypeAny>(
  runner: CommandRunner,
  name: string,
  script: string,
  schema: T,
  options: { timeoutMs?: number } = {},
): Promise<z.output<T>> {
  const record = await runner.run(POWERSHELL, powerShellArgs(script), { timeoutMs: options.timeoutMs ?? 60_000, maxOutputBytes: 64 * 1024 * 1024 });
  const notRun = failedToRun(name, record);
  if (notRun) throw notRun;
  if (!record.stdout.trim() && record.exitCode !== 0) {
    const first = record.stderr.split(/\r?\n/).find((l) => l.trim() && !l.startsWith('#< CLIXML')) ?? '';
    throw new CertbenchError('internal', `PowerShell (${name}) exited with code ${record.exitCode}${first ? `: ${first}` : ''}`);
  }
  return parsePowerShellJson(name, record.stdout, schema);
}

/** Is this process elevated? (WindowsPrincipal.IsInRole(Administrator), false under UAC until elevated.) */
export const ELEVATION_SCRIPT = jsonScript(`
$principal = New-Object Security.Principal.WindowsPrincipal([Security.Principal.WindowsIdentity]::GetCurrent())
[pscustomobject]@{ elevated = [bool]$principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator); user = [string][Security.Principal.WindowsIdentity]::GetCurrent().Name }
`);

export const ElevationSchema = z.object({ elevated: z.boolean(), user: z.string() });

export async function isElevated(runner: CommandRunner): Promise<z.output<typeof ElevationSchema>> {
  return runPowerShellJson(runner, 'elevation check', ELEVATION_SCRIPT, ElevationSchema, { timeoutMs: 30_000 });
}

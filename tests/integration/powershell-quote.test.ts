import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePowerShell, jsonScript, powerShellArgs, runPowerShellJson } from '../../electron/platform/windows/powershell';
import { finding } from '../../shared/findings/catalogue';
import { fixesFor } from '../../shared/fixes';
import { quotePowerShell } from '../../shared/scripts/quote';
import { scriptFileText } from '../../shared/scripts/script-file';
import { commandLine } from '../../renderer/src/ui/keys/acl-words';
import { bigFileCommand } from '../../renderer/src/ui/server/server-words';
import { requirePwsh } from '../helpers/pwsh';
import { fromUtf16Base64, pwshRunner, recordRoundTrips, recordTokenized, runPwsh, runPwshFile, tokenize, writePwshReport } from '../helpers/pwsh-harness';
import { PS_HOSTILE_PARTS, psHostile, psHostileWellFormed, PWSH_SEED, sample } from '../helpers/pwsh-hostile';

/**
 * The quoting proof with PowerShell's own tokenizer as the oracle, not the repo's lexer:
 * more than 10,000 hostile values (every quote character PowerShell accepts, backticks, $(...), @(...),
 * ${x}, CR/LF, NUL, 64 KB values, lone surrogates, fast-check strings) each become ONE string-literal
 * token whose value is the input, in expression and in argument mode; then a script that assigns each
 * and prints it back (base64 of its UTF-16 code units) runs in pwsh from a UTF-16LE file, from a UTF-8
 * file with a BOM, and through the adapter's own -EncodedCommand path, and every value comes back equal.
 */

const skip = requirePwsh();
const SEED = PWSH_SEED + 7;
const QUOTES = ["'", '\u2018', '\u2019', '\u201A', '\u201B', '"', '\u201C', '\u201D', '\u201E', '`'];
const KB64 = 64 * 1024;

function hostileValues(): string[] {
  const v: string[] = ['', ...PS_HOSTILE_PARTS];
  for (const q of QUOTES) for (const p of PS_HOSTILE_PARTS) v.push(q + p, p + q, `x${q}${p}${q}x`);
  v.push('\0', 'a\0b', "'\0'", '\0'.repeat(3), "\0'; Remove-Item C:\\ -Recurse; '\0", '\r', '\n', '\r\n', '\n\r', 'a\rb\nc\r\nd');
  v.push("'".repeat(KB64), '\u2019'.repeat(KB64), '\0'.repeat(KB64), '\r\n'.repeat(KB64 / 2), '\uD800'.repeat(KB64), `${"'$(x)`n\u201C\0\r\n".repeat(KB64 / 10)}`.slice(0, KB64));
  v.push(...sample(psHostile, 8000, SEED), ...sample(psHostileWellFormed, 400, SEED + 2));
  return v;
}

/** The tokens a correct literal gives in both modes, and the string values in order. */
const EXPECTED_KINDS = 'Variable Equals StringLiteral Semi Generic StringLiteral StringLiteral EndOfInput';
const inContext = (q: string) => `$v = ${q}; Write-Output ${q} 'end'`;

/**
 * A script that assigns each value and records it as base64 of its UTF-16 code units (Encoding.Unicode
 * would put U+FFFD for a lone surrogate): the first ones one statement each, the rest as elements of
 * one array literal (ten thousand statements take pwsh seconds to compile; an array does not).
 */
function echoBody(values: readonly string[], statements = 300): string {
  const record = '$c = $v.ToCharArray(); $b = [byte[]]::new($c.Length * 2); [Buffer]::BlockCopy($c, 0, $b, 0, $b.Length); $r.Add([Convert]::ToBase64String($b))';
  const rest = values.slice(statements);
  return [
    '$r = New-Object System.Collections.Generic.List[string]',
    ...values.slice(0, statements).map((v) => `$v = ${quotePowerShell(v)}\n${record}`),
    ...(rest.length ? ['$all = @(', rest.map((v) => `  ${quotePowerShell(v)}`).join(',\n'), ')', `foreach ($v in $all) { ${record} }`] : []),
  ].join('\n');
}

function echoFile(values: readonly string[], dir: string, encoding: 'utf16le' | 'utf8'): string[] {
  const file = path.join(dir, `echo-${encoding}.ps1`);
  const out = path.join(dir, `echo-${encoding}.json`);
  const text = `\uFEFF${['param([string]$Out)', "$ErrorActionPreference = 'Stop'", echoBody(values), '[IO.File]::WriteAllText($Out, (ConvertTo-Json -InputObject $r.ToArray() -Compress), (New-Object Text.UTF8Encoding($false)))', ''].join('\n')}`;
  // Buffer's utf16le writes every code unit as it is, lone surrogates included; UTF-8 cannot hold those.
  fs.writeFileSync(file, Buffer.from(text, encoding));
  runPwshFile(file, ['-Out', out]);
  const got = JSON.parse(fs.readFileSync(out, 'utf8')) as string[] | string;
  return (Array.isArray(got) ? got : [got]).map(fromUtf16Base64);
}

const isWellFormed = (s: string) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

let values: string[] = [];
let dir = '';
beforeAll(() => {
  values = hostileValues();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-pwsh-quote-'));
});
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  if (!skip) writePwshReport('quote');
});

describe.skipIf(skip !== null)('quotePowerShell, judged by real PowerShell', () => {
  it('more than 10,000 hostile values, 64 KB ones, NUL and lone surrogates among them', () => {
    expect(values.length).toBeGreaterThanOrEqual(10_000);
    expect(values.some((v) => v.length >= KB64)).toBe(true);
    expect(values.some((v) => v.includes('\0'))).toBe(true);
    expect(values.some((v) => !isWellFormed(v))).toBe(true);
    for (const q of QUOTES) expect(values.some((v) => v.includes(q))).toBe(true);
  });

  it("each value is ONE string-literal token equal to the input, in expression and in argument mode (PowerShell's tokenizer), and a wrong quoting is caught", () => {
    // Two controls in the same pwsh run: a quoting that forgets the typographic quotes must fail the check.
    const naive = (v: string) => `'${v.replace(/'/g, "''")}'`;
    const controls = ['\u2019; Remove-Item x; \u2019', "a'b"].map((v) => inContext(naive(v)));
    const reports = tokenize([...values.map((v, i) => ({ name: String(i), script: inContext(quotePowerShell(v)) })), ...controls.map((script, i) => ({ name: `control ${i}`, script }))]);
    const wrong: string[] = [];
    values.forEach((v, i) => {
      const r = reports[i]!;
      const ok = r.parseErrors.length === 0 && r.kinds === EXPECTED_KINDS && r.values.length === 4 && r.values[0] === v && r.values[1] === 'Write-Output' && r.values[2] === v && r.values[3] === 'end';
      if (!ok && wrong.length < 5) wrong.push(`${JSON.stringify(v.slice(0, 80))}: ${r.kinds} ${r.parseErrors.map((e) => e.message).join('; ')}`);
    });
    expect(wrong, `seed ${PWSH_SEED}`).toEqual([]);
    expect(reports.at(-2)!.kinds).not.toBe(EXPECTED_KINDS);
    expect(reports.at(-1)!.kinds).toBe(EXPECTED_KINDS);
    recordTokenized(values.length);
  });

  it('a script that assigns every value and prints it back returns each exactly (a UTF-16LE file, and a UTF-8 file with a BOM as saved scripts are)', () => {
    const wellFormed = values.filter(isWellFormed);
    expect(wellFormed.length).toBeGreaterThanOrEqual(10_000);
    for (const encoding of ['utf16le', 'utf8'] as const) {
      const got = echoFile(wellFormed, dir, encoding);
      expect(got.length).toBe(wellFormed.length);
      const differ = wellFormed.findIndex((v, i) => got[i] !== v);
      expect(differ, differ < 0 ? '' : `${encoding}: ${JSON.stringify(wellFormed[differ]!.slice(0, 80))}`).toBe(-1);
    }
    recordRoundTrips(wellFormed.length);
  });

  it('an unpaired surrogate tokenizes, but no file or -EncodedCommand can carry it (PowerShell reads U+FFFD): the adapter refuses it', () => {
    const lone = ['\uD800', 'a\uDFFFb'];
    const file = echoFile(lone, dir, 'utf16le');
    expect(file).toEqual(['\uFFFD', 'a\uFFFDb']);
    const script = `${echoBody(lone)}\n$r -join ','`;
    const encoded = runPwsh(['-EncodedCommand', encodePowerShell(script)]);
    expect(encoded.stdout.trim().split(',').map(fromUtf16Base64)).toEqual(['\uFFFD', 'a\uFFFDb']);
    expect(() => powerShellArgs(script)).toThrow('a value holds an unpaired UTF-16 surrogate (U+D800), which PowerShell cannot receive (it would read U+FFFD)');
  });

  it('through the adapter: jsonScript, -EncodedCommand (powerShellArgs) and parsePowerShellJson, NUL included', async () => {
    const runner = pwshRunner();
    const short = values.filter((v) => v.length <= 24 && isWellFormed(v));
    // As many values per run as fit one Windows command line (MAX_ENCODED_LENGTH), three runs.
    const batches: string[][] = [];
    let batch: string[] = [];
    for (const v of short) {
      if (batches.length === 3) break;
      if (echoBody([...batch, v]).length > 10_500) {
        batches.push(batch);
        batch = [];
      }
      batch.push(v);
    }
    expect(batches.flat().some((v) => v.includes('\0'))).toBe(true);
    const results = await Promise.all(
      batches.map((b) => runPowerShellJson(runner, 'echo values', jsonScript(`${echoBody(b)}\n[pscustomobject]@{ values = $r.ToArray() }`), z.object({ values: z.array(z.string()) }))),
    );
    results.forEach((r, i) => expect(r.values.map(fromUtf16Base64)).toEqual(batches[i]));
    recordRoundTrips(batches.flat().length);
  });
});

describe.skipIf(skip !== null)('the commands a user types (grant plan, big log), judged by real PowerShell', () => {
  it('each word reaches the native program as exactly that argument, bare or quoted', () => {
    const words = [
      'C:\\ProgramData\\Microsoft\\Crypto\\Keys\\abc',
      '/grant',
      'IIS APPPOOL\\Shop:R',
      'CONTOSO\\svc:R',
      '0x10',
      '1kb',
      '1e3',
      '-1',
      '-a:b',
      '-x:',
      '--',
      '-',
      '1:2',
      "O'Brien",
      '$(x)',
      '@(1)',
      '\u2019',
      '%PATH%',
      ...sample(psHostile, 60, SEED + 1).filter((w) => isWellFormed(w) && !w.includes('\0') && w !== ''),
    ];
    const argvScript = path.join(dir, 'argv.cjs');
    fs.writeFileSync(argvScript, "process.stdout.write(JSON.stringify(process.argv.slice(2)))\n");
    const line = commandLine({ file: process.execPath, args: [argvScript, ...words] }, 'powershell');
    // The Server side page's command for a big log: `certbench diagnose --attach <name>`.
    const big = words.map((w) => bigFileCommand(w).replace(/^certbench diagnose --attach /, ''));
    const file = path.join(dir, 'command-line.ps1');
    fs.writeFileSync(file, `\uFEFF& ${line}\n& ${quotePowerShell(process.execPath)} ${quotePowerShell(argvScript)} ${big.join(' ')}\n`);
    const r = runPwshFile(file);
    // Windows passes arguments as one command line; on Linux pwsh hands them over as an array. What
    // is checked here is PowerShell's side: how it splits and unquotes the words it was given.
    const [typed, attached] = r.stdout.split(/(?<=\])(?=\[)/);
    expect(JSON.parse(typed!)).toEqual(words);
    expect(JSON.parse(attached!)).toEqual(words);
  });
});

describe.skipIf(skip !== null)('a saved fix script, read the way Windows PowerShell 5.1 reads a .ps1', () => {
  // 5.1 reads a file with a UTF-8 BOM as UTF-8 and one without in the ANSI code page (Windows-1252 here:
  // Latin-1 but for 0x80-0x9F, written out because Node's small ICU decodes "windows-1252" as Latin-1).
  const CP1252 = '\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178';
  const ansi = (bytes: Buffer) => [...bytes].map((b) => (b >= 0x80 && b <= 0x9f ? CP1252[b - 0x80]! : String.fromCharCode(b))).join('');
  const as51 = (bytes: Buffer) => (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3).toString('utf8') : ansi(bytes));

  it('with the BOM it writes, the value stays one literal; without it, UTF-8 "ё" reads as "Ñ‘" and U+2018 ends the literal', () => {
    const identity = 'IIS AppPool\\Shopё) & (Remove-Item -Recurse -Path C\\Windows) & (ё';
    const params = { keyPath: 'C:\\keys\\app.key', identity };
    const fix = fixesFor([finding('key.identity-cannot-read', 't', 'd', [], { params })], ['powershell'], { now: new Date(0), version: 'test' }).fixes[0]!;
    expect(fix.fileName).toMatch(/\.ps1$/);
    const [saved, bare] = tokenize([
      { name: 'saved', script: as51(Buffer.from(scriptFileText(fix.fileName, fix.script), 'utf8')) },
      { name: 'without BOM', script: as51(Buffer.from(fix.script, 'utf8')) },
    ]);
    expect(saved!.values).toContain(identity);
    expect(saved!.values).not.toContain('Remove-Item');
    expect(bare!.values).not.toContain(identity);
    expect(bare!.values).toContain('Remove-Item');
  });
});


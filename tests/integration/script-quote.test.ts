import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quoteBash, quotePowerShell } from '../../shared/scripts/quote';

/**
 * The escaping functions behind every generated script (DESIGN.md "Fix scripts"), property-tested on
 * hostile values: quotes, $(), backticks, ;, &, |, newlines, globs and any Unicode. bash is run for
 * real; PowerShell is checked here against its tokenizer's single-quoted string rule, and with real
 * pwsh as the oracle in tests/integration/powershell-quote.test.ts.
 */
const HOSTILE = [`'`, `"`, '$(id)', '`id`', ';', '&', '|', '\n', '\r\n', '$HOME', '${x}', '*', '?', '[a]', '~', '!', '#', '\\', ' ', '\t', '\u2018', '\u2019', '\u201A', '\u201B', '«', 'é', '日本', '😀', '\u202E', '-n', '--', '>', '<', '(', ')', '{', '}', '%', "'\\''", '$((1+1))', '&&', '||'];
const hostile = fc.oneof(
  fc.array(fc.constantFrom(...HOSTILE), { maxLength: 12 }).map((parts) => parts.join('')),
  fc.array(fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: 'grapheme', maxLength: 6 })), { maxLength: 10 }).map((parts) => parts.join('')),
  fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('\0')),
);

function bash(script: string) {
  return spawnSync('bash', ['--norc', '--noprofile', '-c', script], { encoding: 'buffer', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' } });
}

describe('quoteBash', () => {
  it('is a single-quoted word with each quote written as close, escaped quote, reopen', () => {
    expect(quoteBash('plain')).toBe(`'plain'`);
    expect(quoteBash(`it's`)).toBe(`'it'\\''s'`);
    expect(quoteBash('')).toBe(`''`);
    expect(() => quoteBash('a\0b')).toThrow(/NUL/);
  });

  it('parses (bash -n) and echoes every hostile value back byte for byte', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        const script = `#!/usr/bin/env bash\nset -euo pipefail\nvalue=${quoteBash(value)}\nprintf '%s' "$value"\nprintf '\\0'\nprintf '%s' ${quoteBash(value)}\n`;
        const check = spawnSync('bash', ['-n'], { input: script });
        expect(check.status, check.stderr.toString()).toBe(0);
        const run = bash(script);
        expect(run.status, run.stderr.toString()).toBe(0);
        const expected = Buffer.from(value, 'utf8');
        expect(run.stdout.equals(Buffer.concat([expected, Buffer.from([0]), expected]))).toBe(true);
        // And nothing ran: a hostile $(...) or `...` would have printed or failed above.
        expect(run.stderr.length).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});

/**
 * PowerShell's tokenizer for a verbatim string (Tokenizer.ScanStringLiteral): after the opening
 * quote, a single-quote character followed by another single-quote character stands for the second
 * one; a single-quote character followed by anything else ends the string. All four quote characters
 * count (CharExtensions.IsSingleQuote).
 */
function parsePowerShellVerbatim(text: string): { value: string; rest: string } {
  const isQuote = (c: string | undefined) => c !== undefined && `'\u2018\u2019\u201A\u201B`.includes(c);
  const chars = Array.from(text);
  if (!isQuote(chars[0])) throw new Error('not a verbatim string');
  let out = '';
  let i = 1;
  for (;;) {
    const c = chars[i];
    if (c === undefined) throw new Error('unterminated string');
    if (isQuote(c)) {
      if (!isQuote(chars[i + 1])) return { value: out, rest: chars.slice(i + 1).join('') };
      out += chars[i + 1];
      i += 2;
      continue;
    }
    out += c;
    i += 1;
  }
}

describe('quotePowerShell', () => {
  it('doubles every single-quote character PowerShell recognises, and nothing else', () => {
    expect(quotePowerShell(`IIS AppPool\\O'Brien`)).toBe(`'IIS AppPool\\O''Brien'`);
    expect(quotePowerShell('$(Remove-Item C:\\ -Recurse) `n')).toBe(`'$(Remove-Item C:\\ -Recurse) \`n'`);
    expect(quotePowerShell('\u2019x\u2018')).toBe(`'\u2019\u2019x\u2018\u2018'`);
    // NUL stays inside the literal: PowerShell's tokenizer reads it as a character (proven with real
    // pwsh in tests/integration/powershell-quote.test.ts).
    expect(quotePowerShell('a\0b')).toBe("'a\0b'");
  });

  it('reads back as exactly the value and ends where the literal ends, for hostile values', () => {
    fc.assert(
      fc.property(hostile, fc.constantFrom('', '; Remove-Item x', ' + $env:X'), (value, after) => {
        const parsed = parsePowerShellVerbatim(quotePowerShell(value) + after);
        expect(parsed.value).toBe(value);
        expect(parsed.rest).toBe(after);
      }),
      { numRuns: 2000 },
    );
  });
});

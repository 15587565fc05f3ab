import fc from 'fast-check';

/**
 * Values made to break PowerShell quoting: every character PowerShell's tokenizer treats
 * specially (CharExtensions: the single quotes ' U+2018..U+201B, the double quotes " U+201C..U+201E,
 * the dashes U+2013..U+2015 it reads as '-', backtick escapes, $ and @ sigils, here-string and
 * comment openers, statement separators), newlines of every kind, NUL, a BOM, direction overrides,
 * astral characters and lone surrogates.
 */
export const PS_HOSTILE_PARTS: readonly string[] = [
  "'", '\u2018', '\u2019', '\u201A', '\u201B', "''", "'\u2019",
  '"', '\u201C', '\u201D', '\u201E', '""',
  '`', '``', '`n', '`0', '`u{41}', '`$', "`'",
  '$(Remove-Item -Recurse C:\\)', '$(touch PWNED)', '@(1, 2)', '${x}', '${env:PATH}', '$x', '$_', '$$', '$?', '$null',
  '@\'\n', "\n'@", '@"\n', '\n"@', '<#', '#>', '#', '# SIG # Begin signature block', '#requires -Version 7',
  '--%', ';', '&', '&&', '|', '||', '{', '}', '(', ')', '[', ']', ',', '=', '+', '-', '\u2013', '\u2014', '\u2015', '?', '??', ':',
  '\n', '\r', '\r\n', '\t', '\v', '\f', '\u0085', '\u2028', '\u2029', '\u00A0', '\u3000',
  '\0', '\u0001', '\u001B[31m', '\u007F', '\uFEFF', '\uFFFE', '\uFFFF',
  '\u202E', '\u202C', '\u2066', 'é', 'ß', 'İ', 'ё', '日本', 'العربية', '😀', '🔐', '\u{10FFFF}',
  '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uD83D',
  "'; Remove-Item C:\\ -Recurse; '", '"; rm -rf /; "', '%PATH%', '*', '~', '\\', '/',
];

/** Hostile strings: joined parts, PowerShell-special characters among arbitrary code units. */
export const psHostile: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.constantFrom(...PS_HOSTILE_PARTS), { minLength: 1, maxLength: 8 }).map((p) => p.join('')) },
  { weight: 2, arbitrary: fc.array(fc.oneof(fc.constantFrom(...PS_HOSTILE_PARTS), fc.string({ unit: 'grapheme', maxLength: 4 })), { minLength: 1, maxLength: 6 }).map((p) => p.join('')) },
  // Any UTF-16 code units, lone surrogates included.
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 20 }).map((units) => String.fromCharCode(...units)) },
);

/** Hostile strings that are well-formed UTF-16 (what a UTF-8 file, JSON text or a Windows name can hold). */
export const psHostileWellFormed: fc.Arbitrary<string> = psHostile.map((s) => s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'));

/** fc.sample with a seed that a failure message can name. */
export function sample<T>(arb: fc.Arbitrary<T>, n: number, seed: number): T[] {
  return fc.sample(arb, { numRuns: n, seed });
}

/** One seed per test run, printed with any failure so it can be replayed (CERTBENCH_PWSH_SEED). */
export const PWSH_SEED = Number(process.env.CERTBENCH_PWSH_SEED ?? Date.now() % 2_147_483_647);

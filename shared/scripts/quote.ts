/**
 * The one escaping function per shell (DESIGN.md "Fix scripts"): every value that comes from a
 * certificate, a file name, an identity or a host goes into a generated script through these, and
 * nowhere else is a value pasted into script text.
 */

/**
 * A bash word that stands for exactly `value`: single quotes, in which bash interprets nothing
 * (bash(1) QUOTING: "Enclosing characters in single quotes preserves the literal value of each
 * character"), and each embedded `'` written as `'\''` (close, escaped quote, reopen). Safe for
 * `$()`, backticks, `;`, `&`, `|`, globs, newlines and any Unicode. A NUL byte cannot be in a bash
 * word (C strings), so it is refused rather than silently truncated.
 */
export function quoteBash(value: string): string {
  if (value.includes('\0')) throw new Error('a value for a bash script cannot contain a NUL character');
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * PowerShell's single-quote characters: ASCII `'` and the typographic quotes that its tokenizer
 * also accepts as single quotes (about_Quoting_Rules; System.Management.Automation.Language.
 * CharExtensions.IsSingleQuote: U+2018, U+2019, U+201A, U+201B).
 */
const POWERSHELL_SINGLE_QUOTES = /['\u2018\u2019\u201A\u201B]/g;

/**
 * A PowerShell verbatim string that stands for exactly `value`: single quotes, in which PowerShell
 * expands nothing (no `$`, no backtick escapes, no subexpressions), and each single-quote character,
 * including the typographic ones PowerShell also treats as quotes, doubled, as PowerShell's own
 * CodeGeneration.EscapeSingleQuotedStringContent does. Newlines and any Unicode are literal, and so
 * is NUL: PowerShell's tokenizer ends a string only at a quote or at the end of the text (a NUL is
 * end of input only where the text ends), which real PowerShell confirms for ParseInput,
 * -EncodedCommand and script files (tests/integration/powershell-quote.test.ts).
 */
export function quotePowerShell(value: string): string {
  return `'${value.replace(POWERSHELL_SINGLE_QUOTES, (q) => q + q)}'`;
}

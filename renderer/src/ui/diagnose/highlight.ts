import { createElement, type ReactNode } from 'react';
import type { FixShell } from '../../../../shared/model/fix';
import { scanBash } from './highlight-bash';
import { TokenList, isSpace, isWordChar, numberAt, pushExpanding, type Token } from './highlight-tokens';

/**
 * Syntax highlighting for the fix scripts, so a reviewer tells code from quoted data. A fix is a
 * reviewed change, so the reader must see at a glance what is data (a quoted thumbprint, a path),
 * what is a variable that expands, and what is a command. A small hand-written scanner per shell
 * is enough for that and keeps the renderer free of a highlighting library; it never builds HTML
 * strings: tokens become React elements, so script text cannot inject markup.
 *
 * The scanner is forgiving (an unterminated string runs to the end, unknown characters are plain
 * text) and lossless: the tokens' texts joined give back the input exactly (tested).
 */

export type { Token, TokenKind } from './highlight-tokens';

/** PowerShell language keywords (about_Language_Keywords), matched case-insensitively. */
const POWERSHELL_KEYWORDS = new Set([
  'begin', 'break', 'catch', 'class', 'continue', 'data', 'do', 'dynamicparam', 'else', 'elseif', 'end', 'enum',
  'exit', 'filter', 'finally', 'for', 'foreach', 'function', 'if', 'in', 'param', 'process', 'return', 'switch',
  'throw', 'trap', 'try', 'until', 'using', 'while',
]);

/** Native Windows tools the fix scripts call (they are not Verb-Noun cmdlets, but they are the commands). */
const POWERSHELL_NATIVE = new Set(['netsh', 'icacls', 'certutil', 'appcmd', 'reg', 'sc', 'iisreset', 'whoami', 'cmd', 'cscript']);

/** Split a script into tokens; `tokens.map((t) => t.text).join('')` is always `text`. */
export function tokenize(text: string, shell: FixShell): Token[] {
  const out = new TokenList();
  if (shell === 'powershell') scanPowerShell(text, out);
  else scanBash(text, out);
  return out.tokens;
}

// ---------- PowerShell ----------

/** $name, $env:NAME, $script:x, ${any name}, and the automatic $_ $? $$ $^. */
const PS_VARIABLE = /^\$(?:\{[^}\n]*\}?|(?:[A-Za-z_][\w]*:)?[A-Za-z_][\w]*|[?$^_])/;

/** ASCII and typographic quotes, which PowerShell's tokenizer treats alike (CharExtensions.IsSingleQuote / IsDoubleQuote). */
const PS_SINGLE_QUOTES = new Set(["'", '\u2018', '\u2019', '\u201A', '\u201B']);
const PS_DOUBLE_QUOTES = new Set(['"', '\u201C', '\u201D', '\u201E']);
const isSingleQuote = (c: string | undefined): boolean => c !== undefined && PS_SINGLE_QUOTES.has(c);
const isDoubleQuote = (c: string | undefined): boolean => c !== undefined && PS_DOUBLE_QUOTES.has(c);

function scanPowerShell(text: string, out: TokenList): void {
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    const rest = (len: number) => text.slice(i, i + len);

    // Block comment <# ... #>.
    if (rest(2) === '<#') {
      const end = text.indexOf('#>', i + 2);
      const stop = end < 0 ? n : end + 2;
      out.push('comment', text.slice(i, stop));
      i = stop;
      continue;
    }
    // Line comment: # where a token can start (not inside a word such as a#b).
    if (c === '#' && (i === 0 || !isWordChar(text[i - 1]))) {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? n : end;
      out.push('comment', text.slice(i, stop));
      i = stop;
      continue;
    }
    // Here-strings: @' ... '@ (literal) and @" ... "@ (expanding), closed by a line that starts with '@ / "@.
    if ((rest(2) === "@'" || rest(2) === '@"') && (text[i + 2] === '\n' || text[i + 2] === '\r')) {
      const quote = text[i + 1]!;
      const closeAt = findLineStart(text, i + 2, `${quote}@`);
      const stop = closeAt < 0 ? n : closeAt + 2;
      if (quote === '"') pushExpanding(text.slice(i, stop), out, PS_VARIABLE, '`');
      else out.push('string', text.slice(i, stop));
      i = stop;
      continue;
    }
    // 'literal': a doubled quote is an escaped quote; nothing expands. PowerShell takes the
    // typographic single quotes as quotes too (about_Quoting_Rules), as quotePowerShell knows.
    if (isSingleQuote(c)) {
      let j = i + 1;
      for (;;) {
        while (j < n && !isSingleQuote(text[j])) j += 1;
        if (j >= n) break;
        if (isSingleQuote(text[j + 1])) {
          j += 2;
          continue;
        }
        j += 1;
        break;
      }
      out.push('string', text.slice(i, j));
      i = j;
      continue;
    }
    // "expanding": `x and "" escape; $variables inside are shown as variables (they expand).
    if (isDoubleQuote(c)) {
      let j = i + 1;
      while (j < n) {
        const d = text[j]!;
        if (d === '`') {
          j += 2;
          continue;
        }
        if (isDoubleQuote(d)) {
          if (isDoubleQuote(text[j + 1])) {
            j += 2;
            continue;
          }
          j += 1;
          break;
        }
        j += 1;
      }
      j = Math.min(j, n);
      pushExpanding(text.slice(i, j), out, PS_VARIABLE, '`');
      i = j;
      continue;
    }
    if (c === '$') {
      const m = PS_VARIABLE.exec(text.slice(i, i + 300));
      if (m) {
        out.push('variable', m[0]);
        i += m[0].length;
        continue;
      }
    }
    // -Parameter or -operator (-eq, -not): after a space, a bracket or the line's start.
    if (c === '-' && (i === 0 || isSpace(text[i - 1]) || '(\n,'.includes(text[i - 1]!)) && /[A-Za-z]/.test(text[i + 1] ?? '')) {
      const m = /^-[A-Za-z][\w]*/.exec(text.slice(i, i + 100))!;
      out.push('parameter', m[0]);
      i += m[0].length;
      continue;
    }
    if (/[A-Za-z_]/.test(c) && !isWordChar(text[i - 1])) {
      const m = /^[A-Za-z_][\w]*(?:-[A-Za-z][\w]*)?/.exec(text.slice(i, i + 200))!;
      const word = m[0];
      const lower = word.toLowerCase();
      // A cmdlet is Verb-Noun; a bare word is a keyword or a known native tool, else plain text.
      if (word.includes('-') && !text[i - 1]?.match(/[.\\/:]/)) out.push('command', word);
      else if (!word.includes('-') && POWERSHELL_KEYWORDS.has(lower) && text[i - 1] !== '.' && text[i + word.length] !== ':') out.push('keyword', word);
      else if (!word.includes('-') && POWERSHELL_NATIVE.has(lower) && text[i - 1] !== '.' && !/[.\\/]/.test(text[i + word.length] ?? '')) out.push('command', word);
      else out.push('text', word);
      i += word.length;
      continue;
    }
    if (/[0-9]/.test(c)) {
      const num = numberAt(text, i);
      if (num) {
        out.push('number', num);
        i += num.length;
        continue;
      }
      const m = /^[\w]+/.exec(text.slice(i, i + 200))!;
      out.push('text', m[0]);
      i += m[0].length;
      continue;
    }
    out.push('text', c);
    i += 1;
  }
}

/**
 * The index of `marker` at the start of a line after `from` (a here-string's or heredoc's end), or
 * -1. PowerShell requires the closing '@ / "@ in the first column.
 */
function findLineStart(text: string, from: number, marker: string): number {
  let at = text.indexOf(`\n${marker}`, from);
  if (at < 0) return -1;
  at += 1;
  return at;
}

/**
 * The script as React nodes: plain strings for plain text, a span with class `hl-<kind>` for the
 * rest. Rendered inside a <pre>, so whitespace and line breaks are kept as they are.
 */
export function highlight(text: string, shell: FixShell): ReactNode[] {
  return tokenize(text, shell).map((t, i) => (t.kind === 'text' ? t.text : createElement('span', { key: i, className: `hl-${t.kind}` }, t.text)));
}

import { createElement, type ReactNode } from 'react';
import type { FixShell } from '../../../../shared/model/fix';

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

export type TokenKind = 'comment' | 'string' | 'variable' | 'keyword' | 'command' | 'parameter' | 'number' | 'text';

export interface Token {
  kind: TokenKind;
  text: string;
}

/** PowerShell language keywords (about_Language_Keywords), matched case-insensitively. */
const POWERSHELL_KEYWORDS = new Set([
  'begin', 'break', 'catch', 'class', 'continue', 'data', 'do', 'dynamicparam', 'else', 'elseif', 'end', 'enum',
  'exit', 'filter', 'finally', 'for', 'foreach', 'function', 'if', 'in', 'param', 'process', 'return', 'switch',
  'throw', 'trap', 'try', 'until', 'using', 'while',
]);

/** Native Windows tools the fix scripts call (they are not Verb-Noun cmdlets, but they are the commands). */
const POWERSHELL_NATIVE = new Set(['netsh', 'icacls', 'certutil', 'appcmd', 'reg', 'sc', 'iisreset', 'whoami', 'cmd', 'cscript']);

/** bash reserved words and the builtins that read as control flow. */
const BASH_KEYWORDS = new Set([
  'if', 'then', 'else', 'elif', 'fi', 'for', 'while', 'until', 'do', 'done', 'case', 'esac', 'in', 'function',
  'select', 'time', 'return', 'local', 'export', 'readonly', 'declare', 'set', 'unset', 'exit', 'trap', 'shift',
]);

/** After these words the next word is a command again (`if grep ...`, `then cp ...`). */
const BASH_COMMAND_PREFIX = new Set(['if', 'then', 'else', 'elif', 'while', 'until', 'do', '!', 'time', 'exec', 'sudo', 'command']);

/** Split a script into tokens; `tokens.map((t) => t.text).join('')` is always `text`. */
export function tokenize(text: string, shell: FixShell): Token[] {
  const out = new TokenList();
  if (shell === 'powershell') scanPowerShell(text, out);
  else scanBash(text, out);
  return out.tokens;
}

/** Adjacent tokens of one kind merged, so the DOM has as few spans as the colours need. */
class TokenList {
  readonly tokens: Token[] = [];
  push(kind: TokenKind, text: string): void {
    if (text === '') return;
    const last = this.tokens[this.tokens.length - 1];
    if (last && last.kind === kind) last.text += text;
    else this.tokens.push({ kind, text });
  }
}

const isWordChar = (c: string | undefined): boolean => c !== undefined && /[\w]/.test(c);
const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t';

/** A number where a number can start: not inside a word (`Tls13`, `$x1`, `sha256`). */
function numberAt(text: string, i: number): string | null {
  if (isWordChar(text[i - 1]) || text[i - 1] === '.' || text[i - 1] === '-') return null;
  const m = /^(?:0[xX][0-9a-fA-F]+|\d+(?:\.\d+)?)/.exec(text.slice(i, i + 64));
  if (!m) return null;
  // "443abc" is a word, not a number.
  return isWordChar(text[i + m[0].length]) ? null : m[0];
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
 * A string in which variables expand: the variables as their own tokens, the rest as string. The
 * escape character (PowerShell `, bash \) keeps an escaped $ literal.
 */
function pushExpanding(s: string, out: TokenList, variable: RegExp, escape: string): void {
  let start = 0;
  let k = 0;
  while (k < s.length) {
    const d = s[k]!;
    if (d === escape) {
      k += 2;
      continue;
    }
    if (d === '$') {
      const m = variable.exec(s.slice(k, k + 300));
      if (m) {
        out.push('string', s.slice(start, k));
        out.push('variable', m[0]);
        k += m[0].length;
        start = k;
        continue;
      }
    }
    k += 1;
  }
  out.push('string', s.slice(start));
}

// ---------- bash ----------

/** $name, ${...}, $1, the specials $@ $# $? $$ $! $* $- $0, and $( that opens a command substitution. */
const BASH_VARIABLE = /^\$(?:\{[^}\n]*\}?|[A-Za-z_][\w]*|[0-9@#?$!*-]|\()/;

function scanBash(text: string, out: TokenList): void {
  let i = 0;
  const n = text.length;
  /** Heredocs opened on the current line, read after its newline. */
  const pendingHeredocs: { word: string; strip: boolean; expand: boolean }[] = [];
  let commandPosition = true;

  while (i < n) {
    const c = text[i]!;

    if (c === '\n') {
      out.push('text', c);
      i += 1;
      commandPosition = true;
      // Heredoc bodies start on the next line and end at a line that is exactly the word.
      while (pendingHeredocs.length > 0 && i < n) {
        const h = pendingHeredocs.shift()!;
        const start = i;
        let end = n;
        let next = n;
        let lineStart = i;
        while (lineStart < n) {
          const nl = text.indexOf('\n', lineStart);
          const lineEnd = nl < 0 ? n : nl;
          const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
          if ((h.strip ? line.replace(/^\t+/, '') : line) === h.word) {
            end = lineStart;
            next = lineEnd;
            break;
          }
          if (nl < 0) break;
          lineStart = nl + 1;
        }
        const body = text.slice(start, end);
        if (h.expand) pushExpanding(body, out, BASH_VARIABLE, '\\');
        else out.push('string', body);
        out.push('keyword', text.slice(end, next));
        i = next;
      }
      continue;
    }
    if (isSpace(c)) {
      out.push('text', c);
      i += 1;
      continue;
    }
    // A comment starts a word: "# note", "cmd # note"; "a#b" and "$#" are not comments.
    if (c === '#' && (i === 0 || isSpace(text[i - 1]) || text[i - 1] === '\n' || text[i - 1] === ';')) {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? n : end;
      out.push('comment', text.slice(i, stop));
      i = stop;
      continue;
    }
    // Heredoc operator: <<WORD, <<-WORD, <<'WORD', <<"WORD" (quoted: nothing expands in the body).
    if (text.startsWith('<<', i) && text[i + 2] !== '<') {
      const m = /^<<(-?)[ \t]*(?:'([^'\n]+)'|"([^"\n]+)"|([A-Za-z_][\w]*))/.exec(text.slice(i, i + 200));
      if (m) {
        out.push('text', m[0]);
        pendingHeredocs.push({ word: m[2] ?? m[3] ?? m[4]!, strip: m[1] === '-', expand: m[4] !== undefined });
        i += m[0].length;
        continue;
      }
    }
    // 'literal': no escapes at all; $'ansi-c' takes backslash escapes.
    if (c === "'" || (c === '$' && text[i + 1] === "'")) {
      const ansi = c === '$';
      let j = i + (ansi ? 2 : 1);
      while (j < n && text[j] !== "'") j += ansi && text[j] === '\\' ? 2 : 1;
      j = Math.min(j + 1, n);
      out.push('string', text.slice(i, j));
      i = j;
      commandPosition = false;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      j = Math.min(j + 1, n);
      pushExpanding(text.slice(i, j), out, BASH_VARIABLE, '\\');
      i = j;
      commandPosition = false;
      continue;
    }
    if (c === '\\') {
      // An escaped character (or a line continuation) is literal text.
      out.push('text', text.slice(i, i + 2));
      i += 2;
      continue;
    }
    if (c === '$') {
      const m = BASH_VARIABLE.exec(text.slice(i, i + 300));
      if (m) {
        out.push('variable', m[0]);
        i += m[0].length;
        // $( opens a command: its first word is a command.
        commandPosition = m[0] === '$(';
        continue;
      }
    }
    if (c === ';' || c === '|' || c === '&' || c === '(' || c === '`') {
      out.push('text', c);
      i += 1;
      commandPosition = true;
      continue;
    }
    // -f, --flag: an option after a space.
    if (c === '-' && i > 0 && isSpace(text[i - 1]) && /[A-Za-z-]/.test(text[i + 1] ?? '')) {
      const m = /^--?[A-Za-z][\w-]*/.exec(text.slice(i, i + 100));
      if (m) {
        out.push('parameter', m[0]);
        i += m[0].length;
        commandPosition = false;
        continue;
      }
    }
    if (/[0-9]/.test(c)) {
      const num = numberAt(text, i);
      if (num) {
        out.push('number', num);
        i += num.length;
        commandPosition = false;
        continue;
      }
    }
    // A word: a reserved word, a command (in command position, not an assignment), or text.
    const m = /^[^\s;|&()<>'"`$\\#]+/.exec(text.slice(i, i + 500));
    if (m && m[0] !== '') {
      let word = m[0];
      // "#" inside a word is part of it (a#b), so take it too.
      while (text[i + word.length] === '#' && !isSpace(text[i + word.length - 1])) {
        const more = /^#[^\s;|&()<>'"`$\\]*/.exec(text.slice(i + word.length, i + word.length + 500))!;
        word += more[0];
      }
      if (BASH_KEYWORDS.has(word) && (commandPosition || word === 'in' || word === 'do' || word === 'then')) {
        out.push('keyword', word);
        commandPosition = BASH_COMMAND_PREFIX.has(word);
      } else if (commandPosition && !/^[A-Za-z_][\w]*=/.test(word) && !/^[{}[\]!]$/.test(word) && !/^\d/.test(word)) {
        out.push('command', word);
        commandPosition = word === 'sudo' || word === 'exec' || word === 'command';
      } else {
        out.push('text', word);
        // After an assignment (VAR=value cmd) the next word is still a command.
        if (!/^[A-Za-z_][\w]*=/.test(word) && word !== '!' && word !== '{') commandPosition = false;
      }
      i += word.length;
      continue;
    }
    out.push('text', c);
    i += 1;
  }
}

/**
 * The script as React nodes: plain strings for plain text, a span with class `hl-<kind>` for the
 * rest. Rendered inside a <pre>, so whitespace and line breaks are kept as they are.
 */
export function highlight(text: string, shell: FixShell): ReactNode[] {
  return tokenize(text, shell).map((t, i) => (t.kind === 'text' ? t.text : createElement('span', { key: i, className: `hl-${t.kind}` }, t.text)));
}

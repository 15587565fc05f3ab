import { isSpace, numberAt, pushExpanding, type TokenList } from './highlight-tokens';

/**
 * The bash fix scripts' scanner (see highlight.ts for what the highlighting is for). One rule per
 * construct, tried in order at each position: heredoc bodies after a newline, comments, heredoc
 * operators, quoted strings, escapes, variables, operators, options, numbers, then words; a rule
 * that does not apply leaves the position as it is. Whether the next word is a command is the only
 * state carried between rules.
 */

/** bash reserved words and the builtins that read as control flow. */
const BASH_KEYWORDS = new Set([
  'if', 'then', 'else', 'elif', 'fi', 'for', 'while', 'until', 'do', 'done', 'case', 'esac', 'in', 'function',
  'select', 'time', 'return', 'local', 'export', 'readonly', 'declare', 'set', 'unset', 'exit', 'trap', 'shift',
]);

/** After these words the next word is a command again (`if grep ...`, `then cp ...`). */
const BASH_COMMAND_PREFIX = new Set(['if', 'then', 'else', 'elif', 'while', 'until', 'do', '!', 'time', 'exec', 'sudo', 'command']);

/** $name, ${...}, $1, the specials $@ $# $? $$ $! $* $- $0, and $( that opens a command substitution. */
const BASH_VARIABLE = /^\$(?:\{[^}\n]*\}?|[A-Za-z_][\w]*|[0-9@#?$!*-]|\()/;

const ASSIGNMENT = /^[A-Za-z_][\w]*=/;

interface Heredoc {
  word: string;
  strip: boolean;
  expand: boolean;
}

/** Where the scan is, and what it carries from one token to the next. */
interface BashScan {
  readonly text: string;
  readonly out: TokenList;
  i: number;
  commandPosition: boolean;
  /** Heredocs opened on the current line, read after its newline. */
  readonly pendingHeredocs: Heredoc[];
}

/** One construct: consumes it and returns true, or returns false and leaves the scan as it was. */
type Rule = (s: BashScan, c: string) => boolean;

export function scanBash(text: string, out: TokenList): void {
  const s: BashScan = { text, out, i: 0, commandPosition: true, pendingHeredocs: [] };
  while (s.i < text.length) {
    const c = text[s.i]!;
    if (RULES.some((rule) => rule(s, c))) continue;
    out.push('text', c);
    s.i += 1;
  }
}

/** The end of a heredoc body: the line that is exactly the word (tabs stripped for <<-), as [end, next]. */
function heredocEnd(text: string, from: number, h: Heredoc): [number, number] {
  const n = text.length;
  let lineStart = from;
  while (lineStart < n) {
    const nl = text.indexOf('\n', lineStart);
    const lineEnd = nl < 0 ? n : nl;
    const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
    if ((h.strip ? line.replace(/^\t+/, '') : line) === h.word) return [lineStart, lineEnd];
    if (nl < 0) break;
    lineStart = nl + 1;
  }
  return [n, n];
}

/** A newline; heredoc bodies start on the next line and end at a line that is exactly the word. */
const newline: Rule = (s, c) => {
  if (c !== '\n') return false;
  s.out.push('text', c);
  s.i += 1;
  s.commandPosition = true;
  while (s.pendingHeredocs.length > 0 && s.i < s.text.length) {
    const h = s.pendingHeredocs.shift()!;
    const [end, next] = heredocEnd(s.text, s.i, h);
    const body = s.text.slice(s.i, end);
    if (h.expand) pushExpanding(body, s.out, BASH_VARIABLE, '\\');
    else s.out.push('string', body);
    s.out.push('keyword', s.text.slice(end, next));
    s.i = next;
  }
  return true;
};

const space: Rule = (s, c) => {
  if (!isSpace(c)) return false;
  s.out.push('text', c);
  s.i += 1;
  return true;
};

/** A comment starts a word: "# note", "cmd # note"; "a#b" and "$#" are not comments. */
const comment: Rule = (s, c) => {
  const before = s.text[s.i - 1];
  if (c !== '#' || !(s.i === 0 || isSpace(before) || before === '\n' || before === ';')) return false;
  const end = s.text.indexOf('\n', s.i);
  const stop = end < 0 ? s.text.length : end;
  s.out.push('comment', s.text.slice(s.i, stop));
  s.i = stop;
  return true;
};

/** Heredoc operator: <<WORD, <<-WORD, <<'WORD', <<"WORD" (quoted: nothing expands in the body). */
const heredocOperator: Rule = (s) => {
  if (!s.text.startsWith('<<', s.i) || s.text[s.i + 2] === '<') return false;
  const m = /^<<(-?)[ \t]*(?:'([^'\n]+)'|"([^"\n]+)"|([A-Za-z_][\w]*))/.exec(s.text.slice(s.i, s.i + 200));
  if (!m) return false;
  s.out.push('text', m[0]);
  s.pendingHeredocs.push({ word: m[2] ?? m[3] ?? m[4]!, strip: m[1] === '-', expand: m[4] !== undefined });
  s.i += m[0].length;
  return true;
};

/** 'literal': no escapes at all; $'ansi-c' takes backslash escapes. */
const singleQuoted: Rule = (s, c) => {
  if (!(c === "'" || (c === '$' && s.text[s.i + 1] === "'"))) return false;
  const ansi = c === '$';
  let j = s.i + (ansi ? 2 : 1);
  while (j < s.text.length && s.text[j] !== "'") j += ansi && s.text[j] === '\\' ? 2 : 1;
  j = Math.min(j + 1, s.text.length);
  s.out.push('string', s.text.slice(s.i, j));
  s.i = j;
  s.commandPosition = false;
  return true;
};

const doubleQuoted: Rule = (s, c) => {
  if (c !== '"') return false;
  let j = s.i + 1;
  while (j < s.text.length && s.text[j] !== '"') j += s.text[j] === '\\' ? 2 : 1;
  j = Math.min(j + 1, s.text.length);
  pushExpanding(s.text.slice(s.i, j), s.out, BASH_VARIABLE, '\\');
  s.i = j;
  s.commandPosition = false;
  return true;
};

/** An escaped character (or a line continuation) is literal text. */
const escaped: Rule = (s, c) => {
  if (c !== '\\') return false;
  s.out.push('text', s.text.slice(s.i, s.i + 2));
  s.i += 2;
  return true;
};

const variable: Rule = (s, c) => {
  if (c !== '$') return false;
  const m = BASH_VARIABLE.exec(s.text.slice(s.i, s.i + 300));
  if (!m) return false;
  s.out.push('variable', m[0]);
  s.i += m[0].length;
  // $( opens a command: its first word is a command.
  s.commandPosition = m[0] === '$(';
  return true;
};

const operator: Rule = (s, c) => {
  if (!(c === ';' || c === '|' || c === '&' || c === '(' || c === '`')) return false;
  s.out.push('text', c);
  s.i += 1;
  s.commandPosition = true;
  return true;
};

/** -f, --flag: an option after a space. */
const option: Rule = (s, c) => {
  if (!(c === '-' && s.i > 0 && isSpace(s.text[s.i - 1]) && /[A-Za-z-]/.test(s.text[s.i + 1] ?? ''))) return false;
  const m = /^--?[A-Za-z][\w-]*/.exec(s.text.slice(s.i, s.i + 100));
  if (!m) return false;
  s.out.push('parameter', m[0]);
  s.i += m[0].length;
  s.commandPosition = false;
  return true;
};

const number: Rule = (s, c) => {
  if (!/[0-9]/.test(c)) return false;
  const num = numberAt(s.text, s.i);
  if (!num) return false;
  s.out.push('number', num);
  s.i += num.length;
  s.commandPosition = false;
  return true;
};

/** The word at i; "#" inside a word is part of it (a#b), so it is taken too. */
function wordAt(text: string, i: number): string | null {
  const m = /^[^\s;|&()<>'"`$\\#]+/.exec(text.slice(i, i + 500));
  if (!m || m[0] === '') return null;
  let word = m[0];
  while (text[i + word.length] === '#' && !isSpace(text[i + word.length - 1])) {
    const more = /^#[^\s;|&()<>'"`$\\]*/.exec(text.slice(i + word.length, i + word.length + 500))!;
    word += more[0];
  }
  return word;
}

/** A word: a reserved word, a command (in command position, not an assignment), or text. */
const word: Rule = (s) => {
  const w = wordAt(s.text, s.i);
  if (w === null) return false;
  if (BASH_KEYWORDS.has(w) && (s.commandPosition || w === 'in' || w === 'do' || w === 'then')) {
    s.out.push('keyword', w);
    s.commandPosition = BASH_COMMAND_PREFIX.has(w);
  } else if (s.commandPosition && !ASSIGNMENT.test(w) && !/^[{}[\]!]$/.test(w) && !/^\d/.test(w)) {
    s.out.push('command', w);
    s.commandPosition = w === 'sudo' || w === 'exec' || w === 'command';
  } else {
    s.out.push('text', w);
    // After an assignment (VAR=value cmd) the next word is still a command.
    if (!ASSIGNMENT.test(w) && w !== '!' && w !== '{') s.commandPosition = false;
  }
  s.i += w.length;
  return true;
};

const RULES: readonly Rule[] = [newline, space, comment, heredocOperator, singleQuoted, doubleQuoted, escaped, variable, operator, option, number, word];

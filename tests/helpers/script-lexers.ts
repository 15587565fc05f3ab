/**
 * Lexers just large enough to prove the quoting rule of generated fix scripts (DESIGN.md "Fix
 * scripts"). Each returns the script's skeleton, with every single-quoted literal replaced by '<S>'
 * and every run of comment lines by '#<C>', plus the decoded literals. Two scripts made from the
 * same finding with different values must have the same skeleton: then no value escaped its literal
 * or its comment, whatever characters it holds.
 */

export interface Lexed {
  skeleton: string;
  /** Decoded single-quoted literals, in order. */
  literals: string[];
  /** Double-quoted (expandable) strings, raw. */
  expandable: string[];
}

const PS_SQ = new Set(["'", '\u2018', '\u2019', '\u201A', '\u201B']);
const PS_DQ = new Set(['"', '\u201C', '\u201D', '\u201E']);

/**
 * PowerShell (about_Quoting_Rules; Tokenizer): `#` at the start of a token comments to the end of
 * the line; any of the five single-quote characters opens a verbatim string in which two quote
 * characters in a row stand for one and nothing else is special; the double quotes open an
 * expandable string; <# ... #> comments to the first #>. Here-strings are refused (the generators write none).
 */
export function lexPowerShell(script: string): Lexed {
  const chars = [...script];
  let skeleton = '';
  const literals: string[] = [];
  const expandable: string[] = [];
  let i = 0;
  const tokenStart = (k: number) => k === 0 || /[\s;(){}]/.test(chars[k - 1]!);
  while (i < chars.length) {
    const c = chars[i]!;
    if (c === '<' && chars[i + 1] === '#') {
      // A block comment (the fix scripts' header) runs to the first #>; nothing in it is code.
      let end = i + 2;
      while (end < chars.length && !(chars[end] === '#' && chars[end + 1] === '>')) end++;
      if (end >= chars.length) throw new Error('unterminated block comment');
      i = end + 2;
      if (!skeleton.endsWith('#<C>')) skeleton += '#<C>';
      continue;
    }
    if (c === '@' && (PS_SQ.has(chars[i + 1] ?? '') || PS_DQ.has(chars[i + 1] ?? '')) && chars[i + 2] === '\n') throw new Error('here-string: not expected');
    if (c === '#' && tokenStart(i)) {
      while (i < chars.length && chars[i] !== '\n') i++;
      // One token for a run of comment lines (their count depends on how long the data is).
      if (!skeleton.endsWith('#<C>')) skeleton += '#<C>';
      if (chars[i] === '\n' && nextNonSpaceIsComment(chars, i + 1)) {
        i++;
        while (chars[i] === ' ') i++;
      }
      continue;
    }
    if (PS_SQ.has(c)) {
      let value = '';
      i++;
      for (;;) {
        if (i >= chars.length) throw new Error('unterminated verbatim string');
        const d = chars[i]!;
        if (PS_SQ.has(d)) {
          if (PS_SQ.has(chars[i + 1] ?? '')) {
            value += chars[i + 1];
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += d;
        i++;
      }
      literals.push(value);
      skeleton += "'<S>'";
      continue;
    }
    if (PS_DQ.has(c)) {
      let value = '';
      i++;
      while (i < chars.length && !PS_DQ.has(chars[i]!)) {
        if (chars[i] === '`') value += chars[i++];
        value += chars[i++];
      }
      i++;
      expandable.push(value);
      skeleton += `"${value}"`;
      continue;
    }
    skeleton += c;
    i++;
  }
  return { skeleton, literals, expandable };
}

function nextNonSpaceIsComment(chars: string[], k: number): boolean {
  while (chars[k] === ' ') k++;
  return chars[k] === '#';
}

/**
 * bash (bash(1) QUOTING, Comments): `#` at the start of a word comments to the end of the line; '...'
 * is literal; "..." allows $(...) and ${...}, which may hold quotes of their own; \x escapes one
 * character. A word made of single-quoted pieces joined by \' (quoteBash's form) is one literal.
 */
export function lexBash(script: string): Lexed {
  const literals: string[] = [];
  const expandable: string[] = [];
  const out = { skeleton: '' };
  let i = 0;
  const s = script;

  const wordStart = (k: number) => k === 0 || /[\s;|&(]/.test(s[k - 1]!);

  function singleQuoted(): string {
    // s[i] === "'": read '...' pieces joined by \'
    let value = '';
    for (;;) {
      const end = s.indexOf("'", i + 1);
      if (end < 0) throw new Error('unterminated single quote');
      value += s.slice(i + 1, end);
      i = end + 1;
      if (s[i] === '\\' && s[i + 1] === "'" && s[i + 2] === "'") {
        value += "'";
        i += 2;
        continue;
      }
      return value;
    }
  }

  /** $(...) or ${...} at s[i] (inside double quotes or not): its inside scanned as code, with quotes of its own. */
  function substitution(c: string): boolean {
    if (c !== '$' || (s[i + 1] !== '(' && s[i + 1] !== '{')) return false;
    const close = s[i + 1] === '(' ? ')' : '}';
    out.skeleton += s.slice(i, i + 2);
    i += 2;
    scan(close, false);
    out.skeleton += close;
    i++;
    return true;
  }

  /** Scan code until `stop` (')' for $(, '}' for ${, '"' for a double-quoted string) at depth 0. */
  function scan(stop: string | null, inDouble: boolean): void {
    let depth = 0;
    while (i < s.length) {
      const c = s[i]!;
      if (stop !== null && c === stop && depth === 0) return;
      if (inDouble) {
        if (c === '\\') {
          out.skeleton += s.slice(i, i + 2);
          i += 2;
          continue;
        }
        if (substitution(c)) continue;
        out.skeleton += c;
        i++;
        continue;
      }
      if (c === '#' && wordStart(i) && stop !== '}') {
        while (i < s.length && s[i] !== '\n') i++;
        if (!out.skeleton.endsWith('#<C>')) out.skeleton += '#<C>';
        if (s[i] === '\n' && /^\s*#/.test(s.slice(i + 1, i + 200))) {
          i++;
          while (s[i] === ' ') i++;
        }
        continue;
      }
      if (c === "'") {
        if (s[i - 1] === '$') throw new Error("$'...' quoting: not expected in generated scripts");
        literals.push(singleQuoted());
        out.skeleton += "'<S>'";
        continue;
      }
      if (c === '"') {
        const start = out.skeleton.length;
        out.skeleton += '"';
        i++;
        scan('"', true);
        out.skeleton += '"';
        i++;
        expandable.push(out.skeleton.slice(start));
        continue;
      }
      if (c === '\\') {
        out.skeleton += s.slice(i, i + 2);
        i += 2;
        continue;
      }
      if (substitution(c)) continue;
      if (stop === ')' && c === '(') depth++;
      if (stop === ')' && c === ')') depth--;
      if (stop === '}' && c === '{') depth++;
      if (stop === '}' && c === '}') depth--;
      out.skeleton += c;
      i++;
    }
    if (stop !== null) throw new Error(`unterminated ${stop}`);
  }

  scan(null, false);
  return { skeleton: out.skeleton, literals, expandable };
}

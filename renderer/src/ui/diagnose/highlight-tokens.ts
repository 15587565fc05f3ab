/**
 * The pieces both fix-script scanners (highlight.ts for PowerShell, highlight-bash.ts) build on: the
 * token model, a list that merges adjacent tokens of one kind, and the shared character tests.
 */

export type TokenKind = 'comment' | 'string' | 'variable' | 'keyword' | 'command' | 'parameter' | 'number' | 'text';

export interface Token {
  kind: TokenKind;
  text: string;
}

/** Adjacent tokens of one kind merged, so the DOM has as few spans as the colours need. */
export class TokenList {
  readonly tokens: Token[] = [];
  push(kind: TokenKind, text: string): void {
    if (text === '') return;
    const last = this.tokens[this.tokens.length - 1];
    if (last && last.kind === kind) last.text += text;
    else this.tokens.push({ kind, text });
  }
}

export const isWordChar = (c: string | undefined): boolean => c !== undefined && /[\w]/.test(c);
export const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t';

/** A number where a number can start: not inside a word (`Tls13`, `$x1`, `sha256`). */
export function numberAt(text: string, i: number): string | null {
  if (isWordChar(text[i - 1]) || text[i - 1] === '.' || text[i - 1] === '-') return null;
  const m = /^(?:0[xX][0-9a-fA-F]+|\d+(?:\.\d+)?)/.exec(text.slice(i, i + 64));
  if (!m) return null;
  // "443abc" is a word, not a number.
  return isWordChar(text[i + m[0].length]) ? null : m[0];
}

/**
 * A string in which variables expand: the variables as their own tokens, the rest as string. The
 * escape character (PowerShell `, bash \) keeps an escaped $ literal.
 */
export function pushExpanding(s: string, out: TokenList, variable: RegExp, escape: string): void {
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

/**
 * Text helpers for generated scripts: comment lines that can never end early, file-name labels, and
 * the checks that decide whether a value from a finding may be used at all. Values still enter code
 * only through shared/scripts/quote.ts; these helpers are about comments and refusing bad input.
 */

/**
 * Characters that would end a comment line (CR, LF, the Unicode line and paragraph separators, NEL)
 * or could make a reviewer read the line differently from how the shell runs it (C0/C1 controls,
 * bidirectional overrides and isolates: "Trojan Source", CVE-2021-42574).
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this removes
const UNSAFE_IN_COMMENT = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/gu;

/** One comment-safe line: line breaks become spaces, other unsafe characters a visible <U+XXXX>. */
export function commentSafe(text: string, max = 300): string {
  const flat = text
    .replace(UNSAFE_IN_COMMENT, (c) => (/[\t\n\v\f\r\u0085\u2028\u2029]/.test(c) ? ' ' : `<U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`))
    .replace(/ {2,}/g, ' ')
    .trim();
  const chars = Array.from(flat);
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : flat;
}

/** Split comment-safe text into lines of at most `width` characters, on spaces where possible. */
export function wrap(text: string, width = 96): string[] {
  const words = commentSafe(text, 4000).split(' ');
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** A file-name label: ASCII letters, digits, dot, dash; anything else becomes one dash. */
export function fileLabel(text: string, max = 48): string {
  const label = text
    .replace(/[^A-Za-z0-9.]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .replace(/\.{2,}/g, '.')
    .slice(0, max)
    .replace(/[-.]+$/, '');
  return label || 'item';
}

/** A SHA-1 thumbprint in Windows form (40 uppercase hex), from any spacing or case; null if it is not one. */
export function normThumbprint(value: string | undefined): string | null {
  if (value === undefined) return null;
  const hex = value.replace(/[\s:]/g, '').toUpperCase();
  return /^[0-9A-F]{40}$/.test(hex) ? hex : null;
}

/** The thumbprints a finding names (`thumbprints`, comma-separated, and/or `thumbprint`); null if any is malformed or none is given. */
export function thumbprintList(params: Record<string, string>): string[] | null {
  const raw = [...(params.thumbprints ?? '').split(/[,;]/), params.thumbprint ?? ''].map((s) => s.trim()).filter(Boolean);
  if (!raw.length) return null;
  const out: string[] = [];
  for (const r of raw) {
    const t = normThumbprint(r);
    if (!t) return null;
    if (!out.includes(t)) out.push(t);
  }
  return out;
}

/** An application id as netsh wants it: a brace-wrapped GUID (reference section 4 gotcha); null if it is not one. */
export function normAppId(value: string | undefined): string | null {
  if (value === undefined) return null;
  const m = /^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$/.exec(value.trim());
  return m ? `{${m[1]!.toLowerCase()}}` : null;
}

export function isPort(value: string | undefined): value is string {
  return value !== undefined && /^\d{1,5}$/.test(value) && Number(value) >= 1 && Number(value) <= 65535;
}

/**
 * A value that can be handed to a native Windows program from PowerShell as one argument. Windows
 * PowerShell 5.1 rebuilds the command line and wraps an argument with spaces in double quotes without
 * escaping an embedded `"` or a trailing `\` (about_Parsing, "Passing arguments that contain quote
 * characters"), so such a value could split into several arguments. None of the values passed this
 * way (account names, file paths, IIS paths, binding names) can legitimately contain them, nor
 * control characters: a finding carrying one gets no script.
 */
export function isWindowsNativeArg(value: string | undefined): value is string {
  // eslint-disable-next-line no-control-regex -- control characters are refused on purpose
  return value !== undefined && value.trim() !== '' && !/["\u0000-\u001f\u007f]/.test(value) && !value.endsWith('\\');
}

/** An absolute Windows path (drive or UNC) that is also a safe native argument. */
export function isWindowsPath(value: string | undefined): value is string {
  return isWindowsNativeArg(value) && /^(?:[A-Za-z]:\\|\\\\[^\\])/.test(value) && !/[<>|?*]/.test(value.slice(2));
}

/** An absolute POSIX path (bash quoting takes care of every character but NUL, which cannot be in a path). */
export function isPosixPath(value: string | undefined): value is string {
  return value !== undefined && value.startsWith('/') && value.length > 1 && !value.includes('\0') && !value.split('/').includes('..');
}

/**
 * A path that a script writes INTO a server configuration file (nginx, Apache). Config syntax has its
 * own quoting (`;`, `#`, quotes, `$` variables in nginx), so only plain path characters are accepted.
 */
export function isConfigSafePath(value: string | undefined): value is string {
  return isPosixPath(value) && /^\/[A-Za-z0-9._/+@-]+$/.test(value);
}

/** An http(s) URL (AIA "CA Issuers" locations are http by RFC 5280 4.2.2.1); ldap: and others get no script. */
export function isHttpUrl(value: string | undefined): value is string {
  return value !== undefined && value.length <= 2048 && /^https?:\/\/[^\s/?#]+[^\s]*$/i.test(value) && !value.includes('\0');
}

import { opensslWords } from './tls/openssl-errors';
/**
 * Errors that cross the IPC/HTTP boundary. Every failure a user can cause gets a code from this
 * union and a one-line message naming the input and what was wrong (developers' guide: never a
 * stack trace). Numeric or ad-hoc codes are avoided on purpose (STYLE.md: name result codes once).
 */
export const ERROR_CODES = [
  'bad-request', // the request did not match its schema (a bug or a hostile caller)
  'bad-input', // the user's input is not what it claims to be (not a certificate, truncated DER)
  'too-large', // the input exceeds a size bound
  'password-required', // the input is password-protected (PKCS#12) and no password was given
  'wrong-password', // the password given does not open the input (PKCS#12 MAC, encrypted key)
  'not-found', // a file or object does not exist
  'forbidden', // sender or token check failed
  'timeout', // a wait ran out
  'internal', // anything unexpected; the message is still one line
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface AppErrorData {
  code: ErrorCode;
  message: string;
}

/** An error whose message is already fit to show a user, on one line. */
export class CertbenchError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(oneLine(message));
    this.code = code;
    this.name = 'CertbenchError';
  }
}

/** Collapse whitespace so a message is always one line, and cap it so nothing floods a terminal. */
export function oneLine(message: string, max = 500): string {
  const flat = message.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Turn anything thrown into boundary-safe data; unknown errors keep only their first line. */
export function toErrorData(err: unknown): AppErrorData {
  if (err instanceof CertbenchError) return { code: err.code, message: err.message };
  const raw = err instanceof Error ? err.message : String(err);
  const first = raw.split('\n')[0] ?? raw;
  // An OpenSSL string from node:tls or node:crypto carries a thread id and a source path: say its reason.
  return { code: 'internal', message: oneLine(opensslWords(first) || 'unexpected error') };
}

/**
 * en-US digit grouping ("16,384"), as DESIGN.md writes counts. By hand: the first toLocaleString of
 * a process loads ICU's number formats, about 25 ms of a CLI command's start.
 */
export function groupDigits(n: number): string {
  const [whole, fraction] = String(Math.round(n * 1000) / 1000).split('.');
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** Format a byte count the way users read it (1.5 MB, 900 bytes). */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  const mb = n / (1024 * 1024);
  // Limits are whole megabytes; print them as such so "16 MB" never reads like a measured size.
  return Number.isInteger(mb) ? `${mb} MB` : `${mb.toFixed(1)} MB`;
}

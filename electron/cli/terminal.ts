/**
 * Text from certificates, bundles and servers never reaches a terminal raw: a subject
 * with ESC ] 0 ; ... BEL retitles the terminal, ESC [ 2 J clears it, a CR or newline forges an
 * output line. Two layers, both here:
 * - `installTerminalGuard()` wraps process.stdout and process.stderr once, at the start of the CLI,
 *   so every byte every printer writes goes through `terminalSafe`: control characters other than
 *   newline and tab (C0, DEL, C1), line and paragraph separators and bidirectional overrides become
 *   visible \u escapes. Inside a JSON document those escapes mean the same character, so --json
 *   output stays the same document.
 * - `forTerminal(value)` escapes newlines and CRs inside every string of a result before a text
 *   printer lays it out, since at the stream a value's newline looks like the printer's own.
 * Progress redraws (CliProgress) use `writeControl`, the one way to send a control sequence.
 */

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_VALUE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;

const escape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** Text with every control character but newline and tab shown as a \u escape. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, escape);
}

/** A copy of a result with every string's control characters, newlines included, shown as escapes (\n, \r, \u001b...). */
export function forTerminal<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return value.replace(UNSAFE_IN_VALUE, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : escape(c))) as T;
  if (depth > 64 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => forTerminal(v, depth + 1)) as T;
  if (value instanceof Uint8Array || value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = forTerminal(v, depth + 1);
  return out as T;
}

type Write = NodeJS.WriteStream['write'];
const raw = new Map<NodeJS.WriteStream, Write>();

/** Route stdout and stderr through terminalSafe (idempotent). */
export function installTerminalGuard(streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    if (raw.has(stream)) continue;
    const original = stream.write.bind(stream) as Write;
    raw.set(stream, original);
    stream.write = ((chunk: unknown, ...rest: unknown[]) =>
      (original as (c: unknown, ...r: unknown[]) => boolean)(typeof chunk === 'string' ? terminalSafe(chunk) : chunk instanceof Uint8Array ? terminalSafe(Buffer.from(chunk).toString('utf8')) : chunk, ...rest)) as Write;
  }
}

/** A control sequence of Certbench's own (a progress redraw), written past the guard; `text` is made safe. */
export function writeControl(stream: NodeJS.WriteStream, control: string, text = ''): void {
  const write = raw.get(stream) ?? (stream.write.bind(stream) as Write);
  (write as (c: string) => boolean)(`${control}${forTerminal(text)}`);
}

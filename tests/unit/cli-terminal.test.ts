import { describe, expect, it } from 'vitest';
import { forTerminal, installTerminalGuard, terminalSafe, writeControl } from '../../electron/cli/terminal';

/**
 * Text from certificates, bundles and servers never reaches a terminal raw. A subject could
 * retitle the terminal (OSC 0), clear the screen (CSI 2 J), move the cursor or forge a line.
 */
const HOSTILE = 'alice\u001b]0;pwned\u0007\u001b[2J\r[error] forged line\nsecond\u009b31m\u202eevil\u2028x';
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/;

/** A stream double that records what reaches the "terminal". */
function fakeStream(): { stream: NodeJS.WriteStream; seen: string[] } {
  const seen: string[] = [];
  const stream = { write: (chunk: string | Uint8Array) => (seen.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')), true), isTTY: true } as unknown as NodeJS.WriteStream;
  return { stream, seen };
}

describe('the terminal guard every CLI printer writes through', () => {
  it('shows every control character but newline and tab as an escape, strings and bytes alike', () => {
    const { stream, seen } = fakeStream();
    installTerminalGuard([stream]);
    stream.write(`Subject: ${HOSTILE}\n`);
    stream.write(Buffer.from('\u001b[2Jbytes\n'));
    expect(seen.join('')).not.toMatch(RAW_CONTROL);
    expect(seen[0]).toBe('Subject: alice\\u001b]0;pwned\\u0007\\u001b[2J\\u000d[error] forged line\nsecond\\u009b31m\\u202eevil\\u2028x\n');
    expect(seen[1]).toBe('\\u001b[2Jbytes\n');
  });

  it('keeps a --json document the same document (the escapes mean the same characters)', () => {
    const { stream, seen } = fakeStream();
    installTerminalGuard([stream]);
    const doc = { subject: HOSTILE };
    stream.write(`${JSON.stringify(doc)}\n`);
    expect(seen[0]).not.toMatch(RAW_CONTROL);
    expect(JSON.parse(seen[0]!)).toEqual(doc);
  });

  it('lets only Certbench own progress redraw through, with its label made safe', () => {
    const { stream, seen } = fakeStream();
    installTerminalGuard([stream]);
    writeControl(stream, '\r\u001b[K', `reading ${HOSTILE}`);
    expect(seen[0]!.startsWith('\r\u001b[K')).toBe(true);
    expect(seen[0]!.slice(4)).not.toMatch(RAW_CONTROL);
    expect(seen[0]).not.toContain('\n');
  });

  it('escapes newlines inside values before a printer lays them out, so no line can be forged', () => {
    const summary = forTerminal({ subject: { rfc4514: HOSTILE, commonName: HOSTILE }, note: ['a\nb'] });
    expect(summary.subject.rfc4514).toBe('alice\\u001b]0;pwned\\u0007\\u001b[2J\\r[error] forged line\\nsecond\\u009b31m\\u202eevil\\u2028x');
    expect(summary.note).toEqual(['a\\nb']);
    expect(terminalSafe(summary.subject.rfc4514)).toBe(summary.subject.rfc4514);
  });
});

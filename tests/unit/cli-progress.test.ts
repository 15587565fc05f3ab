import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CliProgress } from '../../electron/cli/progress';

/** Progress is for people at a terminal; a pipe or a log gets only the one-line error, if any. */
function stream(tty: boolean): NodeJS.WriteStream & { text(): string } {
  const s = new PassThrough();
  let out = '';
  s.on('data', (d: Buffer) => (out += d.toString()));
  return Object.assign(s, { isTTY: tty, text: () => out }) as unknown as NodeJS.WriteStream & { text(): string };
}

describe('CLI progress', () => {
  it('on a terminal: one line redrawn in place, cleared at the end', async () => {
    const s = stream(true);
    const p = new CliProgress('probing', s, 0);
    p.update(1, 3, 'TLS 1.2 forced');
    p.update(2, 3, 'TLS 1.3 forced');
    p.done();
    await new Promise((r) => setImmediate(r));
    expect(s.text()).toBe('\r\x1b[Kprobing 1/3: TLS 1.2 forced\r\x1b[Kprobing 2/3: TLS 1.3 forced\r\x1b[K');
  });

  it('not a terminal: nothing at all, however long the work', async () => {
    const s = stream(false);
    const p = new CliProgress('probing', s, 0);
    for (let i = 0; i < 5; i++) p.update(i, 5, 'step');
    p.done();
    await new Promise((r) => setImmediate(r));
    expect(s.text()).toBe('');
  });
});

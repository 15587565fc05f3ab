import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NdjsonLineSplitter } from '../../renderer/src/api/ndjson';

/** The web mode streams progress lines then one result line; pieces arrive cut anywhere. */
describe('NdjsonLineSplitter', () => {
  const body = [
    JSON.stringify({ type: 'progress', requestId: 'r1', channel: 'certs:inspect', done: 0, total: 1, label: 'Reading a.pem' }),
    JSON.stringify({ type: 'result', result: { ok: true, value: { files: [] } } }),
  ];

  it('returns whole lines and holds a partial one', () => {
    const s = new NdjsonLineSplitter();
    expect(s.push(`${body[0]}\n${body[1]!.slice(0, 10)}`)).toEqual([body[0]]);
    expect(s.push(`${body[1]!.slice(10)}\n`)).toEqual([body[1]]);
    expect(s.flush()).toEqual([]);
  });

  it('gives the last line at flush when it has no newline, and drops blank and CRLF endings', () => {
    const s = new NdjsonLineSplitter();
    expect(s.push(`\r\n${body[0]}\r\n\n`)).toEqual([body[0]]);
    expect(s.push(body[1]!)).toEqual([]);
    expect(s.flush()).toEqual([body[1]]);
  });

  it('yields the same lines however the text is cut', () => {
    const text = `${body.join('\n')}\n`;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: text.length }), { maxLength: 12 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const s = new NdjsonLineSplitter();
        const lines: string[] = [];
        let from = 0;
        for (const p of [...points, text.length]) {
          lines.push(...s.push(text.slice(from, p)));
          from = p;
        }
        lines.push(...s.flush());
        expect(lines).toEqual(body);
      }),
    );
  });
});

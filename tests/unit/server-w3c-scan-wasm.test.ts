import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module script without types
import { compileWat, generatedModule } from '../../scripts/build-wasm.mjs';
import fs from 'node:fs';
import path from 'node:path';
import { BATCH, ByteLines, MAX_SPACES, SIMD_SLICE_BYTES, type LineFinder } from '../../shared/server/w3c-log-bytes';

/**
 * The log reader finds lines and spaces with a WebAssembly SIMD loop (shared/server/w3c-scan.wat)
 * where it can, and with a JavaScript loop otherwise. A user would notice a difference as different
 * counts from the same log on two machines: so the two are compared line by line on random bytes
 * built to hit every edge (chunk and slice boundaries, the 16-byte blocks, full batches, lines with
 * more spaces than are kept, lines longer than a slice, CRLF, bytes around the space and LF values).
 */

type Seen = { line: number[]; n: number; spaces: number[] } | 'overlong';

function run(finder: LineFinder, chunks: Uint8Array[], maxBytes: number): { seen: Seen[]; used: LineFinder } {
  const seen: Seen[] = [];
  const lines: ByteLines = new ByteLines(
    maxBytes,
    (b, start, end, n, base) => {
      // Positions relative to the line, so lines from the carry and from a chunk compare alike.
      const kept = Math.min(n, MAX_SPACES);
      seen.push({ line: [...b.subarray(start, end)], n, spaces: [...lines.spaces.subarray(base, base + kept)].map((p) => p - start) });
    },
    () => seen.push('overlong'),
    { finder },
  );
  for (const c of chunks) lines.push(c);
  lines.end();
  return { seen, used: lines.finder };
}

const alphabet = fc.constantFrom(0x20, 0x20, 0x20, 0x0a, 0x0a, 0x0d, 0x09, 0x1f, 0x21, 0x0b, 0x41, 0x7a, 0xff, 0x00, 0xa0);

/** Bytes cut into chunks at random places (empty chunks included). */
const chunked = (bytes: fc.Arbitrary<number[]>) =>
  fc.tuple(bytes, fc.array(fc.nat(), { maxLength: 12 })).map(([all, cuts]) => {
    const data = Uint8Array.from(all);
    const at = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
    const out: Uint8Array[] = [];
    let from = 0;
    for (const c of [...at, data.length]) {
      out.push(data.slice(from, c));
      from = c;
    }
    return out;
  });

describe('the SIMD line finder', () => {
  it('is what this Node runs (a fall back to the JavaScript loop would show here first)', () => {
    expect(run('simd', [Uint8Array.from([0x61, 0x20, 0x62, 0x0a])], 100).used).toBe('simd');
    expect(run('js', [Uint8Array.from([0x61, 0x20, 0x62, 0x0a])], 100).used).toBe('js');
  });

  it('finds the same lines, counts and spaces as the JavaScript loop on random bytes', () => {
    fc.assert(
      fc.property(chunked(fc.array(alphabet, { maxLength: 600 })), fc.integer({ min: 1, max: 200 }), (chunks, maxBytes) => {
        expect(run('simd', chunks, maxBytes).seen).toEqual(run('js', chunks, maxBytes).seen);
      }),
      { numRuns: 1500 },
    );
  });

  it('agrees on full batches: thousands of short lines, and lines with more spaces than are kept', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 1500 }), (before, perLine, wide) => {
        const short = Array.from({ length: BATCH * 2 + 7 }, (_, i) => 'a '.repeat(i % perLine) + 'z').join('\n');
        const many = `${'x '.repeat(MAX_SPACES + wide)}y\n`.repeat(70);
        const text = `${'#'.repeat(before)}${short}\n${many}tail without newline`;
        const chunks = [Buffer.from(text, 'latin1')].map((b) => new Uint8Array(b));
        const simd = run('simd', chunks, 1 << 20).seen;
        expect(simd).toEqual(run('js', chunks, 1 << 20).seen);
        expect(simd.length).toBe(BATCH * 2 + 7 + 70 + 1);
      }),
      { numRuns: 12 },
    );
  });

  it('agrees across slices: pushes larger than a slice, with lines cut by slice ends and one line longer than a slice', () => {
    const row = 'date time s-ip cs-method 403 7 5 '.repeat(3);
    const rows = `${row}\r\n`.repeat(Math.ceil((SIMD_SLICE_BYTES * 2.5) / (row.length + 2)));
    const wide = Math.floor(SIMD_SLICE_BYTES * 0.6);
    const giant = `${'w '.repeat(wide)}\n`;
    const text = rows + giant + rows.slice(0, 1000) + '\n' + rows;
    const bytes = new Uint8Array(Buffer.from(text, 'latin1'));
    for (const chunks of [[bytes], [bytes.slice(0, SIMD_SLICE_BYTES + 5), bytes.slice(SIMD_SLICE_BYTES + 5)]]) {
      const simd = run('simd', chunks, 3 * SIMD_SLICE_BYTES).seen;
      expect(simd).toEqual(run('js', chunks, 3 * SIMD_SLICE_BYTES).seen);
      expect(simd.filter((s) => s !== 'overlong' && s.n === wide)).toHaveLength(1);
    }
  });
});

describe('the committed WebAssembly', () => {
  it('is w3c-scan.wat compiled (run "node scripts/build-wasm.mjs" after changing the .wat)', async () => {
    const bytes = (await compileWat()) as Uint8Array;
    const committed = fs.readFileSync(path.join(__dirname, '..', '..', 'shared', 'server', 'w3c-scan-wasm.ts'), 'utf8');
    expect(committed).toBe(generatedModule(bytes));
  });
});

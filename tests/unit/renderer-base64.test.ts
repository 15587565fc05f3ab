import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeBase64 } from '../../renderer/src/lib/base64';

/** The renderer's chunked encoder must give exactly what one-shot base64 gives, for any chunking. */
describe('encodeBase64', () => {
  it('matches Node for empty, short and padded inputs', () => {
    for (const text of ['', 'f', 'fo', 'foo', 'foob', 'fooba', 'foobar']) {
      const bytes = new TextEncoder().encode(text);
      expect(encodeBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
    }
  });

  it('matches Node for random bytes at every chunk size (multiples of 3)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.integer({ min: 1, max: 400 }), (bytes, k) => {
        expect(encodeBase64(bytes, k * 3)).toBe(Buffer.from(bytes).toString('base64'));
      }),
    );
  });

  it('encodes a 16 MB file without exceeding the argument limit', () => {
    const bytes = new Uint8Array(16 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i += 4093) bytes[i] = i & 0xff;
    expect(encodeBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
  });

  it('refuses chunk sizes that would put padding mid-stream', () => {
    expect(() => encodeBase64(new Uint8Array(10), 4)).toThrow(/multiple of 3/);
  });
});

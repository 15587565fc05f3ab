import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLineDecoder, createLineSplitter, createTextDecoderStream, decodeText, splitLines } from '../../shared/server/text-decode';

const utf16 = (s: string, bom: boolean, big = false) => {
  const le = Buffer.from(s, 'utf16le');
  if (big) le.swap16();
  const b = bom ? Buffer.concat([Buffer.from(big ? [0xfe, 0xff] : [0xff, 0xfe]), le]) : le;
  return new Uint8Array(b);
};

describe('decodeText: the encodings Windows tools write (reference section 0)', () => {
  const text = 'Windows Registry Editor Version 5.00\r\n"Name"="Grüße €"\r\n';
  it('UTF-16LE with a BOM (regedit, PowerShell 5.1 Out-File): the BOM is not part of the text', () => {
    expect(decodeText(utf16(text, true))).toEqual({ text, encoding: 'utf-16le' });
  });
  it('UTF-16BE with a BOM, and UTF-16 without a BOM told by its NULs', () => {
    expect(decodeText(utf16(text, true, true))).toEqual({ text, encoding: 'utf-16be' });
    expect(decodeText(utf16(text, false))).toEqual({ text, encoding: 'utf-16le' });
    expect(decodeText(utf16(text, false, true))).toEqual({ text, encoding: 'utf-16be' });
  });
  it('UTF-8 with and without a BOM', () => {
    expect(decodeText(new Uint8Array(Buffer.from(`\uFEFF${text}`, 'utf8')))).toEqual({ text, encoding: 'utf-8' });
    expect(decodeText(new Uint8Array(Buffer.from(text, 'utf8')))).toEqual({ text, encoding: 'utf-8' });
  });
  it('invalid bytes become U+FFFD instead of throwing (a capture read in the wrong code page)', () => {
    // "Schl\xfcssel" is ü in Windows-1252, not UTF-8.
    expect(decodeText(new Uint8Array([0x53, 0x63, 0x68, 0x6c, 0xfc, 0x73, 0x73, 0x65, 0x6c])).text).toBe('Schl\ufffdssel');
    expect(decodeText(new Uint8Array([0xff, 0xfe, 0x41])).text).toBe('\ufffd');
    expect(decodeText(new Uint8Array(0))).toEqual({ text: '', encoding: 'utf-8' });
  });
});

describe('splitLines and the streaming line splitter', () => {
  it('CRLF, LF and lone CR all end a line; a final break adds no empty line', () => {
    expect(splitLines('a\r\nb\nc\rd\r\n')).toEqual(['a', 'b', 'c', 'd']);
    expect(splitLines('a\r\n\r\nb')).toEqual(['a', '', 'b']);
    expect(splitLines('')).toEqual([]);
  });
  it('a CRLF split across two chunks is one line break, not two', () => {
    const s = createLineSplitter();
    expect(s.push('first\r')).toEqual([]);
    expect(s.push('\nsecond\rthird')).toEqual(['first', 'second']);
    expect(s.end()).toEqual(['third']);
  });
  it('any split of a text gives the same lines as splitLines', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', '\r', '\n', '\r\n', ' ')), fc.array(fc.nat(), { maxLength: 5 }), (pieces, cuts) => {
        const text = pieces.join('');
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((x, y) => x - y);
        const s = createLineSplitter();
        const out: string[] = [];
        let from = 0;
        for (const p of [...points, text.length]) {
          out.push(...s.push(text.slice(from, p)));
          from = p;
        }
        out.push(...s.end());
        expect(out).toEqual(splitLines(text));
      }),
    );
  });
});

describe('createTextDecoderStream: characters split across chunks come out whole', () => {
  const sample = 'Zertifikathash € 😀 ü\r\nnext line';
  for (const native of [true, false]) {
    for (const [name, bytes] of [
      ['utf-8', new Uint8Array(Buffer.from(sample, 'utf8'))],
      ['utf-16le', utf16(sample, true)],
      ['utf-16be', utf16(sample, true, true)],
    ] as const) {
      it(`${name}, ${native ? 'native TextDecoder' : 'pure decoder'}, one byte at a time`, () => {
        const d = createTextDecoderStream({ native });
        let out = '';
        for (const b of bytes) out += d.write(new Uint8Array([b]));
        out += d.end();
        expect(out).toBe(sample);
        expect(d.encoding).toBe(name);
      });
    }
  }
  it('the pure and native decoders agree on any valid text cut anywhere', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.nat(), fc.constantFrom<BufferEncoding>('utf8', 'utf16le'), (s, cut, enc) => {
        const bytes = new Uint8Array(Buffer.concat([Buffer.from(enc === 'utf8' ? [0xef, 0xbb, 0xbf] : [0xff, 0xfe]), Buffer.from(s, enc)]));
        const at = cut % (bytes.length + 1);
        for (const native of [true, false]) {
          const d = createTextDecoderStream({ native });
          expect(d.write(bytes.subarray(0, at)) + d.write(bytes.subarray(at)) + d.end()).toBe(s);
        }
      }),
    );
  });
  it('bytes in, lines out, for a UTF-16 log read in 3-byte chunks', () => {
    const bytes = utf16('#Fields: date time\r\n2026-03-17 08:01:15\r\nlast', true);
    const d = createLineDecoder();
    const lines: string[] = [];
    for (let i = 0; i < bytes.length; i += 3) lines.push(...d.write(bytes.subarray(i, i + 3)));
    lines.push(...d.end());
    expect(lines).toEqual(['#Fields: date time', '2026-03-17 08:01:15', 'last']);
    expect(d.encoding).toBe('utf-16le');
  });
});

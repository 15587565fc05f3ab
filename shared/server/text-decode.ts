import { latin1 } from '../asn1/bytes';
import { utf8 } from '../asn1/der';

/**
 * Text of the files users attach from Windows servers (netsh output, .reg exports, event exports,
 * IIS configuration and logs). Windows writes them in several encodings: regedit exports UTF-16LE
 * with a BOM, PowerShell 5.1's `Out-File` and `>` write UTF-16LE with a BOM, Event Viewer and IIS
 * write UTF-8 (with or without BOM), and a file saved by an old tool may be UTF-16 without a BOM
 * (reference section 0). Nothing here throws on bad bytes: invalid sequences become U+FFFD.
 *
 * shared/ has no DOM or Node types, so the platform's TextDecoder (present in Node and Chromium) is
 * reached through a minimal local type, with a small pure decoder behind it for runtimes without one.
 */

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be';

export interface DecodedText {
  text: string;
  encoding: TextEncodingName;
}

/** How many leading bytes decide an encoding without a BOM. */
const SNIFF_BYTES = 4096;

/** The encoding of `bytes` and the length of its byte-order mark (0 when there is none). */
export function detectEncoding(bytes: Uint8Array): { encoding: TextEncodingName; bomLength: number } {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', bomLength: 3 };
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  // UTF-16 without a BOM: text that is mostly ASCII has a NUL in every other byte, odd positions for
  // little-endian and even ones for big-endian. UTF-8 text has no NULs at all.
  const n = Math.min(bytes.length, SNIFF_BYTES) & ~1;
  const pairs = n / 2;
  if (pairs > 0) {
    let evenZeros = 0;
    let oddZeros = 0;
    for (let i = 0; i < n; i += 2) {
      if (bytes[i] === 0) evenZeros++;
      if (bytes[i + 1] === 0) oddZeros++;
    }
    if (oddZeros >= pairs * 0.4 && evenZeros <= pairs * 0.1) return { encoding: 'utf-16le', bomLength: 0 };
    if (evenZeros >= pairs * 0.4 && oddZeros <= pairs * 0.1) return { encoding: 'utf-16be', bomLength: 0 };
  }
  return { encoding: 'utf-8', bomLength: 0 };
}

/** Decode a whole file: BOM or NUL pattern decides the encoding; the BOM is not part of the text. */
export function decodeText(bytes: Uint8Array): DecodedText {
  const decoder = createTextDecoderStream();
  const text = decoder.write(bytes) + decoder.end();
  return { text, encoding: decoder.encoding ?? 'utf-8' };
}

/**
 * Lines of a text, with CRLF, LF and lone CR all ending a line (Windows tools write CRLF; a file that
 * went through an old Mac editor or a mangled paste has CR only). A final line break does not make
 * an extra empty line.
 */
export function splitLines(text: string): string[] {
  if (!text) return [];
  const lines = text.split(/\r\n|\r|\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Decodes bytes that arrive in chunks; a character split across chunks comes out whole. */
export interface StreamingTextDecoder {
  /** Decided once enough bytes arrived (a BOM, or SNIFF_BYTES to look for NULs); null before. */
  readonly encoding: TextEncodingName | null;
  write(chunk: Uint8Array): string;
  /** The rest: a sequence cut off at the very end becomes U+FFFD. */
  end(): string;
}

interface ChunkDecoder {
  decode(chunk: Uint8Array, final: boolean): string;
}

interface NativeTextDecoder {
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}
type NativeTextDecoderClass = new (label: string, options?: { fatal?: boolean; ignoreBOM?: boolean }) => NativeTextDecoder;

function nativeDecoder(encoding: TextEncodingName): ChunkDecoder | null {
  const Native = (globalThis as { TextDecoder?: NativeTextDecoderClass }).TextDecoder;
  if (!Native) return null;
  let d: NativeTextDecoder;
  try {
    // ignoreBOM: the BOM was already skipped, so a second U+FEFF is content and stays.
    d = new Native(encoding, { ignoreBOM: true });
  } catch {
    return null; // a Node build without full ICU has no utf-16be
  }
  return { decode: (chunk, final) => d.decode(chunk, { stream: !final }) };
}

/**
 * Create a chunk-by-chunk decoder (the W3C log reader feeds it file chunks). `native: false` forces
 * the pure decoder; tests use it to check both paths agree.
 */
export function createTextDecoderStream(options: { native?: boolean } = {}): StreamingTextDecoder {
  let encoding: TextEncodingName | null = null;
  let decoder: ChunkDecoder | null = null;
  let pending: Uint8Array = new Uint8Array(0);

  const start = (bytes: Uint8Array): Uint8Array => {
    const found = detectEncoding(bytes);
    encoding = found.encoding;
    decoder = (options.native === false ? null : nativeDecoder(found.encoding)) ?? pureDecoder(found.encoding);
    return bytes.subarray(found.bomLength);
  };

  return {
    get encoding() {
      return encoding;
    },
    write(chunk: Uint8Array): string {
      if (decoder) return decoder.decode(chunk, false);
      pending = pending.length ? join(pending, chunk) : chunk.slice();
      if (pending.length < SNIFF_BYTES) return '';
      const body = start(pending);
      pending = new Uint8Array(0);
      return decoder!.decode(body, false);
    },
    end(): string {
      if (!decoder) {
        const body = start(pending);
        pending = new Uint8Array(0);
        return decoder!.decode(body, true);
      }
      return decoder.decode(new Uint8Array(0), true);
    },
  };
}

/** UTF-8 bytes out whatever came in: what the W3C log analyzer scans (shared/server/w3c-log.ts). */
export interface Utf8ByteStream {
  /** Decided as createTextDecoderStream decides it (a BOM, or SNIFF_BYTES to look for NULs); null before. */
  readonly encoding: TextEncodingName | null;
  write(chunk: Uint8Array): Uint8Array;
  end(): Uint8Array;
}

/**
 * Bytes in, UTF-8 bytes out, chunk by chunk. A UTF-8 file (what IIS writes) passes through untouched
 * after its BOM, so a reader can scan bytes without decoding them; invalid sequences stay as they are
 * and become U+FFFD only where a value is decoded (decodeUtf8, the same WHATWG rules). A UTF-16 file
 * is decoded and re-encoded: rare, and correct before fast.
 */
export function createUtf8ByteStream(): Utf8ByteStream {
  let encoding: TextEncodingName | null = null;
  let text: StreamingTextDecoder | null = null;
  let pending: Uint8Array = new Uint8Array(0);
  const start = (bytes: Uint8Array, final: boolean): Uint8Array => {
    const found = detectEncoding(bytes);
    encoding = found.encoding;
    if (encoding === 'utf-8') return bytes.subarray(found.bomLength);
    text = createTextDecoderStream();
    const head = text.write(bytes);
    return encodeUtf8(final ? head + text.end() : head);
  };
  return {
    get encoding() {
      return encoding;
    },
    write(chunk: Uint8Array): Uint8Array {
      if (text) return encodeUtf8(text.write(chunk));
      if (encoding) return chunk;
      pending = pending.length ? join(pending, chunk) : chunk.slice();
      if (pending.length < SNIFF_BYTES) return new Uint8Array(0);
      const body = pending;
      pending = new Uint8Array(0);
      return start(body, false);
    },
    end(): Uint8Array {
      if (text) return encodeUtf8(text.end());
      if (encoding) return new Uint8Array(0);
      const body = pending;
      pending = new Uint8Array(0);
      return start(body, true);
    },
  };
}

let utf8Native: NativeTextDecoder | null | undefined;

/**
 * bytes[from, to) as UTF-8 text with TextDecoder's rules (invalid sequences become U+FFFD, a U+FEFF
 * stays), ASCII without a decoder call: the log analyzer decodes single short values this way.
 */
export function decodeUtf8(bytes: Uint8Array, from = 0, to = bytes.length): string {
  let ascii = true;
  for (let i = from; i < to; i++) {
    if (bytes[i]! > 0x7f) {
      ascii = false;
      break;
    }
  }
  if (ascii) return latin1(bytes, from, to);
  if (utf8Native === undefined) {
    const Native = (globalThis as { TextDecoder?: NativeTextDecoderClass }).TextDecoder;
    utf8Native = Native ? new Native('utf-8', { ignoreBOM: true }) : null;
  }
  const part = bytes.subarray(from, to);
  return utf8Native ? utf8Native.decode(part) : pureDecoder('utf-8').decode(part, true);
}

type NativeTextEncoder = new () => { encode(text: string): Uint8Array };

/** UTF-8 of a string (a lone surrogate becomes U+FFFD, as TextEncoder does). */
export function encodeUtf8(text: string): Uint8Array {
  const Native = (globalThis as { TextEncoder?: NativeTextEncoder }).TextEncoder;
  if (Native) return new Native().encode(text);
  const out: number[] = [];
  for (const ch of text) {
    let cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  return new Uint8Array(out);
}

/** Splits text that arrives in pieces into lines (CRLF, LF, CR), holding a CR that may precede an LF. */
export interface LineSplitter {
  push(text: string): string[];
  end(): string[];
}

export function createLineSplitter(): LineSplitter {
  let rest = '';
  return {
    push(text: string): string[] {
      let s = rest + text;
      const heldCr = s.endsWith('\r');
      if (heldCr) s = s.slice(0, -1);
      const parts = s.split(/\r\n|\r|\n/);
      rest = parts.pop()! + (heldCr ? '\r' : '');
      return parts;
    },
    end(): string[] {
      const last = rest.endsWith('\r') ? rest.slice(0, -1) : rest;
      const held = rest;
      rest = '';
      return held ? [last] : [];
    },
  };
}

/** Bytes in, lines out: a decoder and a line splitter together, for logs read chunk by chunk. */
export function createLineDecoder(): { readonly encoding: TextEncodingName | null; write(chunk: Uint8Array): string[]; end(): string[] } {
  const decoder = createTextDecoderStream();
  const lines = createLineSplitter();
  return {
    get encoding() {
      return decoder.encoding;
    },
    write: (chunk) => lines.push(decoder.write(chunk)),
    end: () => [...lines.push(decoder.end()), ...lines.end()],
  };
}

function join(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** The pure decoders: they carry an incomplete sequence over to the next chunk. */
function pureDecoder(encoding: TextEncodingName): ChunkDecoder {
  let carry: Uint8Array = new Uint8Array(0);
  if (encoding === 'utf-8') {
    return {
      decode(chunk, final) {
        const bytes = carry.length ? join(carry, chunk) : chunk;
        const cut = final ? bytes.length : utf8Boundary(bytes);
        carry = bytes.slice(cut);
        return utf8(bytes, 0, cut);
      },
    };
  }
  const big = encoding === 'utf-16be';
  return {
    decode(chunk, final) {
      const bytes = carry.length ? join(carry, chunk) : chunk;
      let end = bytes.length & ~1;
      if (!final && end >= 2) {
        // Hold a high surrogate at the end: its low half is in the next chunk.
        const last = big ? (bytes[end - 2]! << 8) | bytes[end - 1]! : bytes[end - 2]! | (bytes[end - 1]! << 8);
        if (last >= 0xd800 && last <= 0xdbff) end -= 2;
      }
      let out = '';
      const units: number[] = [];
      for (let i = 0; i < end; i += 2) {
        units.push(big ? (bytes[i]! << 8) | bytes[i + 1]! : bytes[i]! | (bytes[i + 1]! << 8));
        if (units.length === 4096) out += String.fromCharCode(...units.splice(0));
      }
      out += String.fromCharCode(...units);
      carry = bytes.slice(end);
      if (final && carry.length) {
        carry = new Uint8Array(0);
        out += '\ufffd';
      }
      // Unpaired surrogates become U+FFFD, as TextDecoder does.
      return out.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
    },
  };
}

/** Where the last complete UTF-8 sequence ends (a lead byte whose continuation has not arrived stays). */
function utf8Boundary(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const b = bytes[n - back]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for its lead
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n;
}

/**
 * A small, bounded DER/BER reader over raw bytes. Containers are walked with it instead of building a
 * full asn1js tree: a tree costs about 170 bytes of heap per input byte (a 156 KB .p7b took 26 MB), so
 * a 16 MB bundle would need gigabytes, and asn1js 4 stops at 10,000 nodes by default. Walking offsets
 * also keeps each element's exact bytes, so thumbprints are computed on what the file really holds.
 * Accepts BER's indefinite lengths and constructed OCTET STRINGs, which Windows PFX exports use.
 */

export class DerError extends Error {
  /** Set when the data ends before an element does: how many bytes the element needs in all. */
  readonly needed: number | null;
  constructor(message: string, needed: number | null = null) {
    super(message);
    this.name = 'DerError';
    this.needed = needed;
  }
}

export interface Tlv {
  /** 0 universal, 1 application, 2 context-specific, 3 private. */
  cls: number;
  constructed: boolean;
  /** Tag number within its class. */
  tag: number;
  /** Offset of the identifier byte. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset just after the content (before the end-of-contents octets for indefinite lengths). */
  contentEnd: number;
  /** Offset just after the whole element. */
  end: number;
  indefinite: boolean;
}

export const UNIVERSAL = 0;
export const CONTEXT = 2;
export const TAG = {
  BOOLEAN: 1,
  INTEGER: 2,
  BIT_STRING: 3,
  OCTET_STRING: 4,
  NULL: 5,
  OID: 6,
  SEQUENCE: 16,
  SET: 17,
  BMP_STRING: 30,
} as const;

const MAX_DEPTH = 32;

/** Read the identifier and length of the element at `offset`; content may lie past `limit` (see `needed`). */
export function readHeader(buf: Uint8Array, offset: number, limit = buf.length): Omit<Tlv, 'contentEnd' | 'end'> & { length: number | null } {
  if (offset >= limit) throw new DerError('data ends where an element should start', offset + 2);
  const first = buf[offset] ?? 0;
  const cls = first >> 6;
  const constructed = (first & 0x20) !== 0;
  let tag = first & 0x1f;
  let p = offset + 1;
  if (tag === 0x1f) {
    tag = 0;
    for (let i = 0; ; i++) {
      if (p >= limit) throw new DerError('data ends inside a tag', p + 1);
      if (i >= 4) throw new DerError('tag number too large');
      const b = buf[p++] ?? 0;
      tag = tag * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
  }
  if (p >= limit) throw new DerError('data ends inside a length', p + 1);
  const lb = buf[p++] ?? 0;
  if (lb < 0x80) return { cls, constructed, tag, start: offset, contentStart: p, indefinite: false, length: lb };
  if (lb === 0x80) {
    if (!constructed) throw new DerError('indefinite length on a primitive element');
    return { cls, constructed, tag, start: offset, contentStart: p, indefinite: true, length: null };
  }
  const count = lb & 0x7f;
  if (count > 4) throw new DerError('length field too large');
  if (p + count > limit) throw new DerError('data ends inside a length', p + count);
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + (buf[p++] ?? 0);
  return { cls, constructed, tag, start: offset, contentStart: p, indefinite: false, length };
}

/** Read one whole element at `offset`, not past `limit`. Throws DerError (with `needed` when truncated). */
export function readTlv(buf: Uint8Array, offset: number, limit = buf.length, depth = 0): Tlv {
  if (depth > MAX_DEPTH) throw new DerError('nesting too deep');
  const h = readHeader(buf, offset, limit);
  if (h.length !== null) {
    const end = h.contentStart + h.length;
    if (end > limit) throw new DerError('element longer than the data holding it', end);
    return { ...h, contentEnd: end, end };
  }
  // Indefinite length: children until the end-of-contents octets 00 00.
  let p = h.contentStart;
  for (;;) {
    if (p + 2 > limit) throw new DerError('indefinite-length element has no end-of-contents', limit + 2);
    if (buf[p] === 0 && buf[p + 1] === 0) return { ...h, contentEnd: p, end: p + 2 };
    p = readTlv(buf, p, limit, depth + 1).end;
  }
}

/** The elements inside a constructed element. */
export function children(buf: Uint8Array, tlv: Tlv, max = Number.MAX_SAFE_INTEGER): Tlv[] {
  if (!tlv.constructed) throw new DerError('expected a constructed element');
  const out: Tlv[] = [];
  let p = tlv.contentStart;
  while (p < tlv.contentEnd) {
    if (out.length >= max) throw new DerError(`more than ${max} elements`);
    const child = readTlv(buf, p, tlv.contentEnd);
    out.push(child);
    p = child.end;
  }
  return out;
}

export function content(buf: Uint8Array, tlv: Tlv): Uint8Array {
  return buf.subarray(tlv.contentStart, tlv.contentEnd);
}

export function raw(buf: Uint8Array, tlv: Tlv): Uint8Array {
  return buf.subarray(tlv.start, tlv.end);
}

export function is(tlv: Tlv | undefined, cls: number, tag: number): tlv is Tlv {
  return tlv !== undefined && tlv.cls === cls && tlv.tag === tag;
}

export function isUniversal(tlv: Tlv | undefined, tag: number): tlv is Tlv {
  return is(tlv, UNIVERSAL, tag);
}

/** Parse `bytes` as exactly one element; trailing bytes are an error. */
export function parseOne(bytes: Uint8Array): Tlv {
  const tlv = readTlv(bytes, 0);
  if (tlv.end !== bytes.length) throw new DerError(`${bytes.length - tlv.end} unexpected bytes after the data`);
  return tlv;
}

/** Decode an OBJECT IDENTIFIER's content as dotted text. */
export function oid(buf: Uint8Array, tlv: Tlv | undefined): string {
  if (!isUniversal(tlv, TAG.OID) || tlv.constructed) throw new DerError('expected an object identifier');
  const bytes = content(buf, tlv);
  if (bytes.length === 0 || bytes.length > 64) throw new DerError('bad object identifier');
  const arcs: number[] = [];
  let value = 0;
  for (const b of bytes) {
    value = value * 128 + (b & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 256) throw new DerError('object identifier arc too large');
    if ((b & 0x80) === 0) {
      if (arcs.length === 0) {
        const first = value < 40 ? 0 : value < 80 ? 1 : 2;
        arcs.push(first, value - first * 40);
      } else arcs.push(value);
      value = 0;
    }
  }
  if ((bytes[bytes.length - 1] ?? 0) & 0x80) throw new DerError('bad object identifier');
  return arcs.join('.');
}

/** A small non-negative INTEGER (iteration counts, versions); throws past `max`. */
export function smallInt(buf: Uint8Array, tlv: Tlv | undefined, what: string): number {
  if (!isUniversal(tlv, TAG.INTEGER) || tlv.constructed) throw new DerError(`expected an integer (${what})`);
  const bytes = content(buf, tlv);
  if (bytes.length === 0) throw new DerError(`empty integer (${what})`);
  if ((bytes[0] ?? 0) & 0x80) throw new DerError(`negative ${what}`);
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  // Above 2^53 is meaningless for every count read here; report it as "huge" rather than wrapping.
  if (bytes.length - i > 6) return Number.MAX_SAFE_INTEGER;
  let n = 0;
  for (; i < bytes.length; i++) n = n * 256 + (bytes[i] ?? 0);
  return n;
}

/** Unsigned magnitude of an INTEGER (leading zero bytes dropped). */
export function unsignedInt(buf: Uint8Array, tlv: Tlv | undefined): Uint8Array {
  if (!isUniversal(tlv, TAG.INTEGER) || tlv.constructed) throw new DerError('expected an integer');
  const bytes = content(buf, tlv);
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return bytes.subarray(i);
}

/** The octets of an OCTET STRING, joining the pieces of a constructed (BER) one. Accepts an implicit tag. */
export function octets(buf: Uint8Array, tlv: Tlv, depth = 0): Uint8Array {
  if (!tlv.constructed) return content(buf, tlv);
  if (depth > 8) throw new DerError('constructed string nested too deep');
  const parts = children(buf, tlv).map((c) => {
    if (!isUniversal(c, TAG.OCTET_STRING)) throw new DerError('constructed string holds a non-string piece');
    return octets(buf, c, depth + 1);
  });
  return concat(parts);
}

/** The bits of a BIT STRING (primitive, no unused bits expected for keys). */
export function bitStringBytes(buf: Uint8Array, tlv: Tlv | undefined): Uint8Array {
  if (tlv === undefined || tlv.constructed) throw new DerError('expected a bit string');
  const bytes = content(buf, tlv);
  if (bytes.length === 0 || bytes[0] !== 0) throw new DerError('bit string with unused bits');
  return bytes.subarray(1);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

// ---- encoding (only what deriving a SubjectPublicKeyInfo needs) ----

export function encodeLength(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

export function encode(tagByte: number, ...parts: Uint8Array[]): Uint8Array {
  const body = concat(parts);
  return concat([Uint8Array.of(tagByte), encodeLength(body.length), body]);
}

export const seq = (...parts: Uint8Array[]) => encode(0x30, ...parts);

export function encodeOid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const out: number[] = [];
  const push = (v: number) => {
    const stack = [v & 0x7f];
    v = Math.floor(v / 128);
    while (v > 0) {
      stack.unshift((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(...stack);
  };
  push((arcs[0] ?? 0) * 40 + (arcs[1] ?? 0));
  for (const a of arcs.slice(2)) push(a);
  return encode(0x06, Uint8Array.from(out));
}

/** DER INTEGER from an unsigned big-endian magnitude. */
export function encodeUnsigned(magnitude: Uint8Array): Uint8Array {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const m = magnitude.subarray(i);
  const body = (m[0] ?? 0) & 0x80 ? concat([Uint8Array.of(0), m]) : m.length ? m : Uint8Array.of(0);
  return encode(0x02, body);
}

export function encodeBitString(bytes: Uint8Array): Uint8Array {
  return encode(0x03, Uint8Array.of(0), bytes);
}

export const DER_NULL = Uint8Array.of(0x05, 0x00);

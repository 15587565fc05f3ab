// Why one file: the DER and BER readers share tag and length decoding and their bounds, so X.690's
// rules (definite lengths, minimal encodings, primitive strings) are checked in one place.
import { concat, latin1 } from './bytes';

/**
 * The one ASN.1 reader of Certbench, over raw bytes and offsets: certificates are read under DER
 * rules (X.690 10: definite lengths only, as certificates must be), containers (PKCS#12, PKCS#7,
 * keys) under BER rules, which add indefinite lengths and constructed OCTET STRINGs (Windows PFX
 * exports use both) and high tag numbers.
 *
 * Why hand-written: asn1js (and pkijs on top of it) took about 600 µs (asn1js 4) / 240 µs (asn1js 3)
 * to decode one 900-byte certificate on this machine, against about 180 µs for Node's native
 * X509Certificate including both fingerprints (bench/run.ts), and an asn1js tree costs about 170
 * bytes of heap per input byte (a 156 KB .p7b took 26 MB). Walking offsets is fast, keeps each
 * element's exact bytes (thumbprints are computed on what the file really holds), and is bounded:
 * every read is checked against its limit and throws DerError, nothing recurses without a depth
 * limit, and `children` takes a maximum count. One file over 400 lines: the header reader, the
 * element readers and the DER checks share the same bounds and tag rules, and split apart they
 * would each need to re-state them.
 */

export class DerError extends Error {
  constructor(
    message: string,
    /** Where the problem is, when known (the start of the element at fault). */
    readonly offset: number | null = null,
    /** Set when the data ends before an element does: how many bytes it needs in all. */
    readonly needed: number | null = null,
  ) {
    super(message);
    this.name = 'DerError';
  }
}

/** DER for certificates (definite lengths, tag numbers below 31); BER for containers. */
export type Encoding = 'der' | 'ber';

/**
 * One element. In DER `contentEnd` equals `end`; they differ only for a BER indefinite length, whose
 * contents end before the two end-of-contents octets.
 */
export interface Tlv {
  /** The identifier octet: class, constructed bit and tag number (0x1f then more octets when >= 31, BER only). */
  tag: number;
  /** Offset of the identifier octet. */
  start: number;
  /** Offset of the first content octet. */
  content: number;
  /** Offset just after the contents. */
  contentEnd: number;
  /** Offset just after the whole element. */
  end: number;
  /** Read under BER rules; its children are read the same way. */
  ber: boolean;
}

/** Identifier octets of the universal types Certbench reads. */
export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  NUMERIC_STRING: 0x12,
  PRINTABLE_STRING: 0x13,
  T61_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  VISIBLE_STRING: 0x1a,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** Identifier octet of a constructed context-specific tag: context(0) is [0], 0xa0. */
export function context(n: number): number {
  return 0xa0 | n;
}

const CONSTRUCTED = 0x20;

/** How deep indefinite-length (BER) elements may nest inside one another. */
const MAX_DEPTH = 32;

/**
 * The identifier and length of the element at `offset`, without reading its contents: to tell kinds
 * of file apart and to say how long a truncated file should be. `end` may lie past `limit`; it is -1
 * for an indefinite length, whose end is known only once the contents are read.
 */
export function readHeader(buf: Uint8Array, offset: number, limit = buf.length, encoding: Encoding = 'der'): Tlv {
  return header(buf, offset, limit, encoding === 'ber');
}

function header(buf: Uint8Array, offset: number, limit: number, ber: boolean): Tlv {
  if (offset + 2 > limit) throw new DerError('truncated: no room for a tag and length', offset, offset + 2);
  const tag = buf[offset]!;
  let pos = offset + 1;
  if ((tag & 0x1f) === 0x1f) {
    if (!ber) throw new DerError('high tag numbers are not used in certificates', offset);
    for (let i = 0; ; i++) {
      if (pos >= limit) throw new DerError('data ends inside a tag', offset, pos + 1);
      if (i >= 4) throw new DerError('tag number too large', offset);
      if ((buf[pos++]! & 0x80) === 0) break;
    }
    if (pos >= limit) throw new DerError('truncated length field', offset, pos + 1);
  }
  const first = buf[pos++]!;
  let length: number;
  if (first < 0x80) {
    length = first;
  } else {
    const count = first & 0x7f;
    if (count === 0) {
      if (!ber) throw new DerError('indefinite length is not DER', offset);
      if ((tag & CONSTRUCTED) === 0) throw new DerError('indefinite length on a primitive element', offset);
      return { tag, start: offset, content: pos, contentEnd: -1, end: -1, ber };
    }
    if (count > 4) throw new DerError('length field too long', offset);
    if (pos + count > limit) throw new DerError('truncated length field', offset, pos + count);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buf[pos++]!;
  }
  const end = pos + length;
  return { tag, start: offset, content: pos, contentEnd: end, end, ber };
}

/**
 * Read the element at `offset`, which must end at or before `limit`. DER unless `encoding` is 'ber';
 * children of the element are read under the same rules. Throws DerError, with `needed` when the data
 * is cut short.
 */
export function readTlv(buf: Uint8Array, offset: number, limit = buf.length, encoding: Encoding = 'der'): Tlv {
  return read(buf, offset, limit, encoding === 'ber', 0);
}

function read(buf: Uint8Array, offset: number, limit: number, ber: boolean, depth: number): Tlv {
  if (depth > MAX_DEPTH) throw new DerError('nesting too deep', offset);
  const tlv = header(buf, offset, limit, ber);
  if (tlv.end > limit) {
    throw new DerError(`truncated: element declares ${tlv.end - tlv.content} bytes, ${limit - tlv.content} remain`, offset, tlv.end);
  }
  if (tlv.end >= 0) return tlv;
  // Indefinite length: elements until the end-of-contents octets 00 00.
  let pos = tlv.content;
  for (;;) {
    if (pos + 2 > limit) throw new DerError('indefinite-length element has no end-of-contents', offset, limit + 2);
    if (buf[pos] === 0 && buf[pos + 1] === 0) {
      tlv.contentEnd = pos;
      tlv.end = pos + 2;
      return tlv;
    }
    pos = read(buf, pos, limit, true, depth + 1).end;
  }
}

/** Read `bytes` as exactly one element; trailing bytes are an error. */
export function parseOne(bytes: Uint8Array, encoding: Encoding = 'der'): Tlv {
  const tlv = readTlv(bytes, 0, bytes.length, encoding);
  if (tlv.end !== bytes.length) throw new DerError(`${bytes.length - tlv.end} unexpected bytes after the data`, tlv.end);
  return tlv;
}

/** Read a TLV and insist on its identifier octet. */
export function expectTlv(buf: Uint8Array, offset: number, tag: number, limit = buf.length, what = 'element'): Tlv {
  const tlv = readTlv(buf, offset, limit);
  if (tlv.tag !== tag) {
    throw new DerError(`expected ${what} (tag 0x${tag.toString(16)}), found tag 0x${tlv.tag.toString(16)}`, offset);
  }
  return tlv;
}

/** The direct children of a constructed element, read under its rules. Bounded: at most `max` children. */
export function children(buf: Uint8Array, parent: Tlv, max = 100_000): Tlv[] {
  if ((parent.tag & CONSTRUCTED) === 0) throw new DerError('expected a constructed element', parent.start);
  const out: Tlv[] = [];
  let pos = parent.content;
  while (pos < parent.contentEnd) {
    if (out.length >= max) throw new DerError(`more than ${max} elements`, pos);
    const child = read(buf, pos, parent.contentEnd, parent.ber, 0);
    out.push(child);
    pos = child.end;
  }
  return out;
}

/** Whether `tlv` has this identifier, primitive or constructed (BER strings may be either). */
export function hasTag(tlv: Tlv, tag: number): boolean {
  return (tlv.tag | CONSTRUCTED) === (tag | CONSTRUCTED);
}

/** Whether `tlv` is there with this identifier, primitive or constructed. */
export function isTag(tlv: Tlv | undefined, tag: number): tlv is Tlv {
  return tlv !== undefined && hasTag(tlv, tag);
}

export function isConstructed(tlv: Tlv): boolean {
  return (tlv.tag & CONSTRUCTED) !== 0;
}

/** The whole element, identifier to end. */
export function bytesOf(buf: Uint8Array, tlv: Tlv): Uint8Array {
  return buf.subarray(tlv.start, tlv.end);
}

export function contentOf(buf: Uint8Array, tlv: Tlv): Uint8Array {
  return buf.subarray(tlv.content, tlv.contentEnd);
}

/** The octets of an OCTET STRING, joining the pieces of a constructed (BER) one. Accepts an implicit tag. */
export function octets(buf: Uint8Array, tlv: Tlv, depth = 0): Uint8Array {
  if ((tlv.tag & CONSTRUCTED) === 0) return contentOf(buf, tlv);
  if (depth > 8) throw new DerError('constructed string nested too deep', tlv.start);
  const parts = children(buf, tlv, buf.length).map((c) => {
    if (!hasTag(c, TAG.OCTET_STRING)) throw new DerError('constructed string holds a non-string piece', c.start);
    return octets(buf, c, depth + 1);
  });
  return concat(parts);
}

/** BIT STRING contents without the unused-bits octet; `wholeBytes` insists there are none (keys, points). */
export function bitStringBytes(buf: Uint8Array, tlv: Tlv | undefined, wholeBytes = false): Uint8Array {
  if (tlv === undefined || (tlv.tag & CONSTRUCTED) !== 0) throw new DerError('expected a bit string', tlv?.start ?? null);
  if (tlv.contentEnd === tlv.content) throw new DerError('empty BIT STRING', tlv.start);
  const unused = buf[tlv.content]!;
  // X.690 8.6.2.2-8.6.2.3: 0 to 7 unused bits, and none when there are no bits at all.
  if (unused > 7 || (unused > 0 && tlv.contentEnd === tlv.content + 1)) throw new DerError(`BIT STRING with ${unused} unused bits`, tlv.start);
  if (wholeBytes && unused !== 0) throw new DerError('bit string with unused bits', tlv.start);
  return buf.subarray(tlv.content + 1, tlv.contentEnd);
}

const oidCache = new Map<string, string>();

/**
 * Dotted OID text (X.690 8.19), whatever the element's tag (a GeneralName's registeredID is [8]).
 * Cached by content bytes: certificates and containers repeat the same few OIDs.
 */
export function readOid(buf: Uint8Array, tlv: Tlv): string {
  const len = tlv.contentEnd - tlv.content;
  if (len === 0) throw new DerError('empty OID', tlv.start);
  let key = '';
  if (len <= 64) {
    key = latin1(buf, tlv.content, tlv.contentEnd);
    const cached = oidCache.get(key);
    if (cached !== undefined) return cached;
  }
  const parts: number[] = [];
  let value = 0;
  for (let i = tlv.content; i < tlv.contentEnd; i++) {
    const b = buf[i]!;
    value = value * 128 + (b & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) throw new DerError('OID arc too large', i);
    if ((b & 0x80) === 0) {
      if (parts.length === 0) {
        const first = value < 40 ? 0 : value < 80 ? 1 : 2;
        parts.push(first, value - first * 40);
      } else parts.push(value);
      value = 0;
    }
  }
  if (buf[tlv.contentEnd - 1]! & 0x80) throw new DerError('OID ends mid-arc', tlv.contentEnd - 1);
  const text = parts.join('.');
  if (key && oidCache.size < 4096) oidCache.set(key, text);
  return text;
}

/** An OBJECT IDENTIFIER that must be there, as dotted text. */
export function expectOid(buf: Uint8Array, tlv: Tlv | undefined): string {
  if (tlv?.tag !== TAG.OID) throw new DerError('expected an object identifier', tlv?.start ?? null);
  return readOid(buf, tlv);
}

function uint(buf: Uint8Array, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) v = v * 256 + buf[i]!;
  return v;
}

/** Small non-negative INTEGER as a number (path lengths, versions); null when negative or too large. */
export function readSmallInt(buf: Uint8Array, tlv: Tlv): number | null {
  const len = tlv.contentEnd - tlv.content;
  if (len === 0 || len > 6) return null;
  if (buf[tlv.content]! & 0x80) return null; // negative
  return uint(buf, tlv.content, tlv.contentEnd);
}

/**
 * A small non-negative INTEGER that must be there (iteration counts, versions); throws when missing,
 * empty or negative. Past 2^48 it reads as Number.MAX_SAFE_INTEGER: "huge" rather than wrapped.
 */
export function smallInt(buf: Uint8Array, tlv: Tlv | undefined, what: string): number {
  if (tlv?.tag !== TAG.INTEGER) throw new DerError(`expected an integer (${what})`, tlv?.start ?? null);
  if (tlv.contentEnd === tlv.content) throw new DerError(`empty integer (${what})`, tlv.start);
  if (buf[tlv.content]! & 0x80) throw new DerError(`negative ${what}`, tlv.start);
  const magnitude = unsignedInt(buf, tlv);
  return magnitude.length > 6 ? Number.MAX_SAFE_INTEGER : uint(magnitude, 0, magnitude.length);
}

/** Unsigned magnitude of an INTEGER (leading zero bytes dropped). */
export function unsignedInt(buf: Uint8Array, tlv: Tlv | undefined): Uint8Array {
  if (tlv?.tag !== TAG.INTEGER) throw new DerError('expected an integer', tlv?.start ?? null);
  let i = tlv.content;
  while (i < tlv.contentEnd - 1 && buf[i] === 0) i++;
  return buf.subarray(i, tlv.contentEnd);
}

/** UTCTime / GeneralizedTime (RFC 5280 4.1.2.5): always Zulu in certificates. */
export function readTime(buf: Uint8Array, tlv: Tlv): Date {
  const s = latin1(buf, tlv.content, tlv.contentEnd);
  let m: RegExpExecArray | null;
  if (tlv.tag === TAG.UTC_TIME && (m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?Z$/.exec(s))) {
    const yy = Number(m[1]);
    // RFC 5280 4.1.2.5.1: YY >= 50 means 19YY.
    return utc(yy >= 50 ? 1900 + yy : 2000 + yy, m[2], m[3], m[4], m[5], m[6]);
  }
  if (tlv.tag === TAG.GENERALIZED_TIME && (m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?(?:\.\d+)?Z$/.exec(s))) {
    return utc(Number(m[1]), m[2], m[3], m[4], m[5], m[6]);
  }
  throw new DerError(`unreadable time "${s.slice(0, 20)}"`, tlv.start);
}

function utc(y: number, mo?: string, d?: string, h?: string, mi?: string, s?: string): Date {
  const date = new Date(Date.UTC(y, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0)));
  if (Number.isNaN(date.getTime())) throw new DerError('invalid date', 0);
  return date;
}

/** UTF-8 decoding without TextDecoder (shared/ has no DOM or Node types); invalid bytes become U+FFFD. */
export function utf8(buf: Uint8Array, from: number, to: number): string {
  let ascii = true;
  for (let i = from; i < to; i++) if (buf[i]! > 0x7f) { ascii = false; break; }
  if (ascii) return latin1(buf, from, to);
  const codes: number[] = [];
  let i = from;
  while (i < to) {
    const b = buf[i]!;
    let cp = 0xfffd;
    let need = 0;
    if (b < 0x80) { cp = b; } else if (b >= 0xc2 && b < 0xe0) { need = 1; cp = b & 0x1f; } else if (b >= 0xe0 && b < 0xf0) { need = 2; cp = b & 0x0f; } else if (b >= 0xf0 && b < 0xf5) { need = 3; cp = b & 0x07; }
    i++;
    if (need) {
      let ok = i + need <= to;
      for (let k = 0; ok && k < need; k++) ok = (buf[i + k]! & 0xc0) === 0x80;
      if (ok) {
        for (let k = 0; k < need; k++) cp = (cp << 6) | (buf[i + k]! & 0x3f);
        i += need;
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) cp = 0xfffd;
      } else cp = 0xfffd;
    }
    codes.push(cp);
  }
  let out = '';
  for (let k = 0; k < codes.length; k += 4096) out += String.fromCodePoint(...codes.slice(k, k + 4096));
  return out;
}

/** BMPString (UTF-16BE) and UniversalString (UTF-32BE), used by old Windows CAs and templates. */
export function ucs(buf: Uint8Array, from: number, to: number, width: 2 | 4): string {
  // X.680 41: every BMPString character is two octets, every UniversalString character four.
  if ((to - from) % width !== 0) throw new DerError(`a ${width === 2 ? 'BMPString' : 'UniversalString'} of ${to - from} bytes`, from);
  let out = '';
  for (let i = from; i + width <= to; i += width) {
    const cp = width === 2 ? (buf[i]! << 8) | buf[i + 1]! : ((buf[i]! << 24) | (buf[i + 1]! << 16) | (buf[i + 2]! << 8) | buf[i + 3]!) >>> 0;
    out += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
  }
  return out;
}

/** Text of any ASN.1 string type; null for non-string tags. */
export function readString(buf: Uint8Array, tlv: Tlv): string | null {
  switch (tlv.tag) {
    case TAG.UTF8_STRING:
      return utf8(buf, tlv.content, tlv.contentEnd);
    case TAG.PRINTABLE_STRING:
    case TAG.IA5_STRING:
    case TAG.NUMERIC_STRING:
    case TAG.VISIBLE_STRING:
    case TAG.T61_STRING: // Treated as Latin-1, as OpenSSL and Windows display it.
    case 0x15: // VideotexString, GraphicString, GeneralString: ISO 2022 strings, shown as Latin-1 as well.
    case 0x19:
    case 0x1b:
      return latin1(buf, tlv.content, tlv.contentEnd);
    case TAG.BMP_STRING:
      return ucs(buf, tlv.content, tlv.contentEnd, 2);
    case TAG.UNIVERSAL_STRING:
      return ucs(buf, tlv.content, tlv.contentEnd, 4);
    default:
      return null;
  }
}

/**
 * `tlv` itself when it is a well-formed DER element: X.690 8.1.1 (a constructed element holds complete
 * encodings, checked all the way down), 8.9.1/8.11.1 (SEQUENCE and SET are constructed) and X.680 8.6
 * (universal tags 0 and 15 are not types). For values Certbench keeps without decoding (a name
 * attribute that is not a string, algorithm parameters), so damage inside them is still said.
 */
export function wellFormed(buf: Uint8Array, tlv: Tlv, depth = 0): Tlv {
  const universal = (tlv.tag & 0xc0) === 0;
  const number = tlv.tag & 0x1f;
  if (universal && (number === 0 || number === 15 || ((number === 16 || number === 17) && !isConstructed(tlv)))) {
    throw new DerError(`impossible tag 0x${tlv.tag.toString(16)}`, tlv.start);
  }
  // X.690 8.8.1, 8.19.1, 10.2: simple types and strings are primitive in DER; only the structured ones
  // (EXTERNAL, EMBEDDED PDV, SEQUENCE, SET, CHARACTER STRING) are constructed.
  if (universal && isConstructed(tlv) && ![8, 11, 16, 17, 29].includes(number)) {
    throw new DerError(`a constructed element of a primitive type (tag 0x${tlv.tag.toString(16)})`, tlv.start);
  }
  if (isConstructed(tlv)) {
    if (depth > MAX_DEPTH) throw new DerError('nesting too deep', tlv.start);
    for (const child of children(buf, tlv, 4096)) wellFormed(buf, child, depth + 1);
    return tlv;
  }
  const length = tlv.contentEnd - tlv.content;
  // X.690 8.2.1 (BOOLEAN one octet), 8.3.1 (INTEGER at least one), 8.6.2 (BIT STRING unused bits), 8.8.2
  // (NULL empty), 8.19 (OID), X.680 46-47 (times, read as RFC 5280 4.1.2.5 writes them).
  if (tlv.tag === TAG.BIT_STRING) bitStringBytes(buf, tlv);
  else if (tlv.tag === TAG.OID) readOid(buf, tlv);
  else if (tlv.tag === TAG.UTC_TIME || tlv.tag === TAG.GENERALIZED_TIME) readTime(buf, tlv);
  else if ((tlv.tag === TAG.BOOLEAN && length !== 1) || (tlv.tag === TAG.INTEGER && length === 0) || (tlv.tag === TAG.NULL && length !== 0)) {
    throw new DerError(`malformed element (tag 0x${tlv.tag.toString(16)}, ${length} bytes)`, tlv.start);
  }
  return tlv;
}

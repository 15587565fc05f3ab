/**
 * A minimal, bounded DER reader for the hot path of certificate modelling.
 *
 * Why hand-written: asn1js (and pkijs on top of it) took about 600 µs (asn1js 4) / 240 µs (asn1js 3)
 * to decode one 900-byte certificate on this machine, against about 180 µs for Node's native
 * X509Certificate including both fingerprints (bench/run.ts). Issue 3 asks for at most 2x native, so
 * the certificate model walks DER itself (X.690 8.1 and 10.1: definite lengths only) and keeps pkijs for
 * the container formats. Every read is bounds-checked and throws DerError with the offset; nothing
 * recurses without a depth limit.
 */
export class DerError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'DerError';
  }
}

/** One TLV: `start` is the tag byte, `content`..`end` the value bytes. */
export interface Tlv {
  /** The identifier octet (class, constructed bit and tag number when < 31). */
  tag: number;
  start: number;
  content: number;
  end: number;
}

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

/** Read the TLV at `offset`, which must end at or before `limit`. */
export function readTlv(buf: Uint8Array, offset: number, limit = buf.length): Tlv {
  if (offset + 2 > limit) throw new DerError('truncated: no room for a tag and length', offset);
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('high tag numbers are not used in certificates', offset);
  let pos = offset + 1;
  const first = buf[pos++]!;
  let length: number;
  if (first < 0x80) {
    length = first;
  } else {
    const count = first & 0x7f;
    if (count === 0) throw new DerError('indefinite length is not DER', offset);
    if (count > 4) throw new DerError('length field too long', offset);
    if (pos + count > limit) throw new DerError('truncated length field', offset);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buf[pos++]!;
  }
  const end = pos + length;
  if (end > limit) throw new DerError(`truncated: element declares ${length} bytes, ${limit - pos} remain`, offset);
  return { tag, start: offset, content: pos, end };
}

/** Read a TLV and insist on its tag. */
export function expectTlv(buf: Uint8Array, offset: number, tag: number, limit = buf.length, what = 'element'): Tlv {
  const tlv = readTlv(buf, offset, limit);
  if (tlv.tag !== tag) {
    throw new DerError(`expected ${what} (tag 0x${tag.toString(16)}), found tag 0x${tlv.tag.toString(16)}`, offset);
  }
  return tlv;
}

/** The direct children of a constructed element. Bounded: at most `max` children. */
export function children(buf: Uint8Array, parent: Tlv, max = 100_000): Tlv[] {
  const out: Tlv[] = [];
  let pos = parent.content;
  while (pos < parent.end) {
    if (out.length >= max) throw new DerError(`more than ${max} elements`, pos);
    const child = readTlv(buf, pos, parent.end);
    out.push(child);
    pos = child.end;
  }
  return out;
}

export function bytesOf(buf: Uint8Array, tlv: Tlv): Uint8Array {
  return buf.subarray(tlv.start, tlv.end);
}

export function contentOf(buf: Uint8Array, tlv: Tlv): Uint8Array {
  return buf.subarray(tlv.content, tlv.end);
}

const oidCache = new Map<string, string>();

/** Dotted OID text (X.690 8.19). Cached by content bytes: certificates repeat the same few OIDs. */
export function readOid(buf: Uint8Array, tlv: Tlv): string {
  const len = tlv.end - tlv.content;
  if (len === 0) throw new DerError('empty OID', tlv.start);
  let key = '';
  for (let i = tlv.content; i < tlv.end; i++) key += String.fromCharCode(buf[i]!);
  const cached = oidCache.get(key);
  if (cached !== undefined) return cached;
  const parts: number[] = [];
  let value = 0;
  for (let i = tlv.content; i < tlv.end; i++) {
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
  if (buf[tlv.end - 1]! & 0x80) throw new DerError('OID ends mid-arc', tlv.end - 1);
  const text = parts.join('.');
  if (oidCache.size < 4096) oidCache.set(key, text);
  return text;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0').toUpperCase());

export function toHex(bytes: Uint8Array, separator = ''): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += (i && separator ? separator : '') + HEX[bytes[i]!]!;
  return out;
}

/** Small non-negative INTEGER as a number (path lengths, versions); null when too large. */
export function readSmallInt(buf: Uint8Array, tlv: Tlv): number | null {
  const len = tlv.end - tlv.content;
  if (len === 0 || len > 6) return null;
  if (buf[tlv.content]! & 0x80) return null; // negative
  let v = 0;
  for (let i = tlv.content; i < tlv.end; i++) v = v * 256 + buf[i]!;
  return v;
}

/** UTCTime / GeneralizedTime (RFC 5280 4.1.2.5): always Zulu in certificates. */
export function readTime(buf: Uint8Array, tlv: Tlv): Date {
  const s = latin1(buf, tlv.content, tlv.end);
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

export function latin1(buf: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += String.fromCharCode(buf[i]!);
  return s;
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
      return utf8(buf, tlv.content, tlv.end);
    case TAG.PRINTABLE_STRING:
    case TAG.IA5_STRING:
    case TAG.NUMERIC_STRING:
    case TAG.VISIBLE_STRING:
    case TAG.T61_STRING: // Treated as Latin-1, as OpenSSL and Windows display it.
      return latin1(buf, tlv.content, tlv.end);
    case TAG.BMP_STRING:
      return ucs(buf, tlv.content, tlv.end, 2);
    case TAG.UNIVERSAL_STRING:
      return ucs(buf, tlv.content, tlv.end, 4);
    default:
      return null;
  }
}

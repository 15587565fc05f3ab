import { readHeader } from '../../shared/asn1/der';

/**
 * Damage done to a certificate's DER for the reader differential test: one byte flipped, the data
 * cut short, one element's length field rewritten, or bytes inserted.
 */
export type Mutation =
  | { kind: 'flip'; at: number; xor: number }
  | { kind: 'truncate'; length: number }
  | { kind: 'length'; header: number; value: number }
  | { kind: 'insert'; at: number; bytes: number[] };

/** Offsets of every element's identifier octet, walking constructed elements (tags 0x20 set) depth first. */
export function headerOffsets(der: Uint8Array): number[] {
  const out: number[] = [];
  const walk = (from: number, to: number, depth: number) => {
    let pos = from;
    while (pos < to && depth < 16) {
      const tlv = readHeader(der, pos, to);
      out.push(pos);
      // A BIT STRING or OCTET STRING often wraps DER (keys, extension values): look inside when it parses.
      if (tlv.tag & 0x20) walk(tlv.content, tlv.end, depth + 1);
      else if (tlv.tag === 0x04) tryWalk(tlv.content, tlv.end, depth + 1);
      pos = tlv.end;
    }
  };
  const tryWalk = (from: number, to: number, depth: number) => {
    const before = out.length;
    try {
      walk(from, to, depth);
    } catch {
      out.length = before;
    }
  };
  walk(0, der.length, 0);
  return out;
}

export function mutate(der: Uint8Array, headers: number[], m: Mutation): Uint8Array {
  switch (m.kind) {
    case 'flip': {
      const out = der.slice();
      out[m.at % der.length]! ^= m.xor;
      return out;
    }
    case 'truncate':
      return der.slice(0, m.length % der.length);
    case 'insert': {
      const at = m.at % (der.length + 1);
      return Uint8Array.from([...der.subarray(0, at), ...m.bytes, ...der.subarray(at)]);
    }
    case 'length': {
      // Rewrite the length field in its shortest form, or in long form with one octet, keeping the contents.
      const start = headers[m.header % headers.length]!;
      const h = readHeader(der, start);
      const lengthAt = start + 1;
      const field = m.value < 0x80 ? [m.value] : [0x81, m.value & 0xff];
      return Uint8Array.from([...der.subarray(0, lengthAt), ...field, ...der.subarray(h.content)]);
    }
  }
}

/**
 * Whether some element's contents run past the end of the element holding it (X.690 8.1.1: the
 * contents of a constructed element are complete encodings), or bytes follow the outer element.
 * A walker of its own, written apart from shared/asn1/der.ts, which is the reader under test; it
 * also looks inside OCTET STRINGs, which hold the extension values. Definite lengths only.
 */
export function overrunsParent(der: Uint8Array): boolean {
  const header = (pos: number): { tag: number; content: number; end: number } | null => {
    if (pos + 2 > der.length) return null;
    const tag = der[pos]!;
    const first = der[pos + 1]!;
    if (first < 0x80) return { tag, content: pos + 2, end: pos + 2 + first };
    const n = first & 0x7f;
    if (n === 0 || n > 4 || pos + 2 + n > der.length) return null;
    let len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[pos + 2 + i]!;
    return { tag, content: pos + 2 + n, end: pos + 2 + n + len };
  };
  // Returns true on an overrun; false when the range reads cleanly or stops being readable.
  const walk = (from: number, to: number, depth: number, speculative: boolean): boolean => {
    let pos = from;
    while (pos < to) {
      const h = header(pos);
      if (!h) return false;
      if (h.end > to) return !speculative || depth > 0;
      if (depth < 12 && (h.tag & 0x20 ? walk(h.content, h.end, depth + 1, speculative) : h.tag === 0x04 && walk(h.content, h.end, 0, true))) return true;
      pos = h.end;
    }
    return false;
  };
  const outer = header(0);
  if (outer && outer.end < der.length) return true;
  return walk(0, der.length, 0, false);
}

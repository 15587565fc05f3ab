/**
 * The few DER encoders (X.690 8, 10) that writing certificates and PKCS#12 files needs. Kept here,
 * beside their only users, so the lab does not depend on the readers' internals.
 */

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function encodeLength(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** One TLV with the given identifier octet. */
export function encode(tagByte: number, ...parts: Uint8Array[]): Uint8Array {
  const body = concat(parts);
  return concat([Uint8Array.of(tagByte), encodeLength(body.length), body]);
}

export const seq = (...parts: Uint8Array[]) => encode(0x30, ...parts);
export const set = (...parts: Uint8Array[]) => encode(0x31, ...parts);
export const octetString = (b: Uint8Array) => encode(0x04, b);
export const DER_NULL = Uint8Array.of(0x05, 0x00);
export const DER_TRUE = Uint8Array.of(0x01, 0x01, 0xff);

export function encodeOid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const out: number[] = [];
  const push = (value: number) => {
    const stack = [value & 0x7f];
    for (let v = Math.floor(value / 128); v > 0; v = Math.floor(v / 128)) stack.unshift((v & 0x7f) | 0x80);
    out.push(...stack);
  };
  push((arcs[0] ?? 0) * 40 + (arcs[1] ?? 0));
  for (const a of arcs.slice(2)) push(a);
  return encode(0x06, Uint8Array.from(out));
}

/** INTEGER from an unsigned big-endian magnitude (a 0x00 is prefixed when the top bit is set). */
export function encodeUnsigned(magnitude: Uint8Array): Uint8Array {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const m = magnitude.subarray(i);
  return encode(0x02, (m[0] ?? 0) & 0x80 ? concat([Uint8Array.of(0), m]) : m.length ? m : Uint8Array.of(0));
}

export function encodeSmallInt(n: number): Uint8Array {
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return encodeUnsigned(Uint8Array.from(bytes.length ? bytes : [0]));
}

export function encodeBitString(bytes: Uint8Array): Uint8Array {
  return encode(0x03, Uint8Array.of(0), bytes);
}

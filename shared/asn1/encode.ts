import { concat } from './bytes';
import { TAG } from './der';

/**
 * The one DER writer (X.690 8, 10), only as much as Certbench writes: the SubjectPublicKeyInfo derived
 * from a private key (to match it to a certificate), the lab's certificates (electron/services/lab/pki.ts)
 * and the structures tests build by hand.
 */

function encodeLength(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** One element: identifier octet `tag` (TAG.SEQUENCE, context(0), ...) around the parts joined. */
export function encode(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const body = concat(parts);
  return concat([Uint8Array.of(tag), encodeLength(body.length), body]);
}

export const seq = (...parts: Uint8Array[]): Uint8Array => encode(TAG.SEQUENCE, ...parts);

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
  return encode(TAG.OID, Uint8Array.from(out));
}

/** DER INTEGER from an unsigned big-endian magnitude. */
export function encodeUnsigned(magnitude: Uint8Array): Uint8Array {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const m = magnitude.subarray(i);
  const body = (m[0] ?? 0) & 0x80 ? concat([Uint8Array.of(0), m]) : m.length ? m : Uint8Array.of(0);
  return encode(TAG.INTEGER, body);
}

/** BIT STRING of whole bytes (no unused bits), as keys are. */
export function encodeBitString(bytes: Uint8Array): Uint8Array {
  return encode(TAG.BIT_STRING, Uint8Array.of(0), bytes);
}

export const DER_NULL = Uint8Array.of(TAG.NULL, 0x00);
export const DER_TRUE = Uint8Array.of(TAG.BOOLEAN, 0x01, 0xff);

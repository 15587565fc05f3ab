/**
 * Byte helpers shared by the ASN.1 reader, the encoders, certificates and containers. shared/ has
 * neither Node's Buffer nor the DOM's TextDecoder, so these are written out here, once.
 */

/**
 * Whether two byte arrays hold the same bytes. Time depends only on the lengths, never on where the
 * first difference is, so it is also fit for comparing MACs.
 */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export function concat(parts: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * One character per byte (ISO 8859-1): Latin-1 names, PEM text, the "binary strings" node-forge
 * works on. Long ranges go in chunks, so a 16 MB file neither crawls nor overflows the call stack.
 */
export function latin1(bytes: Uint8Array, from = 0, to = bytes.length): string {
  let out = '';
  // A character at a time only for short ranges (OIDs, times): past that, one call makes one string
  // instead of a string per byte (names are pool index keys, 10,000 of them for a large pool).
  if (to - from <= 16) {
    for (let i = from; i < to; i++) out += String.fromCharCode(bytes[i]!);
    return out;
  }
  // apply, not spread: spreading a typed array goes through its iterator, several times slower.
  for (let i = from; i < to; i += 0x8000) out += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(to, i + 0x8000)) as unknown as number[]);
  return out;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0').toUpperCase());

/** Uppercase hex, as Windows shows serials and thumbprints; `separator` between bytes (' ' for dumps). */
export function toHex(bytes: Uint8Array, separator = ''): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += (i && separator ? separator : '') + HEX[bytes[i]!]!;
  return out;
}

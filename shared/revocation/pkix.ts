import type * as asn1js from 'asn1js';
import { toHex } from '../asn1/bytes';

/** A CRL or OCSP answer that could not be read: the message is one line, for the source's detail. */
export class RevocationParseError extends Error {}

/** Text from a certificate or a server (names, addresses) made one printable line: control characters as \xNN. */
export function printable(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    out += code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : ch;
  }
  return out;
}

export function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0]!.slice(0, 200);
}

export function bytesOfSchema(schema: asn1js.BaseBlock): Uint8Array {
  return new Uint8Array(schema.toBER(false));
}

/** A serial (or CRL number) as uppercase hex without the sign byte, so it compares with the certificate's. */
export function serialHex(bytes: Uint8Array): string {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return toHex(bytes.subarray(i));
}

export function integerHex(value: asn1js.Integer): string {
  return serialHex(value.valueBlock.valueHexView);
}

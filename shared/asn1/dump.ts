import { latin1, toHex } from './bytes';
import { TAG, readOid, readString, readTime, readTlv, type Tlv } from './der';
import { NAME_ATTRIBUTE_SHORT, EXTENSION_NAMES, EKU_NAMES, SIGNATURE_ALGORITHM_NAMES, PUBLIC_KEY_ALGORITHMS } from '../cert/oids';

/**
 * The raw ASN.1 of a certificate as a tree for the "raw ASN.1" view, like `openssl asn1parse`
 * but nested. Bounded in nodes and depth so a hostile file cannot freeze the UI; OCTET STRINGs and
 * BIT STRINGs that hold DER (extension values, public keys) are opened as children.
 */
export interface Asn1Node {
  offset: number;
  headerLength: number;
  length: number;
  tag: string;
  value: string | null;
  children: Asn1Node[];
}

const UNIVERSAL: Record<number, string> = {
  0x01: 'BOOLEAN',
  0x02: 'INTEGER',
  0x03: 'BIT STRING',
  0x04: 'OCTET STRING',
  0x05: 'NULL',
  0x06: 'OBJECT IDENTIFIER',
  0x0a: 'ENUMERATED',
  0x0c: 'UTF8String',
  0x12: 'NumericString',
  0x13: 'PrintableString',
  0x14: 'T61String',
  0x16: 'IA5String',
  0x17: 'UTCTime',
  0x18: 'GeneralizedTime',
  0x1a: 'VisibleString',
  0x1c: 'UniversalString',
  0x1e: 'BMPString',
  0x30: 'SEQUENCE',
  0x31: 'SET',
};

const OID_NAMES: Record<string, string> = {
  ...Object.fromEntries(Object.entries(NAME_ATTRIBUTE_SHORT)),
  ...EXTENSION_NAMES,
  ...EKU_NAMES,
  ...SIGNATURE_ALGORITHM_NAMES,
  ...PUBLIC_KEY_ALGORITHMS,
};

export function dumpAsn1(der: Uint8Array, limits = { maxNodes: 5000, maxDepth: 32 }): { root: Asn1Node | null; truncated: boolean; error: string | null } {
  let count = 0;
  let truncated = false;
  const node = (tlv: Tlv, depth: number, base: number, buf: Uint8Array): Asn1Node => {
    count++;
    const tagName = tagLabel(tlv.tag);
    const out: Asn1Node = { offset: base + tlv.start, headerLength: tlv.content - tlv.start, length: tlv.end - tlv.content, tag: tagName, value: null, children: [] };
    const constructed = (tlv.tag & 0x20) !== 0;
    if (constructed) {
      let pos = tlv.content;
      while (pos < tlv.end) {
        if (count >= limits.maxNodes || depth >= limits.maxDepth) {
          truncated = true;
          break;
        }
        const child = readTlv(buf, pos, tlv.end);
        out.children.push(node(child, depth + 1, base, buf));
        pos = child.end;
      }
      return out;
    }
    out.value = primitiveValue(buf, tlv);
    // Encapsulated DER: extension values (OCTET STRING) and keys/signatures (BIT STRING).
    const innerStart = tlv.tag === TAG.BIT_STRING ? tlv.content + 1 : tlv.content;
    if ((tlv.tag === TAG.OCTET_STRING || (tlv.tag === TAG.BIT_STRING && buf[tlv.content] === 0)) && tlv.end - innerStart >= 2) {
      try {
        const inner = readTlv(buf, innerStart, tlv.end);
        if (inner.end === tlv.end && (inner.tag & 0x20) !== 0 && depth < limits.maxDepth) {
          out.children.push(node(inner, depth + 1, base, buf));
          out.value = null;
        }
      } catch {
        // Not DER inside: keep the hex value.
      }
    }
    return out;
  };
  try {
    return { root: node(readTlv(der, 0), 0, 0, der), truncated, error: null };
  } catch (err) {
    return { root: null, truncated, error: (err as Error).message };
  }
}

function tagLabel(tag: number): string {
  if (UNIVERSAL[tag]) return UNIVERSAL[tag]!;
  const cls = tag >> 6;
  if (cls === 2) return `[${tag & 0x1f}]`;
  return `tag 0x${tag.toString(16)}`;
}

function isPrintableAscii(buf: Uint8Array, tlv: Tlv): boolean {
  if (tlv.end === tlv.content) return false;
  for (let i = tlv.content; i < tlv.end; i++) if (buf[i]! < 0x20 || buf[i]! > 0x7e) return false;
  return true;
}

function primitiveValue(buf: Uint8Array, tlv: Tlv): string {
  try {
    if (tlv.tag === TAG.OID) {
      const oid = readOid(buf, tlv);
      return OID_NAMES[oid] ? `${oid} (${OID_NAMES[oid]})` : oid;
    }
    if (tlv.tag === TAG.UTC_TIME || tlv.tag === TAG.GENERALIZED_TIME) return readTime(buf, tlv).toISOString();
    if (tlv.tag === TAG.BOOLEAN) return buf[tlv.content] ? 'TRUE' : 'FALSE';
    if (tlv.tag === TAG.NULL) return '';
    const text = readString(buf, tlv);
    if (text !== null) return text;
    // GeneralName's rfc822Name [1], dNSName [2] and URI [6] are IMPLICIT IA5Strings (RFC 5280
    // 4.2.1.6): show them as text when they are printable, as in SANs, AIA and CRL points.
    if ((tlv.tag === 0x81 || tlv.tag === 0x82 || tlv.tag === 0x86) && isPrintableAscii(buf, tlv)) {
      return latin1(buf, tlv.content, tlv.end);
    }
  } catch {
    // fall through to hex
  }
  const bytes = buf.subarray(tlv.content, Math.min(tlv.end, tlv.content + 64));
  return toHex(bytes, ' ') + (tlv.end - tlv.content > 64 ? ` … (${tlv.end - tlv.content} bytes)` : '');
}

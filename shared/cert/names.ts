import * as asn1js from 'asn1js';
import { hex } from '@peculiar/utils';
import { NAME_ATTRIBUTE_SHORT } from './oids';
import type { DistinguishedName, NameAttribute } from '../model/certificate';

/**
 * Distinguished names read straight from their DER (Name ::= SEQUENCE OF SET OF
 * AttributeTypeAndValue, RFC 5280 4.1.2.4). pkijs flattens the SETs, which loses multi-valued RDNs,
 * so the RDN grouping is taken from the encoding here.
 */
export function readName(nameDer: ArrayBuffer | Uint8Array): DistinguishedName {
  const parsed = asn1js.fromBER(nameDer);
  const rdns: NameAttribute[][] = [];
  if (parsed.offset !== -1 && parsed.result instanceof asn1js.Sequence) {
    for (const set of parsed.result.valueBlock.value) {
      if (!(set instanceof asn1js.Set)) continue;
      const rdn: NameAttribute[] = [];
      for (const atv of set.valueBlock.value) {
        if (!(atv instanceof asn1js.Sequence)) continue;
        const [typeNode, valueNode] = atv.valueBlock.value;
        if (!(typeNode instanceof asn1js.ObjectIdentifier) || !valueNode) continue;
        const oid = typeNode.valueBlock.toString();
        rdn.push({ oid, type: NAME_ATTRIBUTE_SHORT[oid] ?? oid, value: attributeValueText(valueNode) });
      }
      if (rdn.length) rdns.push(rdn);
    }
  }
  // RFC 4514 2.1: the RDN sequence is written starting with the last element (most specific first).
  const reversed = [...rdns].reverse();
  const rfc4514 = reversed.map((rdn) => rdn.map((a) => `${a.type}=${escapeRfc4514(a.value)}`).join('+')).join(',');
  const windows = reversed.map((rdn) => rdn.map((a) => `${a.type}=${quoteWindows(a.value)}`).join(' + ')).join(', ');
  const cn = reversed.flat().find((a) => a.oid === '2.5.4.3');
  return { rfc4514, windows, commonName: cn ? cn.value : null, attributes: rdns.flat() };
}

/** String types become text; anything else is written as '#' + hex of its DER (RFC 4514 2.4). */
function attributeValueText(node: asn1js.AsnType): string {
  if (
    node instanceof asn1js.Utf8String ||
    node instanceof asn1js.PrintableString ||
    node instanceof asn1js.IA5String ||
    node instanceof asn1js.TeletexString ||
    node instanceof asn1js.BmpString ||
    node instanceof asn1js.UniversalString ||
    node instanceof asn1js.VisibleString ||
    node instanceof asn1js.NumericString
  ) {
    return node.valueBlock.value;
  }
  return `#${hex.encode(new Uint8Array(node.toBER(false)))}`;
}

/** RFC 4514 2.4 escaping of an attribute value. */
export function escapeRfc4514(value: string): string {
  if (value.startsWith('#') && /^#[0-9a-f]*$/i.test(value)) return value;
  let out = value.replace(/["+,;<>\\]/g, (c) => `\\${c}`).replace(/\0/g, '\\00');
  if (out.startsWith(' ') || out.startsWith('#')) out = `\\${out}`;
  if (out.endsWith(' ') && out.length > 1) out = `${out.slice(0, -1)}\\ `;
  return out;
}

/** Windows (CertNameToStr with CERT_X500_NAME_STR) quotes values holding separators or quotes. */
function quoteWindows(value: string): string {
  return /[,+=";<>#\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

import { toHex } from '../asn1/bytes';
import { DerError, TAG, children, readOid, readString, readTlv, bytesOf, wellFormed } from '../asn1/der';
import { NAME_ATTRIBUTE_SHORT } from './oids';
import type { DistinguishedName, NameAttribute } from '../model/certificate';

/**
 * Distinguished names read straight from their DER (Name ::= SEQUENCE OF SET OF
 * AttributeTypeAndValue, RFC 5280 4.1.2.4), keeping multi-valued RDNs together.
 */
export function readName(nameDer: Uint8Array): DistinguishedName {
  const seq = readTlv(nameDer, 0);
  const rdns: NameAttribute[][] = [];
  // RFC 5280 4.1.2.4: Name ::= SEQUENCE OF SET OF SEQUENCE { type OID, value }. Anything else is a
  // damaged name, said as such: skipping the odd part would show a name the certificate does not hold.
  if (seq.tag !== TAG.SEQUENCE) throw new DerError('a name is not a SEQUENCE', 0);
  for (const set of children(nameDer, seq, 256)) {
    if (set.tag !== TAG.SET) throw new DerError('a name holds something other than a SET of attributes', set.start);
    const rdn: NameAttribute[] = [];
    for (const atv of children(nameDer, set, 64)) {
      const [typeTlv, valueTlv, extra] = atv.tag === TAG.SEQUENCE ? children(nameDer, atv, 3) : [];
      if (typeTlv?.tag !== TAG.OID || !valueTlv || extra) throw new DerError('a name attribute is not an OID and a value', atv.start);
      const oid = readOid(nameDer, typeTlv);
      // RFC 4514 2.4: a value that is not a string is written as '#' + hex of its DER.
      const value = readString(nameDer, valueTlv) ?? `#${toHex(bytesOf(nameDer, wellFormed(nameDer, valueTlv))).toLowerCase()}`;
      rdn.push({ oid, type: NAME_ATTRIBUTE_SHORT[oid] ?? oid, value });
    }
    if (rdn.length) rdns.push(rdn);
  }
  // RFC 4514 2.1: the RDN sequence is written starting with the last element (most specific first).
  const reversed = rdns.slice().reverse();
  const rfc4514 = reversed.map((rdn) => rdn.map((a) => `${a.type}=${escapeRfc4514(a.value)}`).join('+')).join(',');
  const windows = reversed.map((rdn) => rdn.map((a) => `${a.type}=${quoteWindows(a.value)}`).join(' + ')).join(', ');
  let commonName: string | null = null;
  for (const rdn of reversed) for (const a of rdn) if (commonName === null && a.oid === '2.5.4.3') commonName = a.value;
  return { rfc4514, windows, commonName, attributes: rdns.flat() };
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

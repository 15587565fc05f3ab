import { latin1, toHex } from '../asn1/bytes';
import { DerError, TAG, bytesOf, children, readOid, readString, readTlv } from '../asn1/der';

/**
 * Distinguished names as path validation compares them (RFC 5280 7.1): RDN by RDN in order, each
 * RDN as a set of attribute type and value pairs, string values prepared with the basics of the
 * LDAP string preparation (RFC 4518: Unicode NFKC, case folding, insignificant space handling), so
 * "CN=Contoso  CA" in a PrintableString and "cn=contoso ca" in a UTF8String are the same name while a
 * different attribute type, order or value is not. Values that are not strings compare by their DER.
 */
export interface CanonicalName {
  /** One string per name: equal keys mean equal names under RFC 5280 7.1. */
  key: string;
  /** Each RDN as its sorted, prepared "oid\u0000value" members (for directoryName constraints). */
  rdns: string[][];
}

/** RFC 4518 2.2 "mapped to nothing": soft hyphen, joiners and variation selectors. */
function mappedToNothing(cp: number): boolean {
  return cp === 0xad || cp === 0x34f || cp === 0x1806 || (cp >= 0x180b && cp <= 0x180d) || cp === 0x200b || cp === 0x2060 || (cp >= 0xfe00 && cp <= 0xfe0f) || cp === 0xfffc || cp === 0xfeff;
}
/** RFC 4518 2.2 "mapped to space" (tab, line ends, NEL) and 2.6 insignificant space: runs become one space. */
const SPACES = /[\s\u0085]+/g;

/** RFC 4518 basics for one attribute value: NFKC, lower case, spaces compressed and trimmed. */
export function prepareString(value: string): string {
  // ASCII needs no Unicode normalisation; most names are ASCII, and this runs for every pool member.
  // eslint-disable-next-line no-control-regex
  const ascii = /^[\x00-\x7f]*$/.test(value);
  let s = ascii ? value : [...value.normalize('NFKC')].filter((ch) => !mappedToNothing(ch.codePointAt(0)!)).join('');
  s = s.toLowerCase().replace(SPACES, ' ');
  return s.trim();
}

const cache = new Map<string, CanonicalName>();

/** The canonical form of a Name's DER (RFC 5280 4.1.2.4). Throws DerError on a malformed name. */
export function canonicalName(nameDer: Uint8Array): CanonicalName {
  let raw = '';
  if (nameDer.length <= 512) {
    raw = latin1(nameDer);
    const hit = cache.get(raw);
    if (hit) return hit;
  }
  const seq = readTlv(nameDer, 0);
  if (seq.tag !== TAG.SEQUENCE || seq.end !== nameDer.length) throw new DerError('a name is not one SEQUENCE', 0);
  const rdns: string[][] = [];
  for (const set of children(nameDer, seq, 256)) {
    if (set.tag !== TAG.SET) throw new DerError('an RDN is not a SET', set.start);
    const members: string[] = [];
    for (const atv of children(nameDer, set, 64)) {
      const [typeTlv, valueTlv, extra] = children(nameDer, atv, 3);
      if (atv.tag !== TAG.SEQUENCE || !typeTlv || typeTlv.tag !== TAG.OID || !valueTlv || extra) throw new DerError('malformed attribute in a name', atv.start);
      const text = readString(nameDer, valueTlv);
      const value = text === null ? `#${toHex(bytesOf(nameDer, valueTlv))}` : `'${prepareString(text)}`;
      // \u0001 and \u0002 separate members and RDNs in the key: escape them inside values.
      members.push(`${readOid(nameDer, typeTlv)}\u0000${value.split('\u0001').join('\u0000a').split('\u0002').join('\u0000b')}`);
    }
    members.sort();
    rdns.push(members);
  }
  const out = { key: rdns.map((r) => r.join('\u0001')).join('\u0002'), rdns };
  if (raw && cache.size < 50_000) cache.set(raw, out);
  return out;
}

/** Whether two names are equal under RFC 5280 7.1. */
export function sameName(a: CanonicalName, b: CanonicalName): boolean {
  return a.key === b.key;
}

/**
 * RFC 5280 4.2.1.10 directoryName: a name is within a subtree when the subtree's RDNs are its first
 * (least specific) RDNs, each RDN equal as a set.
 */
export function nameWithin(name: CanonicalName, base: CanonicalName): boolean {
  if (base.rdns.length > name.rdns.length) return false;
  return base.rdns.every((rdn, i) => {
    const other = name.rdns[i]!;
    return rdn.length === other.length && rdn.every((m, j) => m === other[j]);
  });
}

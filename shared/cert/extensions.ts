import { latin1, toHex } from '../asn1/bytes';
import { DerError, TAG, bitStringBytes, bytesOf, children, contentOf, expectOid, readOid, readSmallInt, readString, readTlv, ucs, type Tlv } from '../asn1/der';
import type { GeneralName } from '../model/certificate';
import { readName } from './names';
import { EKU_NAMES, KEY_USAGE_BITS, POLICY_NAMES } from './oids';

/**
 * Decoders for the extension values a helpdesk needs (RFC 5280 4.2 and Microsoft's template
 * extensions). Each takes the raw extnValue contents and returns plain data; each throws DerError on
 * malformed input, which the caller reports per extension instead of failing the whole certificate.
 */

const UPN_OID = '1.3.6.1.4.1.311.20.2.3';

/**
 * The most names one GeneralNames list or one list of name-constraint subtrees may hold (hostile
 * input). It was 1,024 and, in chain building, a longer list failed to decode and read as "no
 * extension", so a constrained CA's limits vanished. Over the bound the summary reports the
 * extension as unreadable and path validation (shared/chain/name-constraints.ts, same bound) fails
 * the chain with "too many names to check".
 */
export const MAX_GENERAL_NAMES = 4096;

function root(value: Uint8Array, tag: number, what: string): Tlv {
  const tlv = readTlv(value, 0);
  if (tlv.tag !== tag) throw new DerError(`${what}: unexpected tag 0x${tlv.tag.toString(16)}`, 0);
  if (tlv.end !== value.length) throw new DerError(`${what}: trailing bytes`, tlv.end);
  return tlv;
}

/** RFC 5280 4.2.1.3: named bits, in order. */
export function decodeKeyUsage(value: Uint8Array): string[] {
  const tlv = root(value, TAG.BIT_STRING, 'Key Usage');
  const bits = bitStringBytes(value, tlv);
  const unused = value[tlv.content]!;
  const total = bits.length * 8 - unused;
  return KEY_USAGE_BITS.filter((_, i) => i < total && (((bits[i >> 3] ?? 0) >> (7 - (i & 7))) & 1) === 1);
}

export function decodeEku(value: Uint8Array): { oid: string; name: string }[] {
  const seq = root(value, TAG.SEQUENCE, 'Enhanced Key Usage');
  return children(value, seq, 256).map((t) => {
    const oid = expectOid(value, t);
    return { oid, name: EKU_NAMES[oid] ?? oid };
  });
}

export function decodeBasicConstraints(value: Uint8Array): { ca: boolean; pathLength: number | null } {
  const seq = root(value, TAG.SEQUENCE, 'Basic Constraints');
  let ca = false;
  let pathLength: number | null = null;
  for (const t of children(value, seq, 2)) {
    // RFC 5280 4.2.1.9: cA BOOLEAN then pathLenConstraint INTEGER, nothing else.
    if (t.tag === TAG.BOOLEAN && pathLength === null) ca = value[t.content] !== 0;
    else if (t.tag === TAG.INTEGER) pathLength = readSmallInt(value, t);
    else throw new DerError(`Basic Constraints: unexpected tag 0x${t.tag.toString(16)}`, t.start);
  }
  return { ca, pathLength };
}

export function decodeGeneralNames(value: Uint8Array): GeneralName[] {
  const seq = root(value, TAG.SEQUENCE, 'GeneralNames');
  return children(value, seq, MAX_GENERAL_NAMES).map((t) => generalName(value, t));
}

export function generalName(buf: Uint8Array, t: Tlv): GeneralName {
  switch (t.tag) {
    case 0x81:
      return { type: 'email', value: latin1(buf, t.content, t.end) };
    case 0x82:
      return { type: 'dns', value: latin1(buf, t.content, t.end) };
    case 0x86:
      return { type: 'uri', value: latin1(buf, t.content, t.end) };
    case 0x87:
      return { type: 'ip', value: ipText(contentOf(buf, t)) };
    case 0x88:
      return { type: 'registered-id', value: readOid(buf, t) };
    case 0xa4: {
      const name = readTlv(buf, t.content, t.end);
      return { type: 'directory', value: readName(bytesOf(buf, name)).rfc4514 };
    }
    case 0xa0: {
      const [typeId, explicit] = children(buf, t, 2);
      const oid = typeId && typeId.tag === TAG.OID ? readOid(buf, typeId) : 'unknown';
      if (oid === UPN_OID && explicit) {
        const inner = readTlv(buf, explicit.content, explicit.end);
        const text = readString(buf, inner);
        if (text !== null) return { type: 'upn', value: text };
      }
      return { type: 'other', value: oid };
    }
    case 0xa3: // x400Address
      children(buf, t, 256);
      return { type: 'other', value: '[3]' };
    case 0xa5: {
      // ediPartyName (RFC 5280 4.2.1.6): [0] nameAssigner OPTIONAL, [1] partyName.
      const parts = children(buf, t, 2);
      if (parts.at(-1)?.tag !== 0xa1 || (parts.length === 2 && parts[0]!.tag !== 0xa0)) throw new DerError('ediPartyName without its party name', t.start);
      return { type: 'other', value: '[5]' };
    }
    default:
      // RFC 5280 4.2.1.6: GeneralName is [0] to [8], each in its one form; anything else is damage.
      throw new DerError(`not a GeneralName (tag 0x${t.tag.toString(16)})`, t.start);
  }
}

/** IPv4/IPv6 text; name constraints use address+mask (8 or 32 bytes), shown as CIDR. */
export function ipText(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  if (bytes.length === 8) return `${ipText(bytes.subarray(0, 4))}/${prefixLength(bytes.subarray(4))}`;
  if (bytes.length === 32) return `${ipText(bytes.subarray(0, 16))}/${prefixLength(bytes.subarray(16))}`;
  if (bytes.length === 16) {
    const groups: number[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
    // RFC 5952 4.2: compress the longest run (2+) of zero groups, the first one when tied.
    let bestStart = -1;
    let bestLen = 0;
    for (let i = 0; i < 8; ) {
      if (groups[i] !== 0) { i++; continue; }
      let j = i;
      while (j < 8 && groups[j] === 0) j++;
      if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
      i = j;
    }
    const hexes = groups.map((g) => g.toString(16));
    if (bestStart < 0) return hexes.join(':');
    return `${hexes.slice(0, bestStart).join(':')}::${hexes.slice(bestStart + bestLen).join(':')}`;
  }
  return toHex(bytes);
}

function prefixLength(mask: Uint8Array): number {
  let n = 0;
  for (const b of mask) n += ((b.toString(2).match(/1/g) ?? []).length);
  return n;
}

export function decodeSubjectKeyId(value: Uint8Array): string {
  const t = root(value, TAG.OCTET_STRING, 'Subject Key Identifier');
  return toHex(contentOf(value, t));
}

export interface AuthorityKeyId {
  keyId: string | null;
  issuer: string | null;
  serial: string | null;
}

export function decodeAuthorityKeyId(value: Uint8Array): AuthorityKeyId {
  const seq = root(value, TAG.SEQUENCE, 'Authority Key Identifier');
  const out: AuthorityKeyId = { keyId: null, issuer: null, serial: null };
  for (const t of children(value, seq, 3)) {
    if (t.tag === 0x80) out.keyId = toHex(contentOf(value, t));
    else if (t.tag === 0xa1) {
      const names = children(value, t, 16).map((n) => generalName(value, n));
      out.issuer = names.map((n) => n.value).join('; ') || null;
    } else if (t.tag === 0x82) out.serial = toHex(contentOf(value, t));
    else throw new DerError(`Authority Key Identifier: unknown part (tag 0x${t.tag.toString(16)})`, t.start); // RFC 5280 4.2.1.1: [0], [1], [2] only
  }
  return out;
}

/** RFC 5280 4.2.2.1: OCSP responders and CA issuer URLs. */
export function decodeAuthorityInfoAccess(value: Uint8Array): { ocsp: string[]; caIssuers: string[] } {
  const seq = root(value, TAG.SEQUENCE, 'Authority Information Access');
  const out = { ocsp: [] as string[], caIssuers: [] as string[] };
  for (const ad of children(value, seq, 64)) {
    const [method, location] = ad.tag === TAG.SEQUENCE ? children(value, ad, 2) : [];
    if (!location) throw new DerError('an access description is not a method and a location', ad.start);
    const oid = expectOid(value, method);
    const name = generalName(value, location);
    if (oid === '1.3.6.1.5.5.7.48.1') out.ocsp.push(name.value);
    else if (oid === '1.3.6.1.5.5.7.48.2') out.caIssuers.push(name.value);
  }
  return out;
}

/** RFC 5280 4.2.1.13: the full names (URLs, directory names) of each distribution point. */
export function decodeCrlDistributionPoints(value: Uint8Array): string[] {
  const seq = root(value, TAG.SEQUENCE, 'CRL Distribution Points');
  const out: string[] = [];
  for (const dp of children(value, seq, 64)) {
    // RFC 5280 4.2.1.13: DistributionPoint is [0] distributionPoint, [1] reasons, [2] cRLIssuer;
    // DistributionPointName is [0] fullName or [1] nameRelativeToCRLIssuer. Other tags are damage.
    if (dp.tag !== TAG.SEQUENCE) throw new DerError('a distribution point is not a SEQUENCE', dp.start);
    for (const field of children(value, dp, 3)) {
      if (field.tag === 0x81 || field.tag === 0xa2) continue;
      if (field.tag !== 0xa0) throw new DerError(`a distribution point holds an unknown part (tag 0x${field.tag.toString(16)})`, field.start);
      for (const dpName of children(value, field, 2)) {
        if (dpName.tag === 0xa1) continue;
        if (dpName.tag !== 0xa0) throw new DerError(`a distribution point name of unknown kind (tag 0x${dpName.tag.toString(16)})`, dpName.start);
        for (const n of children(value, dpName, 64)) out.push(generalName(value, n).value);
      }
    }
  }
  return out;
}

export interface Policy {
  oid: string;
  name: string;
  cps: string[];
}

/** RFC 5280 4.2.1.4, with CPS pointer qualifiers. */
export function decodeCertificatePolicies(value: Uint8Array): Policy[] {
  const seq = root(value, TAG.SEQUENCE, 'Certificate Policies');
  return children(value, seq, 64).map((pi) => {
    if (pi.tag !== TAG.SEQUENCE) throw new DerError('a policy is not a SEQUENCE', pi.start);
    const [idTlv, qualifiers] = children(value, pi, 2);
    if (qualifiers && qualifiers.tag !== TAG.SEQUENCE) throw new DerError('policy qualifiers are not a SEQUENCE', qualifiers.start);
    if (!idTlv || idTlv.tag !== TAG.OID) throw new DerError('policy without an OID', pi.start);
    const oid = readOid(value, idTlv);
    const cps: string[] = [];
    if (qualifiers) {
      for (const q of children(value, qualifiers, 16)) {
        const [qid, qval] = q.tag === TAG.SEQUENCE ? children(value, q, 2) : [];
        if (expectOid(value, qid) === '1.3.6.1.5.5.7.2.1' && qval) cps.push(readString(value, qval) ?? '');
      }
    }
    return { oid, name: POLICY_NAMES[oid] ?? oid, cps };
  });
}

export interface TemplateInfo {
  name: string | null;
  oid: string | null;
  majorVersion: number | null;
  minorVersion: number | null;
}

/** Microsoft's v1 template name (1.3.6.1.4.1.311.20.2, a BMPString such as "User" or "WebServer"). */
export function decodeTemplateName(value: Uint8Array): string {
  const t = readTlv(value, 0);
  return readString(value, t) ?? ucs(value, t.content, t.end, 2);
}

/** Microsoft's v2 template information (1.3.6.1.4.1.311.21.7): template OID and versions. */
export function decodeTemplateInfo(value: Uint8Array): Omit<TemplateInfo, 'name'> {
  const seq = root(value, TAG.SEQUENCE, 'Certificate Template Information');
  const [oidTlv, major, minor] = children(value, seq, 3);
  if (!oidTlv || oidTlv.tag !== TAG.OID) throw new DerError('template without an OID', seq.start);
  return {
    oid: readOid(value, oidTlv),
    majorVersion: major ? readSmallInt(value, major) : null,
    minorVersion: minor ? readSmallInt(value, minor) : null,
  };
}

export interface NameConstraints {
  permitted: GeneralName[];
  excluded: GeneralName[];
}

/** RFC 5280 4.2.1.10. */
export function decodeNameConstraints(value: Uint8Array): NameConstraints {
  const seq = root(value, TAG.SEQUENCE, 'Name Constraints');
  const out: NameConstraints = { permitted: [], excluded: [] };
  for (const t of children(value, seq, 2)) {
    const list = t.tag === 0xa0 ? out.permitted : t.tag === 0xa1 ? out.excluded : null;
    // RFC 5280 4.2.1.10: only [0] permitted and [1] excluded; skipping another part would drop a limit.
    if (!list) throw new DerError(`name constraints hold an unknown part (tag 0x${t.tag.toString(16)})`, t.start);
    for (const subtree of children(value, t, MAX_GENERAL_NAMES)) {
      const [base] = children(value, subtree, 3);
      if (base) list.push(generalName(value, base));
    }
  }
  return out;
}

import { bytesEqual, toHex } from '../asn1/bytes';
import { DerError, TAG, bitStringBytes, bytesOf, children, contentOf, readOid, readTime, readTlv, unsignedInt, type Tlv } from '../asn1/der';
import { decodeAuthorityKeyId, decodeCrlDistributionPoints, generalName } from '../cert/extensions';
import type { SignedData } from '../cert/verify';
import { RevocationParseError, oneLine } from './pkix';

/**
 * A CRL (RFC 5280 5.1) read into plain data: the issuer, the update window, the CRL number (5.2.3),
 * delta indicator (5.2.4), issuingDistributionPoint scope (5.2.5) and each entry's revocation date
 * and reasonCode (5.3.1). Read with the bounded DER reader (shared/asn1/der.ts), not PKI.js: PKI.js 4
 * on asn1js 4 refuses any CRL over about 1,400 entries (asn1js's default limit of 10,000 nodes, which
 * PKI.js's fromBER does not let a caller raise) and took about 1.3 ms per entry here, where
 * enterprise CRLs hold 10,000 to 1,000,000. The tests check this reader against PKI.js on CRLs PKI.js
 * can read. The size bound is the fetcher's (20 MB by default) plus MAX_CRL_ENTRIES; a CRL is read
 * whole or refused with one line, never half-read.
 */

/** About 20 MB of the shortest entries (serial, date): a bound that is hit is said, never truncated. */
export const MAX_CRL_ENTRIES = 1_500_000;

export interface CrlEntry {
  revokedAt: Date;
  reasonCode: number | null;
}

export interface CrlScope {
  onlyUserCerts: boolean;
  onlyCaCerts: boolean;
  onlyAttributeCerts: boolean;
  indirect: boolean;
  onlySomeReasons: boolean;
  /** fullName URIs of the distribution point this CRL is for (empty: not said). */
  urls: string[];
}

export interface CrlEntries {
  readonly size: number;
  get(serialHex: string): CrlEntry | undefined;
}

export interface ParsedCrl {
  issuer: Uint8Array;
  thisUpdate: Date;
  nextUpdate: Date | null;
  crlNumber: string | null;
  /** BaseCRLNumber when this is a delta CRL (deltaCRLIndicator), else null. */
  deltaBase: string | null;
  authorityKeyId: string | null;
  scope: CrlScope | null;
  /** freshestCRL in the CRL itself: where its deltas are (RFC 5280 5.2.6). */
  freshest: string[];
  /** Serial (uppercase hex, no leading zero bytes) to entry; an entry is decoded only when asked for. */
  entries: CrlEntries;
  signed: SignedData;
}

/** X.690 universal tag 10. */
const ENUMERATED = 0x0a;

const OID = {
  crlNumber: '2.5.29.20',
  deltaIndicator: '2.5.29.27',
  idp: '2.5.29.28',
  freshest: '2.5.29.46',
  aki: '2.5.29.35',
  reason: '2.5.29.21',
} as const;

interface RawExt {
  oid: string;
  critical: boolean;
  value: Uint8Array;
}

/** Extensions ::= SEQUENCE OF Extension { extnID, critical DEFAULT FALSE, extnValue OCTET STRING }. */
function extensions(buf: Uint8Array, seq: Tlv): RawExt[] {
  return children(buf, seq, 64).map((e) => {
    const parts = children(buf, e, 3);
    const critical = parts.length === 3 && parts[1]!.tag === TAG.BOOLEAN && buf[parts[1]!.content] !== 0;
    const value = parts[parts.length - 1];
    if (parts[0]?.tag !== TAG.OID || value?.tag !== TAG.OCTET_STRING) throw new DerError('malformed extension', e.start);
    return { oid: readOid(buf, parts[0]), critical, value: contentOf(buf, value) };
  });
}

/** IssuingDistributionPoint (RFC 5280 5.2.5): [0] name, [1] user, [2] CA, [3] reasons, [4] indirect, [5] attribute. */
function scopeOf(value: Uint8Array): CrlScope {
  const scope: CrlScope = { onlyUserCerts: false, onlyCaCerts: false, onlyAttributeCerts: false, indirect: false, onlySomeReasons: false, urls: [] };
  const flag = (t: Tlv) => t.contentEnd > t.content && value[t.content] !== 0;
  for (const f of children(value, readTlv(value, 0), 6)) {
    if (f.tag === 0xa0) {
      for (const name of children(value, f, 2)) if (name.tag === 0xa0) for (const g of children(value, name, 64)) if (g.tag === 0x86) scope.urls.push(generalName(value, g).value);
    } else if (f.tag === 0x81) scope.onlyUserCerts = flag(f);
    else if (f.tag === 0x82) scope.onlyCaCerts = flag(f);
    else if (f.tag === 0x83) scope.onlySomeReasons = true;
    else if (f.tag === 0x84) scope.indirect = flag(f);
    else if (f.tag === 0x85) scope.onlyAttributeCerts = flag(f);
  }
  return scope;
}

function reasonOf(buf: Uint8Array, entry: Tlv[]): number | null {
  const exts = entry[2];
  if (!exts) return null;
  const reason = extensions(buf, exts).find((e) => e.oid === OID.reason);
  if (!reason) return null;
  const t = readTlv(reason.value, 0);
  if (t.tag !== ENUMERATED || t.contentEnd - t.content !== 1) throw new DerError('a reasonCode that is not a one-byte ENUMERATED', t.start);
  return reason.value[t.content]!;
}

function readCrlExtensions(buf: Uint8Array, seq: Tlv, out: ParsedCrl): void {
  for (const ext of extensions(buf, seq)) {
    const v = ext.value;
    if (ext.oid === OID.crlNumber) out.crlNumber = toHex(unsignedInt(v, readTlv(v, 0)));
    else if (ext.oid === OID.deltaIndicator) out.deltaBase = toHex(unsignedInt(v, readTlv(v, 0)));
    else if (ext.oid === OID.idp) out.scope = scopeOf(v);
    else if (ext.oid === OID.aki) out.authorityKeyId = decodeAuthorityKeyId(v).keyId?.replace(/[^0-9A-F]/gi, '').toUpperCase() ?? null;
    else if (ext.oid === OID.freshest) out.freshest = decodeCrlDistributionPoints(v);
    else if (ext.critical) {
      // RFC 5280 5.2: a CRL with a critical extension the reader does not process must not be used.
      throw new RevocationParseError(`the CRL has a critical extension Certbench does not process (${ext.oid})`);
    }
  }
}

/**
 * The revokedCertificates list, framed once (every entry's TLV read, so a damaged list is refused
 * now) and searched by serial on demand: a 20 MB CRL of 400,000 entries is one certificate's
 * question, and decoding every date into a Map took seconds and hundreds of MB.
 */
function readEntries(buf: Uint8Array, list: Tlv): CrlEntries {
  const starts: number[] = [];
  for (let pos = list.content; pos < list.contentEnd; ) {
    if (starts.length >= MAX_CRL_ENTRIES) throw new RevocationParseError(`the CRL lists more than ${MAX_CRL_ENTRIES.toLocaleString('en-US')} certificates, not read`);
    const e = readTlv(buf, pos, list.contentEnd);
    if (e.tag !== TAG.SEQUENCE) throw new DerError('malformed CRL entry', pos);
    starts.push(pos);
    pos = e.end;
  }
  return {
    size: starts.length,
    get(serialHex) {
      const wanted = Uint8Array.from(serialHex.match(/../g) ?? [], (h) => parseInt(h, 16));
      for (const start of starts) {
        const e = readTlv(buf, start, list.contentEnd);
        const serial = readTlv(buf, e.content, e.contentEnd);
        if (serial.tag !== TAG.INTEGER || !bytesEqual(unsignedInt(buf, serial), wanted)) continue;
        const parts = children(buf, e, 3);
        if (!parts[1]) throw new RevocationParseError('a CRL entry without a revocation date');
        return { revokedAt: readTime(buf, parts[1]), reasonCode: reasonOf(buf, parts) };
      }
      return undefined;
    },
  };
}

function read(der: Uint8Array): ParsedCrl {
  const outer = readTlv(der, 0);
  if (outer.tag !== TAG.SEQUENCE || outer.end !== der.length) throw new DerError('not a single SEQUENCE', 0);
  const [tbsTlv, algTlv, sigTlv] = children(der, outer, 3);
  if (tbsTlv?.tag !== TAG.SEQUENCE || algTlv?.tag !== TAG.SEQUENCE || sigTlv?.tag !== TAG.BIT_STRING) throw new DerError('not a CertificateList (RFC 5280 5.1)', 0);
  const fields = children(der, tbsTlv, 7);
  let i = fields[0]?.tag === TAG.INTEGER ? 1 : 0; // version v2 (optional)
  const [innerAlg, issuer, thisUpdate] = [fields[i++], fields[i++], fields[i++]];
  // RFC 5280 5.1.1.2: the outer signatureAlgorithm must be the same as the signed one.
  if (!innerAlg || !bytesEqual(bytesOf(der, innerAlg), bytesOf(der, algTlv))) throw new DerError('the signature algorithm outside differs from the one signed (RFC 5280 5.1.1.2)', algTlv.start);
  if (issuer?.tag !== TAG.SEQUENCE || !thisUpdate) throw new DerError('TBSCertList without issuer or thisUpdate', tbsTlv.start);
  const next = fields[i]?.tag === TAG.UTC_TIME || fields[i]?.tag === TAG.GENERALIZED_TIME ? fields[i++] : undefined;
  const [algOid, algParams] = children(der, algTlv, 2);
  if (algOid?.tag !== TAG.OID) throw new DerError('signature algorithm without an OID', algTlv.start);
  const out: ParsedCrl = {
    issuer: bytesOf(der, issuer),
    thisUpdate: readTime(der, thisUpdate),
    nextUpdate: next ? readTime(der, next) : null,
    crlNumber: null,
    deltaBase: null,
    authorityKeyId: null,
    scope: null,
    freshest: [],
    entries: { size: 0, get: () => undefined },
    signed: { tbs: bytesOf(der, tbsTlv), signatureAlgorithm: { oid: readOid(der, algOid), params: algParams ? bytesOf(der, algParams) : null }, signature: bitStringBytes(der, sigTlv, true) },
  };
  if (fields[i]?.tag === TAG.SEQUENCE) out.entries = readEntries(der, fields[i++]!);
  if (fields[i]?.tag === 0xa0) readCrlExtensions(der, readTlv(der, fields[i]!.content, fields[i]!.contentEnd), out);
  return out;
}

export function parseCrl(bytes: Uint8Array): ParsedCrl {
  try {
    return read(bytes);
  } catch (err) {
    if (err instanceof RevocationParseError) throw err;
    if (err instanceof DerError) throw new RevocationParseError(`not a CRL (${oneLine(err)})`);
    throw new RevocationParseError(`the CRL could not be read (${oneLine(err)})`);
  }
}

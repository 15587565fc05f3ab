import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toHex } from '../asn1/bytes';
import type { SignedData } from '../cert/verify';
import { RevocationParseError, bytesOfSchema, integerHex, oneLine } from './pkix';

/**
 * A CRL (RFC 5280 5.1) read with pkijs into plain data: the issuer, the update window, the CRL
 * number (5.2.3), delta indicator (5.2.4), issuingDistributionPoint scope (5.2.5) and each entry's
 * revocation date and reasonCode (5.3.1). The size bound is the fetcher's (20 MB by default); a
 * CRL is read whole or refused with one line, never half-read.
 */

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
  /** Serial (uppercase hex, no leading zero bytes) to entry. */
  entries: Map<string, CrlEntry>;
  signed: SignedData;
}

const OID = {
  crlNumber: '2.5.29.20',
  deltaIndicator: '2.5.29.27',
  idp: '2.5.29.28',
  freshest: '2.5.29.46',
  aki: '2.5.29.35',
  reason: '2.5.29.21',
} as const;

function dpUrls(name: pkijs.DistributionPointName | undefined): string[] {
  if (!Array.isArray(name)) return [];
  return name.filter((g) => g.type === 6 && typeof g.value === 'string').map((g) => g.value as string);
}

function scopeOf(idp: pkijs.IssuingDistributionPoint): CrlScope {
  return {
    onlyUserCerts: idp.onlyContainsUserCerts,
    onlyCaCerts: idp.onlyContainsCACerts,
    onlyAttributeCerts: idp.onlyContainsAttributeCerts,
    indirect: idp.indirectCRL,
    onlySomeReasons: idp.onlySomeReasons !== undefined,
    urls: dpUrls(idp.distributionPoint),
  };
}

function entryReason(entry: pkijs.RevokedCertificate): number | null {
  const ext = entry.crlEntryExtensions?.extensions.find((e) => e.extnID === OID.reason);
  if (!ext) return null;
  const value = asn1js.fromBER(ext.extnValue.valueBlock.valueHexView).result;
  if (!(value instanceof asn1js.Enumerated)) throw new RevocationParseError('a CRL entry reasonCode is not an ENUMERATED');
  return value.valueBlock.valueDec;
}

function readExtensions(crl: pkijs.CertificateRevocationList, out: ParsedCrl): void {
  for (const ext of crl.crlExtensions?.extensions ?? []) {
    const parsed: unknown = ext.parsedValue;
    if (ext.extnID === OID.crlNumber && parsed instanceof asn1js.Integer) out.crlNumber = integerHex(parsed);
    else if (ext.extnID === OID.deltaIndicator && parsed instanceof asn1js.Integer) out.deltaBase = integerHex(parsed);
    else if (ext.extnID === OID.idp && parsed instanceof pkijs.IssuingDistributionPoint) out.scope = scopeOf(parsed);
    else if (ext.extnID === OID.aki && parsed instanceof pkijs.AuthorityKeyIdentifier && parsed.keyIdentifier) out.authorityKeyId = toHex(parsed.keyIdentifier.valueBlock.valueHexView);
    else if (ext.extnID === OID.freshest && parsed instanceof pkijs.CRLDistributionPoints) out.freshest = parsed.distributionPoints.flatMap((d) => dpUrls(d.distributionPoint));
    else if (ext.critical && ![OID.crlNumber, OID.deltaIndicator, OID.idp].includes(ext.extnID as never)) {
      // RFC 5280 5.2: a CRL with a critical extension the reader does not process must not be used.
      throw new RevocationParseError(`the CRL has a critical extension Certbench does not process (${ext.extnID})`);
    }
  }
}

export function parseCrl(bytes: Uint8Array): ParsedCrl {
  let crl: pkijs.CertificateRevocationList;
  try {
    crl = pkijs.CertificateRevocationList.fromBER(new Uint8Array(bytes));
  } catch (err) {
    throw new RevocationParseError(`not a CRL (${oneLine(err)})`);
  }
  try {
    const out: ParsedCrl = {
      issuer: bytesOfSchema(crl.issuer.toSchema()),
      thisUpdate: crl.thisUpdate.value,
      nextUpdate: crl.nextUpdate?.value ?? null,
      crlNumber: null,
      deltaBase: null,
      authorityKeyId: null,
      scope: null,
      freshest: [],
      entries: new Map(),
      signed: {
        tbs: crl.tbsView,
        signatureAlgorithm: { oid: crl.signature.algorithmId, params: crl.signature.algorithmParams ? bytesOfSchema(crl.signature.algorithmParams as asn1js.BaseBlock) : null },
        signature: crl.signatureValue.valueBlock.valueHexView,
      },
    };
    readExtensions(crl, out);
    for (const entry of crl.revokedCertificates ?? []) {
      out.entries.set(integerHex(entry.userCertificate), { revokedAt: entry.revocationDate.value, reasonCode: entryReason(entry) });
    }
    return out;
  } catch (err) {
    if (err instanceof RevocationParseError) throw err;
    throw new RevocationParseError(`the CRL could not be read (${oneLine(err)})`);
  }
}

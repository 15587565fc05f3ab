import { decodeAuthorityInfoAccess, decodeCrlDistributionPoints } from '../cert/extensions';
import type { X509View } from '../cert/x509';
import type { RevocationAddresses } from '../model/revocation';

/**
 * Where a certificate says its revocation status is published: cRLDistributionPoints (RFC 5280
 * 4.2.1.13), freshestCRL (4.2.1.15, same syntax: where delta CRLs are) and authorityInfoAccess
 * (4.2.2.1: id-ad-ocsp, id-ad-caIssuers). The extension decoders are the certificate reader's own
 * (shared/cert/extensions.ts), so the view and the revocation engine never read them differently.
 */

const CRL_DP = '2.5.29.31';
const FRESHEST_CRL = '2.5.29.46';
const AIA = '1.3.6.1.5.5.7.1.1';

/** http: and https: are fetched; anything else is listed with the reason it is not. */
export function fetchable(url: string): string | null {
  const lower = url.toLowerCase();
  if (lower.startsWith('http://') || lower.startsWith('https://')) return null;
  if (lower.startsWith('ldap://') || lower.startsWith('ldaps://')) return 'not fetched (LDAP is not fetched by Certbench; Windows would try it)';
  if (lower.startsWith('file:')) return 'not fetched (a file: address is read only on the machine that has the file)';
  return 'not fetched (not an http: address)';
}

function decoded<T>(view: X509View, oid: string, decode: (v: Uint8Array) => T, empty: T): T {
  const ext = view.extensions.find((e) => e.oid === oid);
  if (!ext) return empty;
  try {
    return decode(ext.value);
  } catch {
    // A malformed extension is reported by the certificate view; here it simply names no address.
    return empty;
  }
}

export function revocationAddresses(view: X509View): RevocationAddresses {
  const crl = decoded(view, CRL_DP, decodeCrlDistributionPoints, []);
  const deltaCrl = decoded(view, FRESHEST_CRL, decodeCrlDistributionPoints, []);
  const aia = decoded(view, AIA, decodeAuthorityInfoAccess, { ocsp: [], caIssuers: [] });
  const notFetched = [...crl, ...deltaCrl, ...aia.ocsp].flatMap((url) => {
    const why = fetchable(url);
    return why ? [{ url, why }] : [];
  });
  return { crl, deltaCrl, ocsp: aia.ocsp, caIssuers: aia.caIssuers, notFetched };
}

import { decodeBasicConstraints, decodeSubjectKeyId } from '../cert/extensions';
import type { X509View } from '../cert/x509';
import type { ParsedCrl } from './crl';
import { failed, nameText, namesMatch, outsideWindow, signatureProblem, type Judgement } from './judge';
import { serialHex } from './pkix';

const REMOVE_FROM_CRL = 8;
const CERTIFICATE_HOLD = 6;

export function isCa(view: X509View): boolean {
  const bc = view.extensions.find((e) => e.oid === '2.5.29.19');
  try {
    return bc ? decodeBasicConstraints(bc.value).ca : false;
  } catch {
    return false;
  }
}

function subjectKeyId(view: X509View): string | null {
  const ext = view.extensions.find((e) => e.oid === '2.5.29.14');
  try {
    return ext ? decodeSubjectKeyId(ext.value).replace(/[^0-9A-F]/gi, '').toUpperCase() : null;
  } catch {
    return null;
  }
}

/** RFC 5280 5.2.5: is this CRL's scope one that covers `cert` from `url`? Words when not. */
function scopeProblem(crl: ParsedCrl, cert: X509View, url: string): string | null {
  const s = crl.scope;
  if (!s) return null;
  if (s.indirect) return 'could not check: an indirect CRL (entries for other CAs), which Certbench does not read';
  if (s.onlyAttributeCerts) return 'the CRL covers attribute certificates only';
  if (s.onlyUserCerts && isCa(cert)) return 'the CRL covers end-entity certificates only, and this is a CA';
  if (s.onlyCaCerts && !isCa(cert)) return 'the CRL covers CA certificates only, and this is an end-entity certificate';
  if (s.urls.length && !s.urls.includes(url)) return `the CRL is for distribution point ${s.urls.join(', ')}, not ${url}`;
  return null;
}

/**
 * One CRL's answer for `cert` (RFC 5280 6.3.3): issued by the certificate's issuer and signed with
 * its key, in scope, inside its window at `at`, and then the serial looked up. A delta CRL
 * (5.2.4) is judged the same way; combining it with the full CRL is the caller's.
 */
export async function judgeCrl(crl: ParsedCrl, cert: X509View, issuer: X509View, url: string, at: Date, delta: boolean): Promise<Judgement> {
  const window = { thisUpdate: crl.thisUpdate, nextUpdate: crl.nextUpdate };
  if (!namesMatch(crl.issuer, issuer.subject)) {
    return failed('wrong-issuer', `could not check: the CRL is issued by "${nameText(crl.issuer)}", not by the certificate's issuer "${nameText(issuer.subject)}" (indirect CRLs are not read)`, window);
  }
  if (delta !== (crl.deltaBase !== null)) return failed('wrong-issuer', delta ? 'a full CRL where a delta CRL was expected' : 'a delta CRL where a full CRL was expected', window);
  const ski = subjectKeyId(issuer);
  if (crl.authorityKeyId && ski && crl.authorityKeyId !== ski) return failed('bad-signature', `could not check: CRL signed by another key (authority key id ${crl.authorityKeyId}, the issuer's is ${ski})`, window);
  const sig = await signatureProblem(crl.signed, issuer.spki, 'CRL', "CRL signed by another key (its signature does not verify with the issuer's key)");
  if (sig) return { ...sig, ...window };
  const scope = scopeProblem(crl, cert, url);
  if (scope) return failed('wrong-issuer', scope, window);
  const entry = crl.entries.get(serialHex(cert.serial));
  if (entry && entry.reasonCode !== REMOVE_FROM_CRL) {
    // A listed certificate is revoked even on a stale CRL: revocation is final (RFC 5280 3.3), except a hold.
    const stale = outsideWindow('the CRL', crl.thisUpdate, crl.nextUpdate, at);
    if (!stale || entry.reasonCode !== CERTIFICATE_HOLD) return { outcome: 'revoked', failure: null, detail: 'listed on the CRL as revoked', ...window, revokedAt: entry.revokedAt, reasonCode: entry.reasonCode };
  }
  const stale = outsideWindow(delta ? 'the delta CRL' : 'the CRL', crl.thisUpdate, crl.nextUpdate, at);
  if (stale) return failed('stale', stale, window);
  const removed = entry?.reasonCode === REMOVE_FROM_CRL ? ' (removed from the CRL: no longer on hold)' : '';
  return { outcome: 'good', failure: null, detail: `not on the CRL${crl.crlNumber ? ` number ${crl.crlNumber}` : ''}${removed}`, ...window, revokedAt: null, reasonCode: null };
}

import { bytesEqual } from '../asn1/bytes';
import { decodeEku } from '../cert/extensions';
import { verifySignature } from '../cert/verify';
import { parseX509, type X509View } from '../cert/x509';
import { failed, nameText, namesMatch, outsideWindow, signatureProblem, type Judgement } from './judge';
import { OCSP_STATUS_WORDS, certIdHash, type OcspSingle, type ParsedOcsp } from './ocsp';
import { serialHex } from './pkix';

const OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';
/** id-pkix-ocsp-nocheck (RFC 6960 4.2.2.2.1): the responder's own certificate is not checked for revocation. */
const OCSP_NOCHECK = '1.3.6.1.5.5.7.48.1.5';

function keyHash(view: X509View, hash: (b: Uint8Array) => Uint8Array): Uint8Array {
  return hash(view.spki.publicKey);
}

function isResponder(ocsp: ParsedOcsp, view: X509View): boolean {
  if (ocsp.responderName) return namesMatch(ocsp.responderName, view.subject);
  const hash = certIdHash('1.3.14.3.2.26')!;
  return ocsp.responderKeyHash !== null && bytesEqual(ocsp.responderKeyHash, keyHash(view, hash));
}

type Signer = { view: X509View; note: string } | { problem: string };

/**
 * Who may sign the answer (RFC 6960 4.2.2.2): the CA itself, or a certificate the CA issued with
 * id-kp-OCSPSigning, valid at `at`. Anything else is refused even when its signature verifies.
 */
async function authorisedSigner(ocsp: ParsedOcsp, issuer: X509View, at: Date): Promise<Signer> {
  if (isResponder(ocsp, issuer)) return { view: issuer, note: 'signed by the CA' };
  for (const der of ocsp.certs) {
    let view: X509View;
    try {
      view = parseX509(der);
    } catch {
      continue;
    }
    if (!isResponder(ocsp, view)) continue;
    if (!namesMatch(view.issuer, issuer.subject) || (await verifySignature(view, issuer.spki)) !== true) {
      return { problem: `the responder "${nameText(view.subject)}" is not issued by the CA "${nameText(issuer.subject)}" (RFC 6960 4.2.2.2)` };
    }
    const ekuExt = view.extensions.find((e) => e.oid === '2.5.29.37');
    const eku = ekuExt ? decodeEku(ekuExt.value).map((e) => e.oid) : [];
    if (!eku.includes(OCSP_SIGNING)) return { problem: `the responder "${nameText(view.subject)}" lacks the OCSP Signing purpose (id-kp-OCSPSigning, RFC 6960 4.2.2.2)` };
    if (view.notBefore > at || view.notAfter < at) return { problem: `the responder's certificate "${nameText(view.subject)}" is not valid at ${at.toISOString()}` };
    const nocheck = view.extensions.some((e) => e.oid === OCSP_NOCHECK);
    return { view, note: `signed by delegated responder "${nameText(view.subject)}"${nocheck ? ' (id-pkix-ocsp-nocheck: its own revocation is not checked)' : ' (no id-pkix-ocsp-nocheck: its own revocation is not checked by Certbench)'}` };
  }
  return { problem: 'could not check: the OCSP answer is signed by a responder that is neither the CA nor named in the response' };
}

function matching(ocsp: ParsedOcsp, cert: X509View, issuer: X509View): OcspSingle | null {
  const serial = serialHex(cert.serial);
  for (const r of ocsp.responses) {
    const hash = certIdHash(r.hashOid);
    if (!hash || r.serial !== serial) continue;
    if (bytesEqual(r.issuerNameHash, hash(cert.issuer)) && bytesEqual(r.issuerKeyHash, keyHash(issuer, hash))) return r;
  }
  return null;
}

/** One OCSP answer for `cert` (RFC 6960 3.2): responder authorised, signature, CertID, window, status. */
export async function judgeOcsp(ocsp: ParsedOcsp, cert: X509View, issuer: X509View, at: Date): Promise<Judgement> {
  if (ocsp.responseStatus !== 0 || !ocsp.signed) {
    return failed('responder-error', `the responder answered ${OCSP_STATUS_WORDS[ocsp.responseStatus] ?? `status ${ocsp.responseStatus}`} (no certificate status)`);
  }
  const signer = await authorisedSigner(ocsp, issuer, at);
  if ('problem' in signer) return failed('wrong-issuer', signer.problem);
  const sig = await signatureProblem(ocsp.signed, signer.view.spki, 'OCSP answer', "the OCSP answer's signature does not verify with the responder's key");
  if (sig) return sig;
  const r = matching(ocsp, cert, issuer);
  if (!r) return failed('wrong-issuer', 'the OCSP answer is not about this certificate (no matching CertID)');
  const window = { thisUpdate: r.thisUpdate, nextUpdate: r.nextUpdate };
  const stale = outsideWindow('the OCSP answer', r.thisUpdate, r.nextUpdate, at);
  if (stale) return failed('stale', stale, window);
  const base = { failure: null, ...window, revokedAt: r.revokedAt, reasonCode: r.reasonCode };
  if (r.status === 'revoked') return { outcome: 'revoked', detail: `the responder says revoked (${signer.note})`, ...base };
  if (r.status === 'unknown') return { outcome: 'unknown', detail: `the responder does not know this certificate ("unknown": it may not be issued by this CA, or the responder lacks its records) (${signer.note})`, ...base };
  return { outcome: 'good', detail: `the responder says good (${signer.note})`, ...base };
}

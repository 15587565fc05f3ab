import { DerError, TAG, bytesOf, children, context, expectOid, isConstructed, isTag, readTlv, type Tlv } from '../../asn1/der';
import { Fault, LIMITS, count } from './fault';
import { OID } from './oids';

/**
 * Certificates of a PKCS#7 / CMS SignedData (RFC 5652), the ".p7b" bundle Windows exports as
 * "Cryptographic Message Syntax Standard - PKCS #7 Certificates" (and `openssl crl2pkcs7 -nocrl`
 * writes): ContentInfo { signedData, [0] SignedData { version, digestAlgorithms, encapContentInfo,
 * [0] IMPLICIT certificates, [1] crls, signerInfos } }. The certificates come out byte for byte.
 */
export function readPkcs7(buf: Uint8Array, tlv: Tlv): Uint8Array[] {
  const [typeTlv, explicit] = children(buf, tlv, 4);
  const type = expectOid(buf, typeTlv);
  if (type !== OID.signedData) throw new Fault('bad-input', `is PKCS#7 of type ${type}, not a certificate bundle (SignedData)`);
  if (!isTag(explicit, context(0)) || !isConstructed(explicit)) throw new DerError('PKCS#7 has no content');
  const signedData = children(buf, explicit, 2)[0];
  if (!isTag(signedData, TAG.SEQUENCE)) throw new DerError('PKCS#7 SignedData is not a SEQUENCE');
  const fields = children(buf, signedData, 8);
  const [version, digestAlgorithms, encap] = fields;
  if (!isTag(version, TAG.INTEGER) || !isTag(digestAlgorithms, TAG.SET) || !isTag(encap, TAG.SEQUENCE)) {
    throw new DerError('PKCS#7 SignedData is malformed');
  }
  const certSet = fields.slice(3).find((f) => isTag(f, context(0)));
  if (!certSet) return [];
  if (!isConstructed(certSet)) throw new DerError('PKCS#7 certificate set is malformed');
  const out: Uint8Array[] = [];
  let p = certSet.content;
  while (p < certSet.contentEnd) {
    const cert = readTlv(buf, p, certSet.contentEnd, 'ber');
    p = cert.end;
    // Only X.509 certificates (a plain SEQUENCE); attribute and other certificate choices are tagged.
    if (!isTag(cert, TAG.SEQUENCE)) continue;
    if (out.length >= LIMITS.maxCertificates) {
      throw new Fault('too-large', `holds more than ${count(LIMITS.maxCertificates)} certificates; Certbench reads at most that many per file`);
    }
    out.push(bytesOf(buf, cert));
  }
  return out;
}

import { bytesEqual } from '../asn1/bytes';
import { DerError, TAG, bitStringBytes, bytesOf, children, contentOf, context, expectTlv, readOid, readTime, wellFormed, type Tlv } from '../asn1/der';

/**
 * The structure of one X.509 certificate (RFC 5280 4.1) as byte ranges over its DER, decoded with
 * the bounded reader in shared/asn1/der.ts. Only what the model, chain building and signature
 * checking need is decoded; extension values stay raw until extensions.ts asks for them.
 */
export interface X509View {
  der: Uint8Array;
  /** The signed bytes (TBSCertificate, whole TLV). */
  tbs: Uint8Array;
  version: number;
  serial: Uint8Array;
  signatureAlgorithm: { oid: string; params: Uint8Array | null };
  /** RFC 5280 4.1.1.2: the outer signatureAlgorithm must equal the TBSCertificate's signature field. */
  signatureAlgorithmsMatch: boolean;
  signature: Uint8Array;
  issuer: Uint8Array;
  subject: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  spki: { der: Uint8Array; algorithmOid: string; params: Uint8Array | null; publicKey: Uint8Array };
  extensions: RawExtension[];
}

export interface RawExtension {
  oid: string;
  critical: boolean;
  /** Contents of extnValue's OCTET STRING: the DER of the extension itself. */
  value: Uint8Array;
}

/** At most this many extensions: real certificates carry about ten; this bounds hostile input. */
const MAX_EXTENSIONS = 256;

export function parseX509(der: Uint8Array): X509View {
  const cert = expectTlv(der, 0, TAG.SEQUENCE, der.length, 'Certificate SEQUENCE');
  if (cert.end !== der.length) throw new DerError(`${der.length - cert.end} unexpected bytes after the certificate`, cert.end);
  const [tbsTlv, sigAlgTlv, sigTlv] = children(der, cert, 3);
  if (!tbsTlv || !sigAlgTlv || !sigTlv) throw new DerError('a certificate has three parts; some are missing', 0);
  if (tbsTlv.tag !== TAG.SEQUENCE || sigTlv.tag !== TAG.BIT_STRING) throw new DerError('not an X.509 certificate', 0);

  const parts = children(der, tbsTlv, 10);
  let i = 0;
  let version = 1;
  if (parts[0]?.tag === context(0)) {
    const v = expectTlv(der, parts[0].content, TAG.INTEGER, parts[0].end, 'version');
    // RFC 5280 4.1.2.1: v1(0), v2(1), v3(2) are the only versions; anything else is not a certificate we can read.
    if (v.end !== parts[0].end || v.contentEnd - v.content !== 1 || der[v.content]! > 2) throw new DerError('unknown certificate version', v.start);
    version = der[v.content]! + 1;
    i = 1;
  }
  const [serialTlv, innerSigTlv, issuerTlv, validityTlv, subjectTlv, spkiTlv] = parts.slice(i, i + 6);
  if (!serialTlv || !innerSigTlv || !issuerTlv || !validityTlv || !subjectTlv || !spkiTlv) {
    throw new DerError('TBSCertificate is missing fields', tbsTlv.start);
  }
  if (serialTlv.tag !== TAG.INTEGER || issuerTlv.tag !== TAG.SEQUENCE || subjectTlv.tag !== TAG.SEQUENCE) {
    throw new DerError('not an X.509 certificate (unexpected field types)', tbsTlv.start);
  }
  if (validityTlv.tag !== TAG.SEQUENCE) throw new DerError('validity is not a SEQUENCE', validityTlv.start);
  const [nb, na] = children(der, validityTlv, 2);
  if (!nb || !na) throw new DerError('validity is incomplete', validityTlv.start);
  // RFC 5280 4.1.1.2 / 4.1.2.3: the TBSCertificate's signature field is an AlgorithmIdentifier too.
  readAlgorithm(der, innerSigTlv);

  const extensions: RawExtension[] = [];
  for (const extra of parts.slice(i + 6)) {
    // RFC 5280 4.1: after the key come only [1] issuerUniqueID and [2] subjectUniqueID (ignored) and [3] extensions.
    if (extra.tag === 0x81 || extra.tag === 0x82) {
      bitStringBytes(der, extra); // UniqueIdentifier ::= BIT STRING, primitive in DER (X.690 10.2)
      continue;
    }
    if (extra.tag !== context(3)) throw new DerError(`unexpected field after the public key (tag 0x${extra.tag.toString(16)})`, extra.start);
    const seq = expectTlv(der, extra.content, TAG.SEQUENCE, extra.end, 'Extensions');
    for (const ext of children(der, seq, MAX_EXTENSIONS)) {
      if (ext.tag !== TAG.SEQUENCE) throw new DerError('an extension is not a SEQUENCE', ext.start);
      const fields = children(der, ext, 3);
      const oidTlv = fields[0];
      if (!oidTlv || oidTlv.tag !== TAG.OID) throw new DerError('extension without an OID', ext.start);
      let critical = false;
      let valueTlv = fields[1];
      if (valueTlv?.tag === TAG.BOOLEAN) {
        critical = der[valueTlv.content] !== 0;
        valueTlv = fields[2];
      }
      if (!valueTlv || valueTlv.tag !== TAG.OCTET_STRING) throw new DerError('extension without a value', ext.start);
      // RFC 5280 4.1: Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue } and nothing after.
      if (valueTlv !== fields[fields.length - 1]) throw new DerError('an extension holds more than an OID, a flag and a value', ext.start);
      extensions.push({ oid: readOid(der, oidTlv), critical, value: contentOf(der, valueTlv) });
    }
  }

  return {
    der,
    tbs: bytesOf(der, tbsTlv),
    version,
    serial: contentOf(der, serialTlv),
    signatureAlgorithm: readAlgorithm(der, sigAlgTlv),
    signatureAlgorithmsMatch: bytesEqual(bytesOf(der, innerSigTlv), bytesOf(der, sigAlgTlv)),
    signature: bitStringBytes(der, sigTlv),
    issuer: bytesOf(der, issuerTlv),
    subject: bytesOf(der, subjectTlv),
    notBefore: readTime(der, nb),
    notAfter: readTime(der, na),
    spki: readSpki(der, spkiTlv),
    extensions,
  };
}

function readAlgorithm(der: Uint8Array, tlv: Tlv): { oid: string; params: Uint8Array | null } {
  if (tlv.tag !== TAG.SEQUENCE) throw new DerError('AlgorithmIdentifier is not a SEQUENCE', tlv.start);
  const [oid, params] = children(der, tlv, 2);
  if (!oid || oid.tag !== TAG.OID) throw new DerError('AlgorithmIdentifier without an OID', tlv.start);
  // A named curve's OID is read now, so a damaged one refuses the certificate instead of showing as "explicit parameters".
  if (params?.tag === TAG.OID) readOid(der, params);
  else if (params) wellFormed(der, params);
  return { oid: readOid(der, oid), params: params && params.tag !== TAG.NULL ? bytesOf(der, params) : null };
}

function readSpki(der: Uint8Array, tlv: Tlv): X509View['spki'] {
  if (tlv.tag !== TAG.SEQUENCE) throw new DerError('SubjectPublicKeyInfo is not a SEQUENCE', tlv.start);
  const [alg, key] = children(der, tlv, 2);
  if (!alg || !key || key.tag !== TAG.BIT_STRING) throw new DerError('SubjectPublicKeyInfo is incomplete', tlv.start);
  const algorithm = readAlgorithm(der, alg);
  return { der: bytesOf(der, tlv), algorithmOid: algorithm.oid, params: algorithm.params, publicKey: bitStringBytes(der, key) };
}

import crypto from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { signatureAlgorithm, type LabCertificate } from './pki';

/**
 * CRLs (RFC 5280 5) and OCSP responses (RFC 6960 4.2) for the lab and the tests, built with pkijs
 * and signed with node:crypto (the same signer as the lab's certificates, so every lab key type
 * works). What they hold is chosen by the caller: a revoked serial, a stale window, "unknown".
 */

export interface LabRevokedEntry {
  serial: Buffer;
  revokedAt: Date;
  /** CRLReason (RFC 5280 5.3.1); omitted: no reasonCode extension. */
  reason?: number;
}

function algorithm(key: crypto.KeyObject): { id: pkijs.AlgorithmIdentifier; digest: string | null } {
  const { alg, digest } = signatureAlgorithm(key);
  // The certificate writer gives the AlgorithmIdentifier as a PKI.js factory or as its DER: both are read.
  const given: unknown = alg;
  const id = typeof given === 'function' ? (given as () => pkijs.AlgorithmIdentifier)() : new pkijs.AlgorithmIdentifier({ schema: asn1js.fromBER(given as Uint8Array<ArrayBuffer>).result });
  return { id, digest };
}

function sign(key: crypto.KeyObject, digest: string | null, tbs: ArrayBuffer | Uint8Array): asn1js.BitString {
  return new asn1js.BitString({ valueHex: crypto.sign(digest, new Uint8Array(tbs), key) });
}

/** A serial's unsigned bytes as a DER INTEGER's content: a leading 0x00 when the top bit is set (X.690 8.3.2). */
function positive(serial: Buffer): Uint8Array<ArrayBuffer> {
  return (serial[0] ?? 0) & 0x80 ? Uint8Array.from([0, ...serial]) : new Uint8Array(serial);
}

function name(der: Buffer): pkijs.RelativeDistinguishedNames {
  return pkijs.RelativeDistinguishedNames.fromBER(new Uint8Array(der));
}

function ext(extnID: string, value: asn1js.BaseBlock, critical = false): pkijs.Extension {
  return new pkijs.Extension({ extnID, critical, extnValue: value.toBER(false) });
}

export interface CrlOptions {
  issuer: LabCertificate;
  entries?: LabRevokedEntry[];
  thisUpdate: Date;
  nextUpdate: Date | null;
  crlNumber?: number;
  /** Makes this a delta CRL on that base (RFC 5280 5.2.4). */
  deltaBase?: number;
  /** issuingDistributionPoint (5.2.5) with this fullName URI. */
  idpUrl?: string;
  onlyCaCerts?: boolean;
  /** freshestCRL (RFC 5280 5.2.6): where this full CRL's delta CRLs are. */
  freshestUrls?: string[];
  /** Sign with another key than the issuer's (a key rollover the reader cannot follow). */
  signingKey?: crypto.KeyObject;
}

export function buildCrl(o: CrlOptions): Buffer {
  const key = o.signingKey ?? o.issuer.key;
  const { id, digest } = algorithm(key);
  const extensions = [
    ext('2.5.29.35', new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: new Uint8Array(o.issuer.ski) }) }).toSchema()),
    ext('2.5.29.20', new asn1js.Integer({ value: o.crlNumber ?? 1 })),
  ];
  if (o.freshestUrls?.length) extensions.push(ext('2.5.29.46', distributionPoints(o.freshestUrls).toSchema()));
  if (o.deltaBase !== undefined) extensions.push(ext('2.5.29.27', new asn1js.Integer({ value: o.deltaBase }), true));
  if (o.idpUrl || o.onlyCaCerts) {
    const parts: asn1js.BaseBlock[] = [];
    if (o.idpUrl) parts.push(new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [new pkijs.GeneralName({ type: 6, value: o.idpUrl }).toSchema()] })] }));
    if (o.onlyCaCerts) parts.push(new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 2 }, valueHex: Uint8Array.of(0xff) }));
    extensions.push(ext('2.5.29.28', new asn1js.Sequence({ value: parts }), true));
  }
  const crl = new pkijs.CertificateRevocationList({
    version: 1,
    signature: id,
    issuer: name(o.issuer.nameDer),
    thisUpdate: new pkijs.Time({ type: 0, value: o.thisUpdate }),
    ...(o.nextUpdate ? { nextUpdate: new pkijs.Time({ type: 0, value: o.nextUpdate }) } : {}),
    crlExtensions: new pkijs.Extensions({ extensions }),
  });
  if (o.entries?.length) {
    crl.revokedCertificates = o.entries.map(
      (e) =>
        new pkijs.RevokedCertificate({
          userCertificate: new asn1js.Integer({ valueHex: positive(e.serial) }),
          revocationDate: new pkijs.Time({ type: 0, value: e.revokedAt }),
          ...(e.reason !== undefined ? { crlEntryExtensions: new pkijs.Extensions({ extensions: [ext('2.5.29.21', new asn1js.Enumerated({ value: e.reason }))] }) } : {}),
        }),
    );
  }
  crl.signatureAlgorithm = id;
  crl.tbsView = new Uint8Array((crl.toSchema(true) as asn1js.Sequence).valueBlock.value[0]!.toBER(false));
  crl.signatureValue = sign(key, digest, crl.tbsView);
  return Buffer.from(crl.toSchema(false).toBER(false));
}

/** The freshestCRL / cRLDistributionPoints value (one fullName URI each), for CRLs that point at their deltas. */
export function distributionPoints(urls: string[]): pkijs.CRLDistributionPoints {
  return new pkijs.CRLDistributionPoints({ distributionPoints: urls.map((u) => new pkijs.DistributionPoint({ distributionPoint: [new pkijs.GeneralName({ type: 6, value: u })] })) });
}

export type OcspAnswer = { status: 'good' } | { status: 'unknown' } | { status: 'revoked'; revokedAt: Date; reason?: number };

export interface OcspOptions {
  /** The CA the answers are about. */
  ca: LabCertificate;
  /** Who signs: the CA (default) or a delegated responder certificate the CA issued. */
  signer?: LabCertificate;
  /** The CertIDs as the request carried them, each with its answer. */
  answers: { certId: pkijs.CertID; answer: OcspAnswer }[];
  thisUpdate: Date;
  nextUpdate: Date | null;
  /** A non-zero OCSPResponseStatus (RFC 6960 4.2.1) and no answer at all. */
  responseStatus?: number;
}

function certStatus(a: OcspAnswer): asn1js.BaseBlock {
  if (a.status === 'good') return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 } });
  if (a.status === 'unknown') return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 2 } });
  const value: asn1js.BaseBlock[] = [new asn1js.GeneralizedTime({ valueDate: a.revokedAt })];
  if (a.reason !== undefined) value.push(new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [new asn1js.Enumerated({ value: a.reason })] }));
  return new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 1 }, value });
}

export function buildOcspResponse(o: OcspOptions): Buffer {
  if (o.responseStatus) return Buffer.from(new pkijs.OCSPResponse({ responseStatus: new asn1js.Enumerated({ value: o.responseStatus }) }).toSchema().toBER(false));
  const signer = o.signer ?? o.ca;
  const { id, digest } = algorithm(signer.key);
  const data = new pkijs.ResponseData({
    responderID: name(signer.nameDer),
    producedAt: new Date(),
    responses: o.answers.map(
      (a) => new pkijs.SingleResponse({ certID: a.certId, certStatus: certStatus(a.answer), thisUpdate: o.thisUpdate, ...(o.nextUpdate ? { nextUpdate: o.nextUpdate } : {}) }),
    ),
  });
  data.tbsView = new Uint8Array(data.toSchema(true).toBER(false));
  const basic = new pkijs.BasicOCSPResponse({ tbsResponseData: data, signatureAlgorithm: id, signature: sign(signer.key, digest, data.tbsView) });
  if (o.signer) basic.certs = [pkijs.Certificate.fromBER(new Uint8Array(o.signer.der))];
  const response = new pkijs.OCSPResponse({
    responseStatus: new asn1js.Enumerated({ value: 0 }),
    responseBytes: new pkijs.ResponseBytes({ responseType: '1.3.6.1.5.5.7.48.1.1', response: new asn1js.OctetString({ valueHex: basic.toSchema().toBER(false) }) }),
  });
  return Buffer.from(response.toSchema().toBER(false));
}

/** The CertIDs of an OCSPRequest (RFC 6960 4.1.1), for a responder; throws on bytes that are not one. */
export function requestedCertIds(body: Uint8Array): pkijs.CertID[] {
  return pkijs.OCSPRequest.fromBER(new Uint8Array(body)).tbsRequest.requestList.map((r) => r.reqCert);
}

export function certIdSerialHex(id: pkijs.CertID): string {
  return Buffer.from(id.serialNumber.valueBlock.valueHexView).toString('hex').replace(/^(00)+(?=.)/, '').toUpperCase();
}

import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { SignedData } from '../cert/verify';
import type { X509View } from '../cert/x509';
import { bytesEqual } from '../asn1/bytes';
import { RevocationParseError, bytesOfSchema, integerHex, oneLine } from './pkix';

/**
 * OCSP (RFC 6960): the request for one certificate (4.1) and the response read with pkijs into
 * plain data (4.2: OCSPResponse, BasicOCSPResponse, responder by name or key hash, each
 * SingleResponse's status, thisUpdate and nextUpdate).
 */

const SHA1 = '1.3.14.3.2.26';
const SHA256 = '2.16.840.1.101.3.4.2.1';
const BASIC = '1.3.6.1.5.5.7.48.1.1';

/** The hash a CertID names, for the algorithms responders use (null: one Certbench does not compute). */
export function certIdHash(oid: string): ((b: Uint8Array) => Uint8Array) | null {
  if (oid === SHA1) return sha1;
  if (oid === SHA256) return sha256;
  return null;
}

/**
 * OCSPRequest for `cert` issued by `issuer`: one CertID with SHA-1, as most responders expect
 * (RFC 6960 4.1.1; RFC 5019 2.1.1 profiles SHA-1 for CertID), no nonce (RFC 5019 2.1.2 lets
 * responders answer from a cache) and no signature.
 */
export function buildOcspRequest(cert: X509View, issuer: X509View): Uint8Array {
  const certId = new pkijs.CertID({
    hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: SHA1, algorithmParams: new asn1js.Null() }),
    issuerNameHash: new asn1js.OctetString({ valueHex: sha1(cert.issuer) }),
    issuerKeyHash: new asn1js.OctetString({ valueHex: sha1(issuer.spki.publicKey) }),
    serialNumber: new asn1js.Integer({ valueHex: cert.serial }),
  });
  const request = new pkijs.OCSPRequest({ tbsRequest: new pkijs.TBSRequest({ requestList: [new pkijs.Request({ reqCert: certId })] }) });
  return bytesOfSchema(request.toSchema(true));
}

export interface OcspSingle {
  hashOid: string;
  issuerNameHash: Uint8Array;
  issuerKeyHash: Uint8Array;
  serial: string;
  status: 'good' | 'revoked' | 'unknown';
  revokedAt: Date | null;
  reasonCode: number | null;
  thisUpdate: Date;
  nextUpdate: Date | null;
}

export interface ParsedOcsp {
  /** OCSPResponseStatus (RFC 6960 4.2.1): 0 successful; the rest carry no answer. */
  responseStatus: number;
  responderName: Uint8Array | null;
  responderKeyHash: Uint8Array | null;
  producedAt: Date | null;
  /** Certificates the responder sent (a delegated responder's own, RFC 6960 4.2.2.2). */
  certs: Uint8Array[];
  responses: OcspSingle[];
  signed: SignedData | null;
}

export const OCSP_STATUS_WORDS: Readonly<Record<number, string>> = {
  1: 'malformedRequest',
  2: 'internalError',
  3: 'tryLater',
  5: 'sigRequired',
  6: 'unauthorized',
};

function single(r: pkijs.SingleResponse): OcspSingle {
  const status = r.certStatus as asn1js.BaseBlock;
  const tag = status.idBlock.tagNumber;
  let revokedAt: Date | null = null;
  let reasonCode: number | null = null;
  if (tag === 1) {
    const parts = (status as asn1js.Constructed).valueBlock.value;
    const time = parts[0];
    if (!(time instanceof asn1js.GeneralizedTime)) throw new RevocationParseError('a revoked OCSP answer has no revocationTime');
    revokedAt = time.toDate();
    const reason = parts[1];
    if (reason instanceof asn1js.Constructed && reason.valueBlock.value[0] instanceof asn1js.Enumerated) reasonCode = reason.valueBlock.value[0].valueBlock.valueDec;
  } else if (tag !== 0 && tag !== 2) throw new RevocationParseError(`an OCSP answer has an unknown certStatus [${tag}]`);
  return {
    hashOid: r.certID.hashAlgorithm.algorithmId,
    issuerNameHash: r.certID.issuerNameHash.valueBlock.valueHexView,
    issuerKeyHash: r.certID.issuerKeyHash.valueBlock.valueHexView,
    serial: integerHex(r.certID.serialNumber),
    status: tag === 0 ? 'good' : tag === 1 ? 'revoked' : 'unknown',
    revokedAt,
    reasonCode,
    thisUpdate: r.thisUpdate,
    nextUpdate: r.nextUpdate ?? null,
  };
}

function basic(bytes: Uint8Array): Omit<ParsedOcsp, 'responseStatus'> {
  const b = pkijs.BasicOCSPResponse.fromBER(new Uint8Array(bytes));
  // A signature is whole bytes (X.690 8.6.2): unused bits would let a changed byte still verify.
  if (b.signature.valueBlock.unusedBits !== 0) throw new RevocationParseError('the OCSP signature BIT STRING has unused bits');
  // asn1js reads some malformed lengths leniently; the answer must be exactly its DER (RFC 6960 4.2.1).
  if (!bytesEqual(bytesOfSchema(b.toSchema()), bytes)) throw new RevocationParseError('the BasicOCSPResponse is not valid DER');
  const data = b.tbsResponseData;
  const id: unknown = data.responderID;
  return {
    responderName: id instanceof pkijs.RelativeDistinguishedNames ? bytesOfSchema(id.toSchema()) : null,
    responderKeyHash: id instanceof asn1js.OctetString ? id.valueBlock.valueHexView : null,
    producedAt: data.producedAt,
    certs: (b.certs ?? []).map((c) => bytesOfSchema(c.toSchema())),
    responses: data.responses.map(single),
    signed: {
      tbs: data.tbsView,
      signatureAlgorithm: { oid: b.signatureAlgorithm.algorithmId, params: b.signatureAlgorithm.algorithmParams ? bytesOfSchema(b.signatureAlgorithm.algorithmParams as asn1js.BaseBlock) : null },
      signature: b.signature.valueBlock.valueHexView,
    },
  };
}

export function parseOcspResponse(bytes: Uint8Array): ParsedOcsp {
  let response: pkijs.OCSPResponse;
  try {
    response = pkijs.OCSPResponse.fromBER(new Uint8Array(bytes));
  } catch (err) {
    throw new RevocationParseError(`not an OCSP response (${oneLine(err)})`);
  }
  const responseStatus = response.responseStatus.valueBlock.valueDec;
  const empty = { responderName: null, responderKeyHash: null, producedAt: null, certs: [], responses: [], signed: null };
  if (responseStatus !== 0) return { responseStatus, ...empty };
  if (!response.responseBytes) throw new RevocationParseError('a successful OCSP response without responseBytes');
  if (response.responseBytes.responseType !== BASIC) throw new RevocationParseError(`an OCSP response of type ${response.responseBytes.responseType}, not the basic type`);
  try {
    return { responseStatus, ...basic(response.responseBytes.response.valueBlock.valueHexView) };
  } catch (err) {
    if (err instanceof RevocationParseError) throw err;
    throw new RevocationParseError(`the OCSP response could not be read (${oneLine(err)})`);
  }
}

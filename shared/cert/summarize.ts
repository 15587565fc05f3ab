import { base64 } from '@peculiar/utils';
import { bytesEqual, toHex } from '../asn1/bytes';
import { DerError, TAG, children, readHeader, readOid, readTlv } from '../asn1/der';
import { CertbenchError } from '../errors';
import type { CertificateSummary, ValidityStatus } from '../model/certificate';
import { readName } from './names';
import { parseX509, type X509View } from './x509';
import { verifySignature } from './verify';
import * as ext from './extensions';
import { CURVES, EXTENSION_NAMES, PUBLIC_KEY_ALGORITHMS, SIGNATURE_ALGORITHM_NAMES } from './oids';
import { sha256Hex, thumbprint } from './thumbprint';

/** Total length a DER SEQUENCE header announces (tag + length bytes + content), or null. */
function declaredLength(der: Uint8Array): number | null {
  if (der[0] !== TAG.SEQUENCE) return null;
  try {
    return readHeader(der, 0).end;
  } catch {
    return null;
  }
}

function unreadable(label: string, err: DerError): CertbenchError {
  const where = err.offset === null ? '' : ` at byte ${err.offset}`;
  return new CertbenchError('bad-input', `${label}: not a readable X.509 certificate (${err.message}${where})`);
}

/** Decode one DER certificate, with an error that names the input and says what is wrong. */
export function decodeCertificate(label: string, der: Uint8Array): X509View {
  const declared = declaredLength(der);
  if (declared !== null && declared > der.byteLength) {
    throw new CertbenchError(
      'bad-input',
      `${label}: truncated DER: the file has ${der.byteLength} of the ${declared} bytes the certificate declares`,
    );
  }
  try {
    return parseX509(der);
  } catch (err) {
    if (err instanceof DerError) {
      if (/unexpected bytes after the certificate/.test(err.message)) throw new CertbenchError('bad-input', `${label}: ${err.message} (damaged file?)`);
      throw unreadable(label, err);
    }
    throw err;
  }
}

export function validityStatus(notBefore: Date, notAfter: Date, at: Date): ValidityStatus {
  if (at.getTime() < notBefore.getTime()) return 'not-yet-valid';
  if (at.getTime() > notAfter.getTime()) return 'expired';
  return 'valid';
}

/**
 * Build the plain-data summary the UI, CLI and bundles show. `at` is the moment validity is judged
 * (a parameter so tests are deterministic, as PKI.js's checkDate is).
 */
export async function summarizeCertificate(label: string, der: Uint8Array, at: Date): Promise<CertificateSummary> {
  const view = decodeCertificate(label, der);
  const namesMatch = bytesEqual(view.subject, view.issuer);
  // Self-signed means the signature verifies with the certificate's own key (RFC 5280 6.1), not
  // merely equal names: KB 2802568's trap is a non-self-signed certificate with a root-like name.
  const signatureVerifies = namesMatch ? await verifySignature(view, view.spki) : null;
  try {
    return summarizeView(view, at, { namesMatch, signatureVerifies });
  } catch (err) {
    // Names and keys are decoded lazily; a malformed one is still this file's problem, in one line.
    if (err instanceof DerError) throw unreadable(label, err);
    throw err;
  }
}

function summarizeView(
  view: X509View,
  at: Date,
  self: { namesMatch: boolean; signatureVerifies: boolean | null },
): CertificateSummary {
  const summary: CertificateSummary = {
    version: view.version,
    subject: readName(view.subject),
    issuer: readName(view.issuer),
    serialNumber: toHex(view.serial),
    notBefore: view.notBefore.toISOString(),
    notAfter: view.notAfter.toISOString(),
    validity: { status: validityStatus(view.notBefore, view.notAfter, at), checkedAt: at.toISOString() },
    thumbprintSha1: thumbprint(view.der),
    fingerprintSha256: sha256Hex(view.der),
    publicKeySha256: sha256Hex(view.spki.der),
    publicKey: describePublicKey(view.spki),
    signatureAlgorithm: { oid: view.signatureAlgorithm.oid, name: SIGNATURE_ALGORITHM_NAMES[view.signatureAlgorithm.oid] ?? view.signatureAlgorithm.oid },
    subjectAltNames: [],
    keyUsage: null,
    extendedKeyUsage: null,
    basicConstraints: null,
    selfSigned: { ...self, value: self.namesMatch && self.signatureVerifies === true },
    subjectKeyId: null,
    authorityKeyId: null,
    authorityInfoAccess: { ocsp: [], caIssuers: [] },
    crlDistributionPoints: [],
    policies: [],
    template: null,
    nameConstraints: null,
    extensions: [],
    derBase64: base64.encode(view.der),
  };
  for (const e of view.extensions) {
    let decoded = true;
    let problem: string | null = null;
    try {
      decoded = applyExtension(summary, e.oid, e.value, e.critical);
    } catch (err) {
      if (!(err instanceof DerError)) throw err;
      problem = `malformed ${EXTENSION_NAMES[e.oid] ?? e.oid}: ${err.message}`;
    }
    summary.extensions.push({
      oid: e.oid,
      name: EXTENSION_NAMES[e.oid] ?? e.oid,
      critical: e.critical,
      valueHex: decoded && !problem ? null : toHex(e.value.subarray(0, 2048)),
      problem,
    });
  }
  return summary;
}

/** Fill the summary from one extension; false when Certbench does not decode this OID. */
function applyExtension(s: CertificateSummary, oid: string, value: Uint8Array, critical: boolean): boolean {
  switch (oid) {
    case '2.5.29.15':
      s.keyUsage = ext.decodeKeyUsage(value);
      return true;
    case '2.5.29.37':
      s.extendedKeyUsage = ext.decodeEku(value);
      return true;
    case '2.5.29.19':
      s.basicConstraints = { ...ext.decodeBasicConstraints(value), critical };
      return true;
    case '2.5.29.17':
      s.subjectAltNames = ext.decodeGeneralNames(value);
      return true;
    case '2.5.29.14':
      s.subjectKeyId = ext.decodeSubjectKeyId(value);
      return true;
    case '2.5.29.35':
      s.authorityKeyId = ext.decodeAuthorityKeyId(value);
      return true;
    case '1.3.6.1.5.5.7.1.1':
      s.authorityInfoAccess = ext.decodeAuthorityInfoAccess(value);
      return true;
    case '2.5.29.31':
      s.crlDistributionPoints = ext.decodeCrlDistributionPoints(value);
      return true;
    case '2.5.29.32':
      s.policies = ext.decodeCertificatePolicies(value);
      return true;
    case '1.3.6.1.4.1.311.20.2':
      s.template = { ...(s.template ?? { oid: null, majorVersion: null, minorVersion: null }), name: ext.decodeTemplateName(value) };
      return true;
    case '1.3.6.1.4.1.311.21.7':
      s.template = { name: s.template?.name ?? null, ...ext.decodeTemplateInfo(value) };
      return true;
    case '2.5.29.30':
      s.nameConstraints = { ...ext.decodeNameConstraints(value), critical };
      return true;
    default:
      return false;
  }
}

export function describePublicKey(spki: X509View['spki']): CertificateSummary['publicKey'] {
  const algorithm = PUBLIC_KEY_ALGORITHMS[spki.algorithmOid] ?? spki.algorithmOid;
  if (algorithm === 'RSA' || algorithm === 'RSA-PSS') {
    const bits = rsaModulusBits(spki.publicKey);
    return { algorithm, bits, curve: null, description: bits ? `${algorithm} (${bits} bits)` : algorithm };
  }
  if (algorithm === 'ECC') {
    let curveOid: string | null = null;
    try {
      if (spki.params) {
        const t = readTlv(spki.params, 0);
        if (t.tag === TAG.OID) curveOid = readOid(spki.params, t);
      }
    } catch {
      curveOid = null;
    }
    const curve = curveOid ? CURVES[curveOid] : undefined;
    const name = curve?.name ?? curveOid ?? 'explicit parameters';
    return { algorithm, bits: curve?.bits ?? null, curve: name, description: curve ? `ECC (${curve.bits} bits, ${curve.name})` : `ECC (${name})` };
  }
  const fixed: Record<string, number> = { Ed25519: 256, Ed448: 456, X25519: 256 };
  return { algorithm, bits: fixed[algorithm] ?? null, curve: null, description: algorithm };
}

/** RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 A.1.1). */
function rsaModulusBits(key: Uint8Array): number | null {
  try {
    const seq = readTlv(key, 0);
    const [modulus] = children(key, seq, 2);
    if (!modulus || modulus.tag !== TAG.INTEGER) return null;
    let i = modulus.content;
    while (i < modulus.end && key[i] === 0) i++;
    if (i === modulus.end) return 0;
    return (modulus.end - i - 1) * 8 + (32 - Math.clz32(key[i]!));
  } catch {
    return null;
  }
}

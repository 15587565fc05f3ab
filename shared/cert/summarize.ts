import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { hex, base64 } from '@peculiar/utils';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { CertbenchError } from '../errors';
import type { CertificateSummary, GeneralName, ValidityStatus } from '../model/certificate';
import { readName } from './names';
import {
  CURVES,
  EKU_NAMES,
  EXTENSION_NAMES,
  KEY_USAGE_BITS,
  PUBLIC_KEY_ALGORITHMS,
  SIGNATURE_ALGORITHM_NAMES,
} from './oids';

const UPN_OID = '1.3.6.1.4.1.311.20.2.3';

/** Decode one DER certificate into a pkijs object, with an error that names the input. */
export function decodeCertificate(label: string, der: Uint8Array): pkijs.Certificate {
  const declared = declaredLength(der);
  if (declared !== null && declared > der.byteLength) {
    throw new CertbenchError(
      'bad-input',
      `${label}: truncated DER: the file has ${der.byteLength} of the ${declared} bytes the certificate declares`,
    );
  }
  const asn1 = asn1js.fromBER(der);
  if (asn1.offset === -1) {
    throw new CertbenchError('bad-input', `${label}: truncated or malformed DER (${asn1.result.error || 'cannot decode'})`);
  }
  if (asn1.offset !== der.byteLength) {
    throw new CertbenchError(
      'bad-input',
      `${label}: ${der.byteLength - asn1.offset} unexpected bytes after the certificate (damaged file?)`,
    );
  }
  try {
    return new pkijs.Certificate({ schema: asn1.result });
  } catch {
    throw new CertbenchError('bad-input', `${label}: DER is valid but is not an X.509 certificate`);
  }
}

/** Total length a DER SEQUENCE header announces (tag + length bytes + content), or null. */
function declaredLength(der: Uint8Array): number | null {
  if (der.length < 2 || der[0] !== 0x30) return null;
  const first = der[1] ?? 0;
  if (first < 0x80) return 2 + first;
  const count = first & 0x7f;
  if (count === 0 || count > 4 || der.length < 2 + count) return null;
  let len = 0;
  for (let i = 0; i < count; i++) len = len * 256 + (der[2 + i] ?? 0);
  return 2 + count + len;
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
  const cert = decodeCertificate(label, der);
  const subject = readName(cert.subject.valueBeforeDecode);
  const issuer = readName(cert.issuer.valueBeforeDecode);
  const notBefore = cert.notBefore.value;
  const notAfter = cert.notAfter.value;
  const namesMatch = bytesEqual(new Uint8Array(cert.subject.valueBeforeDecode), new Uint8Array(cert.issuer.valueBeforeDecode));
  const signatureVerifies = namesMatch ? await verifiesWithOwnKey(cert) : null;
  const sigOid = cert.signatureAlgorithm.algorithmId;
  const extensions = cert.extensions ?? [];
  const ext = (oid: string) => extensions.find((e) => e.extnID === oid);

  return {
    version: cert.version + 1,
    subject,
    issuer,
    serialNumber: hex.encode(cert.serialNumber.valueBlock.valueHexView).toUpperCase(),
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    validity: { status: validityStatus(notBefore, notAfter, at), checkedAt: at.toISOString() },
    thumbprintSha1: hex.encode(sha1(der)).toUpperCase(),
    fingerprintSha256: hex.encode(sha256(der)).toUpperCase(),
    publicKey: describePublicKey(cert),
    signatureAlgorithm: { oid: sigOid, name: SIGNATURE_ALGORITHM_NAMES[sigOid] ?? sigOid },
    subjectAltNames: subjectAltNames(ext('2.5.29.17')),
    keyUsage: keyUsage(ext('2.5.29.15')),
    extendedKeyUsage: extendedKeyUsage(ext('2.5.29.37')),
    basicConstraints: basicConstraints(ext('2.5.29.19')),
    selfSigned: { namesMatch, signatureVerifies, value: namesMatch && signatureVerifies === true },
    extensions: extensions.map((e) => ({
      oid: e.extnID,
      name: EXTENSION_NAMES[e.extnID] ?? e.extnID,
      critical: e.critical,
    })),
    derBase64: base64.encode(der),
  };
}

async function verifiesWithOwnKey(cert: pkijs.Certificate): Promise<boolean | null> {
  try {
    return await cert.verify(cert);
  } catch {
    // The engine cannot check this algorithm (e.g. DSA): say "not checked", not "not self-signed".
    return null;
  }
}

function describePublicKey(cert: pkijs.Certificate): CertificateSummary['publicKey'] {
  const spki = cert.subjectPublicKeyInfo;
  const oid = spki.algorithm.algorithmId;
  const algorithm = PUBLIC_KEY_ALGORITHMS[oid] ?? oid;
  if (algorithm === 'RSA' || algorithm === 'RSA-PSS') {
    const parsed = spki.parsedKey as pkijs.RSAPublicKey | undefined;
    const modulus = parsed?.modulus?.valueBlock.valueHexView;
    const bits = modulus ? bitLength(modulus) : null;
    return { algorithm, bits, curve: null, description: bits ? `${algorithm} (${bits} bits)` : algorithm };
  }
  if (algorithm === 'ECC') {
    const params = spki.algorithm.algorithmParams;
    const curveOid = params instanceof asn1js.ObjectIdentifier ? params.valueBlock.toString() : null;
    const curve = curveOid ? CURVES[curveOid] : undefined;
    const name = curve?.name ?? curveOid ?? 'explicit parameters';
    return {
      algorithm,
      bits: curve?.bits ?? null,
      curve: name,
      description: curve ? `ECC (${curve.bits} bits, ${curve.name})` : `ECC (${name})`,
    };
  }
  const fixed: Record<string, number> = { Ed25519: 256, Ed448: 456, X25519: 256 };
  const bits = fixed[algorithm] ?? null;
  return { algorithm, bits, curve: null, description: algorithm };
}

function bitLength(unsigned: Uint8Array): number {
  let i = 0;
  while (i < unsigned.length && unsigned[i] === 0) i++;
  if (i === unsigned.length) return 0;
  return (unsigned.length - i - 1) * 8 + (32 - Math.clz32(unsigned[i] ?? 0));
}

function subjectAltNames(extension: pkijs.Extension | undefined): GeneralName[] {
  const alt = extension?.parsedValue as pkijs.AltName | undefined;
  if (!alt?.altNames) return [];
  return alt.altNames.map(generalName);
}

function generalName(name: pkijs.GeneralName): GeneralName {
  const value: unknown = name.value;
  switch (name.type) {
    case 1:
      return { type: 'email', value: String(value) };
    case 2:
      return { type: 'dns', value: String(value) };
    case 6:
      return { type: 'uri', value: String(value) };
    case 4:
      return {
        type: 'directory',
        value: readName((value as pkijs.RelativeDistinguishedNames).valueBeforeDecode).rfc4514,
      };
    case 7:
      return { type: 'ip', value: ipText((value as asn1js.OctetString).valueBlock.valueHexView) };
    case 8:
      return { type: 'registered-id', value: String(value) };
    case 0:
      return otherName(value);
    default:
      return { type: 'other', value: `[${name.type}]` };
  }
}

/** otherName: the Microsoft UPN (used by Smart Card Logon and AD mapping) is shown as text. */
function otherName(value: unknown): GeneralName {
  const v = value as { typeId?: string; value?: asn1js.Constructed } | undefined;
  const typeId = v?.typeId ?? 'unknown';
  if (typeId === UPN_OID) {
    const inner = v?.value?.valueBlock?.value?.[0];
    if (inner && 'valueBlock' in inner && typeof (inner.valueBlock as { value?: unknown }).value === 'string') {
      return { type: 'upn', value: (inner.valueBlock as unknown as { value: string }).value };
    }
  }
  return { type: 'other', value: typeId };
}

function ipText(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  if (bytes.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
    // Compress the longest run of zero groups (RFC 5952 4.2.3).
    const text = groups.join(':');
    const runs = text.match(/(^|:)0(:0)+(:|$)/g);
    if (!runs) return text;
    const longest = runs.reduce((a, b) => (b.length > a.length ? b : a));
    return text.replace(longest, '::');
  }
  return hex.encode(bytes);
}

function keyUsage(extension: pkijs.Extension | undefined): string[] | null {
  if (!extension) return null;
  const bits = extension.parsedValue as asn1js.BitString | undefined;
  const view = bits?.valueBlock?.valueHexView;
  if (!view) return [];
  const total = view.length * 8 - (bits.valueBlock.unusedBits ?? 0);
  return KEY_USAGE_BITS.filter((_, i) => i < total && (((view[i >> 3] ?? 0) >> (7 - (i & 7))) & 1) === 1);
}

function extendedKeyUsage(extension: pkijs.Extension | undefined): { oid: string; name: string }[] | null {
  if (!extension) return null;
  const eku = extension.parsedValue as pkijs.ExtKeyUsage | undefined;
  return (eku?.keyPurposes ?? []).map((oid) => ({ oid, name: EKU_NAMES[oid] ?? oid }));
}

function basicConstraints(extension: pkijs.Extension | undefined): CertificateSummary['basicConstraints'] {
  if (!extension) return null;
  const bc = extension.parsedValue as pkijs.BasicConstraints | undefined;
  const len = bc?.pathLenConstraint;
  const pathLength = len === undefined ? null : typeof len === 'number' ? len : len.valueBlock.valueDec;
  return { ca: bc?.cA ?? false, pathLength, critical: extension.critical };
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

import crypto from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toPem } from '../../../shared/cert/containers/text';

/**
 * X.509 certificates made in-process (RFC 5280 4.1) for the lab and the tests: the TBSCertificate is
 * built and encoded with pkijs structures and signed with node:crypto, so every key type node has
 * (EC P-256/P-384, RSA, Ed25519) works the same way and synchronously (pkijs' own signing is WebCrypto,
 * asynchronous, and has no Ed25519). Names get one attribute per RDN and serials a first byte
 * in 0x01..0x7F, as tls-probe-notes.md "Generating test PKI in-process" says OpenSSL 3 needs.
 */

export type LabKeyAlgorithm = 'ec-p256' | 'ec-p384' | 'rsa-2048' | 'ed25519';

export interface LabCertificate {
  /** Subject as openssl prints it, most specific last ("C=US, O=..., CN=..."): for messages only. */
  subject: string;
  der: Buffer;
  pem: string;
  key: crypto.KeyObject;
  /** PKCS#8 DER of the private key. */
  keyPkcs8: Buffer;
  keyPem: string;
  /** The subject Name's DER, as a CertificateRequest's CA list carries it. */
  nameDer: Buffer;
  ski: Buffer;
}

export interface IssueOptions {
  /** [type OID or short name, value] pairs, most general first: [['C','US'], ['O','Contoso'], ['CN','alice']]. */
  subject: [string, string][];
  /** Issuer; omitted means self-signed. */
  issuer?: LabCertificate;
  ca?: boolean;
  /** Extended key usages: 'clientAuth', 'serverAuth'. */
  eku?: ('clientAuth' | 'serverAuth' | 'ocspSigning')[];
  /** DNS names and IP addresses for subjectAltName. */
  dnsNames?: string[];
  ipAddresses?: string[];
  keyAlgorithm?: LabKeyAlgorithm;
  /** Reuse a key pair (many CA names from one key: only the names matter). */
  key?: crypto.KeyObject;
  notBefore?: Date;
  notAfter?: Date;
  /** cRLDistributionPoints (RFC 5280 4.2.1.13): one DistributionPoint per URL, each a fullName URI. */
  crlUrls?: string[];
  /** authorityInfoAccess (RFC 5280 4.2.2.1) id-ad-ocsp access locations. */
  ocspUrls?: string[];
  /** authorityInfoAccess (RFC 5280 4.2.2.1) id-ad-caIssuers access locations. */
  caIssuersUrls?: string[];
  /** The serial's unsigned big-endian bytes; omitted means 16 random bytes with a first byte in 0x01..0x7F. */
  serial?: Buffer;
}

const ATTRIBUTE_OIDS: Readonly<Record<string, string>> = {
  C: '2.5.4.6',
  ST: '2.5.4.8',
  L: '2.5.4.7',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  CN: '2.5.4.3',
};

const EKU_OIDS = { clientAuth: '1.3.6.1.5.5.7.3.2', serverAuth: '1.3.6.1.5.5.7.3.1', ocspSigning: '1.3.6.1.5.5.7.3.9' } as const;

// A copy: a Buffer's .buffer is the whole pool it was cut from.
const bytes = (b: Uint8Array): ArrayBuffer => new Uint8Array(b).buffer;
const der = (schema: { toBER(): ArrayBuffer }): Uint8Array => new Uint8Array(schema.toBER());

/** One attribute per RDN (a multi-valued RDN would be one SET with all of them, which pkijs writes by default). */
function encodeName(attributes: [string, string][]): Uint8Array {
  const rdns = attributes.map(([type, value]) => {
    const oid = ATTRIBUTE_OIDS[type] ?? type;
    // countryName is a PrintableString (RFC 5280 A.1); everything else UTF8String.
    const v = oid === '2.5.4.6' ? new asn1js.PrintableString({ value }) : new asn1js.Utf8String({ value });
    return new asn1js.Set({ value: [new pkijs.AttributeTypeAndValue({ type: oid, value: v }).toSchema()] });
  });
  return der(new asn1js.Sequence({ value: rdns }));
}

/** RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050, whole seconds (no fraction). */
function encodeTime(d: Date): pkijs.Time {
  const value = new Date(Math.floor(d.getTime() / 1000) * 1000);
  return new pkijs.Time({ type: d.getUTCFullYear() < 2050 ? pkijs.TimeType.UTCTime : pkijs.TimeType.GeneralizedTime, value });
}

function extension(extnID: string, critical: boolean, value: { toSchema(): { toBER(): ArrayBuffer } } | asn1js.AsnType): pkijs.Extension {
  const schema = 'toSchema' in value ? value.toSchema() : value;
  return new pkijs.Extension({ extnID, critical, extnValue: schema.toBER() });
}

/** DER INTEGER contents from an unsigned magnitude: leading zeros dropped, one added before a high bit (X.690 8.3.2). */
function unsignedInteger(magnitude: Uint8Array): asn1js.Integer {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const m = magnitude.subarray(i);
  return new asn1js.Integer({ valueHex: bytes((m[0] ?? 0) & 0x80 ? Uint8Array.of(0, ...m) : m.length ? m : Uint8Array.of(0)) });
}

export function generateKey(alg: LabKeyAlgorithm): crypto.KeyObject {
  switch (alg) {
    case 'ec-p256':
      return crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    case 'ec-p384':
      return crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
    case 'rsa-2048':
      return crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    case 'ed25519':
      return crypto.generateKeyPairSync('ed25519').privateKey;
  }
}

/** The signature AlgorithmIdentifier and digest for an issuer key (RFC 5758, 4055, 8410). */
export function signatureAlgorithm(key: crypto.KeyObject): { alg: () => pkijs.AlgorithmIdentifier; digest: string | null } {
  const type = key.asymmetricKeyType;
  const alg = (algorithmId: string, params = false) => () => new pkijs.AlgorithmIdentifier({ algorithmId, ...(params ? { algorithmParams: new asn1js.Null() } : {}) });
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'secp384r1') return { alg: alg('1.2.840.10045.4.3.3'), digest: 'sha384' };
    if (curve === 'secp521r1') return { alg: alg('1.2.840.10045.4.3.4'), digest: 'sha512' };
    return { alg: alg('1.2.840.10045.4.3.2'), digest: 'sha256' };
  }
  if (type === 'rsa') return { alg: alg('1.2.840.113549.1.1.11', true), digest: 'sha256' };
  if (type === 'ed25519') return { alg: alg('1.3.101.112'), digest: null };
  throw new Error(`cannot sign certificates with a ${type} key`);
}

function ipBytes(ip: string): Uint8Array {
  if (ip.includes(':')) {
    const [head = '', tail = ''] = ip.split('::');
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = ip.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
    return Uint8Array.from(groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
  }
  return Uint8Array.from(ip.split('.').map(Number));
}

/** Issue one certificate (self-signed when no issuer). */
export function issueCertificate(opts: IssueOptions): LabCertificate {
  const key = opts.key ?? generateKey(opts.keyAlgorithm ?? 'ec-p256');
  const spki = pkijs.PublicKeyInfo.fromBER(crypto.createPublicKey(key).export({ type: 'spki', format: 'der' }));
  // RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING's bytes (after the unused-bits byte).
  const ski = crypto.createHash('sha1').update(spki.subjectPublicKey.valueBlock.valueHexView).digest();
  const nameDer = encodeName(opts.subject);
  const issuerKey = opts.issuer?.key ?? key;
  const { alg, digest } = signatureAlgorithm(issuerKey);

  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = unsignedInteger(opts.serial ?? randomSerial());
  cert.signature = alg();
  cert.issuer = pkijs.RelativeDistinguishedNames.fromBER(bytes(opts.issuer ? opts.issuer.nameDer : nameDer));
  cert.notBefore = encodeTime(opts.notBefore ?? new Date(Date.now() - 60 * 60 * 1000));
  cert.notAfter = encodeTime(opts.notAfter ?? new Date(Date.now() + 397 * 86_400_000));
  cert.subject = pkijs.RelativeDistinguishedNames.fromBER(bytes(nameDer));
  cert.subjectPublicKeyInfo = spki;
  cert.extensions = extensions(opts, key, ski);

  const tbs = new Uint8Array(cert.encodeTBS().toBER());
  cert.tbsView = tbs;
  cert.signatureAlgorithm = alg();
  cert.signatureValue = new asn1js.BitString({ valueHex: bytes(crypto.sign(digest, tbs, issuerKey)) });
  const certDer = Buffer.from(cert.toSchema().toBER());
  const keyPkcs8 = key.export({ type: 'pkcs8', format: 'der' });
  return {
    subject: opts.subject.map(([t, v]) => `${t}=${v}`).join(', '),
    der: certDer,
    pem: toPem('CERTIFICATE', certDer),
    key,
    keyPkcs8,
    keyPem: toPem('PRIVATE KEY', keyPkcs8),
    nameDer: Buffer.from(nameDer),
    ski,
  };
}

/** Basic constraints, key usage, EKU, SAN, key identifiers and the revocation addresses asked for. */
function extensions(opts: IssueOptions, key: crypto.KeyObject, ski: Buffer): pkijs.Extension[] {
  const exts: pkijs.Extension[] = [];
  exts.push(extension('2.5.29.19', true, new pkijs.BasicConstraints({ cA: opts.ca ?? false })));
  // keyUsage: CA keyCertSign+cRLSign; EC/Ed25519 leaves digitalSignature; RSA leaves add keyEncipherment.
  const [unusedBits, bits] = opts.ca ? [1, 0x06] : key.asymmetricKeyType === 'rsa' ? [5, 0xa0] : [7, 0x80];
  exts.push(extension('2.5.29.15', true, new asn1js.BitString({ unusedBits, valueHex: bytes(Uint8Array.of(bits)) })));
  if (opts.eku?.length) exts.push(extension('2.5.29.37', false, new pkijs.ExtKeyUsage({ keyPurposes: opts.eku.map((e) => EKU_OIDS[e]) })));
  const altNames = [
    ...(opts.dnsNames ?? []).map((value) => new pkijs.GeneralName({ type: 2, value })),
    ...(opts.ipAddresses ?? []).map((ip) => new pkijs.GeneralName({ type: 7, value: new asn1js.OctetString({ valueHex: bytes(ipBytes(ip)) }) })),
  ];
  if (altNames.length) exts.push(extension('2.5.29.17', false, new pkijs.AltName({ altNames })));
  exts.push(extension('2.5.29.14', false, new asn1js.OctetString({ valueHex: bytes(ski) })));
  const aki = opts.issuer?.ski ?? ski;
  exts.push(extension('2.5.29.35', false, new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: bytes(aki) }) })));
  exts.push(...revocationExtensions(opts));
  return exts;
}

function randomSerial(): Buffer {
  const serial = crypto.randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  return serial;
}

/** cRLDistributionPoints and authorityInfoAccess for the URLs asked for (none when no URL). */
function revocationExtensions(opts: IssueOptions): pkijs.Extension[] {
  const uri = (value: string) => new pkijs.GeneralName({ type: 6, value });
  const exts: pkijs.Extension[] = [];
  // DistributionPoint ::= SEQUENCE { distributionPoint [0] { fullName [0] GeneralNames } } (RFC 5280 4.2.1.13).
  if (opts.crlUrls?.length) {
    const distributionPoints = opts.crlUrls.map((u) => new pkijs.DistributionPoint({ distributionPoint: [uri(u)] }));
    exts.push(extension('2.5.29.31', false, new pkijs.CRLDistributionPoints({ distributionPoints })));
  }
  // AccessDescription ::= SEQUENCE { accessMethod OID, accessLocation GeneralName } (RFC 5280 4.2.2.1).
  const accessDescriptions = [
    ...(opts.ocspUrls ?? []).map((u) => new pkijs.AccessDescription({ accessMethod: '1.3.6.1.5.5.7.48.1', accessLocation: uri(u) })),
    ...(opts.caIssuersUrls ?? []).map((u) => new pkijs.AccessDescription({ accessMethod: '1.3.6.1.5.5.7.48.2', accessLocation: uri(u) })),
  ];
  if (accessDescriptions.length) exts.push(extension('1.3.6.1.5.5.7.1.1', false, new pkijs.InfoAccess({ accessDescriptions })));
  return exts;
}

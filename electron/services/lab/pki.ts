import crypto from 'node:crypto';
import { bitStringBytes, children, parseOne } from '../../../shared/asn1/der';
import { DER_NULL, DER_TRUE, encode, encodeBitString, encodeOid, encodeUnsigned, seq } from '../../../shared/asn1/encode';
import { toPem } from '../../../shared/cert/containers/text';

/**
 * X.509 certificates made in-process (RFC 5280 4.1) for the lab and the tests: the DER is written
 * with the one DER writer (shared/asn1/encode.ts) and signed with node:crypto, so every key type node has (EC P-256/P-384, RSA, Ed25519)
 * works the same way and synchronously. Names get one attribute per RDN and serials a first byte
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
  eku?: ('clientAuth' | 'serverAuth')[];
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

const EKU_OIDS = { clientAuth: '1.3.6.1.5.5.7.3.2', serverAuth: '1.3.6.1.5.5.7.3.1' } as const;

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

function encodeName(attributes: [string, string][]): Uint8Array {
  return seq(
    ...attributes.map(([type, value]) => {
      const oid = ATTRIBUTE_OIDS[type] ?? type;
      // countryName is a PrintableString (RFC 5280 A.1); everything else UTF8String.
      const v = oid === '2.5.4.6' ? encode(0x13, utf8(value)) : encode(0x0c, utf8(value));
      return encode(0x31, seq(encodeOid(oid), v));
    }),
  );
}

function encodeTime(d: Date): Uint8Array {
  const iso = d.toISOString();
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  const year = d.getUTCFullYear();
  // RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050.
  return year < 2050 ? encode(0x17, utf8(digits.slice(2))) : encode(0x18, utf8(digits));
}

function extension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  return seq(encodeOid(oid), ...(critical ? [DER_TRUE] : []), encode(0x04, value));
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
export function signatureAlgorithm(key: crypto.KeyObject): { alg: Uint8Array; digest: string | null } {
  const type = key.asymmetricKeyType;
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'secp384r1') return { alg: seq(encodeOid('1.2.840.10045.4.3.3')), digest: 'sha384' };
    if (curve === 'secp521r1') return { alg: seq(encodeOid('1.2.840.10045.4.3.4')), digest: 'sha512' };
    return { alg: seq(encodeOid('1.2.840.10045.4.3.2')), digest: 'sha256' };
  }
  if (type === 'rsa') return { alg: seq(encodeOid('1.2.840.113549.1.1.11'), DER_NULL), digest: 'sha256' };
  if (type === 'ed25519') return { alg: seq(encodeOid('1.3.101.112')), digest: null };
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
  const spki = crypto.createPublicKey(key).export({ type: 'spki', format: 'der' });
  // RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING's bytes (after the unused-bits byte).
  const spkiKeyBits = spkiPublicKeyBits(spki);
  const ski = crypto.createHash('sha1').update(spkiKeyBits).digest();
  const nameDer = encodeName(opts.subject);
  const issuerKey = opts.issuer?.key ?? key;
  const { alg, digest } = signatureAlgorithm(issuerKey);
  const serial = opts.serial ?? randomSerial();
  const notBefore = opts.notBefore ?? new Date(Date.now() - 60 * 60 * 1000);
  const notAfter = opts.notAfter ?? new Date(Date.now() + 397 * 86_400_000);

  const exts: Uint8Array[] = [];
  exts.push(extension('2.5.29.19', true, opts.ca ? seq(DER_TRUE) : seq()));
  // keyUsage: CA keyCertSign+cRLSign; EC/Ed25519 leaves digitalSignature; RSA leaves add keyEncipherment.
  const ku = opts.ca ? Uint8Array.of(0x03, 0x02, 0x01, 0x06) : key.asymmetricKeyType === 'rsa' ? Uint8Array.of(0x03, 0x02, 0x05, 0xa0) : Uint8Array.of(0x03, 0x02, 0x07, 0x80);
  exts.push(extension('2.5.29.15', true, ku));
  if (opts.eku?.length) exts.push(extension('2.5.29.37', false, seq(...opts.eku.map((e) => encodeOid(EKU_OIDS[e])))));
  const altNames = [...(opts.dnsNames ?? []).map((d) => encode(0x82, utf8(d))), ...(opts.ipAddresses ?? []).map((ip) => encode(0x87, ipBytes(ip)))];
  if (altNames.length) exts.push(extension('2.5.29.17', false, seq(...altNames)));
  exts.push(extension('2.5.29.14', false, encode(0x04, ski)));
  const aki = opts.issuer?.ski ?? ski;
  exts.push(extension('2.5.29.35', false, seq(encode(0x80, aki))));
  exts.push(...revocationExtensions(opts));

  const tbs = seq(
    encode(0xa0, encodeUnsigned(Uint8Array.of(2))),
    encodeUnsigned(serial),
    alg,
    opts.issuer ? opts.issuer.nameDer : nameDer,
    seq(encodeTime(notBefore), encodeTime(notAfter)),
    nameDer,
    new Uint8Array(spki),
    encode(0xa3, seq(...exts)),
  );
  const signature = crypto.sign(digest, tbs, issuerKey);
  const der = Buffer.from(seq(tbs, alg, encodeBitString(signature)));
  const keyPkcs8 = key.export({ type: 'pkcs8', format: 'der' });
  return {
    subject: opts.subject.map(([t, v]) => `${t}=${v}`).join(', '),
    der,
    pem: toPem('CERTIFICATE', der),
    key,
    keyPkcs8,
    keyPem: toPem('PRIVATE KEY', keyPkcs8),
    nameDer: Buffer.from(nameDer),
    ski,
  };
}

function randomSerial(): Buffer {
  const serial = crypto.randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  return serial;
}

/** cRLDistributionPoints and authorityInfoAccess for the URLs asked for (none when no URL). */
function revocationExtensions(opts: IssueOptions): Uint8Array[] {
  const uri = (u: string) => encode(0x86, utf8(u));
  const exts: Uint8Array[] = [];
  // DistributionPoint ::= SEQUENCE { distributionPoint [0] { fullName [0] GeneralNames } } (RFC 5280 4.2.1.13).
  if (opts.crlUrls?.length) exts.push(extension('2.5.29.31', false, seq(...opts.crlUrls.map((u) => seq(encode(0xa0, encode(0xa0, uri(u))))))));
  // AccessDescription ::= SEQUENCE { accessMethod OID, accessLocation GeneralName } (RFC 5280 4.2.2.1).
  const access = [
    ...(opts.ocspUrls ?? []).map((u) => seq(encodeOid('1.3.6.1.5.5.7.48.1'), uri(u))),
    ...(opts.caIssuersUrls ?? []).map((u) => seq(encodeOid('1.3.6.1.5.5.7.48.2'), uri(u))),
  ];
  if (access.length) exts.push(extension('1.3.6.1.5.5.7.1.1', false, seq(...access)));
  return exts;
}

/** The bytes of the subjectPublicKey BIT STRING inside a SubjectPublicKeyInfo (SEQUENCE { AlgorithmIdentifier, BIT STRING }). */
function spkiPublicKeyBits(spki: Buffer): Buffer {
  const [, bits] = children(spki, parseOne(spki));
  return Buffer.from(bitStringBytes(spki, bits));
}

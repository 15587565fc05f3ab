import { bytesEqual } from '../asn1/bytes';
import { EXTENSION, HELLO_RETRY_REQUEST_RANDOM, certificateTypeName, signatureSchemeName } from './names';

/**
 * Parsers of the handshake message bodies the probe reads (RFC 5246 7.4, RFC 8446 4), for the passive
 * recorder and for Certbench's own TLS 1.3 client alike. Every read is bounded by its vector's length;
 * a malformed body throws TlsParseError naming the message, which the recorder turns into a timeline
 * note and the client into a decode_error alert. `strict` is the client's reading: what it must refuse
 * (trailing bytes, a repeated extension, a missing signature_algorithms) the recorder only describes.
 */

/** What was wrong, for a caller that words its own message: a read past the end, bytes left over, or another rule. */
export type TlsParseProblem = { kind: 'truncated'; at: number } | { kind: 'trailing'; bytes: number } | { kind: 'invalid' };

export class TlsParseError extends Error {
  constructor(
    message: string,
    /** The message or field being read ("ServerHello", "Certificate list", ...). */
    readonly what = '',
    readonly problem: TlsParseProblem = { kind: 'invalid' },
  ) {
    super(message);
    this.name = 'TlsParseError';
  }
}

/** A cursor over one body; every read checks what remains. */
class Reader {
  private pos: number;

  constructor(
    private readonly buf: Uint8Array,
    private readonly what: string,
    start = 0,
    private readonly limit = buf.length,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.limit - this.pos;
  }

  get offset(): number {
    return this.pos;
  }

  private need(n: number): void {
    if (this.pos + n > this.limit) throw new TlsParseError(`malformed ${this.what}: truncated at byte ${this.pos}`, this.what, { kind: 'truncated', at: this.pos });
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  u16(): number {
    this.need(2);
    const v = (this.buf[this.pos]! << 8) | this.buf[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  u24(): number {
    this.need(3);
    const v = (this.buf[this.pos]! << 16) | (this.buf[this.pos + 1]! << 8) | this.buf[this.pos + 2]!;
    this.pos += 3;
    return v;
  }

  bytes(n: number): Uint8Array {
    this.need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A vector with a 1-, 2- or 3-byte length prefix, as a Reader of its own. */
  vector(lengthBytes: 1 | 2 | 3, what = this.what): Reader {
    const n = lengthBytes === 1 ? this.u8() : lengthBytes === 2 ? this.u16() : this.u24();
    this.need(n);
    const r = new Reader(this.buf, what, this.pos, this.pos + n);
    this.pos += n;
    return r;
  }

  /** The contents of a vector with a 1-, 2- or 3-byte length prefix. */
  opaque(lengthBytes: 1 | 2 | 3): Uint8Array {
    const v = this.vector(lengthBytes);
    return v.bytes(v.remaining);
  }

  end(): void {
    const left = this.limit - this.pos;
    if (left !== 0) throw new TlsParseError(`malformed ${this.what}: ${left} unexpected trailing bytes`, this.what, { kind: 'trailing', bytes: left });
  }
}

export interface Extension {
  type: number;
  data: Uint8Array;
}

/**
 * The extensions of a message (RFC 8446 4.2): absent when nothing remains. Strict: a type repeated
 * is refused, and the list is read under the message's own name.
 */
function readExtensions(r: Reader, what: string, strict: boolean): Extension[] {
  if (r.remaining === 0) return [];
  return readExtensionList(r.vector(2, strict ? what : `${what} extensions`), what, strict);
}

function readExtensionList(list: Reader, what: string, strict: boolean): Extension[] {
  const out: Extension[] = [];
  while (list.remaining > 0) {
    const type = list.u16();
    const data = list.vector(2, strict ? what : `${what} extension ${type}`);
    if (strict && out.some((e) => e.type === type)) throw new TlsParseError(`malformed ${what} (extension ${type} twice)`, what);
    out.push({ type, data: data.bytes(data.remaining) });
  }
  return out;
}

function u16List(data: Uint8Array, lengthBytes: 1 | 2, what: string): number[] {
  const r = new Reader(data, what);
  const list = r.vector(lengthBytes);
  const out: number[] = [];
  while (list.remaining > 0) out.push(list.u16());
  return out;
}

export interface ClientHello {
  legacyVersion: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuites: number[];
  extensions: Extension[];
  serverName: string | null;
  /** Versions offered in supported_versions (TLS 1.3 clients), or [] when absent. */
  supportedVersions: number[];
  /** Whether post_handshake_auth (49) was offered: without it a TLS 1.3 server must not ask after the handshake (RFC 8446 4.2.6). */
  offersPostHandshakeAuth: boolean;
}

export function parseClientHello(body: Uint8Array): ClientHello {
  const r = new Reader(body, 'ClientHello');
  const legacyVersion = r.u16();
  const random = r.bytes(32);
  const sid = r.vector(1);
  const sessionId = sid.bytes(sid.remaining);
  const suites = r.vector(2);
  const cipherSuites: number[] = [];
  while (suites.remaining > 1) cipherSuites.push(suites.u16());
  r.vector(1); // compression methods
  const extensions = readExtensions(r, 'ClientHello', false);
  let serverName: string | null = null;
  let supportedVersions: number[] = [];
  for (const e of extensions) {
    if (e.type === EXTENSION.serverName) {
      const list = new Reader(e.data, 'server_name').vector(2);
      while (list.remaining > 0) {
        const kind = list.u8();
        const name = list.vector(2);
        const bytes = name.bytes(name.remaining);
        if (kind === 0 && serverName === null) serverName = String.fromCharCode(...bytes.subarray(0, 255));
      }
    } else if (e.type === EXTENSION.supportedVersions) {
      supportedVersions = u16List(e.data, 1, 'supported_versions');
    }
  }
  return {
    legacyVersion,
    random,
    sessionId,
    cipherSuites,
    extensions,
    serverName,
    supportedVersions,
    offersPostHandshakeAuth: extensions.some((e) => e.type === EXTENSION.postHandshakeAuth),
  };
}

export interface ServerHello {
  legacyVersion: number;
  random: Uint8Array;
  /** legacy_session_id_echo: a TLS 1.3 server echoes the client's (RFC 8446 4.1.3). */
  sessionId: Uint8Array;
  cipherSuite: number;
  extensions: Extension[];
  /** supported_versions' selected version; null when absent (a TLS 1.2 or older server). */
  selectedVersion: number | null;
  /** The version in force: supported_versions when present (TLS 1.3), else legacy_version. */
  version: number;
  isHelloRetryRequest: boolean;
  /** key_share (RFC 8446 4.2.8): a ServerHello's group and key; a HelloRetryRequest's group only. */
  keyShare: { group: number; key: Uint8Array | null } | null;
  /** A HelloRetryRequest's cookie (RFC 8446 4.2.2), to send back. */
  cookie: Uint8Array | null;
  /** RFC 5746 renegotiation_info present: the server supports secure renegotiation. */
  secureRenegotiation: boolean;
  extendedMasterSecret: boolean;
}

/** ServerHello or HelloRetryRequest (RFC 5246 7.4.1.3, RFC 8446 4.1.3, 4.1.4). */
export function parseServerHello(body: Uint8Array, strict = false): ServerHello {
  const r = new Reader(body, 'ServerHello');
  const legacyVersion = r.u16();
  const random = r.bytes(32);
  const sessionId = r.opaque(1);
  const cipherSuite = r.u16();
  r.u8(); // legacy_compression_method
  const isHelloRetryRequest = bytesEqual(random, HELLO_RETRY_REQUEST_RANDOM);
  const what = isHelloRetryRequest ? 'HelloRetryRequest' : 'ServerHello';
  const extensions = readExtensions(r, what, strict);
  if (strict) r.end();
  const ext = (type: number) => extensions.find((e) => e.type === type)?.data;
  // The recorder reads what it can: an odd key_share or cookie is the client's to refuse, not the recorder's.
  const field = <T>(data: Uint8Array | undefined, name: string, read: (f: Reader) => T): T | null => {
    if (!data) return null;
    try {
      const f = new Reader(data, `${what} ${name}`);
      const value = read(f);
      f.end();
      return value;
    } catch (err) {
      if (strict) throw err;
      return null;
    }
  };
  const selectedVersion = field(ext(EXTENSION.supportedVersions), 'supported_versions', (f) => f.u16());
  return {
    legacyVersion,
    random,
    sessionId,
    cipherSuite,
    extensions,
    selectedVersion,
    version: selectedVersion ?? legacyVersion,
    isHelloRetryRequest,
    keyShare: field(ext(EXTENSION.keyShare), 'key_share', (f) => ({ group: f.u16(), key: isHelloRetryRequest ? null : f.opaque(2) })),
    cookie: field(ext(EXTENSION.cookie), 'cookie', (f) => f.opaque(2)),
    secureRenegotiation: extensions.some((e) => e.type === EXTENSION.renegotiationInfo),
    extendedMasterSecret: extensions.some((e) => e.type === EXTENSION.extendedMasterSecret),
  };
}

/** EncryptedExtensions (RFC 8446 4.3.1): the list, read and checked; nothing in it is used. */
export function parseEncryptedExtensions(body: Uint8Array): Extension[] {
  const r = new Reader(body, 'EncryptedExtensions');
  const list = readExtensionList(r.vector(2), 'EncryptedExtensions', true);
  r.end();
  return list;
}

export interface ParsedCertificateRequest {
  /** TLS 1.2 ClientCertificateType codes; [] for TLS 1.3. */
  certificateTypes: number[];
  certificateTypeNames: string[];
  signatureAlgorithms: number[];
  signatureAlgorithmNames: string[];
  /** DER of each DistinguishedName, in the order sent. */
  caNames: Uint8Array[];
  /** Bytes of the certificate_authorities vector's contents (each DN with its 2-byte length). */
  caNamesBytes: number;
  /** TLS 1.3 certificate_request_context (empty in the handshake, non-empty post-handshake). */
  context: Uint8Array | null;
}

function readDistinguishedNames(list: Reader): { names: Uint8Array[]; bytes: number } {
  const bytes = list.remaining;
  const names: Uint8Array[] = [];
  while (list.remaining > 0) {
    const dn = list.vector(2, 'CertificateRequest CA name');
    names.push(dn.bytes(dn.remaining));
  }
  return { names, bytes };
}

/** TLS 1.2 CertificateRequest (RFC 5246 7.4.4): types, signature_algorithms, certificate_authorities. */
export function parseCertificateRequest12(body: Uint8Array): ParsedCertificateRequest {
  const r = new Reader(body, 'CertificateRequest');
  const typesVec = r.vector(1);
  const certificateTypes = Array.from(typesVec.bytes(typesVec.remaining));
  const sigVec = r.vector(2);
  const signatureAlgorithms: number[] = [];
  while (sigVec.remaining > 1) signatureAlgorithms.push(sigVec.u16());
  const { names, bytes } = readDistinguishedNames(r.vector(2, 'CertificateRequest certificate_authorities'));
  return {
    certificateTypes,
    certificateTypeNames: certificateTypes.map(certificateTypeName),
    signatureAlgorithms,
    signatureAlgorithmNames: signatureAlgorithms.map(signatureSchemeName),
    caNames: names,
    caNamesBytes: bytes,
    context: null,
  };
}

/**
 * TLS 1.3 CertificateRequest (RFC 8446 4.3.2): context, then extensions (signature_algorithms, which
 * strict reading requires, and certificate_authorities, 4.2.4).
 */
export function parseCertificateRequest13(body: Uint8Array, strict = false): ParsedCertificateRequest {
  const r = new Reader(body, 'CertificateRequest');
  const context = r.opaque(1);
  const extensions = readExtensions(r, 'CertificateRequest', strict);
  if (strict) r.end();
  const prefix = strict ? 'CertificateRequest ' : '';
  let signatureAlgorithms: number[] | null = null;
  let caNames: Uint8Array[] = [];
  let caNamesBytes = 0;
  for (const e of extensions) {
    if (e.type === EXTENSION.signatureAlgorithms) signatureAlgorithms = u16List(e.data, 2, `${prefix}signature_algorithms`);
    // Not used, but a client must still refuse it malformed.
    if (e.type === EXTENSION.signatureAlgorithmsCert && strict) u16List(e.data, 2, 'CertificateRequest signature_algorithms_cert');
    if (e.type === EXTENSION.certificateAuthorities) {
      const outer = new Reader(e.data, `${prefix}certificate_authorities`);
      const read = readDistinguishedNames(outer.vector(2));
      if (strict) outer.end();
      caNames = read.names;
      caNamesBytes = read.bytes;
    }
  }
  if (strict && !signatureAlgorithms) throw new TlsParseError('malformed CertificateRequest (no signature_algorithms)', 'CertificateRequest');
  return {
    certificateTypes: [],
    certificateTypeNames: [],
    signatureAlgorithms: signatureAlgorithms ?? [],
    signatureAlgorithmNames: (signatureAlgorithms ?? []).map(signatureSchemeName),
    caNames,
    caNamesBytes,
    context,
  };
}

/**
 * Certificate (RFC 5246 7.4.2 / RFC 8446 4.4.2): the DER of each certificate, leaf first, at most
 * `maxCertificates` kept. Strict: an empty entry, more entries than that, or trailing bytes are refused.
 */
export function parseCertificate(
  body: Uint8Array,
  tls13: boolean,
  maxCertificates = 32,
  strict = false,
): { certificates: Uint8Array[]; context: Uint8Array | null } {
  const r = new Reader(body, 'Certificate');
  const context = tls13 ? r.opaque(1) : null;
  const list = r.vector(3, 'Certificate list');
  if (strict) r.end();
  const certificates: Uint8Array[] = [];
  while (list.remaining > 0) {
    const der = list.opaque(3);
    if (tls13) list.vector(2); // per-certificate extensions (OCSP, SCT): not used
    if (strict && der.length === 0) throw new TlsParseError('malformed Certificate (empty certificate entry)', 'Certificate');
    if (strict && certificates.length >= maxCertificates) throw new TlsParseError(`Certificate holds more than ${maxCertificates} certificates`, 'Certificate');
    if (certificates.length < maxCertificates) certificates.push(der);
  }
  return { certificates, context };
}

/** CertificateVerify (RFC 8446 4.4.3): the signature scheme and the signature. */
export function parseCertificateVerify(body: Uint8Array): { scheme: number; signature: Uint8Array } {
  const r = new Reader(body, 'CertificateVerify');
  const scheme = r.u16();
  const signature = r.opaque(2);
  r.end();
  return { scheme, signature };
}

export interface ParsedAlert {
  level: number;
  code: number;
}

/** An alert record's fragment (RFC 8446 6): level then description; null if not two bytes. */
export function parseAlert(fragment: Uint8Array): ParsedAlert | null {
  if (fragment.length !== 2) return null;
  return { level: fragment[0]!, code: fragment[1]! };
}

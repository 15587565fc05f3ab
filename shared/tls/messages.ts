import { EXTENSION, HELLO_RETRY_REQUEST_RANDOM, certificateTypeName, signatureSchemeName } from './names';

/**
 * Parsers of the handshake message bodies the probe needs to read (RFC 5246 7.4, RFC 8446 4). Every
 * read is bounded by its vector's length; a malformed body throws TlsParseError naming the message,
 * which callers turn into a timeline note rather than a crash.
 */

export class TlsParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TlsParseError';
  }
}

/** A cursor over one body; every read checks what remains. */
export class Reader {
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
    if (this.pos + n > this.limit) throw new TlsParseError(`malformed ${this.what}: truncated at byte ${this.pos}`);
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

  end(): void {
    if (this.pos !== this.limit) throw new TlsParseError(`malformed ${this.what}: ${this.limit - this.pos} unexpected trailing bytes`);
  }
}

export interface Extension {
  type: number;
  data: Uint8Array;
}

function readExtensions(r: Reader, what: string): Extension[] {
  const out: Extension[] = [];
  if (r.remaining === 0) return out;
  const list = r.vector(2, `${what} extensions`);
  while (list.remaining > 0) {
    const type = list.u16();
    const data = list.vector(2, `${what} extension ${type}`);
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
  const extensions = readExtensions(r, 'ClientHello');
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
  cipherSuite: number;
  extensions: Extension[];
  /** The version in force: supported_versions when present (TLS 1.3), else legacy_version. */
  version: number;
  isHelloRetryRequest: boolean;
  /** RFC 5746 renegotiation_info present: the server supports secure renegotiation. */
  secureRenegotiation: boolean;
  extendedMasterSecret: boolean;
}

export function parseServerHello(body: Uint8Array): ServerHello {
  const r = new Reader(body, 'ServerHello');
  const legacyVersion = r.u16();
  const random = r.bytes(32);
  r.vector(1); // legacy_session_id_echo
  const cipherSuite = r.u16();
  r.u8(); // compression
  const extensions = readExtensions(r, 'ServerHello');
  let version = legacyVersion;
  for (const e of extensions) {
    if (e.type === EXTENSION.supportedVersions && e.data.length === 2) version = (e.data[0]! << 8) | e.data[1]!;
  }
  let hrr = random.length === HELLO_RETRY_REQUEST_RANDOM.length;
  for (let i = 0; hrr && i < random.length; i++) if (random[i] !== HELLO_RETRY_REQUEST_RANDOM[i]) hrr = false;
  return {
    legacyVersion,
    random,
    cipherSuite,
    extensions,
    version,
    isHelloRetryRequest: hrr,
    secureRenegotiation: extensions.some((e) => e.type === EXTENSION.renegotiationInfo),
    extendedMasterSecret: extensions.some((e) => e.type === EXTENSION.extendedMasterSecret),
  };
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

/** TLS 1.3 CertificateRequest (RFC 8446 4.3.2): context, then extensions (signature_algorithms, certificate_authorities). */
export function parseCertificateRequest13(body: Uint8Array): ParsedCertificateRequest {
  const r = new Reader(body, 'CertificateRequest');
  const ctx = r.vector(1);
  const context = ctx.bytes(ctx.remaining);
  const extensions = readExtensions(r, 'CertificateRequest');
  let signatureAlgorithms: number[] = [];
  let caNames: Uint8Array[] = [];
  let caNamesBytes = 0;
  for (const e of extensions) {
    if (e.type === EXTENSION.signatureAlgorithms) signatureAlgorithms = u16List(e.data, 2, 'signature_algorithms');
    if (e.type === EXTENSION.certificateAuthorities) {
      const read = readDistinguishedNames(new Reader(e.data, 'certificate_authorities').vector(2));
      caNames = read.names;
      caNamesBytes = read.bytes;
    }
  }
  return {
    certificateTypes: [],
    certificateTypeNames: [],
    signatureAlgorithms,
    signatureAlgorithmNames: signatureAlgorithms.map(signatureSchemeName),
    caNames,
    caNamesBytes,
    context,
  };
}

/** Certificate (RFC 5246 7.4.2 / RFC 8446 4.4.2): the DER of each certificate, leaf first. */
export function parseCertificate(body: Uint8Array, tls13: boolean, maxCertificates = 32): { certificates: Uint8Array[]; context: Uint8Array | null } {
  const r = new Reader(body, 'Certificate');
  let context: Uint8Array | null = null;
  if (tls13) {
    const c = r.vector(1);
    context = c.bytes(c.remaining);
  }
  const list = r.vector(3, 'Certificate list');
  const certificates: Uint8Array[] = [];
  while (list.remaining > 0) {
    const cert = list.vector(3, 'Certificate entry');
    const der = cert.bytes(cert.remaining);
    if (certificates.length < maxCertificates) certificates.push(der);
    if (tls13) list.vector(2, 'Certificate entry extensions');
  }
  return { certificates, context };
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

/** KeyUpdate (RFC 8446 4.6.3): whether the peer asks for an update in return. */
export function parseKeyUpdate(body: Uint8Array): { updateRequested: boolean } {
  const r = new Reader(body, 'KeyUpdate');
  const v = r.u8();
  return { updateRequested: v === 1 };
}

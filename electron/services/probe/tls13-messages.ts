import { EXT, HANDSHAKE, handshakeName } from './tls13-names';

/**
 * Encoding and decoding of the TLS 1.3 handshake messages the post-handshake client sends and
 * reads (RFC 8446 4.1-4.6). Every read is bounded by the message it sits in; a malformed field
 * throws a Tls13DecodeError naming the message.
 */

export class Tls13DecodeError extends Error {}

/** A cursor over one message body; every read checks the remaining length. */
export class Reader {
  private pos = 0;

  constructor(
    private readonly buf: Buffer,
    private readonly what: string,
  ) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new Tls13DecodeError(`malformed ${this.what} (truncated)`);
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  u24(): number {
    this.need(3);
    const v = this.buf.readUIntBE(this.pos, 3);
    this.pos += 3;
    return v;
  }

  bytes(n: number): Buffer {
    this.need(n);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  vec8(): Buffer {
    return this.bytes(this.u8());
  }

  vec16(): Buffer {
    return this.bytes(this.u16());
  }

  vec24(): Buffer {
    return this.bytes(this.u24());
  }

  end(): void {
    if (this.remaining !== 0) throw new Tls13DecodeError(`malformed ${this.what} (${this.remaining} trailing bytes)`);
  }
}

const u16 = (n: number) => Buffer.of(n >> 8, n & 0xff);
const u24 = (n: number) => Buffer.of((n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
const vec8 = (b: Buffer) => Buffer.concat([Buffer.of(b.length), b]);
const vec16 = (b: Buffer) => Buffer.concat([u16(b.length), b]);
const vec24 = (b: Buffer) => Buffer.concat([u24(b.length), b]);
const ext = (type: number, body: Buffer) => Buffer.concat([u16(type), vec16(body)]);

/** A handshake message with its 4-byte header. */
export function handshakeMessage(type: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.of(type), u24(body.length), body]);
}

/** SHA-256("HelloRetryRequest"): the ServerHello.random that marks a HelloRetryRequest (RFC 8446 4.1.3). */
export const HRR_RANDOM = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');

export interface ClientHelloParams {
  random: Buffer;
  sessionId: Buffer;
  /** SNI host name; null for an IP literal (RFC 6066 3: literal addresses are not permitted). */
  serverName: string | null;
  cipherSuites: readonly number[];
  groups: readonly number[];
  keyShares: readonly { group: number; publicKey: Buffer }[];
  signatureSchemes: readonly number[];
  cookie: Buffer | null;
}

/** ClientHello offering TLS 1.3 only, with post_handshake_auth (RFC 8446 4.1.2, 4.2.6). */
export function buildClientHello(p: ClientHelloParams): Buffer {
  const extensions: Buffer[] = [];
  if (p.serverName) {
    const host = Buffer.from(p.serverName, 'ascii');
    extensions.push(ext(EXT.server_name, vec16(Buffer.concat([Buffer.of(0), vec16(host)]))));
  }
  extensions.push(ext(EXT.supported_groups, vec16(Buffer.concat(p.groups.map(u16)))));
  extensions.push(ext(EXT.signature_algorithms, vec16(Buffer.concat(p.signatureSchemes.map(u16)))));
  extensions.push(ext(EXT.alpn, vec16(vec8(Buffer.from('http/1.1', 'ascii')))));
  extensions.push(ext(EXT.supported_versions, vec8(u16(0x0304))));
  if (p.cookie) extensions.push(ext(EXT.cookie, vec16(p.cookie)));
  extensions.push(ext(EXT.key_share, vec16(Buffer.concat(p.keyShares.map((k) => Buffer.concat([u16(k.group), vec16(k.publicKey)]))))));
  extensions.push(ext(EXT.post_handshake_auth, Buffer.alloc(0)));
  const body = Buffer.concat([
    u16(0x0303),
    p.random,
    vec8(p.sessionId),
    vec16(Buffer.concat(p.cipherSuites.map(u16))),
    vec8(Buffer.of(0)),
    vec16(Buffer.concat(extensions)),
  ]);
  return handshakeMessage(HANDSHAKE.client_hello, body);
}

/** Extensions as a map; a repeated type is a decode error (RFC 8446 4.2). */
export function readExtensions(data: Buffer, what: string): Map<number, Buffer> {
  const r = new Reader(data, what);
  const out = new Map<number, Buffer>();
  while (r.remaining > 0) {
    const type = r.u16();
    const body = r.vec16();
    if (out.has(type)) throw new Tls13DecodeError(`malformed ${what} (extension ${type} twice)`);
    out.set(type, body);
  }
  return out;
}

export interface ServerHello {
  isRetryRequest: boolean;
  legacyVersion: number;
  random: Buffer;
  sessionId: Buffer;
  cipherSuite: number;
  /** supported_versions' selected version; null when absent (a TLS 1.2 or older server). */
  selectedVersion: number | null;
  /** ServerHello: the group and key; HelloRetryRequest: the group only. */
  keyShare: { group: number; key: Buffer | null } | null;
  cookie: Buffer | null;
}

export function parseServerHello(body: Buffer): ServerHello {
  const r = new Reader(body, 'ServerHello');
  const legacyVersion = r.u16();
  const random = r.bytes(32);
  const sessionId = r.vec8();
  const cipherSuite = r.u16();
  r.u8(); // legacy_compression_method
  const isRetryRequest = random.equals(HRR_RANDOM);
  const what = isRetryRequest ? 'HelloRetryRequest' : 'ServerHello';
  const exts = r.remaining ? readExtensions(r.vec16(), what) : new Map<number, Buffer>();
  r.end();
  let selectedVersion: number | null = null;
  const sv = exts.get(EXT.supported_versions);
  if (sv) {
    const v = new Reader(sv, `${what} supported_versions`);
    selectedVersion = v.u16();
    v.end();
  }
  let keyShare: ServerHello['keyShare'] = null;
  const ks = exts.get(EXT.key_share);
  if (ks) {
    const k = new Reader(ks, `${what} key_share`);
    const group = k.u16();
    keyShare = { group, key: isRetryRequest ? null : k.vec16() };
    k.end();
  }
  let cookie: Buffer | null = null;
  const c = exts.get(EXT.cookie);
  if (c) {
    const k = new Reader(c, `${what} cookie`);
    cookie = k.vec16();
    k.end();
  }
  return { isRetryRequest, legacyVersion, random, sessionId, cipherSuite, selectedVersion, keyShare, cookie };
}

export interface CertificateMessage {
  context: Buffer;
  certificates: Buffer[];
}

/** Certificate (RFC 8446 4.4.2); at most `maxEntries` certificates. */
export function parseCertificate(body: Buffer, maxEntries = 64): CertificateMessage {
  const r = new Reader(body, 'Certificate');
  const context = r.vec8();
  const list = new Reader(r.vec24(), 'Certificate list');
  r.end();
  const certificates: Buffer[] = [];
  while (list.remaining > 0) {
    const der = list.vec24();
    list.vec16(); // per-certificate extensions (OCSP, SCT): not used
    if (der.length === 0) throw new Tls13DecodeError('malformed Certificate (empty certificate entry)');
    if (certificates.length >= maxEntries) throw new Tls13DecodeError(`Certificate holds more than ${maxEntries} certificates`);
    certificates.push(Buffer.from(der));
  }
  return { context: Buffer.from(context), certificates };
}

export interface CertificateRequestMessage {
  context: Buffer;
  signatureSchemes: number[];
  signatureSchemesCert: number[] | null;
  /** Each DistinguishedName's DER, in the order sent. */
  caNames: Buffer[];
  /** Bytes of the authorities vector: the DNs with their 2-byte lengths (what the 16,384-byte limit is about). */
  caNamesBytes: number;
}

/** CertificateRequest (RFC 8446 4.3.2) with signature_algorithms and certificate_authorities (4.2.4). */
export function parseCertificateRequest(body: Buffer): CertificateRequestMessage {
  const r = new Reader(body, 'CertificateRequest');
  const context = r.vec8();
  const exts = readExtensions(r.vec16(), 'CertificateRequest');
  r.end();
  const schemes = (data: Buffer | undefined, what: string): number[] | null => {
    if (!data) return null;
    const v = new Reader(new Reader(data, what).vec16(), what);
    const out: number[] = [];
    while (v.remaining > 0) out.push(v.u16());
    return out;
  };
  const signatureSchemes = schemes(exts.get(EXT.signature_algorithms), 'CertificateRequest signature_algorithms');
  if (!signatureSchemes) throw new Tls13DecodeError('malformed CertificateRequest (no signature_algorithms)');
  const caNames: Buffer[] = [];
  let caNamesBytes = 0;
  const ca = exts.get(EXT.certificate_authorities);
  if (ca) {
    const outer = new Reader(ca, 'CertificateRequest certificate_authorities');
    const list = outer.vec16();
    outer.end();
    caNamesBytes = list.length;
    const names = new Reader(list, 'CertificateRequest certificate_authorities');
    while (names.remaining > 0) caNames.push(Buffer.from(names.vec16()));
  }
  return {
    context: Buffer.from(context),
    signatureSchemes,
    signatureSchemesCert: schemes(exts.get(EXT.signature_algorithms_cert), 'CertificateRequest signature_algorithms_cert'),
    caNames,
    caNamesBytes,
  };
}

export function parseCertificateVerify(body: Buffer): { scheme: number; signature: Buffer } {
  const r = new Reader(body, 'CertificateVerify');
  const scheme = r.u16();
  const signature = r.vec16();
  r.end();
  return { scheme, signature };
}

export function buildCertificate(context: Buffer, certificates: readonly Uint8Array[]): Buffer {
  const entries = certificates.map((c) => Buffer.concat([vec24(Buffer.from(c)), u16(0)]));
  return handshakeMessage(HANDSHAKE.certificate, Buffer.concat([vec8(context), vec24(Buffer.concat(entries))]));
}

export function buildCertificateVerify(scheme: number, signature: Buffer): Buffer {
  return handshakeMessage(HANDSHAKE.certificate_verify, Buffer.concat([u16(scheme), vec16(signature)]));
}

export function buildFinished(verifyData: Buffer): Buffer {
  return handshakeMessage(HANDSHAKE.finished, verifyData);
}

export function buildKeyUpdate(requestUpdate: boolean): Buffer {
  return handshakeMessage(HANDSHAKE.key_update, Buffer.of(requestUpdate ? 1 : 0));
}

/** "message_hash" replacing ClientHello1 in the transcript after a HelloRetryRequest (RFC 8446 4.4.1). */
export function messageHash(hashOfClientHello1: Buffer): Buffer {
  return handshakeMessage(HANDSHAKE.message_hash, hashOfClientHello1);
}

/** A handshake message cut from the handshake stream, with the records it spanned. */
export interface HandshakeFrame {
  type: number;
  name: string;
  body: Buffer;
  /** Header and body, as hashed into the transcript. */
  raw: Buffer;
  records: number;
}

/**
 * Reassembles handshake messages from records (a message may span records; a record may hold
 * several messages, tls-probe-notes "Seeing the CertificateRequest"), each bounded to maxMessage.
 */
export class HandshakeAssembler {
  private buf = Buffer.alloc(0);
  private startRecord = 0;

  constructor(private readonly maxMessage: number) {}

  get pending(): boolean {
    return this.buf.length > 0;
  }

  push(fragment: Buffer, recordIndex: number): HandshakeFrame[] {
    if (this.buf.length === 0) this.startRecord = recordIndex;
    this.buf = this.buf.length ? Buffer.concat([this.buf, fragment]) : Buffer.from(fragment);
    const out: HandshakeFrame[] = [];
    while (this.buf.length >= 4) {
      const type = this.buf[0]!;
      const length = this.buf.readUIntBE(1, 3);
      if (length > this.maxMessage) {
        throw new Tls13DecodeError(
          `the server sent a ${handshakeName(type)} message of ${length} bytes, over the ${Math.round(this.maxMessage / 1024)} KB limit for one handshake message`,
        );
      }
      if (this.buf.length < 4 + length) break;
      const raw = this.buf.subarray(0, 4 + length);
      out.push({ type, name: handshakeName(type), body: raw.subarray(4), raw, records: recordIndex - this.startRecord + 1 });
      this.buf = this.buf.subarray(4 + length);
      // What remains started inside this record: the message just cut ended in it.
      this.startRecord = recordIndex;
    }
    return out;
  }
}

import { EXTENSION, HANDSHAKE } from '../../../shared/tls/names';

/**
 * The TLS 1.3 handshake messages the own client writes (RFC 8446 4.1-4.6). What it reads is parsed
 * by the one set of parsers in shared/tls/messages.ts, shared with the passive recorder.
 */

const u16 = (n: number) => Buffer.of(n >> 8, n & 0xff);
const u24 = (n: number) => Buffer.of((n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
const vec8 = (b: Uint8Array) => Buffer.concat([Buffer.of(b.length), b]);
const vec16 = (b: Uint8Array) => Buffer.concat([u16(b.length), b]);
const vec24 = (b: Uint8Array) => Buffer.concat([u24(b.length), b]);
const ext = (type: number, body: Uint8Array) => Buffer.concat([u16(type), vec16(body)]);

/** A handshake message with its 4-byte header. */
function handshakeMessage(type: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.of(type), u24(body.length), body]);
}

export interface ClientHelloParams {
  random: Buffer;
  sessionId: Buffer;
  /** SNI host name; null for an IP literal (RFC 6066 3: literal addresses are not permitted). */
  serverName: string | null;
  cipherSuites: readonly number[];
  groups: readonly number[];
  keyShares: readonly { group: number; publicKey: Buffer }[];
  signatureSchemes: readonly number[];
  cookie: Uint8Array | null;
}

/** ClientHello offering TLS 1.3 only, with post_handshake_auth (RFC 8446 4.1.2, 4.2.6). */
export function buildClientHello(p: ClientHelloParams): Buffer {
  const extensions: Buffer[] = [];
  if (p.serverName) {
    const host = Buffer.from(p.serverName, 'ascii');
    extensions.push(ext(EXTENSION.serverName, vec16(Buffer.concat([Buffer.of(0), vec16(host)]))));
  }
  extensions.push(ext(EXTENSION.supportedGroups, vec16(Buffer.concat(p.groups.map(u16)))));
  extensions.push(ext(EXTENSION.signatureAlgorithms, vec16(Buffer.concat(p.signatureSchemes.map(u16)))));
  extensions.push(ext(EXTENSION.alpn, vec16(vec8(Buffer.from('http/1.1', 'ascii')))));
  extensions.push(ext(EXTENSION.supportedVersions, vec8(u16(0x0304))));
  if (p.cookie) extensions.push(ext(EXTENSION.cookie, vec16(p.cookie)));
  extensions.push(ext(EXTENSION.keyShare, vec16(Buffer.concat(p.keyShares.map((k) => Buffer.concat([u16(k.group), vec16(k.publicKey)]))))));
  extensions.push(ext(EXTENSION.postHandshakeAuth, Buffer.alloc(0)));
  const body = Buffer.concat([
    u16(0x0303),
    p.random,
    vec8(p.sessionId),
    vec16(Buffer.concat(p.cipherSuites.map(u16))),
    vec8(Buffer.of(0)),
    vec16(Buffer.concat(extensions)),
  ]);
  return handshakeMessage(HANDSHAKE.clientHello, body);
}

export function buildCertificate(context: Uint8Array, certificates: readonly Uint8Array[]): Buffer {
  const entries = certificates.map((c) => Buffer.concat([vec24(Buffer.from(c)), u16(0)]));
  return handshakeMessage(HANDSHAKE.certificate, Buffer.concat([vec8(context), vec24(Buffer.concat(entries))]));
}

export function buildCertificateVerify(scheme: number, signature: Uint8Array): Buffer {
  return handshakeMessage(HANDSHAKE.certificateVerify, Buffer.concat([u16(scheme), vec16(signature)]));
}

export function buildFinished(verifyData: Buffer): Buffer {
  return handshakeMessage(HANDSHAKE.finished, verifyData);
}

export function buildKeyUpdate(requestUpdate: boolean): Buffer {
  return handshakeMessage(HANDSHAKE.keyUpdate, Buffer.of(requestUpdate ? 1 : 0));
}

/** "message_hash" replacing ClientHello1 in the transcript after a HelloRetryRequest (RFC 8446 4.4.1). */
export function messageHash(hashOfClientHello1: Buffer): Buffer {
  return handshakeMessage(HANDSHAKE.messageHash, hashOfClientHello1);
}

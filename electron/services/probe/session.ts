import { describeCertificateRequest } from '../../../shared/tls/certificate-request';
import { alertMessage, applicationData, connectionEvent, handshakeMessage, opaqueRecord, unreadable, type TimelineMessage } from '../../../shared/probe/timeline-message';
import { RecordDecoder, type OpenedRecord, type StreamEvent } from '../../../shared/tls/decoder';
import type { HandshakeMessage } from '../../../shared/tls/handshake';
import { TlsParseError, parseCertificate, parseClientHello, parseServerHello } from '../../../shared/tls/messages';
import { CONTENT_TYPE, HANDSHAKE, aeadSuite, cipherSuiteName, versionName, type AeadSuite } from '../../../shared/tls/names';
import { DEFAULT_LIMITS, RecordSplitter, type DecodeError, type DecoderLimits, type TlsRecord } from '../../../shared/tls/records';
import type { Alert, CertificateRequestInfo, TimelineEntry } from '../../../shared/model/probe';
import { type KeyLog, nextTrafficSecret, openRecord, tls12Ciphers, tls13Cipher, type RecordCipher } from './record-crypto';

/**
 * Turn the bytes recorded on one connection (both directions, in the order they passed) and the
 * key log into what the probe reports: a timeline of every TLS message with its moment and whether it
 * travelled encrypted, the CertificateRequest(s) and which handshake carried each, alerts, the server's
 * certificates as sent. Runs after the connection ends, so every secret is known; keys change exactly
 * where TLS changes them: at ServerHello and after each Finished (TLS 1.3), at ChangeCipherSpec
 * (TLS 1.2, where a renegotiation brings a new master secret and sequence numbers restart).
 */

export interface WireChunk {
  /** Order in which the chunk passed the tap, across both directions. */
  seq: number;
  ms: number;
  from: 'client' | 'server';
  bytes: Uint8Array;
}

export interface SessionAnalysis {
  timeline: TimelineEntry[];
  version: string | null;
  cipher: string | null;
  tls13: boolean;
  serverCertificates: Uint8Array[];
  certificateRequests: (CertificateRequestInfo & { ms: number })[];
  alerts: Alert[];
  /** Moments a HelloRequest arrived (TLS 1.2: the server asks the client to renegotiate). */
  helloRequests: number[];
  /** Handshakes the client started (1 + renegotiations; a HelloRetryRequest's second ClientHello is not counted). */
  handshakes: number;
  /** Certificate messages the client sent: how many certificates each carried and when. */
  clientCertificates: { count: number; ms: number; afterRequest: boolean }[];
  /** The server's Finished of the first handshake was seen (TLS 1.3: what comes after is post-handshake). */
  serverFinished: boolean;
  /** Plaintext of the server's application data (the HTTP response), bounded. */
  serverApplicationData: number;
  /** Records that could not be opened (no key, or authentication failed). */
  undecrypted: number;
  decodeError: DecodeError | null;
  /** Whether the ClientHello offered post_handshake_auth. */
  offeredPostHandshakeAuth: boolean;
  /** The server sent renegotiation_info (RFC 5746 secure renegotiation). */
  secureRenegotiation: boolean | null;
}

interface Direction {
  who: 'client' | 'server';
  splitter: RecordSplitter;
  decoder: RecordDecoder;
  cipher: RecordCipher | null;
  /** TLS 1.2: keys waiting for this side's ChangeCipherSpec. */
  pending: RecordCipher | null;
  cipherBroken: boolean;
  /** TLS 1.2: this side has sent ChangeCipherSpec, so its records are protected from now on. */
  protected: boolean;
  appRecords: number;
}

const CLOSED_REASON = 'not decrypted (no key logged for it)';
/** Timeline entries kept per connection; alerts, requests and the like kept per connection. */
export const MAX_TIMELINE = 1000;
const MAX_LISTED = 20;

export function analyzeSession(chunks: WireChunk[], keylog: KeyLog, limits: DecoderLimits = DEFAULT_LIMITS): SessionAnalysis {
  const session = new SessionReader(keylog, limits);
  const sorted = [...chunks].sort((a, b) => a.seq - b.seq);
  sorted.forEach((chunk, segment) => session.read(chunk, segment));
  return session.finish(sorted[sorted.length - 1]);
}

/** The state of one connection being read, and the stages a chunk goes through: records, opening, events, keys. */
class SessionReader {
  readonly out: SessionAnalysis = {
    timeline: [],
    version: null,
    cipher: null,
    tls13: false,
    serverCertificates: [],
    certificateRequests: [],
    alerts: [],
    helloRequests: [],
    handshakes: 0,
    clientCertificates: [],
    serverFinished: false,
    serverApplicationData: 0,
    undecrypted: 0,
    decodeError: null,
    offeredPostHandshakeAuth: false,
    secureRenegotiation: null,
  };
  private readonly sides: Record<'client' | 'server', Direction>;
  private suite: AeadSuite | null = null;
  private clientRandom: Uint8Array | null = null;
  private serverRandom: Uint8Array | null = null;
  private clientFinished = false;
  private serverAppKeys = false;
  private sawHelloRetry = false;
  private requestSeen = false;
  private unlisted = 0;

  constructor(
    private readonly keylog: KeyLog,
    limits: DecoderLimits,
  ) {
    const dir = (who: 'client' | 'server'): Direction => ({
      who,
      splitter: new RecordSplitter(who, limits),
      decoder: new RecordDecoder(who, limits),
      cipher: null,
      pending: null,
      cipherBroken: false,
      protected: false,
      appRecords: 0,
    });
    this.sides = { client: dir('client'), server: dir('server') };
  }

  private secret(label: string): Buffer | null {
    return this.clientRandom ? this.keylog.get(this.clientRandom, label) : null;
  }

  /** One chunk as it passed the tap: the records it completes, each opened when it is protected, then decoded. */
  read(chunk: WireChunk, segment: number): void {
    const side = this.sides[chunk.from];
    for (const record of side.splitter.push(chunk.bytes)) {
      const { opened, reason } = this.open(side, record);
      const events = side.decoder.decode(record, opened, reason);
      for (const event of events) this.handle(event, side, chunk, segment);
      // TLS 1.3 key changes take effect at the next record (RFC 8446 5.1: a key change aligns with a record boundary).
      this.afterRecord(side, events);
    }
    const error = side.splitter.error ?? side.decoder.error;
    if (error && !this.out.decodeError) {
      this.out.decodeError = error;
      this.push(chunk, segment, side.who, false, unreadable(error.message), 0);
    }
  }

  /**
   * A record as the decoder takes it: undefined when plaintext as sent, the plaintext when opened, null
   * (with why) when protected and not opened. TLS 1.2: everything after this side's ChangeCipherSpec is
   * protected (a renegotiation's own ChangeCipherSpec included). TLS 1.3: application_data records are.
   */
  private open(side: Direction, record: TlsRecord): { opened: OpenedRecord | null | undefined; reason: string } {
    const protectedRecord = this.out.tls13 || !side.protected ? record.type === CONTENT_TYPE.applicationData : true;
    if (!protectedRecord) return { opened: undefined, reason: CLOSED_REASON };
    let opened: OpenedRecord | null;
    let reason = CLOSED_REASON;
    if (side.cipher && !side.cipherBroken) {
      opened = openRecord(side.cipher, record.header, record.fragment);
      if (!opened) {
        side.cipherBroken = true;
        reason = 'not decrypted (authentication failed: wrong or missing key)';
      }
    } else {
      opened = null;
      if (side.cipherBroken && side.cipher) reason = 'not decrypted (an earlier record failed)';
    }
    if (opened === null) this.out.undecrypted++;
    return { opened, reason };
  }

  private push(chunk: WireChunk, segment: number, from: 'client' | 'server', encrypted: boolean, line: TimelineMessage, bytes: number): void {
    // A flood of tiny records must not become a flood of objects: list the first ones, count the rest.
    if (this.out.timeline.length >= MAX_TIMELINE) {
      this.unlisted++;
      return;
    }
    this.out.timeline.push({ ms: round(chunk.ms), from, encrypted, ...line, bytes, segment });
  }

  private handle(event: StreamEvent, side: Direction, chunk: WireChunk, segment: number): void {
    const out = this.out;
    switch (event.kind) {
      case 'handshake':
        this.push(chunk, segment, side.who, event.encrypted, this.describeMessage(event.message, side, round(chunk.ms)), event.message.bytes);
        return;
      case 'alert':
        if (out.alerts.length < MAX_LISTED) out.alerts.push({ from: side.who, level: event.level, code: event.code, description: event.description, ms: round(chunk.ms) });
        this.push(chunk, segment, side.who, event.encrypted, alertMessage(event.level, event.description), 2);
        return;
      case 'change-cipher-spec':
        this.push(chunk, segment, side.who, !out.tls13 && side.protected, handshakeMessage('ChangeCipherSpec'), 1);
        if (!out.tls13) {
          side.protected = true;
          side.cipher = side.pending;
          side.pending = null;
          side.cipherBroken = false;
        }
        return;
      case 'application-data': {
        side.appRecords++;
        if (side.who === 'server') out.serverApplicationData += event.data.length;
        const first = side.appRecords === 1 ? firstLine(event.data) : null;
        if (side.who === 'client' && first && /^[A-Z]+ \S+ HTTP\//.test(first)) this.requestSeen = true;
        this.push(chunk, segment, side.who, event.encrypted, applicationData(first ? first : `${event.data.length} bytes`), event.data.length);
        return;
      }
      case 'opaque':
        this.push(chunk, segment, side.who, true, opaqueRecord(event.reason), event.record.fragment.length);
        return;
      case 'error':
        return;
    }
  }

  /** The timeline's words for a handshake message, noting what it tells about the connection on the way. */
  private describeMessage(m: HandshakeMessage, side: Direction, ms: number): TimelineMessage {
    try {
      switch (m.type) {
        case HANDSHAKE.clientHello:
          return this.clientHello(m);
        case HANDSHAKE.serverHello:
          return this.serverHello(m);
        case HANDSHAKE.certificate:
          return this.certificate(m, side, ms);
        case HANDSHAKE.certificateRequest:
          return this.certificateRequest(m, ms);
        case HANDSHAKE.helloRequest:
          if (this.out.helloRequests.length < MAX_LISTED) this.out.helloRequests.push(ms);
          return handshakeMessage('HelloRequest', this.requestSeen ? 'after the HTTP request: renegotiate' : null);
        case HANDSHAKE.finished:
          if (side.who === 'server' && this.out.handshakes <= 1) this.out.serverFinished = true;
          return handshakeMessage('Finished');
        default:
          return handshakeMessage(m.name);
      }
    } catch (err) {
      if (err instanceof TlsParseError) return handshakeMessage(m.name, err.message);
      throw err;
    }
  }

  private clientHello(m: HandshakeMessage): TimelineMessage {
    const out = this.out;
    const ch = parseClientHello(m.body);
    const retry = this.sawHelloRetry && out.handshakes === 1 && !out.serverFinished;
    this.clientRandom = ch.random;
    if (ch.offersPostHandshakeAuth) out.offeredPostHandshakeAuth = true;
    if (retry) return handshakeMessage('ClientHello', 'after HelloRetryRequest');
    out.handshakes++;
    return handshakeMessage('ClientHello', out.handshakes > 1 ? 'renegotiation' : null);
  }

  private serverHello(m: HandshakeMessage): TimelineMessage {
    const out = this.out;
    const sh = parseServerHello(m.body);
    if (sh.isHelloRetryRequest) {
      // Only TLS 1.3 has HelloRetryRequest: the ChangeCipherSpec records that follow are compatibility
      // ones (RFC 8446 D.4), and the second ClientHello is still plaintext.
      this.sawHelloRetry = true;
      out.tls13 = true;
      out.version = versionName(sh.version);
      return handshakeMessage('HelloRetryRequest');
    }
    this.serverRandom = sh.random;
    out.tls13 = sh.version === 0x0304;
    out.version = versionName(sh.version);
    out.cipher = cipherSuiteName(sh.cipherSuite);
    out.secureRenegotiation = out.tls13 ? null : sh.secureRenegotiation;
    this.suite = aeadSuite(sh.cipherSuite);
    this.installAfterServerHello();
    return handshakeMessage('ServerHello');
  }

  private certificate(m: HandshakeMessage, side: Direction, ms: number): TimelineMessage {
    const out = this.out;
    const { certificates } = parseCertificate(m.body, out.tls13);
    if (side.who === 'server') {
      if (out.serverCertificates.length === 0) out.serverCertificates = certificates;
    } else if (out.clientCertificates.length < MAX_LISTED) {
      out.clientCertificates.push({ count: certificates.length, ms, afterRequest: out.certificateRequests.length > 0 });
    }
    return handshakeMessage('Certificate', certificates.length ? `${certificates.length} certificate${certificates.length > 1 ? 's' : ''}` : 'empty: no certificate sent');
  }

  private certificateRequest(m: HandshakeMessage, ms: number): TimelineMessage {
    const out = this.out;
    const carriedBy = out.tls13 ? (out.serverFinished ? 'post-handshake' : 'handshake') : out.handshakes > 1 ? 'renegotiation' : 'handshake';
    const info = describeCertificateRequest(m, out.tls13, carriedBy);
    if (out.certificateRequests.length < MAX_LISTED) out.certificateRequests.push({ ...info, ms });
    return handshakeMessage('CertificateRequest', `${info.caNames.length} CA name${info.caNames.length === 1 ? '' : 's'}, ${info.caNamesBytes} bytes of names${carriedBy === 'handshake' ? '' : `, ${carriedBy}`}`);
  }

  /** Keys after ServerHello: TLS 1.3 handshake keys at once; TLS 1.2 keys waiting for each side's ChangeCipherSpec. */
  private installAfterServerHello(): void {
    const { client, server } = this.sides;
    const suite = this.suite;
    if (!suite) {
      client.pending = server.pending = null;
      return;
    }
    if (this.out.tls13) {
      const c = this.secret('CLIENT_HANDSHAKE_TRAFFIC_SECRET');
      const s = this.secret('SERVER_HANDSHAKE_TRAFFIC_SECRET');
      client.cipher = c ? tls13Cipher(suite, c) : null;
      server.cipher = s ? tls13Cipher(suite, s) : null;
      client.cipherBroken = !c;
      server.cipherBroken = !s;
      return;
    }
    const master = this.secret('CLIENT_RANDOM');
    if (master && this.clientRandom && this.serverRandom) {
      const keys = tls12Ciphers(suite, master, this.clientRandom, this.serverRandom);
      client.pending = keys.client;
      server.pending = keys.server;
    } else {
      // Keys for the next epoch are unknown: after ChangeCipherSpec the records stay opaque.
      client.pending = server.pending = null;
    }
  }

  /** TLS 1.3: application keys after each side's Finished, the next secret after a KeyUpdate. */
  private afterRecord(side: Direction, events: StreamEvent[]): void {
    const suite = this.suite;
    if (!this.out.tls13 || !suite) return;
    for (const e of events) {
      if (e.kind !== 'handshake') continue;
      if (e.message.type === HANDSHAKE.finished && side.who === 'server' && !this.serverAppKeys) {
        this.serverAppKeys = true;
        const s = this.secret('SERVER_TRAFFIC_SECRET_0');
        side.cipher = s ? tls13Cipher(suite, s) : null;
        side.cipherBroken = !s;
      } else if (e.message.type === HANDSHAKE.finished && side.who === 'client' && !this.clientFinished) {
        this.clientFinished = true;
        const c = this.secret('CLIENT_TRAFFIC_SECRET_0');
        side.cipher = c ? tls13Cipher(suite, c) : null;
        side.cipherBroken = !c;
      } else if (e.message.type === HANDSHAKE.keyUpdate && side.cipher?.secret) {
        side.cipher = tls13Cipher(suite, nextTrafficSecret(suite.hash, side.cipher.secret));
      }
    }
  }

  finish(last: WireChunk | undefined): SessionAnalysis {
    if (this.unlisted) this.out.timeline.push({ ms: round(last?.ms ?? 0), from: 'server', encrypted: false, ...connectionEvent(`(${this.unlisted} more messages not listed)`) });
    return this.out;
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** The first line of application data, if it reads as text (the HTTP request or status line). */
function firstLine(data: Uint8Array): string | null {
  const head = data.subarray(0, 200);
  let end = head.indexOf(0x0d);
  if (end < 0) end = head.indexOf(0x0a);
  if (end <= 0) return null;
  const line = head.subarray(0, end);
  if (!line.every((b) => b >= 32 && b < 127)) return null;
  return String.fromCharCode(...line);
}

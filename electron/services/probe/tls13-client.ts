// One file because it is the TLS 1.3 client's state machine (RFC 8446 2, 4.6.2): its states share
// the key schedule and the transcript hash; splitting them would pass secrets around.
import crypto from 'node:crypto';
import { alertMessage, applicationData, connectionEvent, handshakeMessage, type TimelineMessage } from '../../../shared/probe/timeline-message';
import net from 'node:net';
import type { Alert, CertificateRequestInfo, ProbeAttempt, TimelineEntry } from '../../../shared/model/probe';
import { caNameString } from '../../../shared/tls/certificate-request';
import { HANDSHAKE_HEADER_BYTES, HandshakeAssembler, type HandshakeMessage } from '../../../shared/tls/handshake';
import {
  TlsParseError,
  parseCertificate,
  parseCertificateRequest13,
  parseCertificateVerify,
  parseEncryptedExtensions,
  parseServerHello,
  type ParsedCertificateRequest,
} from '../../../shared/tls/messages';
import { ALERT, CONTENT_TYPE, GROUP, HANDSHAKE, TLS13_SUITES, alertName, groupName, signatureSchemeName, type AeadSuite } from '../../../shared/tls/names';
import { opensslWords } from '../../../shared/tls/openssl-errors';
import { DEFAULT_LIMITS, MAX_PLAINTEXT } from '../../../shared/tls/records';
import { bytesEqual } from '../../../shared/asn1/bytes';
import { hashOf, nextTrafficSecret, openTls13Record, sealTls13Record, tls13Cipher, type RecordCipher } from './record-crypto';
import {
  KeySchedule,
  OFFERED_SIGNATURE_SCHEMES,
  certificateVerifyInput,
  chooseClientScheme,
  describeKey,
  makeKeyShare,
  signCertificateVerify,
  verifyCertificateVerify,
  type KeyShare,
} from './tls13-crypto';
import { HttpResponseReader } from './tls13-http';
import { ProbeIoError, RecordConnection, formatMs, type ReceivedRecord } from './tls13-io';
import { buildCertificate, buildCertificateVerify, buildClientHello, buildFinished, buildKeyUpdate, messageHash } from './tls13-messages';

/**
 * A minimal TLS 1.3 client of our own that offers post_handshake_auth (extension 49), because
 * Node's TLS client never does (nodejs/node#36926) and a server that asks for a certificate only
 * after the request (Apache's per-Location SSLVerifyClient under TLS 1.3, IIS with TLS 1.3) must
 * still be seen and answered. It does a full (EC)DHE handshake (RFC 8446 2), verifies the
 * server's CertificateVerify and Finished but not its chain (a diagnostic probe talks to
 * untrusted servers on purpose), sends `GET <path>`, and answers a CertificateRequest, in the
 * handshake or after it (RFC 8446 4.6.2), with the given client certificate or an empty one.
 *
 * Not implemented: PSK and session resumption, 0-RTT, TLS 1.2 fallback, X448/FFDHE groups,
 * certificate compression, OCSP stapling, oid_filters, record size limit, HTTP/2.
 */

export interface PostHandshakeTarget {
  host: string;
  port: number;
  servername: string;
  path: string;
}

export interface PostHandshakeOptions {
  timeoutMs: number;
  clientCertificate?: { certDer: Uint8Array; chainDer: Uint8Array[]; privateKeyPkcs8: Uint8Array };
}

/** A ProbeAttempt plus the server's certificates as sent (DER, base64: plain data). */
export type Tls13ProbeAttempt = ProbeAttempt & { serverCertificatesDerBase64: string[] };

/** One handshake message may be at most this long (a CA list of 16 KB and more still fits). */
const MAX_HANDSHAKE_MESSAGE = 64 * 1024;
/** All bytes read from one server, handshake and response. */
const MAX_TOTAL_BYTES = 4 * 1024 * 1024;
const MAX_TIMELINE = 500;
const SUPPORTED_GROUPS = [GROUP.x25519, GROUP.secp256r1, GROUP.secp384r1, GROUP.secp521r1];
const FIRST_SHARES = [GROUP.x25519, GROUP.secp256r1];

/** Connect, handshake with TLS 1.3 offering post_handshake_auth, GET the path and report what happened. */
export async function probeWithPostHandshakeAuth(target: PostHandshakeTarget, options: PostHandshakeOptions): Promise<Tls13ProbeAttempt> {
  return new Tls13Session(target, options).run();
}

/** The client aborts with this alert (RFC 8446 6.2). */
class ClientAbort extends Error {
  constructor(
    readonly alert: number,
    message: string,
  ) {
    super(message);
  }
}

/** The server ended the exchange with a fatal alert or close_notify. */
class ServerAlert extends Error {}

type Phase = 'handshake' | 'after-handshake' | 'after-response';

class Tls13Session {
  private readonly t0 = Date.now();
  /** Date.now() at which the record being handled arrived (null while none is). */
  private lastArrival: number | null = null;
  private readonly deadline: number;
  private conn: RecordConnection | null = null;
  private readonly timeline: TimelineEntry[] = [];
  private timelineOverflow = 0;
  private readonly alerts: Alert[] = [];
  private suite: AeadSuite | null = null;
  private schedule: KeySchedule | null = null;
  private readKeys: RecordCipher | null = null;
  private writeKeys: RecordCipher | null = null;
  private clientAppSecret: Buffer | null = null;
  private serverAppSecret: Buffer | null = null;
  /** ClientHello .. client Finished: the Handshake Context of post-handshake authentication (RFC 8446 4.4). */
  private mainTranscript: Uint8Array[] = [];
  private readonly assembler = new HandshakeAssembler('server', { ...DEFAULT_LIMITS, maxHandshakeMessageBytes: HANDSHAKE_HEADER_BYTES + MAX_HANDSHAKE_MESSAGE });
  private readonly http = new HttpResponseReader();
  private serverCertificates: Buffer[] = [];
  private request: CertificateRequestInfo | null = null;
  private requestNote: string | null = null;
  private presented = false;
  private answeredEmpty = false;
  private fatalAlertAfterCertificate = false;
  private phase: Phase = 'handshake';
  private waitingFor = 'ServerHello';
  private ending = '';
  private error: string | null = null;
  private ccsSent = false;
  private readonly clientKey: crypto.KeyObject | null;
  private clientKeyError: string | null = null;

  constructor(
    private readonly target: PostHandshakeTarget,
    private readonly options: PostHandshakeOptions,
  ) {
    this.deadline = this.t0 + Math.max(1, options.timeoutMs);
    let key: crypto.KeyObject | null = null;
    if (options.clientCertificate) {
      try {
        key = crypto.createPrivateKey({ key: Buffer.from(options.clientCertificate.privateKeyPkcs8), format: 'der', type: 'pkcs8' });
      } catch (err) {
        this.clientKeyError = `the client private key cannot be used (${oneLine(err)})`;
      }
    }
    this.clientKey = key;
  }

  async run(): Promise<Tls13ProbeAttempt> {
    if (this.clientKeyError) {
      this.error = this.clientKeyError;
      this.ending = 'not started';
      return this.result();
    }
    try {
      this.conn = await RecordConnection.connect(this.target.host, this.target.port, this.deadline, MAX_TOTAL_BYTES);
      await this.handshake();
      this.phase = 'after-handshake';
      this.sendRequest();
      await this.readApplication();
    } catch (err) {
      this.fail(err);
    } finally {
      this.conn?.destroy();
    }
    return this.result();
  }

  // ---- output ----

  private ms(): number {
    return Date.now() - this.t0;
  }

  /**
   * When the server's message being handled arrived: the arrival of the record that carried it, not
   * the moment it was read, so a server close_notify that came before the client's is listed first.
   */
  private serverMs(): number {
    return this.lastArrival !== null ? this.lastArrival - this.t0 : this.ms();
  }

  private note(from: 'client' | 'server', encrypted: boolean, line: TimelineMessage, bytes?: number): void {
    if (this.timeline.length >= MAX_TIMELINE) {
      this.timelineOverflow += 1;
      return;
    }
    this.timeline.push({ ms: from === 'server' ? this.serverMs() : this.ms(), from, encrypted, ...line, ...(bytes !== undefined ? { bytes } : {}) });
  }

  private where(): string {
    return this.phase === 'handshake' ? 'during the handshake' : this.phase === 'after-handshake' ? 'after the handshake, before the response' : 'after the response';
  }

  private fail(err: unknown): void {
    if (err instanceof ServerAlert) return; // ending and alerts already say it
    if (err instanceof ClientAbort) {
      this.sendAlert(err.alert);
      this.error = err.message;
      this.ending = `aborted by the client ${this.where()} (alert ${alertName(err.alert)})`;
      return;
    }
    if (err instanceof TlsParseError) {
      this.sendAlert(ALERT.decodeError);
      this.error = decodeErrorMessage(err);
      this.ending = `aborted by the client ${this.where()} (alert decode_error)`;
      return;
    }
    if (err instanceof ProbeIoError) {
      if (err.kind === 'timeout') {
        this.ending = `timeout after ${formatMs(this.options.timeoutMs)} waiting for ${this.waitingFor}`;
        this.error = this.phase === 'handshake' || !this.http.head ? this.ending : null;
        if (this.http.head) this.ending = `timeout after ${formatMs(this.options.timeoutMs)} while reading the response body`;
        return;
      }
      if (err.kind === 'reset') {
        this.note('server', false, connectionEvent('TCP reset'));
        this.ending = `reset by the server ${this.where()}`;
        if (this.phase === 'handshake') this.error = `connection reset by the server during the handshake (waiting for ${this.waitingFor})`;
        return;
      }
      if (err.kind === 'closed') {
        this.note('server', false, connectionEvent('Connection closed'));
        this.http.closed();
        this.ending = `closed by the server ${this.where()}`;
        if (this.phase === 'handshake') this.error = `the server closed the connection during the handshake (waiting for ${this.waitingFor})`;
        return;
      }
      if (err.kind === 'refused' || err.kind === 'network') {
        this.ending = 'no connection';
        this.error = err.message;
        return;
      }
      this.ending = `aborted ${this.where()}`;
      this.error = err.message;
      return;
    }
    this.ending = `aborted ${this.where()}`;
    this.error = oneLine(err);
  }

  private result(): Tls13ProbeAttempt {
    if (this.timelineOverflow) this.timeline.push({ ms: this.ms(), from: 'server', encrypted: true, ...connectionEvent(`(${this.timelineOverflow} more records not listed)`) });
    const httpResult = this.http.result();
    let mode: ProbeAttempt['clientAuth']['mode'];
    let reason: string | null;
    if (this.request?.carriedBy === 'handshake') {
      mode = 'handshake';
      reason = 'the server asked for a client certificate in the TLS 1.3 handshake';
    } else if (this.request) {
      mode = 'post-handshake';
      reason = `the server asked for a client certificate after the request for ${this.target.path}, by TLS 1.3 post-handshake authentication`;
    } else if (httpResult) {
      mode = 'none';
      reason = `the server answered ${httpResult.status} without asking for a client certificate, although post-handshake authentication was offered`;
    } else {
      mode = 'unknown';
      reason = this.error ?? `no CertificateRequest and no HTTP response (${this.ending})`;
    }
    if (this.requestNote) reason = `${reason}; ${this.requestNote}`;
    let accepted: boolean | null = null;
    if (this.presented) {
      if (this.fatalAlertAfterCertificate) accepted = false;
      else if (httpResult) accepted = httpResult.status < 400 ? true : httpResult.status === 401 || httpResult.status === 403 ? false : null;
    }
    const cc = this.options.clientCertificate;
    return {
      label: cc ? 'TLS 1.3 with post_handshake_auth, presenting the client certificate' : 'TLS 1.3 with post_handshake_auth',
      tls: { version: this.suite ? 'TLSv1.3' : null, cipher: this.suite?.name ?? null },
      clientAuth: { mode, reason, certificateRequest: this.request },
      http: httpResult,
      alerts: this.alerts,
      // In arrival order across both directions (stable: equal times keep the order they were handled in).
      timeline: [...this.timeline].sort((a, b) => a.ms - b.ms),
      ending: this.ending,
      error: this.error,
      clientCertificate: {
        presented: this.presented,
        accepted,
        thumbprint: cc ? crypto.createHash('sha1').update(cc.certDer).digest('hex').toUpperCase() : null,
      },
      serverCertificatesDerBase64: this.serverCertificates.map((c) => c.toString('base64')),
    };
  }

  // ---- writing ----

  private writePlain(type: number, content: Buffer, recordVersion = 0x0303): void {
    this.conn?.write(Buffer.concat([Buffer.of(type, recordVersion >> 8, recordVersion & 0xff, content.length >> 8, content.length & 0xff), content]));
  }

  private writeEncrypted(keys: RecordCipher, type: number, content: Buffer): void {
    for (let off = 0; off < content.length || off === 0; off += MAX_PLAINTEXT) {
      this.conn?.write(sealTls13Record(keys, type, content.subarray(off, off + MAX_PLAINTEXT)));
      if (content.length === 0) break;
    }
  }

  private sendChangeCipherSpec(): void {
    // Middlebox compatibility mode (RFC 8446 D.4): the session id is non-empty, so send one CCS.
    if (this.ccsSent) return;
    this.ccsSent = true;
    this.writePlain(CONTENT_TYPE.changeCipherSpec, Buffer.of(1));
    this.note('client', false, handshakeMessage('ChangeCipherSpec'), 1);
  }

  private sendAlert(code: number): void {
    if (!this.conn) return;
    const level = code === ALERT.closeNotify || code === ALERT.userCanceled ? 1 : 2;
    try {
      if (this.writeKeys) this.writeEncrypted(this.writeKeys, CONTENT_TYPE.alert, Buffer.of(level, code));
      else this.writePlain(CONTENT_TYPE.alert, Buffer.of(level, code));
    } catch {
      return;
    }
    this.alerts.push({ from: 'client', level: level === 1 ? 'warning' : 'fatal', code, description: alertName(code), ms: this.ms() });
    this.note('client', this.writeKeys !== null, alertMessage(null, alertName(code)), 2);
  }

  // ---- reading ----

  private async nextRecord(): Promise<ReceivedRecord> {
    if (!this.conn) throw new Error('not connected');
    // A close or reset found while waiting is stamped with the moment it was found.
    this.lastArrival = null;
    const record = await this.conn.readRecord(this.deadline);
    this.lastArrival = record.arrivedAt;
    return record;
  }

  /** Record a server alert; throws ServerAlert unless it is a warning the exchange survives. */
  private serverAlert(content: Buffer, encrypted: boolean): void {
    if (content.length !== 2) throw new ClientAbort(ALERT.decodeError, 'the server sent a malformed alert');
    const level = content[0] === 1 ? 'warning' : content[0] === 2 ? 'fatal' : 'unknown';
    const code = content[1]!;
    this.alerts.push({ from: 'server', level, code, description: alertName(code), ms: this.serverMs() });
    this.note('server', encrypted, alertMessage(null, alertName(code)), 2);
    if (code === ALERT.userCanceled) return;
    if (code === ALERT.closeNotify) {
      this.http.closed();
      this.ending = this.http.head ? 'closed by the server (close_notify) after the response' : `closed by the server (close_notify) ${this.where()}`;
      throw new ServerAlert();
    }
    if (this.presented || this.answeredEmpty) this.fatalAlertAfterCertificate = this.presented;
    const after = this.presented ? " after the client's certificate" : this.answeredEmpty ? " after the client's empty Certificate" : '';
    this.ending = `closed by the server with alert ${alertName(code)}${after}`;
    if (this.phase === 'handshake') this.error = `the server ended the handshake with alert ${alertName(code)} (${code})`;
    throw new ServerAlert();
  }

  private decrypt(record: ReceivedRecord): { type: number; content: Buffer } {
    if (!this.readKeys) throw new ClientAbort(ALERT.unexpectedMessage, 'an encrypted record came before the keys were set');
    // Under 17 bytes there is no room for a tag and a content type: nothing to authenticate.
    const opened = record.payload.length < 17 ? null : openTls13Record(this.readKeys, record.header, record.payload);
    if (!opened) throw new ClientAbort(ALERT.badRecordMac, 'a record from the server does not decrypt (bad_record_mac)');
    if (opened.data.length > MAX_PLAINTEXT) throw new ClientAbort(ALERT.recordOverflow, 'the server sent a record longer than 16 KB of plaintext');
    return { type: opened.type, content: Buffer.from(opened.data.buffer, opened.data.byteOffset, opened.data.byteLength) };
  }

  /** Handshake messages completed by one record's plaintext; one declared over the bound ends the exchange. */
  private handshakeMessages(payload: Uint8Array, recordIndex: number): HandshakeMessage[] {
    const messages = this.assembler.push(payload, recordIndex);
    const declared = this.assembler.error?.declared;
    if (declared) {
      throw new TlsParseError(
        `the server sent a ${declared.name} message of ${declared.bytes} bytes, over the ${Math.round(MAX_HANDSHAKE_MESSAGE / 1024)} KB limit for one handshake message`,
      );
    }
    return messages;
  }

  /** The ServerHello or HelloRetryRequest, in clear. */
  private async readServerHello(): Promise<HandshakeMessage> {
    for (;;) {
      const record = await this.nextRecord();
      if (record.type === CONTENT_TYPE.alert) this.serverAlert(record.payload, false);
      if (record.type === CONTENT_TYPE.changeCipherSpec) {
        this.note('server', false, handshakeMessage('ChangeCipherSpec'), record.payload.length);
        continue;
      }
      if (record.type !== CONTENT_TYPE.handshake) throw new ClientAbort(ALERT.unexpectedMessage, `the server sent ${record.type === 23 ? 'application data' : `record type ${record.type}`} before its ServerHello`);
      const frames = this.handshakeMessages(record.payload, record.index);
      if (!frames.length) continue;
      const [first, ...rest] = frames;
      if (first!.type !== HANDSHAKE.serverHello) throw new ClientAbort(ALERT.unexpectedMessage, `the server sent ${first!.name} instead of ServerHello`);
      // The keys change after ServerHello: nothing may follow it in the same record (RFC 8446 5.1).
      if (rest.length || this.assembler.partial) throw new ClientAbort(ALERT.unexpectedMessage, 'the server sent more handshake data in the ServerHello record');
      return first!;
    }
  }

  // ---- the handshake ----

  private async handshake(): Promise<void> {
    const random = crypto.randomBytes(32);
    const sessionId = crypto.randomBytes(32);
    const serverName = net.isIP(this.target.servername) ? null : this.target.servername || null;
    let shares: KeyShare[] = FIRST_SHARES.map(makeKeyShare);
    const hello = (keyShares: KeyShare[], cookie: Uint8Array | null) =>
      buildClientHello({
        random,
        sessionId,
        serverName,
        cipherSuites: TLS13_SUITES.map((s) => s.code),
        groups: SUPPORTED_GROUPS,
        keyShares,
        signatureSchemes: OFFERED_SIGNATURE_SCHEMES,
        cookie,
      });
    const ch1 = hello(shares, null);
    this.writePlain(CONTENT_TYPE.handshake, ch1, 0x0301);
    this.note('client', false, handshakeMessage('ClientHello'), ch1.length);
    let transcript: Uint8Array[] = [ch1];

    this.waitingFor = 'ServerHello';
    let frame = await this.readServerHello();
    let sh = parseServerHello(frame.body, true);
    if (sh.isHelloRetryRequest) {
      this.note('server', false, handshakeMessage('HelloRetryRequest'), frame.raw.length);
      const suite = this.checkVersionAndSuite(sh.selectedVersion, sh.legacyVersion, sh.cipherSuite);
      const group = sh.keyShare?.group;
      if (group === undefined && !sh.cookie) throw new ClientAbort(ALERT.illegalParameter, 'the HelloRetryRequest asks for nothing (no key_share, no cookie)');
      if (group !== undefined) {
        if (!SUPPORTED_GROUPS.includes(group as (typeof SUPPORTED_GROUPS)[number])) {
          throw new ClientAbort(ALERT.illegalParameter, `the HelloRetryRequest asks for group ${groupName(group)}, which was not offered`);
        }
        if (shares.some((s) => s.group === group)) throw new ClientAbort(ALERT.illegalParameter, `the HelloRetryRequest asks for ${groupName(group)}, whose key share was already sent`);
        shares = [makeKeyShare(group)];
      }
      // RFC 8446 4.4.1: ClientHello1 is replaced by message_hash in the transcript.
      transcript = [messageHash(hashOf(suite.hash, [ch1])), frame.raw];
      const ch2 = hello(shares, sh.cookie);
      this.sendChangeCipherSpec();
      this.writePlain(CONTENT_TYPE.handshake, ch2);
      this.note('client', false, handshakeMessage('ClientHello', `after HelloRetryRequest${group !== undefined ? `, key share ${groupName(group)}` : ''}`), ch2.length);
      transcript.push(ch2);
      this.waitingFor = 'ServerHello after HelloRetryRequest';
      frame = await this.readServerHello();
      sh = parseServerHello(frame.body, true);
      if (sh.isHelloRetryRequest) throw new ClientAbort(ALERT.unexpectedMessage, 'the server sent a second HelloRetryRequest');
      if (sh.cipherSuite !== suite.code) throw new ClientAbort(ALERT.illegalParameter, 'the ServerHello changed the cipher suite chosen in the HelloRetryRequest');
    }
    this.note('server', false, handshakeMessage('ServerHello'), frame.raw.length);
    const suite = this.checkVersionAndSuite(sh.selectedVersion, sh.legacyVersion, sh.cipherSuite);
    if (!bytesEqual(sh.sessionId, sessionId)) throw new ClientAbort(ALERT.illegalParameter, 'the ServerHello does not echo the session id');
    if (!sh.keyShare?.key) throw new ClientAbort(ALERT.missingExtension, 'the ServerHello has no key share (PSK-only handshakes are not offered)');
    const share = shares.find((s) => s.group === sh.keyShare!.group);
    if (!share) throw new ClientAbort(ALERT.illegalParameter, `the ServerHello's key share is for ${groupName(sh.keyShare.group)}, which was not sent`);
    let shared: Buffer;
    try {
      shared = share.agree(sh.keyShare.key);
    } catch (err) {
      throw new ClientAbort(ALERT.illegalParameter, `the server's ${groupName(share.group)} key share is invalid (${oneLine(err)})`);
    }
    this.suite = suite;
    this.schedule = new KeySchedule(suite);
    transcript.push(frame.raw);
    const hs = this.schedule.handshake(shared, hashOf(suite.hash, transcript));
    this.readKeys = tls13Cipher(suite, hs.server);

    await this.readEncryptedHandshake(transcript, hs.server);

    const app = this.schedule.application(hashOf(suite.hash, transcript));
    this.readKeys = tls13Cipher(suite, app.server);
    this.serverAppSecret = app.server;
    this.clientAppSecret = app.client;

    this.sendChangeCipherSpec();
    const clientHsKeys = tls13Cipher(suite, hs.client);
    if (this.request?.carriedBy === 'handshake' && this.pendingHandshakeRequest) {
      transcript = this.answerCertificateRequest(this.pendingHandshakeRequest, transcript, clientHsKeys, hs.client);
    } else {
      const finished = buildFinished(this.schedule.finished(hs.client, hashOf(suite.hash, transcript)));
      this.writeEncrypted(clientHsKeys, CONTENT_TYPE.handshake, finished);
      this.note('client', true, handshakeMessage('Finished'), finished.length);
      transcript.push(finished);
    }
    this.mainTranscript = transcript;
    this.writeKeys = tls13Cipher(suite, app.client);
  }

  private pendingHandshakeRequest: ParsedCertificateRequest | null = null;

  private checkVersionAndSuite(selected: number | null, legacy: number, code: number): AeadSuite {
    if (selected === null) {
      const v = legacy === 0x0303 ? 'TLS 1.2' : legacy === 0x0302 ? 'TLS 1.1' : legacy === 0x0301 ? 'TLS 1.0' : `version 0x${legacy.toString(16)}`;
      throw new ClientAbort(ALERT.protocolVersion, `the server does not speak TLS 1.3 (it chose ${v})`);
    }
    if (selected !== 0x0304) throw new ClientAbort(ALERT.illegalParameter, `the server selected version 0x${selected.toString(16)}, not TLS 1.3`);
    const suite = TLS13_SUITES.find((s) => s.code === code);
    if (!suite) throw new ClientAbort(ALERT.illegalParameter, `the server chose cipher suite 0x${code.toString(16).padStart(4, '0')}, which was not offered`);
    return suite;
  }

  /** EncryptedExtensions, [CertificateRequest], Certificate, CertificateVerify, Finished (RFC 8446 2). */
  private async readEncryptedHandshake(transcript: Uint8Array[], serverHsSecret: Buffer): Promise<void> {
    const suite = this.suite!;
    let expect: 'ee' | 'cert' | 'cv' | 'fin' = 'ee';
    this.waitingFor = 'EncryptedExtensions';
    for (;;) {
      const record = await this.nextRecord();
      if (record.type === CONTENT_TYPE.changeCipherSpec) {
        if (record.payload.length !== 1 || record.payload[0] !== 1) throw new ClientAbort(ALERT.unexpectedMessage, 'the server sent a malformed ChangeCipherSpec');
        this.note('server', false, handshakeMessage('ChangeCipherSpec'), 1);
        continue;
      }
      if (record.type === CONTENT_TYPE.alert) {
        this.serverAlert(record.payload, false);
        continue;
      }
      if (record.type !== CONTENT_TYPE.applicationData) throw new ClientAbort(ALERT.unexpectedMessage, `the server sent an unencrypted record of type ${record.type} after ServerHello`);
      const inner = this.decrypt(record);
      if (inner.type === CONTENT_TYPE.alert) {
        this.serverAlert(inner.content, true);
        continue;
      }
      if (inner.type !== CONTENT_TYPE.handshake) throw new ClientAbort(ALERT.unexpectedMessage, 'the server sent application data before its Finished');
      for (const f of this.handshakeMessages(inner.content, record.index)) {
        this.note('server', true, handshakeMessage(f.name), f.raw.length);
        if (expect === 'ee') {
          if (f.type !== HANDSHAKE.encryptedExtensions) throw new ClientAbort(ALERT.unexpectedMessage, `the server sent ${f.name} where EncryptedExtensions belongs`);
          parseEncryptedExtensions(f.body);
          transcript.push(f.raw);
          expect = 'cert';
          this.waitingFor = "the server's Certificate";
        } else if (expect === 'cert' && f.type === HANDSHAKE.certificateRequest && !this.pendingHandshakeRequest) {
          const req = parseCertificateRequest13(f.body, true);
          if (req.context!.length) throw new ClientAbort(ALERT.illegalParameter, 'the CertificateRequest in the handshake has a non-empty context');
          this.pendingHandshakeRequest = req;
          this.request = this.describeRequest(req, f, 'handshake');
          transcript.push(f.raw);
        } else if (expect === 'cert') {
          if (f.type !== HANDSHAKE.certificate) throw new ClientAbort(ALERT.unexpectedMessage, `the server sent ${f.name} where its Certificate belongs`);
          const cert = parseCertificate(f.body, true, 64, true);
          if (cert.context!.length) throw new ClientAbort(ALERT.illegalParameter, "the server's Certificate has a non-empty context");
          if (!cert.certificates.length) throw new ClientAbort(ALERT.decodeError, 'the server sent no certificate');
          this.serverCertificates = cert.certificates.map((c) => Buffer.from(c));
          transcript.push(f.raw);
          expect = 'cv';
          this.waitingFor = "the server's CertificateVerify";
        } else if (expect === 'cv') {
          if (f.type !== HANDSHAKE.certificateVerify) throw new ClientAbort(ALERT.unexpectedMessage, `the server sent ${f.name} where CertificateVerify belongs`);
          const cv = parseCertificateVerify(f.body);
          if (!OFFERED_SIGNATURE_SCHEMES.includes(cv.scheme) || (cv.scheme & 0xff) === 0x01) {
            throw new ClientAbort(ALERT.illegalParameter, `the server signed with ${signatureSchemeName(cv.scheme)}, which is not allowed here`);
          }
          // Honesty, not trust: the server holds the key of the certificate it sent. The chain is not judged here.
          const check = verifyCertificateVerify(this.serverCertificates[0]!, cv.scheme, certificateVerifyInput('server', hashOf(suite.hash, transcript)), cv.signature);
          if (!check.ok) throw new ClientAbort(ALERT.decryptError, `the server's CertificateVerify (${signatureSchemeName(cv.scheme)}) is wrong: ${check.reason}`);
          transcript.push(f.raw);
          expect = 'fin';
          this.waitingFor = "the server's Finished";
        } else {
          if (f.type !== HANDSHAKE.finished) throw new ClientAbort(ALERT.unexpectedMessage, `the server sent ${f.name} where Finished belongs`);
          const expected = this.schedule!.finished(serverHsSecret, hashOf(suite.hash, transcript));
          if (f.body.length !== expected.length || !crypto.timingSafeEqual(f.body, expected)) {
            throw new ClientAbort(ALERT.decryptError, "the server's Finished does not match the handshake (decrypt_error)");
          }
          transcript.push(f.raw);
          if (this.assembler.partial) throw new ClientAbort(ALERT.unexpectedMessage, 'the server sent more handshake data in the record of its Finished');
          return;
        }
      }
    }
  }

  // ---- client authentication ----

  private describeRequest(req: ParsedCertificateRequest, frame: HandshakeMessage, carriedBy: CertificateRequestInfo['carriedBy']): CertificateRequestInfo {
    return {
      caNames: req.caNames.map(caNameString),
      caNamesBytes: req.caNamesBytes,
      messageBytes: frame.raw.length,
      records: frame.records,
      signatureAlgorithms: req.signatureAlgorithmNames,
      certificateTypes: [],
      carriedBy,
    };
  }

  /**
   * Certificate, CertificateVerify and Finished (RFC 8446 4.4): with the client certificate when
   * one was given and its key can make one of the server's signature schemes, else an empty
   * Certificate and Finished. Returns the transcript through the client's Finished.
   */
  private answerCertificateRequest(req: ParsedCertificateRequest, base: Uint8Array[], keys: RecordCipher, baseKey: Buffer): Uint8Array[] {
    const suite = this.suite!;
    const cc = this.options.clientCertificate;
    const scheme = cc && this.clientKey ? chooseClientScheme(this.clientKey, req.signatureAlgorithms) : null;
    if (cc && this.clientKey && scheme === null) {
      this.requestNote = `the client certificate was not sent: its ${describeKey(this.clientKey)} key fits none of the server's signature algorithms (${req.signatureAlgorithmNames.join(', ')})`;
    }
    const transcript = [...base];
    const out: { message: Buffer; line: TimelineMessage }[] = [];
    if (cc && this.clientKey && scheme !== null) {
      const certificate = buildCertificate(req.context!, [cc.certDer, ...cc.chainDer]);
      transcript.push(certificate);
      const signature = signCertificateVerify(this.clientKey, scheme, certificateVerifyInput('client', hashOf(suite.hash, transcript)));
      const verify = buildCertificateVerify(scheme, signature);
      transcript.push(verify);
      out.push({ message: certificate, line: handshakeMessage('Certificate', `${1 + cc.chainDer.length} certificate${cc.chainDer.length ? 's' : ''}`) });
      out.push({ message: verify, line: handshakeMessage('CertificateVerify', signatureSchemeName(scheme)) });
      this.presented = true;
    } else {
      const certificate = buildCertificate(req.context!, []);
      transcript.push(certificate);
      out.push({ message: certificate, line: handshakeMessage('Certificate', 'empty') });
      this.answeredEmpty = true;
    }
    const finished = buildFinished(this.schedule!.finished(baseKey, hashOf(suite.hash, transcript)));
    transcript.push(finished);
    out.push({ message: finished, line: handshakeMessage('Finished') });
    this.writeEncrypted(keys, CONTENT_TYPE.handshake, Buffer.concat(out.map((o) => o.message)));
    for (const o of out) this.note('client', true, o.line, o.message.length);
    return transcript;
  }

  // ---- after the handshake ----

  private sendRequest(): void {
    const host = net.isIPv6(this.target.host) ? `[${this.target.host}]` : this.target.host;
    const hostHeader = this.target.port === 443 ? host : `${host}:${this.target.port}`;
    const request = `GET ${this.target.path} HTTP/1.1\r\nHost: ${hostHeader}\r\nUser-Agent: certbench-probe\r\nAccept: */*\r\nConnection: close\r\n\r\n`;
    this.writeEncrypted(this.writeKeys!, CONTENT_TYPE.applicationData, Buffer.from(request, 'latin1'));
    this.note('client', true, applicationData(`GET ${this.target.path}`), request.length);
    this.waitingFor = 'the HTTP response';
  }

  private async readApplication(): Promise<void> {
    let sawResponse = false;
    for (;;) {
      const record = await this.nextRecord();
      if (record.type === CONTENT_TYPE.alert) {
        this.serverAlert(record.payload, false);
        continue;
      }
      if (record.type === CONTENT_TYPE.changeCipherSpec) throw new ClientAbort(ALERT.unexpectedMessage, 'the server sent ChangeCipherSpec after the handshake');
      if (record.type !== CONTENT_TYPE.applicationData) throw new ClientAbort(ALERT.unexpectedMessage, `the server sent an unencrypted record of type ${record.type} after the handshake`);
      const inner = this.decrypt(record);
      if (inner.type === CONTENT_TYPE.alert) {
        this.serverAlert(inner.content, true);
        continue;
      }
      if (inner.type === CONTENT_TYPE.handshake) {
        for (const f of this.handshakeMessages(inner.content, record.index)) this.postHandshakeMessage(f);
        continue;
      }
      if (inner.type !== CONTENT_TYPE.applicationData) throw new ClientAbort(ALERT.unexpectedMessage, `the server sent inner content type ${inner.type}`);
      if (this.assembler.partial) throw new ClientAbort(ALERT.unexpectedMessage, 'the server interleaved application data with a handshake message');
      let complete: boolean;
      try {
        complete = this.http.push(inner.content);
      } catch (err) {
        this.note('server', true, applicationData(null), inner.content.length);
        throw new ClientAbort(ALERT.userCanceled, oneLine(err));
      }
      const head = this.http.head;
      if (head && !sawResponse) {
        sawResponse = true;
        this.note('server', true, applicationData(`HTTP ${head.status}${head.reason ? ` ${head.reason}` : ''}`), inner.content.length);
        this.waitingFor = 'the rest of the HTTP response';
      } else this.note('server', true, applicationData(null), inner.content.length);
      if (complete) {
        this.phase = 'after-response';
        this.ending = this.http.truncated ? 'response body over 1 MB: stopped reading; closed by the client' : 'response complete; closed by the client';
        this.sendAlert(ALERT.closeNotify);
        return;
      }
    }
  }

  private postHandshakeMessage(f: HandshakeMessage): void {
    if (f.type === HANDSHAKE.newSessionTicket) {
      this.note('server', true, handshakeMessage('NewSessionTicket'), f.raw.length);
      return;
    }
    if (f.type === HANDSHAKE.keyUpdate) {
      this.note('server', true, handshakeMessage('KeyUpdate', f.body[0] === 1 ? 'update_requested' : null), f.raw.length);
      if (f.body.length !== 1 || f.body[0]! > 1) throw new ClientAbort(ALERT.decodeError, 'malformed KeyUpdate');
      if (this.assembler.partial) throw new ClientAbort(ALERT.unexpectedMessage, 'the server sent more handshake data in the record of its KeyUpdate');
      // RFC 8446 4.6.3: the server's next records use the next secret; answer a request with our own update.
      this.serverAppSecret = nextTrafficSecret(this.suite!.hash, this.serverAppSecret!);
      this.readKeys = tls13Cipher(this.suite!, this.serverAppSecret);
      if (f.body[0] === 1) {
        const update = buildKeyUpdate(false);
        this.writeEncrypted(this.writeKeys!, CONTENT_TYPE.handshake, update);
        this.note('client', true, handshakeMessage('KeyUpdate'), update.length);
        this.clientAppSecret = nextTrafficSecret(this.suite!.hash, this.clientAppSecret!);
        this.writeKeys = tls13Cipher(this.suite!, this.clientAppSecret);
      }
      return;
    }
    if (f.type === HANDSHAKE.certificateRequest) {
      this.note('server', true, handshakeMessage('CertificateRequest'), f.raw.length);
      const req = parseCertificateRequest13(f.body, true);
      this.request = this.describeRequest(req, f, 'post-handshake');
      this.pendingHandshakeRequest = null;
      // RFC 8446 4.4: Handshake Context = ClientHello..client Finished + CertificateRequest; base key = client_application_traffic_secret_N.
      this.answerCertificateRequest(req, [...this.mainTranscript, f.raw], this.writeKeys!, this.clientAppSecret!);
      this.waitingFor = 'the HTTP response after the client authenticated';
      return;
    }
    this.note('server', true, handshakeMessage(f.name), f.raw.length);
    throw new ClientAbort(ALERT.unexpectedMessage, `the server sent ${f.name} after the handshake`);
  }
}

function oneLine(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  // node:crypto passes OpenSSL's strings on (thread id, packed code, source path): say the reason.
  return opensslWords(m.split('\n')[0] ?? '').trim() || 'unexpected error';
}

/** A malformed message in the client's words: "malformed ServerHello (truncated)", "(3 trailing bytes)". */
function decodeErrorMessage(err: TlsParseError): string {
  if (err.problem.kind === 'truncated') return `malformed ${err.what} (truncated)`;
  if (err.problem.kind === 'trailing') return `malformed ${err.what} (${err.problem.bytes} trailing bytes)`;
  return err.message;
}

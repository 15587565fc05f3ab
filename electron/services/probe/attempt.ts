// One file because one connection's recording (socket, tap, deadline, renegotiation bound, and the
// conversion of what was recorded into an attempt) shares the socket's state; split, that state
// would be passed around between files.
import crypto from 'node:crypto';
import { connectionEvent } from '../../../shared/probe/timeline-message';
import net from 'node:net';
import tls from 'node:tls';
import { TlsStreamDecoder } from '../../../shared/tls/decoder';
import type { DecodeError, DecoderLimits } from '../../../shared/tls/records';
import { isCertificateRejectionAlert, isMissingCertificateAlert } from '../../../shared/tls/names';
import { opensslWords } from '../../../shared/tls/openssl-errors';
import type { ClientAuthMode, ProbeAttempt, TimelineEntry } from '../../../shared/model/probe';
import { buildRequest, httpResult, ResponseReader, type ParsedResponse } from './http';
import { KeyLog } from './record-crypto';
import { analyzeSession, type SessionAnalysis, type WireChunk } from './session';
import { TapAbort, TapStream, type TapEvent } from './tap';

/**
 * One connection of a probe with node:tls: connect, handshake, `GET <path>`, read the answer, all
 * through a recording tap and with the key log, then decode the recording into a ProbeAttempt. Every
 * wait is bounded by the attempt's deadline; a server that drips bytes, floods, sends garbage or never
 * answers ends the attempt with a one-line error, never a hang or an exception.
 */

export interface ProbeTarget {
  host: string;
  port: number;
  path: string;
  /** SNI name; empty for an IP address (RFC 6066 3: literal addresses are not sent). */
  servername: string;
}

/** A client certificate ready to present: PEM for node:tls, DER and PKCS#8 for the TLS 1.3 client. */
export interface ClientCredential {
  fileName: string;
  certDer: Uint8Array;
  chainDer: Uint8Array[];
  privateKeyPkcs8: Uint8Array;
  certPem: string;
  keyPem: string;
  thumbprint: string;
}

export interface AttemptSpec {
  label: string;
  target: ProbeTarget;
  minVersion: tls.SecureVersion;
  maxVersion: tls.SecureVersion;
  client: ClientCredential | null;
  /** Absolute deadline (performance.now() clock). */
  deadline: number;
  limits: DecoderLimits;
  signal?: AbortSignal;
}

/**
 * AEAD suites only (tls-probe-notes.md: then no CBC record needs decrypting): ECDHE and DHE with
 * AES-GCM and ChaCha20-Poly1305, and plain-RSA AES-GCM for old IIS servers that offer nothing else.
 * TLS 1.3's default suites are all AEAD.
 */
export const PROBE_CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'DHE-RSA-AES128-GCM-SHA256',
  'DHE-RSA-AES256-GCM-SHA384',
  'DHE-RSA-CHACHA20-POLY1305',
  'AES128-GCM-SHA256',
  'AES256-GCM-SHA384',
].join(':');

/** Once the response head is in, how long to wait for the rest of the body (it only refines the sub-status). */
const BODY_GRACE_MS = 1500;
/** Handshakes on one connection before the probe calls it a renegotiation storm (IIS asks once). */
const MAX_HANDSHAKES = 5;
/** After the probe ends its side, how long the server gets to close before the socket is destroyed. */
const CLOSE_GRACE_MS = 200;

type Phase = 'connect' | 'handshake' | 'response' | 'body' | 'done';

const PHASE_WORDS: Record<Phase, string> = {
  connect: 'waiting for the TCP connection',
  handshake: 'during the TLS handshake',
  response: 'waiting for the HTTP response',
  body: 'reading the HTTP response',
  done: 'closing',
};

export interface RawAttempt {
  chunks: WireChunk[];
  keylog: KeyLog;
  tcpEvents: { ms: number; from: 'client' | 'server'; message: string }[];
  response: ParsedResponse | null;
  /** The TLS socket's own view, as a fallback when the wire could not be read. */
  negotiated: { version: string | null; cipher: string | null };
  requestSent: boolean;
  /** Set when the attempt stopped on its own terms (timeout, bound, unreachable); one line. */
  stopReason: string | null;
  /** The error node:tls or the socket raised, if any. */
  socketError: NodeJS.ErrnoException | null;
  /** What the live guard refused in the clear part of the server's stream (a 10 MB message), if anything. */
  guardError: DecodeError | null;
  phase: Phase;
  serverFin: boolean;
  reset: boolean;
  elapsedMs: number;
}

function describeAddress(t: ProbeTarget): string {
  return `${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`;
}

/**
 * What one connection has recorded so far. The executor of connectAndRecord owns it; the stages below
 * (connectTcp, startTls, watchTls, observeBytes, noteTapEvent) fill it in as the socket's events come.
 */
interface AttemptState {
  spec: AttemptSpec;
  /** performance.now() when the attempt began: every recorded moment is relative to it. */
  started: number;
  chunks: WireChunk[];
  keylog: KeyLog;
  tcpEvents: RawAttempt['tcpEvents'];
  reader: ResponseReader;
  /** Reads the server's clear bytes as they arrive (see observeBytes). */
  guard: TlsStreamDecoder;
  bytes: { client: number; server: number };
  seq: number;
  phase: Phase;
  stopReason: string | null;
  socketError: NodeJS.ErrnoException | null;
  requestSent: boolean;
  serverFin: boolean;
  reset: boolean;
  negotiated: RawAttempt['negotiated'];
  handshakes: number;
  guardError: DecodeError | null;
  socket: net.Socket | null;
  tlsSocket: tls.TLSSocket | null;
}

/** The executor's ways to end the attempt, handed to the stages whose events may end it. */
interface AttemptControl {
  settled(): boolean;
  /** Resolve with what was recorded, after clearing every timer and destroying the sockets. */
  finish(): void;
  /** End our side politely (close_notify), give the server a moment to close, then finish. */
  wrapUp(): void;
  /** Finish, keeping the first reason given as the attempt's one-line stop reason. */
  stop(reason: string): void;
  /** The response head is in: the body gets BODY_GRACE_MS more, then the attempt wraps up. */
  startBodyGrace(): void;
}

function newAttemptState(spec: AttemptSpec): AttemptState {
  return {
    spec,
    started: performance.now(),
    chunks: [],
    keylog: new KeyLog(),
    tcpEvents: [],
    reader: new ResponseReader(),
    guard: new TlsStreamDecoder('server', spec.limits),
    bytes: { client: 0, server: 0 },
    seq: 0,
    phase: 'connect',
    stopReason: null,
    socketError: null,
    requestSent: false,
    serverFin: false,
    reset: false,
    negotiated: { version: null, cipher: null },
    handshakes: 0,
    guardError: null,
    socket: null,
    tlsSocket: null,
  };
}

const elapsed = (state: AttemptState): number => performance.now() - state.started;

/** The attempt as the caller receives it, read from the state at the moment it ends. */
function recorded(state: AttemptState): RawAttempt {
  return {
    chunks: state.chunks,
    keylog: state.keylog,
    tcpEvents: state.tcpEvents,
    response: state.reader.parse(),
    negotiated: state.negotiated,
    requestSent: state.requestSent,
    stopReason: state.stopReason,
    socketError: state.socketError,
    guardError: state.guardError,
    phase: state.phase,
    serverFin: state.serverFin,
    reset: state.reset,
    elapsedMs: elapsed(state),
  };
}

/** The deadline's one line: the phase it caught, and how much the server had sent by then. */
function timeoutWords(state: AttemptState): string {
  const sent = state.bytes.server;
  const seconds = (elapsed(state) / 1000).toFixed(1);
  const what = state.phase === 'connect' ? '' : ` (the server had sent ${sent} byte${sent === 1 ? '' : 's'})`;
  return `timeout after ${seconds} s ${PHASE_WORDS[state.phase]} with ${describeAddress(state.spec.target)}${what}`;
}

/** Connect, handshake, send the request, read the answer; never rejects. */
export function connectAndRecord(spec: AttemptSpec): Promise<RawAttempt> {
  const state = newAttemptState(spec);
  return new Promise<RawAttempt>((resolve) => {
    let settled = false;
    let bodyTimer: NodeJS.Timeout | null = null;
    let closeTimer: NodeJS.Timeout | null = null;

    const control: AttemptControl = {
      settled: () => settled,
      finish: () => {
        if (settled) return;
        settled = true;
        clearTimeout(deadlineTimer);
        if (bodyTimer) clearTimeout(bodyTimer);
        if (closeTimer) clearTimeout(closeTimer);
        spec.signal?.removeEventListener('abort', onAbort);
        state.tlsSocket?.destroy();
        state.socket?.destroy();
        resolve(recorded(state));
      },
      wrapUp: () => {
        if (settled || closeTimer) return;
        state.phase = 'done';
        if (bodyTimer) clearTimeout(bodyTimer);
        state.tlsSocket?.end();
        closeTimer = setTimeout(control.finish, CLOSE_GRACE_MS);
      },
      stop: (reason: string) => {
        if (!state.stopReason) state.stopReason = reason;
        control.finish();
      },
      startBodyGrace: () => {
        bodyTimer = setTimeout(control.wrapUp, BODY_GRACE_MS);
      },
    };

    // Once the response head is in, the deadline only cuts the body short: what came is the answer.
    const remaining = Math.max(0, spec.deadline - performance.now());
    const deadlineTimer = setTimeout(() => (state.phase === 'body' || state.phase === 'done' ? control.finish() : control.stop(timeoutWords(state))), remaining);

    // The caller's reason when it gave one (the whole probe's deadline), else a cancellation.
    const onAbort = () => control.stop(typeof spec.signal?.reason === 'string' ? spec.signal.reason : 'cancelled');
    if (spec.signal?.aborted) return control.stop('cancelled');
    spec.signal?.addEventListener('abort', onAbort);

    connectTcp(state, control);
  });
}

/**
 * Count and record bytes crossing the tap; a reason (one line) when the connection must stop: over the
 * stream bound, or what the live guard refused.
 */
function observeBytes(state: AttemptState, from: 'client' | 'server', data: Buffer): string | null {
  const { limits } = state.spec;
  state.bytes[from] += data.length;
  if (state.bytes[from] > limits.maxStreamBytes) {
    return `the ${from} sent over ${limits.maxStreamBytes} bytes on one connection; the probe stopped reading`;
  }
  state.chunks.push({ seq: state.seq++, ms: elapsed(state), from, bytes: data });
  if (from === 'server') {
    // The live guard reads the clear part of the stream as it comes, so a 10 MB message or
    // non-TLS bytes stop the connection at once instead of being buffered by OpenSSL.
    for (const e of state.guard.push(data)) {
      if (e.kind !== 'error') continue;
      state.guardError = e.error;
      return e.error.message;
    }
  }
  return null;
}

/** TCP-level endings the tap saw (FIN, RST), for the timeline and the attempt's ending. */
function noteTapEvent(state: AttemptState, event: TapEvent): void {
  if (event.kind === 'fin') {
    state.serverFin = true;
    state.tcpEvents.push({ ms: elapsed(state), from: 'server', message: 'Connection closed by the server (FIN)' });
  } else if (event.kind === 'reset') {
    state.reset = true;
    state.tcpEvents.push({ ms: elapsed(state), from: 'server', message: 'TCP reset by the server' });
  }
}

/** Open the TCP connection; once it is up, TLS starts over the recording tap. */
function connectTcp(state: AttemptState, control: AttemptControl): void {
  const { target } = state.spec;
  const socket = net.connect({ host: target.host, port: target.port, noDelay: true });
  state.socket = socket;
  socket.once('error', (err: NodeJS.ErrnoException) => {
    // Later socket errors reach the TLS socket, which reports them (watchTls).
    if (state.phase !== 'connect') return;
    state.socketError = err;
    control.stop(connectError(err, target));
  });
  socket.once('connect', () => {
    if (control.settled()) return;
    state.phase = 'handshake';
    state.tcpEvents.push({ ms: elapsed(state), from: 'client', message: 'TCP connected' });
    const tap = new TapStream(
      socket,
      (from, data) => observeBytes(state, from, data),
      (event) => noteTapEvent(state, event),
    );
    startTls(state, tap, control);
  });
}

/** Start node:tls over the tap with the probe's versions, suites and (when given) client certificate. */
function startTls(state: AttemptState, tap: TapStream, control: AttemptControl): void {
  const { spec } = state;
  const options: tls.ConnectionOptions = {
    socket: tap,
    servername: spec.target.servername || undefined,
    minVersion: spec.minVersion,
    maxVersion: spec.maxVersion,
    ciphers: PROBE_CIPHERS,
    // OpenSSL 3 refuses servers without RFC 5746 secure renegotiation; a probe must still talk to them.
    secureOptions: crypto.constants.SSL_OP_LEGACY_SERVER_CONNECT,
    rejectUnauthorized: false,
    ...(spec.client ? { cert: spec.client.certPem, key: spec.client.keyPem } : {}),
  };
  let t: tls.TLSSocket;
  try {
    t = tls.connect(options);
  } catch (err) {
    state.socketError = err as NodeJS.ErrnoException;
    return control.stop(`cannot start TLS: ${(err as Error).message.split('\n')[0]}`);
  }
  state.tlsSocket = t;
  watchTls(state, t, control);
}

/** The TLS socket's events: key log, the request once the handshake is done, the answer, the end. */
function watchTls(state: AttemptState, t: tls.TLSSocket, control: AttemptControl): void {
  const { target } = state.spec;
  t.on('keylog', (line: Buffer) => {
    state.keylog.add(line.toString('latin1'));
    // One CLIENT_RANDOM (TLS 1.2) line per handshake: past a few, the server is renegotiating in
    // a loop, and every round is a full handshake on this thread. Stop it; what came is enough.
    if (/^CLIENT_RANDOM /.test(line.toString('latin1')) && ++state.handshakes > MAX_HANDSHAKES) {
      control.stop(`the server renegotiated ${state.handshakes - 1} times on one connection; the probe stopped there (a renegotiation storm)`);
    }
  });
  // A renegotiation fires 'secureConnect' again: the request goes out once (tls-probe-notes.md).
  t.once('secureConnect', () => {
    state.negotiated = { version: t.getProtocol() ?? null, cipher: t.getCipher()?.name ?? null };
    state.phase = 'response';
    state.requestSent = true;
    t.write(buildRequest(target.host, target.port, target.path));
  });
  t.on('data', (data: Buffer) => {
    state.reader.push(data);
    const parsed = state.reader.parse();
    if (parsed && state.reader.hasHead && state.phase === 'response') {
      state.phase = 'body';
      control.startBodyGrace();
    }
    if (parsed?.complete) control.wrapUp();
  });
  t.on('end', () => {
    // close_notify (or FIN) from the server: it is done with this connection.
    if (!state.serverFin) state.tcpEvents.push({ ms: elapsed(state), from: 'server', message: 'Connection closed by the server' });
    state.serverFin = true;
    control.finish();
  });
  t.on('close', () => control.finish());
  t.on('error', (err: NodeJS.ErrnoException) => {
    if (err instanceof TapAbort) return control.stop(err.message);
    if (!state.socketError) state.socketError = err;
    control.finish();
  });
}

function connectError(err: NodeJS.ErrnoException, t: ProbeTarget): string {
  const where = describeAddress(t);
  switch (err.code) {
    case 'ECONNREFUSED':
      return `connection refused by ${where} (nothing listens on that port?)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return `cannot resolve the host name "${t.host}"`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${where} is unreachable from this machine (${err.code})`;
    case 'ETIMEDOUT':
      return `no TCP connection to ${where} (timed out)`;
    default:
      return `cannot connect to ${where}: ${(err.message || String(err.code)).split('\n')[0]}`;
  }
}

/** What the TLS library said, in words, when the wire shows nothing better. */
function tlsErrorWords(err: NodeJS.ErrnoException): string {
  const code = err.code ?? '';
  if (code === 'ECONNRESET') return 'the connection was reset';
  if (/UNSUPPORTED_PROTOCOL|NO_PROTOCOLS_AVAILABLE|TLSV1_ALERT_PROTOCOL_VERSION/.test(code)) return 'no TLS version in common with the server';
  if (/WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|RECORD_LAYER_FAILURE/.test(code)) return 'the server does not speak TLS on this port';
  if (/UNSAFE_LEGACY_RENEGOTIATION/.test(code)) return 'the server asked to renegotiate without secure renegotiation (RFC 5746), which the client refuses';
  if (/EXCESSIVE_MESSAGE_SIZE/.test(code)) return 'a handshake message was larger than the TLS library accepts';
  if (/NO_SHARED_CIPHER|HANDSHAKE_FAILURE/.test(code)) return 'the handshake failed (no common cipher suite or parameters?)';
  const text = (err.message || code).split('\n')[0] ?? '';
  if (/socket disconnected before secure TLS connection/i.test(text)) return 'the server closed the connection during the TLS handshake';
  return opensslWords(text).trim() || 'TLS error';
}

/** The server's fatal alert followed the client's empty Certificate (no certificate sent at all) and is one stacks send for a missing certificate. */
function endedForNoCertificate(analysis: SessionAnalysis, fatal: { code: number; ms?: number | null }): boolean {
  const none = analysis.clientCertificates.find((c) => c.count === 0 && c.afterRequest);
  return none !== undefined && !analysis.clientCertificates.some((c) => c.count > 0) && (fatal.ms ?? 0) >= none.ms && isMissingCertificateAlert(fatal.code);
}

/** Decode a recorded attempt into the reported shape. */
export function describeAttempt(spec: AttemptSpec, raw: RawAttempt): { attempt: ProbeAttempt; analysis: SessionAnalysis } {
  const analysis = analyzeSession(raw.chunks, raw.keylog, spec.limits);
  const timeline: TimelineEntry[] = [...analysis.timeline];
  for (const e of raw.tcpEvents) timeline.push({ ms: Math.round(e.ms * 10) / 10, from: e.from, encrypted: false, ...connectionEvent(e.message) });
  timeline.sort((a, b) => a.ms - b.ms);

  const response = raw.response;
  const http = response ? httpResult(response) : null;
  const serverFatal = analysis.alerts.find((a) => a.from === 'server' && a.level === 'fatal');
  const clientFatal = analysis.alerts.find((a) => a.from === 'client' && a.level === 'fatal');

  let error: string | null = raw.stopReason;
  if (!error && !http) {
    if (serverFatal) error = `the server ended the connection with alert ${serverFatal.description} (${serverFatal.code})${endedForNoCertificate(analysis, serverFatal) ? ' right after the client sent no certificate: it requires one' : ''}`;
    else if (clientFatal) error = `the client gave up with alert ${clientFatal.description} (${clientFatal.code}): ${raw.socketError ? tlsErrorWords(raw.socketError) : 'see the timeline'}`;
    else if (raw.reset) error = raw.requestSent ? 'the server reset the connection after the request, before answering' : 'the server reset the connection during the TLS handshake';
    else if (raw.socketError) error = tlsErrorWords(raw.socketError);
    else if (raw.requestSent) error = 'the server closed the connection after the request without answering';
    else error = 'the server closed the connection during the TLS handshake';
  }

  // A message the decoder refused (over the size bound) inside the encrypted part: the probe's own verdict.
  if (!error && !http && analysis.decodeError) error = analysis.decodeError.message;
  const ending = describeEnding(raw, http !== null, error);
  const request = analysis.certificateRequests[0] ?? null;
  const declared = [raw.guardError, analysis.decodeError].find((e) => e?.kind === 'message-too-large' && e.declared)?.declared ?? null;
  const oversized = declared ? { message: declared.name, declaredBytes: declared.bytes, limitBytes: declared.limit } : null;
  let { mode, reason } = classify(analysis, raw, http?.status ?? null, error);
  if (!request && oversized?.message === 'CertificateRequest') {
    // Too large to read is still a request: the server asked, with a list far over any client's limit.
    mode = !raw.requestSent ? 'handshake' : analysis.version === 'TLS 1.3' ? 'post-handshake' : 'renegotiation';
    reason = `a CertificateRequest declaring ${oversized.declaredBytes.toLocaleString('en-US')} bytes, too large to read (the probe reads at most ${oversized.limitBytes.toLocaleString('en-US')})`;
  }

  const sent = analysis.clientCertificates.find((c) => c.count > 0) ?? null;
  const presented = spec.client !== null && sent !== null;
  let accepted: boolean | null = null;
  if (presented && sent) {
    const rejectedByAlert = analysis.alerts.some((a) => a.from === 'server' && a.level === 'fatal' && isCertificateRejectionAlert(a.code) && (a.ms ?? 0) >= sent.ms);
    if (rejectedByAlert || (http && (http.status === 403 || http.status === 401 || http.status === 400))) accepted = false;
    else if (http && http.status < 400) accepted = true;
    else if (raw.reset || serverFatal) accepted = false;
  }

  const attempt: ProbeAttempt = {
    label: spec.label,
    tls: { version: analysis.version ?? normaliseVersion(raw.negotiated.version), cipher: analysis.cipher ?? raw.negotiated.cipher },
    clientAuth: {
      mode,
      reason,
      certificateRequest: request ? stripMs(request) : null,
    },
    http,
    alerts: analysis.alerts,
    timeline,
    ending,
    error,
    clientCertificate: { presented, accepted, thumbprint: spec.client ? spec.client.thumbprint : null },
    ...(oversized ? { oversized } : {}),
  };
  return { attempt, analysis };
}

function stripMs<T extends { ms: number }>(r: T): Omit<T, 'ms'> {
  const { ms: _ms, ...rest } = r;
  return rest;
}

/** OpenSSL's "TLSv1.2" as the report writes versions ("TLS 1.2"); "TLSv1" is TLS 1.0. */
export function normaliseVersion(v: string | null): string | null {
  if (!v) return null;
  const m = /^TLSv(1(?:\.\d)?)$/.exec(v);
  return m ? `TLS ${m[1] === '1' ? '1.0' : m[1]}` : v;
}

function describeEnding(raw: RawAttempt, answered: boolean, error: string | null): string {
  const at = `at ${Math.round(raw.elapsedMs)} ms`;
  if (raw.stopReason) return raw.stopReason;
  if (raw.reset) return raw.requestSent ? `reset by the server after the request ${at}` : `reset by the server during the handshake ${at}`;
  if (answered) return raw.serverFin ? `closed by the server after the response ${at}` : `closed by the probe after the response ${at}`;
  if (raw.serverFin) return raw.requestSent ? `closed by the server after the request, without a response, ${at}` : `closed by the server during the handshake ${at}`;
  return error ?? `ended ${at}`;
}

/** Which of the four ways the server asked for a certificate this connection shows (tls-probe-notes.md). */
function classify(analysis: SessionAnalysis, raw: RawAttempt, status: number | null, error: string | null): { mode: ClientAuthMode; reason: string | null } {
  const request = analysis.certificateRequests[0];
  if (request) {
    const words: Record<typeof request.carriedBy, string> = {
      handshake: 'CertificateRequest in the first handshake',
      renegotiation: `HelloRequest after the HTTP request, then a second handshake with a CertificateRequest`,
      'post-handshake': 'CertificateRequest after the TLS 1.3 handshake (post-handshake authentication)',
    };
    return { mode: request.carriedBy, reason: words[request.carriedBy] };
  }
  if (analysis.helloRequests.length) {
    return {
      mode: 'unknown',
      reason:
        analysis.handshakes > 1
          ? 'the server renegotiated (HelloRequest) but sent no CertificateRequest in the new handshake'
          : `the server asked to renegotiate (HelloRequest) but no second handshake followed${error ? `: ${error}` : ''}`,
    };
  }
  if (analysis.undecrypted > 0 && status === null) {
    return { mode: 'unknown', reason: `${analysis.undecrypted} record(s) could not be decrypted${error ? `; ${error}` : ''}` };
  }
  if (status !== null) return { mode: 'none', reason: `no CertificateRequest; the server answered HTTP ${status}` };
  if (analysis.decodeError) return { mode: 'unknown', reason: analysis.decodeError.message };
  return { mode: 'unknown', reason: error ?? (raw.requestSent ? 'no response to the request' : 'the handshake did not complete') };
}

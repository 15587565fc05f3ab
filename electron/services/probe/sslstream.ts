import { z } from 'zod';
import { alertMessage, applicationData, connectionEvent, handshakeMessage } from '../../../shared/probe/timeline-message';
import { readName } from '../../../shared/cert/names';
import { summarizeCertificate } from '../../../shared/cert/summarize';
import { CertbenchError, oneLine } from '../../../shared/errors';
import type { Alert, ClientAuthMode, ProbeAttempt, ProbeAttemptKind, SelectionCall, SslStreamDetails, TimelineEntry } from '../../../shared/model/probe';
import { decideOffers, type OfferCandidate } from '../../../shared/probe/offer';
import { decodeWin32Status } from '../../../shared/server/win32-status';
import { alertName } from '../../../shared/tls/names';
import { opensslAlert, opensslReason, opensslWords } from '../../../shared/tls/openssl-errors';
import { findPowerShell } from '../../platform/find-powershell';
import { requirePowerShell } from './choose-client';
import type { CommandRunner } from '../../platform/types';
import { failedToRun, jsonArray, powerShellArgs } from '../../platform/windows/powershell';
import { buildRequest, httpResult, MAX_RESPONSE_BYTES, ResponseReader } from './http';
import { NOT_IN_STORE, sslStreamProbeScript } from './sslstream-script';

/**
 * The second probe client (DESIGN.md "Platforms"): .NET's SslStream inside PowerShell, Schannel on
 * Windows, presenting a certificate from the personal store by thumbprint with its key where it
 * lives. The script (sslstream-script.ts) reports what .NET saw; this module runs it with a hard
 * deadline and turns the answer into a ProbeAttempt, so the findings, the CLI and the UI read it
 * like any other attempt, marked `client: 'powershell'`.
 */

/** What PowerShell's own start costs before the script runs (Windows PowerShell 5.1: 0.5-2 s). */
const STARTUP_ALLOWANCE_MS = 2_000;
/** Personal-store certificates judged against the server's issuers. */
const MAX_CANDIDATES = 200;

const base64 = z.string().max(64 * 1024 * 1024);

const AnswerSchema = z.object({
  client: z.literal('powershell'),
  powershell: z.string(),
  edition: z.string(),
  framework: z.string(),
  os: z.string(),
  certificate: z.object({ thumbprint: z.string(), store: z.string(), der: base64, hasKey: z.boolean(), chain: jsonArray(base64) }).nullable(),
  protocol: z.string().nullable(),
  cipher: z.string().nullable(),
  mutual: z.boolean(),
  events: jsonArray(z.object({ ms: z.number(), what: z.string() })),
  calls: jsonArray(
    z.object({
      ms: z.number(),
      when: z.enum(['handshake', 'after-request']),
      serverKnown: z.boolean(),
      issuers: jsonArray(z.string()),
      issuerDer: jsonArray(z.string().nullable()),
      answered: z.string().nullable(),
    }),
  ),
  serverDer: base64.nullable(),
  serverErrors: z.string().nullable(),
  response: base64,
  truncated: z.boolean(),
  failedAt: z.string().nullable(),
  failure: z
    .object({
      chain: jsonArray(z.object({ type: z.string(), message: z.string(), hresult: z.number().nullable(), native: z.number().nullable() })),
      text: z.string(),
    })
    .nullable(),
  candidates: jsonArray(z.object({ store: z.string(), der: base64, hasKey: z.boolean(), above: jsonArray(z.string()) })),
  notes: jsonArray(z.string()),
});
export type SslStreamAnswer = z.infer<typeof AnswerSchema>;

export interface SslStreamSpec {
  target: { host: string; port: number; path: string; servername: string };
  /** SHA-1 thumbprint (40 hex digits) of a personal-store certificate to present, or null. */
  thumbprint: string | null;
  tls: '1.2' | '1.3' | 'default';
  /** performance.now() by which the attempt, PowerShell's start included, is over. */
  deadline: number;
  at: Date;
}

export interface SslStreamOutcome {
  attempt: ProbeAttempt;
  /** The server's certificate as .NET received it (the leaf). */
  serverDer: Uint8Array[];
  /** The certificate presented, when the store had it, with the chain Windows built above it. */
  presented: { der: Uint8Array; chain: Uint8Array[]; store: string } | null;
}

/** Run the SslStream client once. Never hangs: the process is killed at the deadline. */
export async function runSslStreamAttempt(runner: CommandRunner, spec: SslStreamSpec, powershell = findPowerShell()): Promise<SslStreamOutcome> {
  const kind: ProbeAttemptKind = spec.thumbprint ? 'client-certificate' : spec.tls === '1.2' ? 'tls1.2' : spec.tls === '1.3' ? 'tls1.3' : 'default';
  const label = `${spec.thumbprint ? `Presenting ${spec.thumbprint} from the personal store` : 'No client certificate'}, through PowerShell (.NET SslStream${process.platform === 'win32' ? ', Schannel' : ''})`;
  const pwsh = requirePowerShell(powershell);
  const budget = Math.max(1, Math.floor(spec.deadline - performance.now()));
  const scriptBudget = Math.max(1_000, budget - STARTUP_ALLOWANCE_MS);
  const script = sslStreamProbeScript({
    host: spec.target.host,
    port: spec.target.port,
    servername: spec.target.servername || spec.target.host,
    request: buildRequest(spec.target.host, spec.target.port, spec.target.path),
    thumbprint: spec.thumbprint,
    tls: spec.tls,
    timeoutMs: scriptBudget,
    maxResponseBytes: MAX_RESPONSE_BYTES,
    maxCandidates: MAX_CANDIDATES,
  });
  const started = performance.now();
  const record = await runner.run(pwsh, powerShellArgs(script), {
    timeoutMs: budget,
    maxOutputBytes: 16 * 1024 * 1024,
    // Telemetry would phone home from a probe; the process has no reason to.
    env: { POWERSHELL_TELEMETRY_OPTOUT: '1', DOTNET_CLI_TELEMETRY_OPTOUT: '1', POWERSHELL_UPDATECHECK: 'Off' },
  });
  const elapsed = Math.round(performance.now() - started);
  const notRun = failedToRun('SslStream probe', record);
  if (notRun) {
    if (notRun.code === 'timeout') return { attempt: stalled(kind, label, spec, budget), serverDer: [], presented: null };
    throw notRun;
  }
  const answer = parseAnswer(record.stdout, record.stderr, record.exitCode, spec.thumbprint);
  return describeSslStreamAnswer(answer, { kind, label, thumbprint: spec.thumbprint, path: spec.target.path, at: spec.at, durationMs: elapsed });
}

function parseAnswer(stdout: string, stderr: string, exitCode: number | null, thumbprint: string | null): SslStreamAnswer {
  const text = stdout.replace(/^\uFEFF/, '').trim();
  if (!text) {
    const first = stderr.split(/\r?\n/).find((l) => l.trim() && !l.startsWith('#< CLIXML')) ?? '';
    throw new CertbenchError('internal', `PowerShell (SslStream probe) printed nothing (exit code ${exitCode})${first ? `: ${oneLine(first, 200)}` : ''}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CertbenchError('internal', `PowerShell (SslStream probe) did not print JSON: ${oneLine(text, 120)}`);
  }
  const error = z.strictObject({ error: z.string() }).safeParse(value);
  if (error.success) {
    if (error.data.error.includes(NOT_IN_STORE)) {
      throw new CertbenchError('bad-input', `certificate ${thumbprint} is ${NOT_IN_STORE} for the account PowerShell runs as (see Get-ChildItem Cert:\\CurrentUser\\My)`);
    }
    throw new CertbenchError('internal', `PowerShell (SslStream probe) failed: ${oneLine(error.data.error, 300)}`);
  }
  const parsed = AnswerSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CertbenchError('internal', `PowerShell (SslStream probe) printed unexpected JSON at ${issue?.path.join('.') || 'output'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

const VERSIONS: Record<string, string> = { Tls: 'TLS 1.0', Tls11: 'TLS 1.1', Tls12: 'TLS 1.2', Tls13: 'TLS 1.3', Ssl3: 'SSL 3.0' };

/** The TLS stack under SslStream, from the platform .NET reports. */
function stackOf(answer: SslStreamAnswer): SslStreamDetails['tlsStack'] {
  if (answer.os === 'Win32NT') return 'schannel';
  if (answer.os === 'Unix') return 'openssl';
  return 'other';
}

function runtimeText(answer: SslStreamAnswer): string {
  const shell = answer.edition === 'Desktop' ? `Windows PowerShell ${answer.powershell}` : `PowerShell ${answer.powershell}`;
  const stack = { schannel: 'Schannel', openssl: 'OpenSSL', other: 'the platform TLS stack' }[stackOf(answer)];
  return `${shell} on ${answer.framework} (${stack})`;
}

function b64(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, 'base64'));
}

function rfc4514(der: string | null): string | null {
  if (!der) return null;
  try {
    return readName(b64(der)).rfc4514;
  } catch {
    return null;
  }
}

/**
 * The failure in the stack's own terms: Schannel's SEC_E_* (the Win32Exception's NativeErrorCode, or
 * an HRESULT in the chain), or OpenSSL's packed error whose reason 1000+N is the TLS alert N the peer
 * sent (ssl.h SSL_AD_REASON_OFFSET), with the words OpenSSL prints ("tlsv13 alert certificate required").
 */
export function describeFailure(failure: NonNullable<SslStreamAnswer['failure']>): { failure: NonNullable<SslStreamDetails['failure']>; alert: number | null } {
  let alert: number | null = null;
  for (const e of failure.chain) {
    for (const candidate of [e.native, e.hresult]) {
      if (candidate === null || candidate === undefined) continue;
      const decoded = decodeWin32Status(candidate);
      if (decoded.name && /^(SEC_|NTE_|SCARD_|CERT_|CRYPT_)/.test(decoded.name)) {
        return { failure: { code: decoded.hex, name: decoded.name, words: decoded.meaning ?? decoded.name, raw: failure.text }, alert };
      }
    }
    const openssl = opensslReason(e.message);
    if (openssl) {
      alert = opensslAlert(openssl);
      const meaning = alert !== null ? `the server sent fatal alert ${alert} (${alertName(alert)})` : opensslWords(e.message);
      return { failure: { code: openssl.code, name: openssl.reason, words: meaning, raw: failure.text }, alert };
    }
  }
  const last = failure.chain[failure.chain.length - 1];
  const words = last ? last.message : failure.text;
  return { failure: { code: null, name: last ? last.type.replace(/^.*\./, '') : null, words: oneLine(words, 300), raw: failure.text }, alert };
}

interface DescribeContext {
  kind: ProbeAttemptKind;
  label: string;
  thumbprint: string | null;
  /** The request path, for the timeline's request line. */
  path: string;
  at: Date;
  durationMs: number;
}

/** Turn what the script printed into a ProbeAttempt (pure apart from certificate summaries). */
export async function describeSslStreamAnswer(answer: SslStreamAnswer, ctx: DescribeContext): Promise<SslStreamOutcome> {
  const version = answer.protocol ? (VERSIONS[answer.protocol] ?? answer.protocol) : null;
  const calls: SelectionCall[] = answer.calls.map((c) => ({
    ms: c.ms,
    when: c.when,
    serverKnown: c.serverKnown,
    issuers: c.issuers,
    issuersRfc4514: c.issuers.map((_, i) => rfc4514(c.issuerDer[i] ?? null)),
    answered: c.answered,
  }));
  // The call before the handshake has neither the server's certificate nor issuers; any other is the server asking.
  const requests = calls.filter((c) => c.serverKnown || c.issuers.length > 0);
  const request = requests[requests.length - 1] ?? null;
  const completed = answer.events.some((e) => e.what === 'handshake-done');

  const reader = new ResponseReader();
  const body = Buffer.from(answer.response, 'base64');
  if (body.length) reader.push(body);
  const parsed = reader.parse();
  const http = parsed ? httpResult(parsed) : null;

  const described = answer.failure ? describeFailure(answer.failure) : null;
  const alerts: Alert[] = [];
  const failedMs = answer.events.find((e) => e.what === 'failed')?.ms;
  if (described?.alert !== null && described?.alert !== undefined) {
    alerts.push({ from: 'server', level: 'fatal', code: described.alert, description: alertName(described.alert), ...(failedMs !== undefined ? { ms: failedMs } : {}) });
  }

  let mode: ClientAuthMode;
  let reason: string;
  const names = (c: SelectionCall) => `${c.issuers.length} acceptable issuer${c.issuers.length === 1 ? '' : 's'}`;
  if (request) {
    if (request.when === 'handshake') {
      mode = 'handshake';
      reason = `SslStream's certificate selection callback was called during the first handshake with ${names(request)}`;
    } else {
      mode = version === 'TLS 1.3' ? 'post-handshake' : 'renegotiation';
      reason = `SslStream's certificate selection callback was called after the HTTP request (${mode === 'post-handshake' ? 'a TLS 1.3 post-handshake request' : 'a TLS 1.2 renegotiation'}) with ${names(request)}`;
    }
  } else if (completed && http) {
    mode = 'none';
    reason = 'the certificate selection callback was never called with the server\'s certificate: the server did not ask for a client certificate';
  } else {
    mode = 'unknown';
    reason = answer.failure ? `the connection failed before the server was seen asking (${answer.failedAt ?? 'unknown'} phase)` : 'the server was not seen asking';
  }

  const presented = calls.some((c) => c.answered !== null);
  const accepted = !presented ? null : http ? http.status < 400 : answer.failure ? false : null;

  const serverDer = answer.serverDer ? [b64(answer.serverDer)] : [];
  const timeline = buildTimeline(answer, calls, http, alerts, version, `GET ${ctx.path} HTTP/1.1`);
  const offers = await judgeCandidates(answer, request, ctx.at);
  const stack = stackOf(answer);
  const sslStream: SslStreamDetails = {
    runtime: runtimeText(answer),
    tlsStack: stack,
    certificateStore: answer.certificate?.store ?? null,
    selectionCalls: calls,
    offers,
    serverCertificateErrors: answer.serverErrors && answer.serverErrors !== 'None' ? answer.serverErrors : null,
    failure: described?.failure ?? null,
    notes: [
      ...answer.notes,
      ...(answer.truncated ? [`the response was cut at ${MAX_RESPONSE_BYTES.toLocaleString('en-US')} bytes`] : []),
      ...(answer.certificate && !answer.certificate.hasKey ? [`the certificate ${answer.certificate.thumbprint} has no private key in ${answer.certificate.store}`] : []),
    ],
  };

  let error: string | null = null;
  if (described) {
    const where = answer.failedAt === 'connect' ? 'could not connect' : answer.failedAt === 'request' ? 'failed after the request' : 'the TLS handshake failed';
    error = `${where}: ${described.failure.name ? `${described.failure.name}${described.failure.code && !described.failure.name.includes(described.failure.code) ? ` (${described.failure.code})` : ''}: ` : ''}${described.failure.words}`;
  }
  const ending = answer.failure
    ? `${answer.failedAt === 'request' ? 'failed after the request' : answer.failedAt === 'connect' ? 'no connection' : 'failed during the handshake'} (${stack === 'schannel' ? 'Schannel' : '.NET'}: ${described?.failure.name ?? 'error'})`
    : answer.events.some((e) => e.what === 'closed')
      ? 'closed by server after the response'
      : 'stopped reading the response';

  const attempt: ProbeAttempt = {
    label: ctx.label.replace(/^Presenting [0-9A-F]{40} from the personal store/, answer.certificate ? `Presenting ${answer.certificate.thumbprint} from ${answer.certificate.store}` : 'Presenting'),
    kind: ctx.kind,
    durationMs: ctx.durationMs,
    tls: { version, cipher: answer.cipher },
    clientAuth: { mode, reason, certificateRequest: null },
    http,
    alerts,
    timeline,
    ending,
    error,
    clientCertificate: { presented, accepted, thumbprint: ctx.thumbprint },
    client: 'powershell',
    sslStream,
  };
  return { attempt, serverDer, presented: answer.certificate ? { der: b64(answer.certificate.der), chain: answer.certificate.chain.map(b64), store: answer.certificate.store } : null };
}

/**
 * The attempt as a timeline in the probe's vocabulary. SslStream shows no packets: these are the
 * moments .NET reported (callbacks, handshake done, request written, response read), so the events
 * say where they come from and nothing is marked as seen on the wire.
 */
function buildTimeline(answer: SslStreamAnswer, calls: SelectionCall[], http: ReturnType<typeof httpResult> | null, alerts: Alert[], version: string | null, requestLine: string): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  const at = (what: string) => answer.events.find((e) => e.what === what)?.ms;
  const connected = at('connected');
  if (connected !== undefined) out.push({ ms: connected, from: 'client', encrypted: false, ...connectionEvent('TCP connected') });
  for (const c of calls) {
    if (!c.serverKnown && c.issuers.length === 0) continue;
    out.push({ ms: c.ms, from: 'server', encrypted: false, ...handshakeMessage('CertificateRequest', `as SslStream's selection callback saw it: ${c.issuers.length} CA name${c.issuers.length === 1 ? '' : 's'}${c.when === 'after-request' ? ', after the request' : ''}`) });
    out.push({ ms: c.ms, from: 'client', encrypted: false, ...handshakeMessage('Certificate', c.answered ? `${c.answered}, from ${answer.certificate?.store ?? 'the store'}` : 'none offered') });
  }
  const done = at('handshake-done');
  if (done !== undefined) out.push({ ms: done, from: 'client', encrypted: false, ...connectionEvent(`(handshake complete: ${version ?? 'TLS'}${answer.cipher ? `, ${answer.cipher}` : ''})`) });
  const sent = at('request-sent');
  if (sent !== undefined) out.push({ ms: sent, from: 'client', encrypted: false, ...applicationData(requestLine) });
  const response = at('response');
  if (response !== undefined && http) out.push({ ms: response, from: 'server', encrypted: false, ...applicationData(`HTTP ${http.status}${http.reason ? ` ${http.reason}` : ''}`) });
  for (const a of alerts) out.push({ ms: a.ms ?? 0, from: 'server', encrypted: false, ...alertMessage('fatal', a.description) });
  const failed = at('failed');
  if (failed !== undefined && !alerts.length) out.push({ ms: failed, from: 'client', encrypted: false, ...connectionEvent(`(failed: ${answer.failure ? oneLine(describeFailure(answer.failure).failure.name ?? 'error', 80) : 'error'})`) });
  const closed = at('closed');
  if (closed !== undefined) out.push({ ms: closed, from: 'server', encrypted: false, ...connectionEvent('Connection closed by the server') });
  return out.sort((a, b) => a.ms - b.ms);
}

/** Which personal certificates this client would offer for the issuers it was handed (the browser rule, shared/probe/offer.ts). */
async function judgeCandidates(answer: SslStreamAnswer, request: SelectionCall | null, at: Date) {
  if (!request) return [];
  const candidates: OfferCandidate[] = [];
  for (const c of answer.candidates) {
    try {
      const summary = await summarizeCertificate(c.store, b64(c.der), at);
      const issuers = c.above.map((d) => rfc4514(d)).filter((n): n is string => n !== null);
      candidates.push({ summary, source: c.store, key: c.hasKey ? { status: 'present', detail: `private key in ${c.store}` } : { status: 'missing', detail: `no private key in ${c.store}` }, issuers });
    } catch {
      continue;
    }
  }
  const caNames = request.issuersRfc4514.map((n, i) => n ?? request.issuers[i]!);
  return decideOffers({ caNames }, candidates, at);
}

function stalled(kind: ProbeAttemptKind, label: string, spec: SslStreamSpec, budget: number): ProbeAttempt {
  const seconds = (budget / 1000).toFixed(1);
  const error = `timeout after ${seconds} s: PowerShell's SslStream client did not finish (PowerShell's start included)`;
  return {
    label,
    kind,
    tls: { version: null, cipher: null },
    clientAuth: { mode: 'unknown', reason: error, certificateRequest: null },
    http: null,
    alerts: [],
    timeline: [],
    ending: `timeout after ${seconds} s`,
    error,
    clientCertificate: { presented: false, accepted: null, thumbprint: spec.thumbprint },
    client: 'powershell',
  };
}

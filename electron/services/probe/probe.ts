// One file because the probe's stages (planned attempts, the post-handshake look, presenting the
// certificate, the SslStream client, the report) share one running state and depend on what earlier
// stages saw; split, that order and state would be passed between files.
import net from 'node:net';
import type tls from 'node:tls';
import { readName } from '../../../shared/cert/names';
import { summarizeCertificate } from '../../../shared/cert/summarize';
import { bytesEqual } from '../../../shared/asn1/bytes';
import { parseX509 } from '../../../shared/cert/x509';
import { CertbenchError } from '../../../shared/errors';
import type { CertificateSummary } from '../../../shared/model/certificate';
import type { ProbeAttempt, ProbeAttemptKind, ProbeResult } from '../../../shared/model/probe';
import { PHA_UNAVAILABLE, probeFindings, summarizeProbe, forcedVersionRefused, type KnownCa } from '../../../shared/probe/findings';
import { DEFAULT_LIMITS, type DecoderLimits } from '../../../shared/tls/records';
import { connectAndRecord, describeAttempt, normaliseVersion, type AttemptSpec, type ClientCredential, type ProbeTarget } from './attempt';
import { analyzeServerChain, type PoolItem } from '../../../shared/chain/analyze';
import type { CommandRunner } from '../../platform/types';
import { answeredAlready, plan, refusedVersions, type Planned, type TlsChoice } from './plan';

/**
 * `probe:run` and `certbench probe`: connect to an https URL several ways and report how the server
 * asks for a client certificate. The attempts, in order:
 * 1. default (TLS 1.2 or 1.3, whichever the server prefers), 2. TLS 1.2 forced, 3. TLS 1.3 forced,
 * 4. when TLS 1.3 got no CertificateRequest and failed, the probe's own TLS 1.3 client offering
 *    post_handshake_auth (Node's client never offers it, nodejs/node#36926),
 * 5. with a client certificate: the same presenting it (and by post-handshake auth when that is how
 *    the server asks).
 * The whole probe is bounded by `timeoutMs`; an attempt gets at most half of it when others follow.
 */

export type { TlsChoice } from './plan';

/** The other developer's TLS 1.3 client, injectable for tests (signature of tls13-client.ts). */
export type PostHandshakeProbe = (
  target: { host: string; port: number; servername: string; path: string },
  options: { timeoutMs: number; clientCertificate?: { certDer: Uint8Array; chainDer: Uint8Array[]; privateKeyPkcs8: Uint8Array } },
) => Promise<ProbeAttempt>;

export interface ProbeOptions {
  url: string;
  tls: TlsChoice;
  /** Exactly one connection (runbooks): the default one, or the one forced version; presenting the certificate when one is given. */
  once?: boolean;
  timeoutMs: number;
  client?: ClientCredential | null;
  /** CA certificates known here (trusted roots...), to tell root from intermediate names. */
  knownCertificates?: Uint8Array[];
  /** This machine's trusted roots: the server's chain is judged against them (none: not judged). */
  trust?: PoolItem[];
  limits?: Partial<DecoderLimits>;
  /** null: no post-handshake client (reported as unavailable). Default: tls13-client.ts. */
  postHandshake?: PostHandshakeProbe | null;
  onProgress?: (done: number, total: number, label: string) => void;
  signal?: AbortSignal;
  /** Evaluate certificate validity at this moment (tests). */
  at?: Date;
  /**
   * Also connect through .NET's SslStream in PowerShell (Schannel on Windows), presenting the
   * personal-store certificate with this thumbprint (null: none). Certbench's own client then makes
   * the attempts without a certificate, and this client the one with it.
   */
  sslStream?: { thumbprint: string | null; runner: CommandRunner; powershell?: string | null };
}

/** The own TLS 1.3 client (tls13-client.ts), loaded when a probe first needs it: most probes never do. */
const ownTls13Client: PostHandshakeProbe = async (target, options) => ((await import('./tls13-client')).probeWithPostHandshakeAuth as PostHandshakeProbe)(target, options);

/** How long after the deadline the whole probe's abort follows each attempt's own timer. */
const OVERALL_GRACE_MS = 250;

/** Time kept for the SslStream client when it follows Certbench's own attempts (PowerShell's start is slow). */
const SSLSTREAM_RESERVE_MS = 8_000;

/** Errors after which further attempts would only repeat the first (see attempt.ts and shared/tls/records.ts). */
const HOPELESS = /^timeout after [\d.]+ s (waiting for the TCP connection|during the TLS handshake)|sent over \d+ bytes on one connection|is not a TLS record|declares \d+ bytes, over the|sent a TLS record of \d+ bytes/;

export const MIN_TIMEOUT_MS = 1_000;
export const MAX_TIMEOUT_MS = 120_000;
export const DEFAULT_TIMEOUT_MS = 15_000;

/** Parse and check the URL: https only, host and port, the path with its query (default "/"). */
export function parseTarget(url: string): ProbeTarget {
  const trimmed = url.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    throw new CertbenchError('bad-input', `"${url.slice(0, 200)}" is not a URL (expected https://host[:port]/path)`);
  }
  if (u.protocol !== 'https:') throw new CertbenchError('bad-input', `"${url.slice(0, 200)}" is not an https:// URL: a client-certificate probe needs TLS`);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (!host) throw new CertbenchError('bad-input', `"${url.slice(0, 200)}" has no host name`);
  const port = u.port ? Number(u.port) : 443;
  return { host, port, path: `${u.pathname || '/'}${u.search}`, servername: net.isIP(host) ? '' : host };
}

/** A TLS 1.3 connection that got no CertificateRequest and was refused the way post-handshake servers refuse. */
function needsPostHandshakeLook(a: ProbeAttempt): boolean {
  if (a.tls.version !== 'TLS 1.3' || a.clientAuth.certificateRequest) return false;
  if (a.http) return a.http.status >= 400;
  return true;
}

export async function runProbe(options: ProbeOptions): Promise<ProbeResult> {
  const target = parseTarget(options.url);
  const timeoutMs = Math.min(MAX_TIMEOUT_MS, Math.max(MIN_TIMEOUT_MS, options.timeoutMs));
  const limits: DecoderLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const started = performance.now();
  const startedAt = new Date();
  const deadline = started + timeoutMs;
  // The whole probe's bound, enforced on every connection at once: timers of one attempt can run
  // late on a loaded machine, so shortly after the deadline (each attempt's own timer normally ends
  // it first, with words for the phase it was in) whatever is still open is aborted.
  const overall = new AbortController();
  const overallTimer = setTimeout(() => overall.abort(`timeout after ${(timeoutMs / 1000).toFixed(1)} s, the bound on the whole probe`), timeoutMs + OVERALL_GRACE_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, overall.signal]) : overall.signal;
  try {
    return await probeWithin(options, { target, timeoutMs, limits, started, startedAt, deadline, signal });
  } finally {
    clearTimeout(overallTimer);
  }
}

interface ProbeBounds {
  target: ProbeTarget;
  timeoutMs: number;
  limits: DecoderLimits;
  started: number;
  startedAt: Date;
  deadline: number;
  signal: AbortSignal;
}

/** One probe's running state, shared by its stages: what was decided up front and what was seen so far. */
interface ProbeRun {
  options: ProbeOptions;
  bounds: ProbeBounds;
  client: ClientCredential | null;
  once: boolean;
  /** Where Certbench's own attempts stop: earlier than the deadline when the SslStream client follows. */
  ownDeadline: number;
  phaClient: PostHandshakeProbe | null;
  attempts: ProbeAttempt[];
  /** The server certificates each attempt saw (DER), for the report's server certificates and chain. */
  analyses: Map<ProbeAttempt, Uint8Array[]>;
  /** How many attempts the progress reports out of; grows as later stages decide to run more. */
  total: number;
}

const progress = (run: ProbeRun, label: string): void => run.options.onProgress?.(run.attempts.length, run.total, label);

async function probeWithin(options: ProbeOptions, bounds: ProbeBounds): Promise<ProbeResult> {
  const client = options.client ?? null;
  const once = options.once === true;
  // With --once and a certificate, the one connection presents it.
  const planned = plan(options.tls, once).map((p) => (once && client ? { ...p, kind: 'client-certificate' as const, label: `Presenting the client certificate (${client.fileName})` } : p));
  const run: ProbeRun = {
    options,
    bounds,
    client,
    once,
    // Certbench's own attempts stop early enough to leave the SslStream client its share.
    ownDeadline: options.sslStream ? bounds.deadline - Math.min(bounds.timeoutMs / 2, SSLSTREAM_RESERVE_MS) : bounds.deadline,
    phaClient: options.postHandshake === undefined ? ownTls13Client : options.postHandshake,
    attempts: [],
    analyses: new Map(),
    total: planned.length + (client && !once ? 1 : 0) + (options.sslStream ? 1 : 0),
  };
  await runPlannedAttempts(run, planned);
  // Taken before the later stages add attempts: the first plain attempt that saw a CertificateRequest.
  const plainRequest = run.attempts.find((a) => a.clientAuth.certificateRequest);
  const phaAttempt = await lookPostHandshake(run);
  if (client && !once && performance.now() < bounds.deadline) await presentClientCertificate(run, client, phaAttempt);
  const sslStreamPresented = await runSslStreamClient(run);
  options.onProgress?.(run.attempts.length, run.attempts.length, 'done');
  return assembleResult(run, phaAttempt, plainRequest, sslStreamPresented);
}

/** One node:tls attempt. Later attempts get at most half the remaining budget (so one stall leaves room). */
async function runNode(run: ProbeRun, p: Planned, credential: ClientCredential | null, last: boolean): Promise<ProbeAttempt> {
  const { target, limits, signal } = run.bounds;
  const now = performance.now();
  const end = run.ownDeadline;
  const share = last ? end : Math.min(end, now + Math.max((end - now) / 2, Math.min(end - now, MIN_TIMEOUT_MS)));
  const spec: AttemptSpec = { label: p.label, target, minVersion: p.min, maxVersion: p.max, client: credential, deadline: share, limits, signal };
  const raw = await connectAndRecord(spec);
  const { attempt, analysis } = describeAttempt(spec, raw);
  const result: ProbeAttempt = { ...attempt, kind: p.kind, durationMs: Math.round(raw.elapsedMs), client: 'certbench' };
  run.analyses.set(result, analysis.serverCertificates);
  return result;
}

/** One attempt with the own TLS 1.3 client, which offers post_handshake_auth (RFC 8446 4.6.2). */
async function runPha(run: ProbeRun, kind: ProbeAttemptKind, credential: ClientCredential | null): Promise<ProbeAttempt> {
  const { target } = run.bounds;
  const label = credential ? 'TLS 1.3 offering post-handshake auth (own client), presenting the client certificate' : 'TLS 1.3 offering post-handshake auth (own client)';
  const remaining = Math.max(0, run.ownDeadline - performance.now());
  const t0 = performance.now();
  if (!run.phaClient) return unavailable(kind, label, 'it is not built into this version');
  try {
    const got = await run.phaClient(
      { host: target.host, port: target.port, servername: target.servername, path: target.path },
      {
        timeoutMs: Math.max(1, Math.floor(remaining)),
        ...(credential ? { clientCertificate: { certDer: credential.certDer, chainDer: credential.chainDer, privateKeyPkcs8: credential.privateKeyPkcs8 } } : {}),
      },
    );
    const { serverCertificatesDerBase64: _certs, ...attempt } = got as ProbeAttempt & { serverCertificatesDerBase64?: string[] };
    return { ...attempt, label, kind, tls: { ...attempt.tls, version: normaliseVersion(attempt.tls.version) }, durationMs: Math.round(performance.now() - t0), client: 'certbench-tls13' };
  } catch (err) {
    return unavailable(kind, label, `it failed: ${(err as Error).message.split('\n')[0]}`);
  }
}

const connectFailed = (a: ProbeAttempt) => a.timeline.every((e) => e.message !== 'TCP connected');

/** The planned attempts (default, TLS 1.2, TLS 1.3), skipping those the first one already answered. */
async function runPlannedAttempts(run: ProbeRun, planned: Planned[]): Promise<void> {
  const { attempts, analyses, client, once } = run;
  for (const [i, p] of planned.entries()) {
    if (run.options.signal?.aborted) throw new CertbenchError('timeout', 'probe cancelled');
    const known = i > 0 ? answeredAlready(p, attempts[0]) : null;
    if (known) {
      attempts.push(known);
      analyses.set(known, analyses.get(attempts[0]!) ?? []);
      continue;
    }
    progress(run, p.label);
    const a = await runNode(run, p, once ? client : null, i === planned.length - 1 && (!client || once));
    attempts.push(a);
    if (i === 0 && connectFailed(a)) {
      // Unreachable, refused, unresolvable: nothing to report but that, in one line.
      throw new CertbenchError(/timeout/.test(a.error ?? '') ? 'timeout' : 'not-found', a.error ?? a.ending);
    }
    // A server that stalls in the handshake, floods or sends what is not TLS will do it again: stop here.
    // (A stall after the request is different: IIS may hang TLS 1.3 where TLS 1.2 renegotiates.)
    if (i === 0 && HOPELESS.test(a.error ?? '')) break;
    if (performance.now() >= run.ownDeadline) break;
  }
}

/** When TLS 1.3 was refused without a CertificateRequest, look again offering post-handshake auth. */
async function lookPostHandshake(run: ProbeRun): Promise<ProbeAttempt | null> {
  if (!run.attempts.some(needsPostHandshakeLook) || run.once || performance.now() >= run.ownDeadline) return null;
  run.total += 1;
  progress(run, 'TLS 1.3 offering post-handshake auth');
  const phaAttempt = await runPha(run, 'post-handshake', null);
  run.attempts.push(phaAttempt);
  return phaAttempt;
}

/**
 * Where to present the certificate: where the server was seen asking for one. node:tls answers a
 * request in the handshake or in a TLS 1.2 renegotiation; only the own TLS 1.3 client answers
 * post-handshake (RFC 8446 4.6.2).
 */
function clientCertificateRuns(run: ProbeRun, client: ClientCredential, phaAttempt: ProbeAttempt | null): (Planned | 'pha')[] {
  const { attempts } = run;
  const asked = (version: string, by?: string) =>
    attempts.some((a) => a.tls.version === version && a.clientAuth.certificateRequest && (!by || a.clientAuth.certificateRequest.carriedBy === by));
  const viaPha = phaAttempt?.clientAuth.mode === 'post-handshake';
  const runs: (Planned | 'pha')[] = [];
  const withCert = (label: string, min: tls.SecureVersion, max: tls.SecureVersion): Planned => ({ kind: 'client-certificate', label: `Presenting the client certificate (${client.fileName})${label}`, min, max });
  // A version the server refused is not offered again: the certificate would not even be asked for.
  const refused = refusedVersions(attempts);
  const choice = run.options.tls;
  if (choice === '1.2') {
    if (!refused.has('TLS 1.2')) runs.push(withCert('', 'TLSv1.2', 'TLSv1.2'));
  } else if (choice === '1.3') {
    if (!refused.has('TLS 1.3')) runs.push(viaPha ? 'pha' : withCert('', 'TLSv1.3', 'TLSv1.3'));
  } else if (asked('TLS 1.3', 'handshake')) runs.push(withCert('', 'TLSv1.2', 'TLSv1.3'));
  else {
    if (asked('TLS 1.2')) runs.push(withCert(', TLS 1.2', 'TLSv1.2', 'TLSv1.2'));
    if (viaPha) runs.push('pha');
    if (!runs.length) runs.push(withCert('', 'TLSv1.2', 'TLSv1.3'));
  }
  return runs;
}

/** The attempts presenting the client certificate, each while the deadline allows. */
async function presentClientCertificate(run: ProbeRun, client: ClientCredential, phaAttempt: ProbeAttempt | null): Promise<void> {
  const runs = clientCertificateRuns(run, client, phaAttempt);
  run.total = run.attempts.length + runs.length;
  for (const [i, next] of runs.entries()) {
    if (performance.now() >= run.bounds.deadline) break;
    if (next === 'pha') {
      progress(run, 'TLS 1.3 post-handshake auth, presenting the client certificate');
      run.attempts.push(await runPha(run, 'post-handshake-client-certificate', client));
    } else {
      progress(run, next.label);
      run.attempts.push(await runNode(run, next, client, i === runs.length - 1));
    }
  }
}

type SslStreamPresented = { der: Uint8Array; chain: Uint8Array[]; store: string } | null;

/** The .NET SslStream attempt, when asked for and time is left; what it presented from the store. */
async function runSslStreamClient(run: ProbeRun): Promise<SslStreamPresented> {
  const sslStream = run.options.sslStream;
  const { target, deadline } = run.bounds;
  if (!sslStream || performance.now() >= deadline) return null;
  progress(run, sslStream.thumbprint ? 'Presenting the store certificate through PowerShell (.NET SslStream)' : 'Connecting through PowerShell (.NET SslStream)');
  // Loaded only when asked for: the PowerShell client's answer schema (zod) stays out of other probes' start.
  const { runSslStreamAttempt } = await import('./sslstream');
  const outcome = await runSslStreamAttempt(
    sslStream.runner,
    { target, thumbprint: sslStream.thumbprint, tls: run.options.tls === 'both' ? 'default' : run.options.tls, deadline, at: run.options.at ?? new Date() },
    sslStream.powershell === undefined ? undefined : sslStream.powershell,
  );
  run.attempts.push(outcome.attempt);
  run.analyses.set(outcome.attempt, outcome.serverDer);
  return outcome.presented;
}

/** The report: how the server asks, the facts of the attempt that matters most, findings and summary. */
async function assembleResult(run: ProbeRun, phaAttempt: ProbeAttempt | null, plainRequest: ProbeAttempt | undefined, sslStreamPresented: SslStreamPresented): Promise<ProbeResult> {
  const { options, attempts, analyses, client } = run;
  const { target, started, startedAt } = run.bounds;
  const main = attempts[0]!;
  // How the server asks: the main attempt's own request, else what the post-handshake client saw
  // (same TLS version as a default TLS 1.3 connection), else what another plain attempt saw.
  const plain = attempts.filter((a) => a.kind !== 'client-certificate' && a.kind !== 'post-handshake-client-certificate');
  const asking = main.clientAuth.certificateRequest
    ? main
    : [phaAttempt, plainRequest, ...plain].find((a): a is ProbeAttempt => !!a?.clientAuth.certificateRequest) ?? null;
  const shown = asking ?? main;

  const serverDer = analyses.get(main)?.length ? analyses.get(main)! : [...analyses.values()].find((c) => c.length) ?? [];
  const at = options.at ?? new Date();
  const serverCertificates: CertificateSummary[] = [];
  for (const [i, der] of serverDer.slice(0, 10).entries()) {
    try {
      serverCertificates.push(await summarizeCertificate(`server certificate ${i + 1}`, der, at));
    } catch {
      // A certificate our reader cannot model is skipped; the timeline still shows it was sent.
    }
  }

  const presentedCredential = client ?? (sslStreamPresented ? { fileName: sslStreamPresented.store, certDer: sslStreamPresented.der, chainDer: sslStreamPresented.chain } : null);
  const serverChain = options.trust && serverDer.length ? await judgeServerChain(serverDer, options.trust, at) : null;
  const clientSummary = presentedCredential ? await summarizeClient(presentedCredential, at) : null;
  const knownCas = knownCasFrom([...(options.knownCertificates ?? []), ...(presentedCredential ? presentedCredential.chainDer : []), ...serverDer.slice(1)], shown.clientAuth.certificateRequest?.caNames ?? []);

  // Observed: some attempt completed a handshake, got a CertificateRequest or an HTTP answer.
  // A forced TLS version the server refused is an answer too ("it does not speak TLS 1.3").
  const observed =
    attempts.some((a) => a.http || a.clientAuth.certificateRequest || a.oversized?.message === 'CertificateRequest' || a.timeline.some((e) => e.from === 'server' && e.message === 'Finished')) ||
    forcedVersionRefused(attempts) !== null;
  // With a certificate given, the top-level facts say what happened to it (DESIGN.md's flattened shape).
  const facts = attempts.find((a) => a.clientCertificate.presented) ?? attempts.find((a) => a.clientCertificate.thumbprint !== null) ?? main;
  const result: ProbeResult = {
    target,
    tls: facts.tls,
    serverCertificates,
    serverChain,
    clientAuth: {
      mode: shown.clientAuth.mode,
      certificateRequest: shown.clientAuth.certificateRequest,
      reason: shown.clientAuth.reason,
      attempt: shown.label,
    },
    http: facts.http,
    alerts: facts.alerts,
    timeline: facts.timeline,
    factsFrom: facts.label,
    attempts,
    findings: [],
    error: observed ? null : (main.error ?? main.ending),
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
  };
  result.findings = probeFindings({ attempts, clientCertificate: clientSummary, knownCas });
  result.summary = result.error ? `The probe could not observe the server: ${result.error}.` : summarizeProbe(result);
  return result;
}

/** The server's chain as sent, judged for server authentication against the trusted roots given. */
async function judgeServerChain(sent: Uint8Array[], trust: PoolItem[], at: Date): Promise<ProbeResult['serverChain']> {
  const report = await analyzeServerChain([...sent.slice(1).map((der) => ({ der, source: "the server's handshake", trusted: false })), ...trust], sent[0]!, at);
  if (!report) return null;
  const last = report.best.links[report.best.links.length - 1];
  const root = last && (last.role === 'root' || last.role === 'anchor') ? last.subject : null;
  return { status: report.best.status, problems: report.best.problems, root };
}

function unavailable(kind: ProbeAttemptKind, label: string, why: string): ProbeAttempt {
  const reason = `${PHA_UNAVAILABLE}: ${why}`;
  return {
    label,
    kind,
    tls: { version: null, cipher: null },
    clientAuth: { mode: 'unknown', reason, certificateRequest: null },
    http: null,
    alerts: [],
    timeline: [],
    ending: 'not run',
    error: reason,
    clientCertificate: { presented: false, accepted: null, thumbprint: null },
  };
}

async function summarizeClient(client: Pick<ClientCredential, 'fileName' | 'certDer' | 'chainDer'>, at: Date) {
  try {
    const leaf = await summarizeCertificate(client.fileName, client.certDer, at);
    const chain = [];
    for (const der of client.chainDer) {
      const s = await summarizeCertificate(client.fileName, der, at);
      chain.push({ subject: s.subject.rfc4514, issuer: s.issuer.rfc4514 });
    }
    return { subject: leaf.subject.rfc4514, issuer: leaf.issuer.rfc4514, chain };
  } catch {
    return null;
  }
}

/**
 * Which of the CA names belong to known self-signed roots or to intermediates. Only the names are read
 * (no signature check: a root here is a certificate whose issuer equals its subject), so a 150-root
 * system bundle costs about a millisecond.
 */
function knownCasFrom(ders: Uint8Array[], names: string[]): KnownCa[] {
  if (!names.length) return [];
  const wanted = new Set(names);
  const out: KnownCa[] = [];
  for (const der of ders.slice(0, 5000)) {
    try {
      const view = parseX509(der);
      const subject = readName(view.subject).rfc4514;
      if (wanted.has(subject)) out.push({ subject, selfSigned: bytesEqual(view.subject, view.issuer) });
    } catch {
      continue;
    }
  }
  return out;
}

// One file because Diagnose is one pipeline read in order here: inputs, probe, server evidence, key
// access, chain, revocation, ranking and fixes share the request and the evidence gathered so far;
// each stage's own logic lives in its module (diagnose-revocation.ts, shared/probe, shared/server).
import os from 'node:os';
import { base64 } from '@peculiar/utils';
import type { DiagnoseInput } from '../../shared/contract';
import { MAX_INPUT_FILE_BYTES } from '../../shared/input-limits';
import { recognizeEvidence } from '../../shared/server/recognize';
import { decodeText } from '../../shared/server/text-decode';
import { readContainer } from '../../shared/cert/containers';
import { toPem } from '../../shared/cert/containers/text';
import { summarizeCertificate } from '../../shared/cert/summarize';
import { analyzeChains, type PoolItem } from '../../shared/chain/analyze';
import { keyStatusOfStoreCertificate } from '../../shared/verdict/store-verdicts';
import { CertbenchError, oneLine, toErrorData } from '../../shared/errors';
import type { Finding } from '../../shared/findings/catalogue';
import { caNameBytes, storeFindings } from '../../shared/findings/stores';
import { rankFindings, type AreaFinding } from '../../shared/findings/rank';
import { fixesFor, fixIdsFor } from '../../shared/fixes';
import type { CertificateSummary } from '../../shared/model/certificate';
import type { ChainPath, KeyStatus } from '../../shared/model/chain';
import { REPORT_SCHEMA_VERSION, type DiagnoseReport, type DiagnoseStep, type RankedFinding } from '../../shared/model/diagnose';
import type { ProbeResult } from '../../shared/model/probe';
import { EMPTY_SERVER_EVIDENCE, type ServerEvidence, type SslBinding } from '../../shared/model/server';
import type { StoreCertificate } from '../../shared/model/store';
import type { StoreListing } from '../platform/types';
import type { CommandRunner } from '../platform/types';
import { APP_VERSION } from '../version';
import { readInputFile } from './input-file';
import type { KeysService } from './keys';
import type { ClientCredential } from './probe/attempt';
import { loadClientCredential } from './probe/client-cert';
import { parseTarget, runProbe } from './probe/probe';
import { credentialFromStore } from './probe/store-credential';
import { sslStreamChoice } from './probe/choose-client';
import type { ServerAnalysisInput } from './server/analyze';
import { checkRevocationStage, revocationHints } from './diagnose-revocation';
import type { RevocationService } from './revocation/service';
import type { StoresService } from './stores';
import type { SystemTrustSource } from './system-trust';
import type { Clock, Work } from './work';

/**
 * Diagnose: one action that gathers every piece of evidence relevant to one server and one
 * client certificate (the probe with and without the certificate, the certificate's chain and key,
 * who may read the key, the trusted-root store's health, and the server's own configuration and
 * logs), turns it into catalogue findings with their proof, ranks them by how likely each is the root
 * cause, and writes the fix scripts. Each step is recorded with what it did or why it was skipped, so
 * a reader (or a bundle opened later) can tell "not checked" from "checked and fine".
 */

type Request = DiagnoseInput;

/** What a diagnosis runs on: the other services it asks, the runner PowerShell's client uses, the clock. */
export interface DiagnoseDeps {
  stores: StoresService;
  keys: KeysService;
  trust: SystemTrustSource;
  runner: CommandRunner;
  server: (input: ServerAnalysisInput, work: Work) => Promise<ServerEvidence>;
  clock: Clock;
  revocation: RevocationService;
}

const STAGES = ['stores', 'certificate', 'key', 'probe', 'server', 'revocation', 'findings'] as const;

/** The client certificate as Diagnose knows it: the summary, its chain certificates, the credential (if the key is usable). */
interface ClientSide {
  source: string;
  summary: CertificateSummary;
  extraDer: Uint8Array[];
  credential: ClientCredential | null;
  /** Why the probe cannot present it (no key in the upload, a key in CryptoAPI...). */
  credentialNote: string | null;
  keyStatus: KeyStatus;
  store: StoreCertificate | null;
}

async function clientFromUpload(request: Request, at: Date): Promise<ClientSide> {
  const cert = request.clientCertificate!;
  const key = request.keyFile;
  let credential: ClientCredential | null = null;
  let credentialNote: string | null = null;
  try {
    credential = await loadClientCredential(cert, key);
  } catch (err) {
    const data = toErrorData(err);
    // A wrong or missing password is the user's to fix now; anything else only stops the probe with the certificate.
    if (data.code === 'wrong-password' || data.code === 'password-required') throw err;
    credentialNote = data.message;
  }
  // The credential already holds the certificates; only a file without a usable key is read again for them
  // (a PFX's key derivation is the slow part of reading it: not twice).
  let leafDer: Uint8Array;
  let extraDer: Uint8Array[];
  if (credential) {
    leafDer = credential.certDer;
    extraDer = credential.chainDer;
  } else {
    const read = await readContainer(cert.fileName, cert.bytes, { password: cert.password, maxBytes: cert.bytes.length + 1 });
    if (!read.certificates.length) throw new CertbenchError('bad-input', `${cert.fileName}: no certificate in this file`);
    leafDer = read.certificates[0]!;
    extraDer = read.certificates.slice(1);
  }
  const summary = await summarizeCertificate(cert.fileName, leafDer, at);
  const keyStatus: KeyStatus = credential
    ? { status: 'present', detail: `the private key is in ${request.keyFile?.fileName ?? cert.fileName}` }
    : { status: 'missing', detail: `${cert.fileName} holds no usable private key${credentialNote ? ` (${credentialNote})` : ''}.` };
  return {
    source: cert.fileName,
    summary,
    extraDer,
    credential,
    credentialNote,
    keyStatus,
    store: null,
  };
}

async function clientFromStore(thumbprint: string, certificates: StoreCertificate[]): Promise<ClientSide> {
  const want = thumbprint.toUpperCase();
  const matches = certificates.filter((c) => c.summary.thumbprintSha1 === want);
  if (!matches.length) throw new CertbenchError('not-found', `thumbprint ${want}: in none of the local stores or added folders (add its folder on the Certificates page, or give the file)`);
  const found = matches.find((c) => c.key.status === 'present') ?? matches[0]!;
  let credential: ClientCredential | null = null;
  let credentialNote: string | null = null;
  try {
    credential = await credentialFromStore(found, undefined);
  } catch (err) {
    credentialNote = toErrorData(err).message;
  }
  // The one store-key mapping (shared/verdict/store-verdicts.ts), as the Local stores table judges it.
  const keyStatus: KeyStatus = keyStatusOfStoreCertificate(found, undefined);
  return { source: found.storeId, summary: found.summary, extraDer: [], credential, credentialNote, keyStatus, store: found };
}

/**
 * Certificates among the attachments (an intermediate the user downloaded, the server's CA file):
 * they join the pool chains are built from, as the DESIGN's `--attach ... a certificate` promises.
 * Anything that is not a certificate is left to the server analysis.
 */
async function attachedCertificates(attachments: Request['attachments']): Promise<PoolItem[]> {
  const out: PoolItem[] = [];
  for (const a of attachments) {
    let bytes: Uint8Array;
    try {
      bytes = a.bytes ?? readInputFile(a.path!, MAX_INPUT_FILE_BYTES);
      if (recognizeEvidence(decodeText(bytes.subarray(0, 64 * 1024)).text, bytes.subarray(0, 64 * 1024)) !== 'certificate') continue;
      const read = await readContainer(a.name, bytes, { maxBytes: MAX_INPUT_FILE_BYTES });
      out.push(...read.certificates.map((der) => ({ der, source: a.name, trusted: false })));
    } catch {
      // Not readable as certificates: the server analysis reports the file.
    }
  }
  return out;
}

/** Finds the binding HTTP.SYS would use for the probed port, to put its key into the findings' params. */
function bindingFor(bindings: SslBinding[], host: string | null, port: number | null): SslBinding | null {
  if (!bindings.length) return null;
  if (port === null) return bindings.length === 1 ? bindings[0]! : null;
  const sni = host ? bindings.find((b) => b.kind === 'hostnameport' && b.key.toLowerCase() === `${host.toLowerCase()}:${port}`) : undefined;
  return sni ?? bindings.find((b) => b.kind === 'ipport' && b.key.endsWith(`:${port}`)) ?? bindings.find((b) => b.key.endsWith(`:${port}`)) ?? null;
}

function bindingParams(b: SslBinding | null): Record<string, string> {
  if (!b) return {};
  const p: Record<string, string> = { binding: b.key, bindingKind: b.kind };
  if (b.certificateHash) p.certHash = b.certificateHash;
  if (b.appId) p.appId = b.appId;
  if (b.certificateStoreName) p.certStoreName = b.certificateStoreName;
  return p;
}

/** Findings raised on the wire get the server, and (when the server side was read) the binding that serves it. */
const WIRE_BINDING_IDS = new Set(['server.no-client-cert-request', 'server.renegotiation-client-cert', 'server.tls13-post-handshake-needed', 'iis.tls13-with-renegotiation', 'http.403.7']);

function withParams(f: Finding, params: Record<string, string>): Finding {
  const merged = { ...params, ...(f.params ?? {}) };
  return Object.keys(merged).length ? { ...f, params: merged } : f;
}

/** Which server answered, so fix scripts are written for it: the Server header, else IIS when IIS evidence was attached. */
function serverSoftware(probe: ProbeResult | null, server: ServerEvidence): 'iis' | 'apache' | 'nginx' | null {
  const header = probe?.attempts.map((a) => a.http?.server).find((h) => h) ?? '';
  if (/Microsoft-IIS|Microsoft-HTTPAPI/i.test(header)) return 'iis';
  if (/apache/i.test(header)) return 'apache';
  if (/nginx/i.test(header)) return 'nginx';
  return server.iis.length || server.bindings.length ? 'iis' : null;
}

/**
 * The report's first sentence. "N problems found" counts every error the report lists (its Errors
 * group), so the number matches what is shown below it; errors the ranking holds as
 * context only are said to be so, not left out of the count.
 */
export function summaryOf(findings: RankedFinding[], probes: ProbeResult[], url: string | null): string {
  const live = findings.filter((f) => f.likelihood !== 'context');
  const errors = findings.filter((f) => f.severity === 'error');
  const blocking = live.filter((f) => f.severity === 'error');
  const probeLine = probes[0]?.summary ? ` ${probes[0].summary}` : '';
  const problems = (n: number) => (n === 1 ? 'One problem' : `${n} problems`);
  const contextOnly = errors.length - blocking.length;
  if (blocking.length) {
    const note = contextOnly ? ` ${contextOnly === 1 ? 'One of them is' : `${contextOnly} of them are`} context only.` : '';
    return `${problems(errors.length)} found. Most likely cause: ${live[0]!.title}.${note}${probeLine}`;
  }
  if (errors.length) {
    const lead = live.length ? ` Start with: ${live[0]!.title}.` : '';
    const listed = errors.length === 1 ? 'the one problem listed is' : `the ${errors.length} problems listed are`;
    return `No blocking problem found: ${listed} context only.${lead}${probeLine}`;
  }
  if (live.length) return `No blocking problem found, but: ${live[0]!.title}.${probeLine}`;
  const where = url ? ` with ${url}` : '';
  return findings.length ? `No problem found${where}; ${findings.length} note(s) for context.${probeLine}` : `No problem found${where} in the evidence gathered.${probeLine}`;
}

/**
 * One diagnosis in progress: the work it reports to, and the steps recorded and findings gathered so
 * far. A step that fails is recorded as failed and the diagnosis goes on, except for what the user
 * must fix first (a wrong password, a bad request, a certificate not found) and cancellation.
 */
class Diagnosis {
  readonly steps: DiagnoseStep[] = [];
  readonly found: AreaFinding[] = [];

  constructor(readonly work: Work) {}

  stage(name: (typeof STAGES)[number], label: string): void {
    this.work.progress({ done: STAGES.indexOf(name), total: STAGES.length, label });
  }

  check(): void {
    if (this.work.signal.aborted) throw new CertbenchError('timeout', 'diagnosis cancelled');
  }

  async step<T>(name: DiagnoseStep['name'], run: () => Promise<{ value: T; note: string; status?: DiagnoseStep['status'] }>, fallback: T): Promise<T> {
    const t0 = performance.now();
    try {
      const { value, note, status } = await run();
      this.steps.push({ name, status: status ?? 'done', note: oneLine(note), durationMs: Math.round(performance.now() - t0) });
      return value;
    } catch (err) {
      if (err instanceof CertbenchError && (err.code === 'wrong-password' || err.code === 'password-required' || err.code === 'bad-request' || err.code === 'not-found')) throw err;
      this.check();
      this.steps.push({ name, status: 'failed', note: toErrorData(err).message, durationMs: Math.round(performance.now() - t0) });
      return fallback;
    }
  }

  skip(name: DiagnoseStep['name'], note: string): void {
    this.steps.push({ name, status: 'skipped', note, durationMs: 0 });
  }
}

/** 1. Stores: the trusted roots' health, and the pool chains are built from. */
function readStores(d: Diagnosis, deps: DiagnoseDeps): Promise<StoreListing | null> {
  d.stage('stores', 'Reading the certificate stores');
  return d.step(
    'stores',
    async () => {
      const { listing: l } = await deps.stores.listing(d.work, { refresh: false });
      const f = storeFindings(l.stores, l.certificates);
      d.found.push(...f.map((x) => ({ finding: x, area: 'stores' as const })));
      return { value: l, note: `${l.stores.length} stores, ${l.certificates.length} certificates${f.length ? `; ${f.length} store finding(s)` : ''}` };
    },
    null,
  );
}

/**
 * The client certificate (an upload, or a store certificate by thumbprint) and which client presents
 * it (choose-client.ts): PowerShell's SslStream when asked, or on Windows when the key is held by
 * Windows rather than a file Certbench can read.
 */
async function chooseClient(request: Request, stores: StoreListing | null, at: Date): Promise<{ client: ClientSide | null; sslStreamThumbprint: string | null }> {
  const via = request.via ?? 'auto';
  if (request.clientCertificate) return { client: await clientFromUpload(request, at), sslStreamThumbprint: null };
  if (!request.thumbprint) return { client: null, sslStreamThumbprint: null };
  const want = request.thumbprint.toUpperCase();
  const listed = (stores?.certificates ?? []).some((c) => c.summary.thumbprintSha1 === want);
  if (via === 'powershell' && !listed) return { client: null, sslStreamThumbprint: want };
  const client = await clientFromStore(want, stores?.certificates ?? []);
  const sslStream = via === 'powershell' || (!client.credential && sslStreamChoice(via, client.store).use);
  return { client, sslStreamThumbprint: sslStream ? want : null };
}

/** The finding params of a certificate finding: the certificate, and the issuer a fix script needs. */
function certificateParams(f: Finding, c: ClientSide, best: ChainPath): Record<string, string> {
  let params: Record<string, string> = { thumbprint: c.summary.thumbprintSha1, subject: c.summary.subject.rfc4514 };
  if (f.id === 'chain.incomplete' && best.missing) {
    params = { ...params, issuer: best.missing.issuer, ...(best.missing.downloadUrls[0] ? { downloadUrl: best.missing.downloadUrls[0] } : {}) };
  }
  if (f.id === 'chain.untrusted-root') {
    const last = best.links[best.links.length - 1];
    if (last && last.role !== 'leaf') params = { ...params, issuer: last.subject, certificatePem: toPem('CERTIFICATE', base64.decode(last.derBase64)) };
  }
  return params;
}

/** 2. The client certificate and its chain, over the upload, the attachments, the stores and the system's roots. */
async function checkCertificate(d: Diagnosis, deps: DiagnoseDeps, request: Request, c: ClientSide, stores: StoreListing | null, at: Date): Promise<DiagnoseReport['certificate']> {
  return d.step(
    'certificate',
    async () => {
      const trust = await deps.trust.roots();
      const pool: PoolItem[] = [
        { der: base64.decode(c.summary.derBase64), source: c.source, trusted: false },
        ...c.extraDer.map((der) => ({ der, source: c.source, trusted: false })),
        ...(await attachedCertificates(request.attachments)),
        ...(stores?.certificates ?? []).map((s) => ({ der: base64.decode(s.summary.derBase64), source: s.storeId, trusted: stores?.stores.find((x) => x.id === s.storeId)?.trusted ?? false })),
        ...trust.items,
      ];
      const { results } = await analyzeChains(pool, [{ thumbprint: c.summary.thumbprintSha1, key: c.keyStatus }], at);
      const r = results[0];
      if (!r) throw new CertbenchError('internal', `the certificate from ${c.source} could not be analysed`);
      const best = r.chain.best;
      const chainPem = best.links.map((l) => toPem('CERTIFICATE', base64.decode(l.derBase64)));
      for (const f of r.verdict.findings) d.found.push({ finding: withParams(f, certificateParams(f, c, best)), area: 'certificate' });
      return {
        value: { source: c.source, summary: c.summary, chain: r.chain, verdict: r.verdict, chainPem },
        note: `${c.summary.subject.commonName ?? c.summary.subject.rfc4514}: ${r.verdict.sentence}`,
      };
    },
    null,
  );
}

/** 3. The private key: where it is, who may read it, and whether the chosen identity can. */
async function checkKey(d: Diagnosis, deps: DiagnoseDeps, request: Request, client: ClientSide | null, sslStreamThumbprint: string | null): Promise<DiagnoseReport['key']> {
  d.stage('key', 'Checking the private key and who may read it');
  if (client?.store && client.store.key.path) {
    const store = client.store;
    return d.step(
      'key',
      async () => {
        const r = await deps.keys.find({ thumbprint: store.summary.thumbprintSha1 }, d.work);
        d.found.push(...r.findings.filter((f) => f.id !== 'cert.no-private-key').map((f) => ({ finding: withParams(f, { keyPath: r.key.path ?? '' }), area: 'key' as const })));
        let access: NonNullable<DiagnoseReport['key']>['access'] = null;
        if (request.identity && r.key.path) {
          const a = await deps.keys.checkAccess(r.key.path, request.identity);
          access = { identity: a.identity.name, answer: a.answer };
          d.found.push(
            ...a.findings
              .filter((f) => f.id === 'key.identity-cannot-read')
              .map((f) => ({ finding: withParams(f, { keyPath: r.key.path!, identity: a.identity.name }), area: 'key' as const })),
          );
        }
        return {
          value: { location: r.key, acl: r.acl, aclNote: r.aclNote, access },
          note: `${r.key.path}${access ? `: ${access.identity} ${access.answer.canRead ? 'can' : 'cannot'} read it` : request.identity ? '' : ' (no identity given to check)'}`,
        };
      },
      null,
    );
  }
  if (client?.store) {
    d.skip('key', `the store does not name a key file for this certificate (${client.store.key.status}${client.store.key.provider ? `, ${client.store.key.provider}` : ''})`);
  } else if (client) {
    d.skip('key', request.identity ? `the key came in ${client.source}, not from a file on this machine: pick the certificate from the stores to check who can read its key` : `the key came in ${client.source}`);
  } else if (sslStreamThumbprint) d.skip('key', 'PowerShell uses the key where Windows keeps it; pick the certificate from Certbench\'s stores to check who can read its key file');
  else d.skip('key', 'no client certificate given');
  return null;
}

/** 4. The probe, with the certificate when it can be presented (runProbe also makes the attempts without it). */
async function probeServer(d: Diagnosis, deps: DiagnoseDeps, request: Request, client: ClientSide | null, sslStreamThumbprint: string | null, stores: StoreListing | null): Promise<ProbeResult[]> {
  d.stage('probe', 'Probing the server');
  if (!request.url) {
    d.skip('probe', 'no server address given');
    d.skip('probe-with-certificate', 'no server address given');
    return [];
  }
  const url = request.url;
  const trust = await deps.trust.roots();
  const known = [...trust.items.map((i) => i.der), ...(stores?.certificates ?? []).filter((c) => c.summary.basicConstraints?.ca).map((c) => base64.decode(c.summary.derBase64))];
  const result = await d.step(
    'probe',
    async () => {
      const r = await runProbe({
        url,
        tls: 'both',
        timeoutMs: request.timeoutMs,
        client: sslStreamThumbprint ? null : (client?.credential ?? null),
        ...(sslStreamThumbprint ? { sslStream: { thumbprint: sslStreamThumbprint, runner: deps.runner } } : {}),
        knownCertificates: known,
        trust: trust.items,
        signal: d.work.signal,
        onProgress: (done, total, label) => d.work.progress({ done: STAGES.indexOf('probe') + (total ? done / total : 0), total: STAGES.length, label }),
      });
      if (r.error) return { value: r, note: r.error, status: 'failed' as const };
      return { value: r, note: r.summary ?? `${r.attempts.length} attempts` };
    },
    null,
  );
  const withCert = result?.attempts.filter((a) => a.clientCertificate.presented) ?? [];
  if (!client && !sslStreamThumbprint) d.skip('probe-with-certificate', 'no client certificate given: the server was probed without one');
  else if (client && !client.credential && !sslStreamThumbprint) d.skip('probe-with-certificate', client.credentialNote ?? 'the certificate cannot be presented (no usable private key)');
  else if (!withCert.length) d.skip('probe-with-certificate', result ? 'the server never asked for a certificate, so none was presented' : 'the probe failed');
  else
    d.steps.push({
      name: 'probe-with-certificate',
      status: 'done',
      note: withCert.map((a) => `${a.label}: ${a.clientCertificate.accepted === false ? 'rejected' : a.http ? `HTTP ${a.http.status}${a.http.subStatus !== null ? `.${a.http.subStatus}` : ''}` : a.ending}`).join('; '),
      durationMs: Math.round(withCert.reduce((s, a) => s + (a.durationMs ?? 0), 0)),
    });
  return result ? [result] : [];
}

/** 5. The server side: attached files and, on Windows, this machine's configuration. */
function readServer(d: Diagnosis, deps: DiagnoseDeps, request: Request): Promise<ServerEvidence> {
  d.stage('server', 'Reading the server configuration');
  return d.step(
    'server',
    async () => {
      if (!request.attachments.length && !(request.live && process.platform === 'win32')) {
        return { value: EMPTY_SERVER_EVIDENCE, note: process.platform === 'win32' ? 'not asked to read this machine, and no files attached' : 'no server files attached (this machine is not Windows: attach netsh output, applicationHost.config, logs or event exports)', status: 'skipped' as const };
      }
      const s = await deps.server({ attachments: request.attachments, live: request.live }, d.work);
      const used = s.inputs.filter((i) => !i.error).length;
      return { value: s, note: `${used} input(s) read${s.notes.length ? `; ${s.notes.join('; ')}` : ''}` };
    },
    EMPTY_SERVER_EVIDENCE,
  );
}

/** 6. The wire's findings joined with the server's: each gets the server, and the binding that serves it, for its fix. */
function joinWireFindings(d: Diagnosis, request: Request, target: ReturnType<typeof parseTarget> | null, probe: ProbeResult | null, server: ServerEvidence, client: ClientSide | null, certificate: DiagnoseReport['certificate']): void {
  const binding = bindingFor(server.bindings, target?.host ?? null, target?.port ?? null);
  const wireParams: Record<string, string> = target ? { host: target.host, port: String(target.port), url: request.url! } : {};
  const software = serverSoftware(probe, server);
  if (software) wireParams.serverSoftware = software;
  for (const f of probe?.findings ?? []) {
    const params = { ...wireParams, ...(WIRE_BINDING_IDS.has(f.id) ? bindingParams(binding) : {}) };
    if (client && (f.id === 'server.ca-list-excludes-issuer' || f.id === 'http.403.16')) {
      Object.assign(params, { subject: client.summary.subject.rfc4514, issuer: client.summary.issuer.rfc4514 });
      if (certificate && certificate.chainPem[1]) params.certificatePem = certificate.chainPem[1];
    }
    d.found.push({ finding: withParams(f, params), area: 'probe' });
  }
  for (const f of server.findings) d.found.push({ finding: f, area: 'server' });
}

/** The report's view of the stores: counts, the roots' name bytes, the stores that could not be read. */
function storesSummary(stores: StoreListing | null): DiagnoseReport['stores'] {
  if (!stores) return null;
  const rootNames = stores.certificates.filter((c) => stores.stores.find((s) => s.id === c.storeId)?.role === 'root');
  return {
    stores: stores.stores.length,
    certificates: stores.certificates.length,
    roots: rootNames.length,
    rootNameBytes: rootNames.reduce((sum, c) => sum + (caNameBytes(c) ?? 0), 0),
    errors: stores.stores.filter((s) => s.error).map((s) => `${s.label}: ${s.error}`),
  };
}

/** One diagnosis of `request`, stage by stage, into a report with ranked findings and their fixes. */
export async function diagnose(request: Request, work: Work, deps: DiagnoseDeps): Promise<DiagnoseReport> {
  const at = deps.clock.now();
  const d = new Diagnosis(work);
  // The URL is checked before anything runs, so a typo is one line and not a half-made report.
  const target = request.url ? parseTarget(request.url) : null;

  const stores = await readStores(d, deps);
  d.check();

  d.stage('certificate', 'Checking the client certificate and its chain');
  const { client, sslStreamThumbprint } = await chooseClient(request, stores, at);
  let certificate: DiagnoseReport['certificate'] = null;
  if (client) certificate = await checkCertificate(d, deps, request, client, stores, at);
  else if (sslStreamThumbprint) {
    d.skip('certificate', `${sslStreamThumbprint} is not in Certbench's store listing: PowerShell presents it from the personal store of the account it runs as, and its chain is not judged here`);
  } else d.skip('certificate', 'no client certificate given (choose a file or a certificate from the stores)');
  d.check();

  const key = await checkKey(d, deps, request, client, sslStreamThumbprint);
  d.check();
  const probes = await probeServer(d, deps, request, client, sslStreamThumbprint, stores);
  d.check();
  const server = await readServer(d, deps, request);
  d.check();
  d.stage('revocation', 'Checking revocation (the CRL and OCSP addresses in the certificates)');
  const served = bindingFor(server.bindings, target?.host ?? null, target?.port ?? null);
  certificate = await checkRevocationStage(d, deps.revocation, request, certificate, revocationHints(served), at);
  d.check();

  d.stage('findings', 'Ranking the findings and writing the fixes');
  const probe = probes[0] ?? null;
  joinWireFindings(d, request, target, probe, server, client, certificate);
  const presented = probe?.attempts.filter((a) => a.clientCertificate.presented) ?? [];
  const certificateAccepted = presented.some((a) => a.clientCertificate.accepted === true && a.http !== null && a.http.status < 400);
  const ranked = rankFindings(d.found, { certificateAccepted });
  const { fixes } = fixesFor(ranked, ['powershell', 'bash'], { now: at, version: APP_VERSION });
  const findings = ranked.map((f) => ({ ...f, fixes: fixIdsFor(f) }));
  work.progress({ done: STAGES.length, total: STAGES.length, label: 'Done' });

  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    createdAt: at.toISOString(),
    host: os.hostname(),
    platform: process.platform,
    appVersion: APP_VERSION,
    request: { url: request.url ?? null, certificate: client?.source ?? null, identity: request.identity ?? null, attachments: request.attachments.map((a) => a.name) },
    summary: summaryOf(findings, probes, request.url ?? null),
    steps: d.steps,
    findings,
    fixes,
    probes,
    certificate,
    key,
    stores: storesSummary(stores),
    server,
  };
}

import os from 'node:os';
import { base64 } from '@peculiar/utils';
import { MAX_INPUT_FILE_BYTES, type ParsedReq, type Res } from '../../shared/contract';
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
import type { KeyStatus } from '../../shared/model/chain';
import { REPORT_SCHEMA_VERSION, type DiagnoseReport, type DiagnoseStep, type RankedFinding } from '../../shared/model/diagnose';
import type { ProbeResult } from '../../shared/model/probe';
import { EMPTY_SERVER_EVIDENCE, type ServerEvidence, type SslBinding } from '../../shared/model/server';
import type { StoreCertificate } from '../../shared/model/store';
import type { HandlerContext } from '../handlers';
import { APP_VERSION } from '../version';
import { serviceContext, type ServiceContext } from './context';
import { readInputFile } from './input-file';
import { checkKeyAccess, findKey } from './keys';
import type { ClientCredential } from './probe/attempt';
import { loadClientCredential, type CredentialInput } from './probe/client-cert';
import { parseTarget, runProbe } from './probe/probe';
import { credentialFromStore } from './probe/store-credential';
import { sslStreamChoice } from './probe/choose-client';
import { analyzeServer } from './server/analyze';
import { listing } from './stores';
import { systemTrust } from './system-trust';

/**
 * Diagnose (issue 6): one action that gathers every piece of evidence relevant to one server and one
 * client certificate (the probe with and without the certificate, the certificate's chain and key,
 * who may read the key, the trusted-root store's health, and the server's own configuration and
 * logs), turns it into catalogue findings with their proof, ranks them by how likely each is the root
 * cause, and writes the fix scripts. Each step is recorded with what it did or why it was skipped, so
 * a reader (or a bundle opened later) can tell "not checked" from "checked and fine".
 */

type Ctx = Pick<HandlerContext, 'progress' | 'signal'>;
type Request = ParsedReq<'findings:diagnose'>;

const STAGES = ['stores', 'certificate', 'key', 'probe', 'server', 'findings'] as const;

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

function decodeUpload(f: { fileName: string; dataBase64: string; password?: string }): CredentialInput {
  try {
    return { fileName: f.fileName, bytes: base64.decode(f.dataBase64), password: f.password };
  } catch {
    throw new CertbenchError('bad-request', `${f.fileName}: upload was not valid base64`);
  }
}

async function clientFromUpload(request: Request, at: Date): Promise<ClientSide> {
  const cert = decodeUpload(request.clientCertificate!);
  const key = request.keyFile ? decodeUpload(request.keyFile) : undefined;
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
      if (a.dataBase64 !== undefined) bytes = base64.decode(a.dataBase64);
      else {
        bytes = readInputFile(a.path!, MAX_INPUT_FILE_BYTES);
      }
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
 * group), so the number matches what is shown below it (issue 13); errors the ranking holds as
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

/** `findings:diagnose`. */
export async function diagnose(request: Request, ctx: Ctx, services: ServiceContext = serviceContext()): Promise<Res<'findings:diagnose'>> {
  const at = new Date();
  const steps: DiagnoseStep[] = [];
  const found: AreaFinding[] = [];
  const stage = (name: (typeof STAGES)[number], label: string) => ctx.progress({ done: STAGES.indexOf(name), total: STAGES.length, label });
  const check = () => {
    if (ctx.signal.aborted) throw new CertbenchError('timeout', 'diagnosis cancelled');
  };
  const step = async <T>(name: DiagnoseStep['name'], run: () => Promise<{ value: T; note: string; status?: DiagnoseStep['status'] }>, fallback: T): Promise<T> => {
    const t0 = performance.now();
    try {
      const { value, note, status } = await run();
      steps.push({ name, status: status ?? 'done', note: oneLine(note), durationMs: Math.round(performance.now() - t0) });
      return value;
    } catch (err) {
      if (err instanceof CertbenchError && (err.code === 'wrong-password' || err.code === 'password-required' || err.code === 'bad-request' || err.code === 'not-found')) throw err;
      if (ctx.signal.aborted) throw new CertbenchError('timeout', 'diagnosis cancelled');
      steps.push({ name, status: 'failed', note: toErrorData(err).message, durationMs: Math.round(performance.now() - t0) });
      return fallback;
    }
  };
  const skip = (name: DiagnoseStep['name'], note: string) => steps.push({ name, status: 'skipped', note, durationMs: 0 });

  // The URL is checked before anything runs, so a typo is one line and not a half-made report.
  const target = request.url ? parseTarget(request.url) : null;

  // 1. Stores: the trusted roots' health, and the pool chains are built from.
  stage('stores', 'Reading the certificate stores');
  const stores = await step(
    'stores',
    async () => {
      const { listing: l } = await listing(ctx, { refresh: false }, services);
      const f = storeFindings(l.stores, l.certificates);
      found.push(...f.map((x) => ({ finding: x, area: 'stores' as const })));
      return { value: l, note: `${l.stores.length} stores, ${l.certificates.length} certificates${f.length ? `; ${f.length} store finding(s)` : ''}` };
    },
    null,
  );
  check();

  // 2. The client certificate and its chain.
  stage('certificate', 'Checking the client certificate and its chain');
  let client: ClientSide | null = null;
  // Which client presents a store certificate (choose-client.ts): PowerShell's SslStream when asked,
  // or on Windows when the key is held by Windows rather than a file Certbench can read.
  const via = request.via ?? 'auto';
  let sslStreamThumbprint: string | null = null;
  if (request.clientCertificate) client = await clientFromUpload(request, at);
  else if (request.thumbprint) {
    const want = request.thumbprint.toUpperCase();
    const listed = (stores?.certificates ?? []).some((c) => c.summary.thumbprintSha1 === want);
    if (via === 'powershell' && !listed) sslStreamThumbprint = want;
    else {
      client = await clientFromStore(want, stores?.certificates ?? []);
      if (via === 'powershell' || (!client.credential && sslStreamChoice(via, client.store).use)) sslStreamThumbprint = want;
    }
  }
  let certificate: DiagnoseReport['certificate'] = null;
  if (client) {
    const c = client;
    certificate = await step(
      'certificate',
      async () => {
        const trust = await systemTrust();
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
        for (const f of r.verdict.findings) {
          let params: Record<string, string> = { thumbprint: c.summary.thumbprintSha1, subject: c.summary.subject.rfc4514 };
          if (f.id === 'chain.incomplete' && best.missing) {
            params = { ...params, issuer: best.missing.issuer, ...(best.missing.downloadUrls[0] ? { downloadUrl: best.missing.downloadUrls[0] } : {}) };
          }
          if (f.id === 'chain.untrusted-root') {
            const last = best.links[best.links.length - 1];
            if (last && last.role !== 'leaf') params = { ...params, issuer: last.subject, certificatePem: toPem('CERTIFICATE', base64.decode(last.derBase64)) };
          }
          found.push({ finding: withParams(f, params), area: 'certificate' });
        }
        return {
          value: { source: c.source, summary: c.summary, chain: r.chain, verdict: r.verdict, chainPem },
          note: `${c.summary.subject.commonName ?? c.summary.subject.rfc4514}: ${r.verdict.sentence}`,
        };
      },
      null,
    );
  } else if (sslStreamThumbprint) {
    skip('certificate', `${sslStreamThumbprint} is not in Certbench's store listing: PowerShell presents it from the personal store of the account it runs as, and its chain is not judged here`);
  } else skip('certificate', 'no client certificate given (choose a file or a certificate from the stores)');
  check();

  // 3. The private key: where it is, who may read it, and whether the chosen identity can.
  stage('key', 'Checking the private key and who may read it');
  let key: DiagnoseReport['key'] = null;
  if (client?.store && client.store.key.path) {
    const store = client.store;
    key = await step(
      'key',
      async () => {
        const r = await findKey({ thumbprint: store.summary.thumbprintSha1 }, ctx, services);
        found.push(...r.findings.filter((f) => f.id !== 'cert.no-private-key').map((f) => ({ finding: withParams(f, { keyPath: r.key.path ?? '' }), area: 'key' as const })));
        let access: NonNullable<DiagnoseReport['key']>['access'] = null;
        if (request.identity && r.key.path) {
          const a = await checkKeyAccess({ path: r.key.path, identity: request.identity }, services);
          access = { identity: a.identity.name, answer: a.answer };
          found.push(
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
  } else if (client?.store) {
    skip('key', `the store does not name a key file for this certificate (${client.store.key.status}${client.store.key.provider ? `, ${client.store.key.provider}` : ''})`);
  } else if (client) {
    skip('key', request.identity ? `the key came in ${client.source}, not from a file on this machine: pick the certificate from the stores to check who can read its key` : `the key came in ${client.source}`);
  } else if (sslStreamThumbprint) skip('key', 'PowerShell uses the key where Windows keeps it; pick the certificate from Certbench\'s stores to check who can read its key file');
  else skip('key', 'no client certificate given');
  check();

  // 4. The probe, with the certificate when it can be presented (runProbe also makes the attempts without it).
  stage('probe', 'Probing the server');
  const probes: ProbeResult[] = [];
  if (target && request.url) {
    const trust = await systemTrust();
    const known = [...trust.items.map((i) => i.der), ...(stores?.certificates ?? []).filter((c) => c.summary.basicConstraints?.ca).map((c) => base64.decode(c.summary.derBase64))];
    const result = await step(
      'probe',
      async () => {
        const r = await runProbe({
          url: request.url!,
          tls: 'both',
          timeoutMs: request.timeoutMs,
          client: sslStreamThumbprint ? null : (client?.credential ?? null),
          ...(sslStreamThumbprint ? { sslStream: { thumbprint: sslStreamThumbprint, runner: services.runner } } : {}),
          knownCertificates: known,
          trust: trust.items,
          signal: ctx.signal,
          onProgress: (done, total, label) => ctx.progress({ done: STAGES.indexOf('probe') + (total ? done / total : 0), total: STAGES.length, label }),
        });
        if (r.error) return { value: r, note: r.error, status: 'failed' as const };
        return { value: r, note: r.summary ?? `${r.attempts.length} attempts` };
      },
      null,
    );
    if (result) probes.push(result);
    const withCert = result?.attempts.filter((a) => a.clientCertificate.presented) ?? [];
    if (!client && !sslStreamThumbprint) skip('probe-with-certificate', 'no client certificate given: the server was probed without one');
    else if (client && !client.credential && !sslStreamThumbprint) skip('probe-with-certificate', client.credentialNote ?? 'the certificate cannot be presented (no usable private key)');
    else if (!withCert.length) skip('probe-with-certificate', result ? 'the server never asked for a certificate, so none was presented' : 'the probe failed');
    else
      steps.push({
        name: 'probe-with-certificate',
        status: 'done',
        note: withCert.map((a) => `${a.label}: ${a.clientCertificate.accepted === false ? 'rejected' : a.http ? `HTTP ${a.http.status}${a.http.subStatus !== null ? `.${a.http.subStatus}` : ''}` : a.ending}`).join('; '),
        durationMs: Math.round(withCert.reduce((s, a) => s + (a.durationMs ?? 0), 0)),
      });
  } else {
    skip('probe', 'no server address given');
    skip('probe-with-certificate', 'no server address given');
  }
  check();

  // 5. The server side: attached files and, on Windows, this machine's configuration.
  stage('server', 'Reading the server configuration');
  const server = await step(
    'server',
    async () => {
      if (!request.attachments.length && !(request.live && process.platform === 'win32')) {
        return { value: EMPTY_SERVER_EVIDENCE, note: process.platform === 'win32' ? 'not asked to read this machine, and no files attached' : 'no server files attached (this machine is not Windows: attach netsh output, applicationHost.config, logs or event exports)', status: 'skipped' as const };
      }
      const s = await analyzeServer({ attachments: request.attachments, live: request.live }, ctx);
      const used = s.inputs.filter((i) => !i.error).length;
      return { value: s, note: `${used} input(s) read${s.notes.length ? `; ${s.notes.join('; ')}` : ''}` };
    },
    EMPTY_SERVER_EVIDENCE,
  );
  check();

  // 6. Findings: join the wire and the server, rank, write the fixes.
  stage('findings', 'Ranking the findings and writing the fixes');
  const probe = probes[0] ?? null;
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
    found.push({ finding: withParams(f, params), area: 'probe' });
  }
  for (const f of server.findings) found.push({ finding: f, area: 'server' });

  const presented = probe?.attempts.filter((a) => a.clientCertificate.presented) ?? [];
  const certificateAccepted = presented.some((a) => a.clientCertificate.accepted === true && a.http !== null && a.http.status < 400);
  const ranked = rankFindings(found, { certificateAccepted });
  const { fixes } = fixesFor(ranked, ['powershell', 'bash'], { now: at, version: APP_VERSION });
  const findings = ranked.map((f) => ({ ...f, fixes: fixIdsFor(f) }));
  ctx.progress({ done: STAGES.length, total: STAGES.length, label: 'Done' });

  const rootNames = stores ? stores.certificates.filter((c) => stores.stores.find((s) => s.id === c.storeId)?.role === 'root') : [];
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    createdAt: at.toISOString(),
    host: os.hostname(),
    platform: process.platform,
    appVersion: APP_VERSION,
    request: {
      url: request.url ?? null,
      certificate: client?.source ?? null,
      identity: request.identity ?? null,
      attachments: request.attachments.map((a) => a.name),
    },
    summary: summaryOf(findings, probes, request.url ?? null),
    steps,
    findings,
    fixes,
    probes,
    certificate,
    key,
    stores: stores
      ? {
          stores: stores.stores.length,
          certificates: stores.certificates.length,
          roots: rootNames.length,
          rootNameBytes: rootNames.reduce((sum, c) => sum + (caNameBytes(c) ?? 0), 0),
          errors: stores.stores.filter((s) => s.error).map((s) => `${s.label}: ${s.error}`),
        }
      : null,
    server,
  };
}

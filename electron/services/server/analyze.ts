import fs from 'node:fs';
import path from 'node:path';
import type { AttachmentInput, Res } from '../../../shared/contract';
import { CertbenchError, formatBytes, toErrorData } from '../../../shared/errors';
import { finding, type Finding } from '../../../shared/findings/catalogue';
import type { IisConfig, SchannelEventSummary, SchannelSettings, ServerEvidence, ServerEvidenceKind, ServerInput, SslBinding, W3cLogStats } from '../../../shared/model/server';
import type { Store, StoreCertificate } from '../../../shared/model/store';
import { parseIisConfig } from '../../../shared/server/iis-config';
import { iisFindings, requiresClientCert } from '../../../shared/server/iis-findings';
import { logFindings } from '../../../shared/server/log-findings';
import { parseNetshSslcert } from '../../../shared/server/netsh-sslcert';
import { lookAlike, recognizeEvidence } from '../../../shared/server/recognize';
import { bindingsFromRegistry, parseRegistryExport, schannelFromRegistry } from '../../../shared/server/registry-export';
import { parseSchannelEvents, summarizeEvents } from '../../../shared/server/schannel-events';
import { parseStoreExport, serverStoreFindings, STORE_EXPORT_MAX_BYTES, type StoreExport } from '../../../shared/server/store-export';
import { decodeText } from '../../../shared/server/text-decode';
import { bindingFindings, eventFindings, schannelFindings } from '../../../shared/server/windows-findings';
import { collectWindowsServer } from '../../platform/windows/server-live';
import type { CommandRunner } from '../../platform/types';
import { quietWork, type Work } from '../work';
import { analyzeLogBytes, analyzeLogFile } from './read-log';
import { checkInputFile, readInputFile, readInputHead } from '../input-file';
import { openBundle } from '../bundle/open';

/**
 * The server side as the server sees it, from files the user attaches
 * (recognised by content, never by name) and, on Windows, from this machine (HTTP.SYS bindings and
 * Schannel from the registry, Schannel events, applicationHost.config and the newest W3C logs).
 * Every input gets a line saying what it was taken for, or why it could not be used; one bad file
 * never stops the others.
 */

type Ctx = Work;

/** What reading the server side runs on: the runner for live Windows reads, the environment and OS it reads. */
export interface ServerDeps {
  runner: CommandRunner;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
}

/** What to read: attached files (bytes or paths) and, when asked, this machine. */
export interface ServerAnalysisInput {
  attachments: AttachmentInput[];
  live: boolean;
}

/** Bytes read to recognise a file by content. */
const HEAD_BYTES = 64 * 1024;
/** Non-log evidence is read whole; logs are streamed. */
const MAX_EVIDENCE_BYTES = 20 * 1024 * 1024;
/** Live W3C logs read per site (newest first) and in total, so "Read this machine" stays quick. */
const LIVE_LOGS_PER_SITE = 2;
const LIVE_LOG_BYTES = 512 * 1024 * 1024;

interface Collected {
  inputs: ServerInput[];
  bindings: SslBinding[];
  schannel: SchannelSettings | null;
  iis: IisConfig[];
  logs: W3cLogStats[];
  events: SchannelEventSummary[];
  stores: Store[];
  storeCertificates: StoreCertificate[];
  /** store.* findings raised straight from certutil text (it has no certificate bytes to judge later). */
  storeTextFindings: Finding[];
  notes: string[];
}

function emptyCollected(): Collected {
  return { inputs: [], bindings: [], schannel: null, iis: [], logs: [], events: [], stores: [], storeCertificates: [], storeTextFindings: [], notes: [] };
}

function readHead(file: string): Uint8Array {
  return readInputHead(file, HEAD_BYTES, { directoryHint: '; attach the files in it' });
}

/** The attachment's size, or one line saying why it cannot be read (a folder: attach the files in it). */
function statFile(file: string): number {
  return checkInputFile(file, { directoryHint: '; attach the files in it' });
}

/**
 * The server's stores from one export join the collection. Two exports of the same store (two
 * servers, or a day apart) stay apart: the second one's ids get "#2" (serverStorePath drops it).
 */
function takeStores(c: Collected, exported: StoreExport): void {
  for (const store of exported.stores) {
    const base = store.id;
    let id = base;
    for (let n = 2; c.stores.some((s) => s.id === id); n++) id = `${base}#${n}`;
    c.stores.push({ ...store, id });
    c.storeCertificates.push(...exported.certificates.filter((x) => x.storeId === base).map((x) => ({ ...x, storeId: id })));
  }
  c.storeTextFindings.push(...exported.findings);
  c.notes.push(...exported.notes);
}

/** Non-log evidence is read whole; a store export may be bigger (5,000 certificates, UTF-16). */
const maxBytesOf = (kind: ServerEvidenceKind) => (kind === 'store-export' ? STORE_EXPORT_MAX_BYTES : MAX_EVIDENCE_BYTES);

/** Take one input (its text or bytes) into the collection according to its kind. */
async function parseInto(c: Collected, kind: ServerEvidenceKind, name: string, text: string): Promise<void> {
  switch (kind) {
    case 'netsh-sslcert':
      c.bindings.push(...parseNetshSslcert(text, name, c.notes));
      return;
    case 'registry-export': {
      const reg = parseRegistryExport(text, name);
      const bindings = bindingsFromRegistry(reg, name);
      const schannel = schannelFromRegistry(reg, name);
      c.bindings.push(...bindings);
      if (schannel) c.schannel = schannel;
      if (!bindings.length && !schannel) throw new CertbenchError('bad-input', `${name}: a registry export, but of neither HTTP\\Parameters\\SslBindingInfo nor SecurityProviders\\SCHANNEL`);
      return;
    }
    case 'iis-config':
      c.iis.push(parseIisConfig(text, name));
      return;
    case 'schannel-events':
      c.events.push(summarizeEvents(parseSchannelEvents(text, name), name));
      return;
    case 'store-export':
      takeStores(c, await parseStoreExport(text, name, new Date()));
      return;
    default:
      return;
  }
}

const KIND_NOTE: Partial<Record<ServerEvidenceKind, string>> = {
  certificate: 'a certificate: used by Diagnose to complete chains, not server configuration',
  unknown: 'not recognised: attach netsh http show sslcert output, applicationHost.config or web.config, a W3C log, a .reg export, a Schannel event export (CSV, XML or Get-WinEvent JSON), or an export of the server\'s certificate stores (PowerShell JSON or certutil -store)',
};

/**
 * A bundle attached as evidence (DESIGN.md: --attach takes "a certificate or bundle"): the server
 * evidence it carries joins this analysis, each piece still naming the file it first came from, so a
 * second-line engineer can combine a helpdesk bundle with the logs sent separately.
 */
async function takeBundle(c: Collected, source: { name: string; path: string } | { name: string; bytes: Uint8Array }, ctx: Ctx): Promise<void> {
  const name = source.name;
  const opened = await openBundle(source, quietWork(ctx.signal));
  const s = opened.report.server;
  c.bindings.push(...s.bindings);
  if (s.schannel) c.schannel = s.schannel;
  c.iis.push(...s.iis);
  c.logs.push(...s.logs);
  c.events.push(...s.events);
  takeStores(c, { stores: s.stores, certificates: s.storeCertificates, notes: [], findings: [] });
  const parts = [s.bindings.length && `${s.bindings.length} binding(s)`, s.iis.length && `${s.iis.length} IIS configuration(s)`, s.logs.length && `${s.logs.length} log(s)`, s.events.length && 'Schannel events', s.schannel && 'Schannel settings', s.stores.length && `${s.stores.length} server store(s)`].filter(Boolean);
  c.notes.push(`${name}: a bundle from ${opened.manifest.host} (${opened.manifest.createdAt}); its server evidence was added${parts.length ? `: ${parts.join(', ')}` : ' (it held none)'}`);
}

async function takeAttachment(c: Collected, a: AttachmentInput, ctx: Ctx, progress: (done: number, total: number | null, label: string) => void): Promise<void> {
  let kind: ServerEvidenceKind = 'unknown';
  let bytes = 0;
  let headText = '';
  try {
    if (a.path !== undefined) {
      const file = path.resolve(a.path);
      bytes = statFile(file);
      const head = readHead(file);
      headText = decodeText(head).text;
      kind = recognizeEvidence(headText, head);
      if (kind === 'bundle') {
        await takeBundle(c, { name: a.name, path: file }, ctx);
      } else if (kind === 'w3c-log') {
        c.logs.push(await analyzeLogFile(file, { signal: ctx.signal, progress: (done, total) => progress(done, total, `Reading ${a.name} (${formatBytes(done)} of ${formatBytes(total)})`) }));
      } else if (KIND_NOTE[kind] === undefined) {
        if (bytes > maxBytesOf(kind)) throw new CertbenchError('too-large', `${a.name}: ${formatBytes(bytes)} is more than the ${formatBytes(maxBytesOf(kind))} a ${kind} file can be`);
        await parseInto(c, kind, a.name, decodeText(readInputFile(file, maxBytesOf(kind), { what: `${kind} files` })).text);
      }
    } else {
      const data = a.bytes!;
      bytes = data.length;
      headText = decodeText(data.subarray(0, HEAD_BYTES)).text;
      kind = recognizeEvidence(headText, data.subarray(0, HEAD_BYTES));
      if (kind === 'bundle') await takeBundle(c, { name: a.name, bytes: data }, ctx);
      else if (kind === 'w3c-log') c.logs.push(analyzeLogBytes(data, a.name));
      else if (KIND_NOTE[kind] === undefined) await parseInto(c, kind, a.name, decodeText(data).text);
    }
    // A look-alike (a firewall log, a file ACL) is named for what it is, in one line.
    const unknownWhy = kind === 'unknown' ? (lookAlike(headText) ?? KIND_NOTE.unknown) : null;
    c.inputs.push({ name: a.name, kind, bytes, error: unknownWhy ? `${a.name}: ${unknownWhy}` : null });
    if (KIND_NOTE[kind] && kind !== 'unknown') c.notes.push(`${a.name}: ${KIND_NOTE[kind]}`);
  } catch (err) {
    if (ctx.signal.aborted) throw new CertbenchError('timeout', 'server analysis cancelled');
    const message = toErrorData(err).message;
    c.inputs.push({ name: a.name, kind, bytes, error: message.startsWith(a.name) || message.startsWith(a.path ?? '\0') ? message : `${a.name}: ${message}` });
  }
}

/** Where IIS keeps its configuration and logs on this machine (reference 7 and 8). */
function windowsPaths(env: NodeJS.ProcessEnv): { config: string; logRoot: string } {
  const windir = env.windir ?? env.SystemRoot ?? 'C:\\Windows';
  const drive = env.SystemDrive ?? 'C:';
  return { config: path.win32.join(windir, 'System32', 'inetsrv', 'config', 'applicationHost.config'), logRoot: path.win32.join(drive, '\\inetpub', 'logs', 'LogFiles') };
}

/** The newest W3C logs per site folder (W3SVC<id>), bounded in count and bytes. */
function newestLogs(root: string): string[] {
  const out: string[] = [];
  let total = 0;
  let sites: string[] = [];
  try {
    sites = fs.readdirSync(root).filter((d) => /^W3SVC\d+$/i.test(d));
  } catch {
    return out;
  }
  for (const site of sites) {
    const dir = path.join(root, site);
    let files: { file: string; mtime: number; size: number }[] = [];
    try {
      files = fs
        .readdirSync(dir)
        .filter((f) => /\.log$/i.test(f))
        .map((f) => {
          const st = fs.statSync(path.join(dir, f));
          return { file: path.join(dir, f), mtime: st.mtimeMs, size: st.size };
        })
        .sort((a, b) => b.mtime - a.mtime)
        .slice(0, LIVE_LOGS_PER_SITE);
    } catch {
      continue;
    }
    for (const f of files) {
      if (total + f.size > LIVE_LOG_BYTES) break;
      total += f.size;
      out.push(f.file);
    }
  }
  return out;
}

async function collectLive(c: Collected, ctx: Ctx, runner: CommandRunner, env: NodeJS.ProcessEnv, progress: (done: number, total: number | null, label: string) => void): Promise<void> {
  progress(0, null, 'Reading HTTP.SYS bindings, Schannel settings and events');
  const live = await collectWindowsServer(runner);
  c.bindings.push(...live.bindings);
  if (live.schannel) c.schannel = live.schannel;
  if (live.events) c.events.push(live.events);
  c.notes.push(...live.notes);
  c.inputs.push({ name: 'this machine: HTTP.SYS bindings (registry)', kind: 'registry-export', bytes: 0, error: null });

  const { config, logRoot } = windowsPaths(env);
  try {
    const size = statFile(config);
    if (size > MAX_EVIDENCE_BYTES) throw new CertbenchError('too-large', `${config}: ${formatBytes(size)} is too large`);
    c.iis.push(parseIisConfig(decodeText(new Uint8Array(fs.readFileSync(config))).text, config));
    c.inputs.push({ name: config, kind: 'iis-config', bytes: size, error: null });
  } catch (err) {
    const message = toErrorData(err).message;
    // Reading applicationHost.config needs an administrator (its folder is not readable by users).
    c.notes.push(/permission denied|EACCES|EPERM/i.test(message) ? `${config}: needs an elevated Certbench (run as administrator) to read IIS configuration` : message);
  }
  for (const file of newestLogs(logRoot)) {
    if (ctx.signal.aborted) throw new CertbenchError('timeout', 'server analysis cancelled');
    try {
      c.logs.push(await analyzeLogFile(file, { signal: ctx.signal, progress: (done, total) => progress(done, total, `Reading ${path.basename(file)}`) }));
      c.inputs.push({ name: file, kind: 'w3c-log', bytes: fs.statSync(file).size, error: null });
    } catch (err) {
      c.inputs.push({ name: file, kind: 'w3c-log', bytes: 0, error: toErrorData(err).message });
    }
  }
}

/**
 * TLS 1.3 left on for a binding that does not negotiate the certificate in the handshake, while an
 * application asks for one (sslFlags): IIS can only ask by renegotiation, which TLS 1.3 does not have
 * (reference 8 "TLS 1.3 and client certificates"; field note 003). Bindings whose output predates the
 * Disable TLS1.3 switch (null) are left alone: those Windows versions do not speak TLS 1.3.
 */
function tls13Findings(bindings: SslBinding[], iis: IisConfig[]): Finding[] {
  const requiring = iis.flatMap((c) => c.sites.flatMap((s) => s.applications)).filter((a) => requiresClientCert(a) !== 'ignore');
  if (!requiring.length) return [];
  return bindings
    .filter((b) => b.negotiateClientCertificate === false && b.disableTls13 === false)
    .map((b) =>
      finding(
        'iis.tls13-with-renegotiation',
        `TLS 1.3 is on for ${b.key} while IIS can ask for the certificate only after the request`,
        `The binding does not negotiate the client certificate in the handshake and does not disable TLS 1.3, and ${requiring.length === 1 ? `"${requiring[0]!.path}" asks` : `${requiring.length} applications ask`} for a client certificate. Under TLS 1.3 IIS cannot renegotiate: clients get a connection reset (Windows Server 2022) or HTTP 500 (Windows Server 2025) instead of a certificate prompt. Turn on "Negotiate Client Certificate" for the binding, or disable TLS 1.3 on it.`,
        [
          { kind: 'binding', text: `${b.key}: Negotiate Client Certificate Disabled, Disable TLS1.3 Not Set (${b.source})` },
          ...requiring.slice(0, 5).map((a) => ({ kind: 'iis setting', text: `${a.path}: sslFlags="${a.sslFlags.flags.join(', ')}"${a.sslFlags.origin ? ` (${a.sslFlags.origin.file}${a.sslFlags.origin.line ? `:${a.sslFlags.origin.line}` : ''})` : ''}` })),
        ],
        { params: { binding: b.key, bindingKind: b.kind, ...(b.certificateHash ? { certHash: b.certificateHash } : {}), ...(b.appId ? { appId: b.appId } : {}), ...(b.certificateStoreName ? { certStoreName: b.certificateStoreName } : {}), serverSoftware: 'iis' } },
      ),
    );
}

/** The iis.*, schannel.*, log.* and (server stores) store.* findings of everything collected. */
export function serverEvidenceFindings(c: Pick<Collected, 'bindings' | 'schannel' | 'iis' | 'logs' | 'events'> & Partial<Pick<Collected, 'stores' | 'storeCertificates' | 'storeTextFindings'>>): Finding[] {
  const apps = c.iis.flatMap((conf) => conf.sites.flatMap((s) => s.applications));
  const requiring = apps.filter((a) => requiresClientCert(a) !== 'ignore').map((a) => a.path);
  return [
    ...iisFindings(c.iis),
    ...bindingFindings(c.bindings, { clientCertRequiredPaths: requiring }),
    ...tls13Findings(c.bindings, c.iis),
    ...(c.schannel ? schannelFindings(c.schannel) : []),
    ...eventFindings(c.events),
    ...logFindings(c.logs),
    ...serverStoreFindings(c.stores ?? [], c.storeCertificates ?? []),
    ...(c.storeTextFindings ?? []),
  ];
}

/** Read every attachment, then (when asked) this machine, into one piece of server evidence with its findings. */
export async function analyzeServer(request: ServerAnalysisInput, ctx: Ctx, deps: ServerDeps): Promise<Res<'server:analyze'>> {
  const { env, platform } = deps;
  const c = emptyCollected();
  const steps = request.attachments.length + (request.live ? 1 : 0);
  let step = 0;
  const progress = (done: number, total: number | null, label: string) => ctx.progress({ done: step + (total ? Math.min(done / total, 1) : 0), total: Math.max(steps, 1), label });

  for (const a of request.attachments) {
    if (ctx.signal.aborted) throw new CertbenchError('timeout', 'server analysis cancelled');
    progress(0, null, `Reading ${a.name}`);
    await takeAttachment(c, a, ctx, progress);
    step++;
  }
  let live = false;
  if (request.live) {
    if (platform === 'win32') {
      await collectLive(c, ctx, deps.runner, env, progress);
      live = true;
    } else {
      c.notes.push(`This machine runs ${platform === 'darwin' ? 'macOS' : 'Linux'}: IIS, HTTP.SYS and Schannel are read live on Windows only. Attach the files from the server instead (netsh http show sslcert output, applicationHost.config, W3C logs, registry and event exports).`);
    }
    step++;
  }
  ctx.progress({ done: Math.max(steps, 1), total: Math.max(steps, 1), label: 'Done' });
  const used = c.inputs.some((i) => !i.error && !i.name.startsWith('this machine'));
  const origin: ServerEvidence['origin'] = live && used ? 'mixed' : live ? 'live' : used ? 'files' : 'none';
  const { storeTextFindings: _raised, ...evidence } = c;
  return { origin, ...evidence, findings: serverEvidenceFindings(c) };
}

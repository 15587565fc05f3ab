// One file because the order of the export is its safety: collect, redact with one redactor, render
// from redacted data, scan every entry for key material, hash, zip, write atomically. Its stages stay
// private to this file so none can be called out of that order (an unscanned or unredacted entry).
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import type { DiagnoseInput, Res } from '../../../shared/contract';
import { toPem } from '../../../shared/cert/containers/text';
import { scanForKeyMaterial } from '../../../shared/bundle/key-scan';
import { createRedactor, type Redactor } from '../../../shared/bundle/redact';
import { renderReportHtml } from '../../../shared/bundle/report-html';
import { probeTimelineText } from '../../../shared/bundle/timeline-text';
import { formatChain } from '../../../shared/chain/chain-text';
import { CertbenchError, formatBytes } from '../../../shared/errors';
import { BUNDLE_FORMAT_VERSION, type BundleCommand, type BundleManifest } from '../../../shared/model/bundle';
import type { DiagnoseReport } from '../../../shared/model/diagnose';
import type { FixScript } from '../../../shared/model/fix';
import type { ExecFileRunner } from '../../platform/command-runner';
import type { KeyAclReader, StoreListing } from '../../platform/types';
import type { RedactionKind } from '../../../shared/model/bundle';
import { APP_VERSION } from '../../version';
import type { StoresService } from '../stores';
import type { Clock, Work } from '../work';
import { collectCommands, collectKeys, decodePowerShell, encodedScriptIndex, type KeyRecord } from './collect';
import { encodePowerShell } from '../../platform/windows/powershell';
import { scriptFileText, undoFileName, uniqueFileName } from '../../../shared/scripts/script-file';
import { proveRedaction } from '../../../shared/bundle/redaction-proof';
import { fixesFor } from '../../../shared/fixes';

/**
 * `bundle:export` and `certbench bundle`: everything a second-line engineer needs, in one
 * zip: manifest.json, report.json (a DiagnoseReport), report.html (standalone), stores.json (the
 * store listing the screens show; certs/ and keys/ are views of it), certs/<store>/<thumbprint>.pem
 * (public certificates only), keys/keys.json (key paths and ACLs, never key material), probes/
 * (JSON and a packet-list timeline per probe), server/ (bindings, IIS settings, log statistics,
 * Schannel), commands/ (every OS command run, with its output) and fixes/ (each script and its undo).
 *
 * Order matters: everything is collected, then redacted with one redactor (so a pseudonym is the
 * same in every file), then rendered (the HTML is made from redacted data), then every entry is
 * scanned for private key material and the bundle is refused on any hit, then hashed into the
 * manifest, zipped, and written atomically (a temporary file renamed over the target).
 */

type Ctx = Work;

/** What to put in the bundle and where to write it. */
export interface ExportInput {
  /** Diagnose first with this request; or give the report already made (report wins). */
  diagnose?: DiagnoseInput;
  report?: DiagnoseReport;
  redact: RedactionKind[];
  /** Include the local store listing (certs/ and keys/). */
  includeStores: boolean;
  /** An absolute path of the .zip; default: the data folder's bundles/. */
  out?: string;
  /** Replace a file already at `out` (never done unasked). */
  overwrite?: boolean;
}
type Request = ExportInput;

/** What a bundle is gathered with: the diagnosis, the stores, the key ACL reader, the runner's history, the data folder. */
export interface BundleDeps {
  diagnose: (input: DiagnoseInput, work: Work) => Promise<DiagnoseReport>;
  stores: StoresService;
  acl: Pick<KeyAclReader, 'read'>;
  runner: Pick<ExecFileRunner, 'history'>;
  dataDir: string;
  clock: Clock;
}

export interface ExportOptions {
  /**
   * Strings that must not appear in any file (the passwords the caller was given), checked like key
   * material. Passwords shorter than six characters are not checked: they would match ordinary text.
   */
  secrets?: string[];
  now?: Date;
  hostname?: string;
  /** A listing already made (the caller just listed the stores; benchmarks): used instead of listing again. */
  listing?: StoreListing & { listedAt: string };
}

const STAGES = ['report', 'stores', 'keys', 'commands', 'redact', 'files', 'scan', 'zip', 'write'] as const;

/** A name safe in any file system and zip: letters, digits, dot, dash, underscore; at most `max` characters. */
export function safeName(raw: string, max = 80): string {
  const s = raw.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+|_+$/g, '').slice(0, max);
  return s || 'unnamed';
}

function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** Public certificates (DER) anywhere in a JSON document: derBase64 fields, PEM in chainPem and finding params, and PEM blocks in text. */
function certificatesIn(value: unknown, out: Map<string, Uint8Array>, depth = 0): void {
  if (depth > 64 || value === null || typeof value !== 'object') {
    if (typeof value === 'string' && value.includes('-----BEGIN')) {
      for (const m of value.matchAll(/-----BEGIN (?:X509 |TRUSTED )?CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END/g)) addDer(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'), out);
    }
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) certificatesIn(v, out, depth + 1);
    return;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k === 'derBase64' && typeof v === 'string' && v) addDer(Buffer.from(v, 'base64'), out);
    else certificatesIn(v, out, depth + 1);
  }
}

function addDer(der: Buffer, out: Map<string, Uint8Array>): void {
  if (der.length >= 64) out.set(crypto.createHash('sha256').update(der).digest('hex'), new Uint8Array(der));
}

/** One command as the reader sees it in commands/NNN-<tool>.txt: the line, the result, both streams. */
function commandText(c: BundleCommand, decoded: string | null): string {
  const lines = [`$ ${[c.file, ...c.args].join(' ')}`, `exit: ${c.exitCode ?? 'none'}  duration: ${c.durationMs} ms${c.error ? `  error: ${c.error}` : ''}`];
  if (decoded !== null) lines.push('', '--- decoded -EncodedCommand script', decoded);
  lines.push('', '--- stdout', c.stdout, '', '--- stderr', c.stderr);
  return `${lines.join('\n')}\n`;
}

/** Redact a command: its text fields, and the script inside -EncodedCommand (decoded, redacted, encoded again). */
function redactCommand(c: BundleCommand, r: Redactor): { command: BundleCommand; decoded: string | null } {
  const at = encodedScriptIndex(c.args);
  const script = at >= 0 ? decodePowerShell(c.args[at]!) : null;
  const args = c.args.map((a, i) => (i === at && script !== null ? a : r.text(a)));
  let decoded = script;
  if (script !== null) {
    decoded = r.text(script);
    if (decoded !== script) args[at] = encodePowerShell(decoded);
  }
  return { command: { ...c, args, stdout: r.text(c.stdout), stderr: r.text(c.stderr), error: c.error === null ? null : r.text(c.error) }, decoded };
}

function serverCounts(report: DiagnoseReport): string | null {
  const s = report.server;
  if (s.origin === 'none') return null;
  const parts = [
    s.bindings.length ? `${s.bindings.length} HTTP.SYS binding(s)` : null,
    s.schannel ? 'Schannel settings' : null,
    s.iis.length ? `${s.iis.length} IIS configuration(s)` : null,
    s.logs.length ? `${s.logs.length} W3C log(s) as statistics` : null,
    s.events.length ? 'Schannel events' : null,
  ].filter(Boolean);
  return `server evidence (${s.origin}): ${parts.join(', ') || 'nothing readable'} (server/)`;
}

/** What the bundle holds before redaction: the report, the listing, the key locations, the commands run. */
interface Gathered {
  report: DiagnoseReport;
  reportOrigin: string;
  stores: (StoreListing & { listedAt: string }) | null;
  keys: { keys: KeyRecord[]; aclsRead: number };
  commands: BundleCommand[];
}

/** The same, redacted with one redactor (a pseudonym is the same in every file), and what redaction needs said. */
interface Redacted {
  r: Redactor;
  host: string;
  report: DiagnoseReport;
  stores: (StoreListing & { listedAt: string }) | null;
  keys: KeyRecord[];
  commands: { command: BundleCommand; decoded: string | null }[];
  /** Fixes left out because they would carry a certificate the redaction leaves out. */
  fixesLeftOut: string[];
  /** Every certificate of the originals, for the proof scan (left out, or kept and said so). */
  certificates: Map<string, Uint8Array>;
}

/** The bundle's files as they are written, and the manifest's "collected" lines that say what each is. */
class BundleFiles {
  readonly files = new Map<string, Uint8Array>();
  readonly collected: string[] = [];

  put(name: string, content: string | Uint8Array): void {
    this.files.set(name, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
  }
}

/**
 * `out` comes from the caller (the web mode's API too): a relative path would land wherever the
 * server happens to run, so it is refused, as is an existing file unless replacing it was asked for.
 */
function checkOut(request: Request): void {
  if (request.out !== undefined && !path.isAbsolute(request.out)) throw new CertbenchError('bad-request', `out: "${request.out}" is a relative path; give the full path of the .zip to write`);
  if (request.out !== undefined && !request.overwrite && fs.existsSync(request.out)) throw new CertbenchError('bad-input', alreadyExists(request.out));
}

/** 1-4. The report (given, or made now), the listing, the keys, the commands. */
async function gather(request: Request, ctx: Ctx, deps: BundleDeps, options: ExportOptions, step: (i: number) => void): Promise<Gathered> {
  step(0);
  let report: DiagnoseReport;
  let reportOrigin: string;
  if (request.report) {
    report = request.report;
    reportOrigin = `report of ${report.createdAt} from ${report.host}`;
  } else if (request.diagnose) {
    const inner = { signal: ctx.signal, progress: (p: { label: string }) => ctx.progress({ done: 0, total: STAGES.length, label: `diagnosing: ${p.label}` }) };
    report = await deps.diagnose(request.diagnose, inner);
    reportOrigin = `diagnosis made for this bundle at ${report.createdAt}`;
  } else {
    throw new CertbenchError('bad-request', 'bundle:export needs a report or a diagnose request');
  }
  step(1);
  let stores: (StoreListing & { listedAt: string }) | null = null;
  if (request.includeStores && options.listing) stores = options.listing;
  else if (request.includeStores) {
    const inner = { signal: ctx.signal, progress: (p: { label: string }) => ctx.progress({ done: 1, total: STAGES.length, label: `stores: ${p.label}` }) };
    const l = await deps.stores.listing(inner, { refresh: false });
    stores = { ...l.listing, listedAt: l.listedAt };
  }
  step(2);
  const keys = stores ? await collectKeys(stores, deps.acl, ctx.signal) : { keys: [] as KeyRecord[], aclsRead: 0 };
  step(3);
  return { report, reportOrigin, stores, keys, commands: collectCommands(deps.runner) };
}

/** 5. Redaction: learn from everything first, then apply one mapping to all of it. */
function redactAll(request: Request, g: Gathered, hostname: string): Redacted {
  const { report, stores, keys, commands } = g;
  const r = createRedactor(request.redact);
  r.learn({ host: hostname });
  r.learn(report);
  if (stores) r.learn(stores);
  r.learn(keys.keys);
  for (const c of commands) {
    r.learn({ file: c.file, args: c.args, error: c.error });
    r.learnText(c.stdout);
    r.learnText(c.stderr);
    const at = encodedScriptIndex(c.args);
    const script = at >= 0 ? decodePowerShell(c.args[at]!) : null;
    if (script) r.learnText(script);
  }
  const red: Redacted = {
    r,
    host: r.text(hostname),
    report: r.json(report),
    stores: stores ? r.json(stores) : null,
    keys: r.json(keys.keys),
    commands: commands.map((c) => redactCommand(c, r)),
    fixesLeftOut: [],
    certificates: new Map(),
  };
  if (r.none) return red;
  // Redacted fix scripts are written again from the redacted findings, never rewritten as text: their
  // values and file names are the pseudonyms, quoted by the generators, and a certificate that the
  // redaction leaves out is not carried inside a script (the fix that needs one is left out, said below).
  const withFixes = report.findings.map((f, i) => (report.fixes.some((x) => x.findingId === f.id) ? i : -1)).filter((i) => i >= 0);
  const shells = [...new Set(report.fixes.map((f) => f.shell))];
  const again = fixesFor(withFixes.map((i) => red.report.findings[i]!), shells, { now: new Date(report.createdAt), version: APP_VERSION }).fixes;
  red.fixesLeftOut = [...new Set(report.fixes.filter((f) => !again.some((a) => a.id === f.id && a.shell === f.shell)).map((f) => f.id))];
  red.report = { ...red.report, fixes: again };
  certificatesIn(report, red.certificates);
  if (stores) certificatesIn(stores, red.certificates);
  return red;
}

/** certs/: the public certificates of the listing, the diagnosed chain and the probed servers, as PEM (none when names are redacted). */
function putCertificates(out: BundleFiles, request: Request, red: Redacted): void {
  if (red.r.dropsCertificates) {
    out.collected.push(
      `certificates left out: ${request.redact.filter((k) => k === 'hosts' || k === 'subjects').join(' and ')} redacted, and a certificate cannot be rewritten without breaking its signature (stores.json and report.json keep each certificate's redacted summary without its DER)`,
    );
    return;
  }
  const rep = red.report;
  let certCount = 0;
  const folders = new Map<string, string>();
  const folderFor = (id: string) => {
    let f = folders.get(id);
    if (!f) {
      const base = safeName(id);
      f = base;
      for (let n = 2; [...folders.values()].includes(f); n++) f = `${base}-${n}`;
      folders.set(id, f);
    }
    return f;
  };
  const putCert = (folder: string, derBase64: string) => {
    if (!derBase64) return;
    const der = Buffer.from(derBase64, 'base64');
    const name = `certs/${folder}/${crypto.createHash('sha1').update(der).digest('hex').toUpperCase()}.pem`;
    if (!out.files.has(name)) {
      out.put(name, toPem('CERTIFICATE', der));
      certCount++;
    }
  };
  for (const c of red.stores?.certificates ?? []) putCert(folderFor(c.storeId), c.summary.derBase64);
  if (rep.certificate) {
    putCert('diagnosed', rep.certificate.summary.derBase64);
    for (const p of rep.certificate.chainPem) {
      const body = p.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
      putCert('diagnosed', body);
    }
  }
  rep.probes.forEach((p, i) => p.serverCertificates.forEach((c) => putCert(`probe-${i + 1}-server`, c.derBase64)));
  out.collected.push(`${certCount} public certificate(s) as PEM (certs/)`);
}

/** keys/, probes/, server/ and commands/: where keys live, each probe, the server evidence, every command run. */
function putEvidence(out: BundleFiles, red: Redacted, aclsRead: number): void {
  const rep = red.report;
  if (red.stores || rep.key) {
    out.put('keys/keys.json', json({ note: 'Where each private key lives and who may read it. Never key material.', keys: red.keys, diagnosed: rep.key }));
    out.collected.push(`${red.keys.length} key location(s), ${aclsRead} ACL(s) read${rep.key ? ', the diagnosed key with its ACL' : ''} (keys/keys.json; never key material)`);
  }
  const c = rep.certificate;
  if (c?.chain) {
    // The chain as `certbench chain` prints it, each link's revocation answer under it: for a reader with no app.
    out.put('certificate/chain.txt', `${formatChain(c.chain.best)}\n  Verdict: ${c.verdict.sentence}\n`);
    out.collected.push(`the client certificate's chain in words${c.chain.best.links.some((l) => l.revocation) ? ', with each link\'s revocation answer' : ''} (certificate/chain.txt)`);
  }
  rep.probes.forEach((p, i) => {
    const base = `probes/${i + 1}-${safeName(p.target.host, 60)}`;
    out.put(`${base}.json`, json(p));
    out.put(`${base}.timeline.txt`, probeTimelineText(p, i));
    out.collected.push(`probe of https://${p.target.host.includes(':') ? `[${p.target.host}]` : p.target.host}:${p.target.port}${p.target.path}: client certificate asked by ${p.clientAuth.mode} (${base}.json)`);
  });
  const s = rep.server;
  if (s.bindings.length) out.put('server/bindings.json', json(s.bindings));
  if (s.iis.length) out.put('server/iis.json', json(s.iis));
  if (s.logs.length) out.put('server/logs.json', json(s.logs));
  if (s.events.length) out.put('server/events.json', json(s.events));
  if (s.schannel) out.put('server/schannel.json', json(s.schannel));
  const serverLine = serverCounts(rep);
  if (serverLine) out.collected.push(serverLine);
  out.put('commands/commands.json', json(red.commands.map((c) => c.command)));
  red.commands.forEach(({ command, decoded }, i) => out.put(`commands/${String(i + 1).padStart(3, '0')}-${safeName(path.basename(command.file.replace(/\\/g, '/')), 40)}.txt`, commandText(command, decoded)));
  out.collected.push(`${red.commands.length} OS command(s) with arguments, exit code, output and duration (commands/)`);
}

/** fixes/: each script and its undo; then what redaction did, said in the manifest. */
function putFixesAndRedaction(out: BundleFiles, request: Request, red: Redacted): void {
  const rep = red.report;
  const fixNames = new Set<string>();
  const putFix = (f: FixScript) => {
    const name = uniqueFileName(safeName(f.fileName, 100), fixNames);
    out.put(`fixes/${name}`, scriptFileText(name, f.script));
    out.put(`fixes/${undoFileName(name)}`, scriptFileText(name, f.undo));
  };
  rep.fixes.forEach(putFix);
  if (rep.fixes.length) out.collected.push(`${rep.fixes.length} fix script(s), each with its undo (fixes/)`);
  if (red.fixesLeftOut.length) {
    out.collected.push(
      `fix scripts left out: ${red.fixesLeftOut.join(', ')} would carry a certificate, which this redacted bundle leaves out; make them on the machine the bundle came from with "certbench fix --from report.json" there, or from the unredacted diagnosis`,
    );
  }
  const r = red.r;
  if (!r.none && !r.dropsCertificates && red.certificates.size) {
    out.collected.push(`certificates kept: only ${request.redact.join(' and ')} redacted, so ${red.certificates.size} certificate(s) stay whole (certs/, report.json and any fix that installs one); their bytes may still hold a UPN, an e-mail address or an IP address`);
  }
  const counts = r.counts();
  if (!r.none) {
    const what = Object.entries(counts).map(([k, n]) => `${n} ${k}`).join(', ');
    out.collected.push(`redacted (${request.redact.join(', ')}): ${what || 'nothing to replace'}, as stable pseudonyms in every file`);
  }
  out.collected.push('no private keys, PFX or passwords: every file was scanned for key material before the bundle was written');
}

/** 6. The files, report.html last (made from the redacted report, its header listing the other files). */
function bundleFiles(request: Request, g: Gathered, red: Redacted, now: Date): { files: Map<string, Uint8Array>; manifestBase: Omit<BundleManifest, 'files'> } {
  const out = new BundleFiles();
  // The origin names the report's host: redacted like everything else.
  out.collected.push(red.r.text(g.reportOrigin));
  const rep = red.report;
  const errors = rep.findings.filter((f) => f.severity === 'error').length;
  out.collected.push(`report: ${rep.findings.length} finding(s)${errors ? `, ${errors} error(s)` : ''}, ${rep.probes.length} probe(s), ${rep.fixes.length} fix script(s) (report.json, report.html)`);
  out.put('report.json', json(rep));
  if (red.stores) {
    out.put('stores.json', json(red.stores));
    out.collected.push(`store listing of ${red.stores.listedAt}: ${red.stores.stores.length} store(s), ${red.stores.certificates.length} certificate(s) (stores.json)`);
  } else out.collected.push('store listing left out (includeStores off)');
  putCertificates(out, request, red);
  putEvidence(out, red, g.keys.aclsRead);
  putFixesAndRedaction(out, request, red);

  const manifestBase = {
    format: 'certbench-bundle' as const,
    formatVersion: BUNDLE_FORMAT_VERSION,
    appVersion: APP_VERSION,
    createdAt: now.toISOString(),
    host: red.host,
    os: { platform: process.platform, release: os.release() },
    collected: out.collected,
    redactions: [...request.redact],
  };
  const htmlManifest: BundleManifest = { ...manifestBase, files: [...out.files.keys()].map((p) => ({ path: p, bytes: out.files.get(p)!.length, sha256: '' })) };
  out.put('report.html', renderReportHtml(htmlManifest, rep, { commands: red.commands.map((c) => c.command) }));
  return { files: out.files, manifestBase };
}

/**
 * 7. The check that makes "never private keys" true: every entry scanned, the bundle refused on any
 * hit; and redaction proven: no original value and no left-out certificate anywhere, decoded or not.
 */
function refuseLeaks(files: Map<string, Uint8Array>, red: Redacted, secrets: string[]): void {
  const r = red.r;
  if (!r.none) {
    const { originals, pseudonyms } = r.replaced();
    const all = [...red.certificates.values()];
    const hits = proveRedaction(files, { originals, pseudonyms, leftOut: r.dropsCertificates ? all : [], kept: r.dropsCertificates ? [] : all });
    if (hits.length) throw new CertbenchError('internal', `bundle not written: redaction failed: ${hits[0]}${hits.length > 1 ? ` (and ${hits.length - 1} more)` : ''}`);
  }
  for (const [name, bytes] of files) {
    const hits = scanForKeyMaterial(name, bytes);
    if (hits.length) throw new CertbenchError('internal', `bundle not written: ${hits[0]}${hits.length > 1 ? ` (and ${hits.length - 1} more)` : ''}; private key material never leaves this machine`);
    if (secrets.length) {
      const text = Buffer.from(bytes).toString('latin1');
      if (secrets.some((x) => text.includes(x))) throw new CertbenchError('internal', `bundle not written: ${name} contains a password given for this diagnosis`);
    }
  }
}

/** Build, check and write one bundle. */
export async function exportBundle(request: Request, ctx: Ctx, deps: BundleDeps, options: ExportOptions = {}): Promise<Res<'bundle:export'>> {
  const now = options.now ?? deps.clock.now();
  const step = (i: number) => {
    if (ctx.signal.aborted) throw new CertbenchError('timeout', 'bundle export cancelled');
    ctx.progress({ done: i, total: STAGES.length, label: STAGES[i]! });
  };
  checkOut(request);
  const gathered = await gather(request, ctx, deps, options, step);
  const secrets = [...(options.secrets ?? []), request.diagnose?.clientCertificate?.password, request.diagnose?.keyFile?.password].filter((s): s is string => typeof s === 'string' && s.length >= 6);

  step(4);
  const red = redactAll(request, gathered, options.hostname ?? os.hostname());
  step(5);
  const { files, manifestBase } = bundleFiles(request, gathered, red, now);

  step(6);
  const manifest: BundleManifest = {
    ...manifestBase,
    files: [...files.entries()].map(([p, bytes]) => ({ path: p, bytes: bytes.length, sha256: crypto.createHash('sha256').update(bytes).digest('hex') })),
  };
  files.set('manifest.json', Buffer.from(json(manifest), 'utf8'));
  refuseLeaks(files, red, secrets);

  // 8. The zip (fixed times: the manifest's creation time), then 9. the file, atomically.
  step(7);
  const zippable: Zippable = {};
  for (const [name, bytes] of files) zippable[name] = [bytes, { level: bytes.length > 1024 ? 6 : 0, mtime: now }];
  const zip = zipSync(zippable);

  step(8);
  const target = request.out ? path.resolve(request.out) : writeUnderDefaultName(path.join(deps.dataDir, 'bundles'), `certbench-${safeName(red.host, 60)}-${stamp(now)}`, zip);
  if (request.out) writeAtomically(target, zip, false, request.overwrite === true);
  ctx.progress({ done: STAGES.length, total: STAGES.length, label: 'done' });
  return { path: target, fileName: path.basename(target), bytes: zip.length, zipBase64: Buffer.from(zip).toString('base64'), manifest };
}

const alreadyExists = (file: string) => `${file}: already exists; choose another name, or ask to replace it (--overwrite)`;

/**
 * A bundle without a name the user chose: `<base>.zip` in the data folder, or `<base>-2.zip`, ... when
 * that name is taken (two exports in the same second); never over an existing file.
 */
function writeUnderDefaultName(dir: string, base: string, data: Uint8Array): string {
  for (let n = 1; n <= 100; n++) {
    const target = path.join(dir, `${base}${n === 1 ? '' : `-${n}`}.zip`);
    try {
      writeAtomically(target, data, true, false);
      return target;
    } catch (err) {
      if (!(err instanceof CertbenchError && err.message === alreadyExists(target))) throw err;
    }
  }
  throw new CertbenchError('internal', `${path.join(dir, `${base}.zip`)}: this name and 99 numbered ones are taken; give the bundle a name`);
}

/** Write to a temporary file in the same folder, flush it, and rename it over the target. */
function writeAtomically(target: string, data: Uint8Array, createDir: boolean, overwrite: boolean): void {
  const dir = path.dirname(target);
  try {
    if (createDir) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    else if (!fs.statSync(dir).isDirectory()) throw new CertbenchError('bad-input', `${dir}: is not a folder`);
  } catch (err) {
    if (err instanceof CertbenchError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new CertbenchError(code === 'ENOENT' ? 'not-found' : 'forbidden', `${dir}: ${code === 'ENOENT' ? 'no such folder' : `cannot write there (${code ?? 'error'})`}`);
  }
  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`);
  try {
    const fd = fs.openSync(temp, 'wx', 0o600);
    try {
      fs.writeSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (overwrite) fs.renameSync(temp, target);
    else {
      // link() fails when the target exists, even one that appeared since the check: never replaced unasked.
      fs.linkSync(temp, target);
      fs.rmSync(temp, { force: true });
    }
  } catch (err) {
    fs.rmSync(temp, { force: true });
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new CertbenchError('bad-input', alreadyExists(target));
    if (code === 'ENOSPC') throw new CertbenchError('internal', `${target}: the disk is full (the bundle needs ${formatBytes(data.length)})`);
    if (code === 'EISDIR') throw new CertbenchError('bad-input', `${target}: is a folder; give a file name ending in .zip`);
    throw new CertbenchError(code === 'EACCES' || code === 'EPERM' ? 'forbidden' : 'internal', `${target}: cannot write the bundle (${code ?? (err instanceof Error ? err.message : 'error')})`);
  }
}

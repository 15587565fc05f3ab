import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanForKeyMaterial } from '../../shared/bundle/key-scan';
import { analyzeChains } from '../../shared/chain/analyze';
import { inspectFiles } from '../../shared/cert/inspect';
import { MAX_INPUT_FILE_BYTES } from '../../shared/contract';
import { CertbenchError } from '../../shared/errors';
import { finding } from '../../shared/findings/catalogue';
import { fixesFor } from '../../shared/fixes';
import { BundleManifestSchema } from '../../shared/model/bundle';
import { DiagnoseReportSchema, REPORT_SCHEMA_VERSION, type DiagnoseReport, type RankedFinding } from '../../shared/model/diagnose';
import type { ProbeResult } from '../../shared/model/probe';
import { EMPTY_SERVER_EVIDENCE } from '../../shared/model/server';
import { openBundle } from '../../electron/services/bundle/open';
import type { Services } from '../../electron/services/services';
import { testServices } from '../helpers/services';
import { loadClientCredential } from '../../electron/services/probe/client-cert';
import { runProbe } from '../../electron/services/probe/probe';
import { makeProbePki, startNodeServer, type ProbePki, type RunningServer } from '../helpers/probe-servers';
import { requireOpenssl, standardPki } from '../helpers/openssl-pki';

/**
 * Bundles end to end on real pieces: a real probe of a node:tls server that asks the way IIS does
 * (renegotiation), real certificates made by openssl, a real store folder holding a PFX and a key
 * file, real ACLs read with getfacl. The bundle must hold everything a second-line engineer needs
 * and no key material; opening it must give the same report back; hostile or newer zips are refused.
 */
const missing = requireOpenssl() ?? (spawnSync('getfacl', ['--version'], { stdio: 'ignore' }).error ? 'getfacl is not installed (apt-get install acl)' : null);
if (missing && process.env.CI === 'true') throw new Error(missing);

const ctx = () => ({ progress: () => undefined, signal: new AbortController().signal });

function entries(zip: Uint8Array): Record<string, Uint8Array> {
  return unzipSync(zip);
}

function text(bytes: Uint8Array | undefined): string {
  return Buffer.from(bytes ?? new Uint8Array()).toString('utf8');
}

/** A finding as Diagnose ranks it. */
function ranked(f: ReturnType<typeof finding>, rank: number, area: RankedFinding['area']): RankedFinding {
  return { ...f, rank, likelihood: rank === 1 ? 'root-cause' : 'contributing', why: `ranked ${rank} for this test`, area };
}

async function expectRefused(p: Promise<unknown>, message: RegExp): Promise<void> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CertbenchError);
  expect((err as Error).message).toMatch(message);
  expect((err as Error).message).not.toContain('\n');
}

describe.skipIf(missing !== null)('diagnostic bundles (real probe, real certificates, real store folder)', () => {
  let tmp: string;
  let folder: string;
  let services: Services;
  let s: ReturnType<typeof standardPki>;
  let probePki: ProbePki;
  let server: RunningServer;
  let probe: ProbeResult;
  let report: DiagnoseReport;
  let keyPem: string;
  let pfxBytes: Buffer;
  let zipPath: string;
  let zip: Record<string, Uint8Array>;
  let exported: Awaited<ReturnType<Services['bundles']['export']>>;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-bundle-'));
    fs.mkdirSync(path.join(tmp, 'home'));
    services = testServices({ ...process.env, CERTBENCH_DATA_DIR: path.join(tmp, 'data'), HOME: path.join(tmp, 'home') });

    // A store folder as a user has one: certificates, the key file next to them, and a PFX.
    s = standardPki();
    folder = path.join(tmp, 'certs');
    fs.mkdirSync(folder);
    fs.copyFileSync(s.client.pemPath, path.join(folder, 'client.pem'));
    fs.copyFileSync(s.client.keyPath, path.join(folder, 'client.key'));
    fs.chmodSync(path.join(folder, 'client.key'), 0o640);
    fs.copyFileSync(s.intermediate.pemPath, path.join(folder, 'issuing-ca.pem'));
    const pfx = path.join(folder, 'server.pfx');
    const made = spawnSync('openssl', ['pkcs12', '-export', '-in', s.serverOnly.pemPath, '-inkey', s.serverOnly.keyPath, '-passout', 'pass:bundle-test-pw', '-out', pfx]);
    expect(made.status).toBe(0);
    pfxBytes = fs.readFileSync(pfx);
    keyPem = fs.readFileSync(s.client.keyPath, 'latin1');
    services.deps.folders.add(folder, false);

    // A real probe, presenting a real client certificate, of a server that asks as IIS does.
    probePki = makeProbePki();
    server = await startNodeServer('renegotiation-iis', probePki);
    const client = await loadClientCredential({ fileName: 'client.pfx', bytes: fs.readFileSync(probePki.files.clientPfx), password: probePki.pfxPassword });
    probe = await runProbe({ url: server.url(), tls: 'both', timeoutMs: 15_000, client, knownCertificates: [probePki.root.der, probePki.intermediate.der] });

    // The certificate, its chain, its key and who may read it, as Diagnose puts them in a report.
    const at = new Date();
    const [inspected] = await inspectFiles([{ name: 'client.pem', bytes: new Uint8Array(fs.readFileSync(s.client.pemPath)) }], at, MAX_INPUT_FILE_BYTES);
    const summary = inspected!.certificates[0]!;
    const pool = [s.client, s.intermediate, s.root].map((c, i) => ({ der: new Uint8Array(fs.readFileSync(c.derPath)), source: 'client.pem', trusted: i === 2 }));
    const analyzed = (await analyzeChains(pool, [{ thumbprint: summary.thumbprintSha1, key: { status: 'present', detail: 'client.key' } }], at)).results[0]!;
    const keyPath = path.join(folder, 'client.key');
    const acl = await services.deps.platform.acl.read(keyPath);
    const identity = await services.deps.platform.identities.resolve('www-data');
    const answer = services.deps.platform.acl.canRead(acl, identity);
    const keyFinding = finding('key.identity-cannot-read', 'www-data cannot read the private key', `www-data cannot read ${keyPath}.`, [{ kind: 'key file', text: keyPath }], { params: { keyPath, identity: 'www-data' } });
    const findings = [...probe.findings.map((f, i) => ranked(f, i + 1, 'probe')), ranked(keyFinding, probe.findings.length + 1, 'key')];
    report = DiagnoseReportSchema.parse({
      schemaVersion: REPORT_SCHEMA_VERSION,
      createdAt: at.toISOString(),
      host: os.hostname(),
      platform: process.platform,
      appVersion: '9.9.9-test', // not a word of the test PKI's names ("Certbench test" would read as the O "Certbench Test")
      request: { url: server.url(), certificate: 'client.pem', identity: 'www-data', attachments: [] },
      summary: `The server at ${server.url()} asks for a certificate only by renegotiation; www-data cannot read the key.`,
      steps: [{ name: 'probe', status: 'done', note: 'probed', durationMs: probe.durationMs }],
      findings,
      fixes: fixesFor(findings, ['bash', 'powershell']).fixes,
      probes: [probe],
      certificate: { source: 'client.pem', summary, chain: analyzed.chain, verdict: analyzed.verdict, chainPem: [s.client.certPem, s.intermediate.certPem, s.root.certPem] },
      key: { location: { status: 'present', provider: null, providerKind: 'file', container: null, uniqueName: null, path: keyPath, exportable: null, detail: null }, acl, aclNote: null, access: { identity: 'www-data', answer } },
      stores: null,
      server: EMPTY_SERVER_EVIDENCE,
    });

    zipPath = path.join(tmp, 'out', 'bundle.zip');
    fs.mkdirSync(path.dirname(zipPath));
    exported = await services.bundles.export({ report, redact: [], includeStores: true, out: zipPath }, ctx());
    zip = entries(new Uint8Array(fs.readFileSync(zipPath)));
  });

  afterAll(async () => {
    await server?.close();
    probePki?.cleanup();
    if (s) fs.rmSync(s.pki.dir, { recursive: true, force: true });
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('holds the report, its HTML, the listing, public certificates, key paths with ACLs, the probe, the commands and the fixes', () => {
    const names = Object.keys(zip);
    for (const n of ['manifest.json', 'report.json', 'report.html', 'stores.json', 'keys/keys.json', 'commands/commands.json']) expect(names).toContain(n);
    expect(names).toContain('probes/1-127.0.0.1.json');
    expect(text(zip['probes/1-127.0.0.1.timeline.txt'])).toMatch(/HelloRequest/);
    const thumb = crypto.createHash('sha1').update(fs.readFileSync(s.client.derPath)).digest('hex').toUpperCase();
    const certName = names.find((n) => n.startsWith('certs/folder_') && n.endsWith(`/${thumb}.pem`));
    expect(certName, names.join(', ')).toBeDefined();
    expect(text(zip[certName!])).toBe(s.client.certPem.replace(/\r/g, ''));
    expect(names).toContain(`certs/diagnosed/${thumb}.pem`);
    const keys = JSON.parse(text(zip['keys/keys.json'])) as { keys: { key: { path: string | null }; acl: { raw: string } | null }[]; diagnosed: { acl: { entries: unknown[] } } };
    const folderKey = keys.keys.find((k) => k.key.path === path.join(folder, 'client.key'));
    expect(folderKey?.acl?.raw).toMatch(/# owner: root/);
    expect(keys.diagnosed.acl.entries.length).toBeGreaterThan(0);
    const commands = JSON.parse(text(zip['commands/commands.json'])) as { file: string; args: string[] }[];
    expect(commands.some((c) => c.file === 'getfacl' && c.args.includes(path.join(folder, 'client.key')))).toBe(true);
    expect(names.filter((n) => /^commands\/\d{3}-getfacl\.txt$/.test(n)).length).toBeGreaterThan(0);
    expect(report.fixes.length).toBeGreaterThan(0);
    for (const f of report.fixes) {
      // A .ps1 starts with the BOM Windows PowerShell 5.1 needs to read UTF-8 (shared/scripts/script-file.ts).
      expect(text(zip[`fixes/${f.fileName}`])).toBe(`${f.fileName.endsWith('.ps1') ? '\uFEFF' : ''}${f.script}`);
      expect(names.some((n) => n.startsWith('fixes/') && n.includes('-undo.'))).toBe(true);
    }
    expect(exported.path).toBe(zipPath);
    expect(exported.bytes).toBe(fs.statSync(zipPath).size);
    expect(Buffer.from(exported.zipBase64, 'base64').equals(fs.readFileSync(zipPath))).toBe(true);
  });

  it('contains no private key material anywhere: every entry scanned, and the PFX and key bytes are nowhere', () => {
    const keyBody = keyPem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
    const pfxB64 = pfxBytes.toString('base64');
    for (const [name, bytes] of Object.entries(zip)) {
      expect(scanForKeyMaterial(name, bytes), name).toEqual([]);
      const t = Buffer.from(bytes).toString('latin1');
      expect(t.includes(keyBody.slice(0, 40)), name).toBe(false);
      expect(t.includes(pfxB64.slice(0, 40)), name).toBe(false);
      expect(Buffer.from(bytes).includes(pfxBytes.subarray(0, 64)), name).toBe(false);
      expect(t.includes('bundle-test-pw'), name).toBe(false);
    }
  });

  it('lists every file in the manifest with its size and a SHA-256 that matches', () => {
    const manifest = BundleManifestSchema.parse(JSON.parse(text(zip['manifest.json'])));
    expect(manifest.formatVersion).toBe(1);
    expect(manifest.files.map((f) => f.path).sort()).toEqual(Object.keys(zip).filter((n) => n !== 'manifest.json').sort());
    for (const f of manifest.files) {
      expect(zip[f.path]!.length).toBe(f.bytes);
      expect(crypto.createHash('sha256').update(zip[f.path]!).digest('hex')).toBe(f.sha256);
    }
    expect(manifest.collected.join('\n')).toMatch(/no private keys, PFX or passwords/);
  });

  it('writes report.html readable with no app and no network: no script, nothing fetched, values escaped', () => {
    const html = text(zip['report.html']);
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain(`default-src 'none'`);
    expect(html).not.toMatch(/<script|<link\b|<img\b|<iframe|@import|url\(/i);
    expect(html).not.toMatch(/\b(?:src|href|action)\s*=\s*["']?[a-z]+:/i);
    // The sections a reader looks for, with the real evidence in them.
    expect(html).toContain(report.summary.replace(/&/g, '&amp;').replace(/'/g, '&#39;'));
    expect(html).toContain('HelloRequest');
    expect(html).toContain('www-data');
    expect(html).toMatch(/class="finding (error|warning)"/);
    expect(html).toContain('Fix available:');
    expect(html).toContain('CN=alice');
    expect(html).toMatch(/<pre>[^<]*setfacl/);
  });

  it('opens again to the same report, listing and commands', async () => {
    const opened = await openBundle({ name: 'bundle.zip', path: zipPath }, ctx());
    expect(opened.report).toEqual(JSON.parse(text(zip['report.json'])));
    expect(opened.report.findings.map((f) => f.id)).toEqual(report.findings.map((f) => f.id));
    expect(opened.storeCertificates.length).toBe((JSON.parse(text(zip['stores.json'])) as { certificates: unknown[] }).certificates.length);
    expect(opened.storeCertificates.some((c) => c.file === path.join(folder, 'client.pem'))).toBe(true);
    expect(opened.commands.length).toBe((JSON.parse(text(zip['commands/commands.json'])) as unknown[]).length);
    expect(opened.manifest).toEqual(exported.manifest);
    expect(opened.ignored).toEqual([]);
    // The web mode sends the bytes instead of a path: the same bundle.
    const again = await openBundle({ name: 'bundle.zip', bytes: new Uint8Array(Buffer.from(exported.zipBase64, 'base64')) }, ctx());
    expect(again.report).toEqual(opened.report);
  });

  it('writes to the data folder by default, named after the host and the time', async () => {
    const r = await services.bundles.export({ report, redact: [], includeStores: false }, ctx(), { hostname: 'HELPDESK-PC', now: new Date(2026, 0, 31, 9, 5, 7) });
    expect(r.path).toBe(path.join(tmp, 'data', 'bundles', 'certbench-HELPDESK-PC-20260131-090507.zip'));
    expect(fs.existsSync(r.path)).toBe(true);
    expect(Object.keys(entries(new Uint8Array(fs.readFileSync(r.path)))).some((n) => n === 'stores.json' || n.startsWith('certs/folder'))).toBe(false);
    // A second export in the same second takes the next free name: the first is never replaced.
    const before = fs.readFileSync(r.path);
    const again = await services.bundles.export({ report, redact: [], includeStores: false }, ctx(), { hostname: 'HELPDESK-PC', now: new Date(2026, 0, 31, 9, 5, 7) });
    expect(again.path).toBe(path.join(tmp, 'data', 'bundles', 'certbench-HELPDESK-PC-20260131-090507-2.zip'));
    expect(fs.readFileSync(r.path).equals(before)).toBe(true);
  });

  it('redacts hosts, accounts, IPs and subjects in every file and leaves the certificates out', async () => {
    const out = path.join(tmp, 'out', 'redacted.zip');
    const r = await services.bundles.export({ report, redact: ['hosts', 'accounts', 'ips', 'subjects'], includeStores: true, out }, ctx(), { hostname: 'HELPDESK-PC' });
    const files = entries(new Uint8Array(fs.readFileSync(out)));
    expect(Object.keys(files).some((n) => n.startsWith('certs/'))).toBe(false);
    expect(r.manifest.collected.join('\n')).toMatch(/certificates left out/);
    expect(r.manifest.host).toMatch(/^host-\d+$/);
    const all = Object.entries(files).map(([n, b]) => [n, text(b)] as const);
    for (const [name, t] of all) {
      expect(t, name).not.toMatch(/HELPDESK-PC|www-data|CN=alice|Contoso|contoso\.test|10\.1\.2\.3|2001:db8::1\b|Certbench Test Issuing CA/i);
      expect(scanForKeyMaterial(name, files[name]!), name).toEqual([]);
    }
    const stores = JSON.parse(text(files['stores.json'])) as { certificates: { summary: { derBase64: string } }[] };
    expect(stores.certificates.every((c) => c.summary.derBase64 === '')).toBe(true);
    const opened = await openBundle({ name: 'redacted.zip', path: out }, ctx());
    expect(opened.manifest.redactions).toEqual(['hosts', 'accounts', 'ips', 'subjects']);
    expect(opened.report.key?.access?.identity).toMatch(/^user-\d+$/);
  });

  it('refuses to write a bundle in which key material or a given password would end up, and leaves no file behind', async () => {
    const out = path.join(tmp, 'out', 'leak.zip');
    const leaky = structuredClone(report);
    leaky.findings[0]!.evidence.push({ kind: 'pasted', text: keyPem });
    await expectRefused(services.bundles.export({ report: leaky, redact: [], includeStores: false, out }, ctx()), /^bundle not written: report\.json: PEM private key armour .* private key material never leaves this machine$/);
    const pfxInside = structuredClone(report);
    pfxInside.findings[0]!.evidence.push({ kind: 'upload', text: pfxBytes.toString('base64') });
    await expectRefused(services.bundles.export({ report: pfxInside, redact: [], includeStores: false, out }, ctx()), /report\.json: PKCS#12 PFX in base64/);
    const withPassword = structuredClone(report);
    withPassword.summary += ' (password was hunter2-secret)';
    await expectRefused(services.bundles.export({ report: withPassword, redact: [], includeStores: false, out }, ctx(), { secrets: ['hunter2-secret'] }), /contains a password given for this diagnosis/);
    expect(fs.readdirSync(path.dirname(out)).filter((n) => n.startsWith('leak') || n.includes('leak.zip'))).toEqual([]);
  });

  it('exports a diagnosis made for the bundle (diagnose request instead of a report)', async () => {
    const out = path.join(tmp, 'out', 'diagnosed.zip');
    const r = await services.bundles.export(
      {
        diagnose: { url: server.url(), clientCertificate: { fileName: 'client.pfx', bytes: new Uint8Array(fs.readFileSync(probePki.files.clientPfx)), password: probePki.pfxPassword }, attachments: [], live: false, timeoutMs: 15_000 },
        redact: [],
        includeStores: true,
        out,
      },
      ctx(),
    );
    const files = entries(new Uint8Array(fs.readFileSync(out)));
    const rep = DiagnoseReportSchema.parse(JSON.parse(text(files['report.json'])));
    expect(rep.probes.length).toBeGreaterThan(0);
    expect(r.manifest.collected[0]).toMatch(/^diagnosis made for this bundle/);
    for (const [name, bytes] of Object.entries(files)) expect(scanForKeyMaterial(name, bytes), name).toEqual([]);
    expect(Object.values(files).some((b) => text(b).includes(probePki.pfxPassword))).toBe(false);
  });

  // --- hostile and foreign zips ----------------------------------------------------------------

  const rezip = (files: Record<string, Uint8Array>) => zipSync(Object.fromEntries(Object.entries(files).map(([n, b]) => [n, b])) as Zippable);
  const open = (bytes: Uint8Array, name = 'bundle.zip') => openBundle({ name, bytes }, ctx());

  it('refuses a bundle from a newer format, or with a newer report schema, saying what to do', async () => {
    const manifest = JSON.parse(text(zip['manifest.json'])) as Record<string, unknown>;
    await expectRefused(
      open(rezip({ ...zip, 'manifest.json': strToU8(JSON.stringify({ ...manifest, formatVersion: 2 })) }), 'from-the-future.zip'),
      /^from-the-future\.zip was written by a newer Certbench \(bundle format 2; this version reads up to 1\): update Certbench to open it$/,
    );
    const rep = JSON.parse(text(zip['report.json'])) as Record<string, unknown>;
    const newer = strToU8(JSON.stringify({ ...rep, schemaVersion: REPORT_SCHEMA_VERSION + 1 }));
    const files = manifest.files as { path: string; bytes: number; sha256: string }[];
    const fixed = { ...manifest, files: files.map((f) => (f.path === 'report.json' ? { ...f, bytes: newer.length, sha256: crypto.createHash('sha256').update(newer).digest('hex') } : f)) };
    await expectRefused(open(rezip({ ...zip, 'report.json': newer, 'manifest.json': strToU8(JSON.stringify(fixed)) }), 'x.zip'), /^x\.zip was written by a newer Certbench \(report schema 2; this version reads up to 1\): update Certbench to open it$/);
  });

  it('refuses a truncated or corrupt zip, a zip that is not a bundle, and a bundle altered after export', async () => {
    const bytes = new Uint8Array(fs.readFileSync(zipPath));
    await expectRefused(open(bytes.subarray(0, Math.floor(bytes.length / 2)), 'cut.zip'), /^cut\.zip: not a Certbench bundle \(truncated or corrupt zip: the end of the archive is missing, the file was cut short\)$/);
    await expectRefused(open(strToU8('hello, not a zip at all, just text'), 'notes.txt'), /^notes\.txt: not a Certbench bundle \(truncated or corrupt zip: no zip directory found\)$/);
    await expectRefused(open(new Uint8Array(0), 'empty.zip'), /^empty\.zip: not a Certbench bundle \(truncated or corrupt zip: the file is empty\)$/);
    const flipped = bytes.slice();
    const at = Buffer.from(flipped).indexOf(Buffer.from('report.json')) + 200;
    flipped[at] = flipped[at]! ^ 0xff;
    // A flipped bit in deflate data may also make it inflate past its declared size or nest JSON too deep: refused either way.
    await expectRefused(open(flipped, 'flipped.zip'), /^flipped\.zip: (not a Certbench bundle \(truncated or corrupt zip: entry ".*" (fails its CRC-32 check|does not inflate|inflates to)|refused: (entry ".*" inflates past|\S+ nests deeper))/);
    const { 'manifest.json': _m, ...noManifest } = zip;
    await expectRefused(open(rezip(noManifest), 'other.zip'), /^other\.zip: not a Certbench bundle \(no manifest\.json among its \d+ entries/);
    await expectRefused(open(rezip({ ...zip, 'report.html': strToU8('<p>changed</p>') }), 'altered.zip'), /^altered\.zip: report\.html does not match its SHA-256 in manifest\.json/);
  });

  it('refuses a zip bomb (1 GB declared) from its directory, quickly and without inflating', async () => {
    const bomb = zipSync({ 'manifest.json': [new Uint8Array(1024 * 1024), { level: 9 }] });
    // Declare 1 GB in the central directory and the local header (sizes at +24 and +22).
    const view = Buffer.from(bomb);
    const cd = view.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    view.writeUInt32LE(1024 * 1024 * 1024, cd + 24);
    view.writeUInt32LE(1024 * 1024 * 1024, 22);
    const started = performance.now();
    await expectRefused(open(new Uint8Array(view), 'bomb.zip'), /^bomb\.zip: refused: entry "manifest\.json" would inflate [\d.]+ KB to 1024 MB \(a zip bomb\)$/);
    expect(performance.now() - started).toBeLessThan(500);
    // Many entries that add up past 128 MB are refused the same way, before any is inflated.
    const many: Zippable = {};
    for (let i = 0; i < 3; i++) many[`part-${i}.bin`] = [new Uint8Array(1), { level: 0 }];
    const lie = Buffer.from(zipSync(many));
    let o = lie.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    while (o >= 0) {
      lie.writeUInt32LE(200 * 1024 * 1024, o + 24);
      lie.writeUInt32LE(200 * 1024 * 1024, o + 20);
      o = lie.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), o + 4);
    }
    await expectRefused(open(new Uint8Array(lie), 'big.zip'), /^big\.zip: refused: its entries add up to more than 128 MB inflated/);
  });

  it('refuses an entry whose directory understates its size once inflation passes it', async () => {
    const data = new Uint8Array(4 * 1024 * 1024).fill(0x41);
    const lying = Buffer.from(zipSync({ 'manifest.json': [data, { level: 9 }] }));
    const cd = lying.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    lying.writeUInt32LE(1000, cd + 24);
    lying.writeUInt32LE(1000, 22);
    await expectRefused(open(new Uint8Array(lying), 'liar.zip'), /^liar\.zip: refused: entry "manifest\.json" inflates past the 1000 bytes it declares \(a zip bomb\)$/);
  });

  it.each([['../x'], ['/etc/x'], ['C:\\x'], ['a\\..\\b'], ['certs/../../x']])('refuses the traversal entry name %s', async (name) => {
    const hostile = zipSync({ 'manifest.json': zip['manifest.json']!, [name]: strToU8('x') });
    await expectRefused(open(hostile, 'evil.zip'), /^evil\.zip: refused: entry ".*" has (a "\.\." path segment|an absolute path|a backslash|a drive letter) in its name \(path traversal\)$/);
  });
});

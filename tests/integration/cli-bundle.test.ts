import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanForKeyMaterial } from '../../shared/bundle/key-scan';
import { makeProbePki, startNodeServer, type ProbePki, type RunningServer } from '../helpers/probe-servers';
import { requireOpenssl } from '../helpers/openssl-pki';
import { requireBuiltCli } from '../helpers/run-cli';
import { runCliAsync } from '../helpers/run-cli-async';

/**
 * `certbench bundle` and `certbench bundle open` as a helpdesk runbook uses them: export
 * with two probes, a PFX read with --password-env and redaction; open with the header a reader sees
 * first; exit codes (0 clean, 1 error findings, 2 bad usage or bundle) with one line on stderr.
 */
const missing = requireOpenssl();
if (missing && process.env.CI === 'true') throw new Error(missing);

interface ExportJson {
  path: string;
  fileName: string;
  bytes: number;
  manifest: { host: string; redactions: string[]; collected: string[]; files: { path: string }[] };
  summary: string;
  findings: { id: string; severity: string }[];
  zipBase64?: string;
}

describe.skipIf(missing !== null)('certbench bundle (CLI)', () => {
  let tmp: string;
  let pki: ProbePki;
  let server: RunningServer;
  let env: Record<string, string>;
  let bundle: string;
  let exported: ExportJson;
  let exportCode: number | null;

  beforeAll(async () => {
    requireBuiltCli();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-cli-bundle-'));
    fs.mkdirSync(path.join(tmp, 'home'));
    env = { CERTBENCH_DATA_DIR: path.join(tmp, 'data'), HOME: path.join(tmp, 'home'), BUNDLE_PFX_PW: '' };
    pki = makeProbePki();
    env.BUNDLE_PFX_PW = pki.pfxPassword;
    server = await startNodeServer('renegotiation-iis', pki);
    bundle = path.join(tmp, 'ticket-4711.zip');
    const r = await runCliAsync(['bundle', '--out', bundle, '--probe', server.url(), '--probe', server.url('/other/'), '--cert', pki.files.clientPfx, '--password-env', 'BUNDLE_PFX_PW', '--identity', 'www-data', '--no-live', '--json'], { env, timeoutMs: 90_000 });
    exportCode = r.code;
    // stderr carries only progress lines (after a second), never an error.
    expect(r.stderr).not.toMatch(/^certbench:/m);
    exported = JSON.parse(r.stdout) as ExportJson;
  });

  afterAll(async () => {
    await server?.close();
    pki?.cleanup();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('writes the bundle where --out says, with both probes, and prints one JSON document without the zip bytes', () => {
    expect(exported.path).toBe(bundle);
    expect(fs.statSync(bundle).size).toBe(exported.bytes);
    expect(exported.zipBase64).toBeUndefined();
    const files = unzipSync(new Uint8Array(fs.readFileSync(bundle)));
    const probes = Object.keys(files).filter((n) => /^probes\/\d+-127\.0\.0\.1\.json$/.test(n));
    expect(probes.sort()).toEqual(['probes/1-127.0.0.1.json', 'probes/2-127.0.0.1.json']);
    expect(JSON.parse(Buffer.from(files['probes/2-127.0.0.1.json']!).toString('utf8')).target.path).toBe('/other/');
    for (const [name, bytes] of Object.entries(files)) {
      expect(scanForKeyMaterial(name, bytes), name).toEqual([]);
      expect(Buffer.from(bytes).toString('latin1').includes(pki.pfxPassword), name).toBe(false);
    }
    // Exit 1 exactly when the diagnosis found errors (DESIGN.md "Command line").
    expect(exported.findings.length).toBeGreaterThan(0);
    expect(exportCode).toBe(exported.findings.some((f) => f.severity === 'error') ? 1 : 0);
  });

  it('opens it with the header a reader needs first, the summary and the findings', async () => {
    const r = await runCliAsync(['bundle', 'open', bundle], { env });
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^bundle from \S+ at \d{4}-\d\d-\d\dT[\d:.]+Z, Certbench \S+$/);
    expect(r.stdout).toContain(exported.summary);
    for (const f of exported.findings) expect(r.stdout).toContain(f.id);
    expect(r.stdout).toMatch(/2 probe\(s\)/);
    expect(r.code).toBe(exported.findings.some((f) => f.severity === 'error') ? 1 : 0);
    const j = await runCliAsync(['bundle', 'open', bundle, '--json'], { env });
    const opened = JSON.parse(j.stdout) as { manifest: { host: string }; report: { probes: unknown[] }; findings: unknown[] };
    expect(opened.manifest.host).toBe(exported.manifest.host);
    expect(opened.report.probes.length).toBe(2);
    expect(opened.findings.length).toBe(exported.findings.length);
  });

  it('redacts what --redact names and says so when opened', async () => {
    const out = path.join(tmp, 'redacted.zip');
    const r = await runCliAsync(['bundle', '--out', out, '--probe', server.url(), '--redact', 'hosts,ips', '--no-stores', '--no-live'], { env, timeoutMs: 90_000 });
    expect(r.stderr).not.toMatch(/^certbench:/m);
    expect(r.stdout).toMatch(new RegExp(`^Bundle written: ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(`));
    const files = unzipSync(new Uint8Array(fs.readFileSync(out)));
    expect(Object.keys(files).some((n) => n === 'stores.json' || n.startsWith('certs/'))).toBe(false);
    expect(Buffer.from(files['report.json']!).toString('utf8')).not.toContain(os.hostname());
    const o = await runCliAsync(['bundle', 'open', out], { env });
    expect(o.stdout.split('\n')[0]).toMatch(/^bundle from host-\d+(\.example)? at /);
    expect(o.stdout).toContain('redacted: hosts, ips');
  });

  it('says what is wrong in one line and exits 2 on bad usage, bad input or a bad bundle', async () => {
    const cut = path.join(tmp, 'cut.zip');
    fs.writeFileSync(cut, fs.readFileSync(bundle).subarray(0, 2000));
    const cases: [string[], RegExp][] = [
      [['bundle', '--out', path.join(tmp, 'x.zip'), '--redact', 'hosts,passwords'], /^certbench: --redact: "passwords" is not one of hosts, accounts, ips, subjects \(or all\)$/],
      [['bundle', '--out', path.join(tmp, 'x.zip'), '--probe', 'http://127.0.0.1/'], /^certbench: --probe: .*is not an https:\/\/ URL/],
      [['bundle', '--out', path.join(tmp, 'x.zip'), '--cert', pki.files.clientPfx, '--password-env', 'NO_SUCH_VARIABLE_SET'], /^certbench: --password-env: environment variable NO_SUCH_VARIABLE_SET is not set$/],
      [['bundle', '--out', path.join(tmp, 'no-such-folder', 'x.zip'), '--no-stores', '--no-live'], /^certbench: .*no-such-folder: no such folder$/],
      [['bundle', 'open', path.join(tmp, 'missing.zip')], /^certbench: .*missing\.zip: no such file$/],
      [['bundle', 'open', cut], /^certbench: .*cut\.zip: not a Certbench bundle \(truncated or corrupt zip: .*\)$/],
      [['bundle', 'open', pki.files.clientCertPem], /^certbench: .*client\.pem: not a Certbench bundle \(truncated or corrupt zip: no zip directory found\)$/],
    ];
    for (const [args, message] of cases) {
      const r = await runCliAsync(args, { env, timeoutMs: 60_000 });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout, args.join(' ')).toBe('');
      expect(r.stderr.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr.trimEnd(), args.join(' ')).toMatch(message);
    }
    expect(fs.existsSync(path.join(tmp, 'x.zip'))).toBe(false);
  });
});

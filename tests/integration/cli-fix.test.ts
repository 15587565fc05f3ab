import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiagnoseReportSchema } from '../../shared/model/diagnose';
import { fixture } from '../fixtures/windows/load';
import { requireOpenssl } from '../helpers/openssl-pki';
import { makeProbePki, type ProbePki } from '../helpers/probe-servers';
import { requireBuiltCli } from '../helpers/run-cli';
import { runCliAsync as runCli } from '../helpers/run-cli-async';

const missing = requireOpenssl();
if (missing && process.env.CI === 'true') throw new Error(missing);

/**
 * `certbench fix`: the scripts of a diagnosis, from server evidence attached to `diagnose`
 * (Windows: PowerShell) and from a key the app pool cannot read (Linux: bash), read back from the saved
 * `diagnose --json` report, written with their undo, and bad input refused in one line.
 */
describe.skipIf(missing !== null)('certbench fix', () => {
  let dir: string;
  let data: string;
  let pki: ProbePki;
  const env = () => ({ CERTBENCH_DATA_DIR: data });

  beforeAll(() => {
    requireBuiltCli();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-fix-'));
    data = path.join(dir, 'data');
    pki = makeProbePki();
    fs.writeFileSync(path.join(dir, 'applicationHost.config'), fixture('applicationhost-two-sites.config'));
    fs.writeFileSync(path.join(dir, 'sslcert.txt'), fixture('netsh-sslcert-de.txt'));
  });
  afterAll(() => {
    pki?.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes each PowerShell fix and its undo, and one combined script, from a saved diagnosis', async () => {
    const d = await runCli(['diagnose', '--attach', path.join(dir, 'applicationHost.config'), path.join(dir, 'sslcert.txt'), '--json'], { env: env() });
    expect(d.code).toBe(1);
    const reportFile = path.join(dir, 'report.json');
    fs.writeFileSync(reportFile, d.stdout);
    const report = DiagnoseReportSchema.parse(JSON.parse(d.stdout));
    const negotiation = report.findings.find((f) => f.id === 'iis.client-cert-negotiation-off')!;
    expect(negotiation.fixes).toContain('netsh.clientcertnegotiation');

    const out = path.join(dir, 'fixes');
    const f = await runCli(['fix', '--from', reportFile, '--out', out], { env: env() });
    expect(f.code, f.stderr).toBe(0);
    const files = fs.readdirSync(out).sort();
    expect(files).toContain('certbench-fixes.ps1');
    expect(files).toContain('certbench-fixes-undo.ps1');
    const netsh = files.find((n) => /^certbench-fix-netsh-clientcertnegotiation-.*\.ps1$/.test(n) && !n.includes('-undo'))!;
    expect(files).toContain(netsh.replace(/\.ps1$/, '-undo.ps1'));
    const script = fs.readFileSync(path.join(out, netsh), 'utf8');
    // The binding the evidence named, as one single-quoted value; the backup before the change.
    expect(script).toContain(`'${negotiation.params!.binding}'`);
    const backup = script.indexOf("'reg.exe' @('export'");
    const change = script.indexOf("Invoke-CertbenchNative 'netsh.exe' $netshArgs");
    expect(backup).toBeGreaterThan(-1);
    expect(change).toBeGreaterThan(backup);
    expect(f.stdout).toMatch(/fix script\(s\) and their undo written to /);

    // Only one finding, as JSON.
    const j = await runCli(['fix', '--from', reportFile, '--finding', 'iis.mapping-at-application-level', '--json'], { env: env() });
    const doc = JSON.parse(j.stdout) as { fixes: { findingId: string; id: string }[] };
    expect(doc.fixes.length).toBeGreaterThan(0);
    expect(new Set(doc.fixes.map((x) => x.findingId))).toEqual(new Set(['iis.mapping-at-application-level']));
  }, 60_000);

  it('writes a bash grant for a key the service account cannot read, which bash parses and which quotes the path', async () => {
    const keys = path.join(dir, 'my keys; $(touch PWNED)');
    fs.mkdirSync(keys, { mode: 0o755 });
    fs.copyFileSync(pki.files.clientCertPem, path.join(keys, 'alice.pem'));
    fs.copyFileSync(pki.files.clientKeyPem, path.join(keys, 'alice.key'));
    fs.chmodSync(path.join(keys, 'alice.key'), 0o600);
    expect((await runCli(['stores', '--add-folder', keys], { env: env() })).code).toBe(0);
    const thumbprint = crypto.createHash('sha1').update(pki.client.der).digest('hex').toUpperCase();
    const r = await runCli(['fix', '--thumbprint', thumbprint, '--identity', 'nobody', '--shell', 'bash', '--finding', 'key.identity-cannot-read'], { env: env() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`'${path.join(keys, 'alice.key')}'`);
    expect(r.stdout).toMatch(/setfacl/);
    expect(spawnSync('bash', ['-n'], { input: r.stdout }).status).toBe(0);
    expect(fs.existsSync(path.join(process.cwd(), 'PWNED'))).toBe(false);
  }, 60_000);

  it('refuses bad input with one line and exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['fix', '--from', path.join(dir, 'none.json')], /--from .*none\.json: no such file/],
      [['fix', '--from', path.join(dir, 'applicationHost.config')], /not JSON/],
      [['fix', '--from', path.join(dir, 'report.json'), '--finding', 'iis.bogus'], /"iis\.bogus" is not a finding id/],
      [['fix', '--from', path.join(dir, 'report.json'), '--shell', 'cmd'], /--shell: "cmd" is not powershell or bash/],
      [['fix', 'https://127.0.0.1:1/', '--from', path.join(dir, 'report.json')], /either --from REPORT or what to diagnose/],
    ];
    fs.writeFileSync(path.join(dir, 'other.json'), '{"hello": 1}');
    cases.push([['fix', '--from', path.join(dir, 'other.json')], /not a Certbench diagnosis/]);
    for (const [args, message] of cases) {
      const r = await runCli(args, { env: env() });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  }, 60_000);
});

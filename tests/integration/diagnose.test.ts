import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiagnoseReportSchema, type DiagnoseReport } from '../../shared/model/diagnose';
import { requireOpenssl } from '../helpers/openssl-pki';
import { makeProbePki, startNodeServer, type ProbePki, type RunningServer } from '../helpers/probe-servers';
import { requireBuiltCli } from '../helpers/run-cli';
import { runCliAsync as runCli } from '../helpers/run-cli-async';

const missing = requireOpenssl();
if (missing && process.env.CI === 'true') throw new Error(missing);

/**
 * `certbench diagnose` end to end: real TLS servers on 127.0.0.1, a client certificate and
 * its key in a folder store, a real account that must read the key, and the report a helpdesk user
 * reads: what was checked, the findings with their evidence, the most likely cause first.
 */
describe.skipIf(missing !== null)('certbench diagnose', () => {
  let pki: ProbePki;
  let reneg: RunningServer;
  let handshake: RunningServer;
  let data: string;
  let folder: string;
  let thumbprint: string;
  const env = () => ({ CERTBENCH_DATA_DIR: data });

  beforeAll(async () => {
    requireBuiltCli();
    pki = makeProbePki();
    reneg = await startNodeServer('renegotiation-iis', pki);
    handshake = await startNodeServer('handshake', pki);
    data = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-diagnose-data-'));
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-diagnose-certs-'));
    fs.chmodSync(folder, 0o755);
    fs.copyFileSync(pki.files.clientCertPem, path.join(folder, 'alice.pem'));
    // Root-owned and 0600, as key files are: "nobody" cannot read it.
    fs.copyFileSync(pki.files.clientKeyPem, path.join(folder, 'alice.key'));
    fs.chmodSync(path.join(folder, 'alice.key'), 0o600);
    fs.copyFileSync(pki.files.clientChainPem, path.join(folder, 'chain.pem'));
    const add = await runCli(['stores', '--add-folder', folder], { env: env() });
    expect(add.code, add.stderr).toBe(0);
    thumbprint = crypto.createHash('sha1').update(pki.client.der).digest('hex').toUpperCase();
  }, 60_000);
  afterAll(async () => {
    await reneg?.close();
    await handshake?.close();
    pki?.cleanup();
    for (const d of [data, folder]) if (d) fs.rmSync(d, { recursive: true, force: true });
  });

  async function diagnose(args: string[]): Promise<{ code: number | null; report: DiagnoseReport; stderr: string }> {
    const r = await runCli(['diagnose', ...args, '--json', '--timeout', '10000'], { env: env(), timeoutMs: 60_000 });
    expect(r.stdout, r.stderr).not.toBe('');
    return { code: r.code, report: DiagnoseReportSchema.parse(JSON.parse(r.stdout)), stderr: r.stderr };
  }

  it('names the unreadable key and the renegotiation, with proof, and says what was checked', async () => {
    const { code, report } = await diagnose([reneg.url(), '--thumbprint', thumbprint, '--identity', 'nobody']);
    expect(code).toBe(1);
    const step = (name: string) => report.steps.find((s) => s.name === name);
    expect(step('stores')?.status).toBe('done');
    expect(step('certificate')?.status).toBe('done');
    expect(step('key')?.note).toContain('nobody cannot read it');
    expect(step('probe')?.note).toMatch(/renegotiation/);
    expect(step('probe-with-certificate')?.status).toBe('done');

    const ids = report.findings.map((f) => f.id);
    expect(ids).toContain('key.identity-cannot-read');
    expect(ids).toContain('server.renegotiation-client-cert');
    const key = report.findings.find((f) => f.id === 'key.identity-cannot-read')!;
    expect(key.params).toMatchObject({ keyPath: path.join(folder, 'alice.key'), identity: 'nobody' });
    // The server said it is IIS (Server header): the wire findings are for IIS, so are their fixes.
    expect(report.findings.find((f) => f.id === 'server.renegotiation-client-cert')!.params).toMatchObject({ serverSoftware: 'iis', port: String(new URL(reneg.url()).port) });
    expect(key.evidence.map((e) => e.text).join('\n')).toMatch(/0600|other|mode/);
    // The unreadable key blocks logon on its own; renegotiation only hurts TLS 1.3 clients.
    expect(ids.indexOf('key.identity-cannot-read')).toBeLessThan(ids.indexOf('server.renegotiation-client-cert'));
    expect(report.findings[0]!.rank).toBe(1);
    expect(report.summary).toMatch(/Most likely cause/);
    // The server accepted the certificate (HTTP 200 after renegotiation): this machine's view of its chain is context only.
    const root = report.findings.find((f) => f.id === 'chain.untrusted-root');
    if (root) expect(root.likelihood).toBe('context');
    expect(report.key?.access).toMatchObject({ identity: 'nobody', answer: { canRead: false } });
    expect(report.certificate?.chainPem.length).toBeGreaterThanOrEqual(2);
    expect(report.probes[0]!.clientAuth.mode).toBe('renegotiation');
  }, 90_000);

  it('shows a server that asks in the handshake and accepts the certificate as fine on the wire', async () => {
    const r = await runCli(['diagnose', handshake.url(), '--cert', pki.files.clientPfx, '--password-env', 'PFXPW', '--json', '--timeout', '10000'], {
      env: { ...env(), PFXPW: pki.pfxPassword },
      timeoutMs: 60_000,
    });
    const report = DiagnoseReportSchema.parse(JSON.parse(r.stdout));
    expect(report.probes[0]!.clientAuth.mode).toBe('handshake');
    expect(report.steps.find((s) => s.name === 'probe-with-certificate')?.note).toMatch(/HTTP 200/);
    expect(report.steps.find((s) => s.name === 'key')).toMatchObject({ status: 'skipped' });
    expect(report.findings.filter((f) => f.area === 'probe' && f.severity === 'error')).toEqual([]);
    expect(report.findings.filter((f) => f.likelihood !== 'context' && f.severity === 'error')).toEqual([]);
    expect(report.summary).toMatch(/^No (blocking )?problem found/);
    expect(report.request.certificate).toBe(pki.files.clientPfx);
  }, 60_000);

  it('prints a readable report without --json, most likely cause first', async () => {
    const r = await runCli(['diagnose', reneg.url(), '--thumbprint', thumbprint, '--identity', 'nobody', '--timeout', '10000'], { env: env(), timeoutMs: 60_000 });
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^\d+ problems? found\. Most likely cause: /);
    expect(r.stdout).toContain('What was checked:');
    // The IIS case: TLS 1.3 resets where TLS 1.2 renegotiates; then the key the app cannot read.
    expect(r.stdout).toMatch(/^1\. ERROR iis\.tls13-with-renegotiation: .*\(root cause\)$/m);
    expect(r.stdout).toMatch(/^2\. ERROR key\.identity-cannot-read: nobody cannot read the private key file/m);
    expect(r.stdout).toMatch(/^ {3}- acl entry: .*denied by "other::---"/m);
  }, 60_000);

  it('completes the chain with a certificate given by --attach (recognised by content, whatever its name)', async () => {
    const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-diagnose-fresh-'));
    try {
      const base = ['diagnose', '--cert', pki.files.clientCertPem, '--key', pki.files.clientKeyPem, '--json'];
      const without = DiagnoseReportSchema.parse(JSON.parse((await runCli(base, { env: { CERTBENCH_DATA_DIR: fresh } })).stdout));
      expect(without.findings.map((f) => f.id)).toContain('chain.incomplete');
      const incomplete = without.findings.find((f) => f.id === 'chain.incomplete')!;
      expect(incomplete.params?.issuer).toMatch(/Certbench Probe Issuing CA/);
      const attached = path.join(fresh, 'download.bin');
      // The server's CA file: the issuing CA and its root.
      fs.writeFileSync(attached, pki.intermediate.pem + pki.root.pem);
      const withIt = DiagnoseReportSchema.parse(JSON.parse((await runCli([...base, '--attach', attached], { env: { CERTBENCH_DATA_DIR: fresh } })).stdout));
      expect(withIt.findings.map((f) => f.id)).not.toContain('chain.incomplete');
      // Complete now, up to a root this machine does not trust: the next thing to fix, with the root's PEM for the script.
      expect(withIt.findings.find((f) => f.id === 'chain.untrusted-root')?.params?.certificatePem).toMatch(/^-----BEGIN CERTIFICATE-----/);
      expect(withIt.certificate?.chainPem.length).toBe(3);
      expect(withIt.request.attachments).toEqual(['download.bin']);
      expect(withIt.server.notes.join('\n')).toMatch(/download\.bin: a certificate/);
    } finally {
      fs.rmSync(fresh, { recursive: true, force: true });
    }
  }, 60_000);

  it('refuses bad input with one line: a missing attachment, a bad thumbprint, a wrong PFX password', async () => {
    const a = await runCli(['diagnose', '--attach', path.join(folder, 'nope.log')], { env: env() });
    expect(a.code).toBe(2);
    expect(a.stderr.trim().split('\n')).toEqual([`certbench: --attach ${path.join(folder, 'nope.log')}: no such file`]);
    const b = await runCli(['diagnose', '--thumbprint', 'abc'], { env: env() });
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('is not a SHA-1 thumbprint');
    const c = await runCli(['diagnose', handshake.url(), '--cert', pki.files.clientPfx, '--password-env', 'PFXPW'], { env: { ...env(), PFXPW: 'wrong' } });
    expect(c.code).toBe(2);
    expect(c.stderr.trim().split('\n')).toHaveLength(1);
    expect(c.stderr).toMatch(/password/);
  }, 60_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { issueCertificate } from '../../electron/services/lab/pki';
import { startRevocationLab, type RevocationCase, type RevocationLab } from '../../electron/services/lab/revocation-lab';
import { quietWork } from '../../electron/services/work';
import { requireBuiltCli } from '../helpers/run-cli';
import { runCliAsync } from '../helpers/run-cli-async';
import { testServices } from '../helpers/services';

/**
 * Revocation end to end: the lab's CRL and OCSP servers on 127.0.0.1 with certificates made for
 * this run, checked through `certbench chain --revocation` and through Diagnose (the service).
 */
describe('revocation checking against real CRL and OCSP servers', () => {
  let lab: RevocationLab;
  let dir: string;
  beforeAll(async () => {
    requireBuiltCli();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-revocation-'));
    const server = issueCertificate({ subject: [['CN', 'localhost']], dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], eku: ['serverAuth'] });
    lab = await startRevocationLab(dir, { cert: server.pem, key: server.keyPem });
  });
  afterAll(async () => {
    await lab?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const chain = (c: RevocationCase, extra: string[] = []) => runCliAsync(['chain', lab.cases[c].chainFile, '--trust', lab.files.root, '--no-system-trust', '--revocation', ...extra]);
  const json = async (c: RevocationCase, extra: string[] = []) => {
    const r = await chain(c, ['--json', ...extra]);
    const doc = JSON.parse(r.stdout) as { results: { chain: { best: { links: { revocation?: { status: string; text: string; sources: { failure: string | null; bytes: number | null }[] } }[] } } }[]; findings: { id: string; severity: string }[] };
    return { code: r.code, links: doc.results[0]!.chain.best.links.map((l) => l.revocation!), findings: doc.findings };
  };

  it('good: OCSP answers for the leaf, the CA link is good per the root CRL, the root is not checked', async () => {
    const r = await chain('good');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`revocation: good per OCSP ${lab.baseUrl}/ocsp`);
    expect(r.stdout).toContain(`revocation: good per CRL ${lab.baseUrl}/root.crl`);
    expect(r.stdout).toContain('revocation: not checked: root');
  });

  it('revoked: the date, reason and CRL in words, the finding, exit 1', async () => {
    const r = await chain('revoked');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`revocation: revoked on \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC \\(keyCompromise\\) per CRL ${lab.baseUrl}/ca\\.crl`));
    expect(r.stdout).toContain('[error] revocation.revoked');
    // The revoked link fails and so does the path, whatever its other checks say.
    expect(r.stdout).toContain('== Chain (invalid)');
    expect(r.stdout).toMatch(/\[FAIL\] revocation revoked {2}\(leaf/);
    expect(r.stderr).toBe('');
  });

  it('revoked since the last full CRL: the delta CRL the full CRL names is fetched (as AD CS publishes it), and it decides', async () => {
    const { code, links, findings } = await json('delta-revoked');
    expect(code).toBe(1);
    expect(links[0]!.status).toBe('revoked');
    expect(links[0]!.text).toMatch(new RegExp(`^revoked on \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC \\(keyCompromise\\) per delta CRL ${lab.baseUrl}/adcs\\+\\.crl$`));
    // The full CRL (the only address in the certificate) was read and did not list it; its delta did.
    expect((links[0] as unknown as { sources: { url: string; method: string; outcome: string }[] }).sources.map((s) => [s.url, s.method, s.outcome])).toEqual([
      [`${lab.baseUrl}/adcs.crl`, 'crl', 'good'],
      [`${lab.baseUrl}/adcs+.crl`, 'delta-crl', 'revoked'],
    ]);
    expect(findings.map((f) => f.id)).toContain('revocation.revoked');
    // Diagnose with the scenario's server (which, as Windows does, reads the delta): its 403.13 and the same answer.
    const services = testServices({ ...process.env, CERTBENCH_DATA_DIR: dir, CERTBENCH_SYSTEM_TRUST: lab.files.root });
    const c = lab.cases['delta-revoked'];
    const file = (p: string) => ({ fileName: path.basename(p), bytes: new Uint8Array(fs.readFileSync(p)) });
    const report = await services.diagnose({ url: lab.serverUrl, clientCertificate: file(c.certificateFile), keyFile: file(c.keyFile), attachments: [{ name: 'issuing-ca.pem', path: lab.files.ca }], live: false, timeoutMs: 15_000 }, quietWork());
    expect(report.findings.map((f) => f.id)).toEqual(expect.arrayContaining(['revocation.revoked', 'http.403.13']));
    expect(report.certificate!.chain!.best.links[0]!.revocation!.text).toContain('per delta CRL');
  });

  it('unreachable: a CRL address that never answers is given up after the timeout asked for', async () => {
    const { code, links, findings } = await json('unreachable', ['--revocation-timeout', '1']);
    expect(code).toBe(0);
    expect(links[0]!.status).toBe('could-not-check');
    expect(links[0]!.text).toMatch(/^could not check: timeout \(no answer within 1 s\) at http:\/\/127\.0\.0\.1:\d+\/ca\.crl \(CRL\)$/);
    expect(findings.map((f) => [f.id, f.severity])).toEqual([['revocation.unreachable', 'warning']]);
  });

  it('stale CRL: said with its nextUpdate, and the stale-crl finding', async () => {
    const { links, findings } = await json('stale-crl');
    expect(links[0]!.status).toBe('could-not-check');
    expect(links[0]!.sources[0]!.failure).toBe('stale');
    expect(links[0]!.text).toContain('is stale: its nextUpdate was');
    expect(findings.map((f) => f.id)).toEqual(['revocation.stale-crl']);
  });

  it('OCSP unknown: status unknown and the ocsp-unknown finding', async () => {
    const { links, findings } = await json('ocsp-unknown');
    expect(links[0]!.status).toBe('unknown');
    expect(findings.map((f) => f.id)).toEqual(['revocation.ocsp-unknown']);
  });

  it('a CRL over 20 MB is not read, and says so', async () => {
    const { links } = await json('oversized-crl');
    expect(links[0]!.sources[0]!.failure).toBe('too-large');
    expect(links[0]!.text).toContain('CRL larger than 20 MB, not read');
  });

  it('a redirect loop stops after three redirects', async () => {
    const { links } = await json('redirect-loop');
    expect(links[0]!.sources[0]!.failure).toBe('redirects');
    expect(links[0]!.text).toContain('more than 3 redirects');
  });

  it('Diagnose checks revocation by default and ranks the revoked certificate first', async () => {
    const services = testServices({ ...process.env, CERTBENCH_DATA_DIR: dir, CERTBENCH_SYSTEM_TRUST: lab.files.root });
    const c = lab.cases.revoked;
    const file = (p: string) => ({ fileName: path.basename(p), bytes: new Uint8Array(fs.readFileSync(p)) });
    const report = await services.diagnose({ url: lab.serverUrl, clientCertificate: file(c.certificateFile), keyFile: file(c.keyFile), attachments: [{ name: 'issuing-ca.pem', path: lab.files.ca }], live: false, timeoutMs: 15_000 }, quietWork());
    const step = report.steps.find((s) => s.name === 'revocation');
    expect(step?.status).toBe('done');
    // The server checks the CA's CRL too: the wire shows its 403.13, and the revocation explains it.
    const ids = report.findings.map((f) => f.id);
    expect(ids).toContain('http.403.13');
    expect(ids[0]).toBe('revocation.revoked');
    expect(report.certificate!.verdict.usable).toBe(false);
    // A binding that checks revocation, with a 1 s URL Retrieval Timeout: the unreachable CRL is an error, found in about that time.
    const netsh = path.join(dir, 'sslcert.txt');
    const port = new URL(lab.serverUrl).port;
    fs.writeFileSync(netsh, `SSL Certificate bindings:\n-------------------------\n\n    IP:port                      : 127.0.0.1:${port}\n    Certificate Hash             : 61d34f532da121bbab64723c4871e72c92f03735\n    Application ID               : {214124cd-d05b-4309-9af9-9caa44b2b74a}\n    Certificate Store Name       : MY\n    Verify Client Certificate Revocation : Enabled\n    Verify Revocation Using Cached Client Certificate Only : Disabled\n    Revocation Freshness Time    : 0\n    URL Retrieval Timeout        : 1000\n    Negotiate Client Certificate : Enabled\n`);
    const u = lab.cases.unreachable;
    const strict = await services.diagnose({ url: lab.serverUrl, clientCertificate: file(u.certificateFile), keyFile: file(u.keyFile), attachments: [{ name: 'issuing-ca.pem', path: lab.files.ca }, { name: 'sslcert.txt', path: netsh }], live: false, timeoutMs: 15_000 }, quietWork());
    expect(strict.findings.find((f) => f.id === 'revocation.unreachable')?.severity).toBe('error');
    expect(strict.certificate!.chain!.best.links[0]!.revocation!.text).toContain('no answer within 1 s');
    expect(strict.steps.find((s) => s.name === 'revocation')?.note).toContain('the server checks revocation (netsh http show sslcert (sslcert.txt))');
    const skipped = await services.diagnose({ clientCertificate: file(c.certificateFile), keyFile: file(c.keyFile), attachments: [], live: false, timeoutMs: 15_000, revocation: false }, quietWork());
    expect(skipped.steps.find((s) => s.name === 'revocation')?.status).toBe('skipped');
    expect(skipped.findings.some((f) => f.id.startsWith('revocation.'))).toBe(false);
  });
});

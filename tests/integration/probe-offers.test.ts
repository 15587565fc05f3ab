import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProbePki, startNodeServer, type ProbePki, type RunningServer } from '../helpers/probe-servers';
import { requireOpenssl } from '../helpers/openssl-pki';
import { requireBuiltCli } from '../helpers/run-cli';
import { runCliAsync as runCli } from '../helpers/run-cli-async';

const missing = requireOpenssl();
if (missing && process.env.CI === 'true') throw new Error(missing);

/**
 * "Which of my certificates would the browser offer?" end to end: a folder store holding the
 * client certificate with its key (and one without), a server naming the client's CA, and
 * `certbench probe` listing each local certificate as offered or not, with reasons.
 */
describe.skipIf(missing !== null)('probe: local certificates a browser would offer', () => {
  let pki: ProbePki;
  let server: RunningServer;
  let data: string;
  let folder: string;
  let roots: string;
  beforeAll(async () => {
    requireBuiltCli();
    pki = makeProbePki();
    server = await startNodeServer('handshake', pki);
    data = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-offers-data-'));
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-offers-certs-'));
    fs.copyFileSync(pki.files.clientCertPem, path.join(folder, 'alice.pem'));
    fs.copyFileSync(pki.files.clientKeyPem, path.join(folder, 'alice.key'));
    // The server's own certificate, with no key here and no Client Authentication.
    fs.copyFileSync(pki.files.serverCert, path.join(folder, 'server.pem'));
    fs.copyFileSync(pki.files.clientChainPem, path.join(folder, 'chain.pem'));
    const add = await runCli(['stores', '--add-folder', folder], { env: { CERTBENCH_DATA_DIR: data } });
    expect(add.code).toBe(0);
    // The offers read the one verdict, which needs the client's chain to a trusted root
    // (before, a certificate whose root was nowhere was "offered" while its card said it cannot).
    roots = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-offers-roots-'));
    fs.writeFileSync(path.join(roots, 'root.pem'), pki.root.pem);
    const trusted = await runCli(['stores', '--add-folder', roots, '--trusted'], { env: { CERTBENCH_DATA_DIR: data } });
    expect(trusted.code).toBe(0);
  });
  afterAll(async () => {
    await server?.close();
    pki?.cleanup();
    fs.rmSync(data, { recursive: true, force: true });
    fs.rmSync(folder, { recursive: true, force: true });
    fs.rmSync(roots, { recursive: true, force: true });
  });

  it('lists the client certificate as offered (its CA is named) and the server certificate as not, with reasons', async () => {
    const r = await runCli(['probe', server.url(), '--json', '--timeout', '10000'], { env: { CERTBENCH_DATA_DIR: data } });
    const doc = JSON.parse(r.stdout);
    expect(doc.clientAuth.mode).toBe('handshake');
    const byName = Object.fromEntries(doc.offers.decisions.map((d: { commonName: string }) => [d.commonName, d]));
    expect(byName.alice).toMatchObject({ wouldOffer: true, reasons: [] });
    expect(doc.clientAuth.certificateRequest.caNames).toContain(byName.alice.matchedCa);
    expect(byName.localhost.wouldOffer).toBe(false);
    expect(byName.localhost.reasons).toContain('its Enhanced Key Usage (Server Authentication) does not include Client Authentication');
    expect(doc.offers.summary).toMatch(/^The server named \d+ CA\(s\); 1 of 2 local certificate\(s\) would be offered\.$/);

    const text = await runCli(['probe', server.url(), '--timeout', '10000'], { env: { CERTBENCH_DATA_DIR: data } });
    expect(text.stdout).toContain('Local certificates: The server named');
    expect(text.stdout).toMatch(/\[offered\] alice {2}\(/);
    expect(text.stdout).toMatch(/\[not offered\] localhost {2}\(/);
  });

  it('--thumbprint presents a certificate from the stores with its key file, and it is accepted', async () => {
    const sha1 = execFileSync('openssl', ['x509', '-in', pki.files.clientCertPem, '-noout', '-fingerprint', '-sha1'], { encoding: 'utf8' })
      .split('=')[1]!
      .trim()
      .replace(/:/g, '');
    const r = await runCli(['probe', server.url(), '--thumbprint', sha1, '--tls', '1.3', '--json', '--timeout', '10000'], { env: { CERTBENCH_DATA_DIR: data } });
    const doc = JSON.parse(r.stdout);
    const presented = doc.attempts.find((a: { clientCertificate: { presented: boolean } }) => a.clientCertificate.presented);
    expect(presented.clientCertificate).toMatchObject({ presented: true, accepted: true, thumbprint: sha1 });
    const missing = await runCli(['probe', server.url(), '--thumbprint', 'AB'.repeat(20)], { env: { CERTBENCH_DATA_DIR: data } });
    expect(missing.code).toBe(2);
    // Where PowerShell is installed the line also says how to reach PowerShell's personal store.
    expect(missing.stderr.trim()).toMatch(new RegExp(`^certbench: --thumbprint: ${'AB'.repeat(20)} is in none of the local stores or added folders \\(see "certbench stores"(; a certificate only in PowerShell's personal store is presented with --via powershell, the Windows TLS client)?\\)$`));
  });
});

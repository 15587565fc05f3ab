import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueCertificate } from '../../electron/services/lab/pki';
import { loadClientCredential } from '../../electron/services/probe/client-cert';
import { runProbe } from '../../electron/services/probe/probe';
import type { ProbeResult } from '../../shared/model/probe';
import { serverChainSentence } from '../../shared/probe/report-lines';
import { requireOpenssl } from '../helpers/openssl-pki';
import { findNginx, makeProbePki, requireTool, startNginx, startOpensslServer, type ProbePki } from '../helpers/probe-servers';
import { requireBuiltCli } from '../helpers/run-cli';
import { runCliAsync } from '../helpers/run-cli-async';

/**
 * What the probe says when the answer is a refusal: a TLS version the server does not speak (an
 * answer, exit 1, not "could not observe", exit 2), a certificate refused in HTTP rather than by an
 * alert (nginx's 400 pages), and the top-level facts describing the connection that presented the
 * certificate. Real servers on 127.0.0.1 with certificates made per run.
 */
const opensslMissing = requireOpenssl();
if (opensslMissing && process.env.CI === 'true') throw new Error(opensslMissing);
const nginx = findNginx();
const nginxMissing = requireTool(nginx, 'nginx');

let pki: ProbePki;
beforeAll(() => {
  if (opensslMissing) return;
  requireBuiltCli();
  pki = makeProbePki();
});
afterAll(() => pki?.cleanup());

describe.skipIf(opensslMissing !== null)('a TLS version the server does not speak', () => {
  it('certbench probe --tls 1.3 against a TLS 1.2-only server: the finding, the sentence, exit 1', async () => {
    const s = await startOpensslServer(pki, '-verify', ['-tls1_2']);
    try {
      const r = await runCliAsync(['probe', s.url('/'), '--tls', '1.3', '--json'], { env: { CERTBENCH_DATA_DIR: path.join(pki.dir, 'data') } });
      expect(r.code).toBe(1);
      const result = JSON.parse(r.stdout) as ProbeResult;
      expect(result.error).toBeNull();
      expect(result.summary).toBe('The server does not speak TLS 1.3: it answered the TLS 1.3 ClientHello with alert protocol_version (70).');
      expect(result.findings.map((f) => f.id)).toEqual(['server.tls-version-refused']);
      const text = await runCliAsync(['probe', s.url('/'), '--tls', '1.3'], { env: { CERTBENCH_DATA_DIR: path.join(pki.dir, 'data') } });
      expect(text.stdout).toContain('[error] server.tls-version-refused: This server does not speak TLS 1.3');
      expect(text.stderr).toBe('');
    } finally {
      await s.close();
    }
  }, 60_000);
});

describe.skipIf(opensslMissing !== null || nginxMissing !== null)('nginx refusing a certificate in HTTP (apt-get install nginx)', () => {
  let server: { ports: Record<string, number>; close(): Promise<void> };
  beforeAll(async () => {
    server = await startNginx(nginx!, pki, [{ name: 'on', verify: 'on', clientCaFile: pki.files.caBundle }]);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('a certificate from a CA nginx does not trust: one finding quoting "The SSL certificate error", and the top-level facts are that connection\'s', async () => {
    const stranger = issueCertificate({ subject: [['CN', 'mallory']], issuer: pki.otherRoot, eku: ['clientAuth'] });
    const certFile = path.join(pki.dir, 'mallory.pem');
    const keyFile = path.join(pki.dir, 'mallory.key');
    fs.writeFileSync(certFile, stranger.pem);
    fs.writeFileSync(keyFile, stranger.keyPem);
    const client = await loadClientCredential({ fileName: certFile, bytes: fs.readFileSync(certFile) }, { fileName: keyFile, bytes: fs.readFileSync(keyFile) });
    const r = await runProbe({ url: `https://127.0.0.1:${server.ports.on}/`, tls: 'both', timeoutMs: 15_000, client });
    const refusals = r.findings.filter((f) => f.id === 'server.rejected-certificate');
    expect(refusals).toHaveLength(1);
    expect(refusals[0]!.title).toBe('The server refused the client certificate in HTTP: HTTP 400 Bad Request ("The SSL certificate error")');
    expect(refusals[0]!.detail).toContain('ssl_client_certificate');
    const presenting = r.attempts.find((a) => a.clientCertificate.presented)!;
    expect(presenting.http).toMatchObject({ status: 400, message: 'The SSL certificate error' });
    // The report's top-level facts say what happened to the certificate, and which connection they are.
    expect(r.factsFrom).toBe(presenting.label);
    expect(r.http?.status).toBe(400);
    // Without a certificate nginx says the other sentence, on the plain connections.
    expect(r.attempts.find((a) => a.kind === 'default')?.http?.message).toBe('No required SSL certificate was sent');
  }, 60_000);
});

describe.skipIf(opensslMissing !== null)("the server's chain judged for server authentication", () => {
  it('valid up to a trusted root; untrusted when the root it ends in is not among the trusted roots', async () => {
    const s = await startOpensslServer(pki, '-verify');
    try {
      const trusted = await runProbe({ url: s.url('/'), tls: '1.2', timeoutMs: 10_000, trust: [{ der: pki.root.der, source: 'test trust', trusted: true }] });
      expect(trusted.serverChain).toEqual({ status: 'valid', problems: [], root: 'CN=Certbench Probe Root,O=Certbench Probe Test,C=US' });
      const elsewhere = await runProbe({ url: s.url('/'), tls: '1.2', timeoutMs: 10_000, trust: [{ der: pki.otherRoot.der, source: 'test trust', trusted: true }] });
      // s_server sends its root too (built from -CAfile): the path is whole, but ends in a root not trusted here.
      expect(elsewhere.serverChain).toEqual({ status: 'untrusted', problems: ['the chain ends in "Certbench Probe Root", which is not a trusted root'], root: 'CN=Certbench Probe Root,O=Certbench Probe Test,C=US' });
      expect(serverChainSentence(elsewhere.serverChain!)).toBe("Not trusted here: the chain ends in CN=Certbench Probe Root,O=Certbench Probe Test,C=US that is not among this machine's trusted roots.");
      // Without a trust store given, the chain is not judged rather than judged against nothing.
      expect((await runProbe({ url: s.url('/'), tls: '1.2', timeoutMs: 10_000 })).serverChain).toBeNull();
    } finally {
      await s.close();
    }
  }, 60_000);
});

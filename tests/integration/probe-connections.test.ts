import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProbe } from '../../electron/services/probe/probe';
import { loadClientCredential } from '../../electron/services/probe/client-cert';
import type { ClientCredential } from '../../electron/services/probe/attempt';
import type { ProbeAttempt, ProbeResult } from '../../shared/model/probe';
import { versionRefused } from '../../shared/probe/findings';
import { makeProbePki, type ProbePki } from '../helpers/probe-servers';
import { requireOpenssl } from '../helpers/openssl-pki';
import { requireBuiltCli } from '../helpers/run-cli';
import { runCliAsync as runCli } from '../helpers/run-cli-async';
import { dispatch } from '../../electron/dispatch';
import { testHandlers, testServices } from '../helpers/services';

/**
 * How many connections a probe makes: none that repeats an earlier one's answer. A server that
 * counts its TCP connections asks for a client certificate in the handshake and answers 200; it
 * speaks TLS 1.2 and 1.3, or TLS 1.2 only.
 */
const missing = requireOpenssl();
if (missing && process.env.CI === 'true') throw new Error(missing);

interface CountingServer {
  url: string;
  connections: () => number;
  close: () => Promise<void>;
}

function startCounting(pki: ProbePki, maxVersion: tls.SecureVersion): Promise<CountingServer> {
  let count = 0;
  const server = tls.createServer(
    { cert: pki.server.pem + pki.intermediate.pem, key: pki.server.keyPem, ca: [pki.intermediate.pem, pki.root.pem], requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.2', maxVersion },
    (s) => {
      s.on('error', () => undefined);
      s.once('data', () => s.end('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n'));
    },
  );
  server.on('connection', () => (count += 1));
  server.on('tlsClientError', () => undefined);
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      resolve({ url: `https://localhost:${port}/`, connections: () => count, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

const kinds = (r: ProbeResult) => r.attempts.map((a) => a.kind);
const attempt = (r: ProbeResult, kind: ProbeAttempt['kind']) => {
  const a = r.attempts.find((x) => x.kind === kind);
  if (!a) throw new Error(`no ${kind} attempt in ${kinds(r).join(', ')}`);
  return a;
};

describe.skipIf(missing !== null)('probe connections: none repeats an earlier answer', () => {
  let pki: ProbePki;
  let pfx: ClientCredential;
  let both: CountingServer;
  let only12: CountingServer;
  beforeAll(async () => {
    pki = makeProbePki();
    pfx = await loadClientCredential({ fileName: 'client.pfx', bytes: fs.readFileSync(pki.files.clientPfx), password: pki.pfxPassword });
    both = await startCounting(pki, 'TLSv1.3');
    only12 = await startCounting(pki, 'TLSv1.2');
  });
  afterAll(async () => {
    await both?.close();
    await only12?.close();
    pki?.cleanup();
  });

  it('does not force TLS 1.3 again when the default connection negotiated it: two connections, the TLS 1.3 answer is the first one\'s, said in its timeline', async () => {
    const before = both.connections();
    const r = await runProbe({ url: both.url, tls: 'both', timeoutMs: 10_000 });
    expect(both.connections() - before).toBe(2);
    expect(kinds(r)).toEqual(['default', 'tls1.2', 'tls1.3']);
    const first = attempt(r, 'default');
    const v13 = attempt(r, 'tls1.3');
    expect(first.tls.version).toBe('TLS 1.3');
    expect(v13.reused).toEqual({ from: 'default', note: 'TLS 1.3 attempt not repeated: the first connection negotiated it' });
    expect(v13.timeline[0]?.message).toBe('TLS 1.3 attempt not repeated: the first connection negotiated it');
    expect(v13.tls).toEqual(first.tls);
    expect(v13.clientAuth).toEqual(first.clientAuth);
    expect(v13.http?.status).toBe(200);
    expect(attempt(r, 'tls1.2').reused).toBeUndefined();
    expect(attempt(r, 'tls1.2').tls.version).toBe('TLS 1.2');
    expect(r.clientAuth.mode).toBe('handshake');
  });

  it('on a TLS 1.2-only server: TLS 1.2 is the first connection\'s answer, TLS 1.3 is tried once and found refused', async () => {
    const before = only12.connections();
    const r = await runProbe({ url: only12.url, tls: 'both', timeoutMs: 10_000 });
    expect(only12.connections() - before).toBe(2);
    expect(kinds(r)).toEqual(['default', 'tls1.2', 'tls1.3']);
    expect(attempt(r, 'tls1.2').reused?.note).toBe('TLS 1.2 attempt not repeated: the first connection negotiated it');
    expect(attempt(r, 'tls1.2').clientAuth.mode).toBe('handshake');
    expect(attempt(r, 'tls1.3').reused).toBeUndefined();
    expect(versionRefused(attempt(r, 'tls1.3'))?.version).toBe('TLS 1.3');
  });

  it('never offers a refused version again: --tls 1.3 with a certificate on a TLS 1.2-only server makes one connection', async () => {
    const before = only12.connections();
    const r = await runProbe({ url: only12.url, tls: '1.3', timeoutMs: 10_000, client: pfx });
    expect(only12.connections() - before).toBe(1);
    expect(kinds(r)).toEqual(['tls1.3']);
    expect(versionRefused(r.attempts[0]!)?.version).toBe('TLS 1.3');
  });

  it('--once makes exactly one connection, presenting the certificate when one is given', async () => {
    let before = both.connections();
    const plain = await runProbe({ url: both.url, tls: 'both', once: true, timeoutMs: 10_000 });
    expect(both.connections() - before).toBe(1);
    expect(kinds(plain)).toEqual(['default']);
    expect(plain.clientAuth.mode).toBe('handshake');

    before = both.connections();
    const withCert = await runProbe({ url: both.url, tls: 'both', once: true, timeoutMs: 10_000, client: pfx });
    expect(both.connections() - before).toBe(1);
    expect(kinds(withCert)).toEqual(['client-certificate']);
    expect(withCert.attempts[0]!.clientCertificate.presented).toBe(true);
    expect(withCert.http?.status).toBe(200);
  });

  it('probe:run with once: one connection through the contract, as the CLI\'s --once', async () => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-connections-'));
    try {
      const before = both.connections();
      const handlers = testHandlers(testServices({ ...process.env, CERTBENCH_DATA_DIR: data }));
      const result = await dispatch('probe:run', { url: both.url, once: true }, { mode: 'web', signal: new AbortController().signal, progress: () => undefined }, handlers);
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect((result.value as ProbeResult).attempts.map((a) => a.kind)).toEqual(['default']);
      expect(both.connections() - before).toBe(1);
    } finally {
      fs.rmSync(data, { recursive: true, force: true });
    }
  });

  it('certbench probe --once --json: one connection, one attempt; the text report says the TLS 1.3 attempt was not repeated', async () => {
    requireBuiltCli();
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-connections-'));
    try {
      const env = { CERTBENCH_DATA_DIR: data };
      const before = both.connections();
      const once = await runCli(['probe', both.url, '--once', '--json', '--timeout', '10000'], { env });
      expect(once.stderr).toBe('');
      expect(both.connections() - before).toBe(1);
      expect((JSON.parse(once.stdout) as ProbeResult).attempts.map((a) => a.kind)).toEqual(['default']);
      const text = await runCli(['probe', both.url, '--timeout', '10000'], { env });
      expect(text.stdout).toContain('== TLS 1.3 forced: TLS 1.3 | TLS_AES_256_GCM_SHA384 | HTTP 200 OK\n  TLS 1.3 attempt not repeated: the first connection negotiated it; its answer above stands for this one.\n');
    } finally {
      fs.rmSync(data, { recursive: true, force: true });
    }
  });
});

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import tls from 'node:tls';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { issueCertificate } from '../electron/services/lab/pki';
import { connectAndRecord, describeAttempt, type AttemptSpec } from '../electron/services/probe/attempt';
import { runProbe } from '../electron/services/probe/probe';
import { createSystemTrust } from '../electron/services/system-trust';
import { DEFAULT_LIMITS } from '../shared/tls/records';
import { freePort } from '../electron/services/net/free-port';
import { median, round, type BenchResult } from './result';

/**
 * The probe's wall time against `openssl s_client -connect ... -servername ...` doing the same
 * handshake and HTTP request against the same local server (`openssl s_server -verify -www`, in its own
 * process, asking for a client certificate with a CA list), measured side by side in one run, median
 * of N. Two results: one connection (handshake, GET, response, and for the probe also the decryption
 * and decoding of every record), and the whole default probe (two connections: default, which
 * negotiates TLS 1.3 and answers for TLS 1.3, then TLS 1.2 forced) against the two s_client runs that
 * make the same handshakes (default, -tls1_2). s_client's time includes starting
 * its process, as a helpdesk running it would.
 */





export async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`openssl s_server did not listen on ${port}`);
}

/** One `openssl s_client` run: connect, handshake, send the request, read until the server closes. */
export function sClient(port: number, extra: string[]): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-quiet', ...extra], { stdio: ['pipe', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
    child.stdin.end('GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    child.on('error', reject);
    child.on('close', () => {
      if (!/^HTTP\/1\.[01] 200/m.test(out)) return reject(new Error(`s_client got no HTTP 200: ${out.slice(0, 80)}`));
      resolve(performance.now() - started);
    });
  });
}

/** `openssl s_time -new -www /` for about `seconds`: OpenSSL's own loop, per connection, no process start per connection. */
function sTime(port: number, seconds: number): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('openssl', ['s_time', '-connect', `127.0.0.1:${port}`, '-www', '/', '-new', '-time', String(seconds)], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
    child.on('error', reject);
    child.on('close', () => {
      const m = /(\d+) connections in [\d.]+s/.exec(out);
      if (!m) return reject(new Error(`s_time printed no count: ${out.slice(-200)}`));
      resolve((performance.now() - started) / Number(m[1]));
    });
  });
}

/** Plain node:tls, no tap, no key log, no decoding: the same handshake and request. */
function plainNode(port: number): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const t = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false });
    let out = '';
    t.once('secureConnect', () => t.write('GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'));
    t.on('data', (d: Buffer) => (out += d.toString('latin1')));
    t.on('error', reject);
    t.on('close', () => (/^HTTP\/1\.[01] 200/.test(out) ? resolve(performance.now() - started) : reject(new Error('plain node:tls: no 200'))));
  });
}

/** A local `openssl s_server -verify 2 -www` asking for a client certificate with a CA list, in its own process. */
export async function startOpensslServer(): Promise<{ port: number; stop: () => void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-bench-probe-'));
  const root = issueCertificate({ subject: [['O', 'Certbench Bench'], ['CN', 'Bench Root']], ca: true });
  const server = issueCertificate({ subject: [['CN', 'localhost']], issuer: root, eku: ['serverAuth'], dnsNames: ['localhost'] });
  fs.writeFileSync(path.join(dir, 'server.pem'), server.pem + root.pem);
  fs.writeFileSync(path.join(dir, 'server.key'), server.keyPem);
  fs.writeFileSync(path.join(dir, 'ca.pem'), root.pem);
  const port = await freePort();
  const child = spawn(
    'openssl',
    ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', path.join(dir, 'server.pem'), '-key', path.join(dir, 'server.key'), '-CAfile', path.join(dir, 'ca.pem'), '-verify', '2', '-www', '-quiet'],
    { stdio: ['pipe', 'ignore', 'ignore'] },
  );
  const stop = () => {
    child.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port);
  } catch (err) {
    stop();
    throw err;
  }
  return { port, stop };
}

export async function benchProbe(progress: (m: string) => void, rounds = 25): Promise<BenchResult[]> {
  const { port, stop } = await startOpensslServer();
  try {
    const target = { host: 'localhost', port, path: '/', servername: 'localhost' };
    const one = async () => {
      const started = performance.now();
      const spec: AttemptSpec = { label: 'bench', target, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3', client: null, deadline: performance.now() + 10_000, limits: DEFAULT_LIMITS };
      const { attempt } = describeAttempt(spec, await connectAndRecord(spec));
      if (attempt.http?.status !== 200 || attempt.clientAuth.mode !== 'handshake') throw new Error(`probe attempt: ${attempt.http?.status} ${attempt.clientAuth.mode} ${attempt.error}`);
      return performance.now() - started;
    };
    const full = async () => {
      const started = performance.now();
      const r = await runProbe({ url: `https://localhost:${port}/`, tls: 'both', timeoutMs: 20_000 });
      if (r.clientAuth.mode !== 'handshake' || r.attempts.length !== 3) throw new Error(`probe: ${r.clientAuth.mode}, ${r.attempts.length} attempts`);
      return performance.now() - started;
    };
    // As the CLI and the Probe page run it: with this machine's roots, so the server's chain is judged too.
    const roots = (await createSystemTrust().roots()).items;
    const fullJudged = async () => {
      const started = performance.now();
      const r = await runProbe({ url: `https://localhost:${port}/`, tls: 'both', timeoutMs: 20_000, trust: roots });
      if (!r.serverChain) throw new Error('probe: the server chain was not judged');
      return performance.now() - started;
    };
    const same = async () => {
      const started = performance.now();
      await sClient(port, []);
      await sClient(port, ['-tls1_2']);
      return performance.now() - started;
    };
    // Warm both sides (JIT, page cache, OpenSSL's first load), then alternate so drift hits both.
    await one();
    await sClient(port, []);
    progress(`probe: measuring ${rounds} connections each, probe and openssl s_client, alternating...`);
    const plain: number[] = [];
    const oursOne: number[] = [];
    const theirsOne: number[] = [];
    const oursFull: number[] = [];
    const theirsFull: number[] = [];
    const oursJudged: number[] = [];
    for (let i = 0; i < rounds; i++) {
      oursOne.push(await one());
      theirsOne.push(await sClient(port, []));
      plain.push(await plainNode(port));
    }
    progress('probe: openssl s_time for 2 s...');
    const loop = await sTime(port, 2);
    for (let i = 0; i < Math.max(5, Math.floor(rounds / 3)); i++) {
      oursFull.push(await full());
      theirsFull.push(await same());
      oursJudged.push(await fullJudged());
    }
    const a = median(oursOne);
    const b = median(theirsOne);
    const c = median(oursFull);
    const d = median(theirsFull);
    const e = median(plain);
    const f = median(oursJudged);
    return [
      {
        name: 'probe.one-connection',
        value: round(a),
        unit: `ms median of ${rounds}: TLS 1.3 handshake with a CertificateRequest, GET /, response; probe also decrypts and decodes every record`,
        baseline: 'openssl s_client -connect -servername, same request to the same openssl s_server (process start included)',
        baselineValue: round(b),
        ratio: round(a / b),
        target: '<= 1.5',
      },
      {
        name: 'probe.default-probe',
        value: round(c),
        unit: `ms median of ${oursFull.length}: default and TLS 1.2 connections (TLS 1.3 answered by the default one) with findings`,
        baseline: 'two openssl s_client runs (default, -tls1_2) against the same server',
        baselineValue: round(d),
        ratio: round(c / d),
        target: '<= 1.5',
      },
      {
        name: 'probe.server-chain-judged',
        value: round(f),
        unit: `ms median of ${oursJudged.length}: the default probe with this machine's ${roots.length} trusted roots given, so the server's chain is judged for server authentication (as the CLI and the Probe page run it)`,
        baseline: 'the same default probe without trusted roots (chain not judged)',
        baselineValue: round(c),
        ratio: round(f / c),
        target: 'reference only: what judging the server chain adds to a probe',
      },
      {
        name: 'probe.recording-overhead',
        value: round(a),
        unit: 'ms per connection: the probe (tap, key log, decryption, decoding, timeline)',
        baseline: 'plain node:tls connect + GET + response to the same server, nothing recorded',
        baselineValue: round(e),
        ratio: round(a / e),
        target: 'reference only: what recording and decoding cost over node:tls itself',
      },
      {
        name: 'probe.vs-openssl-loop',
        value: round(a),
        unit: 'ms per connection: the probe',
        baseline: 'openssl s_time -new -www / (OpenSSL in one process, no process start per connection; wall time / connections)',
        baselineValue: round(loop),
        ratio: round(a / loop),
        target: 'reference only: the floor no Node client reaches',
      },
    ];
  } finally {
    stop();
  }
}

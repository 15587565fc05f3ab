import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab } from '../../electron/services/lab/lab';
import { testHandlers, testServices } from '../helpers/services';
import { findApache } from '../../electron/services/lab/apache';
import { probeWithPostHandshakeAuth } from '../../electron/services/probe/tls13-client';
import type { LabScenarioName, LabState } from '../../shared/model/lab';
import { createRevocationService } from '../../electron/services/revocation/service';
import { quietWork } from '../../electron/services/work';
import { analyzeChains } from '../../shared/chain/analyze';
import { revocationFindings } from '../../shared/revocation/findings';
import { withRevocation } from '../../shared/revocation/apply';
import { requireBuiltCli, runCli, CLI } from '../helpers/run-cli';

/**
 * The lab as a user meets it: start every scenario, then check each against what it claims with
 * Node's TLS client and with `openssl s_client` (-msg for the message order, the "Acceptable client
 * certificate CA names" section for the list), stop it, and check that nothing is left running.
 */

const inCi = process.env.CI === 'true';
const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const apache = findApache();
if (inCi && !hasOpenssl) throw new Error('openssl is missing: apt-get install openssl');
if (inCi && !apache) throw new Error('Apache httpd is missing: apt-get install apache2');

const REQUEST = (p: string) => `GET ${p} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`;

/** GET over Node's TLS client (follows a TLS 1.2 renegotiation; never offers post_handshake_auth). */
function nodeGet(port: number, creds: { cert?: string; key?: string } = {}, extra: tls.ConnectionOptions = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    // The callback is registered with once(): a renegotiation's second 'secureConnect' does not resend.
    const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false, ...creds, ...extra }, () => socket.write(REQUEST('/secure/')));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (text += d));
    const done = () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text });
    socket.on('end', done);
    socket.on('close', done);
    socket.on('error', reject);
    socket.setTimeout(10_000, () => socket.destroy(new Error('timeout')));
  });
}

/** `openssl s_client` with the request on stdin; waits for the server to close (-ign_eof). */
function sClient(port: number, args: string[], timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve) => {
    const proc = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-ign_eof', ...args], { stdio: 'pipe' });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.once('exit', () => {
      clearTimeout(timer);
      resolve(out);
    });
    proc.stdin.end(REQUEST('/secure/'));
  });
}

/** The -msg lines naming messages, in order: ">>> ClientHello", "<<< CertificateRequest [6410]". */
function messages(out: string): string[] {
  const lines: string[] = [];
  for (const m of out.matchAll(/^(<<<|>>>) TLS [\d.]+, (Handshake|Alert|ChangeCipherSpec) \[length ([0-9a-f]+)\](?:, (.*))?$/gm)) {
    lines.push(`${m[1]} ${m[2] === 'Handshake' ? m[4] : m[2] === 'Alert' ? `Alert ${m[4]}` : 'ChangeCipherSpec'} [${parseInt(m[3]!, 16)}]`);
  }
  return lines;
}
const names = (out: string) => messages(out).map((l) => l.replace(/ \[\d+\]$/, ''));

/** The "Acceptable client certificate CA names" section of s_client's output. */
function acceptableNames(out: string): string[] | null {
  if (out.includes('No client certificate CA names sent')) return [];
  const m = /Acceptable client certificate CA names\n((?:[^\n]+\n)*?)(?:Requested Signature Algorithms|Client Certificate Types|Shared Requested|Peer signing)/.exec(out);
  return m ? m[1]!.trim().split('\n') : null;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!hasOpenssl)('certbench lab (apt-get install openssl apache2)', () => {
  let dir: string;
  let lab: Lab;
  let state: LabState;
  let creds: { cert: string; key: string };
  let apachePid: number | null = null;
  const scenario = (name: LabScenarioName) => state.scenarios.find((s) => s.name === name)!;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-lab-test-'));
    lab = new Lab(() => path.join(dir, 'lab'));
    state = await lab.start();
    apachePid = lab.apachePid;
    creds = { cert: fs.readFileSync(state.clientFiles!.certificate, 'utf8'), key: fs.readFileSync(state.clientFiles!.key, 'utf8') };
  });
  afterAll(async () => {
    await lab.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts every scenario on its own port of 127.0.0.1 and writes the PKI to the lab folder', () => {
    expect(state.running).toBe(true);
    expect(state.folder).toBe(path.join(dir, 'lab'));
    expect(state.scenarios.map((s) => s.name)).toEqual(['handshake', 'renegotiation', 'post-handshake', 'large-ca-list', 'empty-ca-list', 'wrong-ca-list', 'revocation']);
    expect(state.revocation?.cases.map((c) => c.name)).toEqual(['good', 'revoked', 'delta-revoked', 'unreachable', 'stale-crl', 'ocsp-unknown', 'oversized-crl', 'redirect-loop']);
    const available = state.scenarios.filter((s) => s.available);
    expect(new Set(available.map((s) => s.port)).size).toBe(available.length);
    for (const s of available) expect(s.url).toBe(`https://127.0.0.1:${s.port}/secure/`);
    expect(scenario('post-handshake').available).toBe(apache !== null);
    expect(state.clientPfx!.path).toBe(path.join(dir, 'lab', 'client.pfx'));
    expect(state.clientPfx!.subject).toBe('CN=lab-client,OU=Helpdesk,O=Certbench Lab,C=US');
    expect(fs.statSync(state.clientFiles!.key).mode & 0o077).toBe(0);
    expect(fs.statSync(state.clientPfx!.path).mode & 0o077).toBe(0);
  });

  it('the client PFX opens with its password in openssl and holds the key, the certificate and its chain', () => {
    const env = { ...process.env, LAB_PW: state.clientPfx!.password };
    const certs = execFileSync('openssl', ['pkcs12', '-in', state.clientPfx!.path, '-passin', 'env:LAB_PW', '-nokeys'], { env, encoding: 'utf8' });
    expect(certs.match(/BEGIN CERTIFICATE/g)).toHaveLength(3);
    expect(certs).toContain('subject=C = US, O = Certbench Lab, OU = Helpdesk, CN = lab-client');
    const key = execFileSync('openssl', ['pkcs12', '-in', state.clientPfx!.path, '-passin', 'env:LAB_PW', '-nocerts', '-nodes'], { env, encoding: 'utf8' });
    expect(key).toContain('BEGIN PRIVATE KEY');
    expect(() => execFileSync('openssl', ['pkcs12', '-in', state.clientPfx!.path, '-passin', 'pass:wrong', '-nokeys'], { stdio: 'pipe' })).toThrow();
    const verified = execFileSync('openssl', ['verify', '-CAfile', state.caFiles!.root, '-untrusted', state.caFiles!.intermediate, state.clientFiles!.certificate], { encoding: 'utf8' });
    expect(verified.trim()).toBe(`${state.clientFiles!.certificate}: OK`);
  });

  it("the client certificate and its issuing CA name the lab's own CRLs, which the lab serves: checked, both read good per CRL and nothing is raised", async () => {
    const x509 = (file: string) => new crypto.X509Certificate(fs.readFileSync(file));
    const der = (file: string) => new Uint8Array(x509(file).raw);
    const client = der(state.clientFiles!.certificate);
    const items = [
      { der: client, source: 'client.pem', trusted: false },
      { der: der(state.caFiles!.intermediate), source: 'issuing-ca.pem', trusted: false },
      { der: der(state.caFiles!.root), source: 'root-ca.pem', trusted: true },
    ];
    const thumbprint = x509(state.clientFiles!.certificate).fingerprint.replace(/:/g, '');
    const at = new Date();
    const analyzed = (await analyzeChains(items, [{ thumbprint, key: { status: 'present', detail: 'client.key' } }], at)).results[0]!;
    const answers = await createRevocationService().checkPath(analyzed.chain.best, { at, timeoutMs: 5000 }, quietWork());
    expect(answers.map((a) => a.status)).toEqual(['good', 'good', 'not-checked']);
    expect(answers[0]!.text).toMatch(/^good per CRL http:\/\/127\.0\.0\.1:\d+\/certbench-lab\/issuing-ca\.crl$/);
    expect(answers[1]!.text).toMatch(/^good per CRL http:\/\/127\.0\.0\.1:\d+\/certbench-lab\/root-ca\.crl$/);
    const checked = withRevocation({ chain: analyzed.chain, verdict: analyzed.verdict }, answers);
    expect(revocationFindings(checked.chain.best.links)).toEqual([]);
  });

  it('handshake: the CertificateRequest comes in the first handshake, naming the lab CAs; 200 with the certificate, 403.7 without', async () => {
    const s = scenario('handshake');
    const out = await sClient(s.port!, ['-msg', '-tls1_2', '-cert', state.clientFiles!.certificate, '-key', state.clientFiles!.key]);
    const seq = names(out);
    expect(seq.indexOf('<<< CertificateRequest')).toBeGreaterThan(seq.indexOf('<<< ServerHello'));
    expect(seq.indexOf('<<< CertificateRequest')).toBeLessThan(seq.indexOf('>>> Finished'));
    expect(acceptableNames(out)).toEqual(['C = US, O = Certbench Lab, CN = Certbench Lab Issuing CA', 'C = US, O = Certbench Lab, CN = Certbench Lab Root CA']);
    expect(out).toContain('HTTP/1.1 200 OK');
    expect(s.caNames).toBe(2);
    const without = await nodeGet(s.port!);
    expect(without.status).toBe(403);
    expect(without.text).toContain('HTTP Error 403.7 - Forbidden');
    const withCert = await nodeGet(s.port!, creds);
    expect(withCert.status).toBe(200);
    expect(withCert.text).toContain('Subject: <code>CN=lab-client,OU=Helpdesk,O=Certbench Lab,C=US</code>');
  });

  it('renegotiation: TLS 1.2 only; nothing is asked until GET, then HelloRequest and a second handshake with the CertificateRequest', async () => {
    const s = scenario('renegotiation');
    const out = await sClient(s.port!, ['-msg', '-cert', state.clientFiles!.certificate, '-key', state.clientFiles!.key]);
    const seq = names(out);
    const hello = seq.indexOf('<<< HelloRequest');
    expect(hello).toBeGreaterThan(seq.indexOf('<<< Finished'));
    expect(seq.indexOf('<<< CertificateRequest')).toBeGreaterThan(hello);
    expect(seq.slice(0, hello)).not.toContain('<<< CertificateRequest');
    expect(seq.slice(hello)).toEqual(expect.arrayContaining(['>>> ClientHello', '<<< ServerHello', '>>> Certificate', '>>> CertificateVerify']));
    expect(out).toContain('Protocol  : TLSv1.2');
    expect(out).toContain('HTTP/1.1 200 OK');
    // Node's client follows the renegotiation by itself.
    expect((await nodeGet(s.port!, creds)).status).toBe(200);
    const without = await nodeGet(s.port!);
    expect(without.status).toBe(403);
    expect(without.text).toContain('HTTP Error 403.7 - Forbidden');
    await expect(nodeGet(s.port!, creds, { minVersion: 'TLSv1.3' })).rejects.toThrow();
  });

  it.skipIf(!apache)('post-handshake: TLS 1.3 only; Node gets 403.7, s_client -enable_pha answers the CertificateRequest after GET and gets 200', async () => {
    const s = scenario('post-handshake');
    expect(s.server).toMatch(/^Apache\//);
    const node = await nodeGet(s.port!, creds);
    expect(node.status).toBe(403);
    expect(node.text).toContain('HTTP Error 403.7 - Forbidden');
    const out = await sClient(s.port!, ['-msg', '-enable_pha', '-cert', state.clientFiles!.certificate, '-key', state.clientFiles!.key]);
    const seq = names(out);
    const request = seq.indexOf('<<< CertificateRequest');
    expect(request).toBeGreaterThan(seq.indexOf('>>> Finished'));
    expect(seq.slice(request + 1, request + 4)).toEqual(['>>> Certificate', '>>> CertificateVerify', '>>> Finished']);
    expect(out).toContain('HTTP/1.1 200 OK');
    expect(out).toContain('CN=lab-client,OU=Helpdesk,O=Certbench Lab,C=US');
    const tls12 = await sClient(s.port!, ['-tls1_2']);
    expect(tls12).toMatch(/alert protocol version|tlsv1 alert protocol version/i);
    // Our own client sees the same request and the same CA names the lab reports.
    const probe = await probeWithPostHandshakeAuth({ host: '127.0.0.1', port: s.port!, servername: 'localhost', path: '/secure/' }, { timeoutMs: 10_000 });
    expect(probe.clientAuth.mode).toBe('post-handshake');
    expect(probe.clientAuth.certificateRequest?.caNamesBytes).toBe(s.caNamesBytes);
    expect(probe.http).toMatchObject({ status: 403, subStatus: 7, reason: 'Forbidden', message: 'HTTP Error 403.7 - Forbidden' });
  });

  it('large-ca-list: 142 CA names, over 16,384 bytes, in a CertificateRequest that spans records', async () => {
    const s = scenario('large-ca-list');
    expect(s.caNames).toBe(142);
    expect(s.caNamesBytes).toBeGreaterThan(16_384);
    const out = await sClient(s.port!, ['-msg', '-tls1_2', '-cert', state.clientFiles!.certificate, '-key', state.clientFiles!.key]);
    const listed = acceptableNames(out)!;
    expect(listed).toHaveLength(142);
    expect(listed[141]).toBe('C = US, L = Redmond, O = Certbench Lab Filler Organisation 140, OU = Certification Authorities and Trust Services, CN = Certbench Lab Filler Root CA 140');
    const request = messages(out).find((l) => l.startsWith('<<< CertificateRequest'))!;
    const length = Number(/\[(\d+)\]$/.exec(request)![1]);
    expect(length).toBeGreaterThan(s.caNamesBytes);
    expect(out).toContain('HTTP/1.1 200 OK');
    expect((await nodeGet(s.port!, creds)).status).toBe(200);
    const probe = await probeWithPostHandshakeAuth({ host: '127.0.0.1', port: s.port!, servername: 'localhost', path: '/secure/' }, { timeoutMs: 10_000 });
    expect(probe.clientAuth.mode).toBe('handshake');
    expect(probe.clientAuth.certificateRequest?.caNamesBytes).toBe(s.caNamesBytes);
    expect(probe.clientAuth.certificateRequest?.records).toBe(2);
  });

  it('empty-ca-list: the CertificateRequest names no CA; the certificate is still accepted', async () => {
    const s = scenario('empty-ca-list');
    expect(s.caNames).toBe(0);
    const out = await sClient(s.port!, ['-msg', '-tls1_2', '-cert', state.clientFiles!.certificate, '-key', state.clientFiles!.key]);
    expect(names(out)).toContain('<<< CertificateRequest');
    expect(acceptableNames(out)).toEqual([]);
    expect(out).toContain('HTTP/1.1 200 OK');
    expect((await nodeGet(s.port!, creds)).status).toBe(200);
    expect((await nodeGet(s.port!)).text).toContain('HTTP Error 403.7 - Forbidden');
  });

  it("wrong-ca-list: only an unrelated CA is named; a client that sends the certificate anyway is accepted", async () => {
    const s = scenario('wrong-ca-list');
    const out = await sClient(s.port!, ['-msg', '-tls1_2', '-cert', state.clientFiles!.certificate, '-key', state.clientFiles!.key]);
    expect(acceptableNames(out)).toEqual(['C = US, O = Unrelated Example Org, CN = Unrelated Example Root CA']);
    expect(out).toContain('HTTP/1.1 200 OK');
    expect((await nodeGet(s.port!, creds)).status).toBe(200);
    const without = await nodeGet(s.port!);
    expect(without.status).toBe(403);
    expect(without.text).toContain('HTTP Error 403.7 - Forbidden');
  });

  it('a second start reuses the PKI and replaces the running servers; stop leaves no port open and no process running', async () => {
    const before = state.scenarios.filter((s) => s.available).map((s) => s.port!);
    const again = await lab.start(['empty-ca-list']);
    expect(again.clientPfx!.password).toBe(state.clientPfx!.password);
    expect(again.scenarios.map((s) => s.name)).toEqual(['empty-ca-list']);
    for (const port of before) expect(await portOpen(port)).toBe(false);
    if (apachePid) expect(processAlive(apachePid)).toBe(false);
    const port = again.scenarios[0]!.port!;
    expect(await portOpen(port)).toBe(true);
    expect(await lab.stop()).toEqual({ stopped: 1 });
    expect(await portOpen(port)).toBe(false);
    expect(lab.status()).toEqual({ running: false, folder: path.join(dir, 'lab'), clientPfx: null, caFiles: null, clientFiles: null, scenarios: [] });
    // Only this lab's processes: other test files run their own Apache and s_client in parallel.
    const ps = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
    if (apachePid) expect(ps.split('\n').some((l) => l.trim().startsWith(`${apachePid} `))).toBe(false);
    for (const p of [...before, port]) expect(ps).not.toContain(`openssl s_client -connect 127.0.0.1:${p} `);
  });
});

describe.skipIf(!hasOpenssl)('lab:start / lab:status / lab:stop and `certbench lab`', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-lab-data-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('serves the channels through the contract, under CERTBENCH_DATA_DIR', async () => {
    const saved = process.env.CERTBENCH_DATA_DIR;
    process.env.CERTBENCH_DATA_DIR = dir;
    const { dispatch } = await import('../../electron/dispatch');
    const handlers = testHandlers(testServices({ ...process.env, CERTBENCH_DATA_DIR: dir }));
    const ctx = { mode: 'web' as const, progress: () => undefined, signal: new AbortController().signal };
    try {
      const bad = await dispatch('lab:start', { scenarios: ['nope'] }, ctx, handlers);
      expect(bad.ok).toBe(false);
      const started = await dispatch('lab:start', { scenarios: ['wrong-ca-list'] }, ctx, handlers);
      expect(started.ok).toBe(true);
      const value = (started as { ok: true; value: LabState }).value;
      expect(value.folder).toBe(path.join(dir, 'lab'));
      expect(value.scenarios).toHaveLength(1);
      expect(fs.existsSync(path.join(dir, 'lab', 'client.pfx'))).toBe(true);
      const status = await dispatch('lab:status', {}, ctx, handlers);
      expect((status as { ok: true; value: LabState }).value.running).toBe(true);
      expect(await dispatch('lab:stop', {}, ctx, handlers)).toEqual({ ok: true, value: { stopped: 1 } });
      expect(await portOpen(value.scenarios[0]!.port!)).toBe(false);
      expect(((await dispatch('lab:status', {}, ctx, handlers)) as { ok: true; value: LabState }).value.running).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.CERTBENCH_DATA_DIR;
      else process.env.CERTBENCH_DATA_DIR = saved;
    }
  });

  it('a stop that arrives while the lab is starting waits for it and stops what it started', async () => {
    const lab = new Lab(() => path.join(dir, 'lab'));
    const starting = lab.start(['handshake', 'empty-ca-list']);
    const stopped = await lab.stop();
    const state = await starting;
    expect(stopped).toEqual({ stopped: 2 });
    expect(lab.status().running).toBe(false);
    for (const s of state.scenarios) expect(await portOpen(s.port!)).toBe(false);
  });

  it('`certbench lab --scenario empty-ca-list --json` prints the lab, serves until SIGINT, then stops cleanly', async () => {
    requireBuiltCli();
    const proc = spawn(process.execPath, [CLI, 'lab', '--scenario', 'empty-ca-list', '--json'], { env: { ...process.env, CERTBENCH_DATA_DIR: dir }, stdio: 'pipe' });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    // The document is complete when it parses; checked as output arrives (no polling), for 20 s at most.
    const doc = await new Promise<LabState | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), 20_000);
      const check = () => {
        try {
          const parsed = JSON.parse(out) as LabState;
          clearTimeout(timer);
          resolve(parsed);
        } catch {
          // not complete yet
        }
      };
      proc.stdout.on('data', check);
      proc.once('exit', () => resolve(null));
    });
    expect(doc, err).not.toBeNull();
    expect(doc!.scenarios.map((s) => s.name)).toEqual(['empty-ca-list']);
    expect(doc!.clientPfx!.path).toBe(path.join(dir, 'lab', 'client.pfx'));
    const port = doc!.scenarios[0]!.port!;
    expect((await nodeGet(port)).status).toBe(403);
    proc.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(await portOpen(port)).toBe(false);
  });

  it('`certbench lab --scenario nope` is bad usage: exit 2 and one line', () => {
    requireBuiltCli();
    const r = runCli(['lab', '--scenario', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      'certbench: --scenario: "nope" is not a lab scenario (choose from handshake, renegotiation, post-handshake, large-ca-list, empty-ca-list, wrong-ca-list, revocation)',
    );
  });
});

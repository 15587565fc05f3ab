import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findApache, startApache, type RunningApache } from '../../electron/services/lab/apache';
import type { ProbeAttempt, ProbeResult } from '../../shared/model/probe';
import { findNginx, makeProbePki, PAGE_403_7, requireTool, startNginx, startOpensslServer, type ProbePki } from '../helpers/probe-servers';
import { requireOpenssl } from '../helpers/openssl-pki';
import { importPfxIntoDotnetStore, PWSH, requirePwsh } from '../helpers/pwsh';
import { requireBuiltCli } from '../helpers/run-cli';
import { runCliAsync } from '../helpers/run-cli-async';

/**
 * The second probe client for real: `certbench probe URL --thumbprint T --via powershell` runs the
 * same PowerShell text Windows runs, here on PowerShell 7 where .NET's SslStream sits on OpenSSL,
 * with the client certificate imported into the test user's .NET CurrentUser\My store (a HOME made
 * per run, so the real user's store is never touched) and chosen by thumbprint. Servers: Apache
 * (TLS 1.2 per-Location renegotiation, TLS 1.3 post-handshake), nginx (`on`, `optional_no_ca`) and
 * `openssl s_server -Verify`.
 *
 * What this proves about Windows and what it does not: the script parses and runs, the selection
 * callback sees the issuers and the moment the server asks, and the answer maps onto the probe
 * report. .NET on Linux follows a TLS 1.2 renegotiation and offers TLS 1.3 post-handshake auth, as
 * these tests assert; Schannel follows the renegotiation too, but has no TLS 1.3 post-handshake
 * auth, which only a Windows machine can show.
 */
const pwshMissing = requirePwsh();
const opensslMissing = requireOpenssl();
if (opensslMissing && process.env.CI === 'true') throw new Error(opensslMissing);
const apache = findApache();
const apacheMissing = requireTool(apache ? apache.binary : null, 'apache2');
const nginx = findNginx();
const nginxMissing = requireTool(nginx, 'nginx');
const ready = !pwshMissing && !opensslMissing;

let pki: ProbePki;
let home: string;
let thumbprint: string;
let env: Record<string, string>;

async function probe(url: string, extra: string[] = []): Promise<{ code: number | null; result: ProbeResult; stderr: string }> {
  const r = await runCliAsync(['probe', url, '--via', 'powershell', '--timeout', '30000', '--json', ...extra], { env, timeoutMs: 60_000 });
  if (!r.stdout.trim()) throw new Error(`no JSON (exit ${r.code}): ${r.stderr}`);
  return { code: r.code, result: JSON.parse(r.stdout) as ProbeResult, stderr: r.stderr };
}

const sslStreamAttempt = (r: ProbeResult): ProbeAttempt => {
  const a = r.attempts.find((x) => x.client === 'powershell');
  if (!a) throw new Error(`no PowerShell attempt among ${r.attempts.map((x) => x.label).join(' | ')}`);
  return a;
};

const CA_NAMES = ['CN=Certbench Probe Issuing CA,O=Certbench Probe Test,C=US', 'CN=Certbench Probe Root,O=Certbench Probe Test,C=US'];

beforeAll(() => {
  if (!ready) return;
  requireBuiltCli();
  pki = makeProbePki();
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-dotnet-home-'));
  thumbprint = importPfxIntoDotnetStore(home, pki.files.clientPfx, pki.pfxPassword);
  env = { HOME: home, CERTBENCH_PWSH: PWSH!, CERTBENCH_DATA_DIR: path.join(home, 'data'), CERTBENCH_SYSTEM_TRUST: pki.files.caBundle };
}, 120_000);
afterAll(() => {
  pki?.cleanup();
  if (home) fs.rmSync(home, { recursive: true, force: true });
});

describe.skipIf(!ready || apacheMissing !== null)('Apache, SSLVerifyClient require in <Location /secure> (apt-get install apache2)', () => {
  const servers: RunningApache[] = [];
  const start = async (protocols: 'TLSv1.2' | 'TLSv1.3') => {
    const s = await startApache(apache!, {
      certFile: pki.files.serverCert,
      keyFile: pki.files.serverKey,
      caFile: pki.files.caBundle,
      protocols,
      securePage: 'hello <!--#echo var="SSL_CLIENT_S_DN" -->\n',
      openPage: 'open\n',
      forbiddenPage: PAGE_403_7,
    });
    servers.push(s);
    return s;
  };
  afterAll(async () => {
    for (const s of servers) await s.stop();
  });

  it('TLS 1.2: the selection callback is called after the request (renegotiation) with the CA names, and the store certificate gets HTTP 200', async () => {
    const s = await start('TLSv1.2');
    const { code, result } = await probe(`https://127.0.0.1:${s.port}/secure/`, ['--thumbprint', thumbprint]);
    const a = sslStreamAttempt(result);
    expect(a.error).toBeNull();
    expect(a.tls.version).toBe('TLS 1.2');
    expect(a.clientAuth.mode).toBe('renegotiation');
    const asked = a.sslStream!.selectionCalls.filter((c) => c.serverKnown);
    expect(asked).toHaveLength(1);
    expect(asked[0]!.when).toBe('after-request');
    expect(asked[0]!.issuersRfc4514).toEqual(CA_NAMES);
    expect(asked[0]!.answered).toBe(thumbprint);
    expect(a.http?.status).toBe(200);
    expect(a.clientCertificate).toEqual({ presented: true, accepted: true, thumbprint });
    expect(a.sslStream!.certificateStore).toBe('CurrentUser\\My');
    expect(a.sslStream!.tlsStack).toBe('openssl');
    expect(a.sslStream!.offers.find((o) => o.thumbprint === thumbprint)).toMatchObject({ wouldOffer: true, matchedCa: CA_NAMES[0] });
    // Certbench's own client made the attempts without a certificate and saw the same request on the wire.
    expect(result.attempts.filter((x) => x.client === 'certbench').length).toBeGreaterThan(0);
    expect(result.clientAuth.mode).toBe('renegotiation');
    expect(result.clientAuth.certificateRequest?.caNames).toEqual(CA_NAMES);
    expect(result.findings.map((f) => f.id)).toContain('server.renegotiation-client-cert');
    // The certificate was accepted: no refusal finding for it.
    expect(result.findings.map((f) => f.id)).not.toContain('server.rejected-certificate');
    expect(code).toBe(0);
  }, 90_000);

  it('TLS 1.3: .NET on Linux offers post-handshake auth, so the request comes after the handshake and the certificate is accepted', async () => {
    const s = await start('TLSv1.3');
    const { result } = await probe(`https://127.0.0.1:${s.port}/secure/`, ['--thumbprint', thumbprint, '--tls', '1.3']);
    const a = sslStreamAttempt(result);
    expect(a.tls.version).toBe('TLS 1.3');
    expect(a.clientAuth.mode).toBe('post-handshake');
    expect(a.sslStream!.selectionCalls.find((c) => c.serverKnown)?.when).toBe('after-request');
    expect(a.http?.status).toBe(200);
    expect(a.clientCertificate.accepted).toBe(true);
  }, 90_000);

  it('Diagnose presents the store certificate through PowerShell and says what it did and did not check', async () => {
    const s = await start('TLSv1.2');
    const r = await runCliAsync(['diagnose', `https://127.0.0.1:${s.port}/secure/`, '--thumbprint', thumbprint, '--via', 'powershell', '--no-live', '--timeout', '30000', '--json'], { env, timeoutMs: 90_000 });
    const report = JSON.parse(r.stdout) as { steps: { name: string; status: string; note: string }[]; probes: ProbeResult[] };
    const step = (name: string) => report.steps.find((x) => x.name === name)!;
    expect(step('certificate')).toMatchObject({ status: 'skipped' });
    expect(step('certificate').note).toContain("is not in Certbench's store listing: PowerShell presents it");
    expect(step('probe-with-certificate')).toMatchObject({ status: 'done' });
    expect(step('probe-with-certificate').note).toMatch(/through PowerShell \(\.NET SslStream\): HTTP 200/);
    expect(sslStreamAttempt(report.probes[0]!).clientCertificate).toEqual({ presented: true, accepted: true, thumbprint });
  }, 120_000);

  it('the text report names the client, the issuers Windows handed over and the certificate it would offer', async () => {
    const s = await start('TLSv1.2');
    const r = await runCliAsync(['probe', `https://127.0.0.1:${s.port}/secure/`, '--via', 'powershell', '--thumbprint', thumbprint, '--timeout', '30000'], { env, timeoutMs: 60_000 });
    expect(r.stdout).toMatch(/through PowerShell \(\.NET SslStream\): TLS 1\.2 \| \S+ \| HTTP 200/);
    expect(r.stdout).toContain("Client: PowerShell's .NET SslStream: PowerShell 7.");
    expect(r.stdout).toContain('as .NET SslStream reported it; not a packet capture');
    expect(r.stdout).toContain('Selection callback after the request');
    expect(r.stdout).toContain('CN=Certbench Probe Issuing CA, O=Certbench Probe Test, C=US');
    expect(r.stdout).toMatch(new RegExp(`\\[offered\\] alice +\\(CurrentUser\\\\My, ${thumbprint}\\)`));
  }, 90_000);
});

describe.skipIf(!ready || nginxMissing !== null)('nginx (apt-get install nginx)', () => {
  let server: { ports: Record<string, number>; close(): Promise<void> };
  beforeAll(async () => {
    server = await startNginx(nginx!, pki, [
      { name: 'on', verify: 'on', clientCaFile: pki.files.caBundle },
      { name: 'noca', verify: 'optional_no_ca' },
    ]);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('ssl_verify_client on: asked in the handshake; without a certificate nginx answers 400, with it 200', async () => {
    const url = `https://127.0.0.1:${server.ports.on}/`;
    const without = sslStreamAttempt((await probe(url)).result);
    expect(without.clientAuth.mode).toBe('handshake');
    expect(without.clientCertificate).toEqual({ presented: false, accepted: null, thumbprint: null });
    expect(without.http?.status).toBe(400);
    const withCert = sslStreamAttempt((await probe(url, ['--thumbprint', thumbprint])).result);
    expect(withCert.clientAuth.mode).toBe('handshake');
    expect(withCert.sslStream!.selectionCalls.find((c) => c.serverKnown)?.issuersRfc4514).toEqual(CA_NAMES);
    expect(withCert.http?.status).toBe(200);
    expect(withCert.clientCertificate.accepted).toBe(true);
  }, 120_000);

  it('optional_no_ca: asked with no CA names, so every personal certificate with a key qualifies', async () => {
    const a = sslStreamAttempt((await probe(`https://127.0.0.1:${server.ports.noca}/`, ['--thumbprint', thumbprint])).result);
    const call = a.sslStream!.selectionCalls.find((c) => c.serverKnown)!;
    expect(call.issuers).toEqual([]);
    expect(a.clientAuth.mode).toBe('handshake');
    expect(a.sslStream!.offers.find((o) => o.thumbprint === thumbprint)).toMatchObject({ wouldOffer: true, matchedCa: null });
    expect(a.http?.status).toBe(200);
  }, 90_000);
});

describe.skipIf(!ready)('openssl s_server -Verify, and bounds', () => {
  it('TLS 1.3 without a certificate: the server\'s alert 116 comes back in OpenSSL\'s words and as the alert', async () => {
    const s = await startOpensslServer(pki, '-Verify', ['-tls1_3']);
    try {
      const a = sslStreamAttempt((await probe(s.url('/'), ['--tls', '1.3'])).result);
      expect(a.clientAuth.mode).toBe('handshake');
      expect(a.alerts).toEqual([expect.objectContaining({ from: 'server', level: 'fatal', code: 116, description: 'certificate_required' })]);
      expect(a.sslStream!.failure).toMatchObject({ name: 'tlsv13 alert certificate required', words: 'the server sent fatal alert 116 (certificate_required)' });
      expect(a.error).toMatch(/tlsv13 alert certificate required/);
    } finally {
      await s.close();
    }
  }, 90_000);

  it('a thumbprint in no personal store is one line naming the stores, exit 2', async () => {
    const s = await startOpensslServer(pki, '-verify');
    try {
      const r = await runCliAsync(['probe', s.url('/'), '--via', 'powershell', '--thumbprint', '00'.repeat(20), '--timeout', '30000'], { env, timeoutMs: 60_000 });
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([`certbench: certificate ${'00'.repeat(20)} is not in CurrentUser\\My or LocalMachine\\My for the account PowerShell runs as (see Get-ChildItem Cert:\\CurrentUser\\My)`]);
    } finally {
      await s.close();
    }
  }, 90_000);

  it('PowerShell missing: one line with how to install it, exit 2', async () => {
    const s = await startOpensslServer(pki, '-verify');
    try {
      const r = await runCliAsync(['probe', s.url('/'), '--via', 'powershell', '--thumbprint', thumbprint], { env: { ...env, CERTBENCH_PWSH: path.join(home, 'no-such-pwsh') }, timeoutMs: 60_000 });
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual(['certbench: PowerShell is not installed here, so the Windows TLS client cannot run: install PowerShell: dotnet tool install --global PowerShell --version 7.6.10']);
    } finally {
      await s.close();
    }
  }, 60_000);

  it('PowerShell that stalls is stopped at the probe\'s --timeout, and the attempt says so', async () => {
    const s = await startOpensslServer(pki, '-verify');
    const stall = path.join(home, 'stalling-pwsh');
    fs.writeFileSync(stall, '#!/bin/sh\nexec sleep 120\n', { mode: 0o755 });
    try {
      const t0 = Date.now();
      const r = await runCliAsync(['probe', s.url('/'), '--via', 'powershell', '--thumbprint', thumbprint, '--timeout', '5000', '--json'], { env: { ...env, CERTBENCH_PWSH: stall }, timeoutMs: 60_000 });
      const elapsed = Date.now() - t0;
      const a = sslStreamAttempt(JSON.parse(r.stdout) as ProbeResult);
      expect(a.error).toMatch(/^timeout after [\d.]+ s: PowerShell's SslStream client did not finish/);
      // Bounded by --timeout (plus the CLI's own start), not by the 120 s the fake PowerShell sleeps.
      expect(elapsed).toBeLessThan(15_000);
    } finally {
      await s.close();
    }
  }, 60_000);
});

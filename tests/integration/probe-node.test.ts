import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProbe } from '../../electron/services/probe/probe';
import { loadClientCredential } from '../../electron/services/probe/client-cert';
import type { ClientCredential } from '../../electron/services/probe/attempt';
import { dispatch } from '../../electron/dispatch';
import { testHandlers } from '../helpers/services';
import type { ProbeAttempt, ProbeResult } from '../../shared/model/probe';
import type { ProgressEvent } from '../../shared/contract';
import { caListBytes, makeProbePki, startNodeServer, type ProbePki, type RunningServer } from '../helpers/probe-servers';
import { requireOpenssl } from '../helpers/openssl-pki';
import { issueCertificate } from '../../electron/services/lab/pki';
import { requireBuiltCli } from '../helpers/run-cli';
import { runCliAsync as runCli } from '../helpers/run-cli-async';

/**
 * The probe against node:tls servers on 127.0.0.1 that ask the ways the field asks, with
 * certificates made per run. Each test asserts the mode, the CA names and their byte count, the HTTP
 * status, the alerts and the findings.
 */
const missing = requireOpenssl();
if (missing && process.env.CI === 'true') throw new Error(missing);

const ids = (r: ProbeResult) => r.findings.map((f) => f.id).sort();
const attempt = (r: ProbeResult, kind: ProbeAttempt['kind']) => {
  const a = r.attempts.find((x) => x.kind === kind);
  if (!a) throw new Error(`no ${kind} attempt in ${r.attempts.map((x) => x.kind).join(', ')}`);
  return a;
};
const messages = (a: ProbeAttempt) => a.timeline.map((e) => `${e.from}${e.encrypted ? '*' : ''} ${e.message}`);

describe.skipIf(missing !== null)('probe against node:tls servers', () => {
  let pki: ProbePki;
  let pfx: ClientCredential;
  const servers: RunningServer[] = [];
  const start = async (kind: Parameters<typeof startNodeServer>[0], options?: Parameters<typeof startNodeServer>[2]) => {
    const s = await startNodeServer(kind, pki, options);
    servers.push(s);
    return s;
  };
  beforeAll(async () => {
    pki = makeProbePki();
    pfx = await loadClientCredential({ fileName: 'client.pfx', bytes: fs.readFileSync(pki.files.clientPfx), password: pki.pfxPassword });
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    pki.cleanup();
  });

  it('sees a CertificateRequest in the first handshake, TLS 1.3 (decrypted) and 1.2 (clear), with the CA names and their bytes', async () => {
    const s = await start('handshake');
    const r = await runProbe({ url: s.url(), tls: 'both', timeoutMs: 10_000, knownCertificates: [pki.root.der, pki.intermediate.der] });
    expect(r.error).toBeNull();
    expect(r.clientAuth.mode).toBe('handshake');
    expect(r.tls.version).toBe('TLS 1.3');
    const expectedNames = ['CN=Certbench Probe Issuing CA,O=Certbench Probe Test,C=US', 'CN=Certbench Probe Root,O=Certbench Probe Test,C=US'];
    expect(r.clientAuth.certificateRequest?.caNames).toEqual(expectedNames);
    expect(r.clientAuth.certificateRequest?.caNamesBytes).toBe(caListBytes([pki.intermediate, pki.root]));
    expect(r.clientAuth.certificateRequest?.records).toBe(1);
    expect(r.http).toEqual({ status: 403, subStatus: 7, reason: 'Forbidden', server: null, message: 'HTTP Error 403.7 - Forbidden' });

    const v13 = attempt(r, 'tls1.3');
    expect(messages(v13)).toEqual(
      expect.arrayContaining(['client ClientHello', 'server ServerHello', 'server* EncryptedExtensions', expect.stringMatching(/^server\* CertificateRequest \(2 CA names, 164 bytes/), 'client* Certificate (empty: no certificate sent)', 'client* Application Data (GET /secure/ HTTP/1.1)', 'server* Application Data (HTTP/1.1 403 Forbidden)']),
    );
    expect(v13.clientAuth.certificateRequest?.certificateTypes).toEqual([]);
    const v12 = attempt(r, 'tls1.2');
    expect(v12.tls.version).toBe('TLS 1.2');
    expect(messages(v12).slice(0, 7)).toEqual(['client TCP connected', 'client ClientHello', 'server ServerHello', 'server Certificate (2 certificates)', 'server ServerKeyExchange', expect.stringMatching(/^server CertificateRequest/), 'server ServerHelloDone']);
    expect(v12.clientAuth.certificateRequest?.certificateTypes).toContain('ecdsa_sign');
    expect(v12.clientAuth.certificateRequest?.caNamesBytes).toBe(164);
    // Both CAs are known here: the root self-signed, the issuing CA not, so neither "only" finding.
    expect(ids(r)).toEqual(['http.403.7']);
    expect(r.serverCertificates.map((c) => c.subject.commonName)).toEqual(['localhost', 'Certbench Probe Issuing CA']);
  });

  it('presents a PFX client certificate in the handshake and reports it accepted (HTTP 200)', async () => {
    const s = await start('handshake');
    const r = await runProbe({ url: s.url(), tls: 'both', timeoutMs: 10_000, client: pfx });
    const withCert = attempt(r, 'client-certificate');
    expect(withCert.clientCertificate).toEqual({ presented: true, accepted: true, thumbprint: pfx.thumbprint });
    expect(withCert.http?.status).toBe(200);
    expect(messages(withCert)).toContain('client* Certificate (2 certificates)');
    // The 403.7 the plain attempts got is expected without a certificate: with one given, only its fate counts.
    expect(ids(r)).toEqual([]);
  });

  it('shows the IIS case plainly: TLS 1.3 resets, TLS 1.2 renegotiates after the request and asks there', async () => {
    const s = await start('renegotiation-iis');
    const r = await runProbe({ url: s.url(), tls: 'both', timeoutMs: 10_000 });
    expect(r.clientAuth.mode).toBe('renegotiation');
    expect(r.clientAuth.attempt).toBe('TLS 1.2 forced');
    expect(r.clientAuth.certificateRequest?.carriedBy).toBe('renegotiation');
    expect(r.clientAuth.certificateRequest?.caNames).toHaveLength(2);
    expect(r.summary).toBe(
      'The server asks for a client certificate only by TLS 1.2 renegotiation after the request; over TLS 1.3: the server reset the connection after the request, before answering; over TLS 1.2: HTTP 403.7 Forbidden.',
    );
    const v12 = attempt(r, 'tls1.2');
    const m = messages(v12);
    const get = m.indexOf('client* Application Data (GET /secure/ HTTP/1.1)');
    const hello = m.indexOf('server* HelloRequest (after the HTTP request: renegotiate)');
    const ch2 = m.indexOf('client* ClientHello (renegotiation)');
    const cr = m.findIndex((x) => x.startsWith('server* CertificateRequest (2 CA names, 164 bytes of names, renegotiation)'));
    expect(get).toBeGreaterThan(0);
    expect(hello).toBeGreaterThan(get);
    expect(ch2).toBeGreaterThan(hello);
    expect(cr).toBeGreaterThan(ch2);
    expect(v12.http).toEqual({ status: 403, subStatus: 7, reason: 'Forbidden', server: 'Microsoft-IIS/10.0', message: 'HTTP Error 403.7 - Forbidden' });
    const v13 = attempt(r, 'tls1.3');
    expect(v13.error).toBe('the server reset the connection after the request, before answering');
    expect(messages(v13)).toContain('server TCP reset by the server');
    expect(attempt(r, 'post-handshake').clientAuth.certificateRequest).toBeNull();
    expect(ids(r)).toEqual(['http.403.7', 'iis.tls13-with-renegotiation', 'server.renegotiation-client-cert']);
  });

  it('presents the certificate over TLS 1.2 renegotiation where that is how the server asks, and it is accepted', async () => {
    const s = await start('renegotiation-iis');
    const r = await runProbe({ url: s.url(), tls: 'both', timeoutMs: 10_000, client: pfx });
    const withCert = attempt(r, 'client-certificate');
    expect(withCert.label).toBe('Presenting the client certificate (client.pfx), TLS 1.2');
    expect(withCert.clientCertificate.accepted).toBe(true);
    expect(withCert.http?.status).toBe(200);
    expect(messages(withCert)).toContain('client* Certificate (2 certificates)');
  });

  it('decrypts every AEAD suite offered: TLS 1.2 renegotiation with ChaCha20, AES-256-GCM/SHA-384 and plain RSA key exchange; TLS 1.3 ChaCha20 and AES-256', async () => {
    const rsa = issueCertificate({ subject: [['CN', 'localhost']], issuer: pki.intermediate, eku: ['serverAuth'], keyAlgorithm: 'rsa-2048', ipAddresses: ['127.0.0.1'] });
    const cases: [string, Parameters<typeof startNodeServer>[2], string, 'tls1.2' | 'tls1.3'][] = [
      ['ECDHE-ECDSA-CHACHA20-POLY1305', {}, 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'tls1.2'],
      ['ECDHE-ECDSA-AES256-GCM-SHA384', {}, 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'tls1.2'],
      ['AES256-GCM-SHA384', { serverCertificate: rsa }, 'TLS_RSA_WITH_AES_256_GCM_SHA384', 'tls1.2'],
      ['ECDHE-RSA-AES128-GCM-SHA256', { serverCertificate: rsa }, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'tls1.2'],
      ['TLS_CHACHA20_POLY1305_SHA256', {}, 'TLS_CHACHA20_POLY1305_SHA256', 'tls1.3'],
      ['TLS_AES_256_GCM_SHA384', {}, 'TLS_AES_256_GCM_SHA384', 'tls1.3'],
    ];
    for (const [ciphers, extra, name, kind] of cases) {
      const s = await start(kind === 'tls1.2' ? 'renegotiation-iis' : 'handshake', { ...extra, ciphers });
      const r = await runProbe({ url: s.url(), tls: kind === 'tls1.2' ? '1.2' : '1.3', timeoutMs: 10_000, postHandshake: null });
      const a = r.attempts[0]!;
      expect(a.tls.cipher, ciphers).toBe(name);
      expect(a.timeline.filter((e) => e.message.startsWith('Encrypted record')), ciphers).toEqual([]);
      expect(a.clientAuth.certificateRequest?.caNames, ciphers).toHaveLength(2);
      expect(a.http?.status, ciphers).toBe(403);
      await s.close();
    }
  });

  it('follows a HelloRetryRequest (server accepts P-384 only) and still decrypts the CertificateRequest', async () => {
    const s = await start('handshake', { ecdhCurve: 'P-384' });
    const r = await runProbe({ url: s.url(), tls: '1.3', timeoutMs: 10_000 });
    const m = messages(r.attempts[0]!);
    const order = ['client ClientHello', 'server HelloRetryRequest', 'client ClientHello (after HelloRetryRequest)', 'server ServerHello'].map((x) => m.indexOf(x));
    expect(order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1]!)), m.join(" / ")).toBe(true);
    expect(r.clientAuth.mode).toBe('handshake');
    expect(r.clientAuth.certificateRequest?.caNames).toHaveLength(2);
  });

  it('probes over IPv6 ([::1]) without SNI for an address literal', async () => {
    const s = await start('handshake', { host: '::1' });
    const r = await runProbe({ url: s.url(), tls: '1.3', timeoutMs: 10_000 });
    expect(r.target).toEqual({ host: '::1', port: s.port, path: '/secure/', servername: '' });
    expect(r.clientAuth.mode).toBe('handshake');
    expect(r.http?.status).toBe(403);
  });

  it('sends SNI for a host name', async () => {
    const s = await start('handshake');
    const r = await runProbe({ url: `https://localhost:${s.port}/secure/`, tls: '1.2', timeoutMs: 10_000 });
    expect(r.target.servername).toBe('localhost');
    expect(r.clientAuth.mode).toBe('handshake');
  });

  it('says when the server never asks (HTTP 200 without a request)', async () => {
    const s = await start('none');
    const r = await runProbe({ url: s.url('/'), tls: 'both', timeoutMs: 10_000 });
    expect(r.clientAuth.mode).toBe('none');
    expect(r.http?.status).toBe(200);
    expect(r.attempts.map((a) => a.kind)).toEqual(['default', 'tls1.2', 'tls1.3']);
    const f = r.findings.find((x) => x.id === 'server.no-client-cert-request');
    expect(f?.severity).toBe('warning');
  });

  it('reads an empty CA list as zero names and zero bytes', async () => {
    const s = await start('empty-ca');
    const r = await runProbe({ url: s.url(), tls: '1.2', timeoutMs: 10_000 });
    expect(r.clientAuth.mode).toBe('handshake');
    expect(r.clientAuth.certificateRequest).toMatchObject({ caNames: [], caNamesBytes: 0 });
    expect(ids(r)).toContain('server.ca-list-empty');
  });

  it('measures a 302-name CA list over 16 KB, across two records, in TLS 1.3 and 1.2', async () => {
    const s = await start('large-ca');
    const r = await runProbe({ url: s.url(), tls: 'both', timeoutMs: 15_000, client: pfx });
    const expected = caListBytes([pki.root, pki.intermediate, ...pki.fillers]);
    expect(expected).toBeGreaterThan(16_384);
    for (const kind of ['tls1.2', 'tls1.3'] as const) {
      const cr = attempt(r, kind).clientAuth.certificateRequest!;
      expect(cr.caNames).toHaveLength(302);
      expect(cr.caNames[2]).toBe('CN=Certbench Generated CA 0001,O=Certbench Large CA List Test,C=US');
      expect(cr.caNamesBytes).toBe(expected);
      expect(cr.records).toBe(2);
    }
    const f = r.findings.find((x) => x.id === 'server.ca-list-too-large')!;
    expect(f.severity).toBe('error');
    expect(f.evidence.map((e) => e.text)).toContain(`${expected.toLocaleString('en-US')} > 16,384 bytes`);
    expect(f.detail).toContain('36885');
    expect(f.detail).toContain('12,228');
    // The client's issuer is in the list, so it is not "excluded".
    expect(ids(r)).not.toContain('server.ca-list-excludes-issuer');
    expect(attempt(r, 'client-certificate').clientCertificate.accepted).toBe(true);
  });

  it('loads a PEM certificate with its key file and the chain file, and rejects a key that does not match', async () => {
    const pem = await loadClientCredential(
      { fileName: 'client-chain.pem', bytes: fs.readFileSync(pki.files.clientChainPem) },
      { fileName: 'client.key', bytes: fs.readFileSync(pki.files.clientKeyPem) },
    );
    expect(pem.thumbprint).toBe(pfx.thumbprint);
    expect(pem.chainDer).toHaveLength(1);
    await expect(
      loadClientCredential({ fileName: 'client.pem', bytes: fs.readFileSync(pki.files.clientCertPem) }, { fileName: 'server.key', bytes: fs.readFileSync(pki.files.serverKey) }),
    ).rejects.toThrow('server.key: the private key does not match any certificate in client.pem');
    await expect(loadClientCredential({ fileName: 'client.pfx', bytes: fs.readFileSync(pki.files.clientPfx), password: 'wrong' })).rejects.toThrow(/client\.pfx: .*password/);
    await expect(loadClientCredential({ fileName: 'client.pem', bytes: fs.readFileSync(pki.files.clientCertPem) })).rejects.toThrow(
      'client.pem: holds a certificate but no private key; give the key file too (--key) or a PFX',
    );
  });

  it('names the CA list that leaves out the client certificate\'s issuer', async () => {
    const other = await startNodeServer('handshake', { ...pki, intermediate: pki.otherRoot, root: pki.otherRoot });
    servers.push(other);
    const r = await runProbe({ url: other.url(), tls: '1.3', timeoutMs: 10_000, client: pfx });
    const f = r.findings.find((x) => x.id === 'server.ca-list-excludes-issuer');
    expect(f?.evidence[0]).toEqual({ kind: 'client certificate issuer', text: 'CN=Certbench Probe Issuing CA,O=Certbench Probe Test,C=US' });
    expect(r.clientAuth.certificateRequest?.caNames).toEqual(['CN=Unrelated Root,O=Elsewhere', 'CN=Unrelated Root,O=Elsewhere']);
  });

  it('serves probe:run through the contract with progress per attempt', async () => {
    const s = await start('handshake');
    const handlers = testHandlers();
    const events: Omit<ProgressEvent, 'requestId' | 'channel'>[] = [];
    const result = await dispatch(
      'probe:run',
      {
        url: s.url(),
        tls: 'both',
        timeoutMs: 10_000,
        clientCertificate: { fileName: 'client.pfx', dataBase64: fs.readFileSync(pki.files.clientPfx).toString('base64'), password: pki.pfxPassword },
      },
      { mode: 'web', signal: new AbortController().signal, progress: (e) => events.push(e) },
      handlers,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const value = result.value as ProbeResult;
    expect(value.clientAuth.mode).toBe('handshake');
    expect(value.attempts.map((a) => a.kind)).toEqual(['default', 'tls1.2', 'tls1.3', 'client-certificate']);
    // The default connection negotiated TLS 1.3: the forced TLS 1.3 attempt is its answer, not a connection (no progress step).
    expect(value.attempts[2]?.reused?.note).toBe('TLS 1.3 attempt not repeated: the first connection negotiated it');
    expect(events.map((e) => e.label)).toEqual([
      'Default (TLS 1.2 or 1.3, as the server prefers)',
      'TLS 1.2 forced',
      'Presenting the client certificate (client.pfx)',
      'done',
    ]);
    expect(events.at(-1)).toEqual({ done: 4, total: 4, label: 'done' });
    const bad = await dispatch('probe:run', { url: 'http://example.test/' }, { mode: 'web', signal: new AbortController().signal, progress: () => undefined }, handlers);
    expect(bad).toEqual({ ok: false, error: { code: 'bad-input', message: '"http://example.test/" is not an https:// URL: a client-certificate probe needs TLS' } });
    const tooLong = await dispatch('probe:run', { url: s.url(), timeoutMs: 500_000 }, { mode: 'web', signal: new AbortController().signal, progress: () => undefined }, handlers);
    expect(tooLong.ok).toBe(false);
  });

  describe('certbench probe (CLI)', () => {
    beforeAll(() => requireBuiltCli());

    it('prints a packet list, the CA names against 16,384, the status and findings; exit 1 on errors', async () => {
      const s = await start('renegotiation-iis');
      const r = await runCli(['probe', s.url(), '--timeout', '10000']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('== TLS 1.2 forced: TLS 1.2 | TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 | HTTP 403.7 Forbidden');
      expect(r.stdout).toMatch(/\n {2,}\d+\.\d {2}server -> client {2}\*HelloRequest \(after the HTTP request: renegotiate\)\n/);
      expect(r.stdout).toMatch(/server -> client {2}\*ServerHello, \*Certificate \(2 certificates\), \*ServerKeyExchange, \*CertificateRequest \(2 CA names, 164 bytes of names, renegotiation\), \*ServerHelloDone/);
      expect(r.stdout).toContain('  CA names: 2, 164 of 16,384 bytes (within the limit); CertificateRequest 216 bytes in 1 record(s)');
      expect(r.stdout).toContain('[error] iis.tls13-with-renegotiation:');
      expect(r.stdout).toContain('[warning] server.renegotiation-client-cert:');
    });

    it('--json prints one document; a PFX with --password-env is presented; exit 0 without error findings', async () => {
      const s = await start('handshake');
      const r = await runCli(['probe', s.url('/'), '--cert', pki.files.clientPfx, '--password-env', 'PFX_PW', '--tls', '1.3', '--json'], { env: { PFX_PW: pki.pfxPassword } });
      const doc = JSON.parse(r.stdout) as ProbeResult;
      expect(doc.target).toEqual({ host: '127.0.0.1', port: s.port, path: '/', servername: '' });
      expect(doc.clientAuth.mode).toBe('handshake');
      expect(doc.attempts.map((a) => a.kind)).toEqual(['tls1.3', 'client-certificate']);
      expect(doc.attempts[1]!.clientCertificate.accepted).toBe(true);
      expect(doc.findings.filter((f) => f.severity === 'error')).toEqual([]);
      expect(r.code).toBe(0);
    });

    it('one line and exit 2 for a bad URL, a refused port, a bad --tls and a missing password variable', async () => {
      const bad = await runCli(['probe', 'ftp://x/']);
      expect(bad).toMatchObject({ code: 2, stdout: '', stderr: 'certbench: "ftp://x/" is not an https:// URL: a client-certificate probe needs TLS\n' });
      const s = await start('none');
      await s.close();
      const refused = await runCli(['probe', s.url()]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toBe(`certbench: connection refused by 127.0.0.1:${s.port} (nothing listens on that port?)\n`);
      expect((await runCli(['probe', 'https://127.0.0.1/', '--tls', '1.1'])).stderr).toBe('certbench: --tls: "1.1" is not 1.2 or 1.3\n');
      expect((await runCli(['probe', 'https://127.0.0.1/', '--cert', pki.files.clientPfx, '--password-env', 'NOPE_NOT_SET'])).stderr).toBe(
        'certbench: --password-env: environment variable NOPE_NOT_SET is not set\n',
      );
    });
  });
});

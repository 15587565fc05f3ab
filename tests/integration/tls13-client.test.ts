import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeWithPostHandshakeAuth, type Tls13ProbeAttempt } from '../../electron/services/probe/tls13-client';
import { findApache, startApache, type RunningApache } from '../../electron/services/lab/apache';
import { freePort } from '../../electron/services/net/free-port';
import { startSServer } from '../helpers/probe-servers';
import { issueCertificate, type LabCertificate } from '../../electron/services/lab/pki';
import { PAGE_403_7 } from '../../electron/services/lab/node-servers';

/**
 * The TLS 1.3 post-handshake client against real servers on 127.0.0.1, with certificates made per
 * run: Apache 2.4 with `<Location /secure> SSLVerifyClient require` (the real post-handshake case),
 * `openssl s_server` asking in the handshake (and interactively after it, and with KeyUpdate), and a
 * Node TLS 1.3 server that asks for nothing.
 */

const inCi = process.env.CI === 'true';
const apache = findApache();
const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (inCi && !apache) throw new Error('Apache httpd is missing: apt-get install apache2');
if (inCi && !hasOpenssl) throw new Error('openssl is missing: apt-get install openssl');

interface Pki {
  dir: string;
  root: LabCertificate;
  intermediate: LabCertificate;
  server: LabCertificate;
  ecClient: LabCertificate;
  rsaClient: LabCertificate;
  edClient: LabCertificate;
  p384Client: LabCertificate;
  stranger: LabCertificate;
  files: { serverCert: string; serverKey: string; chain: string };
}

function makePki(): Pki {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-tls13-'));
  fs.chmodSync(dir, 0o755);
  const root = issueCertificate({ subject: [['C', 'US'], ['O', 'Certbench Test'], ['CN', 'TLS13 Test Root CA']], ca: true });
  const intermediate = issueCertificate({ subject: [['C', 'US'], ['O', 'Certbench Test'], ['CN', 'TLS13 Test Issuing CA']], ca: true, issuer: root, keyAlgorithm: 'ec-p384' });
  const server = issueCertificate({ subject: [['CN', 'localhost']], issuer: intermediate, eku: ['serverAuth'], dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  const client = (cn: string, keyAlgorithm: 'ec-p256' | 'rsa-2048' | 'ed25519' | 'ec-p384') =>
    issueCertificate({ subject: [['O', 'Certbench Test'], ['CN', cn]], issuer: intermediate, eku: ['clientAuth'], keyAlgorithm });
  const selfSignedCa = issueCertificate({ subject: [['CN', 'Stranger CA']], ca: true });
  const stranger = issueCertificate({ subject: [['CN', 'stranger']], issuer: selfSignedCa, eku: ['clientAuth'] });
  const files = { serverCert: path.join(dir, 'server.pem'), serverKey: path.join(dir, 'server.key'), chain: path.join(dir, 'chain.pem') };
  fs.writeFileSync(files.serverCert, server.pem + intermediate.pem);
  fs.writeFileSync(files.serverKey, server.keyPem, { mode: 0o600 });
  fs.writeFileSync(files.chain, intermediate.pem + root.pem);
  return {
    dir,
    root,
    intermediate,
    server,
    ecClient: client('ec-client', 'ec-p256'),
    rsaClient: client('rsa-client', 'rsa-2048'),
    edClient: client('ed-client', 'ed25519'),
    p384Client: client('p384-client', 'ec-p384'),
    stranger,
    files,
  };
}

const credential = (c: LabCertificate, chain: LabCertificate[]) => ({ certDer: c.der, chainDer: chain.map((x) => x.der), privateKeyPkcs8: c.keyPkcs8 });
const names = (t: Tls13ProbeAttempt) => t.timeline.map((e) => `${e.from}${e.encrypted ? '*' : ''} ${e.message}`);
/** CA list bytes computed independently: each subject Name DER with its 2-byte length. */
const listBytes = (...cas: LabCertificate[]) => cas.reduce((n, c) => n + 2 + c.nameDer.length, 0);

let pki: Pki;
beforeAll(() => {
  pki = makePki();
});
afterAll(() => {
  fs.rmSync(pki.dir, { recursive: true, force: true });
});

describe.skipIf(!apache)('Apache 2.4, TLS 1.3, <Location /secure> SSLVerifyClient require (apt-get install apache2)', () => {
  let server: RunningApache;
  const target = () => ({ host: '127.0.0.1', port: server.port, servername: 'localhost', path: '/secure/' });

  beforeAll(async () => {
    server = await startApache(apache!, {
      certFile: pki.files.serverCert,
      keyFile: pki.files.serverKey,
      caFile: pki.files.chain,
      protocols: 'TLSv1.3',
      locations: [
        { path: '/secure', verify: 'require' },
        { path: '/optional', verify: 'optional' },
      ],
      securePage: 'hello <!--#echo var="SSL_CLIENT_S_DN" -->\n',
      openPage: 'open\n',
      forbiddenPage: PAGE_403_7,
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('sees the CertificateRequest after GET, with the CA names and their bytes, and alert 116 for an empty Certificate', async () => {
    const r = await probeWithPostHandshakeAuth(target(), { timeoutMs: 10_000 });
    expect(r.error).toBeNull();
    expect(r.tls.version).toBe('TLSv1.3');
    expect(r.clientAuth.mode).toBe('post-handshake');
    const cr = r.clientAuth.certificateRequest!;
    expect(cr.carriedBy).toBe('post-handshake');
    // Apache sends the subjects of SSLCACertificateFile in file order: the issuing CA, then the root.
    expect(cr.caNames).toEqual(['CN=TLS13 Test Issuing CA,O=Certbench Test,C=US', 'CN=TLS13 Test Root CA,O=Certbench Test,C=US']);
    expect(cr.caNamesBytes).toBe(listBytes(pki.intermediate, pki.root));
    // Header (4) + context (1 + 32 random bytes, OpenSSL's choice) + extensions: the list plus its own headers.
    expect(cr.messageBytes).toBeGreaterThan(cr.caNamesBytes + 4 + 6);
    expect(cr.records).toBe(1);
    expect(cr.signatureAlgorithms).toContain('ecdsa_secp256r1_sha256');
    expect(cr.signatureAlgorithms).toContain('rsa_pss_rsae_sha256');
    expect(cr.certificateTypes).toEqual([]);
    const seq = names(r);
    const get = seq.indexOf('client* Application Data (GET /secure/)');
    const req = seq.indexOf('server* CertificateRequest');
    expect(get).toBeGreaterThan(seq.indexOf('client* Finished'));
    expect(req).toBeGreaterThan(get);
    expect(seq.slice(req + 1, req + 3)).toEqual(['client* Certificate (empty)', 'client* Finished']);
    expect(r.alerts).toContainEqual(expect.objectContaining({ from: 'server', level: 'fatal', code: 116, description: 'certificate_required' }));
    expect(r.http).toBeNull();
    expect(r.ending).toBe("closed by the server with alert certificate_required after the client's empty Certificate");
    expect(r.clientCertificate).toEqual({ presented: false, accepted: null, thumbprint: null });
    expect(r.serverCertificatesDerBase64[0]).toBe(pki.server.der.toString('base64'));
    expect(r.serverCertificatesDerBase64[1]).toBe(pki.intermediate.der.toString('base64'));
  });

  it('gets 403 (the 403.7 page) without a certificate where the location is optional + Require ssl-verify-client', async () => {
    const r = await probeWithPostHandshakeAuth({ ...target(), path: '/optional/' }, { timeoutMs: 10_000 });
    expect(r.clientAuth.mode).toBe('post-handshake');
    expect(r.http).toMatchObject({ status: 403, subStatus: 7, reason: 'Forbidden', message: 'HTTP Error 403.7 - Forbidden' });
    expect(r.error).toBeNull();
  });

  it.each([
    ['ECDSA P-256', () => pki.ecClient, 'ecdsa_secp256r1_sha256'],
    ['RSA 2048', () => pki.rsaClient, 'rsa_pss_rsae_sha256'],
    ['ECDSA P-384', () => pki.p384Client, 'ecdsa_secp384r1_sha384'],
    ['Ed25519', () => pki.edClient, 'ed25519'],
  ])('answers with a %s client certificate and gets 200', async (_label, cert, scheme) => {
    const c = cert();
    const r = await probeWithPostHandshakeAuth(target(), { timeoutMs: 10_000, clientCertificate: credential(c, [pki.intermediate]) });
    expect(r.error).toBeNull();
    expect(r.clientAuth.mode).toBe('post-handshake');
    expect(r.http).toMatchObject({ status: 200, subStatus: null, reason: 'OK', message: null });
    const seq = names(r);
    const req = seq.indexOf('server* CertificateRequest');
    expect(seq.slice(req + 1, req + 4)).toEqual(['client* Certificate (2 certificates)', `client* CertificateVerify (${scheme})`, 'client* Finished']);
    expect(r.clientCertificate).toEqual({ presented: true, accepted: true, thumbprint: crypto.createHash('sha1').update(c.der).digest('hex').toUpperCase() });
    expect(r.alerts.filter((a) => a.from === 'server')).toEqual([]);
  });

  it('reports a fatal alert and accepted: false for a certificate from a CA the server does not trust', async () => {
    const r = await probeWithPostHandshakeAuth(target(), { timeoutMs: 10_000, clientCertificate: credential(pki.stranger, []) });
    expect(r.clientAuth.mode).toBe('post-handshake');
    expect(r.clientCertificate.presented).toBe(true);
    expect(r.clientCertificate.accepted).toBe(false);
    const alert = r.alerts.find((a) => a.from === 'server');
    expect(alert?.level).toBe('fatal');
    expect(alert?.description).toBe('unknown_ca');
    expect(r.ending).toBe("closed by the server with alert unknown_ca after the client's certificate");
  });

  it("gets 403 with Node's own client, which cannot offer post_handshake_auth (Apache logs AH10158)", async () => {
    const text = await nodeGet(server.port, '/optional/', { cert: pki.ecClient.pem + pki.intermediate.pem, key: pki.ecClient.keyPem });
    expect(text).toMatch(/^HTTP\/1\.1 403 Forbidden/);
    expect(fs.readFileSync(server.errorLog, 'utf8')).toContain('AH10158: cannot perform post-handshake authentication');
  });
});

describe.skipIf(!apache)('Apache 2.4 with TLS 1.2 only (apt-get install apache2)', () => {
  let server: RunningApache;
  beforeAll(async () => {
    server = await startApache(apache!, {
      certFile: pki.files.serverCert,
      keyFile: pki.files.serverKey,
      caFile: pki.files.chain,
      protocols: 'TLSv1.2',
      securePage: 'hello\n',
      openPage: 'open\n',
      forbiddenPage: PAGE_403_7,
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('ends in one line: the server refuses TLS 1.3 with alert protocol_version', async () => {
    const r = await probeWithPostHandshakeAuth({ host: '127.0.0.1', port: server.port, servername: 'localhost', path: '/secure/' }, { timeoutMs: 10_000 });
    expect(r.tls.version).toBeNull();
    expect(r.clientAuth.mode).toBe('unknown');
    expect(r.alerts).toContainEqual(expect.objectContaining({ from: 'server', code: 70, description: 'protocol_version' }));
    expect(r.error).toBe('the server ended the handshake with alert protocol_version (70)');
    expect(r.error).not.toContain('\n');
  });
});

/** `openssl s_server` on a port it chose itself (port 0); resolves once it prints ACCEPT. */
async function sServer(args: string[]) {
  const s = await startSServer(['-cert', pki.files.serverCert, '-key', pki.files.serverKey, ...args]);
  return { port: s.port, child: s.child, output: s.output, stop: s.close };
}

describe.skipIf(!hasOpenssl)('openssl s_server (apt-get install openssl)', () => {
  const target = (port: number) => ({ host: '127.0.0.1', port, servername: 'localhost', path: '/' });

  it('-tls1_3 -Verify 1: the CertificateRequest comes in the handshake; the certificate gets 200, none gets alert 116', async () => {
    const s = await sServer(['-tls1_3', '-Verify', '1', '-CAfile', pki.files.chain, '-www']);
    try {
      const ok = await probeWithPostHandshakeAuth(target(s.port), { timeoutMs: 10_000, clientCertificate: credential(pki.rsaClient, [pki.intermediate]) });
      expect(ok.error).toBeNull();
      expect(ok.clientAuth.mode).toBe('handshake');
      expect(ok.clientAuth.certificateRequest?.carriedBy).toBe('handshake');
      expect(ok.clientAuth.certificateRequest?.caNames).toEqual(['CN=TLS13 Test Issuing CA,O=Certbench Test,C=US', 'CN=TLS13 Test Root CA,O=Certbench Test,C=US']);
      expect(ok.clientAuth.certificateRequest?.caNamesBytes).toBe(listBytes(pki.intermediate, pki.root));
      expect(ok.http?.status).toBe(200);
      expect(ok.clientCertificate.accepted).toBe(true);
      const seq = names(ok);
      expect(seq.slice(seq.indexOf('server* EncryptedExtensions'), seq.indexOf('client* Finished') + 1)).toEqual([
        'server* EncryptedExtensions',
        'server* CertificateRequest',
        'server* Certificate',
        'server* CertificateVerify',
        'server* Finished',
        'client ChangeCipherSpec',
        'client* Certificate (2 certificates)',
        'client* CertificateVerify (rsa_pss_rsae_sha256)',
        'client* Finished',
      ]);

      const none = await probeWithPostHandshakeAuth(target(s.port), { timeoutMs: 10_000 });
      expect(none.clientAuth.mode).toBe('handshake');
      expect(none.alerts).toContainEqual(expect.objectContaining({ from: 'server', level: 'fatal', code: 116, description: 'certificate_required' }));
      expect(none.http).toBeNull();
    } finally {
      await s.stop();
    }
  });

  it.each([
    ['TLS_AES_256_GCM_SHA384', 'P-384', 'secp384r1'],
    ['TLS_CHACHA20_POLY1305_SHA256', 'P-521', 'secp521r1'],
    ['TLS_AES_128_GCM_SHA256', 'X25519', null],
  ])('%s with only %s: HelloRetryRequest when needed, and 200', async (suite, group, retried) => {
    const s = await sServer(['-tls1_3', '-ciphersuites', suite, '-groups', group, '-www']);
    try {
      const r = await probeWithPostHandshakeAuth(target(s.port), { timeoutMs: 10_000 });
      expect(r.error).toBeNull();
      expect(r.tls).toEqual({ version: 'TLSv1.3', cipher: suite });
      expect(r.clientAuth.mode).toBe('none');
      expect(r.http?.status).toBe(200);
      const seq = names(r);
      if (retried) {
        // In arrival order: OpenSSL sends its middlebox-compatibility ChangeCipherSpec with the
        // HelloRetryRequest (RFC 8446 D.4), so both come before the client's answer.
        expect(seq.slice(0, 5)).toEqual(['client ClientHello', 'server HelloRetryRequest', 'server ChangeCipherSpec', 'client ChangeCipherSpec', `client ClientHello (after HelloRetryRequest, key share ${retried})`]);
      } else expect(seq).not.toContain('server HelloRetryRequest');
    } finally {
      await s.stop();
    }
  });

  it('interactive s_server: post-handshake request ("c") and KeyUpdate with update_requested ("K") are answered', async () => {
    // No -verify: nothing is asked in the handshake; "c" at the prompt asks after it.
    const s = await sServer(['-tls1_3', '-crlf', '-CAfile', pki.files.chain]);
    try {
      // Driven by what s_server prints (no polling, no sleeps): "c" once the request is in, "K" once
      // the client certificate has been taken, the response once the KeyUpdate went out.
      let step = 0;
      let handshakesAtK = 0;
      const handshakes = (out: string) => out.split('SSL_do_handshake -> 1').length - 1;
      const drive = () => {
        const out = s.output();
        if (step === 0 && out.includes('GET / HTTP/1.1')) {
          step = 1;
          s.child.stdin!.write('c\n');
        } else if (step === 1 && /GET \/ HTTP\/1\.1[\s\S]*depth=0[\s\S]*SSL_do_handshake -> 1/.test(out)) {
          step = 2;
          handshakesAtK = handshakes(out);
          s.child.stdin!.write('K\n');
        } else if (step === 2 && handshakes(out) > handshakesAtK) {
          // s_server prints "SSL_do_handshake -> 1" again once it has sent the KeyUpdate.
          step = 3;
          s.child.stdin!.write('HTTP/1.1 200 OK\nContent-Length: 2\n\nok');
        }
      };
      s.child.stdout!.on('data', drive);
      s.child.stderr!.on('data', drive);
      const r = await probeWithPostHandshakeAuth(target(s.port), { timeoutMs: 10_000, clientCertificate: credential(pki.ecClient, [pki.intermediate]) });
      s.child.stdout!.off('data', drive);
      s.child.stderr!.off('data', drive);
      expect(r.error).toBeNull();
      expect(r.clientAuth.mode).toBe('post-handshake');
      expect(r.clientAuth.certificateRequest?.caNames).toEqual(['CN=TLS13 Test Issuing CA,O=Certbench Test,C=US', 'CN=TLS13 Test Root CA,O=Certbench Test,C=US']);
      const seq = names(r);
      expect(seq).not.toContain('server* CertificateRequest (in the handshake)');
      expect(seq.indexOf('server* CertificateRequest')).toBeGreaterThan(seq.indexOf('client* Application Data (GET /)'));
      expect(seq).toContain('server* KeyUpdate (update_requested)');
      expect(seq.indexOf('client* KeyUpdate')).toBeGreaterThan(seq.indexOf('server* KeyUpdate (update_requested)'));
      // The response after the key update decrypted with the next server traffic secret.
      expect(r.http).toMatchObject({ status: 200, subStatus: null, reason: 'OK', message: null });
      expect(s.output()).toContain('depth=0 O = Certbench Test, CN = ec-client');
    } finally {
      await s.stop();
    }
  });
});

/** GET over Node's TLS client (which never offers post_handshake_auth); the raw response text. */
function nodeGet(port: number, urlPath: string, creds: { cert?: string; key?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false, ...creds }, () => {
      socket.write(`GET ${urlPath} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
    });
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (text += d));
    socket.on('end', () => resolve(text));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
    socket.setTimeout(10_000, () => socket.destroy(new Error('timeout')));
  });
}

describe('Node TLS 1.3 server without client authentication', () => {
  let server: https.Server;
  let port: number;
  beforeAll(async () => {
    server = https.createServer({ cert: pki.server.pem + pki.intermediate.pem, key: pki.server.keyPem, minVersion: 'TLSv1.3' }, (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain', Connection: 'close' });
      res.end('hello');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  it("reports mode 'none' with the server's chain and 200", async () => {
    const r = await probeWithPostHandshakeAuth({ host: '127.0.0.1', port, servername: 'localhost', path: '/index.html' }, { timeoutMs: 10_000 });
    expect(r.error).toBeNull();
    expect(r.clientAuth).toEqual({
      mode: 'none',
      reason: 'the server answered 200 without asking for a client certificate, although post-handshake authentication was offered',
      certificateRequest: null,
    });
    expect(r.http).toMatchObject({ status: 200, subStatus: null, reason: 'OK', message: null });
    expect(r.serverCertificatesDerBase64).toEqual([pki.server.der.toString('base64'), pki.intermediate.der.toString('base64')]);
    expect(r.timeline.every((e) => e.ms >= 0 && e.ms < 10_000)).toBe(true);
    expect(names(r)).toContain('client* Application Data (GET /index.html)');
  });

  it('a certificate offered to a server that never asks is not presented', async () => {
    const r = await probeWithPostHandshakeAuth({ host: '127.0.0.1', port, servername: 'localhost', path: '/' }, { timeoutMs: 10_000, clientCertificate: credential(pki.ecClient, []) });
    expect(r.clientAuth.mode).toBe('none');
    expect(r.clientCertificate.presented).toBe(false);
    expect(r.clientCertificate.accepted).toBeNull();
  });
});

describe('bounds: hostile and silent servers end within the timeout with one line', () => {
  async function rawServer(onConnection: (s: net.Socket) => void): Promise<{ port: number; close: () => Promise<void> }> {
    const sockets = new Set<net.Socket>();
    const srv = net.createServer((s) => {
      sockets.add(s);
      s.on('error', () => undefined);
      onConnection(s);
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    return {
      port: (srv.address() as net.AddressInfo).port,
      close: () =>
        new Promise<void>((r) => {
          for (const s of sockets) s.destroy();
          srv.close(() => r());
        }),
    };
  }

  it('a server that never answers: timeout after the given time', async () => {
    const srv = await rawServer(() => undefined);
    try {
      const started = Date.now();
      const r = await probeWithPostHandshakeAuth({ host: '127.0.0.1', port: srv.port, servername: 'localhost', path: '/' }, { timeoutMs: 800 });
      expect(Date.now() - started).toBeLessThan(2000);
      expect(r.error).toBe('timeout after 800 ms waiting for ServerHello');
      expect(r.clientAuth.mode).toBe('unknown');
    } finally {
      await srv.close();
    }
  });

  it('a 10 MB handshake message is refused at its header', async () => {
    const srv = await rawServer((s) => {
      s.once('data', () => {
        // A handshake record whose message header claims 10 MB, then a drip of filler.
        s.write(Buffer.from([22, 3, 3, 0, 4, 2, 0xa0, 0, 0]));
        const drip = setInterval(() => (s.writable ? s.write(Buffer.from([22, 3, 3, 0x40, 0, ...Buffer.alloc(0x4000)])) : clearInterval(drip)), 5);
        s.on('close', () => clearInterval(drip));
      });
    });
    try {
      const r = await probeWithPostHandshakeAuth({ host: '127.0.0.1', port: srv.port, servername: 'localhost', path: '/' }, { timeoutMs: 5000 });
      expect(r.error).toBe('the server sent a ServerHello message of 10485760 bytes, over the 64 KB limit for one handshake message');
    } finally {
      await srv.close();
    }
  });

  it('garbage instead of TLS, and a reset, each give one line', async () => {
    const garbage = await rawServer((s) => s.once('data', () => s.end('HTTP/1.1 400 Bad Request\r\n\r\n')));
    const reset = await rawServer((s) => s.once('data', () => s.resetAndDestroy()));
    try {
      const g = await probeWithPostHandshakeAuth({ host: '127.0.0.1', port: garbage.port, servername: 'localhost', path: '/' }, { timeoutMs: 5000 });
      expect(g.error).toBe('the server sent bytes that are not TLS: "HTTP/1.1 400 Bad"');
      const r = await probeWithPostHandshakeAuth({ host: '127.0.0.1', port: reset.port, servername: 'localhost', path: '/' }, { timeoutMs: 5000 });
      expect(r.error).toBe('connection reset by the server during the handshake (waiting for ServerHello)');
      expect(r.ending).toBe('reset by the server during the handshake');
      const refused = await probeWithPostHandshakeAuth({ host: '127.0.0.1', port: await freePort(), servername: 'localhost', path: '/' }, { timeoutMs: 5000 });
      expect(refused.error).toMatch(/^cannot connect to 127\.0\.0\.1:\d+: connection refused$/);
    } finally {
      await garbage.close();
      await reset.close();
    }
  });
});

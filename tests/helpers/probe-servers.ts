import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { issueCertificate, generateKey, type LabCertificate } from '../../electron/services/lab/pki';
import { freePort } from '../../electron/services/net/free-port';

/**
 * Servers for the probe's integration tests, started per run on 127.0.0.1 with certificates made per
 * run: node:tls servers that ask the ways the field asks (in the handshake, by TLS 1.2 renegotiation
 * after the request as IIS does, never, with an empty or a 300-name CA list), `openssl s_server`,
 * nginx with a generated configuration, and hostile node:net servers.
 */

export { freePort };

export interface ProbePki {
  dir: string;
  root: LabCertificate;
  intermediate: LabCertificate;
  server: LabCertificate;
  client: LabCertificate;
  /** A root that issued nothing the client has. */
  otherRoot: LabCertificate;
  /** 300 CA certificates sharing one key: a CA list well over 16 KB. */
  fillers: LabCertificate[];
  files: {
    serverCert: string;
    serverKey: string;
    /** intermediate + root: what servers trust for clients. */
    caBundle: string;
    largeBundle: string;
    otherRoot: string;
    clientPfx: string;
    clientCertPem: string;
    clientKeyPem: string;
    clientChainPem: string;
  };
  pfxPassword: string;
  cleanup(): void;
}

export function makeProbePki(): ProbePki {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-probe-'));
  fs.chmodSync(dir, 0o755);
  const root = issueCertificate({ subject: [['C', 'US'], ['O', 'Certbench Probe Test'], ['CN', 'Certbench Probe Root']], ca: true });
  const intermediate = issueCertificate({ subject: [['C', 'US'], ['O', 'Certbench Probe Test'], ['CN', 'Certbench Probe Issuing CA']], ca: true, issuer: root });
  const server = issueCertificate({ subject: [['CN', 'localhost']], issuer: intermediate, eku: ['serverAuth'], dnsNames: ['localhost'], ipAddresses: ['127.0.0.1', '::1'] });
  const client = issueCertificate({ subject: [['O', 'Contoso'], ['CN', 'alice']], issuer: intermediate, eku: ['clientAuth'] });
  const otherRoot = issueCertificate({ subject: [['O', 'Elsewhere'], ['CN', 'Unrelated Root']], ca: true });
  const fillerKey = generateKey('ec-p256');
  const fillers = Array.from({ length: 300 }, (_, i) =>
    issueCertificate({ subject: [['C', 'US'], ['O', 'Certbench Large CA List Test'], ['CN', `Certbench Generated CA ${String(i + 1).padStart(4, '0')}`]], ca: true, key: fillerKey }),
  );
  const write = (name: string, data: string | Buffer) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, data, { mode: 0o644 });
    return p;
  };
  const pfxPassword = 'probe-test-pw';
  const serverCert = write('server.pem', server.pem + intermediate.pem);
  const serverKey = write('server.key', server.keyPem);
  const caBundle = write('ca.pem', intermediate.pem + root.pem);
  const largeBundle = write('large-ca.pem', [root.pem, intermediate.pem, ...fillers.map((f) => f.pem)].join(''));
  const otherRootFile = write('other-root.pem', otherRoot.pem);
  const clientCertPem = write('client.pem', client.pem);
  const clientKeyPem = write('client.key', client.keyPem);
  const clientChainPem = write('client-chain.pem', client.pem + intermediate.pem);
  // The PFX is made by openssl, as users' files are (AES-256 / PBKDF2 by OpenSSL 3's default).
  const clientPfx = path.join(dir, 'client.pfx');
  const made = spawnSync('openssl', ['pkcs12', '-export', '-in', clientChainPem, '-inkey', clientKeyPem, '-out', clientPfx, '-passout', `pass:${pfxPassword}`], { stdio: 'pipe' });
  if (made.status !== 0) throw new Error(`openssl pkcs12 failed: ${made.stderr.toString()}`);
  return {
    dir,
    root,
    intermediate,
    server,
    client,
    otherRoot,
    fillers,
    files: { serverCert, serverKey, caBundle, largeBundle, otherRoot: otherRootFile, clientPfx, clientCertPem, clientKeyPem, clientChainPem },
    pfxPassword,
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** The bytes a CA name takes in a CertificateRequest: its DER and a 2-byte length (RFC 5246 7.4.4). */
export function caListBytes(certs: LabCertificate[]): number {
  return certs.reduce((n, c) => n + 2 + c.nameDer.length, 0);
}

export const PAGE_403_7 =
  '<html><head><title>403 - Forbidden: Access is denied.</title></head><body><h3>HTTP Error 403.7 - Forbidden</h3><p>The page you are attempting to access requires your browser to have a Secure Sockets Layer (SSL) client certificate that the Web server recognizes.</p></body></html>';

export interface RunningServer {
  port: number;
  url: (path?: string) => string;
  close(): Promise<void>;
}

export type NodeServerKind = 'handshake' | 'renegotiation-iis' | 'none' | 'empty-ca' | 'large-ca';

/**
 * A node:tls server answering HTTP by hand. `handshake`: requestCert with the CA list; `renegotiation-iis`:
 * IIS's default, TLS 1.2 renegotiation after the request (no resumption, no tickets) and, over TLS 1.3
 * where renegotiation does not exist, a TCP reset after the request; `none`; `empty-ca` (requestCert, no
 * `ca`); `large-ca` (the 300-name list). Answers 200 with a client certificate, else IIS's 403.7 page
 * where one is required.
 */
export interface NodeServerOptions {
  /** OpenSSL cipher list, TLS 1.2 and 1.3 names mixed (node:tls splits them). */
  ciphers?: string;
  /** Groups the server accepts, e.g. 'P-384' to force a HelloRetryRequest from a client that guessed X25519. */
  ecdhCurve?: string;
  /** Another server certificate (an RSA one for plain-RSA key exchange); issued by the intermediate. */
  serverCertificate?: LabCertificate;
  /** Listen on this address (default 127.0.0.1; '::1' for IPv6). */
  host?: string;
}

export async function startNodeServer(kind: NodeServerKind, pki: ProbePki, options: NodeServerOptions = {}): Promise<RunningServer> {
  const ca = kind === 'large-ca' ? [pki.root.pem, pki.intermediate.pem, ...pki.fillers.map((f) => f.pem)] : kind === 'empty-ca' ? undefined : [pki.intermediate.pem, pki.root.pem];
  const serverCert = options.serverCertificate ?? pki.server;
  const context = tls.createSecureContext({
    cert: serverCert.pem + pki.intermediate.pem,
    key: serverCert.keyPem,
    ca,
    minVersion: 'TLSv1.2',
    ...(options.ciphers ? { ciphers: options.ciphers } : {}),
    ...(options.ecdhCurve ? { ecdhCurve: options.ecdhCurve } : {}),
    ...(kind === 'renegotiation-iis' ? { secureOptions: crypto.constants.SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION | crypto.constants.SSL_OP_NO_TICKET } : {}),
  });
  const requires = kind !== 'none';
  const issuing = new crypto.X509Certificate(pki.intermediate.der);
  // Judge the client certificate ourselves: after a renegotiation `authorized` still describes the first handshake.
  const trusted = (peer: crypto.X509Certificate | undefined) => !!peer && (kind === 'empty-ca' || (peer.checkIssued(issuing) && peer.verify(issuing.publicKey)));
  const sockets = new Set<net.Socket>();
  const server = net.createServer((raw) => {
    sockets.add(raw);
    raw.on('close', () => sockets.delete(raw));
    raw.on('error', () => undefined);
    const s = new tls.TLSSocket(raw, {
      isServer: true,
      secureContext: context,
      requestCert: kind !== 'none' && kind !== 'renegotiation-iis',
      rejectUnauthorized: false,
    });
    s.on('error', () => undefined);
    let buffered = '';
    s.on('data', (d: Buffer) => {
      buffered += d.toString('latin1');
      if (!buffered.includes('\r\n\r\n')) return;
      buffered = '';
      const answer = () => {
        const peer = s.getPeerX509Certificate();
        const ok = !requires || trusted(peer);
        const body = ok ? `hello ${peer?.subject.replace(/\n/g, ', ') ?? 'anonymous'}\n` : PAGE_403_7;
        // The IIS imitation says so in its Server header, as IIS does (fix scripts are chosen by it).
        const serverHeader = kind === 'renegotiation-iis' ? 'Server: Microsoft-IIS/10.0\r\n' : '';
        s.end(`HTTP/1.1 ${ok ? '200 OK' : '403 Forbidden'}\r\n${serverHeader}Content-Type: text/html\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      };
      if (kind !== 'renegotiation-iis') return answer();
      if (s.getProtocol() === 'TLSv1.3') {
        // Windows Server 2022 with TLS 1.3: no renegotiation, and the connection is reset (field note 003).
        raw.resetAndDestroy();
        return;
      }
      const started = s.renegotiate({ requestCert: true, rejectUnauthorized: false }, (err) => {
        if (err) {
          if (!s.destroyed) s.destroy();
          return;
        }
        answer();
      });
      if (!started) s.destroy();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: (p = '/secure/') => `https://${host.includes(':') ? `[${host}]` : host}:${port}${p}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function waitForPort(port: number, child: ChildProcess, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    const tryOnce = () => {
      if (exited) return reject(new Error(`${what} exited before listening`));
      const s = net.connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > deadline) reject(new Error(`${what} did not listen on ${port}`));
        else setTimeout(tryOnce, 50);
      });
    };
    tryOnce();
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const done = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 3000))]);
  if (!done) {
    child.kill('SIGKILL');
    await exited;
  }
}

/**
 * A server process that listens on a port the kernel chooses and prints it: resolves once `said`
 * matches what it printed (group 1 is the port), so no port is found free first and raced for;
 * rejects when it exits or is silent for `timeoutMs`. Whatever it prints afterwards is kept for
 * `output()`, bounded.
 */
function startSayingPort(command: string, args: string[], said: RegExp, timeoutMs: number): Promise<{ port: number; child: ChildProcess; output: () => string; close: () => Promise<void> }> {
  const what = path.basename(command) === 'openssl' ? `openssl ${args[0]}` : path.basename(command);
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer) => {
    if (out.length < 1 << 20) out += d.toString();
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} did not say its port within ${timeoutMs} ms: ${out.trim().split('\n').pop() ?? ''}`));
    }, timeoutMs);
    const onData = () => {
      const m = said.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve({ port: Number(m[1]), child, output: () => out, close: () => stopChild(child) });
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}) before listening: ${out.trim().split('\n').pop() ?? ''}`));
    });
  });
}

/**
 * `openssl s_server` on a port the kernel chooses: `-accept 127.0.0.1:0` binds port 0 and prints
 * "ACCEPT 127.0.0.1:PORT" (OpenSSL 3) once it listens.
 */
export function startSServer(args: string[], timeoutMs = 10_000): Promise<{ port: number; child: ChildProcess; output: () => string; close: () => Promise<void> }> {
  return startSayingPort('openssl', ['s_server', '-accept', '127.0.0.1:0', ...args], /ACCEPT 127\.0\.0\.1:(\d+)/, timeoutMs);
}

/** `openssl s_server -www` with -verify (asks, optional) or -Verify (requires) and the CA bundle as the list sent. */
export async function startOpensslServer(pki: ProbePki, verify: '-verify' | '-Verify', extra: string[] = []): Promise<RunningServer> {
  const s = await startSServer(['-cert', pki.files.serverCert, '-key', pki.files.serverKey, '-CAfile', pki.files.caBundle, verify, '4', '-www', ...extra]);
  return { port: s.port, url: (p = '/') => `https://127.0.0.1:${s.port}${p}`, close: s.close };
}

export function findNginx(): string | null {
  for (const b of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx']) if (fs.existsSync(b)) return b;
  return null;
}

export interface NginxSite {
  name: string;
  verify: 'on' | 'optional' | 'optional_no_ca';
  /** File sent as the CA list (ssl_client_certificate); omitted for none. */
  clientCaFile?: string;
}

/**
 * nginx with one server block per site, each on a free port, from a configuration generated in a
 * temporary folder, in the foreground; stopped by its process id. `return 200` shows
 * $ssl_client_verify so tests see what nginx concluded.
 */
export async function startNginx(binary: string, pki: ProbePki, sites: NginxSite[]): Promise<{ ports: Record<string, number>; close(): Promise<void> }> {
  // nginx cannot listen on port 0 and say which port it got, so the ports are chosen here; another
  // process taking one before nginx binds it is a lost race, retried with new ports (not a failure).
  for (let attempt = 1; ; attempt++) {
    const ports: Record<string, number> = {};
    for (const s of sites) ports[s.name] = await freePort();
    try {
      return await startNginxOn(binary, pki, sites, ports);
    } catch (err) {
      if (attempt >= 3 || !/Address already in use/.test((err as Error).message)) throw err;
    }
  }
}

async function startNginxOn(binary: string, pki: ProbePki, sites: NginxSite[], ports: Record<string, number>): Promise<{ ports: Record<string, number>; close(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-nginx-'));
  const q = (p: string) => `"${p}"`;
  const conf = [
    'daemon off;',
    'master_process on;',
    'worker_processes 1;',
    ...(process.getuid?.() === 0 ? ['user root;'] : []),
    `pid ${q(path.join(dir, 'nginx.pid'))};`,
    `error_log ${q(path.join(dir, 'error.log'))} warn;`,
    'events { worker_connections 64; }',
    'http {',
    `  access_log off;`,
    `  client_body_temp_path ${q(path.join(dir, 'body'))};`,
    `  proxy_temp_path ${q(path.join(dir, 'proxy'))};`,
    `  fastcgi_temp_path ${q(path.join(dir, 'fastcgi'))};`,
    `  uwsgi_temp_path ${q(path.join(dir, 'uwsgi'))};`,
    `  scgi_temp_path ${q(path.join(dir, 'scgi'))};`,
    ...sites.flatMap((s) => [
      '  server {',
      `    listen 127.0.0.1:${ports[s.name]} ssl;`,
      `    ssl_certificate ${q(pki.files.serverCert)};`,
      `    ssl_certificate_key ${q(pki.files.serverKey)};`,
      '    ssl_protocols TLSv1.2 TLSv1.3;',
      `    ssl_verify_client ${s.verify};`,
      ...(s.clientCaFile ? [`    ssl_client_certificate ${q(s.clientCaFile)};`] : []),
      '    ssl_verify_depth 4;',
      '    location / { default_type text/plain; return 200 "verify=$ssl_client_verify\\n"; }',
      '  }',
    ]),
    '}',
    '',
  ].join('\n');
  const confFile = path.join(dir, 'nginx.conf');
  fs.writeFileSync(confFile, conf);
  const child = spawn(binary, ['-p', dir, '-c', confFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    if (stderr.length < 4096) stderr += d.toString();
  });
  try {
    for (const s of sites) await waitForPort(ports[s.name]!, child, 'nginx');
  } catch (err) {
    await stopChild(child);
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(err as Error).message}: ${stderr.trim().split('\n').pop() ?? ''}`);
  }
  return {
    ports,
    close: async () => {
      await stopChild(child);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function findGnutlsServ(): string | null {
  for (const b of ['/usr/bin/gnutls-serv', '/usr/local/bin/gnutls-serv']) if (fs.existsSync(b)) return b;
  return null;
}

/**
 * GnuTLS's test server (`gnutls-serv --http`, package gnutls-bin): another TLS stack than the OpenSSL
 * of Node, nginx and Apache. `require` asks for a client certificate and refuses the handshake without
 * one (--require-client-cert), `optional` asks and verifies one if sent (--verify-client-cert). It
 * cannot listen on port 0 and say which it got, and on a taken port it says "bind() failed" and stays
 * up without listening: a lost race is retried with another port.
 */
export async function startGnutlsServer(binary: string, pki: ProbePki, verify: 'require' | 'optional'): Promise<RunningServer> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(binary, ['--http', '--x509certfile', pki.files.serverCert, '--x509keyfile', pki.files.serverKey, '--x509cafile', pki.files.caBundle, verify === 'require' ? '--require-client-cert' : '--verify-client-cert', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const listening = await new Promise<boolean>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`gnutls-serv did not listen on ${port} within 10 s: ${out.trim().split('\n').pop() ?? ''}`)), 10_000);
      const onData = (d: Buffer) => {
        if (out.length < 1 << 16) out += d.toString();
        if (/bind\(\) failed/.test(out)) finish(false);
        else if (new RegExp(`IPv4 \\S+ port ${port}\\.\\.\\.done`).test(out)) finish(true);
      };
      const finish = (ok: boolean) => {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.stderr!.off('data', onData);
        resolve(ok);
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`gnutls-serv exited (${code}) before listening: ${out.trim().split('\n').pop() ?? ''}`));
      });
    }).catch(async (err: Error) => {
      await stopChild(child);
      throw err;
    });
    if (listening) return { port, url: (p = '/') => `https://127.0.0.1:${port}${p}`, close: () => stopChild(child) };
    await stopChild(child);
    if (attempt >= 3) throw new Error(`gnutls-serv: port ${port} taken, three times over`);
  }
}

export function findGo(): string | null {
  for (const b of ['/usr/bin/go', '/usr/lib/go/bin/go', '/usr/local/go/bin/go']) if (fs.existsSync(b)) return b;
  return null;
}

let goServer: Promise<string> | null = null;

/** tests/fixtures/go-tls-server built once per test process into a temporary folder (Go's build cache makes later builds quick). */
function buildGoTlsServer(go: string): Promise<string> {
  goServer ??= new Promise((resolve, reject) => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-go-')), 'go-tls-server');
    const source = path.resolve(__dirname, '..', 'fixtures', 'go-tls-server', 'main.go');
    execFile(go, ['build', '-o', out, source], { timeout: 180_000 }, (err, _stdout, stderr) => (err ? reject(new Error(`go build ${source}: ${String(stderr).trim() || err.message}`)) : resolve(out)));
  });
  return goServer;
}

/** A server on Go's crypto/tls (tests/fixtures/go-tls-server): RequireAndVerifyClientCert, VerifyClientCertIfGiven or RequestClientCert with the CA bundle. */
export async function startGoTlsServer(go: string, pki: ProbePki, mode: 'require' | 'verify-if-given' | 'request'): Promise<RunningServer> {
  const binary = await buildGoTlsServer(go);
  const s = await startSayingPort(binary, [pki.files.serverCert, pki.files.serverKey, pki.files.caBundle, mode], /LISTENING (\d+)/, 10_000);
  return { port: s.port, url: (p = '/') => `https://127.0.0.1:${s.port}${p}`, close: s.close };
}

export function findJava(): string | null {
  for (const b of ['/usr/bin/java', '/usr/lib/jvm/default-java/bin/java']) if (fs.existsSync(b)) return b;
  return null;
}

/**
 * A server on Java's JSSE (tests/fixtures/java-tls-server, run as a single source file: Java 11+
 * compiles it in memory, so the JDK is needed), setNeedClientAuth or setWantClientAuth with the CA
 * bundle. The first start compiles: given a minute on a loaded machine.
 */
export async function startJavaTlsServer(java: string, pki: ProbePki, mode: 'need' | 'want'): Promise<RunningServer> {
  const source = path.resolve(__dirname, '..', 'fixtures', 'java-tls-server', 'TlsServer.java');
  const s = await startSayingPort(java, [source, pki.files.serverCert, pki.files.serverKey, pki.files.caBundle, mode], /LISTENING (\d+)/, 60_000);
  return { port: s.port, url: (p = '/') => `https://127.0.0.1:${s.port}${p}`, close: s.close };
}

/** A node:net server whose connection handler misbehaves on purpose (hostile-server suite). */
export async function startRawServer(onConnection: (socket: net.Socket) => void): Promise<RunningServer> {
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
    onConnection(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: (p = '/') => `https://127.0.0.1:${port}${p}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearInterval(t);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A TLS 1.2 ServerHello in a handshake record (ECDHE-RSA-AES128-GCM, renegotiation_info, extended_master_secret). */
export function serverHelloRecord(): Buffer {
  const ext = Buffer.from([0xff, 0x01, 0x00, 0x01, 0x00, 0x00, 0x17, 0x00, 0x00]);
  const body = Buffer.concat([Buffer.from([0x03, 0x03]), crypto.randomBytes(32), Buffer.from([0x00, 0xc0, 0x2f, 0x00]), Buffer.from([0x00, ext.length]), ext]);
  const hs = Buffer.concat([Buffer.from([0x02, 0x00, (body.length >> 8) & 0xff, body.length & 0xff]), body]);
  return Buffer.concat([Buffer.from([0x16, 0x03, 0x03, hs.length >> 8, hs.length & 0xff]), hs]);
}

export function requireTool(binary: string | null, pkg: string): string | null {
  if (binary) return null;
  const message = `${pkg} is not installed (apt-get install ${pkg})`;
  if (process.env.CI === 'true') throw new Error(message);
  return message;
}


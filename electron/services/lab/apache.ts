import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../net/free-port';

/**
 * Apache httpd as a lab server and a test server: `<Location /secure> SSLVerifyClient require`
 * with nothing at vhost level, the configuration with which Apache asks for the certificate only
 * after the request: TLS 1.2 renegotiation, or TLS 1.3 post-handshake authentication (which Node
 * cannot request; tls-probe-notes.md "The four ways a server asks"). Runs in the foreground from a
 * generated configuration in its own temporary folder (PidFile, ErrorLog, runtime dir), on
 * 127.0.0.1 and a free port, and is stopped by its process id.
 */

export interface ApacheInstall {
  binary: string;
  modulesDir: string;
  version: string;
}

const BINARIES = ['/usr/sbin/apache2', '/usr/sbin/httpd', '/usr/local/sbin/httpd', '/opt/homebrew/bin/httpd', '/usr/local/bin/httpd'];
const MODULE_DIRS = ['/usr/lib/apache2/modules', '/usr/lib64/httpd/modules', '/usr/lib/httpd/modules', '/usr/libexec/apache2', '/opt/homebrew/lib/httpd/modules', '/usr/local/lib/httpd/modules'];
const MODULES = ['mpm_event', 'authz_core', 'ssl', 'mime', 'include', 'dir', 'socache_shmcb'];

/** Apache's binary and module folder, or null with nothing found. */
export function findApache(): ApacheInstall | null {
  const binary = BINARIES.find((b) => fs.existsSync(b));
  if (!binary) return null;
  const modulesDir = MODULE_DIRS.find((d) => fs.existsSync(path.join(d, 'mod_ssl.so')));
  if (!modulesDir) return null;
  let version = 'Apache httpd';
  try {
    // Not through the CommandRunner (which is asynchronous): this answer is synchronous because the
    // Apache-dependent test files decide at load time which of their tests run. A 5-second bounded
    // `-v`, argument array, no shell, as the runner would do it.
    const out = execFileSync(binary, ['-v'], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] });
    version = /Server version:\s*(\S+)/.exec(out)?.[1] ?? version;
  } catch {
    return null;
  }
  return { binary, modulesDir, version };
}


export interface ApacheSiteOptions {
  /** PEM: the server certificate followed by its chain. */
  certFile: string;
  keyFile: string;
  /** CAs that verify client certificates; their names are the CA list sent unless caNamesFile says otherwise. */
  caFile: string;
  caNamesFile?: string;
  /**
   * Paths that need a client certificate, each by per-directory SSLVerifyClient: `require` ends the
   * connection with a TLS alert when none comes; `optional` plus `Require ssl-verify-client` answers
   * the 403 page instead. Default: `/secure` with `require`.
   */
  locations?: { path: string; verify: 'require' | 'optional' }[];
  /** 'TLSv1.3' only, 'TLSv1.2' only, or both. */
  protocols: 'TLSv1.3' | 'TLSv1.2' | 'TLSv1.2 TLSv1.3';
  /** Body of /secure/ when the client authenticated: may use SSI (<!--#echo var="SSL_CLIENT_S_DN" -->). */
  securePage: string;
  openPage: string;
  forbiddenPage: string;
  /** Startup wait; default 10 s. */
  timeoutMs?: number;
}

export interface RunningApache {
  port: number;
  url: string;
  pid: number;
  folder: string;
  configFile: string;
  errorLog: string;
  version: string;
  stop(): Promise<void>;
}

function runAsUser(): string | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  const passwd = fs.existsSync('/etc/passwd') ? fs.readFileSync('/etc/passwd', 'utf8') : '';
  for (const user of ['www-data', 'apache', 'daemon', 'nobody']) if (new RegExp(`^${user}:`, 'm').test(passwd)) return user;
  return 'nobody';
}

function groupOf(user: string): string {
  const group = fs.existsSync('/etc/group') ? fs.readFileSync('/etc/group', 'utf8') : '';
  if (new RegExp(`^${user}:`, 'm').test(group)) return user;
  return 'nogroup';
}

const q = (p: string) => `"${p.replace(/["\\]/g, '\\$&')}"`;

/** Start Apache with one TLS virtual host; resolves once it accepts TCP connections. */
export async function startApache(install: ApacheInstall, site: ApacheSiteOptions): Promise<RunningApache> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-apache-'));
  // The worker user (www-data when started as root) must read the pages.
  fs.chmodSync(folder, 0o755);
  const htdocs = path.join(folder, 'htdocs');
  const locations = site.locations ?? [{ path: '/secure', verify: 'require' }];
  fs.mkdirSync(htdocs, { mode: 0o755 });
  for (const l of locations) {
    if (!/^\/[A-Za-z0-9_-]+$/.test(l.path)) throw new Error(`Apache location ${JSON.stringify(l.path)}: use /name`);
    fs.mkdirSync(path.join(htdocs, l.path), { mode: 0o755 });
    fs.writeFileSync(path.join(htdocs, l.path, 'index.shtml'), site.securePage, { mode: 0o644 });
  }
  fs.writeFileSync(path.join(htdocs, 'index.html'), site.openPage, { mode: 0o644 });
  fs.writeFileSync(path.join(htdocs, '403.html'), site.forbiddenPage, { mode: 0o644 });
  fs.writeFileSync(path.join(folder, 'mime.types'), 'text/html html shtml\n');
  const port = await freePort();
  const user = runAsUser();
  const errorLog = path.join(folder, 'error.log');
  const configFile = path.join(folder, 'httpd.conf');
  const protocols = site.protocols === 'TLSv1.3' ? '-all +TLSv1.3' : site.protocols === 'TLSv1.2' ? '-all +TLSv1.2' : '-all +TLSv1.2 +TLSv1.3';
  const config = [
    `ServerRoot ${q(folder)}`,
    `DefaultRuntimeDir ${q(folder)}`,
    `PidFile ${q(path.join(folder, 'httpd.pid'))}`,
    `ErrorLog ${q(errorLog)}`,
    'LogLevel warn ssl:info',
    ...MODULES.map((m) => `LoadModule ${m}_module ${q(path.join(install.modulesDir, `mod_${m}.so`))}`),
    ...(user ? [`User ${user}`, `Group ${groupOf(user)}`] : []),
    'ServerName 127.0.0.1',
    `Listen 127.0.0.1:${port}`,
    'StartServers 1',
    'ServerLimit 1',
    'ThreadsPerChild 16',
    'MaxRequestWorkers 16',
    'MinSpareThreads 1',
    'MaxSpareThreads 16',
    `TypesConfig ${q(path.join(folder, 'mime.types'))}`,
    `SSLSessionCache ${q(`shmcb:${path.join(folder, 'ssl_scache')}(512000)`)}`,
    `DocumentRoot ${q(htdocs)}`,
    `<Directory ${q(htdocs)}>`,
    '  Options +Includes',
    '  Require all granted',
    '</Directory>',
    'AddOutputFilter INCLUDES .shtml',
    'DirectoryIndex index.shtml index.html',
    `<VirtualHost 127.0.0.1:${port}>`,
    '  SSLEngine on',
    `  SSLProtocol ${protocols}`,
    `  SSLCertificateFile ${q(site.certFile)}`,
    `  SSLCertificateKeyFile ${q(site.keyFile)}`,
    `  SSLCACertificateFile ${q(site.caFile)}`,
    ...(site.caNamesFile ? [`  SSLCADNRequestFile ${q(site.caNamesFile)}`] : []),
    '  SSLVerifyDepth 4',
    '  ErrorDocument 403 /403.html',
    ...locations.flatMap((l) => [
      `  <Location ${l.path}>`,
      `    SSLVerifyClient ${l.verify}`,
      '    SSLOptions +StdEnvVars',
      ...(l.verify === 'optional' ? ['    Require ssl-verify-client'] : []),
      '  </Location>',
    ]),
    '</VirtualHost>',
    '',
  ].join('\n');
  fs.writeFileSync(configFile, config);

  // Not through the CommandRunner: a long-running foreground server is not a run-to-completion
  // command. It runs until stop() (SIGTERM, then SIGKILL), and its output is watched while it starts.
  const child: ChildProcess = spawn(install.binary, ['-f', configFile, '-DFOREGROUND'], { stdio: ['ignore', 'ignore', 'pipe'], detached: false });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    if (stderr.length < 8192) stderr += d.toString();
  });
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => {
    exited = true;
  });
  const cleanupFolder = () => fs.rmSync(folder, { recursive: true, force: true });
  const stop = async () => {
    if (!exited && child.pid) {
      child.kill('SIGTERM');
      const killed = await Promise.race([exitedPromise.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000))]);
      if (!killed) {
        child.kill('SIGKILL');
        await exitedPromise;
      }
    }
    cleanupFolder();
  };

  const deadline = Date.now() + (site.timeoutMs ?? 10_000);
  for (;;) {
    if (exited) {
      const log = fs.existsSync(errorLog) ? fs.readFileSync(errorLog, 'utf8') : '';
      const last = `${stderr}\n${log}`.trim().split('\n').filter(Boolean).pop() ?? 'no message';
      cleanupFolder();
      throw new Error(`Apache did not start: ${last.trim()}`);
    }
    if (await canConnect(port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Apache did not accept connections on 127.0.0.1:${port} within ${Math.round((site.timeoutMs ?? 10_000) / 1000)} s`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { port, url: `https://127.0.0.1:${port}${locations[0]!.path}/`, pid: child.pid ?? 0, folder, configFile, errorLog, version: install.version, stop };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

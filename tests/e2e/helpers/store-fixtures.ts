import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateCertificates } from '../../../bench/generate';
import { makeFixtures } from './certs';

/**
 * Stores and keys for the stores and private-keys e2e tests, made per run: a folder store holding a client
 * certificate with its key (mode 600) inside a 0700 folder, plus the CA, a server-only and an
 * expired certificate; a "trusted roots" folder holding the root and a certificate that is not
 * self-signed; a service user to check and grant; and, for the 5,000-row test, PEM bundles made
 * in-process. Everything is removed by `cleanup`.
 */
export interface KeyStoreFixtures {
  base: string;
  /** The 0700 folder added as a store. */
  storeDir: string;
  keyFile: string;
  clientPem: string;
  /** A folder to add as trusted roots: the root and a non-self-signed certificate. */
  rootsDir: string;
  /** A system user made for this run (no home, no login). */
  user: string;
  cleanup: () => void;
}

function run(file: string, args: string[]): string {
  return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function makeKeyStoreFixtures(): KeyStoreFixtures {
  const certs = makeFixtures();
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-e2e-keys-'));
  // mkdtemp makes 0700 folders: open the base so that only the store folder blocks traversal.
  fs.chmodSync(base, 0o755);
  const storeDir = path.join(base, 'store');
  fs.mkdirSync(storeDir, { mode: 0o700 });
  fs.chmodSync(storeDir, 0o700);
  const copy = (from: string, name: string) => fs.copyFileSync(from, path.join(storeDir, name));
  copy(certs.rootPem, 'ca.pem');
  copy(certs.clientPem, 'client.pem');
  copy(path.join(certs.dir, 'client.key'), 'client.key');
  copy(certs.serverPem, 'server.pem');
  copy(certs.expiredPem, 'expired.pem');
  const keyFile = path.join(storeDir, 'client.key');
  fs.chmodSync(keyFile, 0o600);

  const rootsDir = path.join(base, 'roots');
  fs.mkdirSync(rootsDir, { mode: 0o755 });
  fs.copyFileSync(certs.rootPem, path.join(rootsDir, 'root.pem'));
  // Not self-signed, yet in a folder marked as trusted roots: KB 2802568's misconfiguration.
  fs.copyFileSync(certs.serverPem, path.join(rootsDir, 'intranet.pem'));

  const user = `certbench-e2e-${randomBytes(3).toString('hex')}`;
  run('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', user]);

  return {
    base,
    storeDir,
    keyFile,
    clientPem: path.join(storeDir, 'client.pem'),
    rootsDir,
    user,
    cleanup: () => {
      spawnSync('userdel', [user], { stdio: 'ignore' });
      fs.rmSync(base, { recursive: true, force: true });
      fs.rmSync(certs.dir, { recursive: true, force: true });
    },
  };
}

/** `getfacl -p --absolute-names` of paths, byte for byte (what a restore must reproduce). */
export function getfacl(...paths: string[]): Buffer {
  return execFileSync('getfacl', ['-p', '--absolute-names', ...paths], { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Whether `user` can read `file` as the kernel decides it (runuser, as root). */
export function runuserCat(user: string, file: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('runuser', ['-u', user, '--', 'cat', file], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function pem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN CERTIFICATE-----\n${b64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

/**
 * A folder of `count` distinct certificates ("client-0" … "client-N", issued by "Bench Issuing
 * CA"), generated in-process and written as PEM bundles small enough for the folder store's 1 MB
 * per-file limit (electron/platform/file-store.ts FOLDER_LIMITS.maxFileBytes).
 */
export async function makeBulkStore(count: number, perFile = 1000): Promise<{ dir: string; cleanup: () => void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-e2e-bulk-'));
  const ders = await generateCertificates(count);
  for (let i = 0; i < ders.length; i += perFile) {
    const text = ders.slice(i, i + perFile).map(pem).join('');
    if (Buffer.byteLength(text) > 1024 * 1024) throw new Error('bundle over the 1 MB per-file limit: lower perFile');
    fs.writeFileSync(path.join(dir, `bundle-${String(i / perFile).padStart(2, '0')}.pem`), text);
  }
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

import fs from 'node:fs';
import { readCertificateFile } from '../../shared/cert/reader';
import type { PoolItem } from '../../shared/chain/analyze';
import { machineParseCache, stampOf, type ParseCache } from './parse-cache';

/**
 * The operating system's trusted roots, as trust anchors for chain building. On Linux these are the
 * distribution's CA bundle files (Debian/Ubuntu, RHEL/Fedora, SUSE, Alpine paths); the Windows and
 * macOS stores are read by their store adapters, so here they contribute nothing and say so.
 */
const LINUX_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/ssl/cert.pem',
];
const MAX_BUNDLE_BYTES = 8 * 1024 * 1024;

/**
 * The trusted-root bundle file of this machine: CERTBENCH_SYSTEM_TRUST (tests, unusual
 * distributions), else the first distribution bundle that exists; null when none. Chain building
 * (systemTrust) and the "System trust bundle" store (electron/platform/linux/stores.ts) read the same file.
 */
export function systemBundleFile(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.CERTBENCH_SYSTEM_TRUST) return env.CERTBENCH_SYSTEM_TRUST;
  if (process.platform !== 'linux') return null;
  return LINUX_BUNDLES.find((f) => fs.existsSync(f)) ?? null;
}

export interface SystemTrust {
  source: string;
  items: PoolItem[];
  note: string | null;
}

/** The trusted roots of this machine, read once per service set (a CERTBENCH_SYSTEM_TRUST bundle every time: tests rewrite it). */
export interface SystemTrustSource {
  roots: () => Promise<SystemTrust>;
}

/**
 * Read on the first `roots()` only (a command that judges no chain never reads the bundle); the
 * certificates of the machine's bundle come from the data folder's cache while the file's size and
 * time are unchanged (parse-cache.ts). A CERTBENCH_SYSTEM_TRUST bundle is read every time: tests
 * rewrite it faster than its modification time moves.
 */
export function createSystemTrust(env: NodeJS.ProcessEnv = process.env, cache: ParseCache = machineParseCache(env)): SystemTrustSource {
  let cached: SystemTrust | null = null;
  return {
    roots: async () => {
      // CERTBENCH_SYSTEM_TRUST lets tests and unusual distributions point at another bundle.
      const override = env.CERTBENCH_SYSTEM_TRUST;
      if (!override && cached) return cached;
      const result = await readSystemTrust(env, override ? null : cache);
      if (!override) cached = result;
      return result;
    },
  };
}

async function readSystemTrust(env: NodeJS.ProcessEnv, cache: ParseCache | null): Promise<SystemTrust> {
  if (process.platform !== 'linux' && !env.CERTBENCH_SYSTEM_TRUST) {
    return { source: 'system trust', items: [], note: `the ${process.platform} trust store is not read yet; add trusted roots as files` };
  }
  const file = systemBundleFile(env);
  if (!file) return { source: 'system trust', items: [], note: 'no system CA bundle found (install the ca-certificates package)' };
  const made = (ders: Uint8Array[], note: string | null): SystemTrust => ({ source: `system trust (${file})`, items: ders.map((der) => ({ der, source: `system trust`, trusted: true })), note });
  try {
    const stamp = stampOf(fs.statSync(file));
    const hit = cache?.get<string[]>('trust-roots', file, stamp) ?? { value: null, note: null };
    if (hit.value) return made(hit.value.map((b64) => new Uint8Array(Buffer.from(b64, 'base64'))), null);
    const bytes = new Uint8Array(fs.readFileSync(file));
    const read = await readCertificateFile(file, bytes, MAX_BUNDLE_BYTES);
    cache?.put('trust-roots', file, stamp, read.certificates.map((der) => Buffer.from(der).toString('base64')));
    return made(read.certificates, hit.note);
  } catch (err) {
    return { source: 'system trust', items: [], note: `cannot read ${file}: ${(err as Error).message}` };
  }
}

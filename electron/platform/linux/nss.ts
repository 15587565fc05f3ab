import fs from 'node:fs';
import path from 'node:path';
import { readContainer } from '../../../shared/cert/containers';
import { summarizeCertificate } from '../../../shared/cert/summarize';
import type { CertificateSummary } from '../../../shared/model/certificate';
import type { KeyLocation, Store, StoreCertificate, StoreRole } from '../../../shared/model/store';
import { commandProblem } from '../command-runner';
import type { CommandRunner } from '../types';
import { nssRole, parseCertutilKeys, parseCertutilList, type NssEntry, type NssKey } from '../../../shared/stores/nss';

/**
 * NSS databases (Linux): Chrome/Chromium's ~/.pki/nssdb, Firefox profiles, the system-wide
 * /etc/pki/nssdb. Read with `certutil` from libnss3-tools (never by opening the SQLite files: NSS
 * owns their format): `-L` lists nicknames with trust flags, `-L -n NICK -a` prints a certificate as
 * PEM, `-K` lists private keys. The parsers are pure (shared/stores/nss.ts), tested on recorded output.
 */

const ROLE_LABEL: Partial<Record<StoreRole, string>> = {
  root: 'trusted CAs',
  personal: 'your certificates',
  'trusted-people': 'trusted peers',
  intermediate: 'other CAs',
  other: 'other certificates',
};

/** NSS databases under a home folder (and the system one), those that exist. */
export function discoverNssDatabases(home: string, extra: string[] = ['/etc/pki/nssdb']): { dir: string; label: string }[] {
  const found: { dir: string; label: string }[] = [];
  const add = (dir: string, label: string) => {
    if (fs.existsSync(path.join(dir, 'cert9.db')) && !found.some((f) => f.dir === dir)) found.push({ dir, label });
  };
  add(path.join(home, '.pki', 'nssdb'), 'NSS database (Chrome, Chromium)');
  for (const base of [path.join(home, '.mozilla', 'firefox'), path.join(home, 'snap', 'firefox', 'common', '.mozilla', 'firefox')]) {
    let names: string[] = [];
    try {
      names = fs.readdirSync(base).sort();
    } catch {
      continue;
    }
    for (const n of names) add(path.join(base, n), `Firefox profile ${n}`);
  }
  for (const dir of extra) add(dir, 'NSS database (system)');
  return found;
}

export const NSS_LIMITS = { maxEntries: 1000, timeoutMs: 15_000, parallel: 4 };

export interface NssRead {
  stores: Store[];
  certificates: StoreCertificate[];
}

/**
 * Read one NSS database into logical stores by trust (trusted CAs, your certificates, trusted peers,
 * other CAs, other), like Windows' Root / My / TrustedPeople / CA. The trusted-CA and personal stores
 * are always listed (they are what mutual TLS needs); the others only when they hold something.
 */
export async function readNssDatabase(
  runner: CommandRunner,
  db: { dir: string; label: string },
  at: Date,
  options: { progress?: (done: number, total: number | null, label: string) => void; signal?: AbortSignal; limits?: typeof NSS_LIMITS } = {},
): Promise<NssRead> {
  const limits = options.limits ?? NSS_LIMITS;
  const spec = `sql:${db.dir}`;
  const idBase = `nss:${db.dir}`;
  const makeStore = (role: StoreRole, count: number, error: string | null): Store => ({
    id: `${idBase}#${role}`,
    kind: 'nss',
    role,
    label: `${db.label}: ${ROLE_LABEL[role] ?? role}`,
    location: db.dir,
    trusted: role === 'root',
    certificateCount: count,
    error,
  });

  const list = await runner.run('certutil', ['-L', '-d', spec], { timeoutMs: limits.timeoutMs });
  const listProblem = commandProblem(list);
  if (listProblem) {
    const error = /command not found/.test(listProblem) ? 'certutil is not installed (apt-get install libnss3-tools)' : listProblem;
    return { stores: [makeStore('root', 0, error), makeStore('personal', 0, error)], certificates: [] };
  }
  const all = parseCertutilList(list.stdout);
  const entries = all.slice(0, limits.maxEntries);
  const truncated = all.length > entries.length ? `only the first ${entries.length} of ${all.length} entries were read` : null;

  const keysRun = await runner.run('certutil', ['-K', '-d', spec], { timeoutMs: limits.timeoutMs });
  const keys = keysRun.exitCode === 0 ? parseCertutilKeys(keysRun.stdout) : null;
  const keysNote = keys ? null : /password|authenticate/i.test(keysRun.stderr) ? 'the key database is password-protected; its key list needs the password' : (commandProblem(keysRun) ?? 'certutil -K failed');

  const certificates: StoreCertificate[] = [];
  const problems: string[] = [];
  let done = 0;
  const queue = [...entries];
  const worker = async () => {
    for (let e = queue.shift(); e; e = queue.shift()) {
      if (options.signal?.aborted) return;
      const r = await runner.run('certutil', ['-L', '-d', spec, '-n', e.nickname, '-a'], { timeoutMs: limits.timeoutMs, maxOutputBytes: 1024 * 1024 });
      options.progress?.(++done, entries.length, `${db.label}: ${e.nickname}`);
      const problem = commandProblem(r);
      if (problem) {
        problems.push(`${e.nickname}: ${problem}`);
        continue;
      }
      let ders: Uint8Array[];
      try {
        ders = (await readContainer(e.nickname, new TextEncoder().encode(r.stdout), { maxBytes: 1024 * 1024 })).certificates;
      } catch (err) {
        problems.push(`${e.nickname}: ${(err as Error).message}`);
        continue;
      }
      for (const der of ders) {
        let summary: CertificateSummary;
        try {
          summary = await summarizeCertificate(`${db.dir} (${e.nickname})`, der, at);
        } catch (err) {
          problems.push((err as Error).message);
          continue;
        }
        const role = nssRole(e.trust, summary);
        certificates.push({ storeId: `${idBase}#${role}`, friendlyName: e.nickname, summary, key: nssKeyLocation(db.dir, e, keys, keysNote), file: null, trustFlags: e.trust });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limits.parallel) }, worker));
  // Stable order whatever the parallel runs did: by nickname as certutil listed them.
  const order = new Map(entries.map((e, i) => [e.nickname, i]));
  certificates.sort((a, b) => (order.get(a.friendlyName ?? '') ?? 0) - (order.get(b.friendlyName ?? '') ?? 0));

  const error = [truncated, problems.length ? `${problems.length} entr${problems.length > 1 ? 'ies' : 'y'} not read (${problems[0]})` : null].filter(Boolean).join('; ') || null;
  const roles: StoreRole[] = ['root', 'personal', 'trusted-people', 'intermediate', 'other'];
  const stores = roles
    .map((role) => makeStore(role, certificates.filter((c) => c.storeId === `${idBase}#${role}`).length, error))
    .filter((s) => s.role === 'root' || s.role === 'personal' || s.certificateCount > 0);
  return { stores, certificates };
}

function nssKeyLocation(dir: string, entry: NssEntry, keys: NssKey[] | null, keysNote: string | null): KeyLocation {
  const base = { provider: 'NSS Certificate DB', providerKind: 'nss' as const, uniqueName: null, path: path.join(dir, 'key4.db'), exportable: null };
  const userCert = entry.trust.includes('u');
  const key = keys?.find((k) => k.nickname === entry.nickname || k.nickname?.endsWith(`:${entry.nickname}`));
  if (key) return { ...base, status: 'present', container: key.keyId, detail: `${key.algorithm} key ${key.keyId} in key4.db` };
  if (!userCert) return { status: 'none', provider: null, providerKind: null, container: null, uniqueName: null, path: null, exportable: null, detail: null };
  if (!keys) return { ...base, status: 'present', container: null, detail: `NSS marks it as a user certificate (u); ${keysNote ?? 'the key list was not read'}` };
  return { ...base, status: 'missing', container: null, detail: 'NSS marks it as a user certificate (u) but certutil -K lists no key with its nickname' };
}

import fs from 'node:fs';
import path from 'node:path';
import { aclFromFacl, minimalFaclFromMode, parseGetfacl, type FaclBlock, type PathAcls } from '../../shared/acl/posix';
import { CertbenchError } from '../../shared/errors';
import { commandProblem } from './command-runner';
import type { CommandRunner } from './types';

/**
 * Reading POSIX ACLs: `getfacl -p --absolute-names` through the CommandRunner, parsed and judged by
 * the pure shared/acl/posix.ts; without getfacl (package acl) the mode bits from stat give the same
 * minimal ACL.
 */

/**
 * Every directory a process must traverse to open `file`, outermost first: the parents of the path
 * as given and, when it is a symlink or under one, the parents of the real path too.
 */
export function traversedDirectories(file: string, real: string): string[] {
  const parents = (p: string) => {
    const out: string[] = [];
    let dir = path.dirname(p);
    for (;;) {
      out.unshift(dir);
      const up = path.dirname(dir);
      if (up === dir) break;
      dir = up;
    }
    return out;
  };
  const seen = new Set<string>();
  const result: string[] = [];
  for (const d of [...parents(path.resolve(file)), ...parents(real)]) {
    if (!seen.has(d)) {
      seen.add(d);
      result.push(d);
    }
  }
  return result;
}

const GETFACL_TIMEOUT_MS = 15_000;

/** Read `getfacl -p --absolute-names` of the given paths, or fall back to the mode bits. */
export async function readFacls(runner: CommandRunner, paths: string[]): Promise<{ blocks: FaclBlock[]; dump: string; source: 'getfacl' | 'mode'; note: string | null }> {
  const r = await runner.run('getfacl', ['-p', '--absolute-names', ...paths], { timeoutMs: GETFACL_TIMEOUT_MS, maxOutputBytes: 4 * 1024 * 1024 });
  if (r.error && /command not found/.test(r.error)) {
    const blocks: FaclBlock[] = [];
    for (const p of paths) {
      const st = fs.statSync(p);
      blocks.push(minimalFaclFromMode(p, st.mode, await nameOf(runner, 'passwd', st.uid), await nameOf(runner, 'group', st.gid)));
    }
    return { blocks, dump: blocks.map((b) => b.text).join(''), source: 'mode', note: 'getfacl is not installed (apt-get install acl): mode bits only, extended ACL entries are not shown' };
  }
  const problem = commandProblem(r);
  if (problem) throw new CertbenchError(/No such file/.test(r.stderr) ? 'not-found' : 'bad-input', `cannot read the ACL: ${problem}`);
  const blocks = parseGetfacl(r.stdout);
  if (blocks.length !== paths.length) throw new CertbenchError('internal', `getfacl printed ${blocks.length} ACLs for ${paths.length} paths`);
  return { blocks, dump: r.stdout, source: 'getfacl', note: null };
}

/** The stat + getfacl view of a key file and the directories leading to it. */
export async function readPathAcls(runner: CommandRunner, file: string): Promise<PathAcls> {
  const absolute = path.resolve(file);
  let real: string;
  let st: fs.Stats;
  try {
    real = fs.realpathSync(absolute);
    st = fs.statSync(real);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CertbenchError('not-found', `${absolute}: no such file`);
    if (code === 'EACCES') throw new CertbenchError('forbidden', `${absolute}: permission denied (a parent directory cannot be searched by you)`);
    throw new CertbenchError('bad-input', `${absolute}: cannot stat (${code ?? 'error'})`);
  }
  const dirs = traversedDirectories(absolute, real);
  const read = await readFacls(runner, [...dirs, real]);
  const modes = [...dirs.map((d) => fs.statSync(d).mode), st.mode];
  const acls = read.blocks.map((b, i) => aclFromFacl(b, modes[i] ?? null));
  return { file: absolute, realPath: real, fileAcl: acls[acls.length - 1]!, directories: acls.slice(0, -1), dump: read.dump, source: read.source, note: read.note };
}

const nameCache = new Map<string, string>();

/** A uid or gid as a name via `getent` (NSS: files, LDAP, sssd), or the number when unknown. */
export async function nameOf(runner: CommandRunner, db: 'passwd' | 'group', id: number): Promise<string> {
  const key = `${db}:${id}`;
  const cached = nameCache.get(key);
  if (cached !== undefined) return cached;
  const r = await runner.run('getent', [db, String(id)], { timeoutMs: 5000 });
  // Not found or no getent: the number, as ls -n would show it.
  const name = (r.exitCode === 0 && r.stdout.split(':')[0]) || String(id);
  nameCache.set(key, name);
  return name;
}

import type { Identity } from '../../../shared/model/acl';
import { CertbenchError } from '../../../shared/errors';
import { commandProblem } from '../command-runner';
import type { CommandRunner, IdentityDirectory } from '../types';

/**
 * Linux identities a key can be granted to: users and groups from the name service
 * (`getent passwd` / `getent group`, so LDAP and sssd accounts count, not only /etc/passwd), with
 * group memberships resolved per user by `id -G` (numeric, then named by `getent group`, because
 * `id -Gn` separates names by spaces and directory groups such as "domain users" contain spaces).
 * Group identities are written `group:NAME`; a bare name or `user:NAME` is a user.
 */

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  gecos: string;
  home: string;
  shell: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

/** `getent passwd` lines: name:password:uid:gid:gecos:home:shell. Malformed lines are skipped. */
export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 7 || !f[0]) continue;
    const uid = Number(f[2]);
    const gid = Number(f[3]);
    if (!Number.isInteger(uid) || !Number.isInteger(gid)) continue;
    out.push({ name: f[0], uid, gid, gecos: f[4] ?? '', home: f[5] ?? '', shell: f.slice(6).join(':') });
  }
  return out;
}

/** `getent group` lines: name:password:gid:member,member. */
export function parseGroups(text: string): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 4 || !f[0]) continue;
    const gid = Number(f[2]);
    if (!Number.isInteger(gid)) continue;
    out.push({ name: f[0], gid, members: (f[3] ?? '').split(',').filter(Boolean) });
  }
  return out;
}

/** Highest system uid (login.defs SYS_UID_MAX default): accounts at or below it run services. */
const SYS_UID_MAX = 999;
const NO_LOGIN = /\/(nologin|false)$/;

function userKind(p: PasswdEntry): Identity['kind'] {
  if (p.uid === 0) return 'user';
  return p.uid <= SYS_UID_MAX || NO_LOGIN.test(p.shell) ? 'service' : 'user';
}

/** Identities from the two getent listings: users with their groups (primary + listed member), then groups. */
export function identitiesFromGetent(passwd: PasswdEntry[], groups: GroupEntry[]): Identity[] {
  const byGid = new Map(groups.map((g) => [g.gid, g.name]));
  const users: Identity[] = passwd.map((p) => {
    const memberOf = [byGid.get(p.gid) ?? String(p.gid), ...groups.filter((g) => g.members.includes(p.name) && g.gid !== p.gid).map((g) => g.name)];
    return { name: p.name, kind: userKind(p), memberOf, sid: null, source: 'getent passwd', posixId: p.uid };
  });
  const groupIds: Identity[] = groups.map((g) => ({ name: `group:${g.name}`, kind: 'group', memberOf: [g.name], sid: null, source: 'getent group', posixId: g.gid }));
  return [...users, ...groupIds];
}

/** Bound on names read from the name service (an enumerating LDAP directory can be huge). */
export const MAX_IDENTITIES = 5000;
const TIMEOUT_MS = 10_000;

/** IdentityDirectory on getent and id (see the file comment). */
export class LinuxIdentityDirectory implements IdentityDirectory {
  constructor(private readonly runner: CommandRunner) {}

  async list(): Promise<Identity[]> {
    const [passwd, group] = await Promise.all([
      this.runner.run('getent', ['passwd'], { timeoutMs: TIMEOUT_MS }),
      this.runner.run('getent', ['group'], { timeoutMs: TIMEOUT_MS }),
    ]);
    for (const r of [passwd, group]) {
      const problem = commandProblem(r);
      if (problem) throw new CertbenchError('internal', `cannot list identities: ${problem}`);
    }
    return identitiesFromGetent(parsePasswd(passwd.stdout), parseGroups(group.stdout)).slice(0, MAX_IDENTITIES);
  }

  async resolve(typed: string): Promise<Identity> {
    const name = typed.trim();
    if (!name) throw new CertbenchError('bad-input', 'identity: empty name');
    if (name.startsWith('group:')) {
      const g = name.slice(6);
      const r = await this.runner.run('getent', ['group', g], { timeoutMs: TIMEOUT_MS });
      const [entry] = parseGroups(r.stdout);
      if (r.exitCode !== 0 || !entry) throw new CertbenchError('not-found', `identity: no group "${g}" on this machine (getent group)`);
      return { name: `group:${entry.name}`, kind: 'group', memberOf: [entry.name], sid: null, source: 'getent group', posixId: entry.gid };
    }
    const user = name.replace(/^user:/, '');
    const r = await this.runner.run('getent', ['passwd', user], { timeoutMs: TIMEOUT_MS });
    const [entry] = parsePasswd(r.stdout);
    if (r.exitCode !== 0 || !entry) {
      throw new CertbenchError('not-found', `identity: no user "${user}" on this machine (getent passwd); for a group write group:NAME`);
    }
    const ids = await this.runner.run('id', ['-G', entry.name], { timeoutMs: TIMEOUT_MS });
    const gids = ids.exitCode === 0 ? ids.stdout.trim().split(/\s+/).filter((x) => /^\d+$/.test(x)) : [String(entry.gid)];
    const names = await this.runner.run('getent', ['group', ...gids], { timeoutMs: TIMEOUT_MS });
    const byGid = new Map(parseGroups(names.stdout).map((g) => [String(g.gid), g.name]));
    // Keep id's order (primary group first); a gid without a name stays a number, as ls -n shows it.
    const memberOf = gids.map((gid) => byGid.get(gid) ?? gid);
    return { name: entry.name, kind: userKind(entry), memberOf, sid: null, source: 'getent passwd + id -G', posixId: entry.uid };
  }
}

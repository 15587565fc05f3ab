import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/**
 * Real users, groups and tools for the Linux key-permission tests: real files, real users
 * and real ACLs created by the test. Needs root (CI runs as root). Missing tools are named with
 * the Debian package that provides them, so a skip says what to install.
 */
const TOOLS: { cmd: string; args: string[]; pkg: string }[] = [
  { cmd: 'getfacl', args: ['--version'], pkg: 'acl' },
  { cmd: 'setfacl', args: ['--version'], pkg: 'acl' },
  { cmd: 'certutil', args: ['-H'], pkg: 'libnss3-tools' },
  { cmd: 'pk12util', args: ['-H'], pkg: 'libnss3-tools' },
  { cmd: 'runuser', args: ['--version'], pkg: 'util-linux' },
  { cmd: 'useradd', args: ['--help'], pkg: 'passwd' },
  { cmd: 'openssl', args: ['version'], pkg: 'openssl' },
];

/** null when everything is there; else one line naming what is missing and how to install it. */
export function requireLinuxKeyTools(): string | null {
  if (process.platform !== 'linux') return 'Linux only (POSIX ACLs, NSS, useradd)';
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'needs root (creates users and changes ACLs); CI runs as root';
  const missing = TOOLS.filter((t) => spawnSync(t.cmd, t.args, { stdio: 'ignore' }).error !== undefined);
  if (!missing.length) return null;
  const pkgs = [...new Set(missing.map((t) => t.pkg))];
  return `${missing.map((t) => t.cmd).join(', ')} not installed (apt-get install ${pkgs.join(' ')})`;
}

/** Users and groups made for one test file, removed again in afterAll. */
export class TestAccounts {
  readonly users: string[] = [];
  readonly groups: string[] = [];

  user(prefix = 'certbench-svc'): string {
    const name = `${prefix}-${randomBytes(4).toString('hex')}`;
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', name], { stdio: 'pipe' });
    this.users.push(name);
    return name;
  }

  group(prefix = 'certbench-g'): string {
    const name = `${prefix}-${randomBytes(4).toString('hex')}`;
    execFileSync('groupadd', ['--system', name], { stdio: 'pipe' });
    this.groups.push(name);
    return name;
  }

  addToGroup(user: string, group: string): void {
    execFileSync('usermod', ['-aG', group, user], { stdio: 'pipe' });
  }

  cleanup(): void {
    for (const u of this.users) spawnSync('userdel', [u], { stdio: 'ignore' });
    for (const g of this.groups) spawnSync('groupdel', [g], { stdio: 'ignore' });
  }
}

/** Run a command as another user, the kernel deciding: `runuser -u USER -- ...`. */
export function asUser(user: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync('runuser', ['-u', user, '--', ...args], { encoding: 'utf8', env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', ...env } });
}

/** The getfacl dump of paths, byte for byte (what backups hold). */
export function getfacl(...paths: string[]): string {
  return execFileSync('getfacl', ['-p', '--absolute-names', ...paths], { encoding: 'utf8' });
}

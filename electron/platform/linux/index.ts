import path from 'node:path';
import { backupsDir } from '../data-dir';
import type { CommandRunner, Platform } from '../types';
import { LinuxKeyAclReader } from './acl-reader';
import { LinuxKeyAclWriter } from './acl-writer';
import { LinuxIdentityDirectory } from './identities';
import { LinuxCertStoreSource, type LinuxStoreOptions } from './stores';

/** The Linux adapter set (issue 4): trust bundle, anchors, NSS; POSIX ACLs; getent identities. */
export function createLinuxPlatform(runner: CommandRunner, options: { env?: NodeJS.ProcessEnv; stores?: LinuxStoreOptions } = {}): Platform {
  const env = options.env ?? process.env;
  // CERTBENCH_ANCHOR_DIRS (colon-separated, empty for none) points tests and unusual distributions
  // at other anchor folders, as CERTBENCH_SYSTEM_TRUST does for the bundle.
  const anchorDirs = env.CERTBENCH_ANCHOR_DIRS !== undefined ? env.CERTBENCH_ANCHOR_DIRS.split(path.delimiter).filter(Boolean) : undefined;
  return {
    name: 'linux',
    stores: new LinuxCertStoreSource(runner, { home: env.HOME, ...(anchorDirs ? { anchorDirs } : {}), ...options.stores }),
    acl: new LinuxKeyAclReader(runner),
    identities: new LinuxIdentityDirectory(runner),
    aclWriter: new LinuxKeyAclWriter(runner, backupsDir(env)),
    commands: runner,
  };
}

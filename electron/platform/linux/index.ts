import path from 'node:path';
import { backupsDir } from '../data-dir';
import type { CommandRunner, Platform } from '../types';
import { LinuxKeyAclReader } from './acl-reader';
import { LinuxKeyAclWriter } from './acl-writer';
import { LinuxIdentityDirectory } from './identities';
import { LinuxCertStoreSource, type LinuxStoreOptions } from './stores';
import { machineParseCache } from '../../services/parse-cache';

/** The Linux adapter set: trust bundle, anchors, NSS; POSIX ACLs; getent identities. */
export function createLinuxPlatform(runner: CommandRunner, options: { env?: NodeJS.ProcessEnv; stores?: LinuxStoreOptions } = {}): Platform {
  const env = options.env ?? process.env;
  // CERTBENCH_ANCHOR_DIRS (colon-separated, empty for none) points tests and unusual distributions
  // at other anchor folders, as CERTBENCH_SYSTEM_TRUST does for the bundle.
  const anchorDirs = env.CERTBENCH_ANCHOR_DIRS !== undefined ? env.CERTBENCH_ANCHOR_DIRS.split(path.delimiter).filter(Boolean) : undefined;
  return {
    name: 'linux',
    // The bundle's reading is cached in the data folder, except for a CERTBENCH_SYSTEM_TRUST bundle (tests rewrite it faster than its time moves).
    stores: new LinuxCertStoreSource(runner, { home: env.HOME, ...(anchorDirs ? { anchorDirs } : {}), cache: env.CERTBENCH_SYSTEM_TRUST ? null : machineParseCache(env), ...options.stores }),
    acl: new LinuxKeyAclReader(runner),
    identities: new LinuxIdentityDirectory(runner),
    aclWriter: new LinuxKeyAclWriter(runner, backupsDir(env)),
    commands: runner,
  };
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { CertbenchError, oneLine } from '../../../shared/errors';
import type { AccessAnswer, Acl, Identity } from '../../../shared/model/acl';
import type { CertStoreSource, CommandRunner, IdentityDirectory, KeyAclReader, Platform, StoreListing } from '../types';
import { aclFromGetAcl, aclFromIcacls, canReadNtfs, GetAclSchema } from '../../../shared/acl/ntfs';
import { getAclScript } from './acl';
import { listStoresWithCertutil, type ExportFiles } from './certutil-stores';
import { defaultBackupDir, fileBackupStore, WindowsAclWriter, type BackupStore } from './grant';
import {
  APP_POOLS_SCRIPT,
  AppPoolsSchema,
  appPoolsFromJson,
  identityOfPool,
  parseAppcmdAppPools,
  resolveAccountScript,
  ResolvedAccountSchema,
  resolveLocally,
  SERVICE_ACCOUNTS,
} from './identities';
import { runPowerShellJson } from './powershell';
import { storeEnumerationScript, StoreEnumerationSchema, storesFromEnumeration } from './stores';

/**
 * The Windows adapter (DESIGN.md "Platforms"): PowerShell emitting JSON first, certutil / icacls /
 * appcmd text where PowerShell cannot run. Everything goes through the CommandRunner, so tests
 * replay recorded outputs (tests/helpers/fake-runner.ts) on any OS.
 */

export interface WindowsPlatformOptions {
  /** %windir%, for appcmd.exe (execFile does not expand environment variables). */
  windir?: string;
  /** Where ACL backups, the scripts that ran and their results are kept (the app's data folder). */
  backups?: BackupStore;
  /** Temporary files for the certutil fallback's exports. */
  exportFiles?: ExportFiles;
}

export const ICACLS = 'icacls.exe';

function nodeExportFiles(): ExportFiles {
  return {
    tempFile: (name) => path.join(os.tmpdir(), `certbench-${randomBytes(6).toString('hex')}-${name}`),
    readBytes: (file) => {
      try {
        return new Uint8Array(fs.readFileSync(file));
      } catch {
        return null;
      }
    },
    remove: (file) => fs.rmSync(file, { force: true }),
  };
}

export function windowsStores(runner: CommandRunner, exportFiles: ExportFiles): CertStoreSource {
  return {
    async list({ at, progress, signal }): Promise<StoreListing> {
      progress?.(0, null, 'Windows certificate stores (PowerShell)');
      let data;
      try {
        data = await runPowerShellJson(runner, 'certificate stores', storeEnumerationScript(), StoreEnumerationSchema, { timeoutMs: 300_000 });
      } catch (err) {
        // Constrained Language Mode, a policy or a broken PowerShell: certutil still reads the stores.
        return listStoresWithCertutil(runner, exportFiles, { at, why: (err as Error).message, progress, signal });
      }
      if (signal?.aborted) throw new CertbenchError('timeout', 'store enumeration cancelled');
      const listing = await storesFromEnumeration(data, at);
      progress?.(listing.certificates.length, listing.certificates.length, 'Windows certificate stores');
      return listing;
    },
  };
}

export function windowsAclReader(runner: CommandRunner): KeyAclReader {
  return {
    async read(keyPath: string): Promise<Acl> {
      let psError: string;
      try {
        const data = await runPowerShellJson(runner, `Get-Acl ${keyPath}`, getAclScript(keyPath), GetAclSchema, { timeoutMs: 60_000 });
        return aclFromGetAcl(data, keyPath);
      } catch (err) {
        psError = (err as Error).message;
      }
      // icacls as the fallback: no owner, but the same entries (reference section 3).
      const record = await runner.run(ICACLS, [keyPath], { timeoutMs: 60_000 });
      if (record.error || record.exitCode !== 0) {
        const why = record.error ?? (record.stdout.trim() || record.stderr.trim() || `exit code ${record.exitCode}`);
        throw new CertbenchError('internal', oneLine(`cannot read the ACL of ${keyPath}: ${psError}; icacls: ${why}`));
      }
      return aclFromIcacls(record.stdout, keyPath);
    },
    canRead(acl: Acl, identity: Identity): AccessAnswer {
      return canReadNtfs(acl, identity);
    },
  };
}

export function windowsIdentities(runner: CommandRunner, windir: string): IdentityDirectory {
  return {
    async list(): Promise<Identity[]> {
      let pools: Identity[] = [];
      try {
        const data = await runPowerShellJson(runner, 'IIS app pools', APP_POOLS_SCRIPT, AppPoolsSchema, { timeoutMs: 60_000 });
        pools = appPoolsFromJson(data).map((p) => identityOfPool(p, data.source));
      } catch {
        // No IIS PowerShell module (or not allowed to read applicationHost.config): try appcmd.
        const record = await runner.run(`${windir}\\System32\\inetsrv\\appcmd.exe`, ['list', 'apppool'], { timeoutMs: 60_000 });
        if (!record.error && record.exitCode === 0) {
          try {
            pools = parseAppcmdAppPools(record.stdout).map((p) => identityOfPool(p, 'appcmd list apppool'));
          } catch {
            pools = [];
          }
        }
      }
      return [...pools, ...SERVICE_ACCOUNTS];
    },
    async resolve(name: string): Promise<Identity> {
      const local = resolveLocally(name);
      if (local) return local;
      try {
        const found = await runPowerShellJson(runner, `resolve account ${name}`, resolveAccountScript(name), ResolvedAccountSchema, { timeoutMs: 30_000 });
        return {
          name: found.name,
          kind: found.isGroup ? 'group' : 'user',
          memberOf: found.isGroup ? ['Everyone'] : ['BUILTIN\\Users', 'NT AUTHORITY\\Authenticated Users', 'Everyone'],
          sid: found.sid,
          source: `typed name, resolved by Windows${found.isGroup ? '' : ' (groups other than Users and Authenticated Users not read)'}`,
        };
      } catch (err) {
        throw new CertbenchError('not-found', oneLine(`no Windows account named ${JSON.stringify(name)}: ${(err as Error).message}`));
      }
    },
  };
}

/** The Windows Platform over a CommandRunner. */
export function windowsPlatform(runner: CommandRunner, options: WindowsPlatformOptions = {}): Platform {
  const acl = windowsAclReader(runner);
  return {
    name: 'windows',
    stores: windowsStores(runner, options.exportFiles ?? nodeExportFiles()),
    acl,
    identities: windowsIdentities(runner, options.windir ?? process.env.windir ?? process.env.SystemRoot ?? 'C:\\Windows'),
    aclWriter: new WindowsAclWriter(runner, acl, { backups: options.backups ?? fileBackupStore(defaultBackupDir()) }),
    commands: runner,
  };
}

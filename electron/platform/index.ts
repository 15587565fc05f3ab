import { CertbenchError } from '../../shared/errors';
import { CombinedStoreSource, FolderStoreSource } from './folder-store';
import { createLinuxPlatform } from './linux';
import { windowsPlatform } from './windows';
import { fileBackupStore } from './windows/grant';
import { macosPlatform } from './macos';
import { backupsDir } from './data-dir';
import type { StoreFolder } from '../../shared/model/store';
import type { CommandRunner, Platform } from './types';

/**
 * Platform selection (DESIGN.md "Platforms"): one adapter set per OS behind the interfaces of
 * types.ts. The services ask for `currentPlatform()` and never branch on the OS themselves.
 *
 * Windows (PowerShell emitting JSON, certutil/icacls/appcmd as fallbacks) and macOS (`security`) are
 * tested here against recorded outputs. An OS without an adapter gets `unavailable()`: every call
 * answers `{ ok: false, error }` with one line, never a crash. The user's folders (FolderStoreSource)
 * are added on every OS by `withUserFolders`. ACL backups live in the one data folder on every OS,
 * so a grant made in the window can be undone from the command line.
 */
export type PlatformFactory = (runner: CommandRunner, env: NodeJS.ProcessEnv) => Platform;

export const ADAPTERS: Partial<Record<NodeJS.Platform, PlatformFactory>> = {
  linux: (runner, env) => createLinuxPlatform(runner, { env }),
  win32: (runner, env) =>
    windowsPlatform(runner, { windir: env.windir ?? env.SystemRoot ?? 'C:\\Windows', backups: fileBackupStore(backupsDir(env)) }),
  darwin: (runner, env) => macosPlatform(runner, { home: env.HOME }),
};

/** A platform whose every operation fails with one line (an OS without an adapter yet). */
export function unavailable(os: string, runner: CommandRunner): Platform {
  const fail = (): never => {
    throw new CertbenchError('internal', `local stores and key permissions are not supported on ${os} yet (open certificate files instead)`);
  };
  return {
    name: os === 'win32' ? 'windows' : os === 'darwin' ? 'macos' : 'linux',
    // The OS stores say they are not read (one store row with the reason); the user's folders still work.
    stores: {
      list: async () => ({
        stores: [{ id: `${os}:unsupported`, kind: os === 'darwin' ? 'macos-keychain' : 'windows', role: 'other', label: `${os === 'darwin' ? 'macOS keychains' : os === 'win32' ? 'Windows certificate stores' : `${os} certificate stores`}`, location: '', trusted: false, certificateCount: 0, error: `not read yet on ${os}: add folders of certificate files instead` }],
        certificates: [],
      }),
    },
    acl: { read: async () => fail(), canRead: () => fail() },
    identities: { list: async () => fail(), resolve: async () => fail() },
    aclWriter: { plan: async () => fail(), grant: async () => fail(), undo: async () => fail() },
    commands: runner,
  };
}

/** The user's added folders joined to the OS stores (they are stores on every OS). */
export function withUserFolders(platform: Platform, folders: () => StoreFolder[]): Platform {
  return { ...platform, stores: new CombinedStoreSource([platform.stores, new FolderStoreSource(folders)]) };
}

/** Build the platform for an OS: its adapter, or `unavailable` until one is written. */
export function createPlatform(os: NodeJS.Platform, runner: CommandRunner, env: NodeJS.ProcessEnv): Platform {
  const factory = ADAPTERS[os];
  return factory ? factory(runner, env) : unavailable(os, runner);
}


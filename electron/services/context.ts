import { ExecFileRunner } from '../platform/command-runner';
import { dataDir } from '../platform/data-dir';
import { createPlatform, withUserFolders } from '../platform';
import type { Platform } from '../platform/types';
import { StoreFolders } from './store-folders';

/**
 * What the store and key services run on: this OS's platform adapters (with the user's folders),
 * the folder list, and the one CommandRunner whose history goes into diagnostic bundles. Built once
 * per data folder and home (tests switch CERTBENCH_DATA_DIR and HOME between runs).
 */
export interface ServiceContext {
  platform: Platform;
  folders: StoreFolders;
  runner: ExecFileRunner;
  dataDir: string;
}

let current: (ServiceContext & { key: string }) | null = null;

/** The context for this process's environment, reused while the data folder and home stay the same. */
export function serviceContext(env: NodeJS.ProcessEnv = process.env): ServiceContext {
  const dir = dataDir(env);
  const key = `${process.platform}|${dir}|${env.HOME ?? ''}|${env.CERTBENCH_SYSTEM_TRUST ?? ''}`;
  if (current && current.key === key) return current;
  const runner = new ExecFileRunner();
  const folders = new StoreFolders(dir);
  const platform = withUserFolders(createPlatform(process.platform, runner, env), () => folders.list());
  current = { platform, folders, runner, dataDir: dir, key };
  return current;
}

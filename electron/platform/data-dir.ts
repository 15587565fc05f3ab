import os from 'node:os';
import path from 'node:path';

/**
 * The app's data folder: user-added store folders, ACL backups for undo. CERTBENCH_DATA_DIR decides
 * (tests give each run its own); otherwise the per-user configuration folder of the OS (Linux:
 * $XDG_CONFIG_HOME/certbench, default ~/.config/certbench). The CLI and the app share it, so a grant
 * made in the window can be undone from a terminal and the other way round.
 */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CERTBENCH_DATA_DIR) return path.resolve(env.CERTBENCH_DATA_DIR);
  if (process.platform === 'win32' && env.APPDATA) return path.join(env.APPDATA, 'certbench');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', 'certbench');
  const base = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(os.homedir(), '.config');
  return path.join(base, 'certbench');
}

/** Where ACL backups are kept (owner-only). */
export function backupsDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(dataDir(env), 'backups');
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Where PowerShell is on this machine. On Windows it is Windows PowerShell 5.1 (`powershell.exe`),
 * present on every supported Windows and the version every script Certbench writes targets. Elsewhere
 * it is PowerShell 7 (`pwsh`) when installed: from PATH, or where `dotnet tool install --global
 * PowerShell` puts it (~/.dotnet/tools), which is not on PATH unless the user added it.
 * Returns null when there is none, so callers can say so in one line instead of failing in execFile.
 */
export function findPowerShell(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | null {
  if (platform === 'win32') return 'powershell.exe';
  const explicit = env.CERTBENCH_PWSH;
  if (explicit) return isExecutable(explicit) ? explicit : null;
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, 'pwsh');
    if (isExecutable(candidate)) return candidate;
  }
  // HOME first, then the account's own home from the password database: a process given another
  // HOME (a test's, a service's) still finds the tool its user installed.
  for (const home of [env.HOME, passwdHome()]) {
    if (!home) continue;
    const dotnetTool = path.join(home, '.dotnet', 'tools', 'pwsh');
    if (isExecutable(dotnetTool)) return dotnetTool;
  }
  return null;
}

/** How to get PowerShell where it is missing: one line for errors and skipped tests. */
export const POWERSHELL_INSTALL_HINT = 'install PowerShell: dotnet tool install --global PowerShell --version 7.6.10';

function passwdHome(): string | null {
  try {
    return os.userInfo().homedir || null;
  } catch {
    return null;
  }
}

function isExecutable(file: string): boolean {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

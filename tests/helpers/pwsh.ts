import { findPowerShell, POWERSHELL_INSTALL_HINT } from '../../electron/platform/find-powershell';

/**
 * Real PowerShell for tests (developers' guide: "PowerShell is real here"). Outside CI a test file
 * whose PowerShell is missing skips and says how to install it; under CI=true the file fails.
 */
export const PWSH: string | null = process.platform === 'win32' ? null : findPowerShell();

export const pwshMissing: string | null = PWSH ? null : `PowerShell (pwsh) is missing: ${POWERSHELL_INSTALL_HINT}`;

/** Call at the top of a test file that needs pwsh: throws under CI, returns the skip reason otherwise. */
export function requirePwsh(): string | null {
  if (pwshMissing && process.env.CI === 'true') throw new Error(pwshMissing);
  return pwshMissing;
}

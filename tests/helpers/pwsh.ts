import { spawnSync } from 'node:child_process';
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

/**
 * A PFX into .NET's CurrentUser\My store of `home` with its key (what Import-PfxCertificate does on
 * Windows; on Linux the store is ~/.dotnet/corefx/cryptography/x509stores/my). Returns the thumbprint.
 * Tests pass a HOME of their own so the real user's store is never touched.
 */
export function importPfxIntoDotnetStore(home: string, pfx: string, password: string): string {
  if (!PWSH) throw new Error(pwshMissing ?? 'PowerShell is missing');
  const script = [
    '$flags = [System.Security.Cryptography.X509Certificates.X509KeyStorageFlags]::PersistKeySet',
    '$c = New-Object System.Security.Cryptography.X509Certificates.X509Certificate2 -ArgumentList $env:CERTBENCH_TEST_PFX, $env:CERTBENCH_TEST_PFX_PASSWORD, $flags',
    "$s = New-Object System.Security.Cryptography.X509Certificates.X509Store -ArgumentList 'My', 'CurrentUser'",
    "$s.Open('ReadWrite'); $s.Add($c); $s.Close()",
    '$c.Thumbprint',
  ].join('\n');
  const r = spawnSync(PWSH, ['-NoProfile', '-NonInteractive', '-Command', script], {
    encoding: 'utf8',
    env: { ...process.env, HOME: home, POWERSHELL_TELEMETRY_OPTOUT: '1', CERTBENCH_TEST_PFX: pfx, CERTBENCH_TEST_PFX_PASSWORD: password },
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`importing ${pfx} into the .NET store failed: ${r.stderr}`);
  return r.stdout.trim();
}

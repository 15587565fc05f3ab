import type { FixGenerator } from './types';

/**
 * SendTrustedIssuerList (reference section 6): with the value absent or 0 (the default since Windows
 * Server 2012) Schannel sends no CA names in its certificate request, and clients offer every
 * certificate they have, or, depending on the client, none. Setting it to 1 makes Schannel send the
 * trusted issuer list (from the CTL store, else Client Authentication Issuers, else Trusted Root).
 * Schannel reads the value at start: the change needs a restart.
 */
export const sendTrustedIssuerList: FixGenerator = {
  fixId: 'schannel.send-trusted-issuer-list',
  shell: 'powershell',
  build() {
    return {
      title: 'Make Schannel send the trusted CA list in its certificate request (SendTrustedIssuerList = 1)',
      summary:
        'Sets HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\SendTrustedIssuerList to 1, so the server names the CAs it trusts and clients offer a matching certificate. Takes effect after a restart.',
      what: [
        'Sets the REG_DWORD SendTrustedIssuerList = 1 under HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL.',
        'Backup: reg export of the SCHANNEL key and the old value (or the fact that it was absent).',
      ],
      warnings: [
        'The list comes from the Client Authentication Issuers store when it holds certificates, else from Trusted Root; if those names add up past 16 KB Schannel truncates the list (event 36885): check the store sizes first (reference section 6).',
      ],
      target: 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL SendTrustedIssuerList',
      label: 'SendTrustedIssuerList',
      vars: [],
      helpers: ['native', 'registry'],
      check: [
        "$Key = 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL'",
        "$Old = Get-CertbenchRegValue $Key 'SendTrustedIssuerList'",
        'if ($null -ne $Old -and [int64]$Old -eq 1) { $Done = $true }',
      ],
      doneMessage: 'SendTrustedIssuerList is already 1.',
      backup: [
        "Invoke-CertbenchNative 'reg.exe' @('export', 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL', (Join-Path $Backup 'schannel.reg'), '/y') | Out-Null",
        "if ($null -eq $Old) { $OldText = 'absent' } else { $OldText = [string][int64]$Old }",
        "Set-Content -LiteralPath (Join-Path $Backup 'SendTrustedIssuerList.txt') -Value $OldText -Encoding ASCII",
      ],
      change: ["New-ItemProperty -Path $Key -Name 'SendTrustedIssuerList' -PropertyType DWord -Value 1 -Force | Out-Null"],
      verify: [
        "$New = Get-CertbenchRegValue $Key 'SendTrustedIssuerList'",
        "if ($null -eq $New -or [int64]$New -ne 1) { throw 'VERIFY FAILED: SendTrustedIssuerList is not 1 after the change; run the undo script' }",
      ],
      notes: ['Schannel reads SendTrustedIssuerList at start: restart the server (or at least the HTTP service and IIS) for it to take effect.'],
      undo: [
        "$Key = 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL'",
        "$OldText = (Get-Content -LiteralPath (Join-Path $Backup 'SendTrustedIssuerList.txt') -Raw).Trim()",
        "if ($OldText -eq 'absent') {",
        "  Remove-ItemProperty -Path $Key -Name 'SendTrustedIssuerList' -ErrorAction SilentlyContinue",
        "  if ($null -ne (Get-CertbenchRegValue $Key 'SendTrustedIssuerList')) { throw 'VERIFY FAILED: SendTrustedIssuerList is still present' }",
        '} else {',
        "  New-ItemProperty -Path $Key -Name 'SendTrustedIssuerList' -PropertyType DWord -Value ([int]$OldText) -Force | Out-Null",
        "  if ([int64](Get-CertbenchRegValue $Key 'SendTrustedIssuerList') -ne [int64]$OldText) { throw ('VERIFY FAILED: SendTrustedIssuerList is not back to ' + $OldText) }",
        '}',
        "Write-Output 'Restart the server for Schannel to read the restored value.'",
      ],
    };
  },
};

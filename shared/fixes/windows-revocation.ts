import type { FixGenerator } from './types';

/**
 * Revocation data Windows has cached (CryptoAPI 2): CRLs and OCSP answers are kept on disk
 * (CryptnetUrlCache, listed and deleted with `certutil -urlcache`) and in each process' memory, which
 * only `certutil -setreg chain\ChainCacheResyncFiletime @now` invalidates (the chain engine re-reads
 * revocation data cached before that time). A stale or failed CRL stays in use until both are cleared.
 * The listing is saved first; the cache itself cannot be put back (Windows downloads it again), so
 * the undo restores the registry value only.
 */
const CONFIG = 'HKLM\\SOFTWARE\\Microsoft\\Cryptography\\OID\\EncodingType 0\\CertDllCreateCertificateChainEngine\\Config';

export const revocationCacheRefresh: FixGenerator = {
  fixId: 'windows.revocation-cache-refresh',
  shell: 'powershell',
  build(_finding, p) {
    // Only for a Windows server (IIS / HTTP.SYS); the finding says so through serverSoftware.
    if (p.serverSoftware !== 'iis') return null;
    return {
      title: 'Make Windows fetch current CRLs and OCSP answers (clear the revocation cache)',
      summary:
        'Saves the list of cached CRLs and OCSP answers, deletes them (certutil -urlcache * delete) and sets ChainCacheResyncFiletime to now (certutil -setreg chain\\ChainCacheResyncFiletime @now), so every process, HTTP.SYS included, downloads current revocation data at its next check.',
      what: [
        'certutil -urlcache * (the list of cached CRLs and OCSP answers) saved to the backup folder, then certutil -urlcache * delete.',
        `certutil -setreg chain\\ChainCacheResyncFiletime @now, which writes ChainCacheResyncFiletime under ${CONFIG}.`,
        'Backup: the listing and a reg export of that Config key.',
      ],
      warnings: [
        'certutil -urlcache acts on the disk cache of the account running the script; ChainCacheResyncFiletime invalidates the cached revocation data of every process on the machine.',
      ],
      target: 'certutil -urlcache; chain\\ChainCacheResyncFiletime',
      label: 'revocation-cache',
      vars: [
        ['ConfigKey', `HKLM:\\${CONFIG.slice('HKLM\\'.length)}`],
        ['ConfigKeyNative', CONFIG],
      ],
      helpers: ['native', 'registry'],
      check: [
        "$OldResync = Get-CertbenchRegValue $ConfigKey 'ChainCacheResyncFiletime'",
        '# Already done: this account caches nothing (CryptnetUrlCache\\Content is empty) and the resync time is set.',
        "$Cached = @(Get-ChildItem -LiteralPath (Join-Path $env:USERPROFILE 'AppData\\LocalLow\\Microsoft\\CryptnetUrlCache\\Content') -Force -ErrorAction SilentlyContinue)",
        'if ($Cached.Count -eq 0 -and $null -ne $OldResync) { $Done = $true }',
      ],
      doneMessage: 'Nothing is cached for this account and ChainCacheResyncFiletime is already set.',
      backup: [
        "Invoke-CertbenchNative 'certutil.exe' @('-urlcache', '*') | Set-Content -LiteralPath (Join-Path $Backup 'urlcache-before.txt') -Encoding UTF8",
        "if (Test-Path -LiteralPath $ConfigKey) { Invoke-CertbenchNative 'reg.exe' @('export', $ConfigKeyNative, (Join-Path $Backup 'chain-config.reg'), '/y') | Out-Null }",
        "if ($null -eq $OldResync) { $OldText = 'absent' } else { $OldText = 'present' }",
        "Set-Content -LiteralPath (Join-Path $Backup 'ChainCacheResyncFiletime.txt') -Value $OldText -Encoding ASCII",
      ],
      change: [
        "Invoke-CertbenchNative 'certutil.exe' @('-urlcache', '*', 'delete') | Write-Output",
        "Invoke-CertbenchNative 'certutil.exe' @('-setreg', 'chain\\ChainCacheResyncFiletime', '@now') | Write-Output",
      ],
      verify: [
        "$NewResync = Get-CertbenchRegValue $ConfigKey 'ChainCacheResyncFiletime'",
        "if ($null -eq $NewResync) { throw 'VERIFY FAILED: ChainCacheResyncFiletime was not written; run certutil -setreg chain\\ChainCacheResyncFiletime @now by hand' }",
        "Invoke-CertbenchNative 'certutil.exe' @('-urlcache', '*') | Set-Content -LiteralPath (Join-Path $Backup 'urlcache-after.txt') -Encoding UTF8",
      ],
      notes: [
        'The next client certificate check downloads the CRLs and OCSP answers again: if the server cannot reach those addresses, that check now fails instead of using old data.',
      ],
      undo: [
        "$OldText = (Get-Content -LiteralPath (Join-Path $Backup 'ChainCacheResyncFiletime.txt') -Raw).Trim()",
        "if ($OldText -eq 'absent') {",
        "  Remove-ItemProperty -Path $ConfigKey -Name 'ChainCacheResyncFiletime' -ErrorAction SilentlyContinue",
        "  if ($null -ne (Get-CertbenchRegValue $ConfigKey 'ChainCacheResyncFiletime')) { throw 'VERIFY FAILED: ChainCacheResyncFiletime is still present' }",
        '} else {',
        "  Invoke-CertbenchNative 'reg.exe' @('import', (Join-Path $Backup 'chain-config.reg')) | Out-Null",
        '}',
        "Write-Output 'The deleted cache entries are not restored: Windows downloads them again when it needs them (their list is in urlcache-before.txt).'",
      ],
    };
  },
};

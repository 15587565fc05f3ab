import { isWindowsNativeArg, isWindowsPath } from './text';
import type { FixGenerator } from './types';

/**
 * Private key file permissions on Windows (reference sections 2, 3 and 10; field note 001 step 10):
 * grant the app pool or service identity read access with icacls, the principal and the right as ONE
 * argument ("<identity>:R": the partly quoted form splits in PowerShell, reference section 3), and
 * take read access away from Everyone/Users/Authenticated Users. Backup: `icacls /save`; undo:
 * `icacls <folder> /restore`, then the DACL is compared with the one saved.
 */

/**
 * An account name icacls can take (Windows refuses these characters in account names; `*S-1-...` is
 * icacls's SID form), which is also a safe native argument.
 */
export function isWindowsAccountName(name: string | undefined): name is string {
  if (!isWindowsNativeArg(name)) return false;
  const stripped = name.replace(/^\*(?=S-1-)/i, '');
  return /^[^"/[\]:;|=,+*?<>]+$/.test(stripped) && stripped.trim() === stripped;
}

const BACKUP_ACL = [
  "Invoke-CertbenchNative 'icacls.exe' @($KeyPath, '/save', (Join-Path $Backup 'acl.icacls')) | Out-Null",
  "if (-not (Test-Path -LiteralPath (Join-Path $Backup 'acl.icacls') -PathType Leaf)) { throw 'icacls /save wrote no backup; nothing was changed' }",
  "Get-CertbenchDacl $KeyPath | Set-Content -LiteralPath (Join-Path $Backup 'dacl-before.txt') -Encoding ASCII",
];

const RESTORE_ACL = [
  "Invoke-CertbenchNative 'icacls.exe' @((Split-Path -Parent $KeyPath), '/restore', (Join-Path $Backup 'acl.icacls')) | Write-Output",
  "$Saved = (Get-Content -LiteralPath (Join-Path $Backup 'dacl-before.txt') -Raw).Trim()",
  "if ((Get-CertbenchDacl $KeyPath) -ne $Saved) { throw ('VERIFY FAILED: the ACL of ' + $KeyPath + ' differs from the backup after icacls /restore') }",
];

const KEY_EXISTS = "if (-not (Test-Path -LiteralPath $KeyPath -PathType Leaf)) { throw ('The key file ' + $KeyPath + ' does not exist. Nothing was changed') }";

export const windowsGrantRead: FixGenerator = {
  fixId: 'key.grant-read',
  shell: 'powershell',
  applyWith: 'keys:grant',
  build(_f, p) {
    if (!isWindowsPath(p.keyPath) || !isWindowsAccountName(p.identity)) return null;
    return {
      title: `Let ${p.identity} read the private key file`,
      summary: `${p.identity} must open the certificate's private key (an IIS app pool or a service), and its ACL does not let it. The script grants read access (icacls R) to that one account, after saving the ACL with icacls /save.`,
      what: [`icacls ${p.keyPath} /grant "${p.identity}:R" (the account and the right as one argument).`, 'Backup: icacls /save of the key file ACL, and its DACL as SDDL.'],
      target: `icacls ${p.keyPath} grant ${p.identity}:R`,
      label: p.identity,
      vars: [
        ['KeyPath', p.keyPath],
        ['Identity', p.identity],
      ],
      helpers: ['native', 'keyacl'],
      check: [KEY_EXISTS, 'if (Test-CertbenchCanRead $KeyPath $Identity) { $Done = $true }'],
      doneMessage: 'the account already has read access to the key file.',
      backup: BACKUP_ACL,
      change: ["Invoke-CertbenchNative 'icacls.exe' @($KeyPath, '/grant', ($Identity + ':R')) | Write-Output"],
      verify: ["if (-not (Test-CertbenchCanRead $KeyPath $Identity)) { throw ('VERIFY FAILED: ' + $Identity + ' still has no read access to ' + $KeyPath + '; run the undo script') }"],
      notes: ['Recycle the app pool (or restart the service) so it opens the key again.'],
      undo: RESTORE_ACL,
    };
  },
};

export const windowsRestrict: FixGenerator = {
  fixId: 'key.restrict',
  shell: 'powershell',
  build(_f, p) {
    if (!isWindowsPath(p.keyPath)) return null;
    const identity = p.identity ?? '';
    if (identity && !isWindowsAccountName(identity)) return null;
    return {
      title: 'Take read access to the private key file away from Everyone, Users and Authenticated Users',
      summary: `Anyone who can log on to the machine can read ${p.keyPath}, and with it impersonate the certificate. The script removes the read grants of Everyone, Users and Authenticated Users${identity ? `, after granting ${identity} read access of its own` : ''}, keeping SYSTEM and Administrators.`,
      what: [
        ...(identity ? [`icacls ${p.keyPath} /grant "${identity}:R" first, so the account that uses the key keeps reading it.`] : []),
        `icacls ${p.keyPath} /remove:g *S-1-1-0 *S-1-5-32-545 *S-1-5-11 (after /inheritance:d when those entries are inherited).`,
        'Backup: icacls /save of the key file ACL, and its DACL as SDDL.',
      ],
      warnings: identity ? [] : ['An account that reads the key only through the Users group loses access: name it (the finding\'s identity) to have it granted first.'],
      target: `icacls ${p.keyPath} remove broad read`,
      label: p.keyPath.replace(/^.*\\/, ''),
      vars: [
        ['KeyPath', p.keyPath],
        ['Identity', identity],
      ],
      helpers: ['native', 'keyacl'],
      check: [KEY_EXISTS, '$Open = Get-CertbenchOpenRules $KeyPath', 'if ($Open.Count -eq 0) { $Done = $true }'],
      doneMessage: 'no broad group can read the key file.',
      backup: BACKUP_ACL,
      change: [
        "if ($Identity) { Invoke-CertbenchNative 'icacls.exe' @($KeyPath, '/grant', ($Identity + ':R')) | Write-Output }",
        "if (@($Open | Where-Object { $_.IsInherited }).Count -gt 0) { Invoke-CertbenchNative 'icacls.exe' @($KeyPath, '/inheritance:d') | Write-Output }",
        "Invoke-CertbenchNative 'icacls.exe' @($KeyPath, '/remove:g', '*S-1-1-0', '*S-1-5-32-545', '*S-1-5-11') | Write-Output",
      ],
      verify: [
        "if ((Get-CertbenchOpenRules $KeyPath).Count -ne 0) { throw ('VERIFY FAILED: a broad group can still read ' + $KeyPath + '; run the undo script') }",
        "if ($Identity -and -not (Test-CertbenchCanRead $KeyPath $Identity)) { throw ('VERIFY FAILED: ' + $Identity + ' cannot read ' + $KeyPath + ' any more; run the undo script') }",
        '$Keep = @((Get-Acl -LiteralPath $KeyPath).GetAccessRules($true, $true, [Security.Principal.SecurityIdentifier]) | Where-Object { $_.AccessControlType -eq \'Allow\' -and @(\'S-1-5-18\', \'S-1-5-32-544\') -contains $_.IdentityReference.Value })',
        "if ($Keep.Count -eq 0) { throw ('VERIFY FAILED: neither SYSTEM nor Administrators can use ' + $KeyPath + ' now; run the undo script') }",
      ],
      undo: RESTORE_ACL,
    };
  },
};

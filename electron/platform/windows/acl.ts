import { quotePowerShell } from '../../../shared/scripts/quote';
import { jsonScript } from './powershell';

/**
 * Reading a key file's NTFS ACL on Windows: the Get-Acl script run through PowerShell. Its JSON is
 * parsed, and icacls text read, by the pure shared/acl/ntfs.ts.
 */

/**
 * Get-Acl for one path, rules read with SIDs and translated one by one (a SID that no longer resolves,
 * such as a deleted app pool's, stays a SID instead of failing the whole read). Enum values are
 * written as text and as numbers: ConvertTo-Json in PowerShell 5.1 would write enums as bare numbers.
 */
export function getAclScript(path: string): string {
  return jsonScript(`
$path = ${quotePowerShell(path)}
$acl = Get-Acl -LiteralPath $path
$rules = foreach ($r in $acl.GetAccessRules($true, $true, [Security.Principal.SecurityIdentifier])) {
  $name = $null
  try { $name = $r.IdentityReference.Translate([Security.Principal.NTAccount]).Value } catch { }
  [pscustomobject]@{
    IdentityReference = $(if ($name) { $name } else { $r.IdentityReference.Value })
    Sid = $r.IdentityReference.Value
    FileSystemRights = $r.FileSystemRights.ToString()
    FileSystemRightsValue = [int]$r.FileSystemRights
    AccessControlType = $r.AccessControlType.ToString()
    IsInherited = [bool]$r.IsInherited
    InheritanceFlags = $r.InheritanceFlags.ToString()
    PropagationFlags = $r.PropagationFlags.ToString()
  }
}
[pscustomobject]@{ Path = $path; Owner = $acl.Owner; Group = $acl.Group; Sddl = $acl.Sddl; Access = @($rules) }
`);
}

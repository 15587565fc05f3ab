import { quotePowerShell } from '../scripts/quote';

/**
 * The scripts the app itself runs to grant an identity read access to a key file on Windows (
 * electron/platform/windows/grant.ts): they report a JSON result instead of printing. Pure, so they
 * live here next to the fix generators, which share READ_ACCESS_LINES (the ACL check).
 */

/**
 * Whether $Identity may read the file whose Get-Acl result is in $acl: an allow entry for its SID
 * with read data (bit 1) or GENERIC_READ/GENERIC_ALL, and no deny entry with those. Leaves $allow
 * and $deny set. Explicit and inherited entries count; group membership does not (the caller's own
 * checks decide that).
 */
export const READ_ACCESS_LINES: readonly string[] = [
  '$sid = (New-Object Security.Principal.NTAccount($Identity)).Translate([Security.Principal.SecurityIdentifier])',
  '$allow = $false',
  '$deny = $false',
  'foreach ($rule in $acl.GetAccessRules($true, $true, [Security.Principal.SecurityIdentifier])) {',
  '  if ($rule.IdentityReference -ne $sid) { continue }',
  '  $mask = [int]$rule.FileSystemRights',
  '  if (($mask -band 1) -eq 0 -and ($mask -band 0x90000000) -eq 0) { continue }',
  "  if ($rule.AccessControlType -eq 'Deny') { $deny = $true } else { $allow = $true }",
  '}',
];

/** The folder of a Windows path (icacls /restore takes the folder, not the file); as key-paths.ts winDirname. */
export function windowsDirname(path: string): string {
  const i = path.lastIndexOf('\\');
  if (i < 0) return '.';
  if (i === 2 && /^[A-Za-z]:/.test(path)) return path.slice(0, 3);
  return path.slice(0, i);
}

export interface GrantScriptInput {
  keyPath: string;
  /** The principal as icacls takes it: "IIS APPPOOL\\Shop", "NT AUTHORITY\\NETWORK SERVICE". */
  identity: string;
  backupFile: string;
  /** Where the elevated run writes its JSON result; null when the script's output is read directly. */
  resultFile: string | null;
  /** false: back up and verify only (the identity can already read the key). */
  grant?: boolean;
}

const PREAMBLE = ["$ErrorActionPreference = 'Stop'", "$ProgressPreference = 'SilentlyContinue'", '[Console]::OutputEncoding = [Text.Encoding]::UTF8'];

/** `$null` or a quoted value. */
const quoteOrNull = (v: string | null) => (v === null ? '$null' : quotePowerShell(v));

/**
 * How both scripts end: `ok` as the last step of the try, an error's message from the catch, then
 * the JSON result on stdout, and into the result file when there is one (the elevated run).
 */
const FINISH = [
  '  $result.ok = $true',
  '} catch {',
  '  $result.error = [string]$_.Exception.Message',
  '}',
  '$json = ConvertTo-Json -InputObject ([pscustomobject]$result) -Depth 6 -Compress',
  'if ($ResultFile) { Set-Content -LiteralPath $ResultFile -Value $json -Encoding UTF8 }',
  '$json',
];

/**
 * The key file's creation time as round-trip text in $created (UTC, 100 ns, invariant culture), from
 * the item in $KeyPath: what the grant records and the undo compares.
 */
const CREATED_LINES: readonly string[] = ["$created = (Get-Item -LiteralPath $KeyPath -Force).CreationTimeUtc.ToString('o', [Globalization.CultureInfo]::InvariantCulture)"];

/** The grant script (pure: same input, same text). */
export function grantScript(input: GrantScriptInput): string {
  const doGrant = input.grant !== false;
  return [
    '# Certbench: grant read access to a private key file',
    '#',
    '# What:  give the account in $Identity read access (icacls R) to the key file in $KeyPath.',
    '# Why:   that account (an IIS app pool or a service) must open its certificate private key; when it',
    '#        cannot, the TLS handshake or the client-certificate request fails (IIS 403.7, Schannel event',
    '#        36870). Finding: key.identity-cannot-read.',
    '# Steps: 1. back up the key file ACL with icacls /save into $BackupFile; if that fails nothing changes.',
    doGrant
      ? '#        2. icacls /grant, the principal and the right as ONE single-quoted argument (the partly quoted'
      : '#        2. no change: the account can already read the key.',
    doGrant ? '#           form "name":R splits into two arguments in PowerShell).' : '#',
    '#        3. verify: read the ACL again with Get-Acl and look for read access for the account.',
    '# Undo:  the matching undo script runs icacls on the key folder with /restore and the backup file.',
    '',
    ...PREAMBLE,
    '',
    `$KeyPath = ${quotePowerShell(input.keyPath)}`,
    `$Identity = ${quotePowerShell(input.identity)}`,
    `$BackupFile = ${quotePowerShell(input.backupFile)}`,
    `$ResultFile = ${quoteOrNull(input.resultFile)}`,
    '',
    "$result = [ordered]@{ ok = $false; step = 'check'; changed = $false; verified = $false; backupFile = $BackupFile; before = $null; after = $null; keyCreatedUtc = $null; error = $null }",
    'try {',
    '  if (-not (Test-Path -LiteralPath $KeyPath -PathType Leaf)) { throw ' + quotePowerShell('the key file does not exist; nothing was changed') + ' }',
    '  # When the key file was created: the undo restores only onto this same file, not one put in its place.',
    ...CREATED_LINES.map((l) => `  ${l}`),
    '  $result.keyCreatedUtc = $created',
    '  $result.before = (Get-Acl -LiteralPath $KeyPath).Sddl',
    '',
    '  # 1. Backup first.',
    "  $result.step = 'backup'",
    '  $out = icacls $KeyPath /save $BackupFile',
    "  if ($LASTEXITCODE -ne 0) { throw ('icacls /save failed with exit code ' + $LASTEXITCODE + ': ' + ($out -join ' ') + '; nothing was changed') }",
    "  if (-not (Test-Path -LiteralPath $BackupFile -PathType Leaf)) { throw 'icacls /save wrote no backup file; nothing was changed' }",
    '',
    ...(doGrant
      ? [
          '  # 2. The change.',
          "  $result.step = 'grant'",
          `  $out = icacls $KeyPath /grant ${quotePowerShell(`${input.identity}:R`)}`,
          "  if ($LASTEXITCODE -ne 0) { throw ('icacls /grant failed with exit code ' + $LASTEXITCODE + ': ' + ($out -join ' ') + '; the ACL was not changed') }",
          '  $result.changed = $true',
          '',
        ]
      : []),
    '  # 3. Verify: an allow entry for the account that includes read data (bit 1, or GENERIC_READ/ALL).',
    "  $result.step = 'verify'",
    '  $acl = Get-Acl -LiteralPath $KeyPath',
    '  $result.after = $acl.Sddl',
    ...READ_ACCESS_LINES.map((l) => `  ${l}`),
    '  $result.verified = $allow -and -not $deny',
    "  if (-not $result.verified) { throw 'the ACL does not show read access for the account after the change; run the undo script to restore the backup' }",
    ...FINISH,
    '',
  ].join('\n');
}

export interface UndoScriptInput {
  keyPath: string;
  backupFile: string;
  resultFile: string | null;
  /** When the granted key file was created (the grant's keyCreatedUtc); null when the grant did not get that far. */
  keyCreatedUtc?: string | null;
}

/** The matching undo: `icacls <folder> /restore <backup>` (/restore takes the folder; the backup names the file). */
export function undoScript(input: UndoScriptInput): string {
  return [
    '# Certbench: undo a key file permission change',
    '#',
    '# What:  restore the ACL of the key file in $KeyPath exactly as icacls /save recorded it in $BackupFile',
    '#        before the grant.',
    '# How:   icacls /restore takes the FOLDER ($KeyFolder); the backup file names the key file inside it.',
    '# Check: the restored ACL (Get-Acl) is compared with the saved one. Nothing is restored through a link',
    '#        (reparse point) standing where the key file or its folder was, nor onto another file put in',
    '#        the key file\'s place (its creation time differs from the one the grant recorded).',
    '',
    ...PREAMBLE,
    '',
    `$KeyPath = ${quotePowerShell(input.keyPath)}`,
    `$KeyFolder = ${quotePowerShell(windowsDirname(input.keyPath))}`,
    `$BackupFile = ${quotePowerShell(input.backupFile)}`,
    `$KeyCreatedUtc = ${quoteOrNull(input.keyCreatedUtc ?? null)}`,
    `$ResultFile = ${quoteOrNull(input.resultFile)}`,
    '',
    "$result = [ordered]@{ ok = $false; step = 'check'; backupSddl = $null; restoredSddl = $null; error = $null }",
    'try {',
    "  if (-not (Test-Path -LiteralPath $BackupFile -PathType Leaf)) { throw 'the backup file is missing; nothing was changed' }",
    '  # icacls follows links: a symbolic link, junction or mount point now standing where the key or its',
    '  # folder was would have the saved ACL restored onto whatever it points at. Refuse those.',
    '  foreach ($place in @($KeyPath, $KeyFolder)) {',
    '    $item = Get-Item -LiteralPath $place -Force -ErrorAction SilentlyContinue',
    "    if ($null -eq $item) { throw ($place + ' is not there any more; nothing was changed') }",
    "    if (($item.Attributes -band [IO.FileAttributes]::ReparsePoint) -ne 0) { throw ($place + ' is now a link (reparse point): restoring through it would change what it points at; nothing was changed') }",
    '  }',
    '  # Another file put where the key was (deleted, then created again under its name) keeps its own ACL.',
    ...CREATED_LINES.map((l) => `  ${l}`),
    "  if ($KeyCreatedUtc -and $created -ne $KeyCreatedUtc) { throw ($KeyPath + ' is another file than the key that was granted (created ' + $created + ', the key ' + $KeyCreatedUtc + '); nothing was changed') }",
    '  # icacls /save writes UTF-16LE: the file name on one line, its SDDL on the next.',
    '  $saved = @(Get-Content -LiteralPath $BackupFile -Encoding Unicode)',
    '  if ($saved.Count -ge 2) { $result.backupSddl = [string]$saved[1] }',
    "  $result.step = 'restore'",
    '  $out = icacls $KeyFolder /restore $BackupFile',
    "  if ($LASTEXITCODE -ne 0) { throw ('icacls /restore failed with exit code ' + $LASTEXITCODE + ': ' + ($out -join ' ')) }",
    "  $result.step = 'verify'",
    '  $result.restoredSddl = (Get-Acl -LiteralPath $KeyPath).Sddl',
    ...FINISH,
    '',
  ].join('\n');
}

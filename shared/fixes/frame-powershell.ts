import { quotePowerShell } from '../scripts/quote';
import { comment, indent, legend, sectionHeader, titleBlock, undoLegend } from './frame';
import { POWERSHELL_HELPERS } from './helpers-powershell';
import type { FixMeta, FixSection, VarValue } from './types';

/**
 * The PowerShell frame around every Windows fix (DESIGN.md "Fix scripts"): header, strict mode,
 * elevation check, helper functions, then one `& { ... }` block per fix. Each block declares its
 * data from single-quoted literals (quotePowerShell: PowerShell expands nothing inside them), checks
 * the current state and returns early when the change is already in place, makes a new backup
 * folder, backs up, changes, verifies. A failure throws, and $ErrorActionPreference = 'Stop' ends
 * the script there. The generated text contains no double-quoted (expandable) string at all.
 */

const BACKUP_HELPERS = [
  '# A new backup folder for one change in this run, labelled with what it changes (target.txt), so',
  '# the undo script restores the right thing from the right folder.',
  'function New-CertbenchBackup([string]$FixId, [string]$Target) {',
  '  $n = 1',
  "  while (Test-Path -LiteralPath (Join-Path $RunDir ($FixId + '-' + $n))) { $n++ }",
  "  $dir = Join-Path $RunDir ($FixId + '-' + $n)",
  '  New-Item -ItemType Directory -Path $dir -Force | Out-Null',
  "  Set-Content -LiteralPath (Join-Path $dir 'target.txt') -Value $Target -NoNewline -Encoding UTF8",
  '  return $dir',
  '}',
];

const FIND_HELPERS = [
  '# The backup of one change: in -BackupDir (a run folder, or one change\'s folder) when given, else the',
  '# newest under -BackupRoot. A folder already restored (undone.txt) is not used again.',
  'function Find-CertbenchBackup([string]$Target) {',
  '  if ($BackupDir) {',
  "    if (-not (Test-Path -LiteralPath $BackupDir -PathType Container)) { throw ('No backup folder ' + $BackupDir + '; nothing was restored') }",
  '    $runs = @($BackupDir)',
  '  } elseif (Test-Path -LiteralPath $BackupRoot -PathType Container) {',
  '    $runs = @(Get-ChildItem -LiteralPath $BackupRoot -Directory | Sort-Object Name -Descending | ForEach-Object { $_.FullName })',
  '  } else {',
  '    $runs = @()',
  '  }',
  '  foreach ($run in $runs) {',
  '    $dirs = @($run) + @(Get-ChildItem -LiteralPath $run -Directory | Sort-Object Name -Descending | ForEach-Object { $_.FullName })',
  '    foreach ($d in $dirs) {',
  "      $t = Join-Path $d 'target.txt'",
  "      if (-not (Test-Path -LiteralPath $t -PathType Leaf) -or (Test-Path -LiteralPath (Join-Path $d 'undone.txt'))) { continue }",
  '      if ((Get-Content -LiteralPath $t -Raw -Encoding UTF8) -ceq $Target) { return $d }',
  '    }',
  '  }',
  '  return $null',
  '}',
];

const PREAMBLE = [
  'Set-StrictMode -Version Latest',
  "$ErrorActionPreference = 'Stop'",
  "$ProgressPreference = 'SilentlyContinue'",
  '',
  '# Elevation: every change here needs an administrator.',
  '$principal = New-Object Security.Principal.WindowsPrincipal([Security.Principal.WindowsIdentity]::GetCurrent())',
  'if (-not $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {',
  "  throw 'Run this script in an elevated PowerShell (Run as administrator). Nothing was changed.'",
  '}',
];

const VAR_NAME = /^[A-Z][A-Za-z0-9]*$/;

function declare(name: string, value: VarValue): string {
  if (!VAR_NAME.test(name)) throw new Error(`bad PowerShell variable name ${name}`);
  const literal = typeof value === 'string' ? quotePowerShell(value) : `@(${value.map(quotePowerShell).join(', ')})`;
  return `$${name} = ${literal}`;
}

function helpersFor(sections: readonly FixSection[]): string[] {
  const names = [...new Set(sections.flatMap((s) => s.helpers))];
  // Native first: the iis helpers call it.
  const order = Object.keys(POWERSHELL_HELPERS).filter((n) => names.includes(n));
  for (const n of names) if (!(n in POWERSHELL_HELPERS)) throw new Error(`unknown PowerShell helper ${n}`);
  return order.flatMap((n) => [...POWERSHELL_HELPERS[n]!, '']);
}

function sectionVars(s: FixSection): string[] {
  return [declare('FixId', s.fixId), declare('Target', s.target), ...s.vars.map(([n, v]) => declare(n, v))];
}

/**
 * The header as one block comment. PowerShell takes a line comment that merely resembles
 * "# SIG # Begin signature block" (measured with its parser: "#           signature block" and
 * "# Why:      detail signature block" do, as a wrapped finding text can) for the start of an
 * Authenticode signature and refuses all code after it; text inside <# #> is never read that way.
 * A value could end the block only with "#>", written "# >".
 */
function blockComment(lines: readonly string[]): string[] {
  if (!lines.length) return [];
  return ['<#', ...lines.map((l) => (l ? `  ${l.replace(/#>/g, '# >')}` : '')), '#>'];
}

/** One fix's block; `heading` is its comment block in a combined script (a single fix has it in the file header). */
function applySection(s: FixSection, heading: readonly string[]): string[] {
  return [
    ...blockComment(heading),
    '& {',
    ...indent([
      ...sectionVars(s),
      '$Done = $false',
      '',
      '# Check: is the change already in place?',
      ...s.check,
      'if ($Done) {',
      `  Write-Output ('[skip] ' + $FixId + ' ' + $Target + ': ' + ${quotePowerShell(s.doneMessage)})`,
      '  return',
      '}',
      '$Backup = New-CertbenchBackup $FixId $Target',
      "Write-Output ('[backup] ' + $FixId + ': ' + $Backup)",
      '',
      '# 1. Backup',
      ...s.backup,
      '',
      '# 2. Change',
      ...s.change,
      '',
      '# 3. Verify (stops with an error when the change did not take)',
      ...s.verify,
      "Write-Output ('[done] ' + $FixId + ' ' + $Target)",
      ...(s.notes ?? []).map((n) => `Write-Output ${quotePowerShell(`[note] ${n}`)}`),
    ]),
    '}',
    '',
  ];
}

function undoSection(s: FixSection, index: number, total: number): string[] {
  return [
    ...comment([`---- undo ${index}/${total}: ${s.fixId} ----`]),
    '& {',
    ...indent([
      ...sectionVars(s),
      '$Backup = Find-CertbenchBackup $Target',
      'if (-not $Backup) {',
      "  Write-Output ('[skip] ' + $FixId + ' ' + $Target + ': no backup of this change to restore (never applied, or already undone)')",
      '  return',
      '}',
      "Write-Output ('[undo] ' + $FixId + ': restoring from ' + $Backup)",
      ...s.undo,
      "Set-Content -LiteralPath (Join-Path $Backup 'undone.txt') -Value (Get-Date -Format 'o') -Encoding UTF8",
      "Write-Output ('[undone] ' + $FixId + ' ' + $Target)",
    ]),
    '}',
    '',
  ];
}

export function powershellScript(sections: readonly FixSection[], meta: FixMeta, files: { script: string; undo: string }): string {
  const single = sections.length === 1 ? sectionHeader(sections[0]!) : [];
  return [
    ...blockComment([...titleBlock(sections, false), ...single, ...(single.length ? [''] : []), ...legend('powershell', files.undo, meta)]),
    'param(',
    '  # Where the backups go: one folder per run, one folder per change inside it.',
    "  [string]$BackupRoot = (Join-Path $env:ProgramData 'Certbench\\fix-backups')",
    ')',
    ...PREAMBLE,
    '',
    '# A relative -BackupRoot is taken from the current PowerShell location (.NET calls would use the process one).',
    '$BackupRoot = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($BackupRoot)',
    '',
    ...BACKUP_HELPERS,
    '',
    ...helpersFor(sections),
    // The process id keeps two runs in the same second apart ("Nothing was changed" is per run).
    "$RunDir = Join-Path $BackupRoot ((Get-Date -Format 'yyyyMMdd-HHmmss') + '-' + $PID)",
    '',
    ...sections.flatMap((s, i) => applySection(s, sections.length === 1 ? [] : [`---- ${i + 1}/${sections.length} ----`, ...sectionHeader(s)])),
    'if (Test-Path -LiteralPath $RunDir) {',
    "  Write-Output ('Backups of this run: ' + $RunDir)",
    `  Write-Output ('To undo: .\\' + ${quotePowerShell(files.undo)} + ' -BackupDir ' + [char]39 + $RunDir + [char]39)`,
    '} else {',
    "  Write-Output 'Nothing was changed: every change was already in place.'",
    '}',
    '',
  ].join('\n');
}

export function powershellUndo(sections: readonly FixSection[], meta: FixMeta, files: { script: string; undo: string }): string {
  const reversed = [...sections].reverse();
  return [
    ...blockComment([...titleBlock(sections, true), ...undoLegend('powershell', files.script, files.undo, meta)]),
    'param(',
    '  # The folder the fix script printed (a run folder, or one change\'s folder); default: the newest backups.',
    "  [string]$BackupDir = '',",
    "  [string]$BackupRoot = (Join-Path $env:ProgramData 'Certbench\\fix-backups')",
    ')',
    ...PREAMBLE,
    '$BackupRoot = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($BackupRoot)',
    'if ($BackupDir) { $BackupDir = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($BackupDir) }',
    '',
    ...FIND_HELPERS,
    '',
    ...helpersFor(sections),
    ...reversed.flatMap((s, i) => undoSection(s, i + 1, reversed.length)),
    "Write-Output 'Undo finished.'",
    '',
  ].join('\n');
}

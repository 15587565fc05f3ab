import { quoteBash } from '../scripts/quote';
import { comment, indent, legend, sectionHeader, titleBlock, undoLegend } from './frame';
import { BASH_HELPERS } from './helpers-bash';
import type { FixMeta, FixSection, VarValue } from './types';

/**
 * The bash frame around every Linux fix (DESIGN.md "Fix scripts"): header, `set -euo pipefail`, a
 * root check, helper functions, then one `( ... )` subshell per fix. Each subshell declares its data
 * from single-quoted words (quoteBash), checks the current state and exits early when the change is
 * already in place, makes a new backup folder, backs up, changes, verifies; a failure ends the
 * subshell with a non-zero status, and `set -e` ends the script there. Data reaches commands only
 * as "$variable" expansions, which bash never re-parses.
 */

const COMMON = [
  "fail() { printf 'FAILED: %s\\n' \"$*\" >&2; exit 1; }",
  '',
  '# Root: every change here needs it.',
  'if [ "$(id -u)" -ne 0 ]; then',
  "  echo 'Run this script as root (sudo). Nothing was changed.' >&2",
  '  exit 1',
  'fi',
];

const BACKUP_HELPERS = [
  '# A new backup folder for one change in this run, labelled with what it changes (target.txt), so',
  '# the undo script restores the right thing from the right folder.',
  'new_backup() {',
  '  local n=1',
  '  while [ -e "$run_dir/$1-$n" ]; do n=$((n + 1)); done',
  '  mkdir -p -m 700 -- "$run_dir/$1-$n"',
  "  printf '%s' \"$2\" > \"$run_dir/$1-$n/target.txt\"",
  "  printf '%s\\n' \"$run_dir/$1-$n\"",
  '}',
];

const FIND_HELPERS = [
  '# The backup of one change: in the folder given as $1 to this script (a run folder, or one change\'s',
  '# folder) when given, else the newest under the backup root. A folder already restored (undone.txt)',
  '# is not used again.',
  'find_backup() {',
  '  local target=$1 run d',
  '  local -a runs=() found=()',
  '  if [ -n "$backup_dir" ]; then',
  '    [ -d "$backup_dir" ] || fail "no backup folder $backup_dir; nothing was restored"',
  '    runs=("$backup_dir")',
  '  else',
  '    for d in "$backup_root"/*/; do runs=("${d%/}" "${runs[@]}"); done',
  '  fi',
  '  for run in "${runs[@]}"; do',
  '    found=("$run")',
  '    for d in "$run"/*/; do found=("$run" "${d%/}" "${found[@]:1}"); done',
  '    for d in "${found[@]}"; do',
  '      [ -f "$d/target.txt" ] && [ ! -e "$d/undone.txt" ] || continue',
  "      if cmp -s -- \"$d/target.txt\" <(printf '%s' \"$target\"); then printf '%s\\n' \"$d\"; return 0; fi",
  '    done',
  '  done',
  '  return 0',
  '}',
];

const VAR_NAME = /^[a-z][a-z0-9_]*$/;
const RESERVED = new Set(['backup', 'backup_dir', 'backup_root', 'run_dir', 'fix_id', 'target', 'already', 'dirs', 'anchor_dir', 'anchor_refresh']);

function declare(name: string, value: VarValue): string {
  if (!VAR_NAME.test(name) || RESERVED.has(name)) throw new Error(`bad bash variable name ${name}`);
  return typeof value === 'string' ? `${name}=${quoteBash(value)}` : `${name}=(${value.map(quoteBash).join(' ')})`;
}

function helpersFor(sections: readonly FixSection[]): string[] {
  const names = [...new Set(sections.flatMap((s) => s.helpers))];
  for (const n of names) if (!(n in BASH_HELPERS)) throw new Error(`unknown bash helper ${n}`);
  return Object.keys(BASH_HELPERS)
    .filter((n) => names.includes(n))
    .flatMap((n) => [...BASH_HELPERS[n]!, '']);
}

function sectionVars(s: FixSection): string[] {
  return [`fix_id=${quoteBash(s.fixId)}`, `target=${quoteBash(s.target)}`, ...s.vars.map(([n, v]) => declare(n, v))];
}

function applySection(s: FixSection, heading: readonly string[]): string[] {
  return [
    ...comment(heading),
    '(',
    ...indent([
      ...sectionVars(s),
      'already=0',
      '',
      '# Check: is the change already in place?',
      ...s.check,
      'if [ "$already" = 1 ]; then',
      `  printf '[skip] %s %s: %s\\n' "$fix_id" "$target" ${quoteBash(s.doneMessage)}`,
      '  exit 0',
      'fi',
      'backup=$(new_backup "$fix_id" "$target")',
      "printf '[backup] %s: %s\\n' \"$fix_id\" \"$backup\"",
      '',
      '# 1. Backup',
      ...s.backup,
      '',
      '# 2. Change',
      ...s.change,
      '',
      '# 3. Verify (stops with an error when the change did not take)',
      ...s.verify,
      "printf '[done] %s %s\\n' \"$fix_id\" \"$target\"",
      ...(s.notes ?? []).map((n) => `printf '%s\\n' ${quoteBash(`[note] ${n}`)}`),
    ]),
    ')',
    '',
  ];
}

function undoSection(s: FixSection, index: number, total: number): string[] {
  return [
    ...comment([`---- undo ${index}/${total}: ${s.fixId} ----`]),
    '(',
    ...indent([
      ...sectionVars(s),
      'backup=$(find_backup "$target")',
      'if [ -z "$backup" ]; then',
      "  printf '[skip] %s %s: %s\\n' \"$fix_id\" \"$target\" 'no backup of this change to restore (never applied, or already undone)'",
      '  exit 0',
      'fi',
      "printf '[undo] %s: restoring from %s\\n' \"$fix_id\" \"$backup\"",
      ...s.undo,
      'date -u +%Y-%m-%dT%H:%M:%SZ > "$backup/undone.txt"',
      "printf '[undone] %s %s\\n' \"$fix_id\" \"$target\"",
    ]),
    ')',
    '',
  ];
}

const START = [
  'set -euo pipefail',
  '# inherit_errexit (a failure inside $(...) stops the script too) needs bash 4.4 or later.',
  "if ((BASH_VERSINFO[0] < 4 || (BASH_VERSINFO[0] == 4 && BASH_VERSINFO[1] < 4))); then echo 'This script needs bash 4.4 or later. Nothing was changed.' >&2; exit 1; fi",
  'shopt -s inherit_errexit nullglob',
  'backup_root=${CERTBENCH_BACKUP_ROOT:-/var/backups/certbench}',
];

export function bashScript(sections: readonly FixSection[], meta: FixMeta, files: { script: string; undo: string }): string {
  const single = sections.length === 1 ? sectionHeader(sections[0]!) : [];
  return [
    '#!/usr/bin/env bash',
    ...comment([...titleBlock(sections, false), ...single, ...(single.length ? [''] : []), ...legend('bash', files.undo, meta)]),
    ...START,
    ...COMMON,
    // The process id keeps two runs in the same second apart ("Nothing was changed" is per run).
    'run_dir="$backup_root/$(date +%Y%m%d-%H%M%S)-$$"',
    '',
    ...BACKUP_HELPERS,
    '',
    ...helpersFor(sections),
    ...sections.flatMap((s, i) => applySection(s, sections.length === 1 ? [] : [`---- ${i + 1}/${sections.length} ----`, ...sectionHeader(s)])),
    'if [ -d "$run_dir" ]; then',
    "  printf 'Backups of this run: %s\\n' \"$run_dir\"",
    `  printf 'To undo: sudo bash %s %q\\n' ${quoteBash(files.undo)} "$run_dir"`,
    'else',
    "  echo 'Nothing was changed: every change was already in place.'",
    'fi',
    '',
  ].join('\n');
}

export function bashUndo(sections: readonly FixSection[], meta: FixMeta, files: { script: string; undo: string }): string {
  const reversed = [...sections].reverse();
  return [
    '#!/usr/bin/env bash',
    ...comment([...titleBlock(sections, true), ...undoLegend('bash', files.script, files.undo, meta)]),
    ...START,
    '# The folder the fix script printed (a run folder, or one change\'s folder); default: the newest backups.',
    'backup_dir=${1:-}',
    ...COMMON,
    '',
    ...FIND_HELPERS,
    '',
    ...helpersFor(sections),
    ...reversed.flatMap((s, i) => undoSection(s, i + 1, reversed.length)),
    "echo 'Undo finished.'",
    '',
  ].join('\n');
}

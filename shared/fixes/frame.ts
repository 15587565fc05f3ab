import type { FixShell } from '../model/fix';
import { commentSafe, fileLabel, wrap } from './text';
import type { FixMeta, FixSection } from './types';

/**
 * What both shells' frames share: the header comment block (what, why, the finding, its evidence),
 * file names and the step legend. Every line with data goes through commentSafe/wrap, so no value
 * can end a comment line; every data line starts with a fixed label or indentation, so none can
 * look like a directive (`#requires`, PowerShell's `# SIG # Begin signature block`).
 */

const WIDTH = 100;
const LABEL = 10;
const MAX_EVIDENCE = 12;

function labelled(label: string, text: string): string[] {
  const lines = wrap(text, WIDTH - LABEL);
  return lines.map((line, i) => `${i === 0 ? label.padEnd(LABEL) : ' '.repeat(LABEL)}${line}`);
}

/** The comment lines (without the `#`) that describe one fix. */
export function sectionHeader(s: FixSection): string[] {
  const out: string[] = [];
  out.push(...labelled('Fix:', `${s.fixId} (${s.shell === 'powershell' ? 'PowerShell, Windows' : 'bash, Linux'})`));
  out.push(...labelled('Finding:', `${s.finding.id} (${s.finding.severity}): ${s.finding.title}`));
  const evidence = s.finding.evidence.slice(0, MAX_EVIDENCE);
  evidence.forEach((e, i) => out.push(...labelled(i === 0 ? 'Evidence:' : '', `${commentSafe(e.kind, 60)}: ${commentSafe(e.text)}`)));
  if (s.finding.evidence.length > MAX_EVIDENCE) out.push(...labelled('', `and ${s.finding.evidence.length - MAX_EVIDENCE} more`));
  s.what.forEach((w, i) => out.push(...labelled(i === 0 ? 'What:' : '', w)));
  out.push(...labelled('Why:', s.finding.detail || s.summary));
  for (const w of s.warnings ?? []) out.push(...labelled('WARNING:', w));
  return out;
}

export function comment(lines: readonly string[]): string[] {
  return lines.map((l) => (l ? `# ${l}` : '#'));
}

/** Two spaces per level in both shells; blank lines stay empty. */
export function indent(lines: readonly string[]): string[] {
  return lines.map((l) => (l ? `  ${l}` : l));
}

/** The first comment lines of a script: the one fix's title, or the numbered list of a combined script. */
export function titleBlock(sections: readonly FixSection[], undo: boolean): string[] {
  if (sections.length === 1) return [`Certbench ${undo ? 'undo' : 'fix'}: ${commentSafe(sections[0]!.title, 200)}`, ''];
  return [
    `Certbench ${undo ? 'undo of ' : ''}fixes: ${sections.length} changes${undo ? ', restored in reverse order' : ', in this order'}`,
    ...sections.map((s, i) => `  ${i + 1}. ${s.fixId}: ${commentSafe(s.title, 150)}`),
    '',
  ];
}

const SHELL_EXT: Record<FixShell, string> = { powershell: 'ps1', bash: 'sh' };

/** certbench-fix-netsh-clientcertnegotiation-0.0.0.0-443.ps1 */
export function fixFileName(s: Pick<FixSection, 'fixId' | 'label' | 'shell'>, undo = false): string {
  return `certbench-fix-${fileLabel(s.fixId.replace(/\./g, '-'), 40)}-${fileLabel(s.label)}${undo ? '-undo' : ''}.${SHELL_EXT[s.shell]}`;
}

export function combinedFileName(shell: FixShell, undo = false): string {
  return `certbench-fixes${undo ? '-undo' : ''}.${SHELL_EXT[shell]}`;
}

/** The lines common to every script header: how it behaves, how to undo, who made it. */
export function legend(shell: FixShell, undoFile: string, meta: FixMeta): string[] {
  const run = shell === 'powershell' ? 'an elevated PowerShell (Run as administrator)' : 'root (sudo)';
  return [
    ...labelled('Steps:', 'for each change: check the current state and skip with a message when it is already in place (running twice is safe); back up what it changes into a new folder under the backup root; make the change; verify it and stop with an error when it did not take.'),
    ...labelled('Backups:', shell === 'powershell' ? 'under -BackupRoot (default %ProgramData%\\Certbench\\fix-backups), one folder per run, printed at the end.' : 'under $CERTBENCH_BACKUP_ROOT (default /var/backups/certbench), one folder per run, printed at the end.'),
    ...labelled('Undo:', `${undoFile} ${shell === 'powershell' ? '-BackupDir <the folder printed at the end>' : '<the folder printed at the end>'} (default: the newest backup of each change).`),
    ...labelled('Run as:', run),
    ...labelled('Made by:', `Certbench ${commentSafe(meta.version, 40)} on ${meta.now.toISOString()}. Review it before running it.`),
  ];
}

export function undoLegend(shell: FixShell, scriptFile: string, undoFile: string, meta: FixMeta): string[] {
  return [
    ...labelled('What:', `restores what ${scriptFile} changed, from the backup folder it printed, in reverse order; each change is verified after its restore, and a change with no backup (never applied, or already undone) is skipped.`),
    ...labelled('Usage:', shell === 'powershell' ? `.\\${undoFile} [-BackupDir <folder>] [-BackupRoot <root>]` : `sudo bash ${undoFile} [<backup folder>]`),
    ...labelled('Run as:', shell === 'powershell' ? 'an elevated PowerShell (Run as administrator)' : 'root (sudo)'),
    ...labelled('Made by:', `Certbench ${commentSafe(meta.version, 40)} on ${meta.now.toISOString()}.`),
  ];
}

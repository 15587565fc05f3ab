import { findingKey } from '../../../../shared/fixes/finding-key';
import type { Severity } from '../../../../shared/findings/catalogue';
import type { DiagnoseReport, DiagnoseStep, RankedFinding } from '../../../../shared/model/diagnose';
import type { FixScript, FixShell } from '../../../../shared/model/fix';
import type { ProbeResult } from '../../../../shared/model/probe';

/**
 * The Diagnose page's words and groupings, kept apart from the components so they are
 * tested without a DOM: findings grouped by severity and ordered by rank, the fixes of a finding
 * by shell, what each gathering step was in plain words, and the Apply parameters of a fix.
 */

export const SEVERITY_ORDER: readonly Severity[] = ['error', 'warning', 'info'];

export const SEVERITY_GROUP: Record<Severity, string> = { error: 'Errors', warning: 'Warnings', info: 'Notes' };

export const LIKELIHOOD_WORD: Record<RankedFinding['likelihood'], string> = {
  'root-cause': 'Root cause',
  likely: 'Likely cause',
  contributing: 'Contributing',
  context: 'Context',
};

export const AREA_WORD: Record<RankedFinding['area'], string> = {
  probe: 'Seen on the wire',
  certificate: 'Client certificate',
  key: 'Private key',
  stores: 'Certificate stores',
  server: 'Server configuration',
};

export const STEP_WORD: Record<DiagnoseStep['name'], string> = {
  probe: 'Probe without a certificate',
  'probe-with-certificate': 'Probe with the certificate',
  certificate: 'Certificate and its chain',
  key: 'Private key and who may read it',
  stores: 'Trusted root store',
  server: 'Server configuration',
  revocation: 'Revocation (CRL and OCSP)',
};

export const SHELL_WORD: Record<FixShell, string> = { powershell: 'PowerShell', bash: 'bash' };

/** Errors, then warnings, then notes; rank order within each; empty groups left out. */
export function groupBySeverity(findings: readonly RankedFinding[]): { severity: Severity; label: string; findings: RankedFinding[] }[] {
  return SEVERITY_ORDER.map((severity) => ({
    severity,
    label: SEVERITY_GROUP[severity],
    findings: findings.filter((f) => f.severity === severity).sort((a, b) => a.rank - b.rank),
  })).filter((g) => g.findings.length > 0);
}

/**
 * The most likely cause: the best-ranked finding, when it is an error or warning the ranking put
 * forward as a cause. A report of notes only has none (nothing to put in the red box).
 */
export function mostLikelyCause(findings: readonly RankedFinding[]): RankedFinding | null {
  const best = [...findings].sort((a, b) => a.rank - b.rank)[0];
  if (!best || best.severity === 'info' || best.likelihood === 'context') return null;
  return best;
}

/** One fix kind for a finding, with its script per shell (the generators write each fix for each shell). */
export interface FindingFix {
  id: string;
  title: string;
  byShell: Partial<Record<FixShell, FixScript>>;
  shells: FixShell[];
}

/**
 * The fixes written for one finding: the ids it lists, matched to the report's scripts of that
 * finding id, in the order the finding lists them; PowerShell first, as the first users run Windows.
 *
 * Two findings of one id (two bindings without client-certificate negotiation) each get scripts of
 * the same fix id. The script a generator writes names its finding in its header, so the one whose
 * text has this finding's title is taken; failing that, the `occurrence`-th (this finding's place
 * among the findings of its id: the generators write in the findings' order).
 */
export function fixesForFinding(fixes: readonly FixScript[], finding: Pick<RankedFinding, 'id' | 'fixes' | 'title' | 'params'>, occurrence = 0): FindingFix[] {
  const key = findingKey(finding);
  const out: FindingFix[] = [];
  for (const id of finding.fixes) {
    if (out.some((f) => f.id === id)) continue;
    const byShell: Partial<Record<FixShell, FixScript>> = {};
    for (const shell of ['powershell', 'bash'] as const) {
      const candidates = fixes.filter((fx) => fx.id === id && fx.findingId === finding.id && fx.shell === shell);
      if (candidates.length === 0) continue;
      // Scripts name their finding exactly (findingKey); older bundles' scripts are matched by title, then order.
      const exact = candidates.find((fx) => fx.findingKey === key);
      const named = candidates.filter((fx) => fx.script.includes(finding.title));
      byShell[shell] = exact ?? (named.length === 1 ? named[0] : (candidates[occurrence] ?? candidates[0]));
    }
    const shells = (['powershell', 'bash'] as const).filter((s) => byShell[s]);
    if (shells.length === 0) continue;
    out.push({ id, title: (byShell.powershell ?? byShell.bash)!.title, byShell, shells });
  }
  return out;
}

/** Each finding's place among the findings of its id, in report order (see fixesForFinding). */
export function occurrences(findings: readonly Pick<RankedFinding, 'id'>[]): number[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const n = seen.get(f.id) ?? 0;
    seen.set(f.id, n + 1);
    return n;
  });
}

/** "certbench-fix-x.ps1" -> "certbench-fix-x-undo.ps1": the undo script is saved beside the script. */
export function undoFileName(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? `${fileName.slice(0, dot)}-undo${fileName.slice(dot)}` : `${fileName}-undo`;
}

/** Who must run a fix, in the words of the shell it is for. */
export function elevationNote(fix: Pick<FixScript, 'shell' | 'elevated'>): string {
  if (!fix.elevated) return fix.shell === 'powershell' ? 'Runs in a normal PowerShell window; no administrator rights needed.' : 'Runs as a normal user; root is not needed.';
  return fix.shell === 'powershell'
    ? 'Requires an elevated PowerShell: right-click PowerShell, "Run as administrator".'
    : 'Requires root: run it with sudo bash, as the file name shows.';
}

/**
 * What "Apply" needs for a keys:grant fix: the key file and the identity, from the finding's params
 * (FINDING_PARAM_KEYS: keyPath, identity). Null when either is missing: the app cannot apply it then.
 */
export function grantParams(finding: Pick<RankedFinding, 'params'>): { path: string; identity: string } | null {
  const path = finding.params?.keyPath?.trim();
  const identity = finding.params?.identity?.trim();
  return path && identity ? { path, identity } : null;
}

/**
 * The report's tone, as its summary reads: red when an error ranks as a cause (root cause or
 * likely), amber when something else is wrong (warnings, or errors that only explain context),
 * green when nothing is wrong.
 */
export function reportTone(report: Pick<DiagnoseReport, 'findings'>): 'bad' | 'unknown' | 'good' {
  if (report.findings.some((f) => f.severity === 'error' && (f.likelihood === 'root-cause' || f.likelihood === 'likely'))) return 'bad';
  if (report.findings.some((f) => f.severity !== 'info')) return 'unknown';
  return 'good';
}

/** The label over the best-ranked finding: a cause when the ranking says so, else where to start. */
export function topLabel(finding: Pick<RankedFinding, 'likelihood'>): string {
  return finding.likelihood === 'root-cause' || finding.likelihood === 'likely' ? 'Most likely cause' : 'Start here';
}

/** "2 errors, 1 warning, 3 notes" (only the counts that are not zero). */
export function countWords(findings: readonly RankedFinding[]): string {
  const parts: string[] = [];
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  const word = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  if (count('error')) parts.push(word(count('error'), 'error', 'errors'));
  if (count('warning')) parts.push(word(count('warning'), 'warning', 'warnings'));
  if (count('info')) parts.push(word(count('info'), 'note', 'notes'));
  return parts.length ? parts.join(', ') : 'nothing wrong found';
}

/** How many findings have at least one scripted fix (for "Save all fixes"). */
export function fixableCount(report: Pick<DiagnoseReport, 'findings' | 'fixes'>): number {
  const nth = occurrences(report.findings);
  return report.findings.filter((f, i) => fixesForFinding(report.fixes, f, nth[i]).length > 0).length;
}

/**
 * A probe's tab label: whether the client certificate went with it, which is what a reader compares
 * ("without a certificate: the server never asks; with it: 403.7").
 */
export function probeLabel(probe: ProbeResult): string {
  const withCert = probe.attempts.some((a) => a.kind === 'client-certificate' || a.kind === 'post-handshake-client-certificate' || a.clientCertificate.presented);
  return withCert ? 'With the client certificate' : 'Without a client certificate';
}

/** Labels for every probe, numbered when two would read the same. */
export function probeLabels(probes: readonly ProbeResult[]): string[] {
  const labels = probes.map(probeLabel);
  return labels.map((l, i) => (labels.filter((x) => x === l).length > 1 ? `${l} (${labels.slice(0, i + 1).filter((x) => x === l).length})` : l));
}

/** The "What was checked" mark: done, skipped, failed. */
export function stepMark(step: Pick<DiagnoseStep, 'status'>): 'good' | 'neutral' | 'bad' {
  return step.status === 'done' ? 'good' : step.status === 'failed' ? 'bad' : 'neutral';
}

/** "1.2 s", "340 ms". */
export function formatDuration(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

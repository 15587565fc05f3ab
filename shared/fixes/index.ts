import { findingKey } from './finding-key';
import type { Finding } from '../findings/catalogue';
import type { FixScript, FixShell } from '../model/fix';
import { bashScript, bashUndo } from './frame-bash';
import { combinedFileName, fixFileName } from './frame';
import { powershellScript, powershellUndo } from './frame-powershell';
import { generatorsFor } from './registry';
import { undoFileName, uniqueFileName } from '../scripts/script-file';
import type { FixMeta, FixOptions, FixSection } from './types';

export type { FixOptions } from './types';
export { FIX_REGISTRY, fixIdList } from './registry';

/**
 * Fix scripts for findings (DESIGN.md "Fix scripts"). Each finding id maps to generators
 * (registry.ts), one per fix kind and shell; a generator writes a script only when the finding's
 * params say enough (never a script with placeholders). Every script has a header (what, why, the
 * finding and its evidence), an elevation check, a backup into a new folder, the change, a
 * verification that stops loudly, and a matching undo; each change checks first and is skipped when
 * already in place, so running a script twice is safe.
 */

export interface CombinedFix {
  shell: FixShell;
  fileName: string;
  script: string;
  undo: string;
  undoFileName: string;
}

const render = {
  powershell: { script: powershellScript, undo: powershellUndo },
  bash: { script: bashScript, undo: bashUndo },
} as const;

/** Certbench's version when the caller gives none (shared/ cannot read package.json). */
const DEFAULT_VERSION = 'unknown version';

function sectionsFor(finding: Finding, shells: readonly FixShell[]): FixSection[] {
  const out: FixSection[] = [];
  for (const gen of generatorsFor(finding.id)) {
    if (!shells.includes(gen.shell)) continue;
    let body = null;
    try {
      body = gen.build(finding, finding.params ?? {});
    } catch {
      body = null; // a value the generator cannot use: no script, as for a missing one
    }
    if (body) out.push({ ...body, fixId: gen.fixId, shell: gen.shell, finding, applyWith: gen.applyWith ?? null, alternative: gen.alternative ?? false });
  }
  return out;
}

/** One fix as a script; `taken` holds the file names given so far, so two fixes with the same label get "-2" before the extension. */
function toFixScript(s: FixSection, meta: FixMeta, taken: Set<string>): FixScript | null {
  const script = uniqueFileName(fixFileName(s), taken);
  const files = { script, undo: undoFileName(script) };
  try {
    return {
      id: s.fixId,
      findingId: s.finding.id,
      findingKey: findingKey(s.finding),
      shell: s.shell,
      title: s.title,
      summary: s.summary,
      script: render[s.shell].script([s], meta, files),
      undo: render[s.shell].undo([s], meta, files),
      elevated: true,
      applyWith: s.applyWith,
      fileName: files.script,
    };
  } catch {
    // quoteBash refuses a NUL character (a bash word cannot hold one): such a value gets no script.
    return null;
  }
}

/**
 * The fixes for `findings` (in their order, which is the ranking order) in the given shells, and per
 * shell one combined script of all of them (alternatives left out, identical changes once) with one
 * undo that restores in reverse order.
 */
export function fixesFor(findings: Finding[], shells: FixShell[], options: FixOptions = {}): { fixes: FixScript[]; combined: CombinedFix[] } {
  const meta: FixMeta = { now: options.now ?? new Date(), version: options.version ?? DEFAULT_VERSION };
  const fixes: FixScript[] = [];
  const kept: FixSection[] = [];
  const taken = new Set<string>();
  for (const finding of findings) {
    for (const s of sectionsFor(finding, shells)) {
      const fix = toFixScript(s, meta, taken);
      if (!fix) continue;
      fixes.push(fix);
      kept.push(s);
    }
  }
  const combined: CombinedFix[] = [];
  for (const shell of [...new Set(shells)]) {
    const seen = new Set<string>();
    const sections = kept.filter((s) => {
      if (s.shell !== shell || s.alternative) return false;
      const key = `${s.fixId}\n${s.target}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    if (!sections.length) continue;
    const files = { script: combinedFileName(shell), undo: combinedFileName(shell, true) };
    combined.push({ shell, fileName: files.script, script: render[shell].script(sections, meta, files), undo: render[shell].undo(sections, meta, files), undoFileName: files.undo });
  }
  return { fixes, combined };
}

/** The fix ids a finding's `fixes` array should list: those a script can be written for from its params. */
export function fixIdsFor(finding: Finding): string[] {
  const ids = fixesFor([finding], ['powershell', 'bash'], { now: new Date(0) }).fixes.map((f) => f.id);
  return [...new Set(ids)];
}

export { findingKey } from './finding-key';

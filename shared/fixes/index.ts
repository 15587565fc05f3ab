import type { Finding } from '../findings/catalogue';
import type { FixScript, FixShell } from '../model/fix';

/** Fix scripts for findings (issue 6). Being written. */
export function fixesFor(_findings: Finding[], _shells: FixShell[]): { fixes: FixScript[]; combined: { shell: FixShell; fileName: string; script: string; undo: string; undoFileName: string }[] } {
  return { fixes: [], combined: [] };
}

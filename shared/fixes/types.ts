import type { Finding } from '../findings/catalogue';
import type { FixShell } from '../model/fix';

/** Generation options; both have defaults, and tests pass them so the text is deterministic. */
export interface FixOptions {
  /** The "generated on" date in the header (default: now). */
  now?: Date;
  /** The Certbench version named in the header. */
  version?: string;
}

/** A data value for a script: one string, or a list (a PowerShell array / bash array). */
export type VarValue = string | readonly string[];

/**
 * One fix as a generator describes it; the frame (frame-powershell.ts, frame-bash.ts) turns it into
 * a script and its undo. Code lines (`check`, `backup`, `change`, `verify`, `undo`) are constant
 * text that refers to data only through the variables in `vars`, which the frame declares from
 * quoted literals at the top of the section. Text fields (`title`, `what`, `warnings`) may contain
 * data: they only ever become comment lines (commentSafe) or the FixScript's own fields.
 */
export interface FixBody {
  /** Short imperative title: "Negotiate the client certificate in the first handshake on 0.0.0.0:443". */
  title: string;
  /** What it changes and why, two or three sentences. */
  summary: string;
  /** What the script changes, for the header (one sentence per item). */
  what: string[];
  /** Loud header lines (checked before running, e.g. a fingerprint to confirm out of band). */
  warnings?: string[];
  /** What this fix changes, as text: the undo finds its backup by it; equal targets are one fix. */
  target: string;
  /** A file-name label (fileLabel of the main value). */
  label: string;
  /** Data variables: [name, value]; PowerShell names are PascalCase, bash names snake_case. */
  vars: ReadonlyArray<readonly [string, VarValue]>;
  /** Helper function groups the code uses (frame-powershell.ts / frame-bash.ts HELPERS). */
  helpers: readonly string[];
  /** Sets $Done / already=1 when the change is already in place (idempotence); may stop on a precondition. */
  check: readonly string[];
  /** Constant text printed when the change is already in place. */
  doneMessage: string;
  /** Saves what the change touches into $Backup / "$backup" (a new, empty folder). */
  backup: readonly string[];
  change: readonly string[];
  /** Stops with an error when the change did not take. */
  verify: readonly string[];
  /** Constant lines printed after success (e.g. a restart is needed). */
  notes?: readonly string[];
  /** Restores from $Backup / "$backup" and verifies; the frame finds the folder. */
  undo: readonly string[];
}

/** A fix generator for one shell. */
export interface FixGenerator {
  /** Stable id of the fix kind (a finding's `fixes` lists these). */
  fixId: string;
  shell: FixShell;
  /** The app can apply this itself (key grants through keys:grant). */
  applyWith?: 'keys:grant';
  /** An alternative to the finding's first fix: offered on its own, left out of the combined script. */
  alternative?: boolean;
  /** The fix for this finding, or null when its params do not say enough (never a guess). */
  build(finding: Finding, params: Readonly<Record<string, string>>): FixBody | null;
}

/** A built fix: the generator's body plus who made it, ready for the frame. */
export interface FixSection extends FixBody {
  fixId: string;
  shell: FixShell;
  finding: Finding;
  applyWith: 'keys:grant' | null;
  alternative: boolean;
}

export interface FixMeta {
  now: Date;
  version: string;
}

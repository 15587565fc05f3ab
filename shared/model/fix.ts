import { z } from 'zod';
import { FindingIdSchema } from '../findings/catalogue';

/**
 * A fix script generated from a finding and its evidence (DESIGN.md "Fix scripts"). Every
 * script reads as a reviewed change: a header saying what and why, a backup of what it changes, the
 * change, a verification, and a matching undo script. Values from certificates, paths, identities
 * and hosts are quoted with shared/scripts/quote.ts, never pasted in unquoted.
 */
export const FixShellSchema = z.enum(['powershell', 'bash']);
export type FixShell = z.infer<typeof FixShellSchema>;

export const FixScriptSchema = z.object({
  /** Stable id of this fix kind, e.g. "netsh.clientcertnegotiation" (a finding's `fixes` lists these). */
  id: z.string(),
  findingId: FindingIdSchema,
  /** Which finding of that id it was written for (findingKey of shared/fixes): two bindings, two scripts. */
  findingKey: z.string().optional(),
  shell: FixShellSchema,
  /** Short imperative title: "Negotiate the client certificate in the first handshake on 0.0.0.0:443". */
  title: z.string(),
  /** What it changes and why, in two or three sentences (also in the script's header). */
  summary: z.string(),
  /** The full script: header, backup, change, verification. */
  script: z.string(),
  /** The matching undo script (restores the backup). */
  undo: z.string(),
  /** Needs an elevated PowerShell / root. */
  elevated: z.boolean(),
  /** The app can apply this itself with a backup and an undo (today: key grants through keys:grant). */
  applyWith: z.enum(['keys:grant']).nullable(),
  /** Suggested file name when saved: "certbench-fix-netsh-clientcertnegotiation.ps1". */
  fileName: z.string(),
});
export type FixScript = z.infer<typeof FixScriptSchema>;

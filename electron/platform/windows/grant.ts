import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { CertbenchError } from '../../../shared/errors';
import type { Acl, GrantPlan, GrantResult, Identity, UndoResult } from '../../../shared/model/acl';
import { grantScript, undoScript } from '../../../shared/fixes/windows-key-grant';
import { quotePowerShell } from '../../../shared/scripts/quote';
import type { CommandRunner, KeyAclReader, KeyAclWriter } from '../types';
import { describeAce } from '../../../shared/acl/ntfs';
import { winJoin } from './key-paths';
import { checkPowerShellText, isElevated, jsonScript, runPowerShellJson } from './powershell';

/**
 * Granting an identity read access to a key file on Windows, as a reviewed change (DESIGN.md "Fix
 * scripts"): a PowerShell script with a header, an `icacls /save` backup before anything
 * changes, the `icacls /grant`, a verification by Get-Acl, and a matching undo script that runs
 * `icacls <folder> /restore <backup>`. Every value (paths, the identity) enters a script only through
 * quotePowerShell as a single-quoted string; the scripts contain no double-quoted strings at all.
 * When this process is not elevated the script is written to a file and run through
 * `Start-Process powershell -Verb RunAs -Wait` (UAC), and its JSON result is read back from a file.
 */

// The pure script builders live in shared/fixes/windows-key-grant.ts (the fix generators share their
// ACL check); re-exported for callers and tests.
export { grantScript, undoScript, type GrantScriptInput, type UndoScriptInput } from '../../../shared/fixes/windows-key-grant';

/**
 * Runs `scriptFile` elevated (UAC prompt) and prints its JSON result. Start-Process in PowerShell 5.1
 * joins -ArgumentList with spaces without quoting, so the file path is wrapped in double quotes by
 * concatenation (a Windows path cannot contain a double quote).
 */
export function elevatedLauncherScript(scriptFile: string, resultFile: string): string {
  return jsonScript(`
$ScriptFile = ${quotePowerShell(scriptFile)}
$ResultFile = ${quotePowerShell(resultFile)}
if (Test-Path -LiteralPath $ResultFile) { Remove-Item -LiteralPath $ResultFile -Force }
$q = [string][char]34
$p = Start-Process -FilePath 'powershell.exe' -Verb RunAs -Wait -PassThru -WindowStyle Hidden -ArgumentList @('-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File', ($q + $ScriptFile + $q))
if (-not (Test-Path -LiteralPath $ResultFile -PathType Leaf)) { throw ('the elevated script wrote no result (exit code ' + $p.ExitCode + ')') }
Get-Content -LiteralPath $ResultFile -Raw -Encoding UTF8 | ConvertFrom-Json
`);
}

export const GrantOutcomeSchema = z.object({
  ok: z.boolean(),
  step: z.string(),
  changed: z.boolean(),
  verified: z.boolean(),
  backupFile: z.string(),
  before: z.string().nullable(),
  after: z.string().nullable(),
  /** The key file's creation time (round-trip text): the undo restores only onto that same file. */
  keyCreatedUtc: z.string().nullable().optional(),
  error: z.string().nullable(),
});

export const UndoOutcomeSchema = z.object({
  ok: z.boolean(),
  step: z.string(),
  backupSddl: z.string().nullable(),
  restoredSddl: z.string().nullable(),
  error: z.string().nullable(),
});

/** The DACL part of an SDDL string ("D:..." up to any "S:" SACL part), for comparing a restore with its backup. */
export function daclOf(sddl: string): string {
  const d = sddl.indexOf('D:');
  if (d < 0) return '';
  const rest = sddl.slice(d);
  const s = rest.search(/S:(?:[A-Z]*\()/);
  return (s > 0 ? rest.slice(0, s) : rest).trim();
}

/**
 * Characters Windows never allows in an account name (and control characters): refused before a
 * script is made, so icacls is never handed a principal that cannot exist. `*S-1-...` (icacls's SID
 * form) is allowed.
 */
export function checkPrincipalName(name: string): void {
  const stripped = name.replace(/^\*(?=S-1-)/i, '');
  const control = [...stripped].find((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);
  const bad = control ? [control] : /["/[\]:;|=,+*?<>]/.exec(stripped);
  if (!name.trim() || bad) {
    throw new CertbenchError('bad-input', `not a Windows account name: ${JSON.stringify(name)}${bad ? ` (contains ${JSON.stringify(bad[0])})` : ''}`);
  }
}

function checkPath(p: string): void {
  const hasControl = [...p].some((ch) => ch.charCodeAt(0) < 0x20);
  if (!p.trim() || hasControl || /["<>|?*]/.test(p.replace(/^\\\\\?\\/, ''))) throw new CertbenchError('bad-input', `not a Windows file path: ${JSON.stringify(p)}`);
}

/** Where backups, the scripts that ran and their records live. */
export interface BackupStore {
  dir: string;
  write(file: string, text: string): void;
  read(file: string): string | null;
}

export function fileBackupStore(dir: string): BackupStore {
  return {
    dir,
    write(file, text) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
    },
    read(file) {
      try {
        return fs.readFileSync(file, 'utf8');
      } catch {
        return null;
      }
    },
  };
}

/** The app's data folder for ACL backups when the composition root gives none. */
export function defaultBackupDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.LOCALAPPDATA ?? os.tmpdir(), 'Certbench', 'acl-backups');
}

const RecordSchema = z.object({ id: z.string(), keyPath: z.string(), identity: z.string(), backupFile: z.string(), createdAt: z.string(), keyCreatedUtc: z.string().nullable().optional() });

export interface WindowsAclWriterOptions {
  backups: BackupStore;
  now?: () => Date;
  newId?: () => string;
}

/** Entries that name the identity, as icacls would print them, for the plan's before/after. */
function entriesFor(acl: Acl, identity: string): string {
  const mine = acl.entries.filter((e) => e.principal.name.toLowerCase() === identity.toLowerCase() && !e.inherited);
  return mine.length ? mine.map(describeAce).join(', ') : `(no explicit entry for ${identity})`;
}

export class WindowsAclWriter implements KeyAclWriter {
  private readonly now: () => Date;
  private readonly newId: () => string;

  constructor(
    private readonly runner: CommandRunner,
    private readonly reader: KeyAclReader,
    private readonly options: WindowsAclWriterOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.newId = options.newId ?? (() => `${this.now().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}`);
  }

  /** Join in the backup folder's own style (Windows paths on Windows; the tests' POSIX folders elsewhere). */
  private join(name: string): string {
    const dir = this.options.backups.dir;
    return dir.includes('\\') ? winJoin(dir, name) : path.join(dir, name);
  }

  private files(id: string) {
    return {
      backupFile: this.join(`${id}.icacls`),
      resultFile: this.join(`${id}.result.json`),
      scriptFile: this.join(`${id}.ps1`),
      recordFile: this.join(`${id}.json`),
    };
  }

  private async elevated(): Promise<{ elevated: boolean; user: string }> {
    try {
      return await isElevated(this.runner);
    } catch {
      return { elevated: false, user: 'this user' };
    }
  }

  /** Run a script directly when elevated, else through UAC with its result read back from a file. */
  private async runScript<T extends z.ZodTypeAny>(name: string, text: string, files: { scriptFile: string; resultFile: string }, schema: T, elevated: boolean): Promise<z.output<T>> {
    // Before either path: the file below would hold U+FFFD where the script has an unpaired surrogate.
    checkPowerShellText(text);
    if (elevated) return runPowerShellJson(this.runner, name, text, schema, { timeoutMs: 120_000 });
    // A BOM so Windows PowerShell 5.1 reads the file as UTF-8, not the ANSI code page.
    this.options.backups.write(files.scriptFile, `\uFEFF${text}`);
    try {
      return await runPowerShellJson(this.runner, `${name} (elevated)`, elevatedLauncherScript(files.scriptFile, files.resultFile), schema, { timeoutMs: 600_000 });
    } catch (err) {
      if (err instanceof CertbenchError && /canceled by the user/i.test(err.message)) {
        throw new CertbenchError('forbidden', `${name}: administrator approval (UAC) was declined; nothing was changed`);
      }
      throw err;
    }
  }

  private commands(keyPath: string, identity: string, backupFile: string, grant: boolean) {
    return [
      { file: 'icacls.exe', args: [keyPath, '/save', backupFile] },
      ...(grant ? [{ file: 'icacls.exe', args: [keyPath, '/grant', `${identity}:R`] }] : []),
    ];
  }

  async plan(keyPath: string, identity: Identity): Promise<GrantPlan> {
    checkPath(keyPath);
    checkPrincipalName(identity.name);
    const acl = await this.reader.read(keyPath);
    const answer = this.reader.canRead(acl, identity);
    const { elevated, user } = await this.elevated();
    const id = this.newId();
    const f = this.files(id);
    const blockedByDeny = !answer.canRead && answer.decidedBy.startsWith('denied');
    const summary = answer.canRead
      ? `${identity.name} can already read ${keyPath} (${answer.decidedBy}): nothing to change; the ACL is still backed up.`
      : blockedByDeny
        ? `${identity.name} is ${answer.decidedBy}: a grant cannot override a deny entry, remove it first.`
        : `Grant ${identity.name} read access (R) to ${keyPath}, after saving its ACL to ${f.backupFile}.`;
    return {
      path: keyPath,
      identity: identity.name,
      summary,
      commands: this.commands(keyPath, identity.name, f.backupFile, !answer.canRead),
      script: { language: 'powershell', text: grantScript({ keyPath, identity: identity.name, backupFile: f.backupFile, resultFile: null, grant: !answer.canRead }) },
      undoScript: { language: 'powershell', text: undoScript({ keyPath, backupFile: f.backupFile, resultFile: null }) },
      alreadyAllowed: answer.canRead,
      privileges: elevated
        ? { sufficient: true, detail: `Running elevated as ${user}: the change is applied directly.` }
        : { sufficient: false, detail: 'Not elevated: applying asks for administrator approval (UAC) and runs the script in an elevated PowerShell.' },
      changes: answer.canRead ? [] : [{ path: keyPath, before: entriesFor(acl, identity.name), after: `"${identity.name}:(R)"`, why: answer.decidedBy }],
      // NTFS needs no traverse right on the folders: "Bypass traverse checking" is granted to Everyone by default.
      access: [{ path: keyPath, need: 'read', answer }],
    };
  }

  async grant(keyPath: string, identity: Identity): Promise<GrantResult> {
    checkPath(keyPath);
    checkPrincipalName(identity.name);
    const before = await this.reader.read(keyPath);
    const answer = this.reader.canRead(before, identity);
    if (!answer.canRead && answer.decidedBy.startsWith('denied')) {
      throw new CertbenchError('bad-input', `${identity.name} is ${answer.decidedBy}: a grant cannot override a deny entry; remove it first (nothing was changed)`);
    }
    const grant = !answer.canRead;
    const id = this.newId();
    const f = this.files(id);
    const { elevated } = await this.elevated();
    // The record is written before anything runs, so undo can find the backup even if the run is cut short;
    // again after, with the key file's creation time the script read (undo restores only onto that file).
    const record = { id, keyPath, identity: identity.name, backupFile: f.backupFile, createdAt: this.now().toISOString() };
    this.options.backups.write(f.recordFile, JSON.stringify(record));
    const script = grantScript({ keyPath, identity: identity.name, backupFile: f.backupFile, resultFile: elevated ? null : f.resultFile, grant });
    const outcome = await this.runScript('grant read access', script, f, GrantOutcomeSchema, elevated);
    const keyCreatedUtc = outcome.keyCreatedUtc ?? null;
    if (keyCreatedUtc) this.options.backups.write(f.recordFile, JSON.stringify({ ...record, keyCreatedUtc }));
    if (!outcome.ok) {
      const tail = outcome.changed ? ` (undo with backup ${id})` : '';
      throw new CertbenchError('internal', `grant read access to ${keyPath} failed at ${outcome.step}: ${outcome.error ?? 'no reason given'}${tail}`);
    }
    const after = await this.reader.read(keyPath);
    return {
      backupId: id,
      backupPath: f.backupFile,
      changed: outcome.changed,
      commands: this.commands(keyPath, identity.name, f.backupFile, grant),
      before,
      after,
      verified: this.reader.canRead(after, identity),
      undoScript: { language: 'powershell', text: undoScript({ keyPath, backupFile: f.backupFile, resultFile: null, keyCreatedUtc }) },
    };
  }

  async undo(backupId: string): Promise<UndoResult> {
    if (!/^[A-Za-z0-9-]+$/.test(backupId)) throw new CertbenchError('bad-input', `not a backup id: ${JSON.stringify(backupId)}`);
    const f = this.files(backupId);
    const text = this.options.backups.read(f.recordFile);
    if (text === null) throw new CertbenchError('not-found', `no ACL backup ${backupId} in ${this.options.backups.dir}`);
    const parsed = RecordSchema.safeParse(JSON.parse(text.replace(/^\uFEFF/, '')));
    if (!parsed.success) throw new CertbenchError('bad-input', `ACL backup record ${backupId} is damaged`);
    const record = parsed.data;
    const { elevated } = await this.elevated();
    const undoFiles = { scriptFile: this.join(`${backupId}.undo.ps1`), resultFile: this.join(`${backupId}.undo.result.json`) };
    const script = undoScript({ keyPath: record.keyPath, backupFile: record.backupFile, resultFile: elevated ? null : undoFiles.resultFile, keyCreatedUtc: record.keyCreatedUtc ?? null });
    const outcome = await this.runScript('restore the ACL backup', script, undoFiles, UndoOutcomeSchema, elevated);
    if (!outcome.ok) throw new CertbenchError('internal', `restore of ACL backup ${backupId} failed at ${outcome.step}: ${outcome.error ?? 'no reason given'}`);
    const restored = await this.reader.read(record.keyPath);
    const saved = outcome.backupSddl ? daclOf(outcome.backupSddl) : null;
    return { backupId, restored, matchesBackup: saved !== null && saved === daclOf(restored.raw) };
  }
}

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { GrantPlan, GrantResult, Identity, UndoResult } from '../../../shared/model/acl';
import { CertbenchError, oneLine } from '../../../shared/errors';
import { grantScript, undoScript } from '../../../shared/fixes/linux-key-grant';
import { commandProblem } from '../command-runner';
import {
  checkAccess,
  checkPathAccess,
  faclOfAcl,
  overallAnswer,
  parseGetfacl,
  subjectOf,
  type FaclBlock,
  type FaclEntry,
  type PathAcls,
  type PosixSubject,
} from '../../../shared/acl/posix';
import { readFacls, readPathAcls } from '../posix-acl';
import type { CommandRunner, KeyAclWriter } from '../types';

/**
 * Grant read access to a key file on Linux, with a backup first and an exact undo:
 *  plan    the exact `setfacl -m u:NAME:r FILE` (plus `setfacl -m u:NAME:x DIR` for each parent
 *          directory that blocks traversal), the same as a bash script, and its undo script;
 *  grant   `getfacl -p --absolute-names` of every path that changes, written and fsynced to
 *          <data dir>/backups/<id>.acl BEFORE any change; then setfacl; then re-read and re-check;
 *          any failure restores the backup, so a failed grant leaves the ACLs as they were;
 *  undo    `setfacl --restore=<backup>`, then getfacl again must equal the backup byte for byte.
 */

const SETFACL_TIMEOUT_MS = 15_000;
const BACKUP_ID = /^\d{8}T\d{6}Z-[0-9a-f]{8}$/;

const BackupMetaSchema = z.object({
  version: z.literal(1),
  id: z.string(),
  createdAt: z.string(),
  file: z.string(),
  identity: z.string(),
  /** The paths in the order given to getfacl (directories, then the file): undo re-reads them so. */
  paths: z.array(z.string()),
  commands: z.array(z.object({ file: z.string(), args: z.array(z.string()) })),
  /** Which file each path was when it was backed up (device and inode): undo restores only those. */
  inodes: z.array(z.object({ path: z.string(), dev: z.number(), ino: z.number(), birthtimeMs: z.number().optional() })).optional(),
});
type BackupMeta = z.infer<typeof BackupMetaSchema>;

/** Who this process is, for the privilege check (root, or the owner of each path that changes). */
export interface ProcessUser {
  uid: number;
  name: string;
}

/** This process's effective uid and user name, for the privilege check and its message. */
export function currentUser(): ProcessUser {
  const uid = typeof process.geteuid === 'function' ? process.geteuid() : -1;
  let name = String(uid);
  try {
    name = os.userInfo().username;
  } catch {
    // No passwd entry (containers): the number.
  }
  return { uid, name };
}

/** Permission letters in setfacl order. */
function union(perms: string, add: string): string {
  const has = (c: string) => perms.includes(c) || add.includes(c);
  return `${has('r') ? 'r' : '-'}${has('w') ? 'w' : '-'}${has('x') ? 'x' : '-'}`;
}
const compact = (perms: string) => perms.replace(/-/g, '') || '-';

/** Name usable in an ACL entry text as is; anything else goes by number (unambiguous for setfacl). */
const PLAIN_NAME = /^[A-Za-z0-9_][A-Za-z0-9._@$-]*$/;

interface Change {
  path: string;
  need: 'r' | 'x';
  /** The setfacl -m argument, e.g. "u:www-data:r" or "u:www-data:r,m::r". */
  spec: string;
  before: string;
  after: string;
  why: string;
}

/**
 * The entry to add or widen so `who` gets `need` on one path, as a setfacl -m argument, and what it
 * changes. Keeps the entry's existing permissions (setfacl -m replaces an entry's permissions).
 * setfacl recomputes the mask as the union of the group class; when that would widen another
 * entry's effective rights (an existing mask stricter than the union), the mask is given explicitly
 * (old mask + the permission needed) so nobody else gains anything.
 */
export function changeFor(block: FaclBlock, who: PosixSubject, need: 'r' | 'x', why: string): Change {
  const entries = block.entries.filter((e) => !e.isDefault);
  const mask = entries.find((e) => e.tag === 'mask') ?? null;
  const qualifier = PLAIN_NAME.test(who.name) || who.id === null ? who.name : String(who.id);
  let tag: 'u' | 'g';
  let target: string;
  let current: string;
  let groupClass: boolean;
  if (who.kind === 'user' && (block.owner === who.name || (who.id !== null && block.owner === String(who.id)))) {
    tag = 'u';
    target = '';
    current = entries.find((e) => e.tag === 'user' && e.qualifier === null)?.perms ?? '---';
    groupClass = false;
  } else if (who.kind === 'group' && block.group === who.name) {
    tag = 'g';
    target = '';
    current = entries.find((e) => e.tag === 'group' && e.qualifier === null)?.perms ?? '---';
    groupClass = true;
  } else {
    tag = who.kind === 'user' ? 'u' : 'g';
    target = qualifier;
    current = entries.find((e) => e.tag === (who.kind === 'user' ? 'user' : 'group') && (e.qualifier === who.name || e.qualifier === String(who.id)))?.perms ?? '---';
    groupClass = true;
  }
  const next = union(current, need);
  const entryText = `${tag === 'u' ? 'user' : 'group'}:${target}:`;
  const existed = target === '' || entries.some((e) => e.tag === (tag === 'u' ? 'user' : 'group') && (e.qualifier === who.name || e.qualifier === String(who.id)));
  let spec = `${tag}:${target}:${compact(next)}`;
  let after = `${entryText}${next}`;
  if (mask) {
    const desired = groupClass ? union(mask.perms, need) : mask.perms;
    // What setfacl would compute: the union of the group class after the change.
    let recomputed = '---';
    const changedEntry = (e: (typeof entries)[number]) => (tag === 'u' ? e.tag === 'user' : e.tag === 'group') && (target === '' ? e.qualifier === null : e.qualifier === target || e.qualifier === who.name);
    let seen = false;
    for (const e of entries) {
      if (e.tag === 'other' || e.tag === 'mask' || (e.tag === 'user' && e.qualifier === null)) continue;
      if (groupClass && changedEntry(e)) {
        seen = true;
        recomputed = union(recomputed, next);
      } else recomputed = union(recomputed, e.perms);
    }
    if (groupClass && !seen) recomputed = union(recomputed, next);
    if (recomputed !== desired || desired !== mask.perms) {
      if (recomputed !== desired) spec += `,m::${compact(desired)}`;
      after += `, mask::${desired}`;
    }
  } else if (groupClass && target !== '') {
    // setfacl creates the mask with the first named entry: the union of the group class.
    const created = entries.filter((e) => e.tag === 'group' && e.qualifier === null).reduce((m, e) => union(m, e.perms), next);
    after += `, mask::${created} (new)`;
  }
  const before = `${existed ? `${entryText}${current}` : `no entry for ${who.kind === 'group' ? `group ${who.name}` : who.name}`}${mask ? `, mask::${mask.perms}` : ''}`;
  return { path: block.path, need, spec, before, after, why };
}

/** KeyAclWriter on setfacl/getfacl; backups in `backupDir` (<data dir>/backups). */
export class LinuxKeyAclWriter implements KeyAclWriter {
  constructor(
    private readonly runner: CommandRunner,
    private readonly backupDir: string,
    private readonly user: ProcessUser = currentUser(),
    private readonly now: () => Date = () => new Date(),
  ) {}

  async plan(file: string, identity: Identity): Promise<GrantPlan> {
    return (await this.prepare(file, identity)).plan;
  }

  private async prepare(file: string, identity: Identity): Promise<{ plan: GrantPlan; acls: PathAcls; changes: Change[]; backupPath: string; id: string }> {
    const acls = await readPathAcls(this.runner, file);
    const who = subjectOf(identity);
    const steps = checkPathAccess(acls, identity);
    const overall = overallAnswer(steps);
    const changes: Change[] = [];
    for (const [i, dir] of acls.directories.entries()) {
      const step = steps[i]!;
      if (!step.answer.canRead) changes.push(changeFor(faclOfAcl(dir), who, 'x', `${identity.name} cannot traverse ${dir.path}: ${step.answer.decidedBy}`));
    }
    const fileStep = steps[steps.length - 1]!;
    if (!fileStep.answer.canRead) changes.push(changeFor(faclOfAcl(acls.fileAcl), who, 'r', `${identity.name} cannot read the file: ${fileStep.answer.decidedBy}`));

    // The plan must work: apply it to the model and check again before offering it.
    if (changes.length) this.simulate(acls, changes, who);

    const id = this.newBackupId();
    const backupPath = path.join(this.backupDir, `${id}.acl`);
    const paths = changes.length ? changes.map((c) => c.path) : [acls.realPath];
    const commands = changes.map((c) => ({ file: 'setfacl', args: ['-m', c.spec, c.path] }));
    const privileges = this.privileges(changes.length ? changes.map((c) => c.path) : []);
    const summary = changes.length
      ? changes.map((c) => (c.need === 'x' ? `Let ${identity.name} traverse ${c.path} (needed to reach the key): ${c.before} becomes ${c.after}.` : `Let ${identity.name} read ${c.path}: ${c.before} becomes ${c.after}.`)).join(' ')
      : `${identity.name} can already read ${acls.realPath} (${overall.decidedBy}); nothing to change.`;
    const plan: GrantPlan = {
      path: acls.realPath,
      identity: identity.name,
      summary,
      commands,
      script: { language: 'bash', text: grantScript({ file: acls.realPath, identity, changes, paths, backupPath, summary, reason: overall.decidedBy }) },
      undoScript: { language: 'bash', text: undoScript({ file: acls.realPath, paths, backupPath }) },
      alreadyAllowed: overall.canRead,
      privileges,
      changes: changes.map((c) => ({ path: c.path, before: c.before, after: c.after, why: c.why })),
      access: steps,
    };
    return { plan, acls, changes, backupPath, id };
  }

  /** Apply the planned setfacl arguments to the parsed ACLs (as setfacl would) and check again. */
  private simulate(acls: PathAcls, changes: Change[], who: PosixSubject): void {
    for (const c of changes) {
      const acl = c.path === acls.fileAcl.path ? acls.fileAcl : acls.directories.find((d) => d.path === c.path);
      if (!acl) throw new CertbenchError('internal', `planned a change on ${c.path}, which is not on the path`);
      const block = faclOfAcl(acl);
      const [entrySpec = '', maskSpec] = c.spec.split(',');
      const [tagLetter, qualifier = '', perms = ''] = entrySpec.split(':');
      const tag = tagLetter === 'u' ? ('user' as const) : ('group' as const);
      const full = union('---', perms);
      const kept = block.entries.filter((e) => !e.isDefault && e.tag !== 'mask' && !(e.tag === tag && (qualifier === '' ? e.qualifier === null : e.qualifier === qualifier)));
      const entries: FaclEntry[] = [...kept, { tag, qualifier: qualifier || null, perms: full, isDefault: false, effective: null, text: `${tag}:${qualifier}:${full}` }];
      const groupClass = entries.filter((e) => e.tag !== 'other' && !(e.tag === 'user' && e.qualifier === null));
      const needsMask = block.entries.some((e) => !e.isDefault && e.tag === 'mask') || entries.some((e) => e.qualifier !== null && e.tag !== 'other');
      if (needsMask) {
        const maskPerms = maskSpec ? union('---', maskSpec.split(':')[2] ?? '') : groupClass.reduce((m, e) => union(m, e.perms), '---');
        entries.push({ tag: 'mask', qualifier: null, perms: maskPerms, isDefault: false, effective: null, text: `mask::${maskPerms}` });
      }
      const answer = checkAccess({ owner: block.owner, group: block.group, entries }, who, c.need);
      if (!answer.canRead) throw new CertbenchError('internal', `the planned change "${c.spec}" on ${c.path} would not be enough (${answer.decidedBy})`);
    }
  }

  private privileges(paths: string[]): GrantPlan['privileges'] {
    if (this.user.uid === 0) return { sufficient: true, detail: 'running as root' };
    if (!paths.length) return { sufficient: true, detail: 'nothing to change' };
    const notOwned = paths.filter((p) => {
      try {
        return fs.statSync(p).uid !== this.user.uid;
      } catch {
        return true;
      }
    });
    if (!notOwned.length) return { sufficient: true, detail: `you (${this.user.name}) own every path that changes` };
    const first = notOwned[0]!;
    const which = first === paths[paths.length - 1] && notOwned.length === 1 ? "the file's owner" : `the owner of ${notOwned.join(', ')}`;
    return { sufficient: false, detail: `needs root or ${which} (you are ${this.user.name}); run the script with sudo` };
  }

  private newBackupId(): string {
    const stamp = this.now().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
    return `${stamp}-${randomBytes(4).toString('hex')}`;
  }

  async grant(file: string, identity: Identity): Promise<GrantResult> {
    const { plan, acls, changes, backupPath, id } = await this.prepare(file, identity);
    if (!plan.privileges.sufficient) throw new CertbenchError('forbidden', `cannot grant ${identity.name} read access to ${plan.path}: ${plan.privileges.detail}`);
    const paths = changes.length ? changes.map((c) => c.path) : [acls.realPath];

    // 1. Backup before any change, synced to disk.
    const dump = await readFacls(this.runner, paths);
    if (dump.source !== 'getfacl') throw new CertbenchError('internal', `cannot back up the ACL: ${dump.note ?? 'getfacl is not available'}`);
    const meta: BackupMeta = { version: 1, id, createdAt: this.now().toISOString(), file: acls.realPath, identity: identity.name, paths, commands: plan.commands, inodes: paths.map(inodeOf) };
    writeSynced(this.backupDir, backupPath, dump.dump);
    writeSynced(this.backupDir, path.join(this.backupDir, `${id}.json`), `${JSON.stringify(meta, null, 2)}\n`);

    const before = acls.fileAcl;
    if (!changes.length) {
      return { backupId: id, backupPath, changed: false, commands: [], before, after: before, verified: overallAnswer(plan.access), undoScript: plan.undoScript };
    }

    // 2. Apply; on any failure restore the backup so the ACLs are as they were.
    for (const c of plan.commands) {
      const r = await this.runner.run(c.file, c.args, { timeoutMs: SETFACL_TIMEOUT_MS });
      const problem = commandProblem(r);
      if (problem) throw await this.failAndRestore(id, backupPath, paths, `${c.file} ${c.args.join(' ')} failed: ${problem}`);
    }

    // 3. Verify by reading again.
    const again = await readPathAcls(this.runner, file);
    const verified = overallAnswer(checkPathAccess(again, identity));
    if (!verified.canRead) throw await this.failAndRestore(id, backupPath, paths, `after the change ${identity.name} still cannot read the key (${verified.decidedBy})`);
    return { backupId: id, backupPath, changed: true, commands: plan.commands, before, after: again.fileAcl, verified, undoScript: plan.undoScript };
  }

  private async failAndRestore(id: string, backupPath: string, paths: string[], problem: string): Promise<CertbenchError> {
    const restored = await this.restore(backupPath, paths);
    if (restored.ok && restored.dump === fs.readFileSync(backupPath, 'utf8')) return new CertbenchError('internal', `grant failed: ${problem}; the ACL was restored from backup ${id}`);
    if (restored.ok) return new CertbenchError('internal', `grant failed: ${problem}; the backup ${id} was restored but the ACL still differs from it: check with getfacl and setfacl --restore=${backupPath}`);
    return new CertbenchError('internal', `grant failed: ${problem}; restoring the backup ALSO failed (${restored.problem}): restore by hand with setfacl --restore=${backupPath}`);
  }

  private async restore(backupPath: string, paths: string[]): Promise<{ ok: true; dump: string } | { ok: false; problem: string }> {
    const r = await this.runner.run('setfacl', [`--restore=${backupPath}`], { timeoutMs: SETFACL_TIMEOUT_MS });
    const problem = commandProblem(r);
    if (problem) return { ok: false, problem };
    const after = await readFacls(this.runner, paths);
    return { ok: true, dump: after.dump };
  }

  async undo(backupId: string): Promise<UndoResult> {
    if (!BACKUP_ID.test(backupId)) throw new CertbenchError('bad-input', `"${oneLine(backupId, 60)}" is not a backup id (like 20260131T120000Z-1a2b3c4d)`);
    const backupPath = path.join(this.backupDir, `${backupId}.acl`);
    const metaPath = path.join(this.backupDir, `${backupId}.json`);
    let backup: string;
    let meta: BackupMeta;
    try {
      backup = fs.readFileSync(backupPath, 'utf8');
      meta = BackupMetaSchema.parse(JSON.parse(fs.readFileSync(metaPath, 'utf8')));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new CertbenchError('not-found', `no backup ${backupId} in ${this.backupDir}`);
      throw new CertbenchError('bad-input', `backup ${backupId} is damaged (${(err as Error).message.split('\n')[0]})`);
    }
    // The backup names its paths; it must be exactly the paths recorded, nothing else is touched.
    const named = parseGetfacl(backup).map((b) => b.path);
    if (named.join('\n') !== meta.paths.join('\n')) throw new CertbenchError('bad-input', `backup ${backupId} does not match its record; not restored`);
    // Only the key file and the folders above it, each still the very file that was backed up, and
    // never through a symbolic link swapped in its place (setfacl --restore follows links, -P too).
    const parents = new Set<string>();
    for (let d = path.dirname(meta.file); !parents.has(d); d = path.dirname(d)) parents.add(d);
    for (const p of meta.paths) {
      if (p !== meta.file && !parents.has(p)) throw new CertbenchError('bad-input', `backup ${backupId} names ${p}, which is neither its key file nor a folder above it; not restored`);
      let st: fs.Stats;
      try {
        st = fs.lstatSync(p);
      } catch {
        throw new CertbenchError('not-found', `${p}: no longer exists; backup ${backupId} not restored`);
      }
      if (st.isSymbolicLink()) throw new CertbenchError('bad-input', `${p}: is now a symbolic link; backup ${backupId} not restored (it would change the file the link points to)`);
      const was = meta.inodes?.find((i) => i.path === p);
      // A freed inode number is soon given to the next new file: the birth time tells them apart where the file system keeps one.
      const reborn = was?.birthtimeMs !== undefined && was.birthtimeMs > 0 && st.birthtimeMs > 0 && was.birthtimeMs !== st.birthtimeMs;
      if (was && (was.dev !== st.dev || was.ino !== st.ino || reborn)) throw new CertbenchError('bad-input', `${p}: was replaced by another file since the grant; backup ${backupId} not restored`);
    }
    const privileges = this.privileges(meta.paths);
    if (!privileges.sufficient) throw new CertbenchError('forbidden', `cannot restore backup ${backupId}: ${privileges.detail}`);
    const restored = await this.restore(backupPath, meta.paths);
    if (!restored.ok) throw new CertbenchError('internal', `undo failed: ${restored.problem}`);
    const acls = await readPathAcls(this.runner, meta.file);
    return { backupId, restored: acls.fileAcl, matchesBackup: restored.dump === backup };
  }

  /** Backups on disk, newest first (for an undo list). */
  listBackups(): BackupMeta[] {
    let names: string[] = [];
    try {
      names = fs.readdirSync(this.backupDir);
    } catch {
      return [];
    }
    return names
      .filter((n) => n.endsWith('.json') && BACKUP_ID.test(n.slice(0, -5)))
      .flatMap((n) => {
        try {
          return [BackupMetaSchema.parse(JSON.parse(fs.readFileSync(path.join(this.backupDir, n), 'utf8')))];
        } catch {
          return [];
        }
      })
      .sort((a, b) => b.id.localeCompare(a.id));
  }
}

/** The device and inode of a path (not following a link), recorded with a backup. */
function inodeOf(p: string): { path: string; dev: number; ino: number; birthtimeMs: number } {
  const st = fs.lstatSync(p);
  return { path: p, dev: st.dev, ino: st.ino, birthtimeMs: st.birthtimeMs };
}

/** Write a file and fsync it and its folder (owner-only), so the backup survives a crash mid-grant. */
function writeSynced(dir: string, file: string, text: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const fd = fs.openSync(file, 'wx', 0o600);
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  const dfd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(dfd);
  } finally {
    fs.closeSync(dfd);
  }
}

// The script builders live in shared/fixes/linux-key-grant.ts; re-exported for callers.
export { grantScript, undoScript } from '../../../shared/fixes/linux-key-grant';

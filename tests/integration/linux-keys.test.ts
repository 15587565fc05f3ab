import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecFileRunner } from '../../electron/platform/command-runner';
import { createLinuxPlatform } from '../../electron/platform/linux';
import { LinuxKeyAclWriter } from '../../electron/platform/linux/acl-writer';
import { LinuxIdentityDirectory } from '../../electron/platform/linux/identities';
import { checkAccess, parseGetfacl, subjectOf } from '../../shared/acl/posix';
import type { CommandRunner } from '../../electron/platform/types';
import { withUserFolders } from '../../electron/platform';
import { createServices, type Services } from '../../electron/services/services';
import { systemClock } from '../../electron/services/work';
import { StoreFolders } from '../../electron/services/store-folders';
import { TestAccounts, asUser, getfacl, requireLinuxKeyTools } from '../helpers/linux-system';

/**
 * Key permissions on Linux, for real: a key file made by openssl, service users
 * made by useradd, ACLs changed by setfacl, and the kernel as the judge (`runuser -u USER -- cat`).
 */
const missing = requireLinuxKeyTools();
if (missing && process.env.CI === 'true') throw new Error(missing);

describe.skipIf(missing !== null)('key permissions on real files and users', () => {
  const accounts = new TestAccounts();
  let tmp: string;
  let secretDir: string;
  let keyFile: string;
  let certFile: string;
  let svc: string;
  let bob: string;
  let services: Services;
  let original: string;

  function context(runner: CommandRunner, dataDir: string): Services {
    const folders = new StoreFolders(dataDir);
    const platform = withUserFolders(createLinuxPlatform(runner, { env: { ...process.env, CERTBENCH_DATA_DIR: dataDir }, stores: { bundleFile: null, anchorDirs: [], nssDatabases: [] } }), () => folders.list());
    return createServices({ platform, folders, runner: new ExecFileRunner(), dataDir, clock: systemClock, env: { ...process.env, CERTBENCH_DATA_DIR: dataDir } });
  }

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-keys-'));
    fs.chmodSync(tmp, 0o755);
    // The key sits in a 0700 folder: a service user is blocked twice (folder traversal, then the file).
    secretDir = path.join(tmp, 'secret');
    fs.mkdirSync(secretDir, { mode: 0o700 });
    keyFile = path.join(secretDir, 'app.key');
    certFile = path.join(secretDir, 'app.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyFile, '-out', certFile, '-subj', '/CN=app.contoso.test', '-days', '30'], { stdio: 'pipe' });
    fs.chmodSync(keyFile, 0o600);
    svc = accounts.user();
    bob = accounts.user('certbench-bob');
    services = context(new ExecFileRunner(), path.join(tmp, 'data'));
    original = getfacl(secretDir, keyFile);
  });
  afterAll(() => {
    accounts.cleanup();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('answers "no" for a service user and names the deciding entries; the kernel agrees', async () => {
    expect(asUser(svc, ['cat', keyFile]).status).not.toBe(0);
    const r = await services.keys.checkAccess(keyFile, svc);
    expect(r.identity).toMatchObject({ name: svc, kind: 'service' });
    expect(r.answer.canRead).toBe(false);
    expect(r.answer.decidedBy).toBe(`directory ${secretDir}: denied by "other::---": no user or group entry matches ${svc}, so the other entry decides (traversal is needed to reach the file)`);
    expect(r.steps.at(-1)).toMatchObject({ path: keyFile, need: 'read', answer: { canRead: false, decidedBy: `denied by "other::---": no user or group entry matches ${svc}, so the other entry decides` } });
    expect(r.findings.map((f) => f.id)).toEqual(['key.identity-cannot-read']);
    expect(r.findings[0]!.evidence).toContainEqual({ kind: 'directory acl entry', text: `${secretDir}: denied by "other::---": no user or group entry matches ${svc}, so the other entry decides` });
  });

  it('finds the key of a certificate file by public key (FindPrivateKey), with its ACL', async () => {
    const r = await services.keys.find({ path: certFile }, { progress: () => undefined, signal: new AbortController().signal });
    expect([r.directory, r.fileName]).toEqual([secretDir, 'app.key']);
    expect(r.key).toMatchObject({ status: 'present', providerKind: 'file', path: keyFile });
    expect(r.acl?.mode).toBe('0600');
    expect(r.acl?.entries.map((e) => `${e.principal.name} ${e.rawRights}`)).toEqual(['user:root rw-', 'group:root ---', 'other ---']);
    expect(r.findings).toEqual([]);
  });

  it('dry run: the exact setfacl commands and a script that parses, and nothing changes', async () => {
    const r = await services.keys.grant({ path: keyFile, identity: svc, dryRun: true });
    if (!r.dryRun) throw new Error('expected a plan');
    expect(r.plan.commands).toEqual([
      { file: 'setfacl', args: ['-m', `u:${svc}:x`, secretDir] },
      { file: 'setfacl', args: ['-m', `u:${svc}:r`, keyFile] },
    ]);
    expect(r.plan.summary).toContain(`Let ${svc} traverse ${secretDir} (needed to reach the key)`);
    expect(r.plan.privileges).toEqual({ sufficient: true, detail: 'running as root' });
    for (const script of [r.plan.script.text, r.plan.undoScript.text]) expect(spawnSync('bash', ['-n'], { input: script }).status).toBe(0);
    expect(getfacl(secretDir, keyFile)).toBe(original);
  });

  it('grants with a backup first, the service user then reads the key; undo restores the ACLs byte for byte', async () => {
    const r = await services.keys.grant({ path: keyFile, identity: svc, dryRun: false });
    if (r.dryRun) throw new Error('expected a result');
    const g = r.result;
    expect(g.changed).toBe(true);
    expect(g.verified).toMatchObject({ identity: svc, canRead: true, decidedBy: `allowed by "user:${svc}:r--" (named user entry, within mask::r--)` });
    expect(fs.readFileSync(g.backupPath, 'utf8')).toBe(original);
    expect(fs.statSync(g.backupPath).mode & 0o777).toBe(0o600);
    // The undo script returned with the result restores exactly this backup.
    expect(g.undoScript.text).toContain(g.backupPath);
    expect(g.undoScript.text).toContain('setfacl');
    const read = asUser(svc, ['cat', keyFile]);
    expect(read.status, read.stderr).toBe(0);
    expect(read.stdout).toBe(fs.readFileSync(keyFile, 'utf8'));
    expect(asUser(bob, ['cat', keyFile]).status).not.toBe(0);

    const u = await services.keys.undo(g.backupId);
    expect(u.matchesBackup).toBe(true);
    expect(getfacl(secretDir, keyFile)).toBe(original);
    expect(asUser(svc, ['cat', keyFile]).status).not.toBe(0);
    await expect(services.keys.undo('../../etc/shadow')).rejects.toThrow('is not a backup id');
  });

  it('a grant that fails half way leaves every ACL as it was (the backup is restored)', async () => {
    const real = new ExecFileRunner();
    // The second setfacl (on the key file) fails after the first (on the folder) has succeeded.
    const failing: CommandRunner = {
      run: (file, args, options) =>
        file === 'setfacl' && args[0] === '-m' && args[2] === keyFile
          ? Promise.resolve({ file, args, exitCode: 1, stdout: '', stderr: `setfacl: ${keyFile}: Operation not permitted\n`, durationMs: 1, error: null })
          : real.run(file, args, options),
    };
    const ctx = context(failing, path.join(tmp, 'data-failing'));
    await expect(ctx.keys.grant({ path: keyFile, identity: svc, dryRun: false })).rejects.toThrow(
      new RegExp(`^grant failed: setfacl -m u:${svc}:r ${keyFile} failed: setfacl exited with 1: setfacl: ${keyFile}: Operation not permitted; the ACL was restored from backup \\d{8}T\\d{6}Z-[0-9a-f]{8}$`),
    );
    expect(getfacl(secretDir, keyFile)).toBe(original);
  });

  it('says clearly when this process is neither root nor the owner, and changes nothing', async () => {
    const open = path.join(tmp, 'open');
    fs.mkdirSync(open, { mode: 0o755 });
    const file = path.join(open, 'k.pem');
    fs.copyFileSync(keyFile, file);
    fs.chmodSync(file, 0o600);
    const backups = path.join(tmp, 'data-alice', 'backups');
    const writer = new LinuxKeyAclWriter(new ExecFileRunner(), backups, { uid: 4242, name: 'alice' });
    const identity = await new LinuxIdentityDirectory(new ExecFileRunner()).resolve(svc);
    const plan = await writer.plan(file, identity);
    expect(plan.privileges).toEqual({ sufficient: false, detail: "needs root or the file's owner (you are alice); run the script with sudo" });
    await expect(writer.grant(file, identity)).rejects.toThrow(`cannot grant ${svc} read access to ${file}: needs root or the file's owner (you are alice); run the script with sudo`);
    expect(fs.existsSync(backups)).toBe(false);

    // And for real: the CLI run as an unprivileged user.
    const cli = path.resolve(__dirname, '..', '..', 'bin', 'certbench.cjs');
    if (fs.existsSync(path.resolve(__dirname, '..', '..', 'dist', 'cli.cjs'))) {
      const data = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-bob-'));
      fs.chmodSync(data, 0o777);
      const r = asUser(bob, [process.execPath, cli, 'grant', file, '--identity', svc], { CERTBENCH_DATA_DIR: data, HOME: data });
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(`certbench: cannot grant ${svc} read access to ${file}: needs root or the file's owner (you are ${bob}); run the script with sudo\n`);
      fs.rmSync(data, { recursive: true, force: true });
    }
  });

  it('never widens someone else through the mask, and grants groups', async () => {
    const dir = path.join(tmp, 'shared');
    fs.mkdirSync(dir, { mode: 0o755 });
    const file = path.join(dir, 'k.pem');
    fs.copyFileSync(keyFile, file);
    fs.chmodSync(file, 0o600);
    // bob may write by his entry, but the mask limits him to read.
    execFileSync('setfacl', ['-m', `u:${bob}:rw,m::r`, file]);
    const before = getfacl(file);
    const r = await services.keys.grant({ path: file, identity: svc, dryRun: false });
    if (r.dryRun) throw new Error('expected a result');
    expect(r.result.commands).toEqual([{ file: 'setfacl', args: ['-m', `u:${svc}:r,m::r`, file] }]);
    expect(asUser(svc, ['cat', file]).status).toBe(0);
    expect(asUser(bob, ['test', '-w', file]).status).not.toBe(0);
    expect(parseGetfacl(getfacl(file))[0]!.entries.find((e) => e.tag === 'mask')?.perms).toBe('r--');
    await services.keys.undo(r.result.backupId);
    expect(getfacl(file)).toBe(before);

    const group = accounts.group();
    accounts.addToGroup(svc, group);
    const g = await services.keys.grant({ path: file, identity: `group:${group}`, dryRun: false });
    if (g.dryRun) throw new Error('expected a result');
    // bob's rw- entry is still there: the mask stays r-- explicitly.
    expect(g.result.commands).toEqual([{ file: 'setfacl', args: ['-m', `g:${group}:r,m::r`, file] }]);
    expect(asUser(bob, ['test', '-w', file]).status).not.toBe(0);
    expect(asUser(svc, ['cat', file]).status).toBe(0);
  });

  it('agrees with the kernel on random ACLs (owner, named users, groups, mask, other)', async () => {
    const dir = path.join(tmp, 'random');
    fs.mkdirSync(dir, { mode: 0o755 });
    const file = path.join(dir, 'f');
    fs.writeFileSync(file, 'x');
    const g1 = accounts.group();
    const g2 = accounts.group();
    accounts.addToGroup(svc, g1);
    accounts.addToGroup(bob, g2);
    accounts.addToGroup(bob, g1);
    const ids = new LinuxIdentityDirectory(new ExecFileRunner());
    const identities = [await ids.resolve(svc), await ids.resolve(bob)];
    const perms = fc.constantFrom('---', 'r--', '-w-', 'r-x', 'rw-', 'rwx');
    const named = <T extends string>(names: T[]) => fc.uniqueArray(fc.tuple(fc.constantFrom(...names), perms), { selector: (t) => t[0], maxLength: names.length });
    await fc.assert(
      fc.asyncProperty(
        fc.record({ owner: fc.constantFrom('root', svc, bob), group: fc.constantFrom('root', g1, g2), user: perms, groupObj: perms, other: perms, users: named([svc, bob]), groups: named([g1, g2]), mask: perms }),
        async (a) => {
          execFileSync('chown', [`${a.owner}:${a.group}`, file]);
          const spec = [`u::${a.user}`, `g::${a.groupObj}`, `o::${a.other}`, ...a.users.map(([u, p]) => `u:${u}:${p}`), ...a.groups.map(([g, p]) => `g:${g}:${p}`), ...(a.users.length + a.groups.length ? [`m::${a.mask}`] : [])];
          execFileSync('setfacl', ['--set', spec.join(','), file]);
          const block = parseGetfacl(getfacl(file))[0]!;
          for (const id of identities) {
            const ours = checkAccess(block, subjectOf(id), 'r').canRead;
            const kernel = asUser(id.name, ['test', '-r', file]).status === 0;
            expect(ours, `${id.name} on ${spec.join(',')} owner ${a.owner}:${a.group}`).toBe(kernel);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

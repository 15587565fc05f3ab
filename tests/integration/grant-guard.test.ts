import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecFileRunner } from '../../electron/platform/command-runner';
import { createLinuxPlatform } from '../../electron/platform/linux';
import { withUserFolders } from '../../electron/platform';
import { createServices, type Services } from '../../electron/services/services';
import { systemClock } from '../../electron/services/work';
import { StoreFolders } from '../../electron/services/store-folders';
import { dispatch } from '../../electron/dispatch';
import { createHandlers } from '../../electron/handlers';
import { TestAccounts, getfacl, requireLinuxKeyTools } from '../helpers/linux-system';

/**
 * The web mode and grant: a grant touches only a key file Certbench identified, applies
 * exactly the plan the user reviewed or stops, and its undo never follows a link swapped in.
 */
const missing = requireLinuxKeyTools();
if (missing && process.env.CI === 'true') throw new Error(missing);

describe.skipIf(missing !== null)('the key grant only ever changes the key it reviewed', () => {
  const accounts = new TestAccounts();
  let tmp: string;
  let keyFile: string;
  let certFile: string;
  let svc: string;
  let services: Services;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-grant-guard-'));
    fs.chmodSync(tmp, 0o755);
    keyFile = path.join(tmp, 'app.key');
    certFile = path.join(tmp, 'app.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyFile, '-out', certFile, '-subj', '/CN=app.contoso.test', '-days', '30'], { stdio: 'pipe' });
    fs.chmodSync(keyFile, 0o600);
    svc = accounts.user();
    const dataDir = path.join(tmp, 'data');
    const folders = new StoreFolders(dataDir);
    const runner = new ExecFileRunner();
    const platform = withUserFolders(createLinuxPlatform(runner, { env: { ...process.env, CERTBENCH_DATA_DIR: dataDir }, stores: { bundleFile: null, anchorDirs: [], nssDatabases: [] } }), () => folders.list());
    services = createServices({ platform, folders, runner, dataDir, clock: systemClock, env: { ...process.env, CERTBENCH_DATA_DIR: dataDir } });
  });
  afterAll(() => {
    accounts.cleanup();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('refuses a file that holds no private key, even for a dry run (/etc/shadow was once planned)', async () => {
    const shadowLike = path.join(tmp, 'shadow');
    fs.writeFileSync(shadowLike, 'root:$6$x:19000:0:99999:7:::\n', { mode: 0o640 });
    await expect(services.keys.grant({ path: shadowLike, identity: svc, dryRun: true })).rejects.toThrow(`${shadowLike}: not a certificate or private key file Certbench identified; a grant only ever changes the ACL of a key file`);
    await expect(services.keys.grant({ path: '/etc/passwd', identity: svc, dryRun: true })).rejects.toThrow('/etc/passwd: not a certificate or private key file Certbench identified');
    // Over the contract, as the web mode serves it: the same one-line refusal, no handler side effect.
    const viaApi = await dispatch('keys:grant', { path: '/etc/passwd', identity: svc, dryRun: true }, { mode: 'web', progress: () => undefined, signal: new AbortController().signal }, createHandlers(services));
    expect(viaApi).toMatchObject({ ok: false, error: { code: 'bad-input' } });
  });

  it('plans for a key file, and for a certificate file plans on the key found next to it', async () => {
    const byKey = await services.keys.grant({ path: keyFile, identity: svc, dryRun: true });
    const byCert = await services.keys.grant({ path: certFile, identity: svc, dryRun: true });
    if (!byKey.dryRun || !byCert.dryRun) throw new Error('expected plans');
    expect(byCert.plan.path).toBe(keyFile);
    expect(byKey.plan.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('over the contract, applies only with the digest of the reviewed plan, and stops when the ACL changed since', async () => {
    const web = { mode: 'web' as const, progress: () => undefined, signal: new AbortController().signal };
    const before = getfacl(keyFile);
    const noDigest = await dispatch('keys:grant', { path: keyFile, identity: svc, dryRun: false }, web, createHandlers(services));
    expect(noDigest).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    const plan = await services.keys.grant({ path: keyFile, identity: svc, dryRun: true });
    if (!plan.dryRun) throw new Error('expected a plan');
    // Someone changes the ACL between the review and Apply.
    execFileSync('setfacl', ['-m', 'u:nobody:r', keyFile]);
    await expect(services.keys.grant({ path: keyFile, identity: svc, dryRun: false, planDigest: plan.plan.digest })).rejects.toThrow(`${keyFile}: the key file or its ACL changed since the dry run; nothing was changed: review the new plan`);
    expect(getfacl(keyFile)).not.toContain(`user:${svc}:`);
    execFileSync('setfacl', ['-b', keyFile]);
    fs.chmodSync(keyFile, 0o600);
    expect(getfacl(keyFile)).toBe(before);
    const again = await services.keys.grant({ path: keyFile, identity: svc, dryRun: true });
    if (!again.dryRun) throw new Error('expected a plan');
    const applied = await services.keys.grant({ path: keyFile, identity: svc, dryRun: false, planDigest: again.plan.digest });
    if (applied.dryRun) throw new Error('expected a result');
    expect(getfacl(keyFile)).toContain(`user:${svc}:r--`);
    await services.keys.undo(applied.result.backupId);
    expect(getfacl(keyFile)).toBe(before);
  });

  it('undo never follows a symbolic link swapped in place of the key, and restores only the file it backed up', async () => {
    const victim = path.join(tmp, 'victim.txt');
    fs.writeFileSync(victim, 'not a key\n', { mode: 0o600 });
    const victimAcl = getfacl(victim);
    const key2 = path.join(tmp, 'second.key');
    fs.copyFileSync(keyFile, key2);
    fs.chmodSync(key2, 0o600);
    const r = await services.keys.grant({ path: key2, identity: svc, dryRun: false });
    if (r.dryRun) throw new Error('expected a result');
    fs.rmSync(key2);
    fs.symlinkSync(victim, key2);
    await expect(services.keys.undo(r.result.backupId)).rejects.toThrow(`${key2}: is now a symbolic link; backup ${r.result.backupId} not restored`);
    expect(getfacl(victim)).toBe(victimAcl);
    // Another file in its place (same name, new inode) is not restored either.
    fs.rmSync(key2);
    fs.copyFileSync(keyFile, key2);
    await expect(services.keys.undo(r.result.backupId)).rejects.toThrow(`${key2}: was replaced by another file since the grant`);
  });
});

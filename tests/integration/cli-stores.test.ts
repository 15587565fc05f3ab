import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecFileRunner } from '../../electron/platform/command-runner';
import { readFolderStores } from '../../electron/platform/folder-store';
import { readNssDatabase } from '../../electron/platform/linux/nss';
import { standardPki, type Issued } from '../helpers/openssl-pki';
import { requireBuiltCli, runCli } from '../helpers/run-cli';
import { TestAccounts, asUser, getfacl, requireLinuxKeyTools } from '../helpers/linux-system';

/**
 * Stores on Linux, for real: a folder of PEM/PFX/key files, an NSS database made with
 * certutil and pk12util, and the `stores`, `key` and `grant` commands end to end with --json.
 */
const missing = requireLinuxKeyTools();
if (missing && process.env.CI === 'true') throw new Error(missing);

describe.skipIf(missing !== null)('stores, key and grant on a real folder and NSS database', () => {
  const accounts = new TestAccounts();
  let s: ReturnType<typeof standardPki>;
  let tmp: string;
  let folder: string;
  let home: string;
  let nssdb: string;
  let anchors: string;
  let renewed: Issued;
  let env: Record<string, string>;
  let svc: string;

  beforeAll(() => {
    requireBuiltCli();
    s = standardPki();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-stores-'));
    folder = path.join(tmp, 'certs');
    fs.mkdirSync(folder);
    fs.copyFileSync(s.client.pemPath, path.join(folder, 'client.pem'));
    fs.copyFileSync(s.client.keyPath, path.join(folder, 'client.key'));
    fs.chmodSync(path.join(folder, 'client.key'), 0o600);
    fs.copyFileSync(s.intermediate.pemPath, path.join(folder, 'issuing-ca.crt'));
    // A renewal that kept the key: one key file serves two certificates.
    renewed = s.pki.issue('client-renewed', { subject: '/CN=alice', issuer: s.intermediate, reuseKeyOf: s.client, extensions: ['extendedKeyUsage = clientAuth'] });
    fs.copyFileSync(renewed.pemPath, path.join(folder, 'client-renewed.pem'));
    execFileSync('openssl', ['pkcs12', '-export', '-in', s.serverOnly.pemPath, '-inkey', s.serverOnly.keyPath, '-passout', 'pass:', '-out', path.join(folder, 'server.pfx')], { stdio: 'pipe' });
    fs.chmodSync(path.join(folder, 'server.pfx'), 0o600);
    execFileSync('openssl', ['pkcs12', '-export', '-in', s.expired.pemPath, '-inkey', s.expired.keyPath, '-passout', 'pass:secret', '-out', path.join(folder, 'locked.pfx')], { stdio: 'pipe' });
    fs.writeFileSync(path.join(folder, 'README.txt'), 'not a certificate\n');

    home = path.join(tmp, 'home');
    nssdb = path.join(home, '.pki', 'nssdb');
    fs.mkdirSync(nssdb, { recursive: true });
    execFileSync('certutil', ['-N', '-d', `sql:${nssdb}`, '--empty-password'], { stdio: 'pipe' });
    execFileSync('certutil', ['-A', '-d', `sql:${nssdb}`, '-n', 'Certbench Test Root', '-t', 'CT,C,C', '-i', s.root.pemPath], { stdio: 'pipe' });
    const p12 = path.join(tmp, 'alice.p12');
    execFileSync('openssl', ['pkcs12', '-export', '-in', s.client.pemPath, '-inkey', s.client.keyPath, '-passout', 'pass:', '-name', 'alice (client)', '-out', p12], { stdio: 'pipe' });
    execFileSync('pk12util', ['-i', p12, '-d', `sql:${nssdb}`, '-W', ''], { stdio: 'pipe' });

    // An anchor folder holding an intermediate: a trusted anchor that is not a root (KB 2802568's trap).
    anchors = path.join(tmp, 'anchors');
    fs.mkdirSync(anchors);
    fs.copyFileSync(s.intermediate.pemPath, path.join(anchors, 'issuing-ca.crt'));

    env = { HOME: home, CERTBENCH_DATA_DIR: path.join(tmp, 'data'), CERTBENCH_SYSTEM_TRUST: s.root.pemPath, CERTBENCH_ANCHOR_DIRS: anchors };
    svc = accounts.user();
  });
  afterAll(() => {
    accounts.cleanup();
    s.pki.cleanup();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const facts = () => ({ client: s.pki.facts(s.client.pemPath).sha1, server: s.pki.facts(s.serverOnly.pemPath).sha1, root: s.pki.facts(s.root.pemPath).sha1 });

  it('a folder lists its certificates with keys matched by public key (key file, PFX, one key for two certificates), notes a locked PFX, ignores the rest', async () => {
    const progress: [number, number | null, string][] = [];
    const r = await readFolderStores([{ path: folder, kind: 'folder', trusted: false, label: 'test folder' }], { at: new Date(), progress: (...p) => progress.push(p) });
    const f = facts();
    // Progress per file (7 files), ending with done = total.
    expect(progress[0]).toEqual([0, 7, `test folder: ${path.join(folder, 'README.txt')}`]);
    expect(progress.at(-1)).toEqual([7, 7, 'test folder: done']);
    expect(r.stores).toHaveLength(1);
    expect(r.stores[0]).toMatchObject({ id: `folder:${folder}`, role: 'other', trusted: false, certificateCount: 4 });
    expect(r.stores[0]!.error).toBe(`${path.join(folder, 'locked.pfx')}: password-protected, not read (open it in the certificate view with its password)`);
    const byThumb = new Map(r.certificates.map((c) => [c.summary.thumbprintSha1, c]));
    expect(byThumb.get(f.client)?.key).toMatchObject({ status: 'present', providerKind: 'file', path: path.join(folder, 'client.key') });
    expect(byThumb.get(f.client)?.file).toBe(path.join(folder, 'client.pem'));
    expect(byThumb.get(s.pki.facts(renewed.pemPath).sha1)?.key).toMatchObject({ status: 'present', path: path.join(folder, 'client.key') });
    expect(byThumb.get(f.server)?.key).toMatchObject({ status: 'present', providerKind: 'file', path: path.join(folder, 'server.pfx'), detail: 'the private key is in the same file' });
    expect([...byThumb.values()].find((c) => c.summary.subject.commonName === 'Certbench Test Issuing CA')?.key.status).toBe('none');
  });

  it('an NSS database lists its trusted root with its trust flags and the user certificate with its key', async () => {
    const r = await readNssDatabase(new ExecFileRunner(), { dir: nssdb, label: 'NSS database' }, new Date());
    expect(r.stores.map((x) => [x.role, x.trusted, x.certificateCount, x.error])).toEqual([
      ['root', true, 1, null],
      ['personal', false, 1, null],
    ]);
    const f = facts();
    const root = r.certificates.find((c) => c.summary.thumbprintSha1 === f.root);
    expect(root).toMatchObject({ storeId: `nss:${nssdb}#root`, friendlyName: 'Certbench Test Root', trustFlags: 'CT,C,C', key: { status: 'none' } });
    const alice = r.certificates.find((c) => c.summary.thumbprintSha1 === f.client);
    expect(alice).toMatchObject({ storeId: `nss:${nssdb}#personal`, friendlyName: 'alice (client)', trustFlags: 'u,u,u' });
    expect(alice?.key).toMatchObject({ status: 'present', providerKind: 'nss', provider: 'NSS Certificate DB', path: path.join(nssdb, 'key4.db') });
  });

  it('certbench stores --add-folder --json: bundle, NSS and the folder in one listing; the folder is remembered', () => {
    const r = runCli(['stores', '--add-folder', folder, '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.stores.map((x: { id: string }) => x.id)).toEqual([`bundle:${s.root.pemPath}`, `anchor:${anchors}`, `nss:${nssdb}#root`, `nss:${nssdb}#personal`, `folder:${folder}`]);
    expect(doc.folders).toEqual([{ path: folder, trusted: false, addedAt: expect.any(String) }]);
    const f = facts();
    const client = doc.certificates.filter((c: { summary: { thumbprintSha1: string } }) => c.summary.thumbprintSha1 === f.client);
    expect(client.map((c: { storeId: string; key: { path: string } }) => [c.storeId, c.key.path])).toEqual([
      [`nss:${nssdb}#personal`, path.join(nssdb, 'key4.db')],
      [`folder:${folder}`, path.join(folder, 'client.key')],
    ]);
    // The intermediate among the anchors: a warning on Linux (an error in a Windows Root store).
    expect(doc.findings.map((x: { id: string; severity: string }) => [x.id, x.severity])).toEqual([['store.non-self-signed-in-root', 'warning']]);
    expect(doc.findings[0].evidence[0].text).toContain(`CN=Certbench Test Issuing CA,O=Certbench Test,C=US`);
    // Listed again without --add-folder: the folder stays.
    const again = JSON.parse(runCli(['stores', '--json'], { env }).stdout);
    expect(again.stores.at(-1).id).toBe(`folder:${folder}`);
  });

  it('certbench stores filters (table and JSON), and refuses an unknown filter in one line', () => {
    const table = runCli(['stores', '--filter', 'has-key'], { env });
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^STORE +SUBJECT +EXPIRES +THUMBPRINT +KEY$/);
    expect(lines.filter((l) => / yes$/.test(l))).toHaveLength(4);
    expect(table.stdout).toContain('4 of 8 certificate(s) in 5 store(s)');
    const anchorsOnly = JSON.parse(runCli(['stores', '--json', '--filter', 'non-self-signed-root'], { env }).stdout);
    expect(anchorsOnly.certificates.map((c: { storeId: string }) => c.storeId)).toEqual([`anchor:${anchors}`]);
    const issuer = JSON.parse(runCli(['stores', '--json', '--filter', 'client-auth', '--issuer', 'issuing ca'], { env }).stdout);
    expect(issuer.certificates.map((c: { summary: { subject: { commonName: string } } }) => c.summary.subject.commonName)).toEqual(['alice', 'alice', 'alice']);
    const bad = runCli(['stores', '--filter', 'bogus'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('certbench: --filter: "bogus" is not one of has-key, client-auth, expired, non-self-signed-root\n');
  });

  it('certbench key THUMBPRINT prints the key directory and file like FindPrivateKey, then the ACL', () => {
    const f = facts();
    const r = runCli(['key', f.server], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Private key directory:\n${folder}\nPrivate key file name:\nserver.pfx\n`);
    expect(r.stdout).toMatch(/ACL of .*server\.pfx \(owner root, group root, mode 0600\)\n {2}PRINCIPAL +KIND +TYPE +RIGHTS +INHERITED +FLAGS\n {2}user:root +owner +allow +rw- +no/);
    const nss = JSON.parse(runCli(['key', f.client.toLowerCase().replace(/(..)/g, '$1 ').trim(), '--json'], { env }).stdout);
    expect([nss.directory, nss.fileName, nss.key.providerKind]).toEqual([nssdb, 'key4.db', 'nss']);
  });

  it('certbench key FILE --identity: exit 1 with key.identity-cannot-read; grant, then exit 0; undo restores exactly', () => {
    const keyFile = path.join(folder, 'client.key');
    const original = getfacl(...ancestors(keyFile), keyFile);
    const check = runCli(['key', path.join(folder, 'client.pem'), '--identity', svc, '--json'], { env });
    expect(check.code, check.stderr).toBe(1);
    const doc = JSON.parse(check.stdout);
    expect([doc.directory, doc.fileName]).toEqual([folder, 'client.key']);
    expect(doc.access.answer.canRead).toBe(false);
    expect(doc.findings.map((x: { id: string }) => x.id)).toEqual(['key.identity-cannot-read']);

    const dry = runCli(['grant', path.join(folder, 'client.pem'), '--identity', svc, '--dry-run', '--json'], { env });
    expect(dry.code, dry.stderr).toBe(0);
    const plan = JSON.parse(dry.stdout).plan;
    expect(plan.commands.at(-1)).toEqual({ file: 'setfacl', args: ['-m', `u:${svc}:r`, keyFile] });
    expect(getfacl(...ancestors(keyFile), keyFile)).toBe(original);

    const granted = runCli(['grant', path.join(folder, 'client.pem'), '--identity', svc, '--json'], { env });
    expect(granted.code, granted.stderr).toBe(0);
    const result = JSON.parse(granted.stdout).result;
    expect(result.verified.canRead).toBe(true);
    expect(asUser(svc, ['cat', keyFile]).status).toBe(0);
    expect(runCli(['key', keyFile, '--identity', svc], { env }).code).toBe(0);

    const undo = runCli(['grant', '--undo', result.backupId, '--json'], { env });
    expect(undo.code, undo.stderr).toBe(0);
    expect(JSON.parse(undo.stdout).matchesBackup).toBe(true);
    expect(getfacl(...ancestors(keyFile), keyFile)).toBe(original);
    expect(asUser(svc, ['cat', keyFile]).status).not.toBe(0);
  });

  it('bad usage exits 2 with one line', () => {
    const noIdentity = runCli(['grant', path.join(folder, 'client.pem')], { env });
    expect([noIdentity.code, noIdentity.stderr]).toEqual([2, 'certbench: --identity is required (the account that must read the key)\n']);
    const badId = runCli(['grant', '--undo', '../../etc/shadow'], { env });
    expect([badId.code, badId.stderr]).toEqual([2, 'certbench: "../../etc/shadow" is not a backup id (like 20260131T120000Z-1a2b3c4d)\n']);
    const nothing = runCli(['key', 'no-such-file-or-thumbprint'], { env });
    expect([nothing.code, nothing.stderr]).toEqual([2, 'certbench: no-such-file-or-thumbprint: no such file, and not a thumbprint (40 hex digits)\n']);
    const unknownUser = runCli(['key', path.join(folder, 'client.key'), '--identity', 'certbench-nobody-here'], { env });
    expect([unknownUser.code, unknownUser.stderr]).toEqual([2, 'certbench: identity: no user "certbench-nobody-here" on this machine (getent passwd); for a group write group:NAME\n']);
  });
});

/** The directories whose ACLs a grant may change: every parent of the file. */
function ancestors(file: string): string[] {
  const out: string[] = [];
  for (let d = path.dirname(file); ; d = path.dirname(d)) {
    out.unshift(d);
    if (path.dirname(d) === d) break;
  }
  return out;
}

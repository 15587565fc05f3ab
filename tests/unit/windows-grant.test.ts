import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getAclScript } from '../../electron/platform/windows/acl';
import { checkPrincipalName, daclOf, elevatedLauncherScript, grantScript, undoScript, WindowsAclWriter, type BackupStore } from '../../electron/platform/windows/grant';
import { appPoolIdentity, resolveAccountScript } from '../../electron/platform/windows/identities';
import { windowsAclReader } from '../../electron/platform/windows';
import { POWERSHELL } from '../../electron/platform/windows/powershell';
import { CertbenchError } from '../../shared/errors';
import { FakeRunner } from '../helpers/fake-runner';
import { fixture } from '../fixtures/windows/load';
import { lexPowerShell } from '../helpers/script-lexers';

const HOSTILE = [
  "'",
  '"',
  '$(Remove-Item C:\\ -Recurse)',
  '`',
  '`n',
  ';',
  '&',
  '|',
  '\n',
  '\r\n',
  '#',
  '<#',
  '@\'',
  "'@",
  '${env:PATH}',
  '\u2018',
  '\u2019',
  '\u201A',
  '\u201B',
  '\u201C',
  '\u201D',
  '\u201E',
  'IIS AppPool\\Shop\'s "Pool"',
  'Ünïcödé ✓ 日本',
  '\u{1F510}',
  ' ',
  '\\',
  ':R',
];
const hostile = fc
  .array(fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: 'binary', maxLength: 6 })), { minLength: 1, maxLength: 6 })
  .map((parts) => parts.join('').replace(/\0/g, ''))
  .filter((s) => s.length > 0);

function expectQuoted(script: string, benign: string, values: string[]) {
  const lexed = lexPowerShell(script);
  // 1. No expandable (double-quoted) string at all: data can be in none.
  expect(lexed.expandable).toEqual([]);
  // 2. The script's structure does not depend on the data: every value stayed inside its string.
  expect(lexed.skeleton).toBe(lexPowerShell(benign).skeleton);
  // 3. Each value comes back exactly from a verbatim string.
  for (const v of values) expect(lexed.literals).toContain(v);
}

describe('generated PowerShell quotes every value (property tests, hostile names)', () => {
  it('the grant script', () => {
    fc.assert(
      fc.property(hostile, hostile, hostile, fc.boolean(), (keyPath, identity, backupFile, withResult) => {
        const input = { keyPath, identity, backupFile, resultFile: withResult ? `${backupFile}.json` : null };
        const script = grantScript(input);
        const benign = grantScript({ keyPath: 'a', identity: 'b', backupFile: 'c', resultFile: withResult ? 'd' : null });
        expectQuoted(script, benign, [keyPath, identity, backupFile, `${identity}:R`]);
      }),
      { numRuns: 400 },
    );
  });

  it('the undo script, the elevated launcher, Get-Acl and the account lookup', () => {
    fc.assert(
      fc.property(hostile, hostile, (a, b) => {
        const undo = undoScript({ keyPath: `C:\\k\\${a}`, backupFile: b, resultFile: b, keyCreatedUtc: a });
        expectQuoted(undo, undoScript({ keyPath: 'C:\\k\\x', backupFile: 'y', resultFile: 'y', keyCreatedUtc: 'z' }), [`C:\\k\\${a}`, b, a]);
        expectQuoted(elevatedLauncherScript(a, b), elevatedLauncherScript('x', 'y'), [a, b]);
        expectQuoted(getAclScript(a), getAclScript('x'), [a]);
        expectQuoted(resolveAccountScript(b), resolveAccountScript('y'), [b]);
      }),
      { numRuns: 300 },
    );
  });

  it("the brief's example: IIS AppPool\\Shop's \"Pool\" as one single-quoted argument with ' doubled", () => {
    const script = grantScript({ keyPath: 'C:\\k', identity: 'IIS AppPool\\Shop\'s "Pool"', backupFile: 'C:\\b', resultFile: null });
    expect(script).toContain("$Identity = 'IIS AppPool\\Shop''s \"Pool\"'");
    expect(script).toContain("icacls $KeyPath /grant 'IIS AppPool\\Shop''s \"Pool\":R'");
    expect(script).not.toMatch(/\/grant "[^"]*":R/);
  });
});

describe('grant and undo scripts', () => {
  const g = grantScript({
    keyPath: 'C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys\\8e5a_55a4',
    identity: 'IIS APPPOOL\\Shop',
    backupFile: 'C:\\Users\\helpdesk\\AppData\\Local\\Certbench\\acl-backups\\x.icacls',
    resultFile: null,
  });
  it('header, backup before the change, the grant, verification, in that order', () => {
    expect(g.startsWith('# Certbench: grant read access to a private key file\n#\n# What:')).toBe(true);
    const save = g.indexOf('icacls $KeyPath /save $BackupFile');
    const grant = g.indexOf("icacls $KeyPath /grant 'IIS APPPOOL\\Shop:R'");
    const verify = g.indexOf('$acl = Get-Acl -LiteralPath $KeyPath');
    expect(save).toBeGreaterThan(0);
    expect(grant).toBeGreaterThan(save);
    expect(verify).toBeGreaterThan(grant);
    expect(g).toContain("if ($LASTEXITCODE -ne 0) { throw ('icacls /save failed");
    expect(g).toContain('Translate([Security.Principal.SecurityIdentifier])');
    expect(g.trimEnd().endsWith('$json')).toBe(true);
  });
  it('with nothing to change: backup and verify only', () => {
    const only = grantScript({ keyPath: 'C:\\k', identity: 'X\\y', backupFile: 'C:\\b', resultFile: null, grant: false });
    expect(only).toContain('/save');
    expect(only).not.toContain('/grant');
  });
  it('undo restores on the folder, not the file', () => {
    const u = undoScript({ keyPath: 'C:\\ProgramData\\Microsoft\\Crypto\\Keys\\abc', backupFile: 'C:\\b\\x.icacls', resultFile: null });
    expect(u).toContain("$KeyFolder = 'C:\\ProgramData\\Microsoft\\Crypto\\Keys'");
    expect(u).toContain('icacls $KeyFolder /restore $BackupFile');
    expect(u).toContain('Get-Content -LiteralPath $BackupFile -Encoding Unicode');
  });
  it('the launcher elevates with Start-Process -Verb RunAs -Wait and reads the result file back', () => {
    const l = elevatedLauncherScript('C:\\Users\\O\'Brien\\x.ps1', 'C:\\r.json');
    expect(l).toContain("$ScriptFile = 'C:\\Users\\O''Brien\\x.ps1'");
    expect(l).toMatch(/Start-Process -FilePath 'powershell.exe' -Verb RunAs -Wait -PassThru/);
    expect(l).toContain('Get-Content -LiteralPath $ResultFile -Raw -Encoding UTF8 | ConvertFrom-Json');
  });
  // Real PowerShell parses these scripts (and hostile variants) in tests/integration/powershell-scripts.test.ts.
});

describe('principal names', () => {
  it('refuses what cannot be a Windows account, accepts apostrophes and SIDs', () => {
    expect(() => checkPrincipalName('IIS APPPOOL\\Shop\'s Pool')).not.toThrow();
    expect(() => checkPrincipalName('*S-1-5-82-1-2-3-4-5')).not.toThrow();
    expect(() => checkPrincipalName('IIS AppPool\\Shop\'s "Pool"')).toThrow('not a Windows account name: "IIS AppPool\\\\Shop\'s \\"Pool\\"" (contains "\\"")');
    expect(() => checkPrincipalName('a\nb')).toThrow(/contains "\\n"/);
    expect(() => checkPrincipalName('x:R')).toThrow(/contains ":"/);
    expect(() => checkPrincipalName(' ')).toThrow('not a Windows account name');
  });
  it('compares DACLs of SDDL strings', () => {
    expect(daclOf('O:SYG:SYD:PAI(A;;FA;;;SY)')).toBe('D:PAI(A;;FA;;;SY)');
    expect(daclOf('D:PAI(A;;FA;;;SY)S:AI(AU;SA;FA;;;WD)')).toBe('D:PAI(A;;FA;;;SY)');
    expect(daclOf('O:SY')).toBe('');
  });
});

// ---------------------------------------------------------------------------------------------
// The writer through a fake runner
// ---------------------------------------------------------------------------------------------

const decode = (args: string[]) => (args[4] === '-EncodedCommand' ? Buffer.from(args[5] ?? '', 'base64').toString('utf16le') : '');
const isGetAcl = (args: string[]) => decode(args).includes('$acl = Get-Acl -LiteralPath $path');
const isElevationCheck = (args: string[]) => decode(args).includes('WindowsBuiltInRole]::Administrator');
const isLauncher = (args: string[]) => decode(args).includes('-Verb RunAs');
const isGrant = (args: string[]) => decode(args).startsWith('# Certbench: grant read access');

const before = JSON.parse(fixture('get-acl-machinekey.json')) as { Path: string; Sddl: string; Access: unknown[] };
const KEY = before.Path;
const reports = appPoolIdentity('Reports', 'test');
const afterDoc = {
  ...before,
  Sddl: `${before.Sddl}(A;;0x120089;;;${reports.sid})`,
  Access: [...before.Access, { IdentityReference: 'IIS APPPOOL\\Reports', Sid: reports.sid, FileSystemRights: 'Read, Synchronize', FileSystemRightsValue: 1179785, AccessControlType: 'Allow', IsInherited: false, InheritanceFlags: 'None', PropagationFlags: 'None' }],
};

function memoryBackups(): BackupStore & { files: Map<string, string> } {
  const files = new Map<string, string>();
  return { dir: 'C:\\Users\\helpdesk\\AppData\\Local\\Certbench\\acl-backups', files, write: (f, t) => void files.set(f, t), read: (f) => files.get(f) ?? null };
}

function writer(runner: FakeRunner, backups = memoryBackups()) {
  return { backups, w: new WindowsAclWriter(runner, windowsAclReader(runner), { backups, newId: () => '2026-11-23T12-00-00-000Z-0a1b2c3d', now: () => new Date('2026-11-23T12:00:00Z') }) };
}

describe('WindowsAclWriter', () => {
  it('plan: the exact commands, scripts, privileges, the change and the access step', async () => {
    const runner = new FakeRunner().on(POWERSHELL, isGetAcl, { stdout: JSON.stringify(before) }).on(POWERSHELL, isElevationCheck, { stdout: '{"elevated":false,"user":"CONTOSO\\\\helpdesk"}' });
    const { w } = writer(runner);
    const plan = await w.plan(KEY, reports);
    const backup = 'C:\\Users\\helpdesk\\AppData\\Local\\Certbench\\acl-backups\\2026-11-23T12-00-00-000Z-0a1b2c3d.icacls';
    expect(plan.commands).toEqual([
      { file: 'icacls.exe', args: [KEY, '/save', backup] },
      { file: 'icacls.exe', args: [KEY, '/grant', 'IIS APPPOOL\\Reports:R'] },
    ]);
    expect(plan.alreadyAllowed).toBe(false);
    expect(plan.summary).toBe(`Grant IIS APPPOOL\\Reports read access (R) to ${KEY}, after saving its ACL to ${backup}.`);
    expect(plan.script.language).toBe('powershell');
    expect(plan.script.text).toContain("icacls $KeyPath /grant 'IIS APPPOOL\\Reports:R'");
    expect(plan.undoScript.text).toContain('icacls $KeyFolder /restore $BackupFile');
    expect(plan.privileges).toEqual({ sufficient: false, detail: 'Not elevated: applying asks for administrator approval (UAC) and runs the script in an elevated PowerShell.' });
    expect(plan.changes).toEqual([
      { path: KEY, before: '(no explicit entry for IIS APPPOOL\\Reports)', after: '"IIS APPPOOL\\Reports:(R)"', why: 'no entry allows IIS APPPOOL\\Reports or its groups to read (Windows refuses what no entry grants)' },
    ]);
    expect(plan.access).toHaveLength(1);
    expect(plan.access[0]).toMatchObject({ path: KEY, need: 'read', answer: { canRead: false } });
  });

  it('plan: already allowed, or blocked by a deny entry', async () => {
    const runner = new FakeRunner().on(POWERSHELL, isGetAcl, { stdout: JSON.stringify(before) }).on(POWERSHELL, isElevationCheck, { stdout: '{"elevated":true,"user":"CONTOSO\\\\admin"}' });
    const { w } = writer(runner);
    const shop = await w.plan(KEY, appPoolIdentity('Shop', 't'));
    expect(shop).toMatchObject({ alreadyAllowed: true, changes: [], privileges: { sufficient: true } });
    expect(shop.commands.map((c) => c.args[1])).toEqual(['/save']);
    const legacy = await w.plan(KEY, appPoolIdentity('Legacy', 't'));
    expect(legacy.summary).toMatch(/^IIS APPPOOL\\Legacy is denied by .*a grant cannot override a deny entry, remove it first\.$/);
    await expect(w.grant(KEY, appPoolIdentity('Legacy', 't'))).rejects.toThrow(/a grant cannot override a deny entry; remove it first \(nothing was changed\)$/);
  });

  it('grant when not elevated: script file with a BOM, UAC launcher, result read back, ACL re-read and verified', async () => {
    const outcome = { ok: true, step: 'verify', changed: true, verified: true, backupFile: 'x', before: before.Sddl, after: afterDoc.Sddl, keyCreatedUtc: '2025-03-04T05:06:07.1234567Z', error: null };
    const runner = new FakeRunner()
      .on(POWERSHELL, isGetAcl, { stdout: JSON.stringify(before) }, { times: 1 })
      .on(POWERSHELL, isGetAcl, { stdout: JSON.stringify(afterDoc) }, { times: 1 })
      .on(POWERSHELL, isElevationCheck, { stdout: '{"elevated":false,"user":"CONTOSO\\\\helpdesk"}' })
      .on(POWERSHELL, isLauncher, { stdout: JSON.stringify(outcome) });
    const { w, backups } = writer(runner);
    const result = await w.grant(KEY, reports);
    expect(result.backupId).toBe('2026-11-23T12-00-00-000Z-0a1b2c3d');
    expect(result.backupPath).toMatch(/acl-backups\\2026-11-23T12-00-00-000Z-0a1b2c3d\.icacls$/);
    expect(result.undoScript.text).toContain('/restore');
    expect(result.undoScript.text).toContain(result.backupPath.replace(/'/g, "''"));
    expect(result.changed).toBe(true);
    expect(result.verified).toMatchObject({ canRead: true, decidedBy: 'allowed by "IIS APPPOOL\\Reports Allow Read, Synchronize" (the identity itself)' });
    expect(result.before.entries).toHaveLength(6);
    expect(result.after.entries).toHaveLength(7);
    const scriptFile = [...backups.files.keys()].find((f) => f.endsWith('.ps1'))!;
    expect(backups.files.get(scriptFile)!.startsWith('\uFEFF# Certbench: grant read access')).toBe(true);
    expect(backups.files.get(scriptFile)).toContain("$ResultFile = 'C:\\Users\\helpdesk\\AppData\\Local\\Certbench\\acl-backups\\2026-11-23T12-00-00-000Z-0a1b2c3d.result.json'");
    const launcher = decode(runner.calls.find((c) => isLauncher(c.args))!.args);
    expect(launcher).toContain(`$ScriptFile = '${scriptFile}'`);
    const record = JSON.parse(backups.files.get(scriptFile.replace(/\.ps1$/, '.json'))!);
    // The key file's creation time the script read: the undo (the one shown and the one run later) restores only onto that file.
    expect(record).toMatchObject({ keyPath: KEY, identity: 'IIS APPPOOL\\Reports', keyCreatedUtc: '2025-03-04T05:06:07.1234567Z' });
    expect(result.undoScript.text).toContain("$KeyCreatedUtc = '2025-03-04T05:06:07.1234567Z'");
    expect(runner.unmatched).toEqual([]);
  });

  it('grant when elevated runs the script itself; a failed backup is one line saying nothing changed', async () => {
    const runner = new FakeRunner()
      .on(POWERSHELL, isGetAcl, { stdout: JSON.stringify(before) })
      .on(POWERSHELL, isElevationCheck, { stdout: '{"elevated":true,"user":"CONTOSO\\\\admin"}' })
      .on(POWERSHELL, isGrant, {
        stdout: JSON.stringify({ ok: false, step: 'backup', changed: false, verified: false, backupFile: 'x', before: before.Sddl, after: null, error: 'icacls /save failed with exit code 5: Access is denied.; nothing was changed' }),
      });
    const { w } = writer(runner);
    const err = await w.grant(KEY, reports).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CertbenchError);
    expect((err as Error).message).toBe(`grant read access to ${KEY} failed at backup: icacls /save failed with exit code 5: Access is denied.; nothing was changed`);
    expect(runner.calls.some((c) => isLauncher(c.args))).toBe(false);
  });

  it('a declined UAC prompt is a clear refusal', async () => {
    const runner = new FakeRunner()
      .on(POWERSHELL, isGetAcl, { stdout: JSON.stringify(before) })
      .on(POWERSHELL, isElevationCheck, { stdout: '{"elevated":false,"user":"u"}' })
      .on(POWERSHELL, isLauncher, { stdout: '{"error":"This command cannot be run due to the error: The operation was canceled by the user."}' });
    const { w } = writer(runner);
    await expect(w.grant(KEY, reports)).rejects.toMatchObject({ code: 'forbidden', message: 'grant read access: administrator approval (UAC) was declined; nothing was changed' });
  });

  it('undo restores the backup and compares the DACL with the saved one', async () => {
    const runner = new FakeRunner()
      .on(POWERSHELL, isGetAcl, { stdout: JSON.stringify(before) })
      .on(POWERSHELL, isElevationCheck, { stdout: '{"elevated":false,"user":"u"}' })
      .on(POWERSHELL, isLauncher, { stdout: JSON.stringify({ ok: true, step: 'verify', backupSddl: 'D:PAI' + before.Sddl.split('D:PAI')[1], restoredSddl: before.Sddl, error: null }) });
    const { w, backups } = writer(runner);
    const id = '2026-11-23T12-00-00-000Z-0a1b2c3d';
    backups.write(`${backups.dir}\\${id}.json`, JSON.stringify({ id, keyPath: KEY, identity: 'IIS APPPOOL\\Reports', backupFile: `${backups.dir}\\${id}.icacls`, createdAt: 'x', keyCreatedUtc: '2025-03-04T05:06:07.1234567Z' }));
    const undone = await w.undo(id);
    expect(undone).toMatchObject({ backupId: id, matchesBackup: true });
    expect(undone.restored.entries).toHaveLength(6);
    const script = backups.files.get(`${backups.dir}\\${id}.undo.ps1`)!;
    expect(script).toContain('icacls $KeyFolder /restore $BackupFile');
    expect(script).toContain("$KeyFolder = 'C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys'");
    expect(script).toContain("$KeyCreatedUtc = '2025-03-04T05:06:07.1234567Z'");
    await expect(w.undo('no-such-backup')).rejects.toMatchObject({ code: 'not-found' });
    await expect(w.undo('../../etc/passwd')).rejects.toMatchObject({ code: 'bad-input' });
  });
});

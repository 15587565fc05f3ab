import { describe, expect, it } from 'vitest';
import {
  aclFromGetAcl,
  aclFromIcacls,
  appPoolSid,
  canReadNtfs,
  fileSystemRightsMask,
  GetAclSchema,
  parseIcacls,
  parseIcaclsAce,
  rightsOfMask,
} from '../../shared/acl/ntfs';
import { getAclScript } from '../../electron/platform/windows/acl';
import { appPoolIdentity, SERVICE_ACCOUNTS } from '../../electron/platform/windows/identities';
import { parsePowerShellJson } from '../../electron/platform/windows/powershell';
import type { Identity } from '../../shared/model/acl';
import { fixture } from '../fixtures/windows/load';

const pool = (name: string): Identity => appPoolIdentity(name, 'test');
const networkService = SERVICE_ACCOUNTS[0]!;

describe('rights', () => {
  it('maps FileSystemRights names and the numeric generic values of reference section 3', () => {
    expect(fileSystemRightsMask('FullControl')).toBe(0x1f01ff);
    expect(fileSystemRightsMask('ReadAndExecute, Synchronize')).toBe(0x1200a9);
    expect(fileSystemRightsMask('268435456')).toBe(0x10000000);
    expect(fileSystemRightsMask(-1610612736)).toBe(0xa0000000);
    expect(rightsOfMask(fileSystemRightsMask('268435456'))).toEqual(['read', 'write', 'execute', 'delete', 'change-permissions', 'take-ownership', 'full']);
    expect(rightsOfMask(fileSystemRightsMask('-1610612736'))).toEqual(['read', 'execute']);
    expect(rightsOfMask(fileSystemRightsMask('Modify, Synchronize'))).toEqual(['read', 'write', 'execute', 'delete']);
    expect(rightsOfMask(fileSystemRightsMask('Write'))).toEqual(['write']);
    expect(() => fileSystemRightsMask('ReadSecrets')).toThrow('unknown FileSystemRights name "ReadSecrets"');
  });

  it('reads icacls simple and specific rights, flags and deny', () => {
    expect(parseIcaclsAce('BUILTIN\\Users:(I)(OI)(CI)(RX)')).toMatchObject({ type: 'allow', inherited: true, flags: ['OI', 'CI'], rawRights: '(RX)', rights: ['read', 'execute'] });
    expect(parseIcaclsAce('Everyone:(DENY)(R)')).toMatchObject({ type: 'deny', rights: ['read'], principal: { kind: 'well-known', sid: 'S-1-1-0' } });
    expect(parseIcaclsAce('NT SERVICE\\CertSvc:(RD,REA,RA,RC,S)')).toMatchObject({ rights: ['read'], rawRights: '(RD,REA,RA,RC,S)' });
    expect(parseIcaclsAce('BUILTIN\\Users:(I)(CI)(AD)')).toMatchObject({ rights: ['write'] });
    expect(parseIcaclsAce('X\\y:(GR)').rights).toEqual(['read']);
    expect(parseIcaclsAce('X\\y:(W)').rights).toEqual(['write']);
    expect(parseIcaclsAce('X\\y:(M)').rights).toEqual(['read', 'write', 'execute', 'delete']);
    expect(() => parseIcaclsAce('X\\y:(ZZ)')).toThrow('icacls: unknown right "ZZ" in "X\\y:(ZZ)"');
    expect(() => parseIcaclsAce('no rights here')).toThrow('icacls: not an access entry');
  });
});

describe('icacls output (reference section 3)', () => {
  it('the verbatim file listing: a pasted prompt, the first ACE on the path line, aligned continuations', () => {
    const acl = aclFromIcacls(fixture('icacls-file-inherited.txt'));
    expect(acl.path).toBe('test.txt');
    expect(acl.entries.map((e) => [e.principal.name, e.rawRights, e.inherited])).toEqual([
      ['BUILTIN\\Administrators', '(F)', true],
      ['NT AUTHORITY\\SYSTEM', '(F)', true],
      ['BUILTIN\\Users', '(RX)', true],
      ['NT AUTHORITY\\Authenticated Users', '(M)', true],
    ]);
    expect(acl).toMatchObject({ owner: null, mode: null, platform: 'windows' });
  });

  it('the verbatim directory listing with (OI)(CI)(IO) flags', () => {
    const { files, summary } = parseIcacls(fixture('icacls-dir-flags.txt'));
    expect(summary).toBe('Successfully processed 1 files; Failed processing 0 files');
    expect(files[0]!.path).toBe('htdocs');
    expect(files[0]!.entries.map((e) => `${e.principal.name} ${e.flags.join('')} ${e.inherited ? 'I' : '-'} ${e.rawRights}`)).toEqual([
      'NT AUTHORITY\\LOCAL SERVICE OICI - (F)',
      'NT AUTHORITY\\SYSTEM OICI I (F)',
      'BUILTIN\\Administrators OICI I (F)',
      'BUILTIN\\Users OICI I (RX)',
      'BUILTIN\\Users CI I (AD)',
      'BUILTIN\\Users CI I (WD)',
      'CREATOR OWNER OICIIO I (F)',
    ]);
    expect(files[0]!.entries[6]!.principal.kind).toBe('owner');
  });

  it('the MachineKeys file after a grant: the app pool can read it, by its own entry', () => {
    const acl = aclFromIcacls(fixture('icacls-machinekey-apppool.txt'));
    expect(acl.path).toBe('C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys\\8e5a57f198ccf38cb4e07149dcca663d_55a42ce9-5197-498f-a203-54bfba68824d');
    expect(acl.entries[2]!.principal).toEqual({ name: 'IIS APPPOOL\\DefaultAppPool', sid: 'S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415', kind: 'user' });
    const answer = canReadNtfs(acl, pool('defaultapppool'));
    expect(answer).toEqual({
      identity: 'IIS APPPOOL\\defaultapppool',
      canRead: true,
      decidedBy: 'allowed by "IIS APPPOOL\\DefaultAppPool:(R)" (the identity itself)',
      considered: ['allow "IIS APPPOOL\\DefaultAppPool:(R)" (the identity itself)'],
    });
    const other = canReadNtfs(acl, pool('Shop'));
    expect(other.canRead).toBe(false);
    expect(other.decidedBy).toBe('no entry allows IIS APPPOOL\\Shop or its groups to read (Windows refuses what no entry grants)');
    expect(other.considered).toEqual([]);
  });

  it('odd principals (CRLF): path with a space, deny, apostrophe, raw SID, specific rights, generic right', () => {
    const acl = aclFromIcacls(fixture('icacls-odd-principals.txt'));
    expect(acl.path).toBe('C:\\Users\\svc web\\AppData\\Roaming\\Microsoft\\Crypto\\Keys\\de7cf8a7901d2ad13e5c67c29e5d1662_55a42ce9-5197-498f-a203-54bfba68824d');
    expect(acl.entries.map((e) => `${e.type} ${e.principal.name} [${e.principal.kind}] ${e.rights.join(',')}`)).toEqual([
      'deny IIS APPPOOL\\Legacy [user] read',
      'allow NT AUTHORITY\\SYSTEM [well-known] read,write,execute,delete,change-permissions,take-ownership,full',
      'allow BUILTIN\\Administrators [group] read,write,execute,delete,change-permissions,take-ownership,full',
      "allow IIS APPPOOL\\Shop's Pool [user] read,execute",
      'allow S-1-5-82-1036420768-1044797643-1061213386-2937092688-4282445334 [unresolved] read',
      'allow NT SERVICE\\CertSvc [user] read',
      'allow NT AUTHORITY\\NETWORK SERVICE [well-known] read',
      'allow BUILTIN\\Users [group] write',
    ]);
    // An explicit deny wins even though the pool is also in IIS_IUSRS... and Legacy has no allow anyway.
    const legacy = canReadNtfs(acl, pool('LEGACY'));
    expect(legacy.canRead).toBe(false);
    expect(legacy.decidedBy).toBe('denied by "IIS APPPOOL\\Legacy:(DENY)(R)" (the identity itself)');
    expect(legacy.considered).toEqual(['deny "IIS APPPOOL\\Legacy:(DENY)(R)" (the identity itself)', 'allow "BUILTIN\\Users:(I)(W)" (group member: BUILTIN\\Users): does not include read']);
    expect(canReadNtfs(acl, pool("shop's pool")).decidedBy).toBe('allowed by "IIS APPPOOL\\Shop\'s Pool:(RX)" (the identity itself)');
    expect(canReadNtfs(acl, networkService).decidedBy).toBe('allowed by "NT AUTHORITY\\NETWORK SERVICE:(GR)" (the identity itself)');
    // The raw SID is a deleted pool's: a pool re-created with that name matches it by SID.
    const sidOwner = { ...pool('x'), name: 'IIS APPPOOL\\Reborn', sid: 'S-1-5-82-1036420768-1044797643-1061213386-2937092688-4282445334' };
    expect(canReadNtfs(acl, sidOwner).decidedBy).toMatch(/^allowed by "S-1-5-82-1036420768.*:\(R\)" \(the identity itself\)$/);
  });

  it('two files with spaces in their paths and one entry each', () => {
    const { files } = parseIcacls(fixture('icacls-two-files-spaces.txt'));
    expect(files.map((f) => [f.path, f.entries[0]!.principal.name])).toEqual([
      ['C:\\Program Files\\Contoso Agent\\client key.bin', 'NT AUTHORITY\\SYSTEM'],
      ['C:\\Key Files\\web 01.key', 'CONTOSO\\svc-web'],
    ]);
    // The path icacls was asked about splits the line even for a principal no rule knows.
    expect(aclFromIcacls('C:\\a b\\c d ACME CORP\\x y:(R)\n', 'C:\\a b\\c d').entries[0]!.principal.name).toBe('ACME CORP\\x y');
  });

  it('one-line errors for output that is not icacls', () => {
    expect(() => parseIcacls('')).toThrow('icacls: no access entries in the output');
    expect(() => parseIcacls('Successfully processed 0 files; Failed processing 1 files\n')).toThrow('icacls: no access entries in the output (Successfully processed 0 files; Failed processing 1 files)');
    expect(() => parseIcacls('   BUILTIN\\Users:(R)\n')).toThrow('icacls: an indented entry with no path before it');
    expect(() => parseIcacls('C:\\x.key has no entries at all\n')).toThrow(/^icacls: cannot tell the path from the first entry/);
  });
});

describe('the NTFS access check', () => {
  const ace = (line: string) => parseIcaclsAce(line);
  const acl = (...lines: string[]) => ({ path: 'C:\\k', owner: null, group: null, mode: null, entries: lines.map(ace), raw: '', platform: 'windows' as const });

  it('group membership: IIS_IUSRS, Users, Authenticated Users, Everyone', () => {
    for (const [line, group] of [
      ['BUILTIN\\IIS_IUSRS:(R)', 'BUILTIN\\IIS_IUSRS'],
      ['BUILTIN\\Users:(RX)', 'BUILTIN\\Users'],
      ['NT AUTHORITY\\Authenticated Users:(M)', 'NT AUTHORITY\\Authenticated Users'],
      ['Everyone:(F)', 'Everyone'],
    ] as const) {
      const answer = canReadNtfs(acl('NT AUTHORITY\\SYSTEM:(F)', line), pool('Shop'));
      expect(answer.canRead).toBe(true);
      expect(answer.decidedBy).toBe(`allowed by "${line}" (group member ${group})`);
    }
  });

  it('explicit deny before allow, and a deny on a group beats the identity\'s own allow listed after it', () => {
    const a = canReadNtfs(acl('BUILTIN\\IIS_IUSRS:(DENY)(R)', 'IIS APPPOOL\\Shop:(R)'), pool('shop'));
    expect(a).toMatchObject({ canRead: false, decidedBy: 'denied by "BUILTIN\\IIS_IUSRS:(DENY)(R)" (group member BUILTIN\\IIS_IUSRS)' });
    expect(a.considered).toHaveLength(2);
    // A deny of write only does not decide read.
    expect(canReadNtfs(acl('IIS APPPOOL\\Shop:(DENY)(W)', 'BUILTIN\\Users:(R)'), pool('Shop')).decidedBy).toBe('allowed by "BUILTIN\\Users:(R)" (group member BUILTIN\\Users)');
  });

  it('inherit-only entries do not apply to the file; write-only entries do not grant read', () => {
    const a = canReadNtfs(acl('CREATOR OWNER:(OI)(CI)(IO)(F)', 'IIS APPPOOL\\Shop:(W)'), pool('Shop'));
    expect(a.canRead).toBe(false);
    expect(a.considered).toEqual(['allow "IIS APPPOOL\\Shop:(W)" (the identity itself): does not include read']);
  });

  it('a non-canonical ACL is checked in its own order, and says so', () => {
    const a = canReadNtfs(acl('BUILTIN\\Users:(R)', 'IIS APPPOOL\\Shop:(DENY)(R)'), pool('Shop'));
    expect(a.canRead).toBe(true);
    expect(a.decidedBy).toMatch(/not in canonical order/);
  });

  it('raw well-known SIDs match the groups they stand for (localized names too)', () => {
    expect(canReadNtfs(acl('S-1-5-32-568:(R)'), pool('Shop')).decidedBy).toBe('allowed by "S-1-5-32-568:(R)" (group member BUILTIN\\IIS_IUSRS)');
    expect(canReadNtfs(acl('S-1-5-20:(R)'), networkService).canRead).toBe(true);
    expect(canReadNtfs(acl('NT-AUTORITÄT\\NETZWERKDIENST:(R)'), networkService).canRead).toBe(false);
  });

  it('short names people type match what Windows prints', () => {
    const ns: Identity = { name: 'NETWORK SERVICE', kind: 'well-known', memberOf: [], sid: null, source: 'typed' };
    expect(canReadNtfs(acl('NT AUTHORITY\\NETWORK SERVICE:(R)'), ns).decidedBy).toBe('allowed by "NT AUTHORITY\\NETWORK SERVICE:(R)" (the identity itself)');
  });
});

describe('Get-Acl as JSON', () => {
  it('the script reads the path as one single-quoted value and prints JSON', () => {
    const s = getAclScript("C:\\keys\\it's $(evil).key");
    expect(s).toContain("$path = 'C:\\keys\\it''s $(evil).key'");
    expect(s).toContain('ConvertTo-Json -InputObject $certbenchResult -Depth 6 -Compress');
    expect(s).toContain('[Console]::OutputEncoding = [Text.Encoding]::UTF8');
  });

  it('the recorded JSON: owner, SDDL, names and numeric rights, a deny, an unresolved SID', () => {
    const data = parsePowerShellJson('Get-Acl', fixture('get-acl-machinekey.json'), GetAclSchema);
    const acl = aclFromGetAcl(data, 'ignored');
    expect(acl.path).toMatch(/MachineKeys\\8e5a57f198ccf38cb4e07149dcca663d_/);
    expect(acl.owner).toBe('NT AUTHORITY\\SYSTEM');
    expect(acl.raw).toMatch(/^O:SYG:SYD:PAI\(D;;0x120089;;;S-1-5-82-/);
    expect(acl.entries.map((e) => `${e.type} ${e.principal.name} ${e.rawRights} ${e.rights.join(',')}`)).toEqual([
      'deny IIS APPPOOL\\Legacy Read, Synchronize read',
      'allow NT AUTHORITY\\SYSTEM FullControl read,write,execute,delete,change-permissions,take-ownership,full',
      'allow BUILTIN\\Administrators FullControl read,write,execute,delete,change-permissions,take-ownership,full',
      'allow IIS APPPOOL\\Shop Read, Synchronize read',
      'allow S-1-5-82-1036420768-1044797643-1061213386-2937092688-4282445334 268435456 read,write,execute,delete,change-permissions,take-ownership,full',
      'allow NT AUTHORITY\\NETWORK SERVICE -1610612736 read,execute',
    ]);
    expect(acl.entries[0]!.principal.sid).toBe(appPoolSid('Legacy'));
    expect(canReadNtfs(acl, pool('Legacy')).decidedBy).toBe('denied by "IIS APPPOOL\\Legacy Deny Read, Synchronize" (the identity itself)');
    expect(canReadNtfs(acl, pool('Shop')).decidedBy).toBe('allowed by "IIS APPPOOL\\Shop Allow Read, Synchronize" (the identity itself)');
    expect(canReadNtfs(acl, networkService).decidedBy).toBe('allowed by "NT AUTHORITY\\NETWORK SERVICE Allow -1610612736" (the identity itself)');
    expect(canReadNtfs(acl, pool('Other')).canRead).toBe(false);
  });

  it("a user's own `Get-Acl | ConvertTo-Json` (PowerShell 5.1): one rule as an object, enums as numbers, IdentityReference as {Value}", () => {
    const json = JSON.stringify({
      Owner: 'BUILTIN\\Administrators',
      Group: 'NT AUTHORITY\\SYSTEM',
      Sddl: 'O:BAG:SYD:AI(A;ID;0x1200a9;;;BU)',
      Access: { IdentityReference: { Value: 'BUILTIN\\Users' }, FileSystemRights: 1179817, AccessControlType: 0, IsInherited: true, InheritanceFlags: 0, PropagationFlags: 0 },
    });
    const acl = aclFromGetAcl(parsePowerShellJson('Get-Acl', json, GetAclSchema), 'C:\\ca.crt');
    expect(acl.path).toBe('C:\\ca.crt');
    expect(acl.entries).toEqual([
      { principal: { name: 'BUILTIN\\Users', sid: 'S-1-5-32-545', kind: 'group' }, type: 'allow', rights: ['read', 'execute'], rawRights: '1179817', inherited: true, flags: [] },
    ]);
  });

  it('inheritance flags by name and by number', () => {
    const json = JSON.stringify({
      Owner: null,
      Group: null,
      Sddl: 'D:',
      Access: [
        { IdentityReference: 'CREATOR OWNER', FileSystemRights: 'FullControl', AccessControlType: 'Allow', IsInherited: true, InheritanceFlags: 'ContainerInherit, ObjectInherit', PropagationFlags: 'InheritOnly' },
        { IdentityReference: 'BUILTIN\\Users', FileSystemRights: 'Read', AccessControlType: 1, IsInherited: false, InheritanceFlags: 3, PropagationFlags: 1 },
      ],
    });
    const acl = aclFromGetAcl(parsePowerShellJson('Get-Acl', json, GetAclSchema), 'C:\\d');
    expect(acl.entries.map((e) => [e.type, e.flags])).toEqual([
      ['allow', ['OI', 'CI', 'IO']],
      ['deny', ['OI', 'CI', 'NP']],
    ]);
  });

  it('bad JSON gives one line naming the command', () => {
    expect(() => parsePowerShellJson('Get-Acl C:\\k', 'Get-Acl : Access is denied\r\nAt line:1', GetAclSchema)).toThrow('PowerShell (Get-Acl C:\\k) did not print JSON: Get-Acl : Access is denied At line:1');
    expect(() => parsePowerShellJson('Get-Acl C:\\k', '{"Owner":null}', GetAclSchema)).toThrow(/^PowerShell \(Get-Acl C:\\k\) printed unexpected JSON at (Group|Sddl|Access): /);
    expect(() => parsePowerShellJson('Get-Acl C:\\k', '{"error":"Cannot find path \'C:\\\\k\' because it does not exist."}', GetAclSchema)).toThrow(
      "PowerShell (Get-Acl C:\\k) failed: Cannot find path 'C:\\k' because it does not exist.",
    );
  });
});

describe('app pool SIDs', () => {
  it('S-1-5-82 + SHA-1 of the lower-cased UTF-16LE name: the SID the reference gives for DefaultAppPool', () => {
    expect(appPoolSid('DefaultAppPool')).toBe('S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415');
    expect(appPoolSid('DEFAULTAPPPOOL')).toBe(appPoolSid('defaultapppool'));
  });
});

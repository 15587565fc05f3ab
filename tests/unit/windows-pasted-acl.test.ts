import { describe, expect, it } from 'vitest';
import { aclFromGetAcl, aclFromText, canReadNtfs, GetAclSchema, parseGetAclFormatList, parseIcacls } from '../../shared/acl/ntfs';
import { appPoolIdentity, SERVICE_ACCOUNTS } from '../../electron/platform/windows/identities';
import { lookAlike, recognizeEvidence } from '../../shared/server/recognize';
import { fixture } from '../fixtures/windows/load';

/** Key-file ACLs as helpdesk staff paste them. */

const pasted = (name: string) => fixture(`pasted/${name}`);
const KEY = 'C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys\\8e5a57f198ccf38cb4e07149dcca663d_55a42ce9-5197-498f-a203-54bfba68824d';

describe('icacls as pasted', () => {
  it('from a 120-column PowerShell window after whoami: every wrapped row joined back, the app pool can read the key', () => {
    const text = pasted('icacls-machinekey-wrapped120.txt');
    const { files, summary } = parseIcacls(text);
    expect(summary).toBe('Successfully processed 1 files; Failed processing 0 files');
    expect(files.map((f) => f.path)).toEqual([KEY]);
    expect(files[0]!.entries.map((e) => e.principal.name)).toEqual(['NT AUTHORITY\\SYSTEM', 'BUILTIN\\Administrators', 'IIS APPPOOL\\DefaultAppPool']);
    const acl = aclFromText(text, 'clip.txt');
    expect(canReadNtfs(acl, appPoolIdentity('DefaultAppPool', 'test')).decidedBy).toBe('allowed by "IIS APPPOOL\\DefaultAppPool:(R)" (the identity itself)');
  });

  it('German and French output: localized principals and summary rows, the path told apart from the first entry', () => {
    const de = parseIcacls(pasted('icacls-de.txt'));
    expect(de.files.map((f) => [f.path, f.entries.length])).toEqual([['C:\\inetpub\\certs\\shop.key', 4]]);
    expect(de.summary).toMatch(/^1 Dateien erfolgreich verarbeitet/);
    const fr = parseIcacls(pasted('icacls-fr.txt'));
    expect(fr.files[0]!.entries[0]!.principal.name).toBe('AUTORITE NT\\Système');
    expect(fr.summary).toMatch(/^1 fichiers correctement traités/);
    // The explicit deny on the pool decides, in French output as in English.
    expect(canReadNtfs(aclFromText(pasted('icacls-fr.txt'), 'fr.txt'), appPoolIdentity('Shop', 'test')).canRead).toBe(false);
  });
});

describe('Get-Acl | Format-List as pasted', () => {
  it('gives the same ACL answer as Get-Acl JSON: path and Sddl unwrapped, rules one per row, numeric rights read', () => {
    const text = pasted('get-acl-fl-machinekey.txt');
    const data = parseGetAclFormatList(text);
    expect(data.Path).toBe(KEY);
    expect(data.Sddl).toMatch(/^O:SYG:SYD:PAI\(D;;0x120089;;;S-1-5-82-2821412221-.*\(A;;GXGR;;;NS\)$/);
    expect(data.Sddl).not.toMatch(/\s/);
    const fromList = aclFromText(text, 'acl.txt');
    const fromJson = aclFromGetAcl(GetAclSchema.parse(JSON.parse(fixture('get-acl-machinekey.json'))), KEY);
    expect(fromList.owner).toBe('NT AUTHORITY\\SYSTEM');
    expect(fromList.entries.map((e) => [e.principal.name, e.type, e.rights])).toEqual(fromJson.entries.map((e) => [e.principal.name, e.type, e.rights]));
    for (const who of [appPoolIdentity('Shop', 't'), appPoolIdentity('Legacy', 't'), SERVICE_ACCOUNTS[0]!]) {
      expect(canReadNtfs(fromList, who).canRead).toBe(canReadNtfs(fromJson, who).canRead);
    }
    expect(canReadNtfs(fromList, appPoolIdentity('Legacy', 't')).canRead).toBe(false);
  });

  it('a file ACL attached on the Server side is named for what it is, in one line', () => {
    for (const name of ['get-acl-fl-machinekey.txt', 'icacls-machinekey-wrapped120.txt']) {
      const text = pasted(name);
      expect(recognizeEvidence(text)).toBe('unknown');
      expect(lookAlike(text)).toMatch(/^a file ACL \((?:Get-Acl \| Format-List|icacls output)\): it answers who may read a key file/);
    }
  });

  it('text that is no ACL is refused in one line naming the input', () => {
    expect(() => aclFromText('PS C:\\> whoami\r\ncontoso\\helpdesk\r\n', 'notes.txt')).toThrow(/^notes\.txt: not an ACL \(expected icacls output, Get-Acl \| Format-List, or Get-Acl as JSON\)$/);
    expect(() => aclFromText('Path   : C:\\x\r\nAccess : nonsense here\r\nSddl   : O:SY\r\n', 'bad.txt')).toThrow(/^bad\.txt: Get-Acl: not an access rule: "nonsense here"$/);
  });
});

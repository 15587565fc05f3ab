import { describe, expect, it } from 'vitest';
import {
  AppPoolsSchema,
  appPoolsFromJson,
  identityOfPool,
  parseAppcmdAppPools,
  resolveLocally,
  SERVICE_ACCOUNTS,
} from '../../electron/platform/windows/identities';
import { windowsPlatform } from '../../electron/platform/windows';
import { parsePowerShellJson, POWERSHELL } from '../../electron/platform/windows/powershell';
import { FakeRunner } from '../helpers/fake-runner';
import { fixture } from '../fixtures/windows/load';

const decode = (args: string[]) => Buffer.from(args[5] ?? '', 'base64').toString('utf16le');

describe('appcmd list apppool (reference section 10)', () => {
  it('the verbatim IIS 7 lines', () => {
    expect(parseAppcmdAppPools(fixture('appcmd-list-apppool-iis7.txt'))).toEqual([
      { name: 'DefaultAppPool', state: 'Started', managedRuntimeVersion: 'v2.0', pipelineMode: 'Integrated', identityType: null, userName: null },
      { name: 'Classic .NET AppPool', state: 'Started', managedRuntimeVersion: 'v2.0', pipelineMode: 'ISAPI', identityType: null, userName: null },
    ]);
  });
  it('the modern form after a pasted prompt line', () => {
    expect(parseAppcmdAppPools(fixture('appcmd-list-apppool-modern.txt')).map((p) => [p.name, p.managedRuntimeVersion])).toEqual([['DefaultAppPool', 'v4.0']]);
  });
  it('CRLF, spaces, an apostrophe, an empty MgdVersion (No Managed Code), a stopped pool', () => {
    expect(parseAppcmdAppPools(fixture('appcmd-list-apppool-constructed.txt')).map((p) => [p.name, p.managedRuntimeVersion, p.pipelineMode, p.state])).toEqual([
      ['DefaultAppPool', 'v4.0', 'Integrated', 'Started'],
      ['.NET v4.5 Classic', 'v4.0', 'Classic', 'Started'],
      ["Shop's Pool", null, 'Integrated', 'Stopped'],
    ]);
  });
  it('anything else is a one-line error naming the line', () => {
    expect(() => parseAppcmdAppPools('ERROR ( message:Configuration error )\r\n')).toThrow('appcmd list apppool: unexpected line "ERROR ( message:Configuration error )"');
  });
});

describe('app pools as identities', () => {
  const data = parsePowerShellJson('IIS app pools', fixture('apppools-iisadministration.json'), AppPoolsSchema);
  const identities = appPoolsFromJson(data).map((p) => identityOfPool(p, data.source));

  it('ApplicationPoolIdentity: IIS APPPOOL\\<name>, its SID, member of IIS_IUSRS, Users, Authenticated Users, Everyone', () => {
    expect(identities[0]).toEqual({
      name: 'IIS APPPOOL\\DefaultAppPool',
      kind: 'app-pool',
      memberOf: ['BUILTIN\\IIS_IUSRS', 'BUILTIN\\Users', 'NT AUTHORITY\\Authenticated Users', 'Everyone'],
      sid: 'S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415',
      source: 'IIS app pool "DefaultAppPool" (ApplicationPoolIdentity; IISAdministration)',
    });
    expect(identities[1]!.name).toBe("IIS APPPOOL\\Shop's Pool");
  });
  it('NetworkService, SpecificUser, LocalSystem, LocalService', () => {
    expect(identities.slice(2).map((i) => [i.name, i.kind, i.sid])).toEqual([
      ['NT AUTHORITY\\NETWORK SERVICE', 'app-pool', 'S-1-5-20'],
      ['CONTOSO\\svc-reports', 'user', null],
      ['NT AUTHORITY\\SYSTEM', 'app-pool', 'S-1-5-18'],
      ['NT AUTHORITY\\LOCAL SERVICE', 'app-pool', 'S-1-5-19'],
    ]);
    expect(identities[3]!.source).toBe('IIS app pool "Reports" (SpecificUser; IISAdministration); its other group memberships were not read');
    expect(identities[2]!.memberOf).toContain('BUILTIN\\IIS_IUSRS');
  });
  it('WebAdministration with identityType as numbers (0-4) and a single pool written as an object', () => {
    const json = JSON.stringify({ source: 'WebAdministration', pools: { name: 'Shop', state: 'Started', identityType: 4, userName: null, managedRuntimeVersion: 'v4.0', managedPipelineMode: 'Integrated' } });
    const pools = appPoolsFromJson(parsePowerShellJson('IIS app pools', json, AppPoolsSchema));
    expect(pools).toEqual([{ name: 'Shop', state: 'Started', managedRuntimeVersion: 'v4.0', pipelineMode: 'Integrated', identityType: 'ApplicationPoolIdentity', userName: null }]);
    const two = JSON.stringify({ source: 'WebAdministration', pools: [{ name: 'A', identityType: '2' }] });
    expect(appPoolsFromJson(parsePowerShellJson('p', two, AppPoolsSchema))[0]!.identityType).toBe('NetworkService');
    expect(() => parsePowerShellJson('IIS app pools', JSON.stringify({ source: 'WebAdministration', pools: [{ name: 'A', identityType: 'Robot' }] }), AppPoolsSchema)).toThrow(
      'PowerShell (IIS app pools) printed unexpected JSON at pools.0.identityType: unknown identityType "Robot"',
    );
  });
  it('the built-in service accounts', () => {
    expect(SERVICE_ACCOUNTS.map((s) => [s.name, s.sid])).toEqual([
      ['NT AUTHORITY\\NETWORK SERVICE', 'S-1-5-20'],
      ['NT AUTHORITY\\LOCAL SERVICE', 'S-1-5-19'],
      ['NT AUTHORITY\\SYSTEM', 'S-1-5-18'],
    ]);
  });
});

describe('the identity directory through the platform', () => {
  it('lists pools from PowerShell plus the service accounts', async () => {
    const runner = new FakeRunner().on(POWERSHELL, (a) => decode(a).includes('Get-IISAppPool'), { stdout: fixture('apppools-iisadministration.json') });
    const list = await windowsPlatform(runner).identities.list();
    expect(list.map((i) => i.name)).toEqual([
      'IIS APPPOOL\\DefaultAppPool',
      "IIS APPPOOL\\Shop's Pool",
      'NT AUTHORITY\\NETWORK SERVICE',
      'CONTOSO\\svc-reports',
      'NT AUTHORITY\\SYSTEM',
      'NT AUTHORITY\\LOCAL SERVICE',
      'NT AUTHORITY\\NETWORK SERVICE',
      'NT AUTHORITY\\LOCAL SERVICE',
      'NT AUTHORITY\\SYSTEM',
    ]);
  });
  it('falls back to appcmd (identity assumed ApplicationPoolIdentity, and says so), then to the service accounts alone', async () => {
    const runner = new FakeRunner()
      .on(POWERSHELL, () => true, { stdout: '{"error":"The specified module \'WebAdministration\' was not loaded because no valid module file was found in any module directory."}' })
      .on('C:\\Windows\\System32\\inetsrv\\appcmd.exe', ['list', 'apppool'], { stdout: fixture('appcmd-list-apppool-iis7.txt') });
    const list = await windowsPlatform(runner, { windir: 'C:\\Windows' }).identities.list();
    expect(list[0]).toMatchObject({ name: 'IIS APPPOOL\\DefaultAppPool', kind: 'app-pool' });
    expect(list[0]!.source).toBe('IIS app pool "DefaultAppPool" (identity not read: ApplicationPoolIdentity assumed, the default since IIS 7.5; appcmd list apppool)');
    expect(list).toHaveLength(5);
    const none = await windowsPlatform(new FakeRunner(), { windir: 'C:\\Windows' }).identities.list();
    expect(none).toEqual(SERVICE_ACCOUNTS);
  });
  it('resolves typed names locally where it can, else asks Windows; unknown accounts are one line', async () => {
    expect(resolveLocally('IIS AppPool\\Shop')).toMatchObject({ name: 'IIS APPPOOL\\Shop', kind: 'app-pool', sid: expect.stringMatching(/^S-1-5-82-/) });
    expect(resolveLocally('network service')).toMatchObject({ name: 'NT AUTHORITY\\NETWORK SERVICE', sid: 'S-1-5-20' });
    expect(resolveLocally('LocalSystem')).toMatchObject({ name: 'NT AUTHORITY\\SYSTEM' });
    expect(resolveLocally('s-1-5-21-1-2-3-1001')).toMatchObject({ name: 'S-1-5-21-1-2-3-1001', sid: 'S-1-5-21-1-2-3-1001' });
    expect(resolveLocally('CONTOSO\\svc-web')).toBeNull();
    const runner = new FakeRunner()
      .on(POWERSHELL, (a) => decode(a).includes("$name = 'CONTOSO\\svc-web'"), { stdout: '{"name":"CONTOSO\\\\svc-web","sid":"S-1-5-21-1-2-3-1107","isGroup":false}' })
      .on(POWERSHELL, () => true, { stdout: '{"error":"Some or all identity references could not be translated."}' });
    const identities = windowsPlatform(runner).identities;
    expect(await identities.resolve('CONTOSO\\svc-web')).toMatchObject({ name: 'CONTOSO\\svc-web', kind: 'user', sid: 'S-1-5-21-1-2-3-1107', memberOf: ['BUILTIN\\Users', 'NT AUTHORITY\\Authenticated Users', 'Everyone'] });
    await expect(identities.resolve("CONTOSO\\nobody's")).rejects.toThrow(
      'no Windows account named "CONTOSO\\\\nobody\'s": PowerShell (resolve account CONTOSO\\nobody\'s) failed: Some or all identity references could not be translated.',
    );
  });
});

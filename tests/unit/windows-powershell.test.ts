import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { windowsAclReader } from '../../electron/platform/windows';
import {
  ELEVATION_SCRIPT,
  encodePowerShell,
  isElevated,
  jsonScript,
  parsePowerShellJson,
  POWERSHELL,
  powerShellArgs,
  runPowerShellJson,
} from '../../electron/platform/windows/powershell';
import { FakeRunner } from '../helpers/fake-runner';
import { fixture } from '../fixtures/windows/load';

const Answer = z.object({ n: z.number() });

describe('PowerShell as a JSON source', () => {
  it('encodes the script as base64 UTF-16LE for -EncodedCommand (about_PowerShell_exe)', () => {
    expect(encodePowerShell('dir')).toBe('ZABpAHIA');
    const args = powerShellArgs("Write-Output 'ü ✓'");
    expect(args.slice(0, 5)).toEqual(['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand']);
    expect(Buffer.from(args[5]!, 'base64').toString('utf16le')).toBe("Write-Output 'ü ✓'");
  });

  it('refuses a script too long for one command line', () => {
    expect(() => powerShellArgs('x'.repeat(12_000))).toThrow(/^PowerShell script too long for one command line \(32000 encoded characters, limit 30000\)$/);
  });

  it('wraps a body: UTF-8 output, errors caught as {error}, ConvertTo-Json -Depth 6 -Compress at the end', () => {
    const s = jsonScript('[pscustomobject]@{ n = 1 }');
    expect(s.split('\n').slice(0, 3)).toEqual(["$ErrorActionPreference = 'Stop'", "$ProgressPreference = 'SilentlyContinue'", '[Console]::OutputEncoding = [Text.Encoding]::UTF8']);
    expect(s).toContain('} catch {\n  $certbenchResult = [pscustomobject]@{ error = [string]$_.Exception.Message }\n}');
    expect(s.trimEnd().split('\n').at(-1)).toBe('ConvertTo-Json -InputObject $certbenchResult -Depth 6 -Compress');
  });

  it('parses JSON (with a BOM), and gives one-line errors naming the command otherwise', () => {
    expect(parsePowerShellJson('count', '\uFEFF{"n":3}\r\n', Answer)).toEqual({ n: 3 });
    expect(() => parsePowerShellJson('count', '', Answer)).toThrow('PowerShell (count) printed nothing');
    expect(() => parsePowerShellJson('count', 'WARNING: something\r\n{"n":3', Answer)).toThrow('PowerShell (count) did not print JSON: WARNING: something {"n":3');
    expect(() => parsePowerShellJson('count', '{"n":"three"}', Answer)).toThrow('PowerShell (count) printed unexpected JSON at n: Invalid input: expected number, received string');
    expect(() => parsePowerShellJson('count', '{"error":"Access is denied.\\r\\nAt line:3"}', Answer)).toThrow('PowerShell (count) failed: Access is denied. At line:3');
  });

  it('runs through the CommandRunner; a command that cannot start or exits without output is one line', async () => {
    const ok = new FakeRunner().on(POWERSHELL, () => true, { stdout: '{"n":1}' });
    await expect(runPowerShellJson(ok, 'count', jsonScript('1'), Answer)).resolves.toEqual({ n: 1 });
    expect(ok.calls[0]!.timeoutMs).toBe(60_000);
    const missing = new FakeRunner().on(POWERSHELL, () => true, { exitCode: null, error: 'powershell.exe: command not found' });
    await expect(runPowerShellJson(missing, 'count', '1', Answer)).rejects.toThrow('PowerShell (count) could not run: powershell.exe: command not found');
    const slow = new FakeRunner().on(POWERSHELL, () => true, { exitCode: null, error: 'powershell.exe: timed out after 60000 ms' });
    await expect(runPowerShellJson(slow, 'count', '1', Answer)).rejects.toMatchObject({ code: 'timeout' });
    const clm = new FakeRunner().on(POWERSHELL, () => true, {
      exitCode: 1,
      stderr: '#< CLIXML\r\nCannot create type. Only core types are supported in this language mode.\r\n',
    });
    await expect(runPowerShellJson(clm, 'count', '1', Answer)).rejects.toThrow('PowerShell (count) exited with code 1: Cannot create type. Only core types are supported in this language mode.');
  });

  it('the elevation check', async () => {
    expect(ELEVATION_SCRIPT).toContain('IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)');
    const runner = new FakeRunner().on(POWERSHELL, () => true, { stdout: '{"elevated":true,"user":"CONTOSO\\\\admin"}' });
    await expect(isElevated(runner)).resolves.toEqual({ elevated: true, user: 'CONTOSO\\admin' });
  });
});

describe('the ACL reader: Get-Acl first, icacls when PowerShell fails', () => {
  const KEY = 'C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys\\8e5a57f198ccf38cb4e07149dcca663d_55a42ce9-5197-498f-a203-54bfba68824d';
  it('Get-Acl JSON', async () => {
    const runner = new FakeRunner().on(POWERSHELL, () => true, { stdout: fixture('get-acl-machinekey.json') });
    const acl = await windowsAclReader(runner).read(KEY);
    expect(acl.owner).toBe('NT AUTHORITY\\SYSTEM');
    expect(acl.entries).toHaveLength(6);
  });
  it('icacls output when PowerShell fails, with the path asked about', async () => {
    const runner = new FakeRunner()
      .on(POWERSHELL, () => true, { stdout: 'garbage' })
      .on('icacls.exe', [KEY], { stdout: fixture('icacls-machinekey-apppool.txt') });
    const acl = await windowsAclReader(runner).read(KEY);
    expect(acl.path).toBe(KEY);
    expect(acl.owner).toBeNull();
    expect(acl.entries.map((e) => e.principal.name)).toEqual(['NT AUTHORITY\\SYSTEM', 'BUILTIN\\Administrators', 'IIS APPPOOL\\DefaultAppPool']);
  });
  it('both failing: one line with both reasons', async () => {
    const runner = new FakeRunner()
      .on(POWERSHELL, () => true, { stdout: '{"error":"Attempted to perform an unauthorized operation."}' })
      .on('icacls.exe', () => true, { stdout: 'C:\\x: Access is denied.\r\nSuccessfully processed 0 files; Failed processing 1 files\r\n', exitCode: 5 });
    await expect(windowsAclReader(runner).read('C:\\x')).rejects.toThrow(
      'cannot read the ACL of C:\\x: PowerShell (Get-Acl C:\\x) failed: Attempted to perform an unauthorized operation.; icacls: C:\\x: Access is denied. Successfully processed 0 files; Failed processing 1 files',
    );
  });
});

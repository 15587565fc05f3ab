import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { windowsAclReader, windowsIdentities, windowsStores } from '../../electron/platform/windows';
import { appPoolSid } from '../../shared/acl/ntfs';
import { appPoolIdentity } from '../../electron/platform/windows/identities';
import { isElevated, runPowerShellJson } from '../../electron/platform/windows/powershell';
import { grantScript, undoScript } from '../../electron/platform/windows/grant';
import { collectWindowsServer } from '../../electron/platform/windows/server-live';
import { storeEnumerationScript, StoreEnumerationSchema, storesFromEnumeration } from '../../electron/platform/windows/stores';
import { OpensslPki, requireOpenssl, type Issued } from '../helpers/openssl-pki';
import { requirePwsh } from '../helpers/pwsh';
import { pwshRunner, runPwshFile } from '../helpers/pwsh-harness';

/**
 * What of the Windows adapter runs off Windows, run for real in PowerShell 7 on Linux:
 *  - the store enumeration script, the same text Windows runs, over .NET's X509Store: certificates made
 *    per run are imported into CurrentUser\My of a per-test HOME (pwsh keeps that store under
 *    ~/.dotnet/corefx/cryptography/x509stores), listed through windowsStores() and its parser;
 *  - the JSON emission of the other collection scripts through the adapter's own code
 *    (runPowerShellJson, -EncodedCommand), with stub functions in place of the Windows-only cmdlets
 *    (Get-Acl, Get-IISAppPool, the registry provider, Get-WinEvent), parsed by the same parsers;
 *  - the elevation check, whose Windows-only API fails here: its failure must come back as one line.
 */

const skip = requirePwsh() ?? requireOpenssl();
if (skip && process.env.CI === 'true') throw new Error(skip);

let pki: OpensslPki;
let home: string;
let root: Issued;
let client: Issued;
let pfx: string;
const PFX_PASSWORD = 'test-only-password';

beforeAll(() => {
  if (skip) return;
  pki = new OpensslPki('certbench-pwsh-stores-');
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-pwsh-home-'));
  root = pki.issue('root', { subject: '/O=Certbench Test/CN=Certbench PowerShell Root', extensions: ['basicConstraints = critical, CA:true', 'keyUsage = critical, keyCertSign, cRLSign'], keyAlgorithm: 'rsa2048' });
  client = pki.issue('client', { subject: "/O=Contoso, Ltd/CN=O'Brien $(x)", issuer: root, extensions: ['extendedKeyUsage = clientAuth', 'keyUsage = critical, digitalSignature'], keyAlgorithm: 'rsa2048' });
  pfx = path.join(pki.dir, 'client.pfx');
  execFileSync('openssl', ['pkcs12', '-export', '-in', client.pemPath, '-inkey', client.keyPath, '-out', pfx, '-passout', `pass:${PFX_PASSWORD}`], { stdio: 'pipe' });
}, 120_000);

afterAll(() => {
  pki?.cleanup();
  if (home) fs.rmSync(home, { recursive: true, force: true });
});

/** Import into CurrentUser\My of the test HOME with .NET, as certmgr would on Windows. */
function importIntoMy(files: { pfx?: string; cer?: string }) {
  const script = path.join(home, 'import.ps1');
  fs.writeFileSync(
    script,
    [
      'param([string]$Pfx, [string]$Cer)',
      "$ErrorActionPreference = 'Stop'",
      "$store = New-Object Security.Cryptography.X509Certificates.X509Store('My', 'CurrentUser')",
      "$store.Open('ReadWrite')",
      "if ($Pfx) { $store.Add((New-Object Security.Cryptography.X509Certificates.X509Certificate2($Pfx, $env:CB_PFX_PASSWORD, [Security.Cryptography.X509Certificates.X509KeyStorageFlags]'PersistKeySet, Exportable'))) }",
      'if ($Cer) { $store.Add((New-Object Security.Cryptography.X509Certificates.X509Certificate2(, [IO.File]::ReadAllBytes($Cer)))) }',
      '$store.Close()',
    ].join('\n'),
  );
  runPwshFile(script, [...(files.pfx ? ['-Pfx', files.pfx] : []), ...(files.cer ? ['-Cer', files.cer] : [])], { env: { HOME: home, CB_PFX_PASSWORD: PFX_PASSWORD } });
}

const sha1 = (c: Issued) => pki.facts(c.pemPath).sha1;

describe.skipIf(skip !== null)('the Windows store enumeration script, run by pwsh over a real .NET X509Store', () => {
  it('one certificate with its key in CurrentUser\\My: listed, thumbprint recomputed from the DER, key details null off Windows', async () => {
    importIntoMy({ pfx });
    // Only the test HOME's store was written: the real user's store is not touched.
    expect(fs.readdirSync(path.join(home, '.dotnet', 'corefx', 'cryptography', 'x509stores', 'my')).length).toBe(1);
    const data = await runPowerShellJson(pwshRunner({ env: { HOME: home } }), 'certificate stores', storeEnumerationScript(['My'], ['CurrentUser']), StoreEnumerationSchema);
    expect(data.sid).toBeNull();
    const listing = await storesFromEnumeration(data, new Date());
    expect(listing.stores).toEqual([expect.objectContaining({ id: 'windows:CurrentUser\\My', role: 'personal', certificateCount: 1, error: null })]);
    const [cert] = listing.certificates;
    expect(cert!.summary.thumbprintSha1).toBe(sha1(client));
    expect(cert!.summary.subject.commonName).toBe("O'Brien $(x)");
    // The key is there, but its provider and file are Windows-only: unknown, never "present" or "missing".
    expect(cert!.key).toMatchObject({ status: 'unknown', path: null, providerKind: null });
  });

  it('every store through windowsStores() (the adapter, no certutil fallback): My holds both certificates, the rest is named', async () => {
    importIntoMy({ cer: root.derPath });
    const runner = pwshRunner({ env: { HOME: home } });
    const listing = await windowsStores(runner, { tempFile: () => '', readBytes: () => null, remove: () => undefined }).list({ at: new Date() });
    expect(runner.calls.every((c) => c === 'powershell.exe')).toBe(true);
    const my = listing.stores.find((s) => s.id === 'windows:CurrentUser\\My')!;
    expect(my).toMatchObject({ certificateCount: 2, error: null });
    expect(listing.stores).toHaveLength(14);
    const mine = listing.certificates.filter((c) => c.storeId === my.id);
    expect(mine.map((c) => c.summary.thumbprintSha1).sort()).toEqual([sha1(client), sha1(root)].sort());
    expect(mine.find((c) => c.summary.thumbprintSha1 === sha1(root))!.key.status).toBe('none');
    // Stores .NET has no Linux counterpart for say so on their line instead of failing the listing.
    expect(listing.stores.find((s) => s.id === 'windows:CurrentUser\\WebHosting')!.error).toMatch(/does not exist|not supported/i);
  });
});

/** Stub functions for the cmdlets the collection scripts need on Windows (functions win over cmdlets). */
const STUBS = String.raw`
function New-CertbenchRule($Sid, $Name, $Rights, [string]$Type, [bool]$Inherited) {
  $id = [pscustomobject]@{ Value = $Sid; AccountName = $Name }
  $id | Add-Member -MemberType ScriptMethod -Name Translate -Value { param($t) if (-not $this.AccountName) { throw 'Some or all identity references could not be translated.' }; [pscustomobject]@{ Value = $this.AccountName } }
  [pscustomobject]@{ IdentityReference = $id; FileSystemRights = [Enum]::Parse([Security.AccessControl.FileSystemRights], [string]$Rights); AccessControlType = [Security.AccessControl.AccessControlType]$Type; IsInherited = $Inherited; InheritanceFlags = [Security.AccessControl.InheritanceFlags]'None'; PropagationFlags = [Security.AccessControl.PropagationFlags]'None' }
}
function Get-Acl {
  [CmdletBinding()] param([string]$LiteralPath)
  $acl = [pscustomobject]@{ Owner = 'BUILTIN\Administrators'; Group = 'NT AUTHORITY\SYSTEM'; Sddl = 'O:BAG:SYD:PAI(A;;FA;;;SY)(A;;FA;;;BA)(A;;GR;;;' + $env:CB_POOL_SID + ')'; Path = $LiteralPath }
  $acl | Add-Member -MemberType ScriptMethod -Name GetAccessRules -Value {
    param($explicit, $inherited, $type)
    New-CertbenchRule 'S-1-5-18' 'NT AUTHORITY\SYSTEM' 'FullControl' 'Allow' $true
    New-CertbenchRule 'S-1-5-32-544' 'BUILTIN\Administrators' 'FullControl' 'Allow' $true
    # GENERIC_READ (0x80000000, a negative Int32) for an app pool whose name no longer resolves.
    New-CertbenchRule $env:CB_POOL_SID $null ([int]-2147483648) 'Allow' $false
    New-CertbenchRule 'S-1-5-20' 'NT AUTHORITY\NETWORK SERVICE' 'Read, Synchronize' 'Deny' $false
  }
  $acl
}
function Import-Module { [CmdletBinding()] param([string]$Name) if ($Name -ne 'IISAdministration') { throw ('no module ' + $Name) } }
function Get-IISAppPool {
  [pscustomobject]@{ Name = "Shop's Pool"; State = 'Started'; ManagedRuntimeVersion = 'v4.0'; ManagedPipelineMode = 'Integrated'; ProcessModel = [pscustomobject]@{ IdentityType = 'ApplicationPoolIdentity'; UserName = '' } }
}
function New-CertbenchKey([string]$Name, [hashtable]$Values) {
  $k = [pscustomobject]@{ Name = $Name; Data = $Values; PSChildName = ($Name -split '\\')[-1] }
  $k | Add-Member -MemberType ScriptMethod -Name GetValueNames -Value { @($this.Data.Keys) }
  $k | Add-Member -MemberType ScriptMethod -Name GetValueKind -Value { param($n) [Microsoft.Win32.RegistryValueKind]$this.Data[$n][0] }
  $k | Add-Member -MemberType ScriptMethod -Name GetValue -Value { param($n, $d, $o) $this.Data[$n][1] }
  $k
}
$hklm = 'HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet'
$CertbenchRegistry = @{
  'HKLM:\SYSTEM\CurrentControlSet\Services\HTTP\Parameters\SslBindingInfo' = @(
    New-CertbenchKey ($hklm + '\Services\HTTP\Parameters\SslBindingInfo\0.0.0.0:443') @{
      SslCertHash = @('Binary', [byte[]](0xA0, 0x1A, 0x49, 0xEE, 0xC0, 0x88, 0xCC, 0xC9, 0xE1, 0xA1, 0x49, 0x52, 0x9F, 0x69, 0x4A, 0x0A, 0xFB, 0xC4, 0x8F, 0x73))
      AppId = @('Binary', [guid]::new('4dc3e181-e14b-4a21-b022-59fc669b0914').ToByteArray())
      SslCertStoreName = @('String', 'MY')
      DefaultFlags = @('DWord', [int]2)
      DefaultSslRevocationUrlRetrievalTimeout = @('DWord', [int]-1)
      SomeQword = @('QWord', [long]0x123456789ABCDEF)
    }
  )
  'HKLM:\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL' = @(
    New-CertbenchKey ($hklm + '\Control\SecurityProviders\SCHANNEL') @{ ClientAuthTrustMode = @('DWord', [int]2); EventLogging = @('DWord', [int]7) }
  )
  'HKLM:\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols' = @(
    New-CertbenchKey ($hklm + '\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.3\Server') @{ Enabled = @('DWord', [int]0); DisabledByDefault = @('DWord', [int]1) }
  )
}
function Join-Path { param([string]$Path, [string]$ChildPath) $Path.TrimEnd('\') + '\' + $ChildPath }
function Test-Path { [CmdletBinding()] param([string]$LiteralPath) $CertbenchRegistry.ContainsKey($LiteralPath) }
function Get-ChildItem { [CmdletBinding()] param([string]$LiteralPath, [switch]$Recurse) $CertbenchRegistry[$LiteralPath] }
function Get-Item { [CmdletBinding()] param([string]$LiteralPath) @($CertbenchRegistry[$LiteralPath])[0] }
function Get-ItemProperty { [CmdletBinding()] param([string]$LiteralPath) [pscustomobject]@{ ProductName = 'Windows Server 2022 Standard' } }
function Get-WinEvent {
  [CmdletBinding()] param([hashtable]$FilterHashtable, [int]$MaxEvents)
  if ($env:CB_EVENTS -eq 'denied') { throw (New-Object System.UnauthorizedAccessException('Attempted to perform an unauthorized operation.')) }
  [pscustomobject]@{ Id = 36887; TimeCreated = [datetime]'2026-03-17T08:00:00Z'; LevelDisplayName = 'Error'; Message = 'A fatal alert was received from the remote endpoint. The TLS protocol defined fatal alert code is 46.'; Properties = @([pscustomobject]@{ Value = 46 }) }
  [pscustomobject]@{ Id = 36870; TimeCreated = [datetime]'2026-03-17T07:00:00Z'; LevelDisplayName = 'Error'; Message = 'A fatal error occurred when attempting to access the TLS server credential private key.'; Properties = @([pscustomobject]@{ Value = '0x8009030d' }) }
}
`;

describe.skipIf(skip !== null)('the collection scripts emit JSON the adapter parses (pwsh, Windows-only cmdlets stubbed)', () => {
  const poolSid = appPoolSid('Shop');
  const runner = (extra: Record<string, string> = {}) => pwshRunner({ prelude: STUBS, env: { CB_POOL_SID: poolSid, ...extra } });

  it('Get-Acl: SIDs that no longer resolve stay SIDs, a generic right maps to read, a deny decides', async () => {
    const reader = windowsAclReader(runner());
    const acl = await reader.read('C:\\ProgramData\\Microsoft\\Crypto\\Keys\\it\'s $(x)');
    expect(acl.path).toBe("C:\\ProgramData\\Microsoft\\Crypto\\Keys\\it's $(x)");
    expect(acl.owner).toBe('BUILTIN\\Administrators');
    expect(acl.entries.map((e) => [e.principal.name, e.type, e.inherited])).toEqual([
      ['NT AUTHORITY\\SYSTEM', 'allow', true],
      ['BUILTIN\\Administrators', 'allow', true],
      [poolSid, 'allow', false],
      ['NT AUTHORITY\\NETWORK SERVICE', 'deny', false],
    ]);
    expect(reader.canRead(acl, appPoolIdentity('Shop', 'test')).canRead).toBe(true);
    const ns = reader.canRead(acl, { name: 'NT AUTHORITY\\NETWORK SERVICE', kind: 'well-known', memberOf: [], sid: 'S-1-5-20', source: 'test' });
    expect(ns.canRead).toBe(false);
    expect(ns.decidedBy).toMatch(/^denied/);
  });

  it('app pools (IISAdministration): one pool arrives as a list, its identity as the virtual account', async () => {
    const ids = await windowsIdentities(runner(), 'C:\\Windows').list();
    expect(ids[0]).toMatchObject({ name: "IIS APPPOOL\\Shop's Pool", kind: 'app-pool', sid: appPoolSid("Shop's Pool") });
  });

  it('HTTP.SYS bindings, Schannel settings and events: binary, negative DWORD and QWORD values survive; one key arrives as a list', async () => {
    const live = await collectWindowsServer(runner());
    expect(live.notes).toEqual([]);
    expect(live.bindings).toHaveLength(1);
    expect(live.bindings[0]).toMatchObject({
      key: '0.0.0.0:443',
      kind: 'ipport',
      certificateHash: 'A01A49EEC088CCC9E1A149529F694A0AFBC48F73',
      appId: '{4dc3e181-e14b-4a21-b022-59fc669b0914}',
      certificateStoreName: 'MY',
      negotiateClientCertificate: true,
      defaultFlags: 2,
    });
    const fields = Object.fromEntries(live.bindings[0]!.fields.map((f) => [f.label, f.value]));
    expect(fields.DefaultSslRevocationUrlRetrievalTimeout).toMatch(/4294967295|0xffffffff/i);
    expect(fields.SomeQword).toMatch(/81985529216486895|0x123456789abcdef/i);
    expect(live.schannel).toMatchObject({ sendTrustedIssuerList: null, clientAuthTrustMode: 2, eventLogging: 7 });
    expect(live.schannel!.protocols).toEqual([expect.objectContaining({ protocol: 'TLS 1.3', side: 'Server', enabled: 0, disabledByDefault: 1 })]);
    expect(live.events).toMatchObject({ total: 2 });
    expect(live.events!.byId.map((e) => e.id).sort()).toEqual([36870, 36887]);
  });

  it('the System log refused: the bindings still count, the events become one note', async () => {
    const live = await collectWindowsServer(runner({ CB_EVENTS: 'denied' }));
    expect(live.bindings).toHaveLength(1);
    expect(live.events).toBeNull();
    expect(live.notes).toEqual(['Schannel events: the System log needs an elevated PowerShell (run Certbench as administrator to read them)']);
  });

  it('the elevation check: its Windows-only API fails here, and the failure is one line naming the check', async () => {
    await expect(isElevated(pwshRunner())).rejects.toThrow(/^PowerShell \(elevation check\) failed: .+$/);
  });
});

describe.skipIf(skip !== null)('the key-grant undo script, run by pwsh over real files (icacls and Get-Acl stubbed)', () => {
  // icacls records its arguments (and /save writes the backup file as icacls does); Get-Acl answers a
  // fixed SDDL: what is tested is the scripts' own checks.
  const STUB = [
    'function icacls { Add-Content -LiteralPath $env:CB_ICACLS_LOG -Value ($args -join "|"); if ($args[1] -eq "/save") { [IO.File]::WriteAllText($args[2], "key.bin`r`nD:(A;;FA;;;SY)`r`n", [Text.Encoding]::Unicode) }; $global:LASTEXITCODE = 0; "processed file: 1" }',
    "function Get-Acl { param([string]$LiteralPath) [pscustomobject]@{ Sddl = 'O:BAD:(A;;FA;;;SY)' } }",
  ].join('\n');
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-undo-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = <T>(name: string, text: string) => {
    const log = path.join(dir, `${name}.log`);
    const script = path.join(dir, `${name}.ps1`);
    fs.writeFileSync(script, `${STUB}\n${text}`);
    const r = runPwshFile(script, [], { env: { CB_ICACLS_LOG: log } });
    return { result: JSON.parse(r.stdout.trim().split('\n').pop()!) as T, icacls: fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim() : '' };
  };

  /** Run the undo script for `keyPath` (Windows separators: pwsh on Linux reads "\\" as "/"), and what icacls was asked. */
  const undo = (name: string, keyPath: string, keyCreatedUtc: string | null = null) => {
    const backupFile = path.join(dir, `${name}.icacls`);
    fs.writeFileSync(backupFile, Buffer.from('\uFEFFkey.bin\r\nD:(A;;FA;;;SY)\r\n', 'utf16le'));
    return run<{ ok: boolean; step: string; error: string | null }>(name, undoScript({ keyPath, backupFile, resultFile: null, keyCreatedUtc }));
  };

  it('restores only onto the key file the grant saw: the creation time the grant script records is the one the undo compares', async () => {
    const folder = path.join(dir, 'same');
    fs.mkdirSync(folder);
    const key = path.join(folder, 'key.bin');
    fs.writeFileSync(key, 'key');
    // The grant runs to its verify step here (account lookup is Windows-only); its check step read the time.
    const granted = run<{ keyCreatedUtc: string | null; step: string }>('grant', grantScript({ keyPath: `${folder}\\key.bin`, identity: 'IIS APPPOOL\\Shop', backupFile: path.join(dir, 'grant.icacls'), resultFile: null }));
    expect(granted.result.keyCreatedUtc).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
    expect(granted.icacls.split('\n')[0]).toBe(`${folder}\\key.bin|/save|${path.join(dir, 'grant.icacls')}`);
    const created = granted.result.keyCreatedUtc!;
    expect(undo('same-file', `${folder}\\key.bin`, created).result).toMatchObject({ ok: true, error: null });

    // Deleted and created again under its name: another file, whose own ACL stays.
    fs.rmSync(key);
    await new Promise((r) => setTimeout(r, 20));
    fs.writeFileSync(key, 'another file');
    const other = undo('other-file', `${folder}\\key.bin`, created);
    expect(other.result.ok).toBe(false);
    expect(other.result.error).toMatch(new RegExp(`^${folder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\\\key\\.bin is another file than the key that was granted \\(created \\S+, the key ${created.replace(/\./g, '\\.')}\\); nothing was changed$`));
    expect(other.icacls).toBe('');
    // A record from before the grant recorded the time (or a grant cut short): no comparison, as before.
    expect(undo('no-time', `${folder}\\key.bin`).result).toMatchObject({ ok: true });
  }, 120_000);

  it('restores onto the key file in its folder, and refuses a link standing where the key or its folder was', () => {
    const folder = path.join(dir, 'keys');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'key.bin'), 'key');
    const plain = undo('plain', `${folder}\\key.bin`);
    expect(plain.result).toMatchObject({ ok: true, step: 'verify', error: null });
    expect(plain.icacls).toBe(`${folder}|/restore|${path.join(dir, 'plain.icacls')}`);

    // The key file replaced by a symbolic link to a file that matters.
    const important = path.join(dir, 'important.txt');
    fs.writeFileSync(important, 'system file');
    fs.rmSync(path.join(folder, 'key.bin'));
    fs.symlinkSync(important, path.join(folder, 'key.bin'));
    const linkedKey = undo('linked-key', `${folder}\\key.bin`);
    expect(linkedKey.result.ok).toBe(false);
    expect(linkedKey.result.error).toBe(`${folder}\\key.bin is now a link (reparse point): restoring through it would change what it points at; nothing was changed`);
    expect(linkedKey.icacls).toBe('');

    // The folder replaced by a link (a junction on Windows) to another folder holding a key.bin.
    const elsewhere = path.join(dir, 'elsewhere');
    fs.mkdirSync(elsewhere);
    fs.writeFileSync(path.join(elsewhere, 'key.bin'), 'another file');
    const linkedFolder = path.join(dir, 'linked');
    fs.symlinkSync(elsewhere, linkedFolder);
    const viaFolder = undo('linked-folder', `${linkedFolder}\\key.bin`);
    expect(viaFolder.result.error).toBe(`${linkedFolder} is now a link (reparse point): restoring through it would change what it points at; nothing was changed`);
    expect(viaFolder.icacls).toBe('');

    const gone = undo('gone', `${folder}\\missing.bin`);
    expect(gone.result.error).toBe(`${folder}\\missing.bin is not there any more; nothing was changed`);
    expect(gone.icacls).toBe('');
  }, 120_000);
});

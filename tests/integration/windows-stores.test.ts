import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { KEY_DIRECTORIES, keyDirectoryText } from '../../electron/platform/windows/key-paths';
import { encodePowerShell, MAX_ENCODED_LENGTH, POWERSHELL } from '../../electron/platform/windows/powershell';
import { storeEnumerationScript, StoreEnumerationSchema, storesFromEnumeration, windowsStoreInfo } from '../../electron/platform/windows/stores';
import { windowsPlatform } from '../../electron/platform/windows';
import type { ExportFiles } from '../../electron/platform/windows/certutil-stores';
import { FakeRunner } from '../helpers/fake-runner';
import { fixture } from '../fixtures/windows/load';

const AT = new Date('2026-11-23T12:00:00Z');
const recorded = fixture('store-enumeration.json');
const doc = JSON.parse(recorded) as { stores: { location: string; name: string; certificates: { rawData: string; thumbprint: string }[] }[] };

/** What openssl says the SHA-1 thumbprint of a DER certificate is. */
function opensslSha1(der: Buffer): string {
  const out = execFileSync('openssl', ['x509', '-inform', 'DER', '-noout', '-fingerprint', '-sha1'], { input: der }).toString();
  return (/=([0-9A-F:]+)/i.exec(out)?.[1] ?? '').replace(/:/g, '').toUpperCase();
}

const isStoreScript = (args: string[]) => args[4] === '-EncodedCommand' && Buffer.from(args[5] ?? '', 'base64').toString('utf16le').includes('X509Store');

describe('the store enumeration script', () => {
  const script = storeEnumerationScript();
  it('covers both locations and the seven stores, CAPI and CNG keys, RSA and ECDSA, per-certificate errors', () => {
    for (const s of ['My', 'Root', 'CA', 'TrustedPeople', 'TrustedPublisher', 'Disallowed', 'WebHosting']) expect(script).toContain(`'${s}'`);
    expect(script).toContain("@('CurrentUser', 'LocalMachine')");
    expect(script).toContain('CspKeyContainerInfo');
    expect(script).toContain('UniqueKeyContainerName');
    expect(script).toContain('RSACertificateExtensions]::GetRSAPrivateKey($cert)');
    expect(script).toContain('ECDsaCertificateExtensions]::GetECDsaPrivateKey($cert)');
    expect(script).toContain('$ck.UniqueName');
    expect(script).toContain('[Convert]::ToBase64String($c.RawData)');
    expect(script.match(/try \{/g)!.length).toBeGreaterThan(8);
    expect(script.trimEnd().endsWith('ConvertTo-Json -InputObject $certbenchResult -Depth 6 -Compress')).toBe(true);
    expect(script).toContain('[Console]::OutputEncoding = [Text.Encoding]::UTF8');
  });
  it('tests every documented key folder (reference section 2)', () => {
    for (const d of KEY_DIRECTORIES) {
      const rel = d.relative.split('<SID>')[0]!;
      expect(script).toContain(rel);
    }
    expect(KEY_DIRECTORIES.map(keyDirectoryText)).toEqual(
      expect.arrayContaining([
        '%ProgramData%\\Microsoft\\Crypto\\RSA\\MachineKeys',
        '%ProgramData%\\Microsoft\\Crypto\\Keys',
        '%ProgramData%\\Microsoft\\Crypto\\SystemKeys',
        '%APPDATA%\\Microsoft\\Crypto\\RSA\\<SID>',
        '%APPDATA%\\Microsoft\\Crypto\\Keys',
        '%windir%\\ServiceProfiles\\NetworkService\\AppData\\Roaming\\Microsoft\\Crypto\\Keys',
      ]),
    );
  });
  it('fits one command line', () => {
    expect(encodePowerShell(script).length).toBeLessThan(MAX_ENCODED_LENGTH);
  });
  it('refuses a store name that is not a plain word', () => {
    expect(() => storeEnumerationScript(["My'; rm"])).toThrow('not a store name');
  });
});

describe('store roles', () => {
  it('maps system store names to roles, labels and trust', () => {
    expect(windowsStoreInfo('LocalMachine', 'Root')).toMatchObject({ id: 'windows:LocalMachine\\Root', role: 'root', trusted: true, label: 'Local Computer > Trusted Root Certification Authorities', location: 'Cert:\\LocalMachine\\Root' });
    expect(windowsStoreInfo('LocalMachine', 'AuthRoot')).toMatchObject({ role: 'root', trusted: true });
    expect(windowsStoreInfo('CurrentUser', 'CA')).toMatchObject({ role: 'intermediate', trusted: false, label: 'Current User > Intermediate Certification Authorities' });
    expect(windowsStoreInfo('CurrentUser', 'my')).toMatchObject({ role: 'personal' });
    expect(windowsStoreInfo('LocalMachine', 'TrustedPeople').role).toBe('trusted-people');
    expect(windowsStoreInfo('LocalMachine', 'TrustedPublisher').role).toBe('trusted-publisher');
    expect(windowsStoreInfo('LocalMachine', 'Disallowed').role).toBe('disallowed');
    expect(windowsStoreInfo('LocalMachine', 'WebHosting').role).toBe('web-hosting');
    expect(windowsStoreInfo('LocalMachine', 'Remote Desktop').role).toBe('other');
  });
});

describe('Windows stores through the platform (recorded JSON)', async () => {
  const runner = new FakeRunner().on(POWERSHELL, isStoreScript, { stdout: `\uFEFF${recorded}` });
  const progress: string[] = [];
  const listing = await windowsPlatform(runner).stores.list({ at: AT, progress: (_d, _t, label) => progress.push(label) });
  const byName = (cn: string) => listing.certificates.find((c) => c.summary.subject.commonName === cn && c.storeId.endsWith('\\My'))!;

  it('ran one PowerShell command the documented way', () => {
    expect(runner.calls).toHaveLength(1);
    expect(runner.calls[0]!.args.slice(0, 5)).toEqual(['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand']);
    expect(runner.unmatched).toEqual([]);
    expect(progress[0]).toBe('Windows certificate stores (PowerShell)');
  });

  it('thumbprints are the ones openssl computes from the embedded DER', () => {
    const embedded = doc.stores.flatMap((s) => s.certificates);
    expect(embedded.length).toBe(listing.certificates.length);
    for (const c of embedded) {
      const openssl = opensslSha1(Buffer.from(c.rawData, 'base64'));
      expect(openssl).toBe(c.thumbprint);
      expect(listing.certificates.some((l) => l.summary.thumbprintSha1 === openssl)).toBe(true);
    }
  });

  it('one store per location and name, with counts, roles and the missing WebHosting store', () => {
    expect(listing.stores).toHaveLength(14);
    const machineMy = listing.stores.find((s) => s.id === 'windows:LocalMachine\\My')!;
    expect(machineMy).toMatchObject({ kind: 'windows', role: 'personal', certificateCount: 5, error: null });
    expect(listing.stores.find((s) => s.id === 'windows:LocalMachine\\Root')).toMatchObject({ role: 'root', trusted: true, certificateCount: 2 });
    expect(listing.stores.find((s) => s.id === 'windows:LocalMachine\\CA')).toMatchObject({ role: 'intermediate', certificateCount: 1 });
    expect(listing.stores.find((s) => s.id === 'windows:CurrentUser\\WebHosting')!.error).toBe('store does not exist on this machine (The system cannot find the file specified.)');
  });

  it('a CAPI machine key: file in RSA\\MachineKeys, not exportable', () => {
    expect(byName('web01.contoso.test')).toMatchObject({
      friendlyName: 'web01 (CAPI key)',
      key: {
        status: 'present',
        providerKind: 'capi',
        provider: 'Microsoft RSA SChannel Cryptographic Provider',
        container: '{BCFFCA5D-B870-4CC2-A8E9-10A641CA58D0}',
        uniqueName: '8e5a57f198ccf38cb4e07149dcca663d_55a42ce9-5197-498f-a203-54bfba68824d',
        path: 'C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys\\8e5a57f198ccf38cb4e07149dcca663d_55a42ce9-5197-498f-a203-54bfba68824d',
        exportable: false,
      },
    });
  });

  it('a CNG machine key: file in Crypto\\Keys (the expected CAPI-route error is not a problem)', () => {
    const shop = byName('shop-client.contoso.test');
    expect(shop.key).toMatchObject({ status: 'present', providerKind: 'cng', provider: 'Microsoft Software Key Storage Provider', exportable: true });
    expect(shop.key.path).toBe('C:\\ProgramData\\Microsoft\\Crypto\\Keys\\b52f658bb3f263e6f529f3a0187c63bc_55a42ce9-5197-498f-a203-54bfba68824d');
    expect(shop.key.detail).toBe('CNG key file found in machine folder (Microsoft Software Key Storage Provider).');
  });

  it('a missing keyset is reported per certificate', () => {
    const lost = byName('lost-key.contoso.test');
    expect(lost.friendlyName).toBeNull();
    expect(lost.key).toMatchObject({ status: 'missing', provider: null, path: null });
    expect(lost.key.detail).toBe(
      'The certificate says it has a private key, but the key cannot be opened: PrivateKey: Keyset does not exist; GetRSAPrivateKey: Keyset does not exist (the key file is gone, or this account may not read it).',
    );
  });

  it('an ECDSA key through GetECDsaPrivateKey', () => {
    const ec = byName('ecdsa-client.contoso.test');
    expect(ec.summary.publicKey.algorithm).toBe('ECC');
    expect(ec.key).toMatchObject({ status: 'present', providerKind: 'cng', path: expect.stringMatching(/^C:\\ProgramData\\Microsoft\\Crypto\\Keys\\944d5680/) });
  });

  it('a smart-card key opens but has no file here', () => {
    const card = byName('smartcard-user');
    expect(card.key.status).toBe('unknown');
    expect(card.key.detail).toMatch(/^The key opens through Microsoft Smart Card Key Storage Provider, but no file named c0f7a8b2-.* \(a smart card, TPM or HSM key has no file here\)\.$/);
  });

  it("a user's CAPI key under RSA\\<SID>", () => {
    const alice = listing.certificates.find((c) => c.storeId === 'windows:CurrentUser\\My')!;
    expect(alice.key).toMatchObject({ status: 'present', providerKind: 'capi', path: expect.stringMatching(/\\Crypto\\RSA\\S-1-5-21-[0-9-]+\\a890fd7f/) });
  });

  it('certificates without a key, and a non-self-signed certificate in LocalMachine\\Root', () => {
    const roots = listing.certificates.filter((c) => c.storeId === 'windows:LocalMachine\\Root');
    expect(roots.map((c) => [c.summary.subject.commonName, c.summary.selfSigned.value, c.key.status])).toEqual([
      ['Certbench Fixture Root CA', true, 'none'],
      ['Certbench Fixture Issuing CA', false, 'none'],
    ]);
  });
});

describe('store JSON edge cases', () => {
  it('PowerShell 5.1 one-element arrays written as objects, and a certificate whose DER is damaged', async () => {
    const one = doc.stores.find((s) => s.location === 'LocalMachine' && s.name === 'CA')!.certificates[0]!;
    const json = JSON.stringify({
      sid: null,
      stores: { location: 'LocalMachine', name: 'CA', error: null, certificates: [one, { ...one, rawData: 'MIIBAAAA', thumbprint: 'AB'.repeat(20) }] },
    });
    const data = StoreEnumerationSchema.parse(JSON.parse(json));
    const listing = await storesFromEnumeration(data, AT);
    expect(listing.certificates).toHaveLength(1);
    expect(listing.stores[0]!.certificateCount).toBe(1);
    expect(listing.stores[0]!.error).toMatch(/^1 certificate\(s\) could not be read: Local Computer > Intermediate Certification Authorities certificate 1 \(ABAB.*\): /);
  });
});

describe('the certutil fallback when PowerShell fails', () => {
  it('reads each store with certutil and exports each certificate by its hash', async () => {
    const web = doc.stores.find((s) => s.location === 'LocalMachine' && s.name === 'My')!.certificates[0]!;
    const lost = doc.stores.find((s) => s.location === 'LocalMachine' && s.name === 'My')!.certificates[2]!;
    const dump = [
      'My "Personal"',
      '================ Certificate 0 ================',
      `Cert Hash(sha1): ${web.thumbprint.toLowerCase()}`,
      '  Key Container = {BCFFCA5D-B870-4CC2-A8E9-10A641CA58D0}',
      '  Unique container name: 8e5a57f198ccf38cb4e07149dcca663d_55a42ce9-5197-498f-a203-54bfba68824d',
      '  Provider = Microsoft RSA SChannel Cryptographic Provider',
      'Private key is NOT exportable',
      'Encryption test passed',
      '',
      '================ Certificate 1 ================',
      `Cert Hash(sha1): ${lost.thumbprint.toLowerCase()}`,
      '  Key Container = 46f11b4056ad38609b08d1dea6880023_7989b711-2e3f-4107-9aae-fb8df2e3b958',
      '  Provider = Microsoft RSA SChannel Cryptographic Provider',
      'Missing stored keyset',
      'CertUtil: -store command completed successfully.',
      '',
    ].join('\r\n');
    const written = new Map<string, Uint8Array>();
    const files: ExportFiles = { tempFile: (n) => `/tmp/fake-${n}`, readBytes: (f) => written.get(f) ?? null, remove: (f) => void written.delete(f) };
    const byThumb = new Map([web, lost].map((c) => [c.thumbprint, Buffer.from(c.rawData, 'base64')]));
    const runner = new FakeRunner()
      .on(POWERSHELL, () => true, { stdout: '', stderr: 'Cannot invoke method. Method invocation is supported only on core types in this language mode.', exitCode: 1 })
      .on('certutil.exe', ['-store', 'My'], { stdout: dump })
      .on('certutil.exe', (args) => args.length === 4 && args[0] === '-store' && args[1] === 'My', (args) => {
        written.set(args[3]!, new Uint8Array(byThumb.get(args[2]!)!));
        return { stdout: 'CertUtil: -store command completed successfully.' };
      })
      .on('certutil.exe', () => true, { stdout: 'CertUtil: -store command FAILED: 0x80070002 (WIN32: 2 ERROR_FILE_NOT_FOUND)\r\nCertUtil: The system cannot find the file specified.\r\n', exitCode: -2147024894 });
    const listing = await windowsPlatform(runner, { exportFiles: files }).stores.list({ at: AT });
    expect(listing.certificates.map((c) => [c.storeId, c.summary.thumbprintSha1, c.key.status, c.key.providerKind])).toEqual([
      ['windows:LocalMachine\\My', web.thumbprint, 'present', 'capi'],
      ['windows:LocalMachine\\My', lost.thumbprint, 'missing', 'capi'],
    ]);
    expect(listing.stores.find((s) => s.id === 'windows:LocalMachine\\My')).toMatchObject({ certificateCount: 2, error: null });
    expect(listing.stores.find((s) => s.id === 'windows:CurrentUser\\My')!.error).toBe('certutil: 0x80070002 (WIN32: 2 ERROR_FILE_NOT_FOUND): The system cannot find the file specified.');
    expect(runner.commandLines()).toContain(`certutil.exe -user -store My`);
    expect(written.size).toBe(0);
  });

  it('when neither PowerShell nor certutil can run, each store says so in one line', async () => {
    const listing = await windowsPlatform(new FakeRunner().on(POWERSHELL, () => true, { stdout: 'not json' })).stores.list({ at: AT });
    expect(listing.certificates).toEqual([]);
    const error = listing.stores[0]!.error!;
    expect(error).not.toContain('\n');
    expect(error).toMatch(/^certutil could not run: fake runner: no recorded output for certutil.exe .* \(PowerShell failed too: PowerShell \(certificate stores\) did not print JSON: not json\)$/);
  });
});

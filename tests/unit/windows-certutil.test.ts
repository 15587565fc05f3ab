import { describe, expect, it } from 'vitest';
import { certutilKeyLocation, parseCertutilStore, providerKindOf } from '../../electron/platform/windows/certutil';
import { fixture } from '../fixtures/windows/load';

describe('certutil -store parser (reference section 1)', () => {
  it('reads the verbatim LocalMachine\\My dump: header, CAPI and CNG keys, unique container names', () => {
    const dump = parseCertutilStore(fixture('certutil-store-machine-my.txt'));
    expect(dump.store).toBe('My');
    expect(dump.friendlyName).toBe('Personal');
    expect(dump.completed).toBe(true);
    expect(dump.failure).toBeNull();
    expect(dump.certificates).toHaveLength(2);
    const [c0, c1] = dump.certificates;
    expect(c0).toMatchObject({
      index: 0,
      archived: false,
      serialNumber: '40d7e4a080d857b7418f88e767a9c405',
      issuer: 'DC=Windows Azure CRP Certificate Generator',
      subject: 'DC=Windows Azure CRP Certificate Generator',
      notBefore: '8/2/2026 11:16 PM',
      notAfter: '8/2/2027 11:16 PM',
      thumbprintSha1: 'E6CC21E72B8357BD5A0990DB7DED3421F3F8B9AA',
      rootCertificate: true,
    });
    expect(c0!.key).toMatchObject({
      container: '{BCFFCA5D-B870-4CC2-A8E9-10A641CA58D0}',
      uniqueName: '8e5a57f198ccf38cb4e07149dcca663d_55a42ce9-5197-498f-a203-54bfba68824d',
      fileName: '8e5a57f198ccf38cb4e07149dcca663d_55a42ce9-5197-498f-a203-54bfba68824d',
      provider: 'Microsoft Enhanced Cryptographic Provider v1.0',
      exportable: false,
      test: 'encryption',
    });
    expect(c1).toMatchObject({ rootCertificate: false, template: 'SubCA, Subordinate Certification Authority', thumbprintSha1: '9DDB6E9C7B19D0C0707F281C0FC8732F44D95296' });
    expect(c1!.key).toMatchObject({ container: 'CVI Issuing CA 1', provider: 'Microsoft Software Key Storage Provider', exportable: true, test: 'signature' });
    expect(providerKindOf(c0!.key)).toBe('capi');
    expect(providerKindOf(c1!.key)).toBe('cng');
  });

  it('gives the same records for the CRLF capture', () => {
    expect(parseCertutilStore(fixture('certutil-store-machine-my-crlf.txt'))).toEqual(parseCertutilStore(fixture('certutil-store-machine-my.txt')));
  });

  it('Variant B: the md5_GUID Key Container is the file name when only a Simple container name follows', () => {
    const dump = parseCertutilStore(fixture('certutil-store-user-my.txt'));
    const [b, a] = dump.certificates;
    expect(b!.key).toMatchObject({
      container: 'a890fd7fbbfc072f8fe045e680c501cf_5834bfa9-1c4a-44a8-a128-c2267f712336',
      simpleName: 'te-User-c7bcc4bd-0498-4411-af44-da2257f54387',
      uniqueName: null,
      fileName: 'a890fd7fbbfc072f8fe045e680c501cf_5834bfa9-1c4a-44a8-a128-c2267f712336',
    });
    expect(a!.key).toMatchObject({ container: '31685cae-af6f-48fb-ac37-845c69b4c097', fileName: 'bf4097e20d4480b8d6ebc139c9360f02_5834bfa9-1c4a-44a8-a128-c2267f712336' });
    expect(dump.completed).toBe(false);
  });

  it('normalises the spaced 2012-era Cert Hash and reads an empty Template line', () => {
    const dump = parseCertutilStore(fixture('certutil-store-spaced-hash.txt'));
    expect(dump.store).toBe('TestStore');
    expect(dump.friendlyName).toBeNull();
    expect(dump.certificates[0]).toMatchObject({ thumbprintSha1: '32C6B7330F306441F916950DD565A7309C50B9C2', template: '' });
    expect(dump.certificates[0]!.key).toMatchObject({ container: 'JoeSoft', exportable: false, test: 'signature' });
  });

  it('reads the -v key section: ProviderType, KeySpec, CRYPT_MACHINE_KEYSET, the key SDDL, Variant B file name', () => {
    const dump = parseCertutilStore(fixture('certutil-store-verbose-capi.txt'));
    expect(dump.certificates).toHaveLength(1);
    const c = dump.certificates[0]!;
    expect(c.thumbprintSha1).toBe('FF2771BD5BD1F7086AB96FB9532B594ED8619C3B');
    expect(c.key).toMatchObject({
      container: '3d40ebea7d109ee93b238b96721f0e6d_4be58f30-7127-42f5-9b76-f47187495247',
      simpleName: '{EA75381E-6D9B-4BDC-B6C7-5144C96507DD}',
      fileName: '3d40ebea7d109ee93b238b96721f0e6d_4be58f30-7127-42f5-9b76-f47187495247',
      provider: 'Microsoft Strong Cryptographic Provider',
      providerType: 1,
      keySpec: 2,
      machineKeyset: true,
      sddl: 'D:PAI(A;;GAGR;;;BA)(A;;GAGR;;;SY)',
      exportable: false,
      test: 'signature',
    });
    expect(dump.completed).toBe(true);
  });

  it('the pasted fragments: no key provider information, and a missing stored keyset', () => {
    const dump = parseCertutilStore(fixture('certutil-fragment-nokey.txt'));
    expect(dump.certificates.map((c) => c.thumbprintSha1)).toEqual(['B805E6AB548F6E7C57D3989F61DE7FE6A51031D1', '779A97B1D8E492B5BAFEBC02338845FFDFF76AD2']);
    const [none, missing] = dump.certificates;
    expect(certutilKeyLocation(none!, 'LocalMachine')).toMatchObject({ status: 'none', provider: null });
    const loc = certutilKeyLocation(missing!, 'LocalMachine');
    expect(loc).toMatchObject({
      status: 'missing',
      providerKind: 'capi',
      container: '46f11b4056ad38609b08d1dea6880023_7989b711-2e3f-4107-9aae-fb8df2e3b958',
      uniqueName: '46f11b4056ad38609b08d1dea6880023_7989b711-2e3f-4107-9aae-fb8df2e3b958',
      path: null,
      exportable: null,
    });
    expect(loc.detail).toMatch(/^Missing stored keyset: .*Microsoft RSA SChannel Cryptographic Provider/);
  });

  it('Archived!, NOT plain text exportable, no key and a missing keyset in one dump', () => {
    const dump = parseCertutilStore(fixture('certutil-store-constructed-mixed.txt'));
    const [archived, nokey, missing] = dump.certificates;
    expect(archived).toMatchObject({ archived: true, subject: 'CN=web01.contoso.test' });
    expect(archived!.key).toMatchObject({ notPlainTextExportable: true, exportable: null, test: 'encryption' });
    const present = certutilKeyLocation(archived!, 'LocalMachine');
    expect(present).toMatchObject({ status: 'present', providerKind: 'cng', uniqueName: '0f1e2d3c4b5a69788796a5b4c3d2e1f0_55a42ce9-5197-498f-a203-54bfba68824d', path: null });
    expect(present.detail).toContain('%ProgramData%\\Microsoft\\Crypto\\RSA\\MachineKeys');
    expect(nokey!.key.noKeyProviderInfo).toBe(true);
    expect(certutilKeyLocation(nokey!, 'LocalMachine').status).toBe('none');
    expect(missing!.key.missingKeyset).toBe(true);
    expect(certutilKeyLocation(missing!, 'LocalMachine').status).toBe('missing');
  });

  it('German labels, CRLF, and the U+FFFD an OEM code page leaves for "ü" (labels partly UNCERTAIN)', () => {
    const dump = parseCertutilStore(fixture('certutil-store-de.txt'));
    expect(dump).toMatchObject({ store: 'My', friendlyName: 'Eigene Zertifikate', completed: true });
    const [c0, c1] = dump.certificates;
    expect(c0).toMatchObject({
      serialNumber: '1a2b3c4d5e',
      issuer: 'CN=Test Root CA',
      subject: 'CN=www.example.com',
      notBefore: '01.01.2026 01:00',
      rootCertificate: false,
      template: 'WebServer',
      thumbprintSha1: 'AABBCCDDEEFF00112233445566778899AABBCCDD',
    });
    expect(c0!.key).toMatchObject({
      container: 'web-2026',
      uniqueName: 'a11a37ef57bb64c3f31f8f99421d1550_e64079bf-f1d8-450e-ba59-2f4d921306df',
      provider: 'Microsoft Software Key Storage Provider',
      exportable: false,
      test: 'encryption',
    });
    expect(c1!.thumbprintSha1).toBe('112233445566778899' + '00AABBCCDDEEFF00112233');
    expect(c1!.key).toMatchObject({ container: '8e5a57f198ccf38cb4e07149dcca663d_e64079bf-f1d8-450e-ba59-2f4d921306df', fileName: '8e5a57f198ccf38cb4e07149dcca663d_e64079bf-f1d8-450e-ba59-2f4d921306df', test: 'encryption' });
    expect(certutilKeyLocation(c1!, 'CurrentUser')).toMatchObject({ status: 'present', providerKind: 'capi' });
  });

  it('a failed -store: the error code and the message line after it', () => {
    const dump = parseCertutilStore(fixture('certutil-store-failed.txt'));
    expect(dump.certificates).toEqual([]);
    expect(dump.failure).toBe('0x80070002 (WIN32: 2 ERROR_FILE_NOT_FOUND): The system cannot find the file specified.');
  });

  it('garbage gives no certificates rather than inventing one', () => {
    expect(parseCertutilStore('not certutil\r\nat all\r\n').certificates).toEqual([]);
    expect(parseCertutilStore('').certificates).toEqual([]);
  });

  it('"Key Id Hash(sha1)" in -v output is not taken for the certificate hash', () => {
    const text = ['================ Certificate 0 ================', 'Key Id Hash(sha1): 00112233445566778899aabbccddeeff00112233', 'Cert Hash(sha1): ffeeddccbbaa99887766554433221100ffeeddcc'].join('\r\n');
    expect(parseCertutilStore(text).certificates[0]!.thumbprintSha1).toBe('FFEEDDCCBBAA99887766554433221100FFEEDDCC');
  });
});

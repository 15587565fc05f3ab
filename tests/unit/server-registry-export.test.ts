import { describe, expect, it } from 'vitest';
import { CertbenchError } from '../../shared/errors';
import { SchannelSettingsSchema, SslBindingSchema } from '../../shared/model/server';
import { bindingsFromRegistry, guidFromBytes, parseRegistryExport, regValue, schannelFromRegistry } from '../../shared/server/registry-export';
import { decodeText } from '../../shared/server/text-decode';
import { fixture } from '../fixtures/windows/load';

/** As regedit writes an export: UTF-16LE with a BOM and CRLF line ends. */
function regeditBytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf16le')]));
}

const exportText = fixture('registry-http-schannel.reg.txt');

describe('.reg exports (regedit "Windows Registry Editor Version 5.00", UTF-16LE with BOM)', () => {
  const decoded = decodeText(regeditBytes(exportText));
  const reg = parseRegistryExport(decoded.text, 'http.reg');

  it('is read through decodeText as UTF-16LE, with keys, DWORDs, strings and continued hex lines', () => {
    expect(decoded.encoding).toBe('utf-16le');
    expect(reg.format).toBe('5.00');
    expect(reg.skippedLines).toBe(0);
    const key = reg.keys.find((k) => k.path.endsWith('SslBindingInfo\\10.0.2.10:443'))!;
    expect(regValue(key, 'defaultflags')).toEqual({ name: 'DefaultFlags', type: 'REG_DWORD', value: 0x42 });
    expect(regValue(key, 'SslCertStoreName')).toEqual({ name: 'SslCertStoreName', type: 'REG_SZ', value: 'WebHosting' });
    const hash = regValue(key, 'SslCertHash');
    expect(hash?.type).toBe('REG_BINARY');
    expect(hash && hash.type === 'REG_BINARY' ? hash.value.length : 0).toBe(20);
  });

  it('bindings: hash as hex, AppId as the IIS GUID, DefaultFlags 0x42 named, CurrentControlSet preferred over ControlSet001', () => {
    const bindings = bindingsFromRegistry(reg, 'http.reg');
    for (const b of bindings) expect(SslBindingSchema.parse(b)).toEqual(b);
    expect(bindings.map((b) => [b.kind, b.key, b.negotiateClientCertificate, b.defaultFlags])).toEqual([
      ['ipport', '0.0.0.0:443', false, 0],
      ['ipport', '10.0.2.10:443', true, 0x42],
      ['hostnameport', 'www.contoso.com:443', true, 0x2],
    ]);
    const [plain, flagged, sni] = bindings;
    expect(plain).toMatchObject({ certificateHash: '61D34F532DA121BBAB64723C4871E72C92F03735', appId: '{4dc3e181-e14b-4a21-b022-59fc669b0914}', certificateStoreName: 'MY', verifyClientCertRevocation: true, usageCheck: true });
    expect(plain!.fields).toContainEqual({ label: 'DefaultFlags', value: '(not set: 0, no flags)' });
    expect(flagged).toMatchObject({ certificateHash: '0B9001B1842FB51F7AB7E4FA7DB77F7BD2916643', disableTls13: true, verifyClientCertRevocation: false, usageCheck: false, ctlIdentifier: null });
    expect(flagged!.flagNames).toEqual(['NEGOTIATE_CLIENT_CERT', 'DISABLE_TLS13']);
    expect(flagged!.fields).toContainEqual({ label: 'DefaultFlags', value: '0x00000042 (NEGOTIATE_CLIENT_CERT, DISABLE_TLS13)' });
    expect(sni).toMatchObject({ ctlStoreName: 'ClientAuthIssuer', certificateHash: 'E6CC21E72B8357BD5A0990DB7DED3421F3F8B9AA' });
  });

  it('Schannel: trust mode, event logging, and Protocols with 0xffffffff kept as a number', () => {
    const s = schannelFromRegistry(reg, 'http.reg')!;
    expect(SchannelSettingsSchema.parse(s)).toEqual(s);
    expect(s).toMatchObject({ sendTrustedIssuerList: null, clientAuthTrustMode: 2, eventLogging: 1 });
    expect(s.protocols).toEqual([
      { protocol: 'TLS 1.0', side: 'Server', enabled: 0, disabledByDefault: 1 },
      { protocol: 'TLS 1.2', side: 'Server', enabled: 0xffffffff, disabledByDefault: 0 },
      { protocol: 'TLS 1.2', side: 'Client', enabled: 1, disabledByDefault: null },
    ]);
    expect(s.notes).toEqual([
      'ClientAuthTrustMode is 2 (Exclusive CA Trust): the client certificate must chain to an intermediate or root certificate in the trusted issuer store (the CTL store).',
      'EventLogging is 0x00000001: Schannel logs errors; warning 36885 (CA list truncated) is not logged (add 0x2, then reboot).',
    ]);
  });
});

describe('SendTrustedIssuerList in words (reference section 6)', () => {
  const withValue = (line: string) => parseRegistryExport(exportText.replace('"EventLogging"=dword:00000001', `"EventLogging"=dword:00000003\n${line}`), 'x.reg');
  const words = (line: string, os?: string) => schannelFromRegistry(withValue(line), 'x.reg', os ? { os: { version: os } } : {})!.impliedIssuerList;

  it('absent on Windows Server 2012 and later: no CA names, the client is offered every certificate', () => {
    expect(words('', '10.0.17763')).toMatch(/^SendTrustedIssuerList is not set, which on Windows Server 2012 and later means 0: the server sends no CA names .* the client is offered every certificate it has/);
  });
  it('absent on 2008 R2 (6.1): the trusted roots are sent, at most 16 KB', () => {
    expect(words('', '6.1.7601')).toMatch(/^SendTrustedIssuerList is not set, which on Windows Server 2008 R2 and earlier means 1: the server sends the names of its Trusted Root Certification Authorities\. Schannel sends at most 16 KB/);
  });
  it('absent with the OS unknown: both readings', () => {
    expect(words('')).toMatch(/On Windows Server 2012 and later that means 0: .* On Windows Server 2008 R2 and earlier it means 1/);
  });
  it('0: no CA names whatever the OS', () => {
    expect(words('"SendTrustedIssuerList"=dword:00000000', '6.1.7601')).toMatch(/^SendTrustedIssuerList is 0: the server sends no CA names/);
  });
  it('1: the names, from the CTL store, else Client Authentication Issuers, else Trusted Root, truncated past 16 KB', () => {
    expect(words('"SendTrustedIssuerList"=dword:00000001', '10.0.20348')).toBe(
      "SendTrustedIssuerList is 1: the server sends the names of the CAs it trusts for client authentication, taken from the binding's CTL store (Ctl Store Name / sslctlstorename) when one is set, otherwise the machine's Client Authentication Issuers store when it holds certificates, otherwise Trusted Root Certification Authorities. Schannel sends at most 16 KB of names and truncates a longer list (warning event 36885), so a client whose CA fell off the list offers no certificate (403.7).",
    );
  });
  it('EventLogging 3 includes warnings, so 36885 is logged', () => {
    expect(schannelFromRegistry(withValue(''), 'x.reg')!.notes![1]).toBe('EventLogging is 0x00000003: Schannel logs errors and warnings, so warning 36885 (CA list truncated) is logged.');
  });
});

describe('.reg value syntax', () => {
  const text = [
    'REGEDIT4',
    '',
    '; a comment',
    '[HKEY_LOCAL_MACHINE\\SOFTWARE\\Test]',
    '@="default value"',
    '"Quoted \\"name\\" = x"="C:\\\\Program Files\\\\"',
    '"Expand"=hex(2):25,53,79,73,74,65,6d,52,6f,6f,74,25,00',
    '"Multi"=hex(7):61,00,62,63,00,00',
    '"Q"=hex(b):01,00,00,00,00,00,00,80',
    '"Gone"=-',
    'garbage line',
    '[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Removed]',
    '"Orphan"=dword:00000001',
  ].join('\r\n');

  it('REGEDIT4 (ANSI strings), the default value, escapes, REG_EXPAND_SZ, REG_MULTI_SZ and REG_QWORD; deletions skipped', () => {
    const reg = parseRegistryExport(text, 'old.reg');
    expect(reg.format).toBe('REGEDIT4');
    expect(reg.keys).toHaveLength(1);
    expect(reg.keys[0]!.values).toEqual([
      { name: '', type: 'REG_SZ', value: 'default value' },
      { name: 'Quoted "name" = x', type: 'REG_SZ', value: 'C:\\Program Files\\' },
      { name: 'Expand', type: 'REG_EXPAND_SZ', value: '%SystemRoot%' },
      { name: 'Multi', type: 'REG_MULTI_SZ', value: ['a', 'bc'] },
      { name: 'Q', type: 'REG_QWORD', value: 0x8000000000000001n },
    ]);
    // "garbage line" and the value under the deleted key.
    expect(reg.skippedLines).toBe(2);
  });

  it('hex(7) in a 5.00 export is UTF-16LE', () => {
    const reg = parseRegistryExport('Windows Registry Editor Version 5.00\n[HKEY_CURRENT_USER\\X]\n"M"=hex(7):41,00,00,00,42,00,00,00,00,00\n', 'm.reg');
    expect(reg.keys[0]!.values[0]).toEqual({ name: 'M', type: 'REG_MULTI_SZ', value: ['A', 'B'] });
  });

  it('a GUID is read in COM byte order (Data1-3 little-endian)', () => {
    expect(guidFromBytes(new Uint8Array([0x81, 0xe1, 0xc3, 0x4d, 0x4b, 0xe1, 0x21, 0x4a, 0xb0, 0x22, 0x59, 0xfc, 0x66, 0x9b, 0x09, 0x14]))).toBe('{4dc3e181-e14b-4a21-b022-59fc669b0914}');
    expect(guidFromBytes(new Uint8Array(15))).toBeNull();
  });

  it('no header: a one-line bad-input error naming the file; an export without the keys gives no bindings and no Schannel', () => {
    expect(() => parseRegistryExport('[HKEY_LOCAL_MACHINE\\X]\n', 'a.reg')).toThrow(new CertbenchError('bad-input', 'a.reg: not a registry export (the first line is not "Windows Registry Editor Version 5.00" or "REGEDIT4")'));
    const other = parseRegistryExport(text, 'old.reg');
    expect(bindingsFromRegistry(other, 'old.reg')).toEqual([]);
    expect(schannelFromRegistry(other, 'old.reg')).toBeNull();
  });
});

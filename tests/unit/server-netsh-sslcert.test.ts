import { describe, expect, it } from 'vitest';
import { CertbenchError } from '../../shared/errors';
import { SslBindingSchema } from '../../shared/model/server';
import { parseNetshSslcert } from '../../shared/server/netsh-sslcert';
import { decodeCertCheckMode, decodeDefaultFlags, decodeIisBindingSslFlags } from '../../shared/server/ssl-flags';
import { fixture } from '../fixtures/windows/load';

const field = (b: { fields: { label: string; value: string }[] }, label: string) => b.fields.find((f) => f.label === label)?.value;

describe('netsh http show sslcert (reference section 4)', () => {
  it('the verbatim full field list: every field kept, switches read, extended properties left out', () => {
    const [b, ...rest] = parseNetshSslcert(fixture('netsh-sslcert-full.txt'), 'netsh.txt');
    expect(rest).toEqual([]);
    expect(SslBindingSchema.parse(b)).toEqual(b);
    expect(b).toMatchObject({
      key: '0.0.0.0:44307',
      kind: 'ipport',
      certificateHash: '61D34F532DA121BBAB64723C4871E72C92F03735',
      appId: '{214124cd-d05b-4309-9af9-9caa44b2b74a}',
      certificateStoreName: 'MY',
      ctlIdentifier: null,
      ctlStoreName: null,
      verifyClientCertRevocation: true,
      usageCheck: true,
      dsMapperUsage: false,
      negotiateClientCertificate: false,
      disableTls12: false,
      disableTls13: false,
      disableLegacyTls: false,
      defaultFlags: 0,
      flagNames: [],
      source: 'netsh.txt',
    });
    expect(b!.fields).toHaveLength(23);
    expect(b!.fields[0]).toEqual({ label: 'IP:port', value: '0.0.0.0:44307' });
    expect(field(b!, 'Verify Revocation Using Cached Client Certificate Only')).toBe('Disabled');
    expect(field(b!, 'Enable Session Ticket')).toBe('Not Set');
    expect(b!.fields.map((f) => f.label)).not.toContain('PropertyId');
    expect(b!.fields.map((f) => f.label)).not.toContain('Receive Window');
  });

  it('Windows Server 2012 R2: the short list, negotiation off on 0.0.0.0:443 and on 10.0.2.10:8443 with the DS mapper', () => {
    const bindings = parseNetshSslcert(fixture('netsh-sslcert-ws2012r2.txt'), 'ws2012r2.txt');
    expect(bindings.map((b) => [b.key, b.negotiateClientCertificate, b.defaultFlags, b.flagNames])).toEqual([
      ['0.0.0.0:443', false, 0, []],
      ['10.0.2.10:8443', true, 0x3, ['USE_DS_MAPPER', 'NEGOTIATE_CLIENT_CERT']],
    ]);
    // "(null)" store name: HTTP.SYS then uses MY.
    expect(bindings[1]!.certificateStoreName).toBeNull();
    expect(bindings[1]!.verifyClientCertRevocation).toBe(false);
    // 2012 R2 prints no TLS switches: unknown, not "enabled".
    expect(bindings[0]!.disableTls13).toBeNull();
  });

  it('an SNI binding with a CTL store, TLS 1.3 and legacy TLS disabled (Set): DefaultFlags 0x440 rebuilt and named', () => {
    const [b] = parseNetshSslcert(fixture('netsh-sslcert-sni-ctl.txt'), 'adfs.txt');
    expect(b).toMatchObject({ key: 'adfs.samlsecurity.com:443', kind: 'hostnameport', ctlStoreName: 'AdfsTrustedDevices', disableTls13: true, disableLegacyTls: true, defaultFlags: 0x440 });
    expect(b!.flagNames).toEqual(['DISABLE_TLS13', 'DISABLE_LEGACY_TLS']);
    expect(field(b!, 'Disable Session ID')).toBe('Not Set');
  });

  it('German labels, including U+FFFD for "ü" and one unknown label taken by its position', () => {
    const [ip, sni] = parseNetshSslcert(fixture('netsh-sslcert-de.txt'), 'de.txt');
    expect(ip).toMatchObject({
      key: '0.0.0.0:443',
      kind: 'ipport',
      certificateHash: '32C6B7330F306441F916950DD565A7309C50B9C2',
      appId: '{4dc3e181-e14b-4a21-b022-59fc669b0914}',
      certificateStoreName: 'MY',
      verifyClientCertRevocation: true,
      usageCheck: true,
      negotiateClientCertificate: false,
      disableTls13: true,
      defaultFlags: 0x40,
    });
    expect(ip!.fields[1]).toEqual({ label: 'Zertifikathash', value: '32c6b7330f306441f916950dd565a7309c50b9c2' });
    expect(sni).toMatchObject({
      key: 'shop.contoso.de:443',
      kind: 'hostnameport',
      certificateStoreName: 'WebHosting',
      usageCheck: true,
      ctlStoreName: 'Clientauthentifizierungsaussteller',
      negotiateClientCertificate: true,
      defaultFlags: 0x2,
    });
  });

  it('CRLF with trailing spaces: an IPv6 wildcard binding and a central certificate store entry', () => {
    const bindings = parseNetshSslcert(fixture('netsh-sslcert-crlf.txt'), 'crlf.txt');
    expect(bindings.map((b) => [b.key, b.kind, b.negotiateClientCertificate, b.defaultFlags])).toEqual([
      ['[::]:443', 'ipport', true, 0x2 | 0x20 | 0x40],
      ['443', 'ccs', false, 0],
    ]);
    expect(bindings[0]!.flagNames).toEqual(['NEGOTIATE_CLIENT_CERT', 'DISABLE_QUIC', 'DISABLE_TLS13']);
    expect(bindings[1]!.certificateHash).toBeNull();
    expect(bindings.every((b) => b.fields.every((f) => !/\r|\s$/.test(f.value)))).toBe(true);
  });

  it('"The system cannot find the file specified." means no binding, and a header alone means none either', () => {
    expect(parseNetshSslcert(fixture('netsh-sslcert-notfound.txt'), 'none.txt')).toEqual([]);
    expect(parseNetshSslcert('\r\nSSL Certificate bindings:\r\n-------------------------\r\n\r\n', 'empty.txt')).toEqual([]);
  });

  it('text that is not netsh output is a one-line bad-input error naming the file', () => {
    const attempt = () => parseNetshSslcert('Server: example.com:443\nHello world\n', 'notes.txt');
    expect(attempt).toThrow(CertbenchError);
    expect(attempt).toThrow('notes.txt: not the output of "netsh http show sslcert"');
    try {
      attempt();
    } catch (err) {
      expect((err as CertbenchError).code).toBe('bad-input');
      expect((err as Error).message).not.toContain('\n');
    }
  });

  it('more than 5 MB is refused before parsing', () => {
    expect(() => parseNetshSslcert('x'.repeat(5 * 1024 * 1024 + 1), 'big.txt')).toThrow(/^big\.txt: larger than the 5 MB netsh/);
  });
});

describe('the three bitfields, kept apart (reference sections 5 and 8)', () => {
  it('DefaultFlags 0x42 is NEGOTIATE_CLIENT_CERT and DISABLE_TLS13, with netsh labels; unknown bits are named by value', () => {
    expect(decodeDefaultFlags(0x42)).toEqual({
      value: 0x42,
      names: ['NEGOTIATE_CLIENT_CERT', 'DISABLE_TLS13'],
      netshLabels: ['Negotiate Client Certificate', 'Disable TLS1.3'],
      unknownBits: 0,
    });
    expect(decodeDefaultFlags(0x10001).names).toEqual(['USE_DS_MAPPER', '0x00010000']);
  });
  it('DefaultSslCertCheckMode 0x10001: no revocation check, no usage check', () => {
    expect(decodeCertCheckMode(0x10001)).toMatchObject({ verifyRevocation: false, usageCheck: false, names: ['NO_REVOCATION_CHECK', 'NO_USAGE_CHECK'] });
    expect(decodeCertCheckMode(0)).toMatchObject({ verifyRevocation: true, usageCheck: true, names: [] });
  });
  it('IIS <binding sslFlags="33">: SNI with TLS 1.3 over TCP disabled, which is 0x40 in DefaultFlags, not 32', () => {
    expect(decodeIisBindingSslFlags(33)).toMatchObject({ sni: true, centralStore: false, disableTls13: true, names: ['Sni', 'DisableTLS13'] });
    expect(decodeDefaultFlags(32).names).toEqual(['DISABLE_QUIC']);
  });
});

import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { defaultKeychains, macosPlatform, NOT_SUPPORTED, SECURITY } from '../../electron/platform/macos';
import { parseFindCertificate, parseFindIdentity } from '../../shared/stores/macos-security';
import { FakeRunner } from '../helpers/fake-runner';
import { fixture } from '../fixtures/windows/load';

const AT = new Date('2026-11-23T12:00:00Z');
const certs = fixture('find-certificate-login.pem.txt', 'macos');
const validIds = fixture('find-identity-login.txt', 'macos');
const allIds = fixture('find-identity-all.txt', 'macos');

function openssl(der: Uint8Array, digest: 'sha1' | 'sha256'): string {
  const out = execFileSync('openssl', ['x509', '-inform', 'DER', '-noout', '-fingerprint', `-${digest}`], { input: Buffer.from(der) }).toString();
  return (/=([0-9A-F:]+)/i.exec(out)?.[1] ?? '').replace(/:/g, '').toUpperCase();
}

describe('security find-certificate -a -p -Z', () => {
  it('hash lines and PEM blocks; the printed hashes are what openssl computes', () => {
    const parsed = parseFindCertificate(certs);
    expect(parsed).toHaveLength(3);
    for (const c of parsed) {
      expect(c.sha1).toBe(openssl(c.der, 'sha1'));
      expect(c.sha256).toBe(openssl(c.der, 'sha256'));
    }
  });
  it('older releases print SHA-1 only; CRLF is tolerated', () => {
    const sha1Only = certs.replace(/^SHA-256 hash:.*\n/gm, '').replace(/\n/g, '\r\n');
    expect(parseFindCertificate(sha1Only).map((c) => [c.sha256, c.sha1 !== null])).toEqual([
      [null, true],
      [null, true],
      [null, true],
    ]);
  });
  it('a hash that does not match its PEM, a cut-off block and stray text are one-line errors', () => {
    const wrong = certs.replace(/SHA-1 hash: ([0-9A-F])/, (_m, c: string) => `SHA-1 hash: ${c === '0' ? '1' : '0'}`);
    expect(() => parseFindCertificate(wrong)).toThrow("security find-certificate: certificate 1's printed hash does not match its PEM (damaged output?)");
    expect(() => parseFindCertificate(certs.slice(0, 400))).toThrow('security find-certificate: the output ends inside a PEM block');
    expect(() => parseFindCertificate('keychain: "/Users/a/Library/Keychains/login.keychain-db"\n')).toThrow(/^security find-certificate: unexpected line 1: "keychain: /);
    expect(parseFindCertificate('')).toEqual([]);
  });
});

describe('security find-identity -p ssl-client', () => {
  it('-v: the valid identities and their count', () => {
    const r = parseFindIdentity(validIds);
    expect(r.matching).toBeNull();
    expect(r.valid.map((i) => [i.index, i.name, i.problem])).toEqual([
      [1, 'alice', null],
      [2, 'shop-client.contoso.test', null],
    ]);
    expect(r.valid[0]!.sha1).toMatch(/^[0-9A-F]{40}$/);
  });
  it('without -v: both sections, with the reason an identity is not valid', () => {
    const r = parseFindIdentity(allIds);
    expect(r.matching!.map((i) => [i.name, i.problem])).toEqual([
      ['alice', null],
      ['shop-client.contoso.test', null],
      ['old-client', 'CSSMERR_TP_CERT_EXPIRED'],
    ]);
    expect(r.valid).toHaveLength(2);
  });
  it('counts are checked; other text is a one-line error', () => {
    expect(() => parseFindIdentity(validIds.replace('2 valid', '3 valid'))).toThrow('security find-identity: says 3 valid identities found but lists 2');
    expect(() => parseFindIdentity(validIds.split('\n').slice(0, 1).join('\n'))).toThrow('security find-identity: identities listed without a count line (truncated output?)');
    expect(() => parseFindIdentity('')).toThrow('security find-identity: no identities count line in the output');
    expect(() => parseFindIdentity('security: SecKeychainOpen: bad\n')).toThrow('security find-identity: unexpected line "security: SecKeychainOpen: bad"');
    expect(parseFindIdentity('     0 valid identities found\n')).toEqual({ valid: [], matching: null });
  });
});

describe('macosPlatform', () => {
  const keychains = defaultKeychains('/Users/alice');
  const [login, system, roots] = keychains;

  it('keychain stores with key presence from find-identity', async () => {
    const runner = new FakeRunner()
      .on(SECURITY, ['find-certificate', '-a', '-p', '-Z', login!.path], { stdout: certs })
      .on(SECURITY, ['find-identity', '-v', '-p', 'ssl-client', login!.path], { stdout: validIds })
      .on(SECURITY, ['find-certificate', '-a', '-p', '-Z', system!.path], {
        exitCode: 44,
        stderr: 'security: SecKeychainSearchCopyNext: The specified item could not be found in the keychain.\n',
      })
      .on(SECURITY, ['find-certificate', '-a', '-p', '-Z', roots!.path], { exitCode: 1, stderr: 'security: SecKeychainCreateFromPath: permission denied\n' });
    const listing = await macosPlatform(runner, { keychains }).stores.list({ at: AT });
    expect(listing.stores.map((s) => [s.id, s.kind, s.role, s.trusted, s.certificateCount, s.error])).toEqual([
      ['macos:login', 'macos-keychain', 'personal', false, 3, null],
      ['macos:System', 'macos-keychain', 'other', false, 0, null],
      ['macos:SystemRoots', 'macos-keychain', 'root', true, 0, 'security find-certificate exited with code 1: security: SecKeychainCreateFromPath: permission denied'],
    ]);
    expect(login!.path).toBe('/Users/alice/Library/Keychains/login.keychain-db');
    expect(listing.certificates.map((c) => [c.summary.subject.commonName, c.key.status, c.key.providerKind])).toEqual([
      ['alice', 'present', 'keychain'],
      ['shop-client.contoso.test', 'present', 'keychain'],
      ['Certbench Fixture Issuing CA', 'unknown', 'keychain'],
    ]);
    expect(listing.certificates[0]!.key.detail).toBe('A valid client-authentication identity in login keychain ("alice"): its private key is in the keychain.');
    for (const c of listing.certificates) expect(c.summary.thumbprintSha1).toBe(openssl(Buffer.from(c.summary.derBase64, 'base64'), 'sha1'));
  });

  it('a find-identity failure leaves key status unknown, with the reason', async () => {
    const runner = new FakeRunner()
      .on(SECURITY, (a) => a[0] === 'find-certificate', { stdout: certs })
      .on(SECURITY, (a) => a[0] === 'find-identity', { stdout: 'garbage\n' });
    const listing = await macosPlatform(runner, { keychains: [login!] }).stores.list({ at: AT });
    expect(listing.certificates[0]!.key).toMatchObject({ status: 'unknown', detail: 'Private keys in login keychain could not be listed: security find-identity: unexpected line "garbage".' });
  });

  it('ACL reading and grants are refused in one line', async () => {
    const p = macosPlatform(new FakeRunner());
    await expect(p.acl.read('/x')).rejects.toThrow(NOT_SUPPORTED);
    expect(() => p.acl.canRead({ path: '/x', owner: null, group: null, mode: null, entries: [], raw: '', platform: 'posix' }, { name: 'a', kind: 'user', memberOf: [], sid: null, source: 't' })).toThrow(NOT_SUPPORTED);
    await expect(p.aclWriter.grant('/x', { name: 'a', kind: 'user', memberOf: [], sid: null, source: 't' })).rejects.toThrow('not supported on macOS keychains: use Keychain Access');
    await expect(p.aclWriter.undo('id')).rejects.toThrow(NOT_SUPPORTED);
    await expect(p.identities.resolve('a')).rejects.toThrow(NOT_SUPPORTED);
    await expect(p.identities.list()).resolves.toEqual([]);
    expect(p.name).toBe('macos');
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNssDatabase } from '../../electron/platform/linux/nss';
import { nssRole, parseCertutilKeys, parseCertutilList } from '../../shared/stores/nss';
import { LinuxIdentityDirectory, identitiesFromGetent, parseGroups, parsePasswd } from '../../electron/platform/linux/identities';
import { changeFor } from '../../electron/platform/linux/acl-writer';
import { parseGetfacl, type PosixSubject } from '../../shared/acl/posix';
import { FakeRunner } from '../helpers/fake-runner';

/** Linux adapters on recorded output (tests/fixtures/linux, captured from certutil 3.87 and getent on Debian 12). */
const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'linux', name), 'utf8');
const AT = new Date('2026-12-01T00:00:00Z');

describe('certutil output', () => {
  it('reads nicknames with spaces and parentheses, and the trust flags from the end of the line', () => {
    expect(parseCertutilList(fixture('certutil-L.txt'))).toEqual([
      { nickname: 'Contoso Root CA', trust: 'CT,C,C' },
      { nickname: 'alice (client)', trust: 'u,u,u' },
      { nickname: 'peer one', trust: 'P,,' },
    ]);
  });

  it('reads the key list and ignores the "Checking token" line; orphans have no nickname', () => {
    const keys = parseCertutilKeys(`${fixture('certutil-K.txt')}< 1> rsa      00aa11bb22cc33dd44ee55ff66778899aabbccdd   (orphan)\n`);
    expect(keys).toEqual([
      { index: 0, algorithm: 'ec', keyId: 'f82d4be3af7b22a9367e78cc2f699ed5e160ee99', nickname: 'alice (client)' },
      { index: 1, algorithm: 'rsa', keyId: '00aa11bb22cc33dd44ee55ff66778899aabbccdd', nickname: null },
    ]);
  });

  it('maps trust flags to store roles like Windows stores (Root, My, TrustedPeople, CA)', () => {
    expect(nssRole('CT,C,C', null)).toBe('root');
    expect(nssRole('T,,', null)).toBe('root');
    expect(nssRole('u,u,u', null)).toBe('personal');
    expect(nssRole(',,u', null)).toBe('personal');
    expect(nssRole('P,,', null)).toBe('trusted-people');
    expect(nssRole('c,,', null)).toBe('intermediate');
    expect(nssRole(',,', null)).toBe('other');
  });

  it('reads a database into trusted CAs, personal certificates with their key, and trusted peers', async () => {
    const dir = '/home/alice/.pki/nssdb';
    const spec = `sql:${dir}`;
    const runner = new FakeRunner()
      .on('certutil', ['-L', '-d', spec], { stdout: fixture('certutil-L.txt') })
      .on('certutil', ['-K', '-d', spec], { stdout: fixture('certutil-K.txt') })
      .on('certutil', ['-L', '-d', spec, '-n', 'Contoso Root CA', '-a'], { stdout: fixture('certutil-L-n-root.pem') })
      .on('certutil', ['-L', '-d', spec, '-n', 'alice (client)', '-a'], { stdout: fixture('certutil-L-n-alice.pem') })
      .on('certutil', ['-L', '-d', spec, '-n', 'peer one', '-a'], { stdout: fixture('certutil-L-n-peer.pem') });
    const r = await readNssDatabase(runner, { dir, label: 'NSS database (Chrome, Chromium)' }, AT);
    expect(runner.unmatched).toEqual([]);
    expect(r.stores.map((s) => [s.id, s.role, s.trusted, s.certificateCount, s.label])).toEqual([
      [`nss:${dir}#root`, 'root', true, 1, 'NSS database (Chrome, Chromium): trusted CAs'],
      [`nss:${dir}#personal`, 'personal', false, 1, 'NSS database (Chrome, Chromium): your certificates'],
      [`nss:${dir}#trusted-people`, 'trusted-people', false, 1, 'NSS database (Chrome, Chromium): trusted peers'],
    ]);
    expect(r.certificates.map((c) => [c.friendlyName, c.trustFlags, c.summary.thumbprintSha1, c.key.status])).toEqual([
      ['Contoso Root CA', 'CT,C,C', '916897F972B108E9DFA11F234265A68E983CF23E', 'none'],
      ['alice (client)', 'u,u,u', 'A0F44D9D6CE966DE4C49D30255020ADC2E622A2E', 'present'],
      ['peer one', 'P,,', 'FAD2FD4C7EBAF267BF54A75CE5ECEC7FFC598DE0', 'none'],
    ]);
    expect(r.certificates[1]!.key).toEqual({
      status: 'present',
      provider: 'NSS Certificate DB',
      providerKind: 'nss',
      container: 'f82d4be3af7b22a9367e78cc2f699ed5e160ee99',
      uniqueName: null,
      path: `${dir}/key4.db`,
      exportable: null,
      detail: 'ec key f82d4be3af7b22a9367e78cc2f699ed5e160ee99 in key4.db',
    });
  });

  it('says when certutil is missing, and when the key database needs its password', async () => {
    const missing = await readNssDatabase(new FakeRunner().on('certutil', () => true, { exitCode: null, error: 'certutil: command not found' }), { dir: '/db', label: 'db' }, AT);
    expect(missing.stores.map((s) => s.error)).toEqual(['certutil is not installed (apt-get install libnss3-tools)', 'certutil is not installed (apt-get install libnss3-tools)']);
    const locked = await readNssDatabase(
      new FakeRunner()
        .on('certutil', ['-L', '-d', 'sql:/db'], { stdout: 'alice (client)    u,u,u\n' })
        .on('certutil', ['-K', '-d', 'sql:/db'], { exitCode: 255, stderr: 'certutil: could not authenticate to token NSS Certificate DB.: SEC_ERROR_BAD_PASSWORD: The security password entered is incorrect.\n' })
        .on('certutil', ['-L', '-d', 'sql:/db', '-n', 'alice (client)', '-a'], { stdout: fixture('certutil-L-n-alice.pem') }),
      { dir: '/db', label: 'db' },
      AT,
    );
    expect(locked.certificates[0]!.key).toMatchObject({ status: 'present', detail: 'NSS marks it as a user certificate (u); the key database is password-protected; its key list needs the password' });
  });
});

describe('getent identities', () => {
  const passwd = 'root:x:0:0:root:/root:/bin/bash\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\nalice:x:1000:1000:Alice,,,:/home/alice:/bin/bash\nbroken line\n';
  const group = 'root:x:0:\nwww-data:x:33:\nssl-cert:x:110:www-data,alice\nalice:x:1000:\ndomain users:x:5000:alice\n';

  it('lists users (service accounts by uid and shell) with their groups, then groups', () => {
    const ids = identitiesFromGetent(parsePasswd(passwd), parseGroups(group));
    expect(ids.map((i) => [i.name, i.kind, i.memberOf.join(','), i.posixId])).toEqual([
      ['root', 'user', 'root', 0],
      ['www-data', 'service', 'www-data,ssl-cert', 33],
      ['alice', 'user', 'alice,ssl-cert,domain users', 1000],
      ['group:root', 'group', 'root', 0],
      ['group:www-data', 'group', 'www-data', 33],
      ['group:ssl-cert', 'group', 'ssl-cert', 110],
      ['group:alice', 'group', 'alice', 1000],
      ['group:domain users', 'group', 'domain users', 5000],
    ]);
  });

  it('resolves a user with id -G (numeric, so group names with spaces survive), and a group', async () => {
    const runner = new FakeRunner()
      .on('getent', ['passwd', 'alice'], { stdout: 'alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash\n' })
      .on('id', ['-G', 'alice'], { stdout: '1000 110 5000\n' })
      .on('getent', ['group', '1000', '110', '5000'], { stdout: 'alice:x:1000:\nssl-cert:x:110:www-data,alice\ndomain users:x:5000:alice\n' })
      .on('getent', ['group', 'ssl-cert'], { stdout: 'ssl-cert:x:110:www-data,alice\n' })
      .on('getent', ['passwd', 'nobody-here'], { exitCode: 2 });
    const dir = new LinuxIdentityDirectory(runner);
    expect(await dir.resolve('alice')).toEqual({ name: 'alice', kind: 'user', memberOf: ['alice', 'ssl-cert', 'domain users'], sid: null, source: 'getent passwd + id -G', posixId: 1000 });
    expect(await dir.resolve('group:ssl-cert')).toMatchObject({ name: 'group:ssl-cert', kind: 'group', posixId: 110 });
    await expect(dir.resolve('nobody-here')).rejects.toThrow('identity: no user "nobody-here" on this machine (getent passwd); for a group write group:NAME');
  });
});

describe('changeFor: the setfacl argument of a grant', () => {
  const svc: PosixSubject = { kind: 'user', name: 'svc', id: 990, groups: ['svc'] };
  const blockOf = (lines: string[], owner = 'root', group = 'root') => parseGetfacl(`# file: /k\n# owner: ${owner}\n# group: ${group}\n${lines.join('\n')}\n\n`)[0]!;

  it('adds a named entry; setfacl creates the mask from the group class', () => {
    const c = changeFor(blockOf(['user::rw-', 'group::---', 'other::---']), svc, 'r', 'why');
    expect(c).toMatchObject({ spec: 'u:svc:r', before: 'no entry for svc', after: 'user:svc:r--, mask::r-- (new)' });
  });

  it('keeps an existing entry\'s other permissions (setfacl -m replaces them)', () => {
    expect(changeFor(blockOf(['user::rwx', 'user:svc:-w-', 'group::---', 'mask::-w-', 'other::---']), svc, 'x', 'why').spec).toBe('u:svc:wx');
  });

  it('gives the mask explicitly when recomputing it would widen someone else', () => {
    // bob has rw- but the mask limits him to r--; a recomputed mask would be rw- and give bob write.
    const c = changeFor(blockOf(['user::rw-', 'user:bob:rw-', 'group::---', 'mask::r--', 'other::---']), svc, 'r', 'why');
    expect(c.spec).toBe('u:svc:r,m::r');
    const widenNeeded = changeFor(blockOf(['user::rwx', 'user:bob:rw-', 'group::---', 'mask::r--', 'other::---']), svc, 'x', 'why');
    expect(widenNeeded.spec).toBe('u:svc:x,m::rx');
  });

  it('widens the owner or owning-group entry instead of adding a named entry for them', () => {
    expect(changeFor(blockOf(['user::-w-', 'group::---', 'other::---'], 'svc'), svc, 'r', 'why').spec).toBe('u::rw');
    expect(changeFor(blockOf(['user::rw-', 'group::---', 'other::---'], 'root', 'ssl-cert'), { kind: 'group', name: 'ssl-cert', id: 110, groups: ['ssl-cert'] }, 'r', 'why').spec).toBe('g::r');
    expect(changeFor(blockOf(['user::rw-', 'group::---', 'other::---']), { kind: 'user', name: 'ad user', id: 5001, groups: [] }, 'r', 'why').spec).toBe('u:5001:r');
  });
});

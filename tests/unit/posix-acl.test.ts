import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  aclFromFacl,
  checkAccess,
  checkPathAccess,
  minimalFaclFromMode,
  overallAnswer,
  parseGetfacl,
  type FaclBlock,
  type FaclEntry,
  type PosixSubject,
} from '../../shared/acl/posix';
import { traversedDirectories } from '../../electron/platform/posix-acl';
import { keyFileFindings } from '../../electron/platform/key-findings';
import type { Identity } from '../../shared/model/acl';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'linux', name), 'utf8');

const www: PosixSubject = { kind: 'user', name: 'www-data', id: 33, groups: ['www-data'] };
function block(owner: string, group: string, lines: string[]): FaclBlock {
  const [b] = parseGetfacl(`# file: /k\n# owner: ${owner}\n# group: ${group}\n${lines.join('\n')}\n\n`);
  return b!;
}

describe('parseGetfacl (recorded getfacl -p --absolute-names output)', () => {
  it('reads several files, named entries, the mask, effective rights and default entries', () => {
    const text = fixture('getfacl-key-with-mask.txt');
    const blocks = parseGetfacl(text);
    expect(blocks.map((b) => b.path)).toEqual(['/tmp/rec/keys', '/tmp/rec/keys/app.key']);
    expect(blocks.map((b) => b.text).join('')).toBe(text);
    const key = blocks[1]!;
    expect(key).toMatchObject({ owner: 'root', group: 'root', flags: null });
    expect(key.entries.map((e) => [e.text, e.effective])).toEqual([
      ['user::rw-', null],
      ['user:www-data:rw-', 'r--'],
      ['group::---', null],
      ['group:ssl-cert:r--', null],
      ['mask::r--', null],
      ['other::---', null],
    ]);
    expect(blocks[0]!.entries.filter((e) => e.isDefault).map((e) => e.text)).toEqual([
      'default:user::rwx',
      'default:user:www-data:r--',
      'default:group::r-x',
      'default:mask::r-x',
      'default:other::---',
    ]);
  });

  it('undoes getfacl escapes in names (backslash, octal newline) and reads the flags line', () => {
    const [b] = parseGetfacl(fixture('getfacl-escaped-name.txt'));
    expect(b!.path).toBe('/tmp/rec/we ird\\name\nx');
    expect(b!.flags).toBe('s--');
  });

  it('builds from the mode bits exactly what getfacl prints for a file without extended entries', () => {
    const text = fixture('getfacl-escaped-name.txt');
    expect(minimalFaclFromMode('/tmp/rec/we ird\\name\nx', 0o104644, 'root', 'root').text).toBe(text);
  });

  it('names the line it cannot read', () => {
    expect(() => parseGetfacl('# file: /k\nuser:bad\n')).toThrow('getfacl output: cannot read the entry "user:bad"');
  });

  it('turns a block into the contract Acl (principals, rights, flags, mode)', () => {
    const acl = aclFromFacl(parseGetfacl(fixture('getfacl-key-with-mask.txt'))[1]!, 0o100640);
    expect(acl.mode).toBe('0640');
    expect(acl.entries.map((e) => [e.principal.name, e.principal.kind, e.rawRights, e.rights.join('+'), e.flags.join(' ')])).toEqual([
      ['user:root', 'owner', 'rw-', 'read+write', ''],
      ['user:www-data', 'user', 'rw-', 'read+write', 'effective:r--'],
      ['group:root', 'group', '---', '', 'owning-group'],
      ['group:ssl-cert', 'group', 'r--', 'read', ''],
      ['mask', 'mask', 'r--', 'read', ''],
      ['other', 'other', '---', '', ''],
    ]);
  });
});

describe('checkAccess: the POSIX.1e access check algorithm', () => {
  it('owner entry decides for the owner, even against a generous other', () => {
    const a = checkAccess(block('www-data', 'root', ['user::-w-', 'group::r--', 'other::r--']), www, 'r');
    expect(a.canRead).toBe(false);
    expect(a.decidedBy).toBe('denied by "user::-w-": www-data owns the file and the owner entry lacks read; group and other entries are not consulted for the owner');
  });

  it('a named user entry decides, limited by the mask', () => {
    const b = block('root', 'root', ['user::rw-', 'user:www-data:rw-\t#effective:-w-', 'group::---', 'mask::-w-', 'other::r--']);
    const a = checkAccess(b, www, 'r');
    expect(a.canRead).toBe(false);
    expect(a.decidedBy).toBe('denied by "mask::-w-": it limits "user:www-data:rw-" to -w-, without read');
    const ok = checkAccess(block('root', 'root', ['user::rw-', 'user:www-data:r--', 'group::---', 'mask::r--', 'other::---']), www, 'r');
    expect(ok).toMatchObject({ canRead: true, decidedBy: 'allowed by "user:www-data:r--" (named user entry, within mask::r--)' });
  });

  it('a matching group entry without read denies, and "other" is not consulted', () => {
    const a = checkAccess(block('root', 'www-data', ['user::rw-', 'group::---', 'other::r--']), www, 'r');
    expect(a.canRead).toBe(false);
    expect(a.decidedBy).toBe('denied by "group::---": www-data matches the group entry and none grants read; the other entry is not consulted once a group entry matches');
  });

  it('any matching group entry that grants is enough (owning group and named groups)', () => {
    const who = { ...www, groups: ['www-data', 'ssl-cert'] };
    const a = checkAccess(block('root', 'root', ['user::rw-', 'group::---', 'group:ssl-cert:r--', 'group:www-data:---', 'mask::r--', 'other::---']), who, 'r');
    expect(a).toMatchObject({ canRead: true, decidedBy: 'allowed by "group:ssl-cert:r--" (www-data is a member of ssl-cert, within mask::r--)' });
    const masked = checkAccess(block('root', 'root', ['user::rw-', 'group::---', 'group:ssl-cert:r--', 'mask::-w-', 'other::r--']), who, 'r');
    expect(masked.decidedBy).toBe('denied by "mask::-w-": it removes read from the matching group entries "group:ssl-cert:r--"');
  });

  it('other decides when nothing else matches; root bypasses the check; a group subject skips user entries', () => {
    expect(checkAccess(block('root', 'root', ['user::rw-', 'group::---', 'other::r--']), www, 'r').decidedBy).toBe('allowed by "other::r--" (no user or group entry matches www-data, so the other entry decides)');
    const root = checkAccess(block('alice', 'alice', ['user::---', 'group::---', 'other::---']), { kind: 'user', name: 'root', id: 0, groups: ['root'] }, 'r');
    expect(root).toMatchObject({ canRead: true, decidedBy: 'allowed: root may read regardless of mode and ACL (CAP_DAC_OVERRIDE)' });
    const g = checkAccess(block('root', 'root', ['user::rw-', 'user:www-data:r--', 'group::---', 'group:ssl-cert:r--', 'mask::r--', 'other::---']), { kind: 'group', name: 'ssl-cert', id: null, groups: ['ssl-cert'] }, 'r');
    expect(g).toMatchObject({ identity: 'group:ssl-cert', canRead: true });
  });

  it('follows Linux when the mask is empty: the mode bits decide, so other is not shut out by a named entry', () => {
    const b = block('root', 'root', ['user::---', 'user:www-data:r--', 'group::---', 'group:web:---', 'mask::---', 'other::rw-']);
    expect(checkAccess(b, { ...www, groups: ['web'] }, 'r')).toMatchObject({ canRead: true, decidedBy: 'allowed by "other::rw-" (the mask is empty, so Linux skips the named entries and the other entry decides for www-data)' });
    expect(checkAccess(b, { ...www, groups: ['root'] }, 'r')).toMatchObject({ canRead: false, decidedBy: 'denied by "mask::---": with the mask empty Linux uses the mode bits, and www-data is in the owning group root, whose bits are ---' });
  });

  it('a parent directory without search permission blocks the whole path and is named', () => {
    const dir = aclFromFacl(block('root', 'root', ['user::rwx', 'group::---', 'other::---']), 0o40700);
    const file = aclFromFacl(block('root', 'root', ['user::rw-', 'group::r--', 'other::r--']), 0o100644);
    const id: Identity = { name: 'www-data', kind: 'service', memberOf: ['www-data'], sid: null, source: 'test', posixId: 33 };
    const steps = checkPathAccess({ directories: [dir], fileAcl: file }, id);
    expect(steps.map((s) => [s.need, s.answer.canRead])).toEqual([['traverse', false], ['read', true]]);
    expect(overallAnswer(steps).decidedBy).toBe('directory /k: denied by "other::---": no user or group entry matches www-data, so the other entry decides (traversal is needed to reach the file)');
    const f = keyFileFindings(file, { identity: 'www-data', steps });
    expect(f.map((x) => x.id)).toEqual(['key.identity-cannot-read', 'key.too-open']);
    expect(f[0]!.evidence).toEqual([
      { kind: 'file', text: '/k' },
      { kind: 'directory acl entry', text: '/k: denied by "other::---": no user or group entry matches www-data, so the other entry decides' },
    ]);
    expect(f[1]!.evidence).toEqual([{ kind: 'acl entry', text: '"other::r--": every user on the machine can read it' }]);
  });

  it('lists the directories crossed, symlink targets included, outermost first', () => {
    expect(traversedDirectories('/etc/letsencrypt/live/x/privkey.pem', '/etc/letsencrypt/archive/x/privkey1.pem')).toEqual([
      '/', '/etc', '/etc/letsencrypt', '/etc/letsencrypt/live', '/etc/letsencrypt/live/x', '/etc/letsencrypt/archive', '/etc/letsencrypt/archive/x',
    ]);
  });
});

// Random ACLs in the shape setfacl makes: owner, owning group and other always; named entries need a mask.
const perms = fc.constantFrom('---', 'r--', '-w-', '--x', 'rw-', 'r-x', '-wx', 'rwx');
const USERS = ['alice', 'bob', 'www-data'];
const GROUPS = ['alice', 'ssl-cert', 'web', 'users'];
const aclArb = fc
  .record({
    owner: fc.constantFrom(...USERS, 'root'),
    group: fc.constantFrom(...GROUPS),
    user: perms,
    groupObj: perms,
    other: perms,
    namedUsers: fc.uniqueArray(fc.tuple(fc.constantFrom(...USERS), perms), { selector: (t) => t[0], maxLength: 3 }),
    namedGroups: fc.uniqueArray(fc.tuple(fc.constantFrom(...GROUPS), perms), { selector: (t) => t[0], maxLength: 3 }),
    mask: perms,
  })
  .map((r) => {
    const named = r.namedUsers.length + r.namedGroups.length > 0;
    const lines = [`user::${r.user}`, ...r.namedUsers.map(([u, p]) => `user:${u}:${p}`), `group::${r.groupObj}`, ...r.namedGroups.map(([g, p]) => `group:${g}:${p}`), ...(named ? [`mask::${r.mask}`] : []), `other::${r.other}`];
    return block(r.owner, r.group, lines);
  });
const subjectArb = fc.record({ name: fc.constantFrom(...USERS), groups: fc.subarray(GROUPS) }).map((s): PosixSubject => ({ kind: 'user', name: s.name, id: null, groups: s.groups }));

/**
 * acl(5) read literally, as an independent oracle, plus the one place Linux differs (fs/namei.c):
 * with the group-class bits clear (mask::---) the mode bits decide.
 */
function oracle(b: FaclBlock, who: PosixSubject, need: 'r' | 'x'): boolean {
  const e = b.entries;
  const has = (x: FaclEntry | undefined) => !!x && x.perms.includes(need);
  const mask = e.find((x) => x.tag === 'mask');
  if (b.owner !== who.name && mask?.perms === '---') return who.groups.includes(b.group) ? false : has(e.find((x) => x.tag === 'other'));
  const withMask = () => !mask || mask.perms.includes(need);
  if (b.owner === who.name) return has(e.find((x) => x.tag === 'user' && x.qualifier === null));
  const nu = e.find((x) => x.tag === 'user' && x.qualifier === who.name);
  if (nu) return has(nu) && withMask();
  const groups = e.filter((x) => x.tag === 'group' && who.groups.includes(x.qualifier ?? b.group));
  if (groups.length) return groups.some((x) => has(x) && withMask());
  return has(e.find((x) => x.tag === 'other'));
}

describe('checkAccess properties', () => {
  it('agrees with acl(5) read literally, and always quotes an entry of the ACL', () => {
    fc.assert(
      fc.property(aclArb, subjectArb, fc.constantFrom('r' as const, 'x' as const), (b, who, need) => {
        const a = checkAccess(b, who, need);
        expect(a.canRead).toBe(oracle(b, who, need));
        const quoted = [...a.decidedBy.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
        expect(quoted.length).toBeGreaterThan(0);
        for (const q of quoted) expect(b.entries.map((x) => x.text)).toContain(q);
      }),
      { numRuns: 3000 },
    );
  });

  it('adding "user:X:r" with a mask that has read always lets a non-owner X read', () => {
    fc.assert(
      fc.property(aclArb, subjectArb, (b, who) => {
        fc.pre(b.owner !== who.name);
        const lines = b.entries.filter((x) => !(x.tag === 'user' && x.qualifier === who.name) && x.tag !== 'mask').map((x) => x.text);
        const mask = b.entries.find((x) => x.tag === 'mask')?.perms ?? '---';
        lines.splice(1, 0, `user:${who.name}:r--`);
        lines.splice(lines.length - 1, 0, `mask::r${mask.slice(1)}`);
        expect(checkAccess(block(b.owner, b.group, lines), who, 'r').canRead).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

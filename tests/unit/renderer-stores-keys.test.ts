import { beforeAll, describe, expect, it } from 'vitest';
import { generateHierarchy } from '../../bench/generate';
import { summarizeCertificate } from '../../shared/cert/summarize';
import type { Ace } from '../../shared/model/acl';
import type { KeyLocation, Store, StoreCertificate } from '../../shared/model/store';
import { commandLine, modeLetters, ownerLine, rightsText, scriptFileName } from '../../renderer/src/ui/keys/acl-words';
import { groupIdentities } from '../../renderer/src/ui/keys/identity-picker';
import { sameTarget } from '../../renderer/src/ui/keys/key-target';
import { looksAbsolute } from '../../renderer/src/ui/stores/add-folder-form';
import { keyStatusOfStore, storeChainRequest } from '../../renderer/src/ui/stores/store-chain';
import { judgeStoreCertificates } from '../../shared/verdict/store-verdicts';
import { NO_FILTER, buildRows, chipCounts, filterRows, keyWord, shortStoreLabel } from '../../renderer/src/ui/stores/store-rows';

/** The stores table's rows and filters, the chain request of a store certificate, and the key pages' words. */

const NONE: KeyLocation = { status: 'none', provider: null, providerKind: null, container: null, uniqueName: null, path: null, exportable: null, detail: null };
const store = (id: string, over: Partial<Store> = {}): Store => ({
  id,
  kind: 'folder',
  role: 'other',
  label: `Folder ${id.slice('folder:'.length)}`,
  location: id.slice('folder:'.length),
  trusted: false,
  certificateCount: 0,
  error: null,
  ...over,
});

let stores: Store[];
let certs: StoreCertificate[];
let root: StoreCertificate;
let inter: StoreCertificate;
let leaves: StoreCertificate[];

beforeAll(async () => {
  const h = await generateHierarchy({ roots: 1, intermediatesPerRoot: 1, leaves: 3 });
  const at = new Date();
  const sum = (der: Uint8Array) => summarizeCertificate('t', der, at);
  stores = [store('folder:/srv/roots', { role: 'root', trusted: true, kind: 'folder' }), store('folder:/srv/certs')];
  root = { storeId: 'folder:/srv/roots', friendlyName: null, summary: await sum(h.roots[0]!), key: NONE, file: '/srv/roots/root.pem' };
  // The intermediate sits in the trusted root folder too: KB 2802568's misconfiguration.
  inter = { storeId: 'folder:/srv/roots', friendlyName: null, summary: await sum(h.intermediates[0]!), key: NONE, file: '/srv/roots/inter.pem' };
  leaves = await Promise.all(
    h.leaves.map(async (der, i) => ({
      storeId: 'folder:/srv/certs',
      friendlyName: null,
      summary: await sum(der),
      key: i === 0 ? { ...NONE, status: 'present' as const, providerKind: 'file' as const, path: '/srv/certs/leaf.key' } : i === 1 ? { ...NONE, status: 'missing' as const, detail: 'key file gone' } : NONE,
      file: `/srv/certs/leaf-${i}.pem`,
    })),
  );
  // The listing carries THE verdict of each certificate, judged as the stores service does.
  certs = await judgeStoreCertificates(stores, [root, inter, ...leaves], at);
  [root, inter, ...leaves] = certs as [StoreCertificate, StoreCertificate, ...StoreCertificate[]];
});

describe('stores table rows', () => {
  it('names each row, its key in one word, its store in a few', () => {
    const rows = buildRows(stores, certs);
    expect(rows.map((r) => r.subject)).toEqual(['Bench Root 0', 'Bench Issuing 0-0', 'bench-leaf-0', 'bench-leaf-1', 'bench-leaf-2']);
    expect(rows.map((r) => r.key)).toEqual(['no', 'no', 'yes', 'missing', 'no']);
    // The column is the certificate's verdict, not its EKU alone (which said "Any purpose"
    // for a root without a private key, and "Yes" for expired or unchained certificates).
    expect(rows.map((r) => r.clientAuth)).toEqual(['no', 'no', 'yes', 'no', 'no']);
    expect(rows[2]!.cert.clientAuth?.sentence).toBe('"bench-leaf-0" can authenticate a client: Client Authentication allowed, valid, private key present, chain complete to a trusted root.');
    expect(rows[3]!.cert.clientAuth?.findings.map((f) => f.id)).toEqual(['cert.no-private-key']);
  });

  it('filters with the shared filters, the store choice and the text; a thumbprint pasted with spaces or colons matches', () => {
    const rows = buildRows(stores, certs);
    const only = (f: Partial<typeof NO_FILTER>) => filterRows(rows, stores, { ...NO_FILTER, ...f }).map((r) => r.subject);
    expect(only({})).toHaveLength(5);
    expect(only({ filters: ['has-key'] })).toEqual(['bench-leaf-0']);
    expect(only({ filters: ['client-auth'] })).toEqual(['bench-leaf-0']);
    expect(only({ filters: ['non-self-signed-root'] })).toEqual(['Bench Issuing 0-0']);
    expect(only({ issuer: 'issuing 0-0' })).toEqual(['bench-leaf-0', 'bench-leaf-1', 'bench-leaf-2']);
    expect(only({ storeId: 'folder:/srv/roots' })).toEqual(['Bench Root 0', 'Bench Issuing 0-0']);
    expect(only({ text: 'LEAF-2' })).toEqual(['bench-leaf-2']);
    expect(only({ text: 'leaf /srv/certs' })).toEqual(['bench-leaf-0', 'bench-leaf-1', 'bench-leaf-2']);
    const t = leaves[1]!.summary.thumbprintSha1;
    expect(only({ text: t.slice(0, 12).replace(/(.{4})/g, '$1 ') })).toEqual(['bench-leaf-1']);
    expect(only({ text: t.slice(0, 12).replace(/(.{2})/g, '$1:').toLowerCase() })).toEqual(['bench-leaf-1']);
    expect(only({ text: 'nothing like this' })).toEqual([]);
  });

  it('counts what each chip keeps on its own', () => {
    expect(chipCounts(stores, certs)).toEqual({ 'has-key': 1, 'client-auth': 1, expired: 0, 'non-self-signed-root': 1 });
  });

  it('words for keys and stores', () => {
    expect(keyWord({ ...NONE, status: 'unknown' })).toBe('unknown');
    expect(shortStoreLabel(stores[1], 'x')).toBe('…/certs');
    expect(shortStoreLabel(store('folder:/srv'), 'x')).toBe('/srv');
    expect(shortStoreLabel({ ...stores[0]!, kind: 'system-bundle', label: 'System trust bundle' }, 'x')).toBe('System trust bundle');
    expect(shortStoreLabel(undefined, 'nss:/home/a')).toBe('nss:/home/a');
  });
});

describe('a store certificate in full: its chain request', () => {
  it('sends the certificate and its issuers found by name, level by level, with their stores as sources and trust', () => {
    const req = storeChainRequest(leaves[0]!, certs, stores);
    expect(req.pool.map((p) => p.source)).toEqual(['Folder /srv/certs', 'Folder /srv/roots', 'Folder /srv/roots']);
    expect(req.pool.map((p) => p.trusted)).toEqual([false, true, true]);
    expect(req.pool[1]!.derBase64).toBe(inter.summary.derBase64);
    expect(req.pool[2]!.derBase64).toBe(root.summary.derBase64);
    expect(req.targets).toEqual([{ thumbprint: leaves[0]!.summary.thumbprintSha1, key: { status: 'present', detail: 'private key file /srv/certs/leaf.key' } }]);
    // A root is its own chain: nothing else is sent.
    expect(storeChainRequest(root, certs, stores).pool).toHaveLength(1);
  });

  it("turns a store's key location into the verdict's key status", () => {
    expect(keyStatusOfStore(leaves[1]!, stores[1])).toEqual({ status: 'missing', detail: 'key file gone' });
    expect(keyStatusOfStore(leaves[2]!, stores[1])).toEqual({ status: 'missing', detail: 'Folder /srv/certs holds no private key for it' });
    expect(keyStatusOfStore({ ...leaves[2]!, key: { ...NONE, status: 'unknown' } }, stores[1]).status).toBe('unknown');
  });
});

describe('private keys: words', () => {
  it('writes modes as ls -l does', () => {
    expect(modeLetters('0600')).toBe('rw-------');
    expect(modeLetters('0640')).toBe('rw-r-----');
    expect(modeLetters('0755')).toBe('rwxr-xr-x');
    expect(modeLetters('4755')).toBe('rwsr-xr-x');
    expect(modeLetters('1777')).toBe('rwxrwxrwt');
    expect(modeLetters('2640')).toBe('rw-r-S---');
    expect(modeLetters('rw')).toBeNull();
    expect(ownerLine({ path: '/k', owner: 'root', group: 'ssl-cert', mode: '0640', entries: [], raw: '', platform: 'posix' })).toBe('owner root, group ssl-cert, mode 0640 (rw-r-----)');
    expect(ownerLine({ path: 'C:\\k', owner: 'BUILTIN\\Administrators', group: null, mode: null, entries: [], raw: '', platform: 'windows' })).toBe('owner BUILTIN\\Administrators');
  });

  it('says rights in words', () => {
    const ace = (rights: Ace['rights']): Ace => ({ principal: { name: 'x', sid: null, kind: 'user' }, type: 'allow', rights, rawRights: '', inherited: false, flags: [] });
    expect(rightsText(ace([]))).toBe('none');
    expect(rightsText(ace(['read', 'execute']))).toBe('read, execute / traverse');
  });

  it('shows commands as typed, quoting only what the shell would read otherwise (hostile names included)', () => {
    expect(commandLine({ file: 'setfacl', args: ['-m', 'u:www-data:r', '/etc/ssl/private/site.key'] }, 'bash')).toBe('setfacl -m u:www-data:r /etc/ssl/private/site.key');
    expect(commandLine({ file: 'setfacl', args: ['-m', 'u:www-data:r', "/srv/it's $(rm -rf) `x`;.key"] }, 'bash')).toBe(`setfacl -m u:www-data:r '/srv/it'\\''s $(rm -rf) \`x\`;.key'`);
    expect(commandLine({ file: 'setfacl', args: ['a\\b'] }, 'bash')).toBe(`setfacl 'a\\b'`);
    expect(commandLine({ file: 'icacls.exe', args: ['C:\\ProgramData\\Microsoft\\Crypto\\Keys\\abc', '/grant', 'IIS AppPool\\Shop:(R)'] }, 'powershell')).toBe(
      "icacls.exe C:\\ProgramData\\Microsoft\\Crypto\\Keys\\abc /grant 'IIS AppPool\\Shop:(R)'",
    );
    expect(commandLine({ file: 'icacls', args: ['a,b', "o'neil"] }, 'powershell')).toBe(`icacls 'a,b' 'o''neil'`);
    // PowerShell reads a bare -x:y as a parameter (a native program gets "-x:" and "y"): quoted.
    expect(commandLine({ file: 'icacls', args: ['-x:y', '-1', 'a-b'] }, 'powershell')).toBe(`icacls '-x:y' '-1' a-b`);
  });

  it('names saved scripts after the identity, safely', () => {
    expect(scriptFileName('grant-read', 'www-data', 'bash')).toBe('grant-read-www-data.sh');
    expect(scriptFileName('undo-grant-read', 'IIS AppPool\\Shop', 'powershell')).toBe('undo-grant-read-IIS_AppPool_Shop.ps1');
    expect(scriptFileName('grant-read', '../../etc', 'bash')).toBe('grant-read-.._.._etc.sh');
    expect(scriptFileName('grant-read', '$()', 'bash')).toBe('grant-read-identity.sh');
  });

  it('groups identities app pools first, then services, users, groups', () => {
    const id = (name: string, kind: 'app-pool' | 'service' | 'user' | 'group' | 'well-known') => ({ name, kind, memberOf: [], sid: null, source: 't' });
    const groups = groupIdentities([id('alice', 'user'), id('group:ssl-cert', 'group'), id('www-data', 'service'), id('IIS AppPool\\Shop', 'app-pool'), id('NT AUTHORITY\\NETWORK SERVICE', 'well-known'), id('IIS AppPool\\Api', 'app-pool')]);
    expect(groups.map((g) => [g.label, g.identities.map((i) => i.name)])).toEqual([
      ['IIS application pools', ['IIS AppPool\\Api', 'IIS AppPool\\Shop']],
      ['Services and built-in accounts', ['NT AUTHORITY\\NETWORK SERVICE', 'www-data']],
      ['Users', ['alice']],
      ['Groups', ['group:ssl-cert']],
    ]);
  });

  it('knows an absolute path on every OS, and the same target when it sees one', () => {
    expect(['/etc/ssl', 'C:\\Certs', 'c:/certs', '\\\\server\\share'].every(looksAbsolute)).toBe(true);
    expect(['certs', './certs', 'C:certs', '~/certs', ''].some(looksAbsolute)).toBe(false);
    expect(sameTarget({ kind: 'thumbprint', thumbprint: 'ab'.repeat(20), label: 'a' }, { kind: 'thumbprint', thumbprint: 'AB'.repeat(20), label: 'b' })).toBe(true);
    expect(sameTarget({ kind: 'path', path: '/k', label: '' }, { kind: 'thumbprint', thumbprint: 'AB'.repeat(20), label: '' })).toBe(false);
  });
});

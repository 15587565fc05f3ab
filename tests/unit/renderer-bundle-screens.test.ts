import { beforeAll, describe, expect, it } from 'vitest';
import { generateHierarchy } from '../../bench/generate';
import { summarizeCertificate } from '../../shared/cert/summarize';
import { finding } from '../../shared/findings/catalogue';
import type { OpenedBundle } from '../../shared/model/bundle';
import type { DiagnoseReport, RankedFinding } from '../../shared/model/diagnose';
import type { ProbeResult } from '../../shared/model/probe';
import { EMPTY_SERVER_EVIDENCE } from '../../shared/model/server';
import type { KeyLocation, Store, StoreCertificate } from '../../shared/model/store';
import { bundleAccessFindings, bundleKeyFind, noKeySentence, splitKeyPath } from '../../renderer/src/ui/keys/bundle-key';
import { noProbeSentence, targetUrl } from '../../renderer/src/ui/probe/bundle-probes';
import { bundleStores, redactedNote } from '../../renderer/src/ui/stores/bundle-stores';
import { storeChainRequest } from '../../renderer/src/ui/stores/store-chain';

/** An opened bundle on the Local stores, Private keys and Probe pages: what they show and say, from the bundle alone. */

const NONE: KeyLocation = { status: 'none', provider: null, providerKind: null, container: null, uniqueName: null, path: null, exportable: null, detail: null };
const KEY_PATH = 'C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys\\6d0c2b_3f7a';

const report = (over: Partial<DiagnoseReport> = {}): DiagnoseReport => ({
  schemaVersion: 1,
  createdAt: '2026-03-02T09:15:00.000Z',
  host: 'WEB01',
  platform: 'win32',
  appVersion: '0.1.0',
  request: { url: null, certificate: null, identity: null, attachments: [] },
  summary: '',
  steps: [],
  findings: [],
  fixes: [],
  probes: [],
  certificate: null,
  key: null,
  stores: null,
  server: EMPTY_SERVER_EVIDENCE,
  ...over,
});

const bundle = (over: Partial<OpenedBundle> = {}): OpenedBundle => ({
  file: 'web01.zip',
  manifest: {
    format: 'certbench-bundle',
    formatVersion: 1,
    appVersion: '0.1.0',
    createdAt: '2026-03-02T09:16:00.000Z',
    host: 'WEB01',
    os: { platform: 'win32', release: '10.0.20348' },
    collected: [],
    redactions: [],
    files: [],
  },
  report: report(),
  storeCertificates: [],
  stores: [],
  listedAt: null,
  commands: [],
  ignored: [],
  ...over,
});

const ranked = (f: ReturnType<typeof finding>, area: RankedFinding['area']): RankedFinding => ({ ...f, rank: 1, likelihood: 'root-cause', why: 'test', area });

let stores: Store[];
let certs: StoreCertificate[];
let leaf: StoreCertificate;

beforeAll(async () => {
  const h = await generateHierarchy({ roots: 1, intermediatesPerRoot: 1, leaves: 1 });
  const at = new Date();
  const sum = (der: Uint8Array) => summarizeCertificate('t', der, at);
  stores = [
    { id: 'windows:LocalMachine\\Root', kind: 'windows', role: 'root', label: 'LocalMachine\\Root', location: 'LocalMachine\\Root', trusted: true, certificateCount: 2, error: null },
    { id: 'windows:LocalMachine\\My', kind: 'windows', role: 'personal', label: 'LocalMachine\\My', location: 'LocalMachine\\My', trusted: false, certificateCount: 1, error: null },
  ];
  leaf = {
    storeId: 'windows:LocalMachine\\My',
    friendlyName: null,
    summary: await sum(h.leaves[0]!),
    key: { ...NONE, status: 'present', providerKind: 'capi', path: KEY_PATH },
  };
  certs = [
    { storeId: 'windows:LocalMachine\\Root', friendlyName: null, summary: await sum(h.roots[0]!), key: NONE },
    // KB 2802568: an intermediate in Trusted Root, the finding the bundle's reader must see.
    { storeId: 'windows:LocalMachine\\Root', friendlyName: null, summary: await sum(h.intermediates[0]!), key: NONE },
    leaf,
  ];
});

describe('Local stores of a bundle', () => {
  it('shows the bundle listing with the store findings worked out here, dated when the host listed it', () => {
    const view = bundleStores(bundle({ stores, storeCertificates: certs, listedAt: '2026-03-02T09:14:00.000Z' }));
    expect(view.state).toBe('listed');
    if (view.state !== 'listed') return;
    expect(view.certificates).toHaveLength(3);
    expect(view.findings.map((f) => f.id)).toContain('store.non-self-signed-in-root');
    expect(view.listedAt).toBe('2026-03-02T09:14:00.000Z');
    expect(view.withoutDer).toBe(0);
    // A listing without its own date is dated by the bundle.
    const undated = bundleStores(bundle({ stores, storeCertificates: certs }));
    expect(undated.state === 'listed' && undated.listedAt).toBe('2026-03-02T09:16:00.000Z');
  });

  it('says plainly why a bundle has no stores instead of showing an empty table', () => {
    const off = bundleStores(bundle({ manifest: { ...bundle().manifest, collected: ['report', 'store listing left out (includeStores off)'] } }));
    expect(off).toEqual({ state: 'empty', reason: expect.stringMatching(/^This bundle holds no certificate stores: it was exported without the store listing .*WEB01/) });
    const counted = bundleStores(bundle({ report: report({ stores: { stores: 4, certificates: 212, roots: 40, rootNameBytes: 9000, errors: [] } }) }));
    expect(counted.state === 'empty' && counted.reason).toMatch(/4 store\(s\) with 212 certificate\(s\) on WEB01, but the listing itself was not exported/);
    const never = bundleStores(bundle());
    expect(never.state === 'empty' && never.reason).toMatch(/WEB01's stores were not listed/);
  });

  it('counts redacted certificates kept without their DER and says their chains cannot be checked', () => {
    const redacted = certs.map((c) => ({ ...c, summary: { ...c.summary, derBase64: '' } }));
    const view = bundleStores(bundle({ stores, storeCertificates: redacted }));
    expect(view.state === 'listed' && view.withoutDer).toBe(3);
    expect(redactedNote(3, 3, ['subjects', 'ips'])).toMatch(/not in it \(subjects were redacted\), so chains cannot be checked here/);
    expect(redactedNote(1, 3, ['hosts'])).toMatch(/^1 of 3 certificates .*hosts were redacted/);
    expect(redactedNote(0, 3, [])).toBeNull();
  });

  it("judges a bundle certificate's chain by the bundle's own trusted stores at the listing's time, not this machine's roots", () => {
    const live = storeChainRequest(leaf, certs, stores);
    expect(live.useSystemTrust).toBe(true);
    expect(live.at).toBeUndefined();
    const fromBundle = storeChainRequest(leaf, certs, stores, { useSystemTrust: false, at: '2026-03-02T09:14:00.000Z' });
    expect(fromBundle.useSystemTrust).toBe(false);
    expect(fromBundle.at).toBe('2026-03-02T09:14:00.000Z');
    expect(fromBundle.pool.filter((p) => p.trusted)).toHaveLength(2); // the root and the misplaced intermediate
  });
});

describe('Private keys of a bundle', () => {
  it('splits a key path into FindPrivateKey’s two lines, Windows or POSIX, keeping a root folder', () => {
    expect(splitKeyPath(KEY_PATH)).toEqual({ directory: 'C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys', fileName: '6d0c2b_3f7a' });
    expect(splitKeyPath('/etc/ssl/private/client.key')).toEqual({ directory: '/etc/ssl/private', fileName: 'client.key' });
    expect(splitKeyPath('/client.key')).toEqual({ directory: '/', fileName: 'client.key' });
    expect(splitKeyPath('C:\\client.key')).toEqual({ directory: 'C:\\', fileName: 'client.key' });
    expect(splitKeyPath('/etc/ssl/')).toEqual({ directory: null, fileName: null });
    expect(splitKeyPath(null)).toEqual({ directory: null, fileName: null });
  });

  it('shows the report’s key as keys:find would have answered on the host: its certificate, stores, ACL and key findings only', () => {
    const acl = { path: KEY_PATH, owner: 'BUILTIN\\Administrators', group: null, mode: null, entries: [], raw: 'O:BAD:P', platform: 'windows' as const };
    const keyFinding = ranked(finding('key.identity-cannot-read', 'IIS AppPool\\Shop cannot read the key', 'd', []), 'key');
    const other = ranked(finding('chain.untrusted-root', 'Untrusted root', 'd', []), 'certificate');
    const tooOpen = ranked(finding('key.too-open', 'Everyone can read the key', 'd', []), 'key');
    const b = bundle({
      stores,
      storeCertificates: certs,
      report: report({
        certificate: { source: 'windows:LocalMachine\\My', summary: leaf.summary, chain: null, verdict: { usable: true, sentence: 'usable', findings: [] }, chainPem: [] },
        key: { location: leaf.key, acl, aclNote: null, access: { identity: 'IIS AppPool\\Shop', answer: { identity: 'IIS AppPool\\Shop', canRead: false, decidedBy: 'no entry grants it', considered: [] } } },
        findings: [other, keyFinding, tooOpen],
      }),
    });
    const found = bundleKeyFind(b)!;
    expect(found.certificate).toBe(leaf);
    expect(found.foundIn).toEqual(['windows:LocalMachine\\My']);
    expect(found.directory).toBe('C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys');
    expect(found.fileName).toBe('6d0c2b_3f7a');
    expect(found.acl).toBe(acl);
    // The access finding goes with the access answer (step 3), as on the live page; the key's own stay with its location.
    expect(found.findings.map((f) => f.id)).toEqual(['key.too-open']);
    expect(bundleAccessFindings(b).map((f) => f.id)).toEqual(['key.identity-cannot-read']);
  });

  it('has no key to show when the diagnosis looked at none, and says why and where the listing tells about keys', () => {
    expect(bundleKeyFind(bundle())).toBeNull();
    expect(noKeySentence(bundle())).toBe('This bundle’s diagnosis had no private key to check: no client certificate was given.');
    const withStep = bundle({ storeCertificates: certs, report: report({ steps: [{ name: 'key', status: 'skipped', note: 'the certificate came from a file without a key.', durationMs: 0 }] }) });
    expect(noKeySentence(withStep)).toBe(
      'This bundle’s diagnosis had no private key to check (the certificate came from a file without a key). Its store listing says which certificates have a private key (1 of 3): see Certificates and stores › Local stores.',
    );
  });
});

describe('Probe page of a bundle', () => {
  const probe = (host: string, port: number, path: string) => ({ target: { host, port, path, servername: host } }) as Pick<ProbeResult, 'target'>;

  it('names the probed address as a user would type it', () => {
    expect(targetUrl(probe('shop.contoso.com', 443, '/api'))).toBe('https://shop.contoso.com/api');
    expect(targetUrl(probe('127.0.0.1', 8443, ''))).toBe('https://127.0.0.1:8443/');
    expect(targetUrl(probe('::1', 8443, '/'))).toBe('https://[::1]:8443/');
  });

  it('says why a bundle holds no probe', () => {
    expect(noProbeSentence(bundle())).toBe('This bundle holds no probe of a server: no server address was given when it was made. What WEB01 found is on the Diagnose page.');
    const failed = bundle({ report: report({ request: { url: 'https://x', certificate: null, identity: null, attachments: [] }, steps: [{ name: 'probe', status: 'failed', note: 'connection refused by x:443.', durationMs: 3 }] }) });
    expect(noProbeSentence(failed)).toMatch(/^This bundle holds no probe of a server: connection refused by x:443\. /);
  });
});

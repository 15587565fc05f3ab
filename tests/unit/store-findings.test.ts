import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readContainer } from '../../shared/cert/containers';
import { summarizeCertificate } from '../../shared/cert/summarize';
import { caNameBytes, storeFindings } from '../../shared/findings/stores';
import type { KeyLocation, Store, StoreCertificate } from '../../shared/model/store';
import { filterStoreCertificates } from '../../shared/stores/filters';
import { judgeStoreCertificates } from '../../shared/verdict/store-verdicts';

/** Store findings (store.*) and the helpdesk filters, on certificates recorded from an NSS database. */
const AT = new Date('2026-12-01T00:00:00Z');
const LATER = new Date('2040-01-01T00:00:00Z');
const NONE: KeyLocation = { status: 'none', provider: null, providerKind: null, container: null, uniqueName: null, path: null, exportable: null, detail: null };

async function cert(name: string, storeId: string, at: Date, key: KeyLocation = NONE): Promise<StoreCertificate> {
  const bytes = new Uint8Array(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'linux', name)));
  const [der] = (await readContainer(name, bytes, { maxBytes: 100_000 })).certificates;
  return { storeId, friendlyName: null, summary: await summarizeCertificate(name, der!, at), key, file: null, trustFlags: null };
}

function store(id: string, kind: Store['kind'], role: Store['role']): Store {
  return { id, kind, role, label: id, location: '', trusted: role === 'root', certificateCount: 0, error: null };
}

describe('storeFindings', () => {
  it('flags a non-self-signed certificate in a trusted root store: an error on Windows (KB 2802568), a warning elsewhere', async () => {
    const win = store('windows:LocalMachine\\Root', 'windows', 'root');
    const nss = store('nss:/db#root', 'nss', 'root');
    const certs = [await cert('certutil-L-n-root.pem', win.id, AT), await cert('certutil-L-n-alice.pem', win.id, AT), await cert('certutil-L-n-alice.pem', nss.id, AT)];
    const f = storeFindings([win, nss], certs);
    expect(f.map((x) => [x.id, x.severity, x.evidence.length])).toEqual([
      ['store.non-self-signed-in-root', 'error', 1],
      ['store.non-self-signed-in-root', 'warning', 1],
    ]);
    expect(f[0]!.evidence[0]!.text).toBe('CN=alice (A0F44D9D6CE966DE4C49D30255020ADC2E622A2E)');
  });

  it('lists expired roots, and sums Windows root names against the 16,384-byte CA list limit', async () => {
    const win = store('windows:LocalMachine\\Root', 'windows', 'root');
    const root = await cert('certutil-L-n-root.pem', win.id, LATER);
    const bytes = caNameBytes(root)!;
    expect(bytes).toBe(2 + 46); // SEQUENCE of two RDNs: O=Contoso, CN=Contoso Root CA
    const many = Array.from({ length: Math.floor(16_384 / bytes) + 1 }, () => root);
    const f = storeFindings([win], many);
    expect(f.map((x) => x.id)).toEqual(['store.expired-roots', 'store.root-names-too-large']);
    expect(f[0]!.evidence.at(-1)).toEqual({ kind: 'more', text: `and ${many.length - 20} more` });
    expect(f[1]!.evidence[0]!.text).toBe(`${many.length * bytes} bytes of CA names from ${many.length} certificates`);
    // The same names in a Linux bundle are not sent by Schannel: no size finding there.
    const bundle = store('bundle:/etc/ssl/certs/ca-certificates.crt', 'system-bundle', 'root');
    expect(storeFindings([bundle], many.map((c) => ({ ...c, storeId: bundle.id }))).map((x) => x.id)).toEqual(['store.expired-roots']);
  });
});

describe('filterStoreCertificates', () => {
  it('filters by key, client authentication use, expiry, non-self-signed root and issuer text', async () => {
    const my = store('nss:/db#personal', 'nss', 'personal');
    const root = store('nss:/db#root', 'nss', 'root');
    const key: KeyLocation = { ...NONE, status: 'present', providerKind: 'nss', path: '/db/key4.db' };
    const alice = await cert('certutil-L-n-alice.pem', my.id, AT, key);
    const peer = await cert('certutil-L-n-peer.pem', my.id, AT);
    const ca = await cert('certutil-L-n-root.pem', root.id, AT);
    const aliceInRoot = { ...alice, storeId: root.id };
    // The client-auth filter reads THE verdict the listing carries, judged as the stores service does.
    const all = await judgeStoreCertificates([my, root], [alice, peer, ca, aliceInRoot], AT);
    const names = (filters: Parameters<typeof filterStoreCertificates>[2]) => filterStoreCertificates([my, root], all, filters).map((c) => `${c.summary.subject.commonName}@${c.storeId}`);
    expect(names({ filters: ['has-key'] })).toEqual(['alice@nss:/db#personal', 'alice@nss:/db#root']);
    expect(names({ filters: ['client-auth'] })).toEqual(['alice@nss:/db#personal', 'alice@nss:/db#root']);
    expect(names({ filters: ['non-self-signed-root'] })).toEqual(['alice@nss:/db#root']);
    expect(names({ filters: ['expired'] })).toEqual([]);
    expect(names({ issuer: 'contoso root' })).toEqual(['alice@nss:/db#personal', 'Contoso Root CA@nss:/db#root', 'alice@nss:/db#root']);
  });
});

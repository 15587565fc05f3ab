import { describe, expect, it } from 'vitest';
import { readContainer } from '../../shared/cert/containers';
import { summarizeCertificate } from '../../shared/cert/summarize';
import { caNameBytes } from '../../shared/findings/stores';
import { fixesFor } from '../../shared/fixes';
import { recognizeEvidence } from '../../shared/server/recognize';
import {
  certutilExpired,
  estimateNameBytes,
  parseCertutilStoreExport,
  parseStoreExport,
  parseStoreExportJson,
  serverStoreFindings,
  STORE_EXPORT_COMMAND,
} from '../../shared/server/store-export';
import { decodeText } from '../../shared/server/text-decode';
import { caPem } from '../helpers/fix-cases';
import { fixture } from '../fixtures/windows/load';

/**
 * The server's own stores as attached evidence: a helpdesk user exports LocalMachine\Root
 * on the IIS server and attaches it from their own PC. Certificates are made here with node crypto
 * (tests/helpers/fix-cases.ts caPem: a self-signed root, an intermediate, an expired root).
 */

const der = async (pem: string) => (await readContainer('test.pem', new TextEncoder().encode(pem), { maxBytes: 100_000 })).certificates[0]!;
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** One row of STORE_EXPORT_COMMAND's output. */
async function row(pem: string, store = 'LocalMachine\\Root'): Promise<{ Store: string; Thumbprint: string; RawData: string }> {
  const bytes = await der(pem);
  const s = await summarizeCertificate('t', bytes, new Date());
  return { Store: store, Thumbprint: s.thumbprintSha1, RawData: b64(bytes) };
}

/** A Root store with a real root, an intermediate (KB 2802568), an expired root and long-named roots past 16 KB; plus the CA store. */
async function serverExport() {
  const root = await row(caPem('Contoso Root CA', 'root'));
  const intermediate = await row(caPem('Contoso Issuing CA 1', 'intermediate'));
  const expired = await row(caPem('Old Fabrikam Root', 'root', true));
  // ~230 bytes of name each: 75 of them are past 16,384 bytes.
  const many = await Promise.all(Array.from({ length: 75 }, (_, i) => row(caPem(`Bulk Root ${i} ${'x'.repeat(210)}`, 'root'))));
  const inCa = await row(caPem('Contoso Issuing CA 1', 'intermediate'), 'LocalMachine\\CA');
  return { root, intermediate, expired, rows: [root, intermediate, expired, ...many, inCa] };
}

const utf16leBom = (text: string) => new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));

describe('the PowerShell JSON export of the server stores', () => {
  it('raises all three store findings for the server, with the params that write the move and remove scripts', async () => {
    const { intermediate, expired, rows } = await serverExport();
    const json = JSON.stringify(rows);
    expect(recognizeEvidence(json)).toBe('store-export');
    const out = await parseStoreExportJson(json, 'stores.json', new Date());
    expect(out.stores.map((s) => [s.id, s.role, s.trusted, s.certificateCount, s.label, s.location])).toEqual([
      ['server:LocalMachine\\Root', 'root', true, 78, 'Server: Trusted Root Certification Authorities (stores.json)', 'stores.json'],
      ['server:LocalMachine\\CA', 'intermediate', false, 1, 'Server: Intermediate Certification Authorities (stores.json)', 'stores.json'],
    ]);
    expect(out.certificates).toHaveLength(79);

    const f = serverStoreFindings(out.stores, out.certificates);
    expect(f.map((x) => x.id)).toEqual(['store.non-self-signed-in-root', 'store.expired-roots', 'store.root-names-too-large']);
    const [nonSelf, old, big] = f;
    expect(nonSelf!.title).toBe("A non-self-signed certificate sits in the server's trusted root store");
    expect(nonSelf!.params).toEqual({ store: 'LocalMachine\\Root', thumbprints: intermediate.Thumbprint, thumbprint: intermediate.Thumbprint, subject: 'CN=Contoso Issuing CA 1' });
    expect(nonSelf!.evidence[0]!.text).toBe(`CN=Contoso Issuing CA 1 (${intermediate.Thumbprint}) on the server (stores.json)`);
    expect(old!.params).toMatchObject({ store: 'LocalMachine\\Root', thumbprints: expired.Thumbprint });
    expect(big!.detail).toMatch(/Server: Trusted Root Certification Authorities \(stores\.json\) have names that take \d+ bytes/);
    expect(big!.evidence[0]!.text).toMatch(/bytes of CA names from 78 certificates on the server \(stores\.json\)$/);

    // The fix generators read these params as they read the local machine's: the scripts are written.
    const { fixes } = fixesFor(f, ['powershell']);
    const move = fixes.find((x) => x.id === 'store.move-non-self-signed');
    const remove = fixes.find((x) => x.id === 'store.remove-expired-roots');
    expect(move?.script).toContain(intermediate.Thumbprint);
    expect(remove?.script).toContain(expired.Thumbprint);
  }, 60_000);

  it('reads what Windows PowerShell writes: UTF-16LE with a BOM, one object instead of an array, RawData as bytes', async () => {
    const { intermediate } = await serverExport();
    // `>` in Windows PowerShell 5.1 writes UTF-16LE with a BOM.
    const bytes = utf16leBom(JSON.stringify([intermediate]));
    expect(recognizeEvidence(decodeText(bytes.subarray(0, 64 * 1024)).text, bytes.subarray(0, 64 * 1024))).toBe('store-export');
    const fromUtf16 = await parseStoreExport(decodeText(bytes).text, 'stores.json', new Date());
    expect(fromUtf16.certificates[0]!.summary.thumbprintSha1).toBe(intermediate.Thumbprint);

    // One certificate: PowerShell 5.1 writes the object itself, and ConvertTo-Json of a byte[] is a number array;
    // without the Select-Object, the store comes as the full PSParentPath.
    const single = JSON.stringify({ PSParentPath: 'Microsoft.PowerShell.Security\\Certificate::LocalMachine\\Root', Thumbprint: intermediate.Thumbprint, RawData: [...Buffer.from(intermediate.RawData, 'base64')] });
    const one = await parseStoreExport(single, 'root.json', new Date());
    expect(one.stores.map((s) => s.id)).toEqual(['server:LocalMachine\\Root']);
    expect(serverStoreFindings(one.stores, one.certificates).map((x) => x.id)).toEqual(['store.non-self-signed-in-root']);
  }, 60_000);

  it('refuses garbage in one line that names the file, and says which certificates it left out', async () => {
    for (const text of ['[{"Store":"LocalMachine\\\\Root","Thumbprint":"AB","RawData":"bm90IGEgY2VydA=="}]', '{"RawData": "%%%", "Thumbprint": 1}', '[{"Store": "Root", "RawData": ']) {
      const err = await parseStoreExport(text, 'stores.json', new Date()).catch((e: Error) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toMatch(/^stores\.json: /);
      expect((err as Error).message.split('\n')).toHaveLength(1);
    }
    await expect(parseStoreExport('hello', 'notes.txt', new Date())).rejects.toThrow(/^notes\.txt: neither a PowerShell store export/);
    const { root } = await serverExport();
    const mixed = await parseStoreExportJson(JSON.stringify([root, { Store: 'LocalMachine\\Root', Thumbprint: 'AB', RawData: 'AAAA' }, { Thumbprint: root.Thumbprint, RawData: root.RawData }]), 's.json', new Date());
    expect(mixed.certificates).toHaveLength(2);
    expect(mixed.notes.join('\n')).toMatch(/s\.json: 1 certificate\(s\) could not be read and were left out: AB: /);
    expect(mixed.notes.join('\n')).toMatch(/do not say which store they are in/);
  }, 60_000);

  it('documents the command the user runs, with the Store column the checks need', () => {
    expect(STORE_EXPORT_COMMAND).toMatch(/^Get-ChildItem Cert:\\LocalMachine\\Root, Cert:\\LocalMachine\\CA, Cert:\\LocalMachine\\ClientAuthIssuer \|/);
    expect(STORE_EXPORT_COMMAND).toContain("@{n='Store';e={$_.PSParentPath -replace '.*::',''}}");
    expect(STORE_EXPORT_COMMAND).toContain('[Convert]::ToBase64String($_.RawData)');
  });
});

describe('certutil -store Root text from the server', () => {
  const AT = new Date('2026-12-01T00:00:00Z');

  it('raises what the text proves: the Non-root Certificate, and the root whose date reads the same either way', () => {
    const text = fixture('certutil-store-root-en.txt');
    expect(recognizeEvidence(text)).toBe('store-export');
    const out = parseCertutilStoreExport(text, 'root.txt', AT);
    expect(out.certificates).toEqual([]); // no bytes, no made-up summaries
    expect(out.stores).toMatchObject([{ id: 'server:LocalMachine\\Root', role: 'root', trusted: true, certificateCount: 4 }]);
    expect(out.findings.map((f) => f.id)).toEqual(['store.non-self-signed-in-root', 'store.expired-roots']);
    const [nonRoot, expired] = out.findings;
    expect(nonRoot!.params).toEqual({ store: 'LocalMachine\\Root', thumbprints: '9DDB6E9C7B19D0C0707F281C0FC8732F44D95296', thumbprint: '9DDB6E9C7B19D0C0707F281C0FC8732F44D95296', subject: 'CN=CVI Issuing CA 1, DC=corp, DC=cvilab, DC=local' });
    expect(nonRoot!.evidence[0]!.text).toBe('CN=CVI Issuing CA 1, DC=corp, DC=cvilab, DC=local (9DDB6E9C7B19D0C0707F281C0FC8732F44D95296) on the server (root.txt)');
    // 3/15/2019 can only be month-first; 11/12/2026 is 12 November or 11 December: not judged.
    expect(expired!.params?.thumbprints).toBe('0563B8630D62D75ABBC8AB1E4BDFB5A899B24D43');
    expect(out.notes).toHaveLength(1);
    expect(out.notes[0]).toMatch(/^root\.txt: certutil -store Root text, 4 certificate\(s\): 1 marked Non-root Certificate, 1 expired \(expiry not judged for 1: /);
    expect(out.notes[0]).toMatch(/CA names estimated at \d+ bytes .*attach the PowerShell JSON export for exact figures: Get-ChildItem/);
    expect(fixesFor(out.findings, ['powershell']).fixes.map((f) => f.id)).toEqual(['store.move-non-self-signed', 'store.remove-expired-roots']);
  });

  it('reads the German text (Kein Stammzertifikat, day-first dates)', () => {
    const out = parseCertutilStoreExport(fixture('certutil-store-root-de.txt'), 'stamm.txt', AT);
    expect(out.findings.map((f) => [f.id, f.params?.thumbprints])).toEqual([
      ['store.non-self-signed-in-root', 'AABBCCDDEEFF00112233445566778899AABBCCDD'],
      ['store.expired-roots', '11223344556677889900AABBCCDDEEFF00112233'],
    ]);
  });

  it('judges nothing about trusted roots in another store (the Personal store export)', () => {
    const out = parseCertutilStoreExport(fixture('certutil-store-machine-my.txt'), 'my.txt', AT);
    expect(out.stores).toMatchObject([{ id: 'server:LocalMachine\\My', role: 'personal', trusted: false }]);
    expect(out.findings).toEqual([]);
    expect(out.notes[0]).toMatch(/the trusted-root checks apply to LocalMachine\\Root only/);
  });

  it('estimates the CA-name size from the printed subjects, and flags more than 16 KB as an estimate', async () => {
    // The estimate matches the real DER for the names certutil prints (UTF-8 values).
    for (const cn of ['Contoso Root CA', `Bulk Root ${'x'.repeat(210)}`]) {
      const s = await summarizeCertificate('t', await der(caPem(cn, 'root')), new Date());
      const store = { storeId: 's', friendlyName: null, summary: s, key: { status: 'none' as const, provider: null, providerKind: null, container: null, uniqueName: null, path: null, exportable: null, detail: null } };
      expect(estimateNameBytes(s.subject.windows)).toBe(caNameBytes(store));
    }
    // SET(SEQ(OID 2+3, value 2+11)) = 22; each DC (OID 2+10): 22, 24, 23; Name SEQUENCE 2+91; list length 2.
    expect(estimateNameBytes('CN=CVI Root CA, DC=corp, DC=cvilab, DC=local')).toBe(95);
    const block = (i: number) =>
      [`================ Certificate ${i} ================`, `Issuer: CN=Bulk Root ${i} ${'y'.repeat(200)}`, ' NotAfter: 12/31/2039 6:59 PM', `Subject: CN=Bulk Root ${i} ${'y'.repeat(200)}`, 'Root Certificate: Subject matches Issuer', `Cert Hash(sha1): ${i.toString(16).padStart(40, '0')}`].join('\r\n');
    const text = ['Root "Trusted Root Certification Authorities"', ...Array.from({ length: 80 }, (_, i) => block(i))].join('\r\n');
    const out = parseCertutilStoreExport(text, 'root.txt', AT);
    const big = out.findings.find((f) => f.id === 'store.root-names-too-large');
    expect(big?.detail).toMatch(/estimated at \d+ bytes/);
    expect(big?.evidence[0]!.text).toMatch(/^about \d+ bytes of CA names \(estimated\) from 80 certificates on the server \(root\.txt\)$/);
  });

  it('reads a NotAfter date only when no locale has to be guessed', () => {
    const at = new Date('2026-12-01T00:00:00Z');
    expect(certutilExpired('3/15/2019 3:00 PM', at)).toBe(true);
    expect(certutilExpired('12/31/2039 6:59 PM', at)).toBe(false);
    expect(certutilExpired('11/12/2026 10:00 AM', at)).toBeNull(); // 12 Nov or 11 Dec
    expect(certutilExpired('5/6/2020 10:00 AM', at)).toBe(true); // either reading is long past
    expect(certutilExpired('01.06.2020 02:00', at)).toBe(true);
    expect(certutilExpired('2020年6月1日', at)).toBeNull();
    expect(certutilExpired(null, at)).toBeNull();
  });
});

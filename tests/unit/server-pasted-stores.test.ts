import { describe, expect, it } from 'vitest';
import { parseCertutilStore } from '../../shared/stores/certutil-text';
import { recognizeEvidence } from '../../shared/server/recognize';
import { parseStoreExport } from '../../shared/server/store-export';
import { fixture } from '../fixtures/windows/load';

/** A server's certificate stores as helpdesk staff paste them. */

const pasted = (name: string) => fixture(`pasted/${name}`);
const AT = new Date('2026-12-01T00:00:00Z');

describe('certutil -store as pasted', () => {
  it('certutil -user -store My over OpenSSH (user@HOST prompt): CurrentUser, never the machine store', async () => {
    const text = pasted('certutil-user-my-openssh.txt');
    expect(recognizeEvidence(text)).toBe('store-export');
    const dump = parseCertutilStore(text);
    expect(dump).toMatchObject({ store: 'My', location: 'CurrentUser', completed: true });
    expect(dump.certificates.map((c) => c.thumbprintSha1)).toEqual(['A50337AB015D5612B7DC4C1E759D201E74CC2A93', '37378A1B06DCEF1B4D4753F7D21E4F20B18FBFEC']);
    const out = await parseStoreExport(text, 'clip.txt', AT);
    expect(out.stores).toMatchObject([{ id: 'server:CurrentUser\\My', trusted: false }]);
    expect(out.stores[0]!.label).toMatch(/\(current user\)/);
    expect(out.notes.join('\n')).toMatch(/this is the CurrentUser\\My store, not the machine's/);
    // hostname's "WIN10-VPN" is not taken for the store name.
    expect(out.notes.join('\n')).not.toMatch(/WIN10-VPN"/);
  });

  it('a Root listing without its command says the location is assumed', async () => {
    const out = await parseStoreExport(fixture('certutil-store-root-en.txt'), 'root.txt', AT);
    expect(out.notes[0]).toMatch(/the text does not show the certutil command, so the store is taken as LocalMachine\\Root/);
  });

  it('French Root from an 80-column window after whoami: the store is Root (not the whoami output), the wrapped subject whole, KB 2802568 and the expired root flagged', async () => {
    const text = pasted('certutil-root-fr-wrapped80.txt');
    expect(recognizeEvidence(text)).toBe('store-export');
    const dump = parseCertutilStore(text);
    expect(dump).toMatchObject({ store: 'Root', friendlyName: 'Autorités de certification racines de confiance', location: 'LocalMachine', completed: true });
    expect(dump.certificates[1]!.subject).toBe('CN=Contoso Issuing CA 1 for Client Authentication and Smart Card Logons, OU=Public Key Services, DC=corp, DC=contoso, DC=local');
    expect(dump.certificates.map((c) => [c.rootCertificate, c.key.noKeyProviderInfo])).toEqual([
      [true, true],
      [false, true],
    ]);
    const out = await parseStoreExport(text, 'racine.txt', AT);
    expect(out.stores).toMatchObject([{ id: 'server:LocalMachine\\Root', trusted: true, certificateCount: 2 }]);
    expect(out.findings.map((f) => [f.id, f.params?.thumbprints])).toEqual([
      ['store.non-self-signed-in-root', '9DDB6E9C7B19D0C0707F281C0FC8732F44D95296'],
      ['store.expired-roots', 'CDD4EEAE6000AC7F40C3802C171E30148030C072'],
    ]);
  });

  it('Spanish and Italian labels (own translations): subject, hash, key file, not exportable, test passed', () => {
    for (const name of ['certutil-my-es.txt', 'certutil-my-it-wrapped80.txt']) {
      const dump = parseCertutilStore(pasted(name));
      expect(dump.store).toBe('My');
      expect(dump.completed).toBe(true);
      const [c] = dump.certificates;
      expect(c).toMatchObject({ subject: 'CN=web01.corp.contoso.local', issuer: 'CN=Contoso Issuing CA 1, DC=corp, DC=contoso, DC=local', rootCertificate: false, thumbprintSha1: 'E6CC21E72B8357BD5A0990DB7DED3421F3F8B9AA' });
      expect(c!.key).toMatchObject({ fileName: '8e5a57f198ccf38cb4e07149dcca663d_55a42ce9-5197-498f-a203-54bfba68824d', provider: 'Microsoft Software Key Storage Provider', exportable: false, test: 'encryption' });
    }
  });
});

describe('Get-ChildItem Cert:\\... | Format-List as pasted', () => {
  it('LocalMachine\\Root after whoami: recognised, the wrapped subject whole, the intermediate (Issuer differs) and the expired root flagged', async () => {
    const text = pasted('cert-fl-root.txt');
    expect(recognizeEvidence(text)).toBe('store-export');
    const out = await parseStoreExport(text, 'root-fl.txt', AT);
    expect(out.stores).toMatchObject([{ id: 'server:LocalMachine\\Root', trusted: true, certificateCount: 3 }]);
    expect(out.findings.map((f) => [f.id, f.params?.thumbprints])).toEqual([
      ['store.non-self-signed-in-root', '9DDB6E9C7B19D0C0707F281C0FC8732F44D95296'],
      ['store.expired-roots', 'CDD4EEAE6000AC7F40C3802C171E30148030C072'],
    ]);
    expect(out.findings[0]!.params?.subject).toBe('CN=Contoso Issuing CA 1 for Client Authentication and Smart Card Logon in the Production Forest, OU=Public Key Services, O=Contoso, C=US');
    expect(out.notes[0]).toMatch(/^root-fl\.txt: Get-ChildItem Cert:\\LocalMachine\\Root \| Format-List text, 3 certificate\(s\): 1 with an Issuer other than their Subject, 1 expired/);
  });

  it('Format-List * at a PS Cert:\\CurrentUser\\My> prompt: the store from PSParentPath, CurrentUser, no machine-root findings', async () => {
    const out = await parseStoreExport(pasted('cert-fl-star-currentuser.txt'), 'my.txt', AT);
    expect(out.stores).toMatchObject([{ id: 'server:CurrentUser\\My', trusted: false, certificateCount: 1 }]);
    expect(out.findings).toEqual([]);
    expect(out.notes[0]).toMatch(/this is the CurrentUser\\My store, not the machine's/);
  });

  it('Format-List text without a certificate is refused in one line naming the input', async () => {
    await expect(parseStoreExport('Subject : CN=x\r\nIssuer : CN=x\r\nThumbprint : 12\r\nNotAfter : 1/1/2030\r\n', 'fl.txt', AT)).rejects.toThrow(/^fl\.txt: neither a PowerShell store export/);
  });
});

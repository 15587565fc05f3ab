import { describe, expect, it } from 'vitest';
import { parseNetshSslcert } from '../../shared/server/netsh-sslcert';
import { recognizeEvidence } from '../../shared/server/recognize';
import { decodeText } from '../../shared/server/text-decode';
import { bindingFindings } from '../../shared/server/windows-findings';
import { fixture } from '../fixtures/windows/load';

/** What helpdesk staff paste: netsh http show sslcert with its surroundings. */

const pasted = (name: string) => fixture(`pasted/${name}`);

describe('netsh http show sslcert as pasted', () => {
  it('French, PowerShell prompt, whoami and hostname first, two filtered runs: both bindings, values read, the label with its own colon kept', () => {
    const notes: string[] = [];
    const text = pasted('netsh-fr-powershell.txt');
    expect(recognizeEvidence(text)).toBe('netsh-sslcert');
    const bindings = parseNetshSslcert(text, 'notes.txt', notes);
    expect(bindings.map((b) => [b.key, b.certificateHash, b.certificateStoreName, b.negotiateClientCertificate, b.disableTls13])).toEqual([
      ['192.168.100.10:8443', '9AD3113B038F01ABD70B5D5EC0F4B8E333C756E8', 'MY', false, false],
      ['192.168.100.10:443', '9AD3113B038F01ABD70B5D5EC0F4B8E333C756E8', 'MY', true, false],
    ]);
    // "Désactiver HTTP2 :Not Set" (no space after the colon) is read as a switch, not dropped.
    expect(bindings[0]!.fields.find((f) => f.label === 'Désactiver HTTP2')?.value).toBe('Not Set');
    // whoami's "monlabo\administrateur" and the prompts are not fields of any binding.
    expect(bindings.flatMap((b) => b.fields.map((f) => f.value))).not.toContain('monlabo\\administrateur');
    expect(bindingFindings(bindings).map((f) => [f.id, f.params?.binding])).toEqual([['iis.client-cert-negotiation-off', '192.168.100.10:8443']]);
    expect(notes.join('\n')).toMatch(/netsh http show sslcert ipport=192\.168\.100\.10:443/);
  });

  it('English from an 80-column cmd window, after the banner, whoami and ipconfig: wrapped key, hash and CTL store joined back; the cut record says so', () => {
    const notes: string[] = [];
    const [sni, cut, ...rest] = parseNetshSslcert(pasted('netsh-en-cmd-wrapped80.txt'), 'paste.txt', notes);
    expect(rest).toEqual([]);
    expect(sni).toMatchObject({
      key: 'extranet-clientcert.fabrikam-holdings.example:443',
      kind: 'hostnameport',
      certificateHash: '0B9001B1842FB51F7AB7E4FA7DB77F7BD2916643',
      ctlStoreName: 'FabrikamClientAuthenticationIssuersForExtranet',
      negotiateClientCertificate: true,
      disableTls13: true,
    });
    expect(cut).toMatchObject({ key: '0.0.0.0:443', negotiateClientCertificate: false, disableTls13: null });
    // ipconfig's "IPv4 Address . . . : 10.0.2.10" is not a binding.
    expect([sni, cut].map((b) => b!.key)).not.toContain('10.0.2.10');
    expect(notes.join('\n')).toMatch(/3 row\(s\) wrapped by the console joined back/);
  });

  it('German over Evil-WinRM, cut at the top: the partial first record is left out and said so, the whole one read', () => {
    const notes: string[] = [];
    const bindings = parseNetshSslcert(pasted('netsh-de-evilwinrm-cut.txt'), 'winrm.txt', notes);
    expect(bindings.map((b) => [b.key, b.certificateHash, b.negotiateClientCertificate])).toEqual([['0.0.0.0:8443', 'AF459DF0ED47A6F04B8F6A20CAF2488D3BB6E1BB', false]]);
    expect(notes.join('\n')).toMatch(/starts inside a binding \(2 row\(s\)/);
  });

  it('Spanish over PowerShell remoting ([host]: PS prompt) and Italian from cmd: hash, store and negotiation read', () => {
    const [es] = parseNetshSslcert(pasted('netsh-es-remoting.txt'), 'es.txt');
    expect(es).toMatchObject({ key: '0.0.0.0:443', kind: 'ipport', certificateHash: '61D34F532DA121BBAB64723C4871E72C92F03735', certificateStoreName: 'MY', negotiateClientCertificate: false });
    const [it_] = parseNetshSslcert(pasted('netsh-it-cmd.txt'), 'it.txt');
    expect(it_).toMatchObject({ key: 'www.contoso.it:443', kind: 'hostnameport', certificateStoreName: 'WebHosting', negotiateClientCertificate: true });
  });

  it('UTF-16BE without a byte-order mark, CRLF: decoded, recognised and read like the original', () => {
    const text = pasted('netsh-es-remoting.txt');
    const bytes = new Uint8Array(text.length * 2);
    for (let i = 0; i < text.length; i++) {
      bytes[2 * i] = text.charCodeAt(i) >> 8;
      bytes[2 * i + 1] = text.charCodeAt(i) & 0xff;
    }
    const decoded = decodeText(bytes);
    expect(decoded.encoding).toBe('utf-16be');
    expect(recognizeEvidence(decoded.text, bytes)).toBe('netsh-sslcert');
    expect(parseNetshSslcert(decoded.text, 'be.txt')[0]!.certificateHash).toBe('61D34F532DA121BBAB64723C4871E72C92F03735');
  });

  it('a paste with prompts but no netsh output at all is refused in one line naming the input', () => {
    expect(() => parseNetshSslcert('C:\\>whoami\r\ncontoso\\helpdesk\r\nC:\\>hostname\r\nWEB01\r\n', 'clip.txt')).toThrow(/^clip\.txt: not the output of "netsh http show sslcert"/);
  });
});

import { describe, expect, it } from 'vitest';
import { proveRedaction } from '../../shared/bundle/redaction-proof';

/** The proof scan of redacted bundles: originals found however they are written, pseudonyms never mistaken for them. */
const enc = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const originals = [
  { value: 'ShopFront', kind: 'IIS site name' },
  { value: 'host', kind: 'host name' },
  { value: "O'Brien & Sons", kind: 'organization' },
];
const pseudonyms = ['site-1', 'host-1', 'Organization 1'];
const der = new Uint8Array(Array.from({ length: 300 }, (_, i) => (i * 37 + 11) & 0xff));
const prove = (entries: [string, string | Uint8Array][]) =>
  proveRedaction(
    entries.map(([n, b]) => [n, typeof b === 'string' ? enc(b) : b] as const),
    { originals, pseudonyms, leftOut: [der] },
  );

describe('proveRedaction', () => {
  it('passes a bundle that holds only pseudonyms, even where an original is a word of a pseudonym ("host" in "host-1")', () => {
    expect(prove([['report.json', '{"host":"host-1","site":"site-1","o":"Organization 1"}'], ['fixes/x-site-1.ps1', 'Write-Output site-1']])).toEqual([]);
  });

  it('finds an original in an entry name, in text, JSON-escaped and HTML-escaped, whole words only', () => {
    expect(prove([['fixes/certbench-fix-ShopFront.ps1', 'x']])).toEqual(['fixes/certbench-fix-ShopFront.ps1: its name holds the IIS site name "ShopFront"']);
    expect(prove([['a.txt', 'appcmd set config shopfront/api']])).toEqual(['a.txt: still holds the IIS site name "ShopFront"']);
    expect(prove([['r.html', '<td>O&#39;Brien &amp; Sons</td>']])).toHaveLength(1);
    expect(prove([['a.txt', 'ShopFronts and ghost are other words']])).toEqual([]);
  });

  it('finds a name with spaces as URL paths spell it: percent-encoded and as a slug (AD CS CRL and AIA addresses)', () => {
    expect(prove([['report.json', '"http://127.0.0.1:8080/CertEnroll/O%27Brien%20&%20Sons.crl"']])).toEqual([]);
    expect(prove([['report.json', '"url":"http://127.0.0.1/CertEnroll/O\'Brien%20&%20Sons.crl"']])).toEqual(['report.json: still holds the organization "O\'Brien & Sons"']);
    expect(prove([['report.html', 'per CRL http://127.0.0.1/o\'brien-&-sons.crl']])).toHaveLength(1);
    expect(prove([['report.html', 'per CRL http://127.0.0.1/Organization%201.crl and Organization-1.crt']])).toEqual([]);
  });

  it('decodes base64 (PowerShell -EncodedCommand is UTF-16LE) and hex before looking', () => {
    const encoded = Buffer.from("Get-Website -Name 'ShopFront' | Out-Null; Write-Output done", 'utf16le').toString('base64');
    expect(prove([['commands/001-powershell.txt', `$ powershell -EncodedCommand ${encoded}`]])[0]).toMatch(/^commands\/001-powershell\.txt: still holds the IIS site name "ShopFront" \(in base64 at byte \d+\)$/);
    const hex = Buffer.from('site ShopFront bound to 443 on every address of it').toString('hex');
    expect(prove([['dump.txt', hex]])[0]).toMatch(/IIS site name "ShopFront" \(in hex/);
  });

  it('finds the DER of a certificate it left out: raw, as PEM or JSON base64, as hex', () => {
    const b64 = Buffer.from(der).toString('base64');
    const pem = `-----BEGIN CERTIFICATE-----\n${b64.replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;
    expect(prove([['x.bin', der]])[0]).toMatch(/x\.bin: still holds the DER of a certificate the export left out/);
    expect(prove([['fix.sh', `pem=${JSON.stringify(pem)}`]])[0]).toMatch(/in base64/);
    expect(prove([['fix.ps1', `$CertificateBase64 = '${b64}'`]])[0]).toMatch(/in base64/);
    expect(prove([['dump.txt', Buffer.from(der).toString('hex').toUpperCase()]])[0]).toMatch(/as hex|in hex/);
  });
});

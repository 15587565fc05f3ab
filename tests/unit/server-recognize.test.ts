import { describe, expect, it } from 'vitest';
import { recognizeEvidence, RECOGNIZE_HEAD_BYTES } from '../../shared/server/recognize';
import { decodeText } from '../../shared/server/text-decode';
import { fixture } from '../fixtures/windows/load';

/** What the analyzer does: decode the first 64 KB and look at text and bytes together. */
function kindOf(bytes: Uint8Array) {
  const head = bytes.subarray(0, RECOGNIZE_HEAD_BYTES);
  return recognizeEvidence(decodeText(head).text, head);
}
const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const utf16bom = (s: string) => new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]));

describe('recognizeEvidence: by content, never by name', () => {
  it('netsh output in English, German, CRLF, and UTF-16 as PowerShell\'s ">" writes it', () => {
    for (const name of ['netsh-sslcert-full.txt', 'netsh-sslcert-de.txt', 'netsh-sslcert-crlf.txt', 'netsh-sslcert-sni-ctl.txt']) {
      expect([name, kindOf(utf8(fixture(name)))]).toEqual([name, 'netsh-sslcert']);
    }
    expect(kindOf(utf16bom(fixture('netsh-sslcert-ws2012r2.txt')))).toBe('netsh-sslcert');
    // A pasted record without the header still counts.
    expect(recognizeEvidence('    IP:port                      : 0.0.0.0:443\n    Certificate Hash             : 61d34f532da121bbab64723c4871e72c92f03735\n')).toBe('netsh-sslcert');
  });

  it('registry exports in UTF-16LE with BOM and REGEDIT4', () => {
    expect(kindOf(utf16bom(fixture('registry-http-schannel.reg.txt').replace(/\n/g, '\r\n')))).toBe('registry-export');
    expect(recognizeEvidence('REGEDIT4\r\n\r\n[HKEY_LOCAL_MACHINE\\X]\r\n')).toBe('registry-export');
  });

  it('Schannel events in every export form', () => {
    for (const name of ['events-wevtutil.xml', 'events-eventviewer.xml', 'events-eventviewer.csv', 'events-get-winevent.json', 'events-get-winevent-one.json', 'events-details.txt']) {
      expect([name, kindOf(utf8(fixture(name)))]).toEqual([name, 'schannel-events']);
    }
  });

  it('IIS configuration and W3C logs', () => {
    expect(recognizeEvidence('<?xml version="1.0" encoding="UTF-8"?>\r\n<configuration>\r\n  <system.applicationHost>\r\n')).toBe('iis-config');
    expect(recognizeEvidence('<configuration>\n  <system.webServer>\n    <security />')).toBe('iis-config');
    expect(recognizeEvidence('#Software: Microsoft Internet Information Services 10.0\r\n#Version: 1.0\r\n#Date: 2022-01-22 00:00:01\r\n#Fields: date time\r\n')).toBe('w3c-log');
    // An app.config with no IIS section is not IIS configuration.
    expect(recognizeEvidence('<configuration><appSettings /></configuration>')).toBe('unknown');
  });

  it('certificates (PEM, DER) and bundles (zip)', () => {
    expect(recognizeEvidence('-----BEGIN CERTIFICATE-----\nMIIB...\n')).toBe('certificate');
    expect(kindOf(new Uint8Array([0x30, 0x82, 0x03, 0x10, 0x30, 0x82]))).toBe('certificate');
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 0, 0, ...new Array(20).fill(0), ...Buffer.from('manifest.json')]);
    expect(kindOf(zip)).toBe('bundle');
    expect(recognizeEvidence('PK\u0003\u0004garbage')).toBe('bundle');
  });

  it('anything else is unknown', () => {
    expect(recognizeEvidence('')).toBe('unknown');
    expect(recognizeEvidence('Dear helpdesk, the site says 403.7.\r\nThanks')).toBe('unknown');
    expect(recognizeEvidence('[1, 2, 3]')).toBe('unknown');
    expect(kindOf(new Uint8Array(4096).fill(0x41))).toBe('unknown');
  });
});

import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FindingSchema } from '../../shared/findings/catalogue';
import { logFindings } from '../../shared/server/log-findings';
import { W3cLogAnalyzer } from '../../shared/server/w3c-log';

const raw = (name: string) => fs.readFileSync(new URL(`../fixtures/windows/${name}`, import.meta.url), 'utf8');

function stats(name: string, text = raw(name)) {
  const a = new W3cLogAnalyzer(name);
  a.push(text);
  return a.end(text.length);
}

const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;

describe('logFindings', () => {
  const defaultText = raw('w3c-default-order.txt');
  const customText = raw('w3c-custom-order-sitename.txt');
  const findings = logFindings([stats('u_ex260317.log', defaultText), stats('u_ex150906.log', customText)]);
  const byId = (id: string) => findings.find((f) => f.id === id);

  it('raises catalogue findings only', () => {
    for (const f of findings) expect(FindingSchema.parse(f)).toEqual(f);
    expect(findings.map((f) => f.id)).toEqual(['log.500-64-before-403-7', 'http.403.7', 'http.403.13', 'http.403.16', 'http.403.17', 'revocation.revoked']);
  });

  it('shows the 500 0 64 and the 403.7 lines that follow it, per log, and explains the binding fix', () => {
    const f = byId('log.500-64-before-403-7')!;
    expect(f.severity).toBe('warning');
    expect(f.evidence.map((e) => e.text)).toEqual([
      `u_ex260317.log line ${lineOf(defaultText, '08:01:10')}: 2026-03-17 08:01:10 /secure/ from 10.0.1.50: 500, sc-win32-status 64`,
      `u_ex260317.log line ${lineOf(defaultText, '08:01:12')}: 2026-03-17 08:01:12 /secure/ from 10.0.1.50: 403.7 (2 s later)`,
      `u_ex150906.log line ${lineOf(customText, '15:46:29 W3SVC1')}: 2015-09-06 15:46:29 / from 10.10.10.100: 500, sc-win32-status 64`,
      `u_ex150906.log line ${lineOf(customText, '15:46:31')}: 2015-09-06 15:46:31 / from 10.10.10.100: 403.7 (2 s later)`,
    ]);
    expect(f.detail).toContain('2 times');
    expect(f.detail).toContain('clientcertnegotiation=enable');
    expect(f.detail).toContain('ERROR_NETNAME_DELETED');
  });

  it('adds the counts of several logs and names the top URL, client and decoded sc-win32-status', () => {
    const f = byId('http.403.16')!;
    expect(f.title).toBe('The server log shows 403.16: client certificate not trusted (4 times)');
    expect(f.evidence.map((e) => e.text)).toEqual([
      'u_ex260317.log: 403.16 2 times, from 2026-03-17 08:01:16 to 2026-03-17 08:01:40 (UTC)',
      'most on /secure/ (1 time)',
      'most from 10.0.1.51 (2 times)',
      '2148204809 = 0x800B0109 CERT_E_UNTRUSTEDROOT: the certificate chain ends in a root that is not trusted (2 times)',
      'u_ex150906.log: 403.16 2 times, from 2015-09-06 16:00:05 to 2015-09-06 16:00:06 (UTC)',
      'most on /orders (2 times)',
      'most from 10.10.10.102 (2 times)',
      '2148204809 = 0x800B0109 CERT_E_UNTRUSTEDROOT: the certificate chain ends in a root that is not trusted (2 times)',
    ]);
    // KB 2802568: CERT_E_UNTRUSTEDROOT with 403.16 points at a non-self-signed certificate in Root.
    expect(f.detail).toContain('KB 2802568');
    expect(f.detail).toMatch(/not self-signed/);
  });

  it('says what 403.13 and 403.17 mean with their decoded statuses', () => {
    expect(byId('http.403.13')!.evidence.map((e) => e.text)).toContain('2148081680 = 0x80092010 CRYPT_E_REVOKED: the certificate is revoked (1 time)');
    expect(byId('http.403.17')!.evidence[0]!.text).toBe('u_ex260317.log: 403.17 1 time, at 2026-03-17 08:02:30 (UTC)');
    expect(byId('http.403.17')!.detail).toMatch(/validity period/);
  });

  it('points 403.16 at KB 2802568 only when CERT_E_UNTRUSTEDROOT was logged', () => {
    const other = stats('x.log', '#Fields: date time c-ip cs-uri-stem sc-status sc-substatus sc-win32-status\n2026-01-01 00:00:00 10.0.0.1 / 403 16 2148204810\n');
    const f = logFindings([other]).find((x) => x.id === 'http.403.16')!;
    expect(f.detail).not.toContain('KB 2802568');
    expect(f.evidence.map((e) => e.text)).toContain('2148204810 = 0x800B010A CERT_E_CHAINING: the chain could not be built to a trusted root (1 time)');
  });

  it('raises nothing for a log of successful requests, and notes how many patterns were not shown', () => {
    expect(logFindings([stats('ok.log', '#Fields: date time c-ip sc-status sc-substatus\n2026-01-01 00:00:00 10.0.0.1 200 0\n')])).toEqual([]);
    const lines = ['#Fields: date time c-ip cs-uri-stem sc-status sc-substatus sc-win32-status'];
    for (let i = 0; i < 8; i++) lines.push(`2026-03-17 09:00:0${i} 10.0.0.${i} / 500 0 64`, `2026-03-17 09:00:1${i} 10.0.0.${i} / 403 7 5`);
    const f = logFindings([stats('many.log', lines.join('\n'))]).find((x) => x.id === 'log.500-64-before-403-7')!;
    expect(f.evidence).toHaveLength(11);
    expect(f.evidence.at(-1)!.text).toBe('and 3 more in many.log');
  });
});

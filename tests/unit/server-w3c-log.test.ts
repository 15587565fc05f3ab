import fs from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { W3cLogStatsSchema, type W3cLogStats } from '../../shared/model/server';
import { BoundedCounter, MAX_BUCKETS, MAX_LOG_LINE, W3cLogAnalyzer } from '../../shared/server/w3c-log';
import { decodeWin32Status } from '../../shared/server/win32-status';

/**
 * The log fixtures are read whole, header note included: for a W3C parser the "# CONSTRUCTED ..."
 * note is one more comment line, and IIS's own #Software/#Fields lines must stay (fixture() strips them).
 */
const raw = (name: string) => fs.readFileSync(new URL(`../fixtures/windows/${name}`, import.meta.url), 'utf8');

function analyze(text: string, source = 'u_ex.log', chunks?: number[], opts?: { bucketMinutes?: number }): W3cLogStats {
  const a = new W3cLogAnalyzer(source, opts);
  if (!chunks) a.push(text);
  else {
    let at = 0;
    for (const size of chunks) {
      a.push(text.slice(at, at + size));
      at += size;
    }
    a.push(text.slice(at));
  }
  return a.end(text.length);
}

const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;
const failure = (s: W3cLogStats, status: string) => s.clientCertFailures.find((f) => f.status === status);

const DEFAULT_HEADER = 'date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken';

describe('W3cLogAnalyzer on the reference sample (reference 7)', () => {
  const text = raw('w3c-reference-sample.txt');
  const s = analyze(text, 'u_ex220122.log');

  it('reads the verbatim header and records', () => {
    expect(W3cLogStatsSchema.parse(s)).toEqual(s);
    expect(s).toMatchObject({ source: 'u_ex220122.log', records: 4, malformed: 0, fieldHeaders: 1, firstTime: '2022-01-22T00:00:01Z', lastTime: '2026-03-17T08:01:17Z' });
    expect(s.statusCounts).toEqual([
      { status: '200.0', count: 2 },
      { status: '403.16', count: 1 },
      { status: '403.7', count: 1 },
    ]);
  });

  it('decodes sc-win32-status of the 403s', () => {
    expect(s.win32Statuses).toEqual([
      { status: '403.16', win32: '2148204809', meaning: '2148204809 = 0x800B0109 CERT_E_UNTRUSTEDROOT: the certificate chain ends in a root that is not trusted', count: 1 },
      { status: '403.7', win32: '5', meaning: '5 = 0x5 ERROR_ACCESS_DENIED: access is denied', count: 1 },
    ]);
  });

  it('keeps the timeline within 200 buckets over a four-year span', () => {
    expect(s.timeline.buckets.length).toBeLessThanOrEqual(MAX_BUCKETS);
    expect(s.timeline.buckets.reduce((n, b) => n + b.total, 0)).toBe(4);
    expect(s.timeline.buckets.reduce((n, b) => n + b.clientCertFailures, 0)).toBe(2);
  });
});

describe('W3cLogAnalyzer on the default field order', () => {
  const text = raw('w3c-default-order.txt');
  const s = analyze(text);

  it('counts statuses, records and the unparsable line', () => {
    expect(s.records).toBe(13);
    expect(s.malformed).toBe(1);
    expect(s.lines).toBe(text.split('\n').length - 1);
    expect(s.statusCounts).toEqual([
      { status: '200.0', count: 4 },
      { status: '403.7', count: 3 },
      { status: '403.16', count: 2 },
      { status: '500.0', count: 2 },
      { status: '403.13', count: 1 },
      { status: '403.17', count: 1 },
    ]);
  });

  it('breaks client certificate failures down by URL and client with first and last time', () => {
    expect(s.clientCertFailures.map((f) => [f.status, f.count])).toEqual([
      ['403.7', 3],
      ['403.13', 1],
      ['403.16', 2],
      ['403.17', 1],
    ]);
    expect(failure(s, '403.7')).toMatchObject({
      byUrl: [{ key: '/secure/', count: 3 }],
      byClient: [
        { key: '10.0.1.50', count: 2 },
        { key: '10.0.1.70', count: 1 },
      ],
      firstSeen: '2026-03-17T08:01:12Z',
      lastSeen: '2026-03-17T08:20:00Z',
    });
    expect(failure(s, '403.16')?.byUrl).toEqual([
      { key: '/secure/', count: 1 },
      { key: '/secure/report.aspx', count: 1 },
    ]);
  });

  it('finds the 500 0 64 followed by a 403.7 within 120 s, not the one ten minutes apart', () => {
    expect(s.pattern500Then4037Total).toBe(1);
    expect(s.pattern500Then4037).toEqual([
      {
        client: '10.0.1.50',
        url: '/secure/',
        at500: '2026-03-17T08:01:10Z',
        at403: '2026-03-17T08:01:12Z',
        line500: lineOf(text, '08:01:10'),
        line403: lineOf(text, '08:01:12'),
        url403: '/secure/',
      },
    ]);
  });

  it('draws a one-minute timeline from the first to the last record, gaps included', () => {
    expect(s.timeline.bucketMinutes).toBe(1);
    expect(s.timeline.buckets).toHaveLength(21);
    expect(s.timeline.buckets[1]).toEqual({ start: '2026-03-17T08:01:00Z', total: 4, clientCertFailures: 3, status500: 1 });
    expect(s.timeline.buckets[4]).toEqual({ start: '2026-03-17T08:04:00Z', total: 0, clientCertFailures: 0, status500: 0 });
  });

  it('gives the same statistics for CRLF line ends and any chunking', () => {
    const crlf = text.replace(/\n/g, '\r\n');
    const expected = { ...s, bytes: crlf.length };
    expect(analyze(crlf)).toEqual(expected);
    expect(analyze(crlf, 'u_ex.log', Array(crlf.length).fill(1))).toEqual(expected);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 40 }), (sizes) => {
        expect(analyze(crlf, 'u_ex.log', sizes)).toEqual(expected);
      }),
      { numRuns: 100 },
    );
  });
});

describe('W3cLogAnalyzer with custom field orders', () => {
  const text = raw('w3c-custom-order-sitename.txt');
  const s = analyze(text);

  it('reads fields by the #Fields header, including a new header mid-file', () => {
    expect(s).toMatchObject({ records: 6, malformed: 0, fieldHeaders: 2, firstTime: '2015-09-06T15:46:20Z', lastTime: '2015-09-06T16:00:07Z' });
    expect(failure(s, '403.16')).toMatchObject({ count: 2, byUrl: [{ key: '/orders', count: 2 }], byClient: [{ key: '10.10.10.102', count: 2 }] });
  });

  it("finds field note 001's 500 0 64 line (with s-sitename and cs-host) before the 403.7", () => {
    expect(s.pattern500Then4037).toEqual([
      { client: '10.10.10.100', url: '/', at500: '2015-09-06T15:46:29Z', at403: '2015-09-06T15:46:31Z', line500: lineOf(text, '15:46:29 W3SVC1'), line403: lineOf(text, '15:46:31'), url403: '/' },
    ]);
  });

  it('takes the day from #Date when records carry a time only', () => {
    const log = ['#Date: 2024-05-01 10:00:00', '#Fields: time c-ip sc-status sc-substatus', '10:00:05 10.1.1.1 403 7', '10:02:00 10.1.1.1 200 0'].join('\n');
    const r = analyze(log);
    expect(r).toMatchObject({ records: 2, firstTime: '2024-05-01T10:00:05Z', lastTime: '2024-05-01T10:02:00Z' });
    expect(failure(r, '403.7')?.byUrl).toEqual([{ key: '-', count: 1 }]);
  });

  it('assumes the IIS default fields for records before any header', () => {
    const r = analyze('2026-03-17 08:01:15 10.0.2.10 GET /secure/ - 443 - 10.0.1.50 UA - 403 7 5 15\n');
    expect(r).toMatchObject({ records: 1, fieldHeaders: 0, statusCounts: [{ status: '403.7', count: 1 }] });
  });

  it('produces the same statistics whatever the field order (fast-check)', () => {
    const names = DEFAULT_HEADER.split(' ');
    const recordArb = fc.record({
      day: fc.integer({ min: 1, max: 3 }),
      second: fc.integer({ min: 0, max: 86399 }),
      client: fc.constantFrom('10.0.0.1', '10.0.0.2', '192.168.7.9', '-'),
      url: fc.constantFrom('/', '/secure/', '/api/x', '/Orders.svc'),
      status: fc.constantFrom('200 0 0', '403 7 5', '403 16 2148204809', '403 13 2148081680', '403 17 2148204801', '500 0 64', '404 0 2'),
    });
    fc.assert(
      fc.property(fc.array(recordArb, { minLength: 1, maxLength: 60 }), fc.shuffledSubarray(names, { minLength: names.length }), (records, order) => {
        const sorted = [...records].sort((a, b) => a.day - b.day || a.second - b.second);
        const render = (fields: string[]) =>
          [
            '#Software: Microsoft Internet Information Services 10.0',
            `#Fields: ${fields.join(' ')}`,
            ...sorted.map((r) => {
              const [status, sub, win32] = r.status.split(' ');
              const hh = String(Math.floor(r.second / 3600)).padStart(2, '0');
              const mm = String(Math.floor((r.second % 3600) / 60)).padStart(2, '0');
              const ss = String(r.second % 60).padStart(2, '0');
              const v: Record<string, string> = {
                date: `2026-03-0${r.day}`,
                time: `${hh}:${mm}:${ss}`,
                'c-ip': r.client,
                'cs-uri-stem': r.url,
                'sc-status': status!,
                'sc-substatus': sub!,
                'sc-win32-status': win32!,
              };
              return fields.map((f) => v[f] ?? '-').join(' ');
            }),
          ].join('\r\n');
        const a = analyze(render(names));
        const b = analyze(render(order));
        expect({ ...b, bytes: 0 }).toEqual({ ...a, bytes: 0 });
        expect(a.records).toBe(records.length);
      }),
      { numRuns: 150 },
    );
  });
});

describe('W3cLogAnalyzer bounds', () => {
  it('counts a line longer than 64 KB as malformed without keeping it, and reads on', () => {
    const a = new W3cLogAnalyzer('x');
    a.push(`#Fields: ${DEFAULT_HEADER}\n`);
    const junk = 'x'.repeat(32 * 1024);
    for (let i = 0; i < 200; i++) a.push(junk); // 6.4 MB without a newline
    a.push('\n2026-03-17 08:01:15 10.0.2.10 GET /secure/ - 443 - 10.0.1.50 UA - 403 7 5 15\n');
    a.push(`${'y'.repeat(MAX_LOG_LINE + 10)}\n2026-03-17 08:01:16 10.0.2.10 GET / - 443 - 10.0.1.50 UA - 200 0 0 15`);
    const s = a.end(0);
    expect(s).toMatchObject({ lines: 5, records: 2, malformed: 2 });
    expect(s.statusCounts).toEqual([
      { status: '200.0', count: 1 },
      { status: '403.7', count: 1 },
    ]);
  });

  it('keeps the top clients of a million distinct addresses in bounded lists', () => {
    const a = new W3cLogAnalyzer('x');
    a.push(`#Fields: date time c-ip cs-uri-stem sc-status sc-substatus sc-win32-status\n`);
    const lines: string[] = [];
    for (let i = 0; i < 1_000_000; i++) {
      // One client hammers /secure/ among a million one-off addresses.
      const ip = i % 50 === 0 ? '172.16.9.9' : `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      lines.push(`2026-03-17 08:${String(Math.floor(i / 20000) % 60).padStart(2, '0')}:00 ${ip} /u/${i % 5000} 403 7 5`);
      if (lines.length === 10_000) {
        a.push(`${lines.join('\n')}\n`);
        lines.length = 0;
      }
    }
    const s = a.end(0);
    const f = failure(s, '403.7')!;
    expect(f.count).toBe(1_000_000);
    expect(f.byClient[0]).toEqual({ key: '172.16.9.9', count: 20_000 });
    expect(f.byClient.length).toBeLessThanOrEqual(21);
    expect(f.byClient.at(-1)?.key).toBe('(other)');
    expect(f.byClient.reduce((n, e) => n + e.count, 0)).toBe(1_000_000);
    expect(f.byUrl.reduce((n, e) => n + e.count, 0)).toBe(1_000_000);
  });

  it('widens timeline buckets over a long span so at most 200 remain, without losing a record', () => {
    const a = new W3cLogAnalyzer('x');
    a.push('#Fields: date time c-ip sc-status sc-substatus\n');
    let n = 0;
    for (let day = 1; day <= 30; day++) {
      const block: string[] = [];
      for (let m = 0; m < 1440; m += 7) {
        block.push(`2026-04-${String(day).padStart(2, '0')} ${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}:00 10.0.0.1 ${m % 2 ? '500 0' : '403 16'}`);
        n++;
      }
      a.push(`${block.join('\n')}\n`);
    }
    const s = a.end(0);
    expect(s.timeline.buckets.length).toBeLessThanOrEqual(MAX_BUCKETS);
    expect(s.timeline.bucketMinutes).toBe(360);
    expect(s.timeline.buckets.reduce((x, b) => x + b.total, 0)).toBe(n);
    expect(s.timeline.buckets.reduce((x, b) => x + b.status500, 0) + s.timeline.buckets.reduce((x, b) => x + b.clientCertFailures, 0)).toBe(n);
    expect(s.timeline.buckets[0]!.start).toBe('2026-04-01T00:00:00Z');
  });

  it('uses the bucket width asked for when it fits', () => {
    const s = analyze(raw('w3c-default-order.txt'), 'x', undefined, { bucketMinutes: 5 });
    expect(s.timeline.bucketMinutes).toBe(5);
    expect(s.timeline.buckets.map((b) => b.total)).toEqual([9, 1, 0, 1, 2]);
  });

  it('keeps 100 examples of the 500-then-403.7 pattern and counts them all', () => {
    const lines = ['#Fields: date time c-ip cs-uri-stem sc-status sc-substatus sc-win32-status'];
    for (let i = 0; i < 150; i++) {
      const ip = `10.0.${i >> 8}.${i & 255}`;
      lines.push(`2026-03-17 09:00:00 ${ip} / 500 0 64`, `2026-03-17 09:01:59 ${ip} / 403 7 5`);
    }
    const s = analyze(lines.join('\n'));
    expect(s.pattern500Then4037Total).toBe(150);
    expect(s.pattern500Then4037).toHaveLength(100);
  });

  it('never throws on arbitrary text and accounts for every line (fast-check)', () => {
    const piece = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom('\n', '\r\n', '\r', ' ', '\t', '-', '#Fields: constructor __proto__ sc-status', '#Fields: date time c-ip sc-status sc-substatus sc-win32-status', '2026-01-01 25:61:00 1.2.3.4 403 7 5', '#Date: 9999-99-99', '0000-00-00 00:00:00 - 500 0 64'),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), (parts) => {
        const a = new W3cLogAnalyzer('x');
        for (const p of parts) a.push(p);
        const s = a.end(0);
        expect(W3cLogStatsSchema.parse(s)).toEqual(s);
        expect(s.records + s.malformed).toBeLessThanOrEqual(s.lines);
      }),
      { numRuns: 300 },
    );
  });

  it('ignores field names that are Object.prototype members', () => {
    const s = analyze('#Fields: constructor toString sc-status sc-substatus\nx y 403 7\n');
    expect(s).toMatchObject({ records: 1, firstTime: null, statusCounts: [{ status: '403.7', count: 1 }] });
  });

  it('folds the long tail of a counter into "(other)" and keeps frequent keys', () => {
    const c = new BoundedCounter(10);
    for (let i = 0; i < 100; i++) {
      c.add('frequent');
      c.add(`rare-${i}`);
    }
    expect(c.size).toBeLessThanOrEqual(10);
    const top = c.top(3);
    expect(top[0]).toEqual({ key: 'frequent', count: 100 });
    expect(top.at(-1)?.key).toBe('(other)');
  });
});

describe('decodeWin32Status (reference 7)', () => {
  it('decodes the documented values to hex and winerror.h names', () => {
    expect(decodeWin32Status('0').text).toBe('0 = 0x0 ERROR_SUCCESS');
    expect(decodeWin32Status('5').name).toBe('ERROR_ACCESS_DENIED');
    expect(decodeWin32Status('64')).toMatchObject({ value: 64, hex: '0x40', name: 'ERROR_NETNAME_DELETED' });
    expect(decodeWin32Status('2148204809').text).toBe('2148204809 = 0x800B0109 CERT_E_UNTRUSTEDROOT');
    expect(decodeWin32Status('2148204810').name).toBe('CERT_E_CHAINING');
    expect(decodeWin32Status('2148204801').name).toBe('CERT_E_EXPIRED');
    expect(decodeWin32Status('2148204812').name).toBe('CERT_E_REVOKED');
    expect(decodeWin32Status('2148081680').name).toBe('CRYPT_E_REVOKED');
    expect(decodeWin32Status('2148081683').name).toBe('CRYPT_E_REVOCATION_OFFLINE');
    expect(decodeWin32Status('2148204816').name).toBe('CERT_E_WRONG_USAGE');
  });

  it('names HRESULT_FROM_WIN32 codes, signed values and unknown codes in hex only', () => {
    expect(decodeWin32Status('2147942405').text).toBe('2147942405 = 0x80070005 HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED)');
    expect(decodeWin32Status(-2146762487).text).toBe('2148204809 = 0x800B0109 CERT_E_UNTRUSTEDROOT');
    expect(decodeWin32Status('12345')).toMatchObject({ text: '12345 = 0x3039', name: null });
    expect(decodeWin32Status('-')).toMatchObject({ value: null, text: '-' });
  });
});

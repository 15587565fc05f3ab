import { describe, expect, it } from 'vitest';
import { analyzeLogBytes } from '../../electron/services/server/read-log';
import type { W3cLogStats } from '../../shared/model/server';
import { createUtf8ByteStream, decodeUtf8, encodeUtf8 } from '../../shared/server/text-decode';
import { CLIENT_CERT_STATUSES, PATTERN_WINDOW_SECONDS, W3cLogAnalyzer } from '../../shared/server/w3c-log';
import { ByteLines } from '../../shared/server/w3c-log-bytes';
import { decodeWin32Status } from '../../shared/server/win32-status';

/**
 * The analyzer reads lines and fields from the bytes as read and decodes only the values it keeps.
 * These tests hold it to the statistics the W3C fields define, computed here from what the generator
 * wrote: every status / sub-status / win32 mix IIS logs around client certificates, '-' and empty
 * values, the lines a human edit leaves (tabs, doubled spaces), a pasted prompt, damaged rows,
 * characters beyond ASCII and bytes that are not UTF-8, CRLF and LF, and several #Fields orders.
 */

/** status, sub-status ('-' when IIS logs none), win32 status. */
const MIXES: [string, string, string][] = [
  ['200', '0', '0'],
  ['200', '0', '64'],
  ['304', '0', '0'],
  ['401', '2', '5'],
  ['401', '1', '2148074254'],
  ['403', '7', '5'],
  ['403', '7', '-'],
  ['403', '12', '0'],
  ['403', '13', '2148204812'],
  ['403', '16', '2148204809'],
  ['403', '17', '2148204801'],
  ['403', '4', '5'],
  ['403', '-', '5'],
  ['403', '07', '5'],
  ['404', '0', '2'],
  ['500', '0', '64'],
  ['500', '19', '13'],
  ['502', '3', '12002'],
];

const ORDERS = [
  'date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken',
  'time c-ip cs-host sc-status sc-substatus sc-win32-status cs-uri-stem s-sitename date time-taken',
  // No sub-status, no date: the day comes from #Date.
  'time cs-uri-stem c-ip sc-status sc-win32-status',
];

const URLS = ['/', '/secure/', '/secure/report.aspx', '/Bestellübersicht/€-Preise', '/api/orders'];
const CLIENTS = ['10.0.1.50', '10.0.1.70', '172.16.9.9', '-'];

interface Written {
  bytes: Uint8Array;
  expected: Omit<W3cLogStats, 'timeline' | 'bytes' | 'source'>;
  timedRecords: number;
}

/** A deterministic PRNG (mulberry32), so the log is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const iso = (sec: number) => new Date(sec * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const top = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([key, count]) => ({ key, count }));
const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

/** Write the log and, record by record, what the W3C fields say the statistics are. */
function writeLog(records: number): Written {
  const rnd = prng(20261206);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const parts: Uint8Array[] = [];
  const put = (text: string, eol: string) => parts.push(encodeUtf8(text + eol));
  let lines = 0;
  let recs = 0;
  let malformed = 0;
  const statusCounts = new Map<string, number>();
  const failures = new Map<string, { count: number; urls: Map<string, number>; clients: Map<string, number>; first: number; last: number }>();
  const win32 = new Map<string, number>();
  const pending = new Map<string, { t: number; url: string; line: number }>();
  const examples: W3cLogStats['pattern500Then4037'] = [];
  let first = Infinity;
  let last = -Infinity;
  let t = Date.UTC(2026, 11, 6, 23, 50) / 1000;
  let order: string[] = [];
  let headerDay = NaN;
  let patterns = 0;

  const line = (text: string) => {
    lines++;
    put(text, rnd() < 0.5 ? '\r\n' : '\n');
  };
  for (let i = 0; i < records; i++) {
    if (i % 400 === 0) {
      order = ORDERS[(i / 400) % ORDERS.length]!.split(' ');
      headerDay = Math.floor(t / 86400) * 86400;
      line(`#Date: ${iso(t).slice(0, 10)} 00:00:00`);
      line(`#Fields: ${order.join(' ')}`);
    }
    t += Math.floor(rnd() * 40);
    const [status, sub0, w32] = pick(MIXES);
    const url = pick(URLS);
    const client = pick(CLIENTS);
    const sub = order.includes('sc-substatus') ? sub0 : '-';
    const date = iso(t).slice(0, 10);
    const values: Record<string, string> = { date, time: iso(t).slice(11, 19), 'c-ip': client, 'cs-uri-stem': url, 'sc-status': status, 'sc-substatus': sub, 'sc-win32-status': w32 };
    const fields = order.map((f) => values[f] ?? pick(['-', 'GET', 'W3SVC1', 'Mozilla/5.0+(Windows+NT+10.0)', '443']));
    const shape = rnd();
    // Damaged rows: a missing field, a status that is not one; then a pasted prompt (not damaged).
    if (shape < 0.02) {
      line(fields.slice(1).join(' '));
      malformed++;
      continue;
    }
    if (shape < 0.03) {
      line(fields.map((f, k) => (order[k] === 'sc-status' ? '2x0' : f)).join(' '));
      malformed++;
      continue;
    }
    if (shape < 0.035) {
      line('PS C:\\inetpub\\logs\\LogFiles\\W3SVC1> Get-Content .\\u_ex261206.log -Tail 50');
      continue;
    }
    // Human edits: tabs, doubled and trailing spaces; the fields are still read.
    const sep = shape < 0.06 ? '\t' : shape < 0.08 ? '  ' : ' ';
    line(fields.join(sep) + (shape > 0.98 ? ' ' : ''));

    recs++;
    // Without a date column, records past midnight still carry the #Date header's day.
    const secs = order.includes('date') ? t : headerDay + (t % 86400);
    const key = sub === '-' ? status : `${status}.${sub}`;
    bump(statusCounts, key);
    first = Math.min(first, secs);
    last = Math.max(last, secs);
    if (status === '403' && (CLIENT_CERT_STATUSES as readonly string[]).includes(key)) {
      const f = failures.get(key) ?? { count: 0, urls: new Map(), clients: new Map(), first: Infinity, last: -Infinity };
      failures.set(key, f);
      f.count++;
      bump(f.urls, url);
      bump(f.clients, client);
      f.first = Math.min(f.first, secs);
      f.last = Math.max(f.last, secs);
    }
    if (status === '403' && w32 !== '-') bump(win32, `${key}|${w32}`);
    if (client !== '-' && status === '500' && w32 === '64') {
      pending.delete(client);
      pending.set(client, { t: secs, url, line: lines });
    } else if (client !== '-' && key === '403.7') {
      const p = pending.get(client);
      if (p && secs >= p.t && secs - p.t <= PATTERN_WINDOW_SECONDS) {
        pending.delete(client);
        patterns++;
        if (examples.length < 100) examples.push({ client, url: p.url, at500: iso(p.t), at403: iso(secs), line500: p.line, line403: lines, url403: url });
      }
    }
  }
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (bytes.set(p, at), at + p.length), 0);
  return {
    bytes,
    timedRecords: recs,
    expected: {
      lines,
      records: recs,
      malformed,
      fieldHeaders: Math.ceil(records / 400),
      firstTime: iso(first),
      lastTime: iso(last),
      statusCounts: top(statusCounts).map(({ key, count }) => ({ status: key, count })),
      clientCertFailures: CLIENT_CERT_STATUSES.filter((s) => failures.has(s)).map((s) => {
        const f = failures.get(s)!;
        return { status: s, count: f.count, byUrl: top(f.urls), byClient: top(f.clients), firstSeen: iso(f.first), lastSeen: iso(f.last) };
      }),
      pattern500Then4037: examples,
      pattern500Then4037Total: patterns,
      win32Statuses: top(win32).map(({ key, count }) => {
        const [status = '', w32 = ''] = key.split('|');
        const d = decodeWin32Status(w32);
        return { status, win32: w32, meaning: d.meaning ? `${d.text}: ${d.meaning}` : d.text, count };
      }),
    },
  };
}

describe('W3C log statistics read from bytes', () => {
  const log = writeLog(6000);

  it('are the ones the fields define, for every status / sub-status / win32 mix', () => {
    const s = analyzeLogBytes(log.bytes, 'u_ex261206.log');
    const { timeline, bytes, source, ...rest } = s;
    expect(rest).toEqual(log.expected);
    expect(bytes).toBe(log.bytes.length);
    expect(source).toBe('u_ex261206.log');
    expect(timeline.buckets.reduce((n, b) => n + b.total, 0)).toBe(log.timedRecords);
    expect(timeline.buckets.reduce((n, b) => n + b.clientCertFailures, 0)).toBe(log.expected.clientCertFailures.reduce((n, f) => n + f.count, 0));
    expect(timeline.buckets.reduce((n, b) => n + b.status500, 0)).toBe(log.expected.statusCounts.filter((c) => c.status.startsWith('500')).reduce((n, c) => n + c.count, 0));
    // The mixes are all there, so a wrong split or a lost sub-status cannot pass unseen.
    expect(s.statusCounts.map((c) => c.status)).toEqual(expect.arrayContaining(['403.7', '403.07', '403', '403.12', '403.16', '500.19', '401.1']));
    expect(s.pattern500Then4037Total).toBeGreaterThan(0);
  });

  it('are the same whatever the chunk size, and from text pushed in pieces', () => {
    const whole = analyzeLogBytes(log.bytes, 'x');
    for (const chunkBytes of [1, 7, 100, 4093]) expect(analyzeLogBytes(log.bytes, 'x', { chunkBytes })).toEqual(whole);
    const text = decodeUtf8(log.bytes);
    const a = new W3cLogAnalyzer('x');
    for (let at = 0; at < text.length; at += 333) a.push(text.slice(at, at + 333));
    expect(a.end(log.bytes.length)).toEqual(whole);
  });

  it('decode bytes that are not UTF-8 to U+FFFD in the values kept, as TextDecoder does', () => {
    const head = encodeUtf8('#Fields: date time c-ip cs-uri-stem sc-status sc-substatus sc-win32-status\n2026-12-06 10:00:00 10.0.0.1 /a');
    const tail = encodeUtf8('b 403 7 5\n2026-12-06 10:00:01 10.0.0.1 /a\u00e9 403 7 5\n');
    const bytes = new Uint8Array([...head, 0xff, 0xe2, 0x82, ...tail]);
    const s = analyzeLogBytes(bytes, 'x', { chunkBytes: 3 });
    expect(s.clientCertFailures[0]?.byUrl).toEqual([
      { key: '/a\u00e9', count: 1 },
      { key: '/a\ufffd\ufffdb', count: 1 },
    ]);
  });
});

describe('createUtf8ByteStream', () => {
  it('passes UTF-8 through without its BOM and re-encodes UTF-16, whatever the chunking', () => {
    const text = 'date time\r\n2026-12-06 Bestellübersicht €\r\n'.repeat(300);
    const inputs = [
      new Uint8Array([0xef, 0xbb, 0xbf, ...encodeUtf8(text)]),
      new Uint8Array([0xff, 0xfe, ...Array.from(text, (c) => [c.charCodeAt(0) & 255, c.charCodeAt(0) >> 8]).flat()]),
    ];
    for (const input of inputs) {
      for (const size of [1, 5, 4096, input.length]) {
        const stream = createUtf8ByteStream();
        const out: number[] = [];
        for (let at = 0; at < input.length; at += size) out.push(...stream.write(input.subarray(at, at + size)));
        out.push(...stream.end());
        expect(decodeUtf8(new Uint8Array(out))).toBe(text);
      }
    }
  });
});

describe('ByteLines', () => {
  it('gives every line with its spaces, and reports a line beyond the bound once without keeping it', () => {
    const seen: string[] = [];
    let overlong = 0;
    const lines = new ByteLines(16, (b, start, end, n) => seen.push(`${decodeUtf8(b, start, end)}|${n}`), () => overlong++);
    const text = 'a b\nlonger than sixteen bytes here\nc d e\n\nlast one';
    for (let at = 0; at < text.length; at += 3) lines.push(encodeUtf8(text.slice(at, at + 3)));
    lines.end();
    expect(seen).toEqual(['a b|1', 'c d e|2', '|0', 'last one|1']);
    expect(overlong).toBe(1);
  });

  it('hands on every line of a chunk with many lines and many spaces, spaces in place', () => {
    const rows = Array.from({ length: 5000 }, (_, i) => Array.from({ length: 1 + (i % 700) }, (_, k) => `${i}.${k}`).join(' '));
    const got: string[] = [];
    const lines = new ByteLines(1 << 20, (b, start, end, n, base) => {
      // Rebuild the row from the space positions (at most MAX_SPACES kept) and the count.
      const kept = Math.min(n, 512);
      const cut = [start, ...Array.from({ length: kept }, (_, k) => lines.spaces[base + k]!)].map((at, k) => decodeUtf8(b, k ? at + 1 : at, k < kept ? lines.spaces[base + k]! : end));
      got.push(`${cut.length - 1 === n ? cut.join(' ') : cut.join(' ') + '...'}|${n}`);
    }, () => {});
    lines.push(encodeUtf8(rows.join('\n') + '\n'));
    lines.end();
    expect(got).toHaveLength(rows.length);
    got.forEach((g, i) => {
      const n = rows[i]!.split(' ').length - 1;
      expect(g.endsWith(`|${n}`)).toBe(true);
      if (n <= 512) expect(g).toBe(`${rows[i]}|${n}`);
    });
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticLog } from '../../bench/log';
import { analyzeLogBytes, analyzeLogFile } from '../../electron/services/server/read-log';
import { CertbenchError } from '../../shared/errors';
import { W3cLogAnalyzer } from '../../shared/server/w3c-log';

const raw = (name: string) => fs.readFileSync(new URL(`../fixtures/windows/${name}`, import.meta.url), 'utf8');

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-read-log-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function expected(text: string, source: string) {
  const a = new W3cLogAnalyzer(source);
  a.push(text);
  return a.end(0);
}

/** The default-order fixture with CRLF and characters beyond ASCII, so a chunk can cut one in half. */
const TEXT = raw('w3c-default-order.txt')
  .replace('/styles/site.css', '/Bestellübersicht/€-Preise')
  .replace(/\n/g, '\r\n');

describe('analyzeLogFile', () => {
  it('reads a UTF-16LE log with a BOM and CRLF, whatever the chunk size', async () => {
    const file = path.join(dir, 'u_ex260317-utf16.log');
    fs.writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TEXT, 'utf16le')]));
    const want = expected(TEXT, 'u_ex260317-utf16.log');
    for (const chunkBytes of [7, 64, 4093]) {
      const got = await analyzeLogFile(file, { chunkBytes });
      expect({ ...got, bytes: 0 }).toEqual(want);
      expect(got.bytes).toBe(fs.statSync(file).size);
    }
    const got = await analyzeLogFile(file, { chunkBytes: 5 });
    expect(got.statusCounts.find((s) => s.status === '403.7')?.count).toBe(3);
    expect(got.pattern500Then4037Total).toBe(1);
  });

  it('reads a UTF-8 log with a BOM, and content passed as bytes gives the same statistics', async () => {
    const file = path.join(dir, 'u_ex260317.log');
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT, 'utf8')]);
    fs.writeFileSync(file, bytes);
    const fromFile = await analyzeLogFile(file, { chunkBytes: 3 });
    expect({ ...fromFile, bytes: 0 }).toEqual(expected(TEXT, 'u_ex260317.log'));
    expect(analyzeLogBytes(new Uint8Array(bytes), 'u_ex260317.log', { chunkBytes: 11 })).toEqual(fromFile);
  });

  it('reports progress about every 1% and ends at the file size', async () => {
    const file = path.join(dir, 'progress.log');
    fs.writeFileSync(file, TEXT.repeat(200));
    const size = fs.statSync(file).size;
    const calls: [number, number][] = [];
    await analyzeLogFile(file, { chunkBytes: 1024, progress: (done, total) => calls.push([done, total]) });
    expect(calls.length).toBeGreaterThanOrEqual(90);
    expect(calls.length).toBeLessThanOrEqual(110);
    expect(calls.every(([, total]) => total === size)).toBe(true);
    expect(calls.map(([done]) => done)).toEqual([...calls.map(([done]) => done)].sort((a, b) => a - b));
    expect(calls.at(-1)).toEqual([size, size]);
  });

  it('stops when cancelled, with one line naming the log', async () => {
    const file = path.join(dir, 'cancel.log');
    fs.writeFileSync(file, TEXT.repeat(200));
    const controller = new AbortController();
    const run = analyzeLogFile(file, { chunkBytes: 1024, signal: controller.signal, progress: (done, total) => done > total / 4 && controller.abort() });
    await expect(run).rejects.toThrow(CertbenchError);
    await expect(run).rejects.toMatchObject({ code: 'timeout', message: 'cancel.log: log analysis cancelled' });
  });

  it('says in one line when the file is missing or is a folder', async () => {
    await expect(analyzeLogFile(path.join(dir, 'nope.log'))).rejects.toMatchObject({ code: 'not-found', message: `${path.join(dir, 'nope.log')}: no such file` });
    await expect(analyzeLogFile(dir)).rejects.toMatchObject({ code: 'bad-input', message: `${dir}: is a folder, not a log file` });
  });

  it('analyses a 50 MB generated log with several #Fields orders in bounded memory', async () => {
    const file = path.join(dir, 'u_ex260301.log');
    const written = writeSyntheticLog(file, 50 * 1024 * 1024, { segmentBytes: 8 * 1024 * 1024 });
    expect(written.headers).toBeGreaterThanOrEqual(6);

    // Retained memory is what "bounded" means: collect garbage at each progress call and measure what stays.
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    gc();
    const base = process.memoryUsage().heapUsed;
    let peak = 0;
    const stats = await analyzeLogFile(file, {
      progress: () => {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - base);
      },
    });

    expect(stats.records).toBe(written.records);
    expect(stats.malformed).toBe(0);
    expect(stats.fieldHeaders).toBe(written.headers);
    expect(stats.pattern500Then4037Total).toBe(written.patterns);
    expect(new Map(stats.statusCounts.map((s) => [s.status, s.count]))).toEqual(written.statusCounts);
    expect(stats.timeline.buckets.length).toBeLessThanOrEqual(200);
    expect(stats.timeline.buckets.reduce((n, b) => n + b.total, 0)).toBe(written.records);
    const f = stats.clientCertFailures.find((c) => c.status === '403.7')!;
    expect(f.byClient.length).toBeLessThanOrEqual(21);
    expect(f.byClient.reduce((n, c) => n + c.count, 0)).toBe(f.count);
    // 50 MB of log, hundreds of thousands of distinct clients: a few MB of counters stay, never the log.
    expect(peak).toBeLessThan(16 * 1024 * 1024);
  });
});

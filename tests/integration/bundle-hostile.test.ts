import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_FORMAT_VERSION } from '../../shared/model/bundle';
import { DiagnoseReportSchema, REPORT_SCHEMA_VERSION } from '../../shared/model/diagnose';
import { EMPTY_SERVER_EVIDENCE } from '../../shared/model/server';
import { openBundle } from '../../electron/services/bundle/open';
import { testServices } from '../helpers/services';
import { ZIP_LIMITS, zipWork } from '../../electron/services/bundle/zip-read';
import { readInputFile } from '../../electron/services/input-file';

/**
 * Bundles and files that cannot hurt: a bundle is bounded by what it costs to read (JSON
 * nesting counted while inflating, every entry vouched for by the manifest), and only regular files
 * are read from a path the user names: a device or a FIFO is refused at once.
 */
const ctx = () => ({ progress: () => undefined, signal: new AbortController().signal });
const enc = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

const REPORT = DiagnoseReportSchema.parse({
  schemaVersion: REPORT_SCHEMA_VERSION,
  createdAt: '2026-01-01T00:00:00.000Z',
  host: 'pc',
  platform: 'linux',
  appVersion: '9.9.9',
  request: { url: null, certificate: null, identity: null, attachments: [] },
  summary: 'nothing',
  steps: [],
  findings: [],
  fixes: [],
  probes: [],
  certificate: null,
  key: null,
  stores: null,
  server: EMPTY_SERVER_EVIDENCE,
});

/** A bundle whose manifest lists `listed` (with true sizes and digests); `extra` entries are zipped but not listed. */
function bundle(listed: Record<string, Uint8Array>, extra: Record<string, Uint8Array> = {}): Uint8Array {
  const files = Object.entries(listed).map(([p, b]) => ({ path: p, bytes: b.length, sha256: crypto.createHash('sha256').update(b).digest('hex') }));
  const manifest = { format: 'certbench-bundle', formatVersion: BUNDLE_FORMAT_VERSION, appVersion: '9.9.9', createdAt: '2026-01-01T00:00:00.000Z', host: 'pc', os: { platform: 'linux', release: '6' }, collected: [], redactions: [], files };
  const z: Zippable = { 'manifest.json': enc(JSON.stringify(manifest)) };
  for (const [p, b] of [...Object.entries(listed), ...Object.entries(extra)]) z[p] = [b, { level: 9 }];
  return zipSync(z);
}

const open = (bytes: Uint8Array, name: string) => openBundle({ name, bytes }, ctx());

async function refusal(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: Error) => e,
  );
  expect(err, 'expected a refusal').not.toBeNull();
  expect(err!.message).not.toContain('\n');
  return err!.message;
}

describe('bundles bounded by what they cost to read', () => {
  it('opens a plain bundle (the fixture itself is sound)', async () => {
    const opened = await open(bundle({ 'report.json': enc(JSON.stringify(REPORT)) }), 'ok.zip');
    expect(opened.report.summary).toBe('nothing');
  });

  it('refuses a 160 KB JSON nesting bomb after inflating a few kilobytes, before parsing anything', async () => {
    // Whitespace between the brackets keeps the ratio ordinary, so only the nesting gives it away.
    const noise = crypto.randomBytes(160 * 1024);
    let text = '';
    for (let i = 0; text.length < 160 * 1024; i += 3) text += `[${' \n\t\r'[noise[i]! & 3]}${' \n\t\r'[noise[i + 1]! & 3]}${' \n\t\r'[noise[i + 2]! & 3]}`;
    const bomb = bundle({ 'report.json': enc(text) });
    zipWork.inflatedBytes = 0;
    const heapBefore = process.memoryUsage().heapUsed;
    const message = await refusal(open(bomb, 'nest.zip'));
    expect(message).toMatch(/^nest\.zip: refused: report\.json nests deeper than 64 levels \(65 and counting; a parser bomb\)$/);
    // The work counter: one 4 KB piece or two of the entry were inflated, not the 160 KB, and nothing was parsed.
    expect(zipWork.inflatedBytes).toBeLessThan(64 * 1024);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
  });

  it('refuses a nesting bomb that compresses well from its directory, before inflating it', async () => {
    const bomb = bundle({ 'report.json': enc('['.repeat(1_600_000)) });
    zipWork.inflatedBytes = 0;
    expect(await refusal(open(bomb, 'deep.zip'))).toMatch(/^deep\.zip: refused: entry "report\.json" would inflate .* \(a zip bomb\)$/);
    expect(zipWork.inflatedBytes).toBeLessThan(ZIP_LIMITS.ratioFloorBytes);
  });

  it('refuses an entry the manifest does not list, naming it, without reading it', async () => {
    const extra = bundle({ 'report.json': enc(JSON.stringify(REPORT)) }, { 'fixes/certbench-fix-extra.ps1': enc('Remove-Item C:\\ -Recurse') });
    expect(await refusal(open(extra, 'extra.zip'))).toBe('extra.zip: refused: "fixes/certbench-fix-extra.ps1" is not listed in manifest.json (the bundle was altered)');
    // A report.json that is present but unlisted is refused the same way (it once was read anyway).
    const unlisted = bundle({}, { 'report.json': enc(JSON.stringify(REPORT)) });
    expect(await refusal(open(unlisted, 'unlisted.zip'))).toMatch(/"report\.json" is not listed in manifest\.json/);
  });
});

describe('only regular files are read from a path the user names', () => {
  let dir: string;
  let fifo: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-special-'));
    fifo = path.join(dir, 'bundle.zip');
    execFileSync('mkfifo', [fifo]);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses /dev/zero as a bundle at once (it once grew without bound)', async () => {
    expect(await refusal(openBundle({ name: '/dev/zero', path: '/dev/zero' }, ctx()))).toBe('/dev/zero: is a device, not a file; only regular files are read');
  });

  it('refuses a FIFO as a bundle without waiting for a writer (it once blocked the web mode for everyone)', async () => {
    expect(await refusal(openBundle({ name: 'bundle.zip', path: fifo }, ctx()))).toBe('bundle.zip: is a FIFO (named pipe), not a file; only regular files are read');
  }, 5000);

  it('refuses devices, FIFOs and sockets on the shared reader every user-named file goes through', () => {
    expect(() => readInputFile('/dev/zero', 1024)).toThrow('/dev/zero: is a device, not a file');
    expect(() => readInputFile(fifo, 1024)).toThrow(`${fifo}: is a FIFO (named pipe), not a file`);
    expect(() => readInputFile(dir, 1024)).toThrow(`${dir}: is a directory`);
  });
});

describe('bundle:export writes only where it was asked to', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-export-out-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const services = () => testServices({ ...process.env, CERTBENCH_DATA_DIR: path.join(dir, 'data'), HOME: dir });

  it('never replaces an existing file unasked, and leaves it as it was', async () => {
    const out = path.join(dir, 'existing.zip');
    fs.writeFileSync(out, 'precious');
    const message = await refusal(services().bundles.export({ report: REPORT, redact: [], includeStores: false, out }, ctx()));
    expect(message).toBe(`${out}: already exists; choose another name, or ask to replace it (--overwrite)`);
    expect(fs.readFileSync(out, 'utf8')).toBe('precious');
    const replaced = await services().bundles.export({ report: REPORT, redact: [], includeStores: false, out, overwrite: true }, ctx());
    expect(replaced.path).toBe(out);
    expect(fs.readFileSync(out).subarray(0, 2).toString('latin1')).toBe('PK');
  });

  it('refuses a relative out (it would land wherever the server runs)', async () => {
    const message = await refusal(services().bundles.export({ report: REPORT, redact: [], includeStores: false, out: 'bundle.zip' }, ctx()));
    expect(message).toBe('out: "bundle.zip" is a relative path; give the full path of the .zip to write');
    expect(fs.existsSync(path.join(process.cwd(), 'bundle.zip'))).toBe(false);
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_CODE_CACHE_BYTES, codeCacheEntry, requireWithCodeCache } from '../../electron/cli/code-cache';
import { toPem } from '../../shared/cert/containers/text';
import { generateCertificates } from '../../bench/generate';
import { requireBuiltCli, runCli } from '../helpers/run-cli';

/**
 * The command line keeps V8's compiled code of its bundles in the data folder (electron/cli/code-cache.ts).
 * What a user would notice if it were wrong: a different answer on the second run, a run that fails
 * or crashes after the cache was damaged, stale code run after an upgrade, or a cache that grows
 * without bound. Speed itself is measured in bench/ (cli group), not here.
 */

const temps: string[] = [];
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-code-cache-'));
  temps.push(d);
  return d;
}
afterEach(() => {
  for (const d of temps.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const entries = (data: string) => {
  const folder = path.join(data, 'cache');
  return fs.existsSync(folder) ? fs.readdirSync(folder).filter((n) => n.endsWith('.v8')).map((n) => path.join(folder, n)) : [];
};

describe('the CLI through its code cache', () => {
  let pem: string;
  beforeAll(async () => {
    requireBuiltCli();
    const dir = tempDir();
    pem = path.join(dir, 'one.pem');
    fs.writeFileSync(pem, toPem('CERTIFICATE', (await generateCertificates(1))[0]!));
    temps.splice(temps.indexOf(dir), 1);
  });

  it('answers the same on the first run, the cached run and after the entry was damaged, and says once that it was damaged', () => {
    const data = tempDir();
    const env = { CERTBENCH_DATA_DIR: data };
    const first = runCli(['inspect', pem], { env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toBe('');
    const [entry, ...more] = entries(data);
    expect(more).toEqual([]);
    expect(path.basename(entry!)).toMatch(/^code-inspect-inspect-[0-9a-f]{16}\.v8$/);
    if (process.platform !== 'win32') expect(fs.statSync(entry!).mode & 0o777).toBe(0o600);
    const written = fs.readFileSync(entry!);

    const second = runCli(['inspect', pem], { env });
    expect(second).toEqual(first);
    // Used, not rewritten: the same bytes (a rejected entry is written again after the run).
    expect(fs.readFileSync(entry!).equals(written)).toBe(true);

    // One byte of the compiled code changed: V8 itself would not notice (it checks the source's length only).
    const damaged = Buffer.from(written);
    damaged[damaged.length - 100] = 0xff - damaged[damaged.length - 100]!;
    fs.writeFileSync(entry!, damaged);
    const third = runCli(['inspect', pem], { env });
    expect(third.code).toBe(0);
    expect(third.stdout).toBe(first.stdout);
    expect(third.stderr).toBe(`certbench: note: ${entry}: the compiled-code cache is damaged; ignored, and replaced once a command completes\n`);
    const fourth = runCli(['inspect', pem], { env });
    expect(fourth).toEqual(first);
  }, 60_000);

  it('keeps one entry per command, and none for help or a usage error', () => {
    const data = tempDir();
    const env = { CERTBENCH_DATA_DIR: data };
    expect(runCli(['--help'], { env }).code).toBe(0);
    expect(runCli(['chain', '--help'], { env }).code).toBe(0);
    expect(runCli(['chain', '--no-such-option'], { env }).code).toBe(2);
    expect(runCli(['nonsense-word'], { env }).code).toBe(2);
    expect(entries(data)).toEqual([]);
    const chain = runCli(['chain', pem], { env });
    expect([0, 1]).toContain(chain.code);
    expect(runCli(['inspect', pem], { env }).code).toBe(0);
    expect(entries(data).map((e) => path.basename(e).replace(/-[0-9a-f]{16}\.v8$/, '')).sort()).toEqual(['code-commands-chain', 'code-inspect-inspect']);
    // The chain command's answer is the same from its cached code.
    expect(runCli(['chain', pem], { env })).toEqual(chain);
  }, 60_000);

  it('runs when the data folder cannot be written, with no note (the cache only saves time)', () => {
    const data = tempDir();
    fs.writeFileSync(path.join(data, 'cache'), 'a file where the cache folder would be');
    const r = runCli(['inspect', pem], { env: { CERTBENCH_DATA_DIR: data } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Subject');
    expect(r.stderr).toBe('');
  }, 60_000);
});

describe('requireWithCodeCache on bundles of its own', () => {
  const bundleOf = (dir: string, body: string) => {
    const file = path.join(dir, 'b.cjs');
    fs.writeFileSync(file, body);
    return file;
  };
  type Answer = { answer: () => string };

  it('never runs stale code: a rebuilt bundle of the same length gets its own entry and its own answer', () => {
    const dir = tempDir();
    const folder = path.join(dir, 'cache');
    const file = bundleOf(dir, 'module.exports = { answer: () => "first" };');
    const first = requireWithCodeCache(file, { folder, purpose: 'test' });
    expect((first.exports as Answer).answer()).toBe('first');
    first.save();
    expect(fs.existsSync(first.entry)).toBe(true);
    const again = requireWithCodeCache(file, { folder, purpose: 'test' });
    expect(again.entry).toBe(first.entry);
    expect((again.exports as Answer).answer()).toBe('first');

    const later = new Date(Date.now() + 5_000);
    fs.writeFileSync(file, 'module.exports = { answer: () => "other" };');
    fs.utimesSync(file, later, later);
    const rebuilt = requireWithCodeCache(file, { folder, purpose: 'test' });
    expect(rebuilt.entry).not.toBe(first.entry);
    expect((rebuilt.exports as Answer).answer()).toBe('other');
  });

  it('reads no entry over its bound, says so in one line, and still runs the bundle', () => {
    const dir = tempDir();
    const folder = path.join(dir, 'cache');
    fs.mkdirSync(folder);
    const file = bundleOf(dir, 'module.exports = 42;');
    const entry = codeCacheEntry(folder, file, fs.statSync(file), 'big');
    fs.writeFileSync(entry, '');
    fs.truncateSync(entry, MAX_CODE_CACHE_BYTES + 1);
    const said = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(requireWithCodeCache(file, { folder, purpose: 'big' }).exports).toBe(42);
      expect(said.mock.calls.map((c) => String(c[0]))).toEqual([`certbench: note: ${entry}: the compiled-code cache is over 64 MB; ignored, and replaced once a command completes\n`]);
    } finally {
      said.mockRestore();
    }
  });

  it('keeps at most 24 entries, the most recent', () => {
    const dir = tempDir();
    const folder = path.join(dir, 'cache');
    const file = bundleOf(dir, 'module.exports = 1;');
    for (let i = 0; i < 30; i++) requireWithCodeCache(file, { folder, purpose: `p${i}` }).save();
    const left = fs.readdirSync(folder).filter((n) => n.endsWith('.v8'));
    expect(left).toHaveLength(24);
    expect(left.some((n) => n.includes('-p29-'))).toBe(true);
  });
});

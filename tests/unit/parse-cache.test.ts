import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createParseCache, stampOf } from '../../electron/services/parse-cache';
import { createSystemTrust } from '../../electron/services/system-trust';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-parse-cache-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('parse cache (data folder, keyed by path, size and modification time)', () => {
  it('answers while the file is unchanged and not once its size or time moved', () => {
    const cache = createParseCache(dir);
    const file = path.join(dir, 'bundle.pem');
    fs.writeFileSync(file, 'one');
    const stamp = stampOf(fs.statSync(file));
    expect(cache.get('k', file, stamp)).toEqual({ value: null, note: null });
    cache.put('k', file, stamp, { ders: ['AA=='] });
    expect(cache.get('k', file, stamp)).toEqual({ value: { ders: ['AA=='] }, note: null });
    expect(cache.get('k', file, { ...stamp, size: stamp.size + 1 }).value).toBeNull();
    expect(cache.get('k', file, { ...stamp, mtimeMs: stamp.mtimeMs + 1 }).value).toBeNull();
    expect(cache.get('other-kind', file, stamp).value).toBeNull();
  });

  it('ignores a damaged or other-version entry with a note naming the file, and a fresh put replaces it', () => {
    const cache = createParseCache(dir);
    const file = path.join(dir, 'bundle.pem');
    fs.writeFileSync(file, 'one');
    const stamp = stampOf(fs.statSync(file));
    cache.put('k', file, stamp, [1]);
    const [entry] = fs.readdirSync(path.join(dir, 'cache'));
    const where = path.join(dir, 'cache', entry!);
    fs.writeFileSync(where, '{"version": 1, "kind": "k", "fi');
    const damaged = cache.get('k', file, stamp);
    expect(damaged.value).toBeNull();
    expect(damaged.note).toBe(`${where}: the cached reading of ${file} is damaged (not JSON); ignored, ${file} read again`);
    fs.writeFileSync(where, JSON.stringify({ version: 999, kind: 'k', file, size: stamp.size, mtimeMs: stamp.mtimeMs, value: [1] }));
    expect(cache.get('k', file, stamp).note).toMatch(/of another version or file; ignored/);
    cache.put('k', file, stamp, [2]);
    expect(cache.get('k', file, stamp)).toEqual({ value: [2], note: null });
  });

  it('keeps at most 16 entries, the most recently written', () => {
    const cache = createParseCache(dir);
    for (let i = 0; i < 20; i++) cache.put('k', path.join(dir, `f${i}`), { size: i, mtimeMs: i }, i);
    expect(fs.readdirSync(path.join(dir, 'cache')).filter((n) => n.endsWith('.json'))).toHaveLength(16);
    expect(cache.get('k', path.join(dir, 'f19'), { size: 19, mtimeMs: 19 }).value).toBe(19);
  });
});

describe('system trust through the cache', () => {
  it('reads the roots once, then from the cache; a damaged cache is said in the note and the bundle read again', async () => {
    if (process.platform !== 'linux') return;
    const bundle = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt'].find((f) => fs.existsSync(f));
    if (!bundle) return;
    const env = { CERTBENCH_DATA_DIR: dir };
    const first = await createSystemTrust(env).roots();
    expect(first.items.length).toBeGreaterThan(10);
    expect(first.note).toBeNull();
    const cached = await createSystemTrust(env).roots();
    expect(cached.items.map((i) => Buffer.from(i.der).toString('hex'))).toEqual(first.items.map((i) => Buffer.from(i.der).toString('hex')));
    for (const name of fs.readdirSync(path.join(dir, 'cache'))) fs.writeFileSync(path.join(dir, 'cache', name), 'not json');
    const again = await createSystemTrust(env).roots();
    expect(again.items).toHaveLength(first.items.length);
    expect(again.note).toMatch(/damaged \(not JSON\); ignored/);
  });
});

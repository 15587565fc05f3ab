import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Runs scripts/check-packaging.mjs as `npm run check:package` does, then looks at what it produced
 * with electron-builder's own asar reader. Assumes `npm run build` has run (dist/ exists), as the
 * script itself does.
 */

const root = path.resolve(__dirname, '..', '..');
const script = path.join(root, 'scripts', 'check-packaging.mjs');

interface AsarModule {
  listPackage: (archive: string, options: object) => string[];
}
// @electron/asar comes with electron-builder (through app-builder-lib); resolve it the same way.
const fromLib = createRequire(
  createRequire(createRequire(path.join(root, 'package.json')).resolve('electron-builder/package.json')).resolve(
    'app-builder-lib/package.json',
  ),
);
const asar = fromLib('@electron/asar') as AsarModule;

function runCheck(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { cwd: root, timeout: 240_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

function findAsar(dir: string): string | undefined {
  const release = path.join(dir, 'release');
  const unpacked = fs.readdirSync(release).find((d) => d.endsWith('-unpacked'));
  return unpacked && path.join(release, unpacked, 'resources', 'app.asar');
}

describe('packaging check', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-packaging-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('validates the configuration, packs offline and flips the fuses', async () => {
    const out = path.join(tmp, 'good');
    const result = await runCheck(['--out', out]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^check:package: OK: build\/electron-builder\.yml is valid .*fuses flipped as configured$/);

    const archive = findAsar(out);
    expect(archive && fs.existsSync(archive)).toBe(true);
    const entries = asar.listPackage(archive as string, {}).map((e) => e.replace(/\\/g, '/').replace(/^\//, ''));
    expect(entries).toEqual(
      expect.arrayContaining(['dist/electron/main.cjs', 'dist/electron/preload.cjs', 'dist/renderer/index.html', 'package.json']),
    );
    // Everything is bundled: no runtime node_modules, no source maps.
    expect(entries.filter((e) => e.startsWith('node_modules') || e.endsWith('.map'))).toEqual([]);
  });

  it('rejects a configuration with an unknown key, in one clear line', async () => {
    const bad = path.join(tmp, 'bogus.yml');
    fs.writeFileSync(bad, `${fs.readFileSync(path.join(root, 'build', 'electron-builder.yml'), 'utf8')}\nbogusKey: true\n`);
    const result = await runCheck(['--config', bad, '--out', path.join(tmp, 'bad')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^check:package: FAILED: .*bogus\.yml is invalid for electron-builder \S+: configuration has an unknown property 'bogusKey'$/);
    // Rejected before anything was packed.
    expect(fs.existsSync(path.join(tmp, 'bad'))).toBe(false);
  });

  it('rejects a configuration that weakens a fuse', async () => {
    const weak = path.join(tmp, 'weak.yml');
    const text = fs.readFileSync(path.join(root, 'build', 'electron-builder.yml'), 'utf8');
    expect(text).toMatch(/runAsNode: false/);
    fs.writeFileSync(weak, text.replace('runAsNode: false', 'runAsNode: true'));
    const result = await runCheck(['--config', weak, '--schema-only']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(`check:package: FAILED: ${path.relative(root, weak)}: electronFuses.runAsNode must be false`);
  });
});

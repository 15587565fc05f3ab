#!/usr/bin/env node
// Builds everything the app runs from: the renderer (Vite) and the main process, preload and CLI
// (esbuild, one CommonJS file each; a sandboxed preload cannot be an ES module).
import { build as viteBuild } from 'vite';
import { build as esbuild } from 'esbuild';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const quiet = process.argv.includes('--quiet');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['electron'],
  logLevel: 'warning',
  define: { __CERTBENCH_VERSION__: JSON.stringify(pkg.version) },
  absWorkingDir: root,
};

// The command line (electron/cli/start.ts is dist/cli.cjs): --version answered alone; `inspect` from
// one CommonJS file of its own (dist/cli/inspect.cjs: one read, one compile); every other command
// from ES modules split into chunks (esbuild splits only ES modules), each command's chunk loaded
// when it runs (electron/cli/lazy.ts). Bundled CommonJS dependencies call require() and the serve
// command finds dist/renderer from __dirname: the banner gives every chunk both.
const cliChunks = {
  ...common,
  format: 'esm',
  splitting: true,
  entryPoints: { main: 'electron/cli/lazy.ts' },
  outdir: 'dist/cli',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  write: false,
  banner: {
    js: [
      "import { createRequire as __cbRequire } from 'node:module';",
      "import { fileURLToPath as __cbPath } from 'node:url';",
      'const require = __cbRequire(import.meta.url);',
      "const __dirname = __cbPath(new URL('.', import.meta.url)).replace(/[\\/]chunks[\\/]?$/, '');",
    ].join(' '),
  },
};

/**
 * Written so that a CLI started during a build (other tests run while one builds) never sees half a
 * build: the chunks first (their names carry a content hash, so they never overwrite a chunk in
 * use), each file written whole and renamed into place, the entries last. Chunks no output of this
 * build names are removed only once they are ten minutes old, after any process that read the old
 * entry has loaded them.
 */
function writeCliOutputs(result, { prune = false } = {}) {
  const files = [...result.outputFiles].sort((a, b) => Number(b.path.includes(`${path.sep}chunks${path.sep}`)) - Number(a.path.includes(`${path.sep}chunks${path.sep}`)));
  for (const f of files) {
    mkdirSync(path.dirname(f.path), { recursive: true });
    const temp = `${f.path}.${process.pid}.tmp`;
    writeFileSync(temp, f.contents);
    renameSync(temp, f.path);
  }
  if (!prune) return;
  const dir = path.join(root, 'dist', 'cli', 'chunks');
  const current = new Set(files.map((f) => f.path));
  const old = Date.now() - 10 * 60_000;
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (!current.has(file) && statSync(file).mtimeMs < old) rmSync(file, { force: true });
  }
}

const started = Date.now();
await viteBuild({ configFile: path.join(root, 'vite.config.mts'), logLevel: quiet ? 'warn' : 'info' });
await Promise.all([
  esbuild({ ...common, entryPoints: ['electron/main.ts'], outfile: 'dist/electron/main.cjs' }),
  esbuild({ ...common, entryPoints: ['electron/preload.ts'], outfile: 'dist/electron/preload.cjs' }),
  esbuild({ ...common, entryPoints: ['electron/cli/start.ts'], outfile: 'dist/cli.cjs' }),
  esbuild({ ...common, entryPoints: ['electron/cli/inspect-main.ts'], outfile: 'dist/cli/inspect.cjs', write: false }).then(writeCliOutputs),
  esbuild(cliChunks).then((r) => writeCliOutputs(r, { prune: true })),
]);
if (!quiet) console.error(`certbench: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);

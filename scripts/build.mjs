#!/usr/bin/env node
// Builds everything the app runs from: the renderer (Vite) and the main process, preload and CLI
// (esbuild, one CommonJS file each; a sandboxed preload cannot be an ES module).
import { build as viteBuild } from 'vite';
import { build as esbuild } from 'esbuild';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
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
  metafile: true,
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
 * Chunk names carry a content hash, so each build leaves the previous ones behind: remove those no
 * output of this build names. Nothing is removed before the build, so a CLI started meanwhile (by
 * another build's tests) never finds its entry missing.
 */
function dropStaleChunks(result) {
  const dir = path.join(root, 'dist', 'cli', 'chunks');
  const current = new Set(Object.keys(result.metafile.outputs).map((f) => path.resolve(root, f)));
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) if (!current.has(path.join(dir, name))) rmSync(path.join(dir, name), { force: true });
}

const started = Date.now();
await viteBuild({ configFile: path.join(root, 'vite.config.mts'), logLevel: quiet ? 'warn' : 'info' });
await Promise.all([
  esbuild({ ...common, entryPoints: ['electron/main.ts'], outfile: 'dist/electron/main.cjs' }),
  esbuild({ ...common, entryPoints: ['electron/preload.ts'], outfile: 'dist/electron/preload.cjs' }),
  esbuild({ ...common, entryPoints: ['electron/cli/start.ts'], outfile: 'dist/cli.cjs' }),
  esbuild({ ...common, entryPoints: ['electron/cli/inspect-main.ts'], outfile: 'dist/cli/inspect.cjs' }),
  esbuild(cliChunks).then(dropStaleChunks),
]);
if (!quiet) console.error(`certbench: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);

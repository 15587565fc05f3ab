#!/usr/bin/env node
// Builds everything the app runs from: the renderer (Vite) and the main process, preload and CLI
// (esbuild, one CommonJS file each; a sandboxed preload cannot be an ES module).
import { build as viteBuild } from 'vite';
import { build as esbuild } from 'esbuild';
import { readFileSync } from 'node:fs';
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

const started = Date.now();
await viteBuild({ configFile: path.join(root, 'vite.config.mts'), logLevel: quiet ? 'warn' : 'info' });
await Promise.all([
  esbuild({ ...common, entryPoints: ['electron/main.ts'], outfile: 'dist/electron/main.cjs' }),
  esbuild({ ...common, entryPoints: ['electron/preload.ts'], outfile: 'dist/electron/preload.cjs' }),
  esbuild({ ...common, entryPoints: ['electron/cli/cli.ts'], outfile: 'dist/cli.cjs' }),
]);
if (!quiet) console.error(`certbench: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);

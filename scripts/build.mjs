#!/usr/bin/env node
// Builds everything the app runs from: the renderer (Vite) and the main process, preload and CLI
// (esbuild, one CommonJS file each; a sandboxed preload cannot be an ES module).
import { build as viteBuild } from 'vite';
import { build as esbuild } from 'esbuild';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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
// one CommonJS file with nothing but what it reads (dist/cli/inspect.cjs); every other command from
// dist/cli/commands.cjs (electron/cli/lazy.ts), where each command's modules and the services are
// evaluated only when that command runs (esbuild keeps a dynamic import() lazy inside one file). Both
// are compiled through V8's code cache (electron/cli/code-cache.ts), so their size costs a read, not a
// compile, from the second run on. Whitespace and comments are left out (a third less to read, and
// only ASCII then: see code-cache.ts); names stay, so a stack trace still names its functions.
const cliBundle = { ...common, minifyWhitespace: true, write: false };

/** Written whole and renamed into place: a CLI started during a build (tests run while one builds) never reads half a file. */
function writeCliOutputs(result) {
  for (const f of result.outputFiles) {
    mkdirSync(path.dirname(f.path), { recursive: true });
    const temp = `${f.path}.${process.pid}.tmp`;
    writeFileSync(temp, f.contents);
    renameSync(temp, f.path);
  }
}

const started = Date.now();
await viteBuild({ configFile: path.join(root, 'vite.config.mts'), logLevel: quiet ? 'warn' : 'info' });
await Promise.all([
  esbuild({ ...common, entryPoints: ['electron/main.ts'], outfile: 'dist/electron/main.cjs' }),
  esbuild({ ...common, entryPoints: ['electron/preload.ts'], outfile: 'dist/electron/preload.cjs' }),
  esbuild({ ...common, entryPoints: ['electron/cli/start.ts'], outfile: 'dist/cli.cjs' }),
  esbuild({ ...cliBundle, entryPoints: ['electron/cli/inspect-main.ts'], outfile: 'dist/cli/inspect.cjs' }).then(writeCliOutputs),
  esbuild({ ...cliBundle, entryPoints: ['electron/cli/lazy.ts'], outfile: 'dist/cli/commands.cjs' }).then(writeCliOutputs),
]);
if (!quiet) console.error(`certbench: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);

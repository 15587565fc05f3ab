import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Module, createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { keepNewest } from '../services/parse-cache';

/**
 * Loads one of the command line's CommonJS bundles (dist/cli/*.cjs) with V8's code cache kept in the
 * data folder, so a run compiles only what the last run of the same command did not: measured on the
 * probe (bench "cli"), compiling the bundle was about a third of the whole process.
 *
 * Why not Node's own cache: module.enableCompileCache() arrived in Node 22; Certbench supports 20.
 *
 * The cache is an optimisation only. An entry is used only for the same bundle (path, size and
 * modification time), the same Node and architecture, and when its own SHA-256 matches: V8 checks a
 * cache against the source's length, not its content (measured: entries with any one byte flipped
 * were all accepted), and a damaged entry must not reach it. A
 * missing, damaged, foreign or rejected entry means the bundle is compiled from its text, as without
 * a cache, and the entry is written again after the run. Entries are written whole and renamed into
 * place (a parallel run never reads half of one), owner-only; start.ts saves one only after a run
 * that did its work (exit 0 or 1, no help): an entry made by `--help` would hold almost nothing.
 */

/** An entry beyond this is not read (the bundles are a few MB; their caches smaller). */
export const MAX_CODE_CACHE_BYTES = 64 * 1024 * 1024;
/** Entries kept per data folder: one per command and bundle, the oldest removed beyond this. */
const MAX_CODE_ENTRIES = 24;
const MAGIC = Buffer.from('certbench-v8-code-cache-1\n', 'latin1');
const DIGEST_BYTES = 32;

export interface CodeCacheOptions {
  /** The folder the entries live in (<data>/cache). */
  folder: string;
  /** What the run will do, so each command keeps the code it uses (e.g. "probe"). */
  purpose: string;
}

export interface LoadedBundle {
  exports: unknown;
  /** The entry's file. */
  entry: string;
  /** Writes the entry with what this run compiled, unless the run used it (call when the work is done). */
  save(): void;
}

export function codeCacheEntry(folder: string, bundle: string, stat: fs.Stats, purpose: string): string {
  const key = [path.resolve(bundle), stat.size, stat.mtimeMs, process.version, process.arch, purpose].join('\n');
  const name = `${path.basename(bundle, '.cjs')}-${purpose.replace(/[^a-z0-9-]/gi, '_').slice(0, 32)}`;
  return path.join(folder, `code-${name}-${createHash('sha256').update(key).digest('hex').slice(0, 16)}.v8`);
}

type Read = { data: Buffer } | { problem: 'absent' | 'damaged' | 'too large' };

function readEntry(file: string): Read {
  let raw: Buffer;
  try {
    if (fs.statSync(file).size > MAX_CODE_CACHE_BYTES) return { problem: 'too large' };
    raw = fs.readFileSync(file);
  } catch {
    return { problem: 'absent' };
  }
  const head = MAGIC.length + DIGEST_BYTES;
  if (raw.length <= head || !raw.subarray(0, MAGIC.length).equals(MAGIC)) return { problem: 'damaged' };
  const data = raw.subarray(head);
  const digest = createHash('sha256').update(data).digest();
  return digest.equals(raw.subarray(MAGIC.length, head)) ? { data } : { problem: 'damaged' };
}

function writeEntry(folder: string, file: string, data: Buffer): void {
  try {
    fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
    const temp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, Buffer.concat([MAGIC, createHash('sha256').update(data).digest(), data]), { mode: 0o600 });
    fs.renameSync(temp, file);
    keepNewest(folder, (n) => n.startsWith('code-') && n.endsWith('.v8'), MAX_CODE_ENTRIES);
  } catch {
    // A read-only or full data folder: the next run compiles again.
  }
}

/** Runs the CommonJS bundle `bundle` as require() would, through the code cache. */
export function requireWithCodeCache(bundle: string, options: CodeCacheOptions): LoadedBundle {
  // The key's size and time from the very file read (one descriptor): a build renaming a new bundle
  // into place between a stat and a read could otherwise file the old code under the new key.
  const fd = fs.openSync(bundle, 'r');
  let bytes: Buffer;
  let stat: fs.Stats;
  try {
    stat = fs.fstatSync(fd);
    bytes = fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  // An all-ASCII bundle (the build's is: esbuild escapes non-ASCII text) is read as one-byte text, a
  // copy; UTF-8 decoding of 3 MB took 5-15 ms and made V8 hold the source as two-byte text.
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  const where = codeCacheEntry(options.folder, bundle, stat, options.purpose);
  const read = readEntry(where);
  const script = new vm.Script(Module.wrap(source), { filename: bundle, ...('data' in read ? { cachedData: read.data } : {}) });
  if ('problem' in read && read.problem !== 'absent') {
    const what = read.problem === 'damaged' ? 'is damaged' : `is over ${MAX_CODE_CACHE_BYTES / 1024 / 1024} MB`;
    process.stderr.write(`certbench: note: ${where}: the compiled-code cache ${what}; ignored, and replaced once a command completes\n`);
  }
  const used = 'data' in read && !script.cachedDataRejected;
  const module = new Module(bundle);
  module.filename = bundle;
  const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  run.call(module.exports, module.exports, createRequire(bundle), module, bundle, path.dirname(bundle));
  module.loaded = true;
  return { exports: module.exports, entry: where, save: () => (used ? undefined : writeEntry(options.folder, where, script.createCachedData())) };
}

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { dataDir } from '../platform/data-dir';

/**
 * What was read from a large file that rarely changes (the system trust bundle: 150 roots, decoded
 * as text, each self-signature checked), kept in the data folder between runs. An entry answers only
 * while the file has the same path, size and modification time; each entry is one file under
 * <data>/cache/, so one damaged entry costs only itself. Bounded: entries over MAX_ENTRY_BYTES are not
 * written, and beyond MAX_ENTRIES the least recently written go. A damaged or other-version entry is
 * ignored with a note, and read again from the file.
 */

/** Bumped whenever what an entry holds changes shape; older entries are then ignored. */
const CACHE_VERSION = 1;
const MAX_ENTRIES = 16;
const MAX_ENTRY_BYTES = 16 * 1024 * 1024;

export interface FileStamp {
  size: number;
  mtimeMs: number;
}

export interface CacheLookup<T> {
  value: T | null;
  /** Said when an entry was there but could not be used (damaged, another version). */
  note: string | null;
}

export interface ParseCache {
  get<T>(kind: string, file: string, stamp: FileStamp): CacheLookup<T>;
  put<T>(kind: string, file: string, stamp: FileStamp, value: T): void;
}

interface Entry {
  version: number;
  kind: string;
  file: string;
  size: number;
  mtimeMs: number;
  value: unknown;
}

/** The cache in `<dir>/cache` (tests give their own folder); writes that fail are skipped: the cache only saves time. */
export function createParseCache(dir: string): ParseCache {
  const folder = path.join(dir, 'cache');
  const entryPath = (kind: string, file: string) => path.join(folder, `${kind}-${createHash('sha256').update(`${kind}\n${path.resolve(file)}`).digest('hex').slice(0, 24)}.json`);
  return {
    get<T>(kind: string, file: string, stamp: FileStamp): CacheLookup<T> {
      const where = entryPath(kind, file);
      let text: string;
      try {
        const size = fs.statSync(where).size;
        if (size > MAX_ENTRY_BYTES) return { value: null, note: `${where}: ${size} bytes, over the cache's bound; ignored` };
        text = fs.readFileSync(where, 'utf8');
      } catch {
        return { value: null, note: null };
      }
      let entry: Entry;
      try {
        entry = JSON.parse(text) as Entry;
      } catch {
        return { value: null, note: `${where}: the cached reading of ${file} is damaged (not JSON); ignored, ${file} read again` };
      }
      if (!entry || typeof entry !== 'object' || entry.version !== CACHE_VERSION || entry.kind !== kind || entry.file !== path.resolve(file)) {
        return { value: null, note: `${where}: the cached reading of ${file} is of another version or file; ignored, ${file} read again` };
      }
      if (entry.size !== stamp.size || entry.mtimeMs !== stamp.mtimeMs) return { value: null, note: null };
      return { value: entry.value as T, note: null };
    },
    put<T>(kind: string, file: string, stamp: FileStamp, value: T): void {
      const entry: Entry = { version: CACHE_VERSION, kind, file: path.resolve(file), size: stamp.size, mtimeMs: stamp.mtimeMs, value };
      const text = JSON.stringify(entry);
      if (text.length > MAX_ENTRY_BYTES) return;
      try {
        fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
        const where = entryPath(kind, file);
        // Written whole, then renamed over the old entry: a reader never sees half an entry.
        const temp = `${where}.${process.pid}.tmp`;
        fs.writeFileSync(temp, text, { mode: 0o600 });
        fs.renameSync(temp, where);
        prune(folder);
      } catch {
        // A read-only or full data folder: the next run reads the file again.
      }
    },
  };
}

function prune(folder: string): void {
  keepNewest(folder, (n) => n.endsWith('.json'), MAX_ENTRIES);
}

/**
 * The cache folder's bound, for each kind of entry in it (readings here, compiled code in
 * electron/cli/code-cache.ts): of the files `kind` matches, the `keep` most recently written stay.
 */
export function keepNewest(folder: string, kind: (name: string) => boolean, keep: number): void {
  const entries = fs
    .readdirSync(folder)
    .filter(kind)
    .map((n) => ({ n, t: fs.statSync(path.join(folder, n)).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  for (const old of entries.slice(keep)) fs.rmSync(path.join(folder, old.n), { force: true });
}

/** The cache of this machine's data folder (CERTBENCH_DATA_DIR or the per-user folder). */
export function machineParseCache(env: NodeJS.ProcessEnv = process.env): ParseCache {
  return createParseCache(dataDir(env));
}

/** A file's size and modification time, the key its cached reading is checked against. */
export function stampOf(stat: fs.Stats): FileStamp {
  return { size: stat.size, mtimeMs: stat.mtimeMs };
}

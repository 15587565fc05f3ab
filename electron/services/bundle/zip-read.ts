import { Inflate } from 'fflate';
import { CertbenchError, formatBytes } from '../../../shared/errors';

/**
 * Reading a bundle's zip without trusting it: a corrupt or truncated zip gives a clear
 * error, and a zip bomb or path traversal entry is refused. The central directory is read first
 * (APPNOTE.TXT 4.3.12, 4.3.16) and every bound is checked from it before a single byte is inflated:
 * the number of entries, each name, the declared sizes, their total and each entry's compression
 * ratio. Each entry is then inflated in small pieces and stopped the moment it outgrows its declared
 * size, and its CRC-32 is checked, so a directory that lies about sizes is caught too. fflate's own
 * unzip is not used for this: it allocates each entry's declared size up front and checks no CRC.
 */

export const ZIP_LIMITS = {
  /** The zip file itself. */
  maxCompressedBytes: 64 * 1024 * 1024,
  maxEntries: 20_000,
  /** All entries inflated (a bundle of 40,000 store certificates is under half of it). */
  maxTotalBytes: 128 * 1024 * 1024,
  /**
   * Inflated / compressed, for entries over `ratioFloorBytes`. Bundle JSON compresses 5-30 times;
   * deflate can reach about 1,030 on runs of one byte, which is what bombs are made of.
   */
  maxRatio: 200,
  ratioFloorBytes: 64 * 1024,
  /**
   * JSON nesting: a bundle's documents are at most about 15 levels deep. Parsing costs memory per
   * level (a 160 KB "[[[[..." once took 1.7 GB and 13 s), so nesting is counted while inflating and
   * an entry that goes deeper is refused after a few kilobytes, before anything is parsed.
   */
  maxJsonDepth: 64,
} as const;

/** Work done by readEntry, for tests and benchmarks: bytes inflated since the counter was reset. */
export const zipWork = { inflatedBytes: 0 };

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflate. */
  method: number;
  compressedSize: number;
  size: number;
  crc32: number;
  localOffset: number;
}

/** The one-line message for a file that is not a readable zip. */
export function corrupt(file: string, why: string): CertbenchError {
  return new CertbenchError('bad-input', `${file}: not a Certbench bundle (truncated or corrupt zip: ${why})`);
}

const u16 = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8);
const u32 = (b: Uint8Array, o: number) => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/**
 * Why an entry name cannot be written anywhere safely: "..", absolute paths, backslashes (Windows
 * separators, "a\..\b"), drive letters, NUL. Null when the name is fine.
 */
export function unsafeName(name: string): string | null {
  if (name.length === 0) return 'an empty name';
  if (name.includes('\0')) return 'a NUL character';
  if (name.includes('\\')) return 'a backslash';
  if (name.startsWith('/')) return 'an absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'a drive letter';
  if (name.split('/').some((s) => s === '..')) return 'a ".." path segment';
  return null;
}

/** The central directory, checked against ZIP_LIMITS; throws a one-line CertbenchError naming `file`. */
export function readCentralDirectory(zip: Uint8Array, file: string): ZipEntry[] {
  if (zip.length > ZIP_LIMITS.maxCompressedBytes) {
    throw new CertbenchError('too-large', `${file}: ${formatBytes(zip.length)}; a bundle is at most ${formatBytes(ZIP_LIMITS.maxCompressedBytes)}`);
  }
  if (zip.length < 22) throw corrupt(file, zip.length === 0 ? 'the file is empty' : `only ${zip.length} bytes`);
  // The end-of-central-directory record is the last 22 bytes plus a comment of at most 65,535.
  let eocd = -1;
  for (let o = zip.length - 22; o >= Math.max(0, zip.length - 22 - 0xffff); o--) {
    if (u32(zip, o) === EOCD && o + 22 + u16(zip, o + 20) === zip.length) {
      eocd = o;
      break;
    }
  }
  if (eocd < 0) {
    const local = zip.length >= 4 && u32(zip, 0) === LOCAL;
    throw corrupt(file, local ? 'the end of the archive is missing, the file was cut short' : 'no zip directory found');
  }
  const count = u16(zip, eocd + 10);
  const cdSize = u32(zip, eocd + 12);
  const cdOffset = u32(zip, eocd + 16);
  if (u16(zip, eocd + 4) !== 0 || u16(zip, eocd + 6) !== 0 || u16(zip, eocd + 8) !== count) throw corrupt(file, 'a multi-part archive');
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw corrupt(file, 'a ZIP64 archive, which Certbench never writes');
  if (count > ZIP_LIMITS.maxEntries) throw new CertbenchError('too-large', `${file}: ${count.toLocaleString('en-US')} entries; a bundle has at most ${ZIP_LIMITS.maxEntries.toLocaleString('en-US')}`);
  if (cdOffset + cdSize > eocd) throw corrupt(file, 'the directory points past the end of the file');

  const entries: ZipEntry[] = [];
  const names = new Set<string>();
  let total = 0;
  let o = cdOffset;
  for (let i = 0; i < count; i++) {
    if (o + 46 > cdOffset + cdSize || u32(zip, o) !== CENTRAL) throw corrupt(file, `directory entry ${i + 1} is damaged`);
    const flags = u16(zip, o + 8);
    const method = u16(zip, o + 10);
    const crc32 = u32(zip, o + 16);
    const compressedSize = u32(zip, o + 20);
    const size = u32(zip, o + 24);
    const nameLen = u16(zip, o + 28);
    const extraLen = u16(zip, o + 30);
    const commentLen = u16(zip, o + 32);
    const localOffset = u32(zip, o + 42);
    if (o + 46 + nameLen > cdOffset + cdSize) throw corrupt(file, `directory entry ${i + 1} is damaged`);
    const rawName = zip.subarray(o + 46, o + 46 + nameLen);
    const name = Buffer.from(rawName).toString('utf8');
    o += 46 + nameLen + extraLen + commentLen;
    const shown = JSON.stringify(name.slice(0, 200));
    const bad = rawName.includes(0) ? 'a NUL character' : unsafeName(name);
    if (bad) throw new CertbenchError('bad-input', `${file}: refused: entry ${shown} has ${bad} in its name (path traversal)`);
    if (names.has(name)) throw new CertbenchError('bad-input', `${file}: refused: entry ${shown} appears twice`);
    names.add(name);
    if (flags & 1) throw new CertbenchError('bad-input', `${file}: entry ${shown} is encrypted; Certbench bundles never are`);
    if (method !== 0 && method !== 8) throw corrupt(file, `entry ${shown} uses compression method ${method}`);
    if (compressedSize === 0xffffffff || size === 0xffffffff || localOffset === 0xffffffff) throw corrupt(file, 'a ZIP64 archive, which Certbench never writes');
    if (method === 0 && compressedSize !== size) throw corrupt(file, `stored entry ${shown} declares two sizes`);
    if (size > ZIP_LIMITS.ratioFloorBytes && size / Math.max(1, compressedSize) > ZIP_LIMITS.maxRatio) {
      throw new CertbenchError('too-large', `${file}: refused: entry ${shown} would inflate ${formatBytes(compressedSize)} to ${formatBytes(size)} (a zip bomb)`);
    }
    total += size;
    if (total > ZIP_LIMITS.maxTotalBytes) {
      throw new CertbenchError('too-large', `${file}: refused: its entries add up to more than ${formatBytes(ZIP_LIMITS.maxTotalBytes)} inflated (a zip bomb?)`);
    }
    if (localOffset + 30 > cdOffset) throw corrupt(file, `entry ${shown} points past its data`);
    entries.push({ name, method, compressedSize, size, crc32, localOffset });
  }
  return entries;
}

/** Counts JSON nesting over chunks (strings and escapes skipped); throws past the limit. */
export class JsonDepthGuard {
  private depth = 0;
  private inString = false;
  private escaped = false;
  constructor(
    private readonly limit: number,
    private readonly refuse: (depth: number) => Error,
  ) {}
  push(chunk: Uint8Array): void {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 0x5c) this.escaped = true;
        else if (c === 0x22) this.inString = false;
      } else if (c === 0x22) this.inString = true;
      else if (c === 0x5b || c === 0x7b) {
        if (++this.depth > this.limit) throw this.refuse(this.depth);
      } else if (c === 0x5d || c === 0x7d) this.depth--;
    }
  }
}

/** Inflate one entry, bounded by its declared size, with its CRC-32 checked; `.json` entries are refused past ZIP_LIMITS.maxJsonDepth as they inflate. */
export function readEntry(zip: Uint8Array, entry: ZipEntry, file: string): Uint8Array {
  const o = entry.localOffset;
  const shown = JSON.stringify(entry.name);
  if (o + 30 > zip.length || u32(zip, o) !== LOCAL) throw corrupt(file, `entry ${shown} has no local header`);
  const start = o + 30 + u16(zip, o + 26) + u16(zip, o + 28);
  const end = start + entry.compressedSize;
  if (end > zip.length) throw corrupt(file, `entry ${shown} is cut short`);
  const data = zip.subarray(start, end);
  const guard = entry.name.endsWith('.json')
    ? new JsonDepthGuard(ZIP_LIMITS.maxJsonDepth, (d) => new CertbenchError('too-large', `${file}: refused: ${entry.name} nests deeper than ${ZIP_LIMITS.maxJsonDepth} levels (${d} and counting; a parser bomb)`))
    : null;
  let out: Uint8Array;
  if (entry.method === 0) {
    out = data;
    guard?.push(data);
  } else {
    out = new Uint8Array(entry.size);
    let written = 0;
    let ended = false;
    const inflate = new Inflate((chunk, final) => {
      if (written + chunk.length > entry.size) throw new CertbenchError('too-large', `${file}: refused: entry ${shown} inflates past the ${formatBytes(entry.size)} it declares (a zip bomb)`);
      zipWork.inflatedBytes += chunk.length;
      guard?.push(chunk);
      out.set(chunk, written);
      written += chunk.length;
      if (final) ended = true;
    });
    try {
      // Small pieces: one piece of a bomb inflates to at most about a thousand times its size.
      const piece = 4096;
      for (let p = 0; p < data.length; p += piece) inflate.push(data.subarray(p, Math.min(data.length, p + piece)), p + piece >= data.length);
      if (data.length === 0) inflate.push(new Uint8Array(0), true);
    } catch (err) {
      if (err instanceof CertbenchError) throw err;
      throw corrupt(file, `entry ${shown} does not inflate (${err instanceof Error ? err.message : String(err)})`);
    }
    if (!ended || written !== entry.size) throw corrupt(file, `entry ${shown} inflates to ${written} bytes, not the ${entry.size} it declares`);
  }
  if (crc32(out) !== entry.crc32) throw corrupt(file, `entry ${shown} fails its CRC-32 check`);
  return out;
}

let table: Uint32Array | null = null;

/** CRC-32 (ISO-HDLC, the zip checksum: APPNOTE.TXT 4.4.7). */
export function crc32(bytes: Uint8Array): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

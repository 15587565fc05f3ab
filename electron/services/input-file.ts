import fs from 'node:fs';
import { CertbenchError, formatBytes } from '../../shared/errors';

/**
 * A file the user named (a certificate, a key, an attachment, a bundle, a saved report): checked
 * before it is read, with one line for each usual mistake (missing, unreadable, a folder, a device).
 * Shared by the CLI and the services so every path says it the same way.
 *
 * Only regular files are read: a device (/dev/zero never ends, /dev/stdin waits), a FIFO
 * (opening one blocks until a writer comes, which in the web mode would stall every user) or a socket
 * is refused at once. The file is opened non-blocking and judged by fstat of that same descriptor, so
 * a path swapped for a FIFO after a check cannot block either, and reading stops at the size bound
 * even if the file grows while it is read.
 */

/** What a non-regular file is, in words. */
function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO (named pipe), not a file';
  if (stat.isSocket()) return 'a socket, not a file';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device, not a file';
  return 'not a regular file';
}

function refuseNonRegular(file: string, stat: fs.Stats, directoryHint: string | undefined): never {
  if (stat.isDirectory()) throw new CertbenchError('bad-input', `${file}: is a directory${directoryHint ?? ', not a certificate file'}`);
  throw new CertbenchError('bad-input', `${file}: is ${kindOf(stat)}; only regular files are read`);
}

function statError(file: string, err: unknown): CertbenchError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new CertbenchError('not-found', `${file}: no such file`);
  if (code === 'EACCES' || code === 'EPERM') return new CertbenchError('forbidden', `${file}: permission denied`);
  if (code === 'EISDIR') return new CertbenchError('bad-input', `${file}: is a directory`);
  return new CertbenchError('bad-input', `${file}: cannot read (${code ?? 'error'})`);
}

export interface InputFileOptions {
  /** Said after "is a directory" (default ", not a certificate file"). */
  directoryHint?: string;
  /** What the file should be, for the size message ("certificate files", "bundles"). */
  what?: string;
}

/** The size of a regular file the user named, or one line saying why it cannot be read. */
export function checkInputFile(file: string, options: InputFileOptions = {}): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    throw statError(file, err);
  }
  if (!stat.isFile()) refuseNonRegular(file, stat, options.directoryHint);
  return stat.size;
}

/**
 * Open a file the user named for reading, refusing anything but a regular file at the descriptor
 * (non-blocking open: a FIFO is not waited on). The caller closes the descriptor.
 */
export function openInputFile(file: string, options: InputFileOptions = {}): { fd: number; size: number } {
  // Stat first (no open at all for a device or FIFO), then fstat the descriptor actually opened.
  checkInputFile(file, options);
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (err) {
    throw statError(file, err);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) refuseNonRegular(file, stat, options.directoryHint);
    return { fd, size: stat.size };
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
}

/** Read a file the user named, at most `maxBytes`, with one-line errors for the usual mistakes. */
export function readInputFile(file: string, maxBytes: number, options: InputFileOptions = {}): Uint8Array {
  const { fd, size } = openInputFile(file, options);
  try {
    const tooLarge = (n: number) => new CertbenchError('too-large', `${file}: file is ${formatBytes(n)}; ${options.what ?? 'certificate files'} are at most ${formatBytes(maxBytes)}`);
    if (size > maxBytes) throw tooLarge(size);
    // Read what fstat said plus one byte: a file that grew past the bound is refused, not read on.
    const buf = Buffer.alloc(Math.min(size, maxBytes) + 1);
    let got = 0;
    for (;;) {
      const n = fs.readSync(fd, buf, got, buf.length - got, null);
      if (n === 0) break;
      got += n;
      if (got === buf.length) break;
    }
    if (got > maxBytes) throw tooLarge(got);
    return new Uint8Array(buf.buffer, buf.byteOffset, got);
  } catch (err) {
    if (err instanceof CertbenchError) throw err;
    throw statError(file, err);
  } finally {
    fs.closeSync(fd);
  }
}

/** The first `bytes` bytes of a file the user named (to recognise what it is). */
export function readInputHead(file: string, bytes: number, options: InputFileOptions = {}): Uint8Array {
  const { fd } = openInputFile(file, options);
  try {
    const buf = Buffer.alloc(bytes);
    const n = fs.readSync(fd, buf, 0, bytes, 0);
    return new Uint8Array(buf.buffer, buf.byteOffset, n);
  } finally {
    fs.closeSync(fd);
  }
}

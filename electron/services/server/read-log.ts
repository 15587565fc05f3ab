import fs from 'node:fs';
import path from 'node:path';
import { CertbenchError, formatBytes } from '../../../shared/errors';
import type { W3cLogStats } from '../../../shared/model/server';
import { createUtf8ByteStream } from '../../../shared/server/text-decode';
import { W3cLogAnalyzer } from '../../../shared/server/w3c-log';

/**
 * Read an IIS W3C log from disk as a stream (logs of hundreds of MB, in bounded memory, with
 * progress and cancel). IIS writes UTF-8 (`u_ex*.log`): its bytes go to the analyzer as read, which
 * finds lines and fields in them without decoding (shared/server/w3c-log-bytes.ts). A log saved through
 * another tool may be UTF-16 with a BOM; the shared decoder decides per file and re-encodes that one.
 */

/** Read size: large enough that per-chunk overhead vanishes, small enough to keep memory flat. */
export const LOG_CHUNK_BYTES = 1024 * 1024;
/** Far beyond a day's log of a busy site; a bound so a wrong file (a disk image) is refused at once. */
export const MAX_LOG_FILE_BYTES = 16 * 1024 * 1024 * 1024;

export interface AnalyzeLogOptions {
  /** Called about every 1% of the bytes, and once at the end with done === total. */
  progress?(done: number, total: number): void;
  signal?: AbortSignal;
  /** The name findings and evidence use; the file's base name by default. */
  source?: string;
  /** Timeline bucket width wanted (widened when the log spans more than 200 buckets). */
  bucketMinutes?: number;
  /** Chunk size (tests force small chunks to split lines and characters). */
  chunkBytes?: number;
}

const cancelled = (name: string) => new CertbenchError('timeout', `${name}: log analysis cancelled`);

/** Statistics of one W3C log file, streamed. */
export async function analyzeLogFile(file: string, opts: AnalyzeLogOptions = {}): Promise<W3cLogStats> {
  const source = opts.source ?? path.basename(file);
  let size: number;
  try {
    const st = await fs.promises.stat(file);
    if (!st.isFile()) throw new CertbenchError('bad-input', `${file}: is a folder, not a log file`);
    size = st.size;
  } catch (err) {
    if (err instanceof CertbenchError) throw err;
    throw readError(file, err);
  }
  if (size > MAX_LOG_FILE_BYTES) throw new CertbenchError('too-large', `${file}: ${formatBytes(size)} is more than the ${formatBytes(MAX_LOG_FILE_BYTES)} a log is read up to`);
  if (opts.signal?.aborted) throw cancelled(source);

  const analyzer = new W3cLogAnalyzer(source, { bucketMinutes: opts.bucketMinutes });
  const decoder = createUtf8ByteStream();
  const stream = fs.createReadStream(file, { highWaterMark: opts.chunkBytes ?? LOG_CHUNK_BYTES });
  const onAbort = () => stream.destroy(cancelled(source));
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const step = Math.max(Math.floor(size / 100), 1);
  let done = 0;
  let next = step;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      analyzer.pushBytes(decoder.write(chunk));
      done += chunk.length;
      if (opts.progress && done >= next) {
        opts.progress(done, size);
        // The next whole percent: calls stay at about 100 whatever the chunk size.
        next = (Math.floor(done / step) + 1) * step;
      }
    }
  } catch (err) {
    if (err instanceof CertbenchError) throw err;
    throw readError(file, err);
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  if (opts.signal?.aborted) throw cancelled(source);
  analyzer.pushBytes(decoder.end());
  opts.progress?.(done, Math.max(size, done));
  return analyzer.end(done);
}

/** Statistics of a log passed as content (an attachment dropped on the Server page). */
export function analyzeLogBytes(bytes: Uint8Array, source: string, opts: { bucketMinutes?: number; chunkBytes?: number } = {}): W3cLogStats {
  const analyzer = new W3cLogAnalyzer(source, { bucketMinutes: opts.bucketMinutes });
  const decoder = createUtf8ByteStream();
  const chunk = opts.chunkBytes ?? LOG_CHUNK_BYTES;
  // Piece by piece, as a file is read: a UTF-16 attachment never becomes one giant string.
  for (let at = 0; at < bytes.length; at += chunk) analyzer.pushBytes(decoder.write(bytes.subarray(at, at + chunk)));
  analyzer.pushBytes(decoder.end());
  return analyzer.end(bytes.length);
}

function readError(file: string, err: unknown): CertbenchError {
  const code = (err as { code?: string }).code;
  if (code === 'ENOENT') return new CertbenchError('not-found', `${file}: no such file`);
  if (code === 'EACCES' || code === 'EPERM') return new CertbenchError('bad-input', `${file}: cannot be read (permission denied)`);
  if (code === 'EISDIR') return new CertbenchError('bad-input', `${file}: is a folder, not a log file`);
  return new CertbenchError('bad-input', `${file}: cannot be read (${code ?? (err instanceof Error ? err.message : String(err))})`);
}

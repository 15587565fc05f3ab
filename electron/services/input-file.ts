import fs from 'node:fs';
import { CertbenchError, formatBytes } from '../../shared/errors';

/**
 * A file the user named (a certificate, a key, an attachment): checked before it is read, with one
 * line for each usual mistake (missing, unreadable, a folder, a device). Shared by the CLI and the
 * services so every path says it the same way.
 */
export function checkInputFile(file: string, options: { directoryHint?: string } = {}): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CertbenchError('not-found', `${file}: no such file`);
    if (code === 'EACCES') throw new CertbenchError('forbidden', `${file}: permission denied`);
    throw new CertbenchError('bad-input', `${file}: cannot read (${code ?? 'error'})`);
  }
  if (stat.isDirectory()) throw new CertbenchError('bad-input', `${file}: is a directory${options.directoryHint ?? ', not a certificate file'}`);
  if (!stat.isFile()) throw new CertbenchError('bad-input', `${file}: is not a regular file`);
  return stat.size;
}

/** Read a file the user named, bounded, with one-line errors for the usual mistakes. */
export function readInputFile(file: string, maxBytes: number): Uint8Array {
  const size = checkInputFile(file);
  if (size > maxBytes) throw new CertbenchError('too-large', `${file}: file is ${formatBytes(size)}; certificate files are at most ${formatBytes(maxBytes)}`);
  try {
    return new Uint8Array(fs.readFileSync(file));
  } catch (err) {
    throw new CertbenchError('bad-input', `${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

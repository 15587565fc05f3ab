import fs from 'node:fs';
import { CertbenchError } from '../shared/errors';

/**
 * Write a file that holds a secret (the web mode's tokened URL, `certbench serve --url-file`) so no
 * other account can read it, whatever was at that path before:
 * - the file is always created new (O_CREAT | O_EXCL, mode 0600): a file someone else prepared,
 *   or one of ours that was world-readable and may already be open elsewhere, is never reused;
 * - a symbolic link at the path is refused, never followed (O_NOFOLLOW as well, for a link that
 *   appears between the check and the open);
 * - an existing file that belongs to another account is refused, not replaced (in /tmp it may be a
 *   trap, and sticky folders would not let us remove it anyway); one of ours is removed first.
 * Each refusal is one line naming the file.
 */
export function writePrivateFile(file: string, text: string): void {
  let st: fs.Stats | null = null;
  try {
    st = fs.lstatSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new CertbenchError('bad-input', `${file}: cannot check it (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (st) {
    if (st.isSymbolicLink()) throw new CertbenchError('bad-input', `${file}: is a symbolic link; the access token is never written through one (give a new file name)`);
    if (!st.isFile()) throw new CertbenchError('bad-input', `${file}: exists and is not a regular file; give a new file name`);
    const uid = typeof process.geteuid === 'function' ? process.geteuid() : null;
    if (uid !== null && st.uid !== uid) throw new CertbenchError('forbidden', `${file}: exists and belongs to another account (uid ${st.uid}); the access token is not written there`);
    fs.rmSync(file);
  }
  const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | (fs.constants.O_NOFOLLOW ?? 0);
  let fd: number;
  try {
    fd = fs.openSync(file, flags, 0o600);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ELOOP') throw new CertbenchError('bad-input', `${file}: appeared while Certbench was writing it; give a new file name`);
    throw new CertbenchError(code === 'EACCES' || code === 'EPERM' ? 'forbidden' : 'bad-input', `${file}: cannot create it (${code ?? 'error'})`);
  }
  try {
    // The umask can only take bits away from 0600; fchmod makes it exactly owner-only.
    if (process.platform !== 'win32') fs.fchmodSync(fd, 0o600);
    fs.writeSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
}

import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { CertbenchError } from '../../shared/errors';
import { StoreFolderSchema, type StoreFolder } from '../../shared/model/store';

/**
 * Folders the user added as certificate stores, persisted as JSON in the app's data
 * folder (store-folders.json), written atomically (temporary file, fsync, rename) so a crash never
 * leaves half a file. Any OS: a folder of PEM/PFX files is a store on Windows too.
 */
export const MAX_STORE_FOLDERS = 50;

const FileSchema = z.object({ version: z.literal(1), folders: z.array(StoreFolderSchema).max(MAX_STORE_FOLDERS) });

/** The added folders of one data folder. */
export class StoreFolders {
  constructor(private readonly dir: string) {}

  get file(): string {
    return path.join(this.dir, 'store-folders.json');
  }

  list(): StoreFolder[] {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new CertbenchError('internal', `${this.file}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    try {
      return FileSchema.parse(JSON.parse(text)).folders;
    } catch {
      throw new CertbenchError('bad-input', `${this.file}: not a Certbench folder list (remove or fix it)`);
    }
  }

  add(folder: string, trusted: boolean, now = new Date()): StoreFolder[] {
    if (!path.isAbsolute(folder)) throw new CertbenchError('bad-input', `${folder}: give the folder as an absolute path`);
    const resolved = path.resolve(folder);
    let st: fs.Stats;
    try {
      st = fs.statSync(resolved);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new CertbenchError(code === 'ENOENT' ? 'not-found' : 'bad-input', `${resolved}: ${code === 'ENOENT' ? 'no such folder' : code === 'EACCES' ? 'permission denied' : `cannot open (${code ?? 'error'})`}`);
    }
    if (!st.isDirectory()) throw new CertbenchError('bad-input', `${resolved}: is a file, not a folder (open single files in the certificate view)`);
    const folders = this.list();
    const existing = folders.find((f) => f.path === resolved);
    if (existing) existing.trusted = trusted;
    else {
      if (folders.length >= MAX_STORE_FOLDERS) throw new CertbenchError('too-large', `at most ${MAX_STORE_FOLDERS} folders can be added; remove one first`);
      folders.push({ path: resolved, trusted, addedAt: now.toISOString() });
    }
    this.write(folders);
    return folders;
  }

  remove(folder: string): StoreFolder[] {
    const resolved = path.resolve(folder);
    const folders = this.list();
    const kept = folders.filter((f) => f.path !== resolved);
    if (kept.length === folders.length) throw new CertbenchError('not-found', `${resolved}: not among the added folders`);
    this.write(kept);
    return kept;
  }

  private write(folders: StoreFolder[]): void {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      fs.writeSync(fd, `${JSON.stringify({ version: 1, folders }, null, 2)}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.file);
  }
}

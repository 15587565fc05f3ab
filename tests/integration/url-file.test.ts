import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writePrivateFile } from '../../electron/private-file';

/** `certbench serve --url-file F`: the tokened URL never lands in a file another account can read. */
describe('the --url-file write', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-urlfile-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const url = 'http://127.0.0.1:4000/?token=secret\n';

  it('creates a new owner-only file', () => {
    const f = path.join(dir, 'url');
    writePrivateFile(f, url);
    expect(fs.readFileSync(f, 'utf8')).toBe(url);
    expect(fs.statSync(f).mode & 0o777).toBe(0o600);
  });

  it('never reuses an existing world-readable file of ours (someone may hold it open): a new file, mode 0600', () => {
    const f = path.join(dir, 'url');
    fs.writeFileSync(f, 'old\n', { mode: 0o644 });
    fs.chmodSync(f, 0o644);
    const reader = fs.openSync(f, 'r');
    try {
      writePrivateFile(f, url);
      expect(fs.statSync(f).mode & 0o777).toBe(0o600);
      // The descriptor opened before sees the old file, never the token.
      expect(fs.readFileSync(reader, 'utf8')).toBe('old\n');
    } finally {
      fs.closeSync(reader);
    }
  });

  it('refuses a symbolic link, and the file it points to is untouched', () => {
    const target = path.join(dir, 'victim');
    fs.writeFileSync(target, 'keep\n', { mode: 0o644 });
    const link = path.join(dir, 'url');
    fs.symlinkSync(target, link);
    expect(() => writePrivateFile(link, url)).toThrow(`${link}: is a symbolic link`);
    expect(fs.readFileSync(target, 'utf8')).toBe('keep\n');
    const dangling = path.join(dir, 'dangling');
    fs.symlinkSync(path.join(dir, 'nowhere'), dangling);
    expect(() => writePrivateFile(dangling, url)).toThrow('is a symbolic link');
    expect(fs.existsSync(path.join(dir, 'nowhere'))).toBe(false);
  });

  it('refuses a FIFO or a folder at the path', () => {
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(() => writePrivateFile(fifo, url)).toThrow('is not a regular file');
    expect(() => writePrivateFile(dir, url)).toThrow('is not a regular file');
  });

  it.skipIf(process.geteuid?.() !== 0)('refuses an existing file that belongs to another account, and leaves it as it was', () => {
    const f = path.join(dir, 'url');
    fs.writeFileSync(f, 'theirs\n', { mode: 0o644 });
    fs.chownSync(f, 65534, 65534);
    expect(() => writePrivateFile(f, url)).toThrow(/belongs to another account \(uid 65534\)/);
    expect(fs.readFileSync(f, 'utf8')).toBe('theirs\n');
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contract } from '../../shared/contract';
import { dispatch } from '../../electron/dispatch';
import type { HandlerContext } from '../../electron/handlers';
import { createPlatform, unavailable } from '../../electron/platform';
import { StoreFolders } from '../../electron/services/store-folders';
import { FakeRunner } from '../helpers/fake-runner';
import { testHandlers } from '../helpers/services';

/** The stores and keys channels at the contract boundary, and the platforms without an adapter yet. */
const ctx: HandlerContext = { mode: 'web', progress: () => undefined, signal: new AbortController().signal };
const handlers = testHandlers();

describe('stores and keys channels', () => {
  it('keys:find takes a thumbprint or a path, not both and not neither', () => {
    const req = contract['keys:find'].request;
    expect(req.safeParse({ thumbprint: 'a'.repeat(40) }).success).toBe(true);
    expect(req.safeParse({ path: '/etc/ssl/private/k.pem' }).success).toBe(true);
    expect(req.safeParse({}).success).toBe(false);
    expect(req.safeParse({ thumbprint: 'a'.repeat(40), path: '/x' }).success).toBe(false);
    expect(req.safeParse({ thumbprint: 'xyz' }).success).toBe(false);
  });

  it('refuses a path with a NUL and a missing dryRun through dispatch, in one line', async () => {
    const nul = await dispatch('keys:acl', { path: '/etc/\0passwd' }, ctx, handlers);
    expect(nul).toEqual({ ok: false, error: { code: 'bad-request', message: 'keys:acl: invalid path: contains a NUL character' } });
    const grant = await dispatch('keys:grant', { path: '/k', identity: 'www-data' }, ctx, handlers);
    expect(grant.ok).toBe(false);
    if (!grant.ok) expect(grant.error.message).toMatch(/^keys:grant: invalid dryRun: /);
  });

  it('keys:undo refuses an id that is not a backup id (no path tricks)', async () => {
    const r = await dispatch('keys:undo', { backupId: '../../../etc/shadow' }, ctx, handlers);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toBe('"../../../etc/shadow" is not a backup id (like 20260131T120000Z-1a2b3c4d)');
  });
});

describe('platforms without an adapter yet', () => {
  it('list an explanatory store row instead of failing, and refuse key operations with one line', async () => {
    const p = unavailable('win32', new FakeRunner());
    const listing = await p.stores.list({ at: new Date() });
    expect(listing.stores).toEqual([
      { id: 'win32:unsupported', kind: 'windows', role: 'other', label: 'Windows certificate stores', location: '', trusted: false, certificateCount: 0, error: 'not read yet on win32: add folders of certificate files instead' },
    ]);
    await expect(p.acl.read('C:\\k')).rejects.toThrow('local stores and key permissions are not supported on win32 yet (open certificate files instead)');
    expect(createPlatform('aix', new FakeRunner(), {}).name).toBe('linux');
  });

  it('Windows and macOS are served by their adapters, which run PowerShell and `security`', async () => {
    const win = new FakeRunner().on('powershell.exe', () => true, { stdout: '{"error":"recorded: no stores"}' });
    const w = createPlatform('win32', win, { windir: 'C:\\Windows' });
    expect(w.name).toBe('windows');
    await w.stores.list({ at: new Date() }).catch(() => undefined);
    expect(win.calls[0]?.args.slice(0, 3)).toEqual(['-NoProfile', '-NonInteractive', '-ExecutionPolicy']);
    expect(win.calls[0]?.args).toContain('-EncodedCommand');
    const mac = new FakeRunner();
    const m = createPlatform('darwin', mac, { HOME: '/Users/alice' });
    expect(m.name).toBe('macos');
    await m.stores.list({ at: new Date() }).catch(() => undefined);
    expect(mac.calls.some((c) => c.file === 'security' || c.file.endsWith('/security'))).toBe(true);
  });
});

describe('StoreFolders', () => {
  it('adds, re-marks and removes folders, persisted as JSON, with one-line refusals', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-folders-'));
    const f = new StoreFolders(path.join(dir, 'data'));
    expect(f.list()).toEqual([]);
    f.add(dir, false, new Date('2026-01-01T00:00:00Z'));
    expect(f.add(dir, true, new Date('2026-02-01T00:00:00Z'))).toEqual([{ path: dir, trusted: true, addedAt: '2026-01-01T00:00:00.000Z' }]);
    expect(JSON.parse(fs.readFileSync(f.file, 'utf8'))).toEqual({ version: 1, folders: [{ path: dir, trusted: true, addedAt: '2026-01-01T00:00:00.000Z' }] });
    expect(() => f.add('relative/dir', false)).toThrow('relative/dir: give the folder as an absolute path');
    expect(() => f.add(path.join(dir, 'nope'), false)).toThrow(`${path.join(dir, 'nope')}: no such folder`);
    expect(() => f.add(f.file, false)).toThrow('is a file, not a folder');
    expect(f.remove(dir)).toEqual([]);
    expect(() => f.remove(dir)).toThrow(`${dir}: not among the added folders`);
    fs.writeFileSync(f.file, '{"version":1,"folders":"oops"}');
    expect(() => f.list()).toThrow(`${f.file}: not a Certbench folder list (remove or fix it)`);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

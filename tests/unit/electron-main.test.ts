import type { EventEmitter } from 'node:events';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { channels } from '../../shared/contract';
import { RENDERER_CSP } from '../../electron/csp';

/**
 * The composition root (electron/main.ts) against a recording stand-in for `electron`, since the
 * binary cannot be downloaded here: what happens before 'ready' (privileged scheme, sandbox), what
 * happens after (session, protocol, IPC, the window), and in which order.
 */

const fake = vi.hoisted(() => {
  const calls: string[] = [];
  let ready: () => void = () => undefined;
  const readyPromise = new Promise<void>((resolve) => {
    ready = resolve;
  });
  return { calls, readyPromise, ready: () => ready(), windows: [] as unknown[], handlers: new Map<string, unknown>() };
});

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  const app = Object.assign(new Emitter(), {
    enableSandbox: vi.fn(() => fake.calls.push('enableSandbox')),
    requestSingleInstanceLock: vi.fn(() => true),
    whenReady: vi.fn(() => fake.readyPromise),
    isReady: vi.fn(() => true),
    setPath: vi.fn(),
    quit: vi.fn(),
    exit: vi.fn(),
  });
  class BrowserWindow extends Emitter {
    static getAllWindows = () => fake.windows;
    options: unknown;
    show = vi.fn();
    loadURL = vi.fn(() => Promise.resolve());
    isMinimized = () => false;
    restore = vi.fn();
    focus = vi.fn();
    constructor(options: unknown) {
      super();
      this.options = options;
      fake.calls.push('BrowserWindow');
      fake.windows.push(this);
    }
  }
  return {
    app,
    BrowserWindow,
    shell: { openExternal: vi.fn() },
    protocol: {
      registerSchemesAsPrivileged: vi.fn(() => fake.calls.push('registerSchemesAsPrivileged')),
      handle: vi.fn((scheme: string, handler: unknown) => {
        fake.calls.push(`protocol.handle:${scheme}`);
        fake.handlers.set(scheme, handler);
      }),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: vi.fn(() => fake.calls.push('setPermissionRequestHandler')),
        setPermissionCheckHandler: vi.fn(() => fake.calls.push('setPermissionCheckHandler')),
        setDevicePermissionHandler: vi.fn(),
      },
    },
    ipcMain: { handle: vi.fn((channel: string) => fake.calls.push(`ipc:${channel}`)), removeHandler: vi.fn() },
  };
});

type FakeWindow = EventEmitter & {
  options: Record<string, unknown> & { webPreferences: Record<string, unknown> };
  show: ReturnType<typeof vi.fn>;
  loadURL: ReturnType<typeof vi.fn>;
};

describe('electron/main.ts', () => {
  it('registers the scheme and the sandbox before ready, the rest after, then opens one window', async () => {
    const electron = await import('electron');
    await import('../../electron/main');
    expect(fake.calls).toEqual(['registerSchemesAsPrivileged', 'enableSandbox']);
    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);

    fake.ready();
    await vi.waitFor(() => expect(fake.windows).toHaveLength(1));
    expect(fake.calls.slice(2)).toEqual([
      'setPermissionRequestHandler',
      'setPermissionCheckHandler',
      'protocol.handle:app',
      ...channels.map((c) => `ipc:${c}`),
      'BrowserWindow',
    ]);

    const win = fake.windows[0] as FakeWindow;
    expect(win.options).toMatchObject({
      width: 1280,
      height: 820,
      minWidth: 960,
      minHeight: 640,
      title: 'Certbench',
      show: false,
      webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false },
    });
    expect(path.basename(String(win.options.webPreferences.preload))).toBe('preload.cjs');
    expect(win.loadURL).toHaveBeenCalledWith('app://certbench/index.html');
    expect(win.show).not.toHaveBeenCalled();
    win.emit('ready-to-show');
    expect(win.show).toHaveBeenCalledTimes(1);

    // A web-contents-created listener is installed, and window-all-closed quits off macOS.
    expect(electron.app.listenerCount('web-contents-created')).toBe(1);
    electron.app.emit('window-all-closed');
    if (process.platform !== 'darwin') expect(electron.app.quit).toHaveBeenCalled();
  });

  it('serves the renderer over app:// with the CSP', async () => {
    const handler = fake.handlers.get('app') as (req: { url: string; method: string }) => Promise<Response>;
    expect(handler, 'registered by the previous test').toBeTypeOf('function');
    // main.ts resolves ../renderer from its own folder: the renderer sources here, dist/renderer when built.
    const ok = await handler({ url: 'app://certbench/index.html', method: 'GET' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(ok.headers.get('content-security-policy')).toBe(RENDERER_CSP);
    expect(await ok.text()).toMatch(/<html/i);
    const traversal = await handler({ url: 'app://certbench/..%2fpackage.json', method: 'GET' });
    expect(traversal.status).toBe(404);
    const other = await handler({ url: 'app://evil/index.html', method: 'GET' });
    expect(other.status).toBe(403);
  });
});

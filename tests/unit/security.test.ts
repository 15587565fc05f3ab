import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { channels, contract, type ProgressEvent } from '../../shared/contract';
import { RENDERER_CSP } from '../../electron/csp';
import type { HandlerTable } from '../../electron/handlers';
import { testHandlers } from '../helpers/services';
import { PROGRESS_CHANNEL } from '../../electron/ipc-shared';
import { APP_SCHEME_PRIVILEGES, planAppRequest } from '../../electron/protocol';
import {
  APP_ENTRY_URL,
  hardenSession,
  hardenWebContents,
  installSecurityDefaults,
  isAllowedNavigation,
  isAppUrl,
  isPermissionAllowed,
  isSafeExternalUrl,
  isTrustedSender,
  openExternalSafely,
  secureWebPreferences,
} from '../../electron/security';

// The real `electron` package downloads its binary on first require (impossible here), so the
// preload and ipc modules are loaded against this stand-in, which records what they hand to Electron.
const fake = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoke: vi.fn((..._args: unknown[]) => Promise.resolve({ ok: true, value: 'from-main' })),
  on: vi.fn(),
  removeListener: vi.fn(),
  handle: vi.fn(),
  removeHandler: vi.fn(),
}));
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => fake.exposed.set(key, value) },
  ipcRenderer: { invoke: fake.invoke, on: fake.on, removeListener: fake.removeListener },
  ipcMain: { handle: fake.handle, removeHandler: fake.removeHandler },
}));

const NOT_APP = [
  'https://evil.example/',
  'http://certbench/',
  'file:///etc/passwd',
  'file:///C:/Windows/System32/',
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'about:blank',
  'devtools://devtools/bundled/inspector.html',
  'app://evil/index.html',
  'app://certbench.evil.example/',
  'app://certbench:8080/index.html',
  'app://user@certbench/index.html',
  'app://user:pw@certbench/index.html',
  'app:certbench/index.html',
  '',
  'not a url',
  `app://certbench/${'a'.repeat(3000)}`,
];

describe('isAllowedNavigation', () => {
  it.each(['app://certbench/index.html', 'app://certbench/', 'app://certbench/#/stores', 'app://CERTBENCH/index.html'])(
    'allows the app itself: %s',
    (url) => expect(isAllowedNavigation(url)).toBe(true),
  );
  it.each(NOT_APP)('refuses %s', (url) => expect(isAllowedNavigation(url)).toBe(false));
  it.each([undefined, null, 42, {}, ['app://certbench/']])('refuses a non-string (%s)', (value) =>
    expect(isAllowedNavigation(value)).toBe(false),
  );
  it('the window entry URL is itself allowed', () => expect(isAppUrl(APP_ENTRY_URL)).toBe(true));
});

describe('isTrustedSender', () => {
  it('trusts frames showing the app', () => {
    expect(isTrustedSender('app://certbench/index.html')).toBe(true);
    expect(isTrustedSender('app://certbench/index.html?x=1#y')).toBe(true);
  });
  it.each(NOT_APP)('does not trust a frame at %s', (url) => expect(isTrustedSender(url)).toBe(false));
  it('does not trust a missing frame', () => {
    expect(isTrustedSender(undefined)).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
  });
});

describe('isSafeExternalUrl and openExternalSafely', () => {
  it.each([
    'https://learn.microsoft.com/en-us/troubleshoot/developer/webapps/iis/www-authentication-authorization/http-403-7-forbidden',
    'https://www.rfc-editor.org/rfc/rfc8446#section-4.6.2',
    'HTTPS://Example.COM/path',
  ])('allows %s', (url) => expect(isSafeExternalUrl(url)).toBe(true));
  it.each([
    'http://example.com/',
    'file:///C:/Windows/System32/calc.exe',
    'smb://attacker/share',
    '\\\\attacker\\share\\x.exe',
    'ms-msdt:/id PCWDiagnostic',
    'search-ms:query=x',
    'javascript:alert(1)',
    'data:text/html,hi',
    'app://certbench/index.html',
    'https://user:pw@example.com/',
    'https://user@example.com/',
    'https:',
    `https://example.com/${'a'.repeat(3000)}`,
  ])('refuses %s', (url) => expect(isSafeExternalUrl(url)).toBe(false));

  it('hands only https URLs, normalised, to the shell', async () => {
    const shell = { openExternal: vi.fn(() => Promise.resolve()) };
    expect(await openExternalSafely('file:///etc/passwd', shell)).toBe(false);
    expect(await openExternalSafely('HTTPS://Example.COM/a b', shell)).toBe(true);
    expect(shell.openExternal.mock.calls).toEqual([['https://example.com/a%20b']]);
  });
});

describe('secureWebPreferences', () => {
  it('spells out the checklist settings', () => {
    expect(secureWebPreferences('/x/preload.cjs')).toMatchObject({
      preload: '/x/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    });
  });
});

/** A webContents stand-in: real events, and the window-open handler it was given. */
function fakeContents() {
  const emitter = new EventEmitter();
  let openHandler: ((details: { url: string }) => { action: string }) | null = null;
  const contents = Object.assign(emitter, {
    setWindowOpenHandler: (h: (details: { url: string }) => { action: string }) => {
      openHandler = h;
    },
  });
  return {
    contents: contents as unknown as WebContents,
    emit: (name: string, ...args: unknown[]) => emitter.emit(name, ...args),
    open: (url: string) => openHandler?.({ url }),
  };
}

function navEvent(url: string) {
  return { url, preventDefault: vi.fn() };
}

describe('hardenWebContents', () => {
  it('refuses navigation and redirects away from the app, in any frame', () => {
    const shell = { openExternal: vi.fn(() => Promise.resolve()) };
    const c = fakeContents();
    hardenWebContents(c.contents, shell);
    for (const name of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      const evil = navEvent('https://evil.example/');
      const file = navEvent('file:///etc/passwd');
      const own = navEvent('app://certbench/index.html');
      c.emit(name, evil);
      c.emit(name, file);
      c.emit(name, own);
      expect(evil.preventDefault, name).toHaveBeenCalled();
      expect(file.preventDefault, name).toHaveBeenCalled();
      expect(own.preventDefault, name).not.toHaveBeenCalled();
    }
    expect(shell.openExternal).not.toHaveBeenCalled();
  });

  it('denies every new window and sends only https links to the browser', async () => {
    const shell = { openExternal: vi.fn(() => Promise.resolve()) };
    const c = fakeContents();
    hardenWebContents(c.contents, shell);
    for (const url of ['https://example.com/doc', 'http://example.com/', 'file:///etc/passwd', 'app://certbench/index.html']) {
      expect(c.open(url)).toEqual({ action: 'deny' });
    }
    await vi.waitFor(() => expect(shell.openExternal).toHaveBeenCalledTimes(1));
    expect(shell.openExternal).toHaveBeenCalledWith('https://example.com/doc');
  });

  it('refuses to attach a <webview>', () => {
    const c = fakeContents();
    hardenWebContents(c.contents, { openExternal: vi.fn() });
    const event = { preventDefault: vi.fn() };
    c.emit('will-attach-webview', event, {}, { src: 'https://evil.example/' });
    expect(event.preventDefault).toHaveBeenCalled();
  });
});

describe('installSecurityDefaults and hardenSession', () => {
  it('enables the sandbox and hardens every webContents as it is created', () => {
    const app = Object.assign(new EventEmitter(), { enableSandbox: vi.fn() });
    installSecurityDefaults(app as never, { openExternal: vi.fn() });
    expect(app.enableSandbox).toHaveBeenCalledTimes(1);
    const c = fakeContents();
    app.emit('web-contents-created', {}, c.contents);
    const evil = navEvent('https://evil.example/');
    c.emit('will-navigate', evil);
    expect(evil.preventDefault).toHaveBeenCalled();
  });

  it('denies every permission request, permission check and device', () => {
    let request: ((c: unknown, p: string, cb: (granted: boolean) => void) => void) | undefined;
    let check: ((c: unknown, p: string) => boolean) | undefined;
    let device: (() => boolean) | undefined;
    hardenSession({
      setPermissionRequestHandler: (h: typeof request) => (request = h),
      setPermissionCheckHandler: (h: typeof check) => (check = h),
      setDevicePermissionHandler: (h: typeof device) => (device = h),
    } as never);
    for (const permission of ['media', 'notifications', 'clipboard-read', 'geolocation', 'openExternal', 'hid']) {
      const cb = vi.fn();
      request?.(null, permission, cb);
      expect(cb).toHaveBeenCalledWith(false);
      expect(check?.(null, permission)).toBe(false);
      expect(isPermissionAllowed(permission)).toBe(false);
    }
    expect(device?.()).toBe(false);
    // Copy buttons write text; nothing may read the clipboard.
    expect(isPermissionAllowed('clipboard-sanitized-write')).toBe(true);
    expect(check?.(null, 'clipboard-sanitized-write')).toBe(true);
  });
});

describe('app:// protocol', () => {
  let dir: string;
  let renderer: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-protocol-'));
    renderer = path.join(dir, 'renderer');
    fs.mkdirSync(path.join(renderer, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Certbench</title>');
    fs.writeFileSync(path.join(renderer, 'assets', 'app.js'), 'console.log(1)');
    fs.writeFileSync(path.join(dir, 'secret.txt'), 'outside the renderer');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is registered standard, secure and fetchable, without CSP bypass', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({
      scheme: 'app',
      privileges: { standard: true, secure: true, supportFetchAPI: true },
    });
  });

  it('serves the renderer with its content type and the CSP', () => {
    const html = planAppRequest(renderer, 'app://certbench/index.html', 'GET');
    expect(html.status).toBe(200);
    expect(html.headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(html.headers['Content-Security-Policy']).toBe(RENDERER_CSP);
    expect(html.headers['X-Content-Type-Options']).toBe('nosniff');
    const js = planAppRequest(renderer, 'app://certbench/assets/app.js', 'GET');
    expect(js).toMatchObject({ status: 200, file: path.join(renderer, 'assets', 'app.js') });
    expect(js.headers['Content-Type']).toBe('text/javascript; charset=utf-8');
    expect(planAppRequest(renderer, 'app://certbench/', 'HEAD').status).toBe(200);
  });

  it.each([
    'app://certbench/..%2fsecret.txt',
    'app://certbench/%2e%2e%2fsecret.txt',
    'app://certbench/assets/..%2f..%2fsecret.txt',
    'app://certbench/..%5csecret.txt',
    'app://certbench/%00index.html',
    'app://certbench/missing.js',
    'app://certbench/assets',
  ])('does not serve %s', (url) => {
    expect(planAppRequest(renderer, url, 'GET').status).toBe(404);
  });

  it('refuses other hosts and methods', () => {
    expect(planAppRequest(renderer, 'app://evil/index.html', 'GET').status).toBe(403);
    expect(planAppRequest(renderer, 'app://certbench/index.html', 'POST').status).toBe(405);
  });
});

describe('preload', () => {
  beforeAll(async () => {
    await import('../../electron/preload');
  });
  beforeEach(() => {
    fake.invoke.mockClear();
    fake.on.mockClear();
    fake.removeListener.mockClear();
  });

  it('exposes exactly one frozen object, window.certbench', () => {
    expect([...fake.exposed.keys()]).toEqual(['certbench']);
    const api = fake.exposed.get('certbench') as Record<string, unknown>;
    expect(Object.isFrozen(api)).toBe(true);
    const expected = [...channels.map((c) => contract[c].method), 'onProgress'].sort();
    expect(Object.keys(api).sort()).toEqual(expected);
    for (const key of expected) expect(typeof api[key]).toBe('function');
    // Nothing generic: no raw IPC under any name.
    for (const generic of ['invoke', 'send', 'on', 'sendSync', 'ipcRenderer']) expect(api).not.toHaveProperty(generic);
  });

  it('each method invokes its own channel with the request and request id', async () => {
    const api = fake.exposed.get('certbench') as Record<string, (req: unknown, id?: string) => Promise<unknown>>;
    for (const channel of channels) {
      const method = api[contract[channel].method];
      await expect(method?.({ some: 'request' }, 'req-1')).resolves.toEqual({ ok: true, value: 'from-main' });
      expect(fake.invoke).toHaveBeenLastCalledWith(channel, { some: 'request' }, 'req-1');
    }
    expect(fake.invoke).toHaveBeenCalledTimes(channels.length);
  });

  it('onProgress passes only the payload, and unsubscribes its own listener', () => {
    const api = fake.exposed.get('certbench') as { onProgress: (l: (e: ProgressEvent) => void) => () => void };
    const seen: unknown[][] = [];
    const unsubscribe = api.onProgress((...args) => seen.push(args));
    expect(fake.on).toHaveBeenCalledTimes(1);
    const [channel, forward] = fake.on.mock.calls[0] as [string, (event: unknown, payload: unknown) => void];
    expect(channel).toBe(PROGRESS_CHANNEL);
    const payload: ProgressEvent = { requestId: 'r1', channel: 'certs:inspect', done: 1, total: 3, label: 'parsing' };
    forward({ sender: 'the IpcRendererEvent must not reach the page' }, payload);
    forward({}, { not: 'a progress event' });
    expect(seen).toEqual([[payload]]);
    unsubscribe();
    expect(fake.removeListener).toHaveBeenCalledWith(PROGRESS_CHANNEL, forward);
    expect(() => api.onProgress('not a function' as never)).toThrow(TypeError);
  });
});

describe('ipc', () => {
  const handlers = testHandlers();
  function fakeEvent(frameUrl: string | null) {
    const sender = Object.assign(new EventEmitter(), { send: vi.fn(), isDestroyed: vi.fn(() => false) });
    const event = { senderFrame: frameUrl === null ? null : { url: frameUrl }, sender };
    return { event: event as unknown as IpcMainInvokeEvent, sender };
  }

  it('registers exactly the contract channels, and removes them again', async () => {
    const { registerIpcHandlers } = await import('../../electron/ipc');
    fake.handle.mockClear();
    const dispose = registerIpcHandlers(testHandlers());
    expect(fake.handle.mock.calls.map((c) => c[0]).sort()).toEqual([...channels].sort());
    dispose();
    expect(fake.removeHandler.mock.calls.map((c) => c[0]).sort()).toEqual([...channels].sort());
  });

  it('answers forbidden to a sender that is not the app, without running the handler', async () => {
    const { serveInvoke } = await import('../../electron/ipc');
    const ran = vi.fn();
    const table: HandlerTable = {
      ...handlers,
      'app:info': (request, ctx) => {
        ran();
        return handlers['app:info'](request, ctx);
      },
    };
    for (const url of ['https://evil.example/', 'file:///tmp/x.html', null]) {
      const { event } = fakeEvent(url);
      const result = await serveInvoke('app:info', event, {}, 'id', table);
      expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(ran).not.toHaveBeenCalled();
  });

  it('validates, runs, reports progress to the sender and aborts when the sender goes away', async () => {
    const { serveInvoke } = await import('../../electron/ipc');
    let signal: AbortSignal | undefined;
    let release: () => void = () => undefined;
    const table: HandlerTable = {
      ...handlers,
      'app:info': (request, ctx) => {
        signal = ctx.signal;
        ctx.progress({ done: 1, total: 2, label: 'half' });
        return new Promise((resolve) => {
          release = () => resolve({ name: 'Certbench', version: '0', mode: ctx.mode, platform: 'test', host: 'h' });
        });
      },
    };
    const { event, sender } = fakeEvent('app://certbench/index.html');
    const pending = serveInvoke('app:info', event, {}, 'req-7', table);
    await vi.waitFor(() => expect(signal).toBeDefined());
    expect(sender.send).toHaveBeenCalledWith(PROGRESS_CHANNEL, {
      requestId: 'req-7',
      channel: 'app:info',
      done: 1,
      total: 2,
      label: 'half',
    });
    expect(signal?.aborted).toBe(false);
    sender.emit('destroyed');
    expect(signal?.aborted).toBe(true);
    release();
    await expect(pending).resolves.toMatchObject({ ok: true, value: { mode: 'electron' } });
    expect(sender.listenerCount('destroyed')).toBe(0);

    const bad = await serveInvoke('app:info', fakeEvent('app://certbench/').event, { unexpected: 1 }, undefined, table);
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });
});

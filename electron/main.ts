import path from 'node:path';
import { app, BrowserWindow, protocol, session, shell } from 'electron';
import { createHandlers } from './handlers';
import { registerIpcHandlers } from './ipc';
import { handleAppProtocol, registerAppScheme } from './protocol';
import { APP_ENTRY_URL, hardenSession, installSecurityDefaults, secureWebPreferences } from './security';
import { createServices, machineDeps } from './services/services';
import { APP_NAME } from './version';

/**
 * Composition root (DESIGN.md): builds the services once, wires the protocol, the security defaults,
 * IPC (the handler table over those services) and the window. Handlers live in handlers.ts, policy
 * in security.ts; nothing here decides anything by itself.
 * Built to dist/electron/main.cjs, next to preload.cjs and ../renderer/.
 */

const RENDERER_DIR = path.join(__dirname, '..', 'renderer');
const PRELOAD = path.join(__dirname, 'preload.cjs');
/** The renderer's --bg (renderer/src/styles/tokens.css), so the window does not flash before first paint. */
const BACKGROUND = '#f4f6f9';

// Tests give each run its own profile (and so its own single-instance lock).
if (process.env.CERTBENCH_USER_DATA_DIR) app.setPath('userData', process.env.CERTBENCH_USER_DATA_DIR);

// Both must happen before 'ready'.
registerAppScheme(protocol);
installSecurityDefaults(app, shell);

let mainWindow: BrowserWindow | null = null;

function createMainWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 960,
    minHeight: 640,
    title: APP_NAME,
    backgroundColor: BACKGROUND,
    show: false,
    webPreferences: secureWebPreferences(PRELOAD),
  });
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  win.loadURL(APP_ENTRY_URL).catch((err: unknown) => {
    // A missing build shows as a blank window; say why on the terminal that started it.
    console.error(`certbench: could not load ${APP_ENTRY_URL}: ${err instanceof Error ? err.message : String(err)}`);
  });
  return win;
}

// One instance per profile: a second launch focuses the first window instead of opening another.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (app.isReady() && BrowserWindow.getAllWindows().length === 0) mainWindow = createMainWindow();
  });
  app
    .whenReady()
    .then(() => {
      hardenSession(session.defaultSession);
      handleAppProtocol(protocol, RENDERER_DIR);
      registerIpcHandlers(createHandlers(createServices(machineDeps())));
      mainWindow = createMainWindow();
    })
    .catch((err: unknown) => {
      console.error(`certbench: could not start: ${err instanceof Error ? err.message : String(err)}`);
      app.exit(1);
    });
}

import type { App, Session, Shell, WebContents, WebPreferences } from 'electron';
import { RENDERER_CSP } from './csp';

/**
 * Certbench's Electron security defaults, in one module (STYLE.md, "From the Electron security
 * checklist"; https://www.electronjs.org/docs/latest/tutorial/security). Numbers in comments refer
 * to the items of that checklist.
 *
 * The module imports only Electron's *types*: the decisions are pure functions, and the wiring takes
 * the Electron objects as parameters. Tests exercise both without the Electron binary, which cannot
 * be downloaded on the machines this is built on (reference/electron-offline-notes.md).
 */

/** The app's own origin. A custom protocol instead of file:// (checklist 18). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'certbench';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** Longer URLs are refused outright: nothing legitimate in this app needs one. */
export const MAX_URL_LENGTH = 2048;

// ---------------------------------------------------------------------------------------------
// Pure decisions
// ---------------------------------------------------------------------------------------------

function parseUrl(raw: unknown): URL | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_URL_LENGTH) return null;
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

/**
 * True when `url` is on the app's own origin, app://certbench, with no port and no credentials.
 * The host is compared case-insensitively because Chromium lowercases hosts of standard schemes
 * (app: is registered standard), while Node keeps the case of a non-special URL's host.
 */
export function isAppUrl(url: unknown): boolean {
  const parsed = parseUrl(url);
  return (
    parsed !== null &&
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.hostname.toLowerCase() === APP_HOST &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

/**
 * May the window navigate to `url`? Only within the app's own origin (checklist 13: limit
 * navigation). https://, file://, data:, javascript: and every other origin are refused; the UI is
 * a single page and never needs to leave app://certbench.
 */
export function isAllowedNavigation(url: unknown): boolean {
  return isAppUrl(url);
}

/**
 * Is an IPC message from this frame to be served? Only frames showing the app itself (checklist 17:
 * validate the sender of all IPC messages; GitHub Desktop's trusted-ipc-sender.ts). A frame that
 * somehow shows another origin gets `forbidden`, whatever it sends. A missing frame (navigated away
 * or destroyed before the message was handled) is not trusted.
 */
export function isTrustedSender(frameUrl: string | null | undefined): boolean {
  return isAppUrl(frameUrl);
}

/**
 * May `url` be handed to the operating system's browser? Only https: with a host and without
 * embedded credentials (checklist 15: do not use shell.openExternal with untrusted content). This
 * rules out file:, smb:, ms-msdt:, javascript: and other schemes that run or fetch things locally.
 */
export function isSafeExternalUrl(url: unknown): boolean {
  const parsed = parseUrl(url);
  return (
    parsed !== null &&
    parsed.protocol === 'https:' &&
    parsed.hostname !== '' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

/**
 * Is a web permission (camera, notifications, clipboard-read, geolocation, HID, ...) granted?
 * Only writing plain text to the clipboard, which the Copy buttons beside thumbprints and scripts
 * need (navigator.clipboard.writeText asks for 'clipboard-sanitized-write' in Electron). Reading the
 * clipboard and everything else stays denied (checklist 5: handle session permission requests).
 */
export function isPermissionAllowed(permission: string): boolean {
  return permission === 'clipboard-sanitized-write';
}

/**
 * The webPreferences of every Certbench window (checklist 2, 3, 4, 6, 8, 9, 12). Most of these
 * are Electron's defaults today; they are spelled out so a default changing upstream, or a
 * well-meant edit, shows in review.
 */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true, // 3: the preload's world is separate from the page's
    sandbox: true, // 4: the renderer runs in Chromium's OS sandbox, no Node in the preload
    nodeIntegration: false, // 2: no Node in the page
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true, // 6: same-origin policy stays on
    allowRunningInsecureContent: false, // 8
    experimentalFeatures: false, // 9
    webviewTag: false, // 12: no <webview>, which could embed anything with its own preferences
    navigateOnDragDrop: false, // a dropped file must reach the drop handler, not replace the page
    spellcheck: false, // no dictionary download, no text sent to a spelling service
    safeDialogs: true,
  };
}

/** Headers of every app:// response: the CSP (checklist 7) and no MIME sniffing. */
export function appResponseHeaders(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Security-Policy': RENDERER_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  };
}

// ---------------------------------------------------------------------------------------------
// Wiring (Electron objects are passed in; see the module comment)
// ---------------------------------------------------------------------------------------------

export type ExternalOpener = Pick<Shell, 'openExternal'>;

/**
 * The one way Certbench opens a link in the user's browser (checklist 15). Anything that is not a
 * plain https: URL is dropped. Returns whether the URL was handed over.
 */
export async function openExternalSafely(url: string, shell: ExternalOpener): Promise<boolean> {
  if (!isSafeExternalUrl(url)) return false;
  // The normalised form, so what the browser receives is exactly what was checked.
  await shell.openExternal(new URL(url).href);
  return true;
}

/**
 * Lock down one webContents: no navigation away from the app (13), no new windows (14, with https
 * links sent to the browser through openExternalSafely), no <webview> (12).
 */
export function hardenWebContents(contents: WebContents, shell: ExternalOpener): void {
  const refuseNavigation = (event: { url: string; preventDefault: () => void }): void => {
    if (!isAllowedNavigation(event.url)) event.preventDefault();
  };
  contents.on('will-navigate', refuseNavigation);
  // Sub-frames too: will-navigate fires for the main frame only.
  contents.on('will-frame-navigate', refuseNavigation);
  // A server redirect is a navigation the page did not choose; same rule.
  contents.on('will-redirect', refuseNavigation);
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) void openExternalSafely(url, shell).catch(() => undefined);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export type SecurityApp = Pick<App, 'enableSandbox' | 'on'>;

/**
 * Before `app.whenReady()`: sandbox every renderer (4) and harden every webContents as it is
 * created (12, 13, 14), including ones Certbench does not create itself.
 */
export function installSecurityDefaults(app: SecurityApp, shell: ExternalOpener): void {
  app.enableSandbox();
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, shell));
}

export type SecuritySession = Pick<
  Session,
  'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'
>;

/**
 * After ready: refuse every permission request and every permission check (5), and every device
 * (HID, serial, USB) the page could ask for.
 */
export function hardenSession(session: SecuritySession): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => callback(isPermissionAllowed(permission)));
  session.setPermissionCheckHandler((_contents, permission) => isPermissionAllowed(permission));
  session.setDevicePermissionHandler(() => false);
}

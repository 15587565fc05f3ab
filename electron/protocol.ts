import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CustomScheme, Protocol } from 'electron';
import { CONTENT_TYPES, resolveStatic } from './headless';
import { APP_SCHEME, appResponseHeaders, isAppUrl } from './security';

/**
 * app://certbench/ serves the built renderer (dist/renderer), instead of file:// (Electron security
 * checklist 18: file:// pages get privileges no web page has, and every file on disk is same-origin
 * to them). Only the electron/ module types are imported; main.ts passes `protocol` in.
 */

/**
 * standard: real origin, relative URLs and localStorage work like https; secure: the page is a secure
 * context; supportFetchAPI: the renderer's fetch() of its own assets works. No bypassCSP, no
 * corsEnabled: the page is held to its CSP and cannot be fetched cross-origin.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
};

/** Must run before `app` is ready, or Chromium has already fixed the list of schemes. */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
}

export type AppRequestPlan =
  | { status: 200; file: string; headers: Record<string, string> }
  | { status: 403 | 404 | 405; headers: Record<string, string> };

/**
 * What to answer for one app:// request (pure apart from a stat of the resolved file): only GET and
 * HEAD, only the app's own host, and only files inside `rendererDir` (path traversal, encoded or
 * not, is refused by headless.ts's resolveStatic, shared with the web mode).
 */
export function planAppRequest(rendererDir: string, url: string, method: string): AppRequestPlan {
  const refusal = appResponseHeaders('text/plain; charset=utf-8');
  if (method !== 'GET' && method !== 'HEAD') return { status: 405, headers: refusal };
  if (!isAppUrl(url)) return { status: 403, headers: refusal };
  const file = resolveStatic(rendererDir, new URL(url).pathname);
  if (!file) return { status: 404, headers: refusal };
  const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  return { status: 200, file, headers: appResponseHeaders(type) };
}

const STATUS_TEXT: Record<number, string> = { 403: 'forbidden', 404: 'not found', 405: 'method not allowed' };

/** After ready: answer app:// requests from `rendererDir`. */
export function handleAppProtocol(protocol: Pick<Protocol, 'handle'>, rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const plan = planAppRequest(rendererDir, request.url, request.method);
    if (plan.status !== 200) {
      return new Response(`${STATUS_TEXT[plan.status] ?? 'error'}\n`, { status: plan.status, headers: plan.headers });
    }
    const body = request.method === 'HEAD' ? null : new Uint8Array(await readFile(plan.file));
    return new Response(body, { status: 200, headers: plan.headers });
  });
}

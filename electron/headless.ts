import http from 'node:http';
import { randomBytes, timingSafeEqual, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { dispatch } from './dispatch';
import { RENDERER_CSP } from './csp';

/**
 * The headless web mode (DESIGN.md): the built renderer and `POST /api/<channel>` served from the
 * same handler table as Electron, on 127.0.0.1 only, with a random token per start, a Host-header
 * check against DNS rebinding, and no CORS headers so other origins cannot read responses.
 */

/** One request body at most this large: one inspected file (16 MB) as base64 plus envelope. */
export const MAX_HTTP_BODY_BYTES = 24 * 1024 * 1024;

export interface HeadlessOptions {
  rendererDir: string;
  port?: number;
}

export interface HeadlessServer {
  url: string;
  token: string;
  port: number;
  close: () => Promise<void>;
}

/** Content types of the built renderer's files; shared with Electron's app:// protocol handler. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export async function startHeadless(options: HeadlessOptions): Promise<HeadlessServer> {
  const indexFile = path.join(options.rendererDir, 'index.html');
  if (!fs.existsSync(indexFile)) {
    throw new Error(`the UI is not built (${indexFile} is missing); run "npm run build" first`);
  }
  const token = randomBytes(24).toString('base64url');
  const tokenBytes = Buffer.from(token);
  let port = 0;
  const server = http.createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'internal error');
      else res.end();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'no-store');
    if (!allowedHost(req.headers.host, port)) return send(res, 421, 'host not allowed');
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);

    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return send(res, 405, 'use POST');
      const origin = req.headers.origin;
      if (origin !== undefined && !allowedOrigin(origin, port)) return send(res, 403, 'origin not allowed');
      const given = Buffer.from(String(req.headers['x-certbench-token'] ?? ''));
      if (given.length !== tokenBytes.length || !timingSafeEqual(given, tokenBytes)) {
        return send(res, 403, 'missing or wrong token');
      }
      if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
        return send(res, 415, 'send application/json');
      }
      const channel = decodeURIComponent(url.pathname.slice('/api/'.length));
      const body = await readBody(req, MAX_HTTP_BODY_BYTES);
      if (body === 'too-large') {
        return sendJsonLine(res, 413, {
          type: 'result',
          result: { ok: false, error: { code: 'too-large', message: 'request is larger than 24 MB' } },
        });
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        return sendJsonLine(res, 400, {
          type: 'result',
          result: { ok: false, error: { code: 'bad-request', message: 'request body is not JSON' } },
        });
      }
      const envelope = (parsed ?? {}) as { request?: unknown; requestId?: unknown };
      const requestId = typeof envelope.requestId === 'string' ? envelope.requestId.slice(0, 64) : randomUUID();
      const abort = new AbortController();
      res.on('close', () => {
        if (!res.writableFinished) abort.abort();
      });
      // Progress and the result stream back as NDJSON lines, so long work shows progress in the UI.
      res.writeHead(200, { 'Content-Type': 'application/x-ndjson; charset=utf-8' });
      const result = await dispatch(channel, envelope.request, {
        mode: 'web',
        signal: abort.signal,
        progress: (update) => {
          if (!res.writableEnded) res.write(`${JSON.stringify({ type: 'progress', requestId, channel, ...update })}\n`);
        },
      });
      res.end(`${JSON.stringify({ type: 'result', result })}\n`);
      return;
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed');
    const file = resolveStatic(options.rendererDir, url.pathname);
    if (!file) return send(res, 404, 'not found');
    const ext = path.extname(file);
    res.writeHead(200, {
      'Content-Type': CONTENT_TYPES[ext] ?? 'application/octet-stream',
      ...(ext === '.html' ? { 'Content-Security-Policy': RENDERER_CSP } : {}),
    });
    if (req.method === 'HEAD') return void res.end();
    fs.createReadStream(file).pipe(res);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    token,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function allowedHost(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

function allowedOrigin(origin: string, port: number): boolean {
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}

/** Map a URL path into the renderer folder; anything that escapes it, or is not a file, is null. */
export function resolveStatic(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const rel = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  const rootAbs = path.resolve(root);
  const full = path.resolve(rootAbs, rel);
  if (full !== rootAbs && !full.startsWith(rootAbs + path.sep)) return null;
  try {
    return fs.statSync(full).isFile() ? full : null;
  } catch {
    return null;
  }
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      if (!over) chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(`${message}\n`);
}

function sendJsonLine(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/x-ndjson; charset=utf-8' });
  res.end(`${JSON.stringify(body)}\n`);
}

import http from 'node:http';
import { randomBytes, timingSafeEqual, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { isChannel } from '../shared/contract';
import { dispatch } from './dispatch';
import type { HandlerTable } from './handlers';
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
  /** The handler table served at /api/<channel>, over the services its front built. */
  handlers: HandlerTable;
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
      if (!res.headersSent) refuse(res, 500, 'internal', 'internal error');
      else res.end();
    });
  });

  // What Node's HTTP parser itself refuses (control characters in a header, a malformed request
  // line) gets the same JSON refusal instead of Node's bare "400 Bad Request".
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || err.code === 'ECONNRESET') return void socket.destroy();
    const body = `${JSON.stringify({ ok: false, error: { code: 'bad-request', message: 'malformed HTTP request' } })}\n`;
    socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'no-store');
    if (!allowedHost(req.headers.host, port)) return refuse(res, 421, 'forbidden', 'host not allowed');
    const rawPath = rawPathOf(req.url);
    if (rawPath === null) return refuse(res, 400, 'bad-request', 'the request path has "." or ".." segments or cannot be decoded');
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);

    if (rawPath.startsWith('/api/')) {
      if (req.method !== 'POST') return refuse(res, 405, 'bad-request', 'use POST');
      const origin = req.headers.origin;
      if (origin !== undefined && !allowedOrigin(origin, port)) return refuse(res, 403, 'forbidden', 'origin not allowed');
      const given = Buffer.from(String(req.headers['x-certbench-token'] ?? ''));
      if (given.length !== tokenBytes.length || !timingSafeEqual(given, tokenBytes)) {
        return refuse(res, 403, 'forbidden', 'missing or wrong token');
      }
      if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
        return refuse(res, 415, 'bad-request', 'send application/json');
      }
      // The channel is checked before the body is read: a name that is not one of the contract's
      // (control characters, anything undecodable) never reaches dispatch.
      const channel = rawPath.slice('/api/'.length);
      if (!isChannel(channel)) {
        return sendJsonLine(res, 404, { type: 'result', result: { ok: false, error: { code: 'bad-request', message: `unknown channel ${JSON.stringify(channel.slice(0, 60))}` } } });
      }
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
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        return sendJsonLine(res, 400, {
          type: 'result',
          result: { ok: false, error: { code: 'bad-request', message: 'request body must be a JSON object { request, requestId }' } },
        });
      }
      const envelope = parsed as { request?: unknown; requestId?: unknown };
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
      }, options.handlers);
      res.end(`${JSON.stringify({ type: 'result', result })}\n`);
      return;
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'bad-request', 'method not allowed');
    const file = resolveStatic(options.rendererDir, url.pathname);
    if (!file) return refuse(res, 404, 'not-found', 'not found');
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

/**
 * The path of a request target, percent-decoded, or null when it is not one the UI ever asks for:
 * undecodable escapes, control characters, or "." / ".." segments written out or escaped ("/.",
 * "/%2e/"). WHATWG URL parsing would quietly resolve those to another path; they are refused instead,
 * so what is checked is what was sent.
 */
export function rawPathOf(target: string | undefined): string | null {
  const raw = (target ?? '/').split('?')[0]!;
  if (!raw.startsWith('/')) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return null;
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(decoded)) return null;
  if (decoded.split('/').some((seg) => seg === '.' || seg === '..')) return null;
  return decoded;
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

/** Every refusal: a 4xx (or 500) with one JSON document `{ ok: false, error: { code, message } }`. */
function refuse(res: http.ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(`${JSON.stringify({ ok: false, error: { code, message } })}\n`);
}

function sendJsonLine(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/x-ndjson; charset=utf-8' });
  res.end(`${JSON.stringify(body)}\n`);
}

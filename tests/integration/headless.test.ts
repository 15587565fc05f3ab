import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import net from 'node:net';
import { startHeadless, type HeadlessServer } from '../../electron/headless';
import { testHandlers } from '../helpers/services';
import { requireOpenssl, standardPki } from '../helpers/openssl-pki';

const missing = requireOpenssl();
if (missing && process.env.CI === 'true') throw new Error(missing);

/** Raw HTTP so Host and Origin headers can be forged, as a DNS-rebinding page would. */
function request(
  port: number,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers, setHost: !opts.headers?.host },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

describe.skipIf(missing !== null)('headless web mode', () => {
  let server: HeadlessServer;
  let rendererDir: string;
  let s: ReturnType<typeof standardPki>;
  const api = (channel: string, body: unknown, headers: Record<string, string> = {}) =>
    request(server.port, {
      method: 'POST',
      path: `/api/${channel}`,
      headers: { 'content-type': 'application/json', 'x-certbench-token': server.token, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const lines = (body: string) => body.trim().split('\n').map((l) => JSON.parse(l));

  beforeAll(async () => {
    s = standardPki();
    rendererDir = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-renderer-'));
    fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Certbench</title>');
    fs.mkdirSync(path.join(rendererDir, 'assets'));
    fs.writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
    server = await startHeadless({ rendererDir, handlers: testHandlers() });
  });
  afterAll(async () => {
    await server.close();
    s.pki.cleanup();
    fs.rmSync(rendererDir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 with a long random token in its URL', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
  });

  it('serves the UI with a strict CSP and without CORS headers', async () => {
    const r = await request(server.port, { path: '/' });
    expect(r.status).toBe(200);
    expect(r.headers['content-security-policy']).toContain("default-src 'self'");
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
    expect((await request(server.port, { path: '/assets/app.js' })).headers['content-type']).toContain('text/javascript');
  });

  it('refuses path traversal out of the UI folder', async () => {
    for (const p of ['/../package.json', '/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2fpackage.json', '/%00']) {
      const r = await request(server.port, { path: p });
      expect(r.status, p).toBeGreaterThanOrEqual(400);
      expect(r.status, p).toBeLessThan(500);
    }
  });

  it('refuses API calls without the token, from another Host (DNS rebinding) or another Origin', async () => {
    expect((await api('app:info', { request: {} }, { 'x-certbench-token': 'wrong' })).status).toBe(403);
    expect((await api('app:info', { request: {} }, { host: `evil.example:${server.port}` })).status).toBe(421);
    expect((await api('app:info', { request: {} }, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await request(server.port, { path: '/api/app:info' })).status).toBe(405);
  });

  it('answers app:info from the same handler table, in web mode', async () => {
    const r = await api('app:info', { request: {} });
    const [result] = lines(r.body);
    expect(result.result).toMatchObject({ ok: true, value: { name: 'Certbench', mode: 'web', host: os.hostname() } });
  });

  it('inspects an uploaded certificate and streams progress before the result', async () => {
    const dataBase64 = fs.readFileSync(s.client.pemPath).toString('base64');
    const r = await api('certs:inspect', { requestId: 'r1', request: { files: [{ name: 'alice.pem', dataBase64 }] } });
    const out = lines(r.body);
    expect(out.at(0)).toMatchObject({ type: 'progress', requestId: 'r1', channel: 'certs:inspect', done: 0, total: 1 });
    const result = out.at(-1);
    expect(result.type).toBe('result');
    expect(result.result.ok).toBe(true);
    expect(result.result.value.files[0].certificates[0].thumbprintSha1).toBe(s.pki.facts(s.client.pemPath).sha1);
  });

  it('turns bad requests into { ok: false, error } with a code and one line', async () => {
    const unknown = lines((await api('nope:nope', { request: {} })).body).at(-1);
    expect(unknown.result).toEqual({ ok: false, error: { code: 'bad-request', message: 'unknown channel "nope:nope"' } });
    const invalid = lines((await api('certs:inspect', { request: { files: [] } })).body).at(-1);
    expect(invalid.result.ok).toBe(false);
    expect(invalid.result.error.code).toBe('bad-request');
    expect(invalid.result.error.message).toMatch(/^certs:inspect: invalid files: /);
    const notJson = await api('app:info', '{nope');
    expect(notJson.status).toBe(400);
    expect(lines(notJson.body)[0].result.error.message).toBe('request body is not JSON');
  });

  it('refuses a request body over 24 MB without reading it all into memory', async () => {
    const r = await api('certs:inspect', 'x'.repeat(25 * 1024 * 1024));
    expect(r.status).toBe(413);
    expect(lines(r.body)[0].result.error).toEqual({ code: 'too-large', message: 'request is larger than 24 MB' });
  });

  /** Raw bytes on a socket: what no HTTP client library would send. */
  function rawRequest(text: string): Promise<{ status: number; contentType: string; body: string }> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(server.port, '127.0.0.1', () => socket.write(text));
      let out = '';
      socket.setEncoding('latin1');
      socket.on('data', (d: string) => (out += d));
      socket.on('end', () => {
        const [head = '', ...rest] = out.split('\r\n\r\n');
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
        const contentType = /\r\ncontent-type: ([^\r]*)/i.exec(head)?.[1] ?? '';
        const body = rest.join('\r\n\r\n');
        // Chunked bodies: the JSON document is the first line that parses.
        resolve({ status, contentType, body: body.split('\r\n').find((l) => l.startsWith('{')) ?? body });
      });
      socket.on('error', reject);
      socket.setTimeout(10_000, () => socket.destroy(new Error('timeout')));
    });
  }
  const post = (target: string, body: string, host = `127.0.0.1:${server.port}`) =>
    `POST ${target} HTTP/1.1\r\nHost: ${host}\r\nx-certbench-token: ${server.token}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
  const get = (target: string, host = `127.0.0.1:${server.port}`) => `GET ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`;

  it('answers hostile requests with a clean 4xx JSON refusal: never a 500, never a handler call', async () => {
    const cases: [string, string, number][] = [
      ['a Host with trailing spaces and a control character', get('/', `127.0.0.1:${server.port}\u000b `), 400],
      ['a Host with a trailing non-breaking space', get('/', `127.0.0.1:${server.port}\u00a0`), 421],
      ['a Host with a space before the port', post('/api/app:info', '{"request":{}}', `127.0.0.1 :${server.port}`), 421],
      ['a "/." static path', get('/.'), 400],
      ['a "/%2e" static path', get('/%2e'), 400],
      ['a "/assets/%2e/app.js" static path', get('/assets/%2e/app.js'), 400],
      ['an undecodable channel name', post('/api/%E0%A4%A', '{"request":{}}'), 400],
      ['a channel name with a newline', post('/api/app:info%0A', '{"request":{}}'), 400],
      ['a channel name with a newline inside', post('/api/app%0Ainfo', '{"request":{}}'), 400],
      ['an unknown channel', post('/api/nope:nope', '{"request":{}}'), 404],
      ['a null body', post('/api/app:info', 'null'), 400],
      ['a number as the body', post('/api/app:info', '5'), 400],
      ['an array as the body', post('/api/app:info', '[]'), 400],
    ];
    for (const [what, text, status] of cases) {
      const r = await rawRequest(text);
      expect(r.status, what).toBe(status);
      expect(r.contentType, what).toMatch(/^application\/(x-nd)?json/);
      const doc = JSON.parse(r.body) as { ok?: boolean; result?: { ok: boolean; error: { message: string } }; error?: { message: string } };
      const result = doc.result ?? doc;
      expect(result.ok, what).toBe(false);
      // No handler ran: app:info would have answered with the app's name.
      expect(r.body, what).not.toContain('Certbench"');
    }
  });
});

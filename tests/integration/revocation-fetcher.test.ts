import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type net from 'node:net';
import { freePort } from '../../electron/services/net/free-port';
import { createRevocationFetcher } from '../../electron/services/revocation/fetcher';

/** The fetcher's bounds against a real HTTP server on 127.0.0.1 (the CLI tests cover timeout, size and redirects). */
describe('revocation fetcher', () => {
  let server: http.Server;
  let base: string;
  let hits = 0;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      hits++;
      if (req.url === '/missing.crl') {
        res.writeHead(404, { 'Content-Length': 0 });
        return void res.end();
      }
      if (req.url === '/announced-big.crl') {
        res.writeHead(200, { 'Content-Length': 50 * 1024 * 1024 });
        return void res.end();
      }
      res.writeHead(200, { 'Content-Length': 3 });
      res.end('abc');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('fetches an address once per check, however often a chain names it', async () => {
    const f = createRevocationFetcher({ allowed: new Set([`${base}/a.crl`]) });
    hits = 0;
    const [a, b] = await Promise.all([f.fetch({ url: `${base}/a.crl`, kind: 'crl' }), f.fetch({ url: `${base}/a.crl`, kind: 'crl' })]);
    expect(a).toMatchObject({ ok: true });
    expect(b).toBe(a);
    expect(hits).toBe(1);
  });

  it('never fetches an address that is not in the chain, but for the delta CRL a verified full CRL names', async () => {
    hits = 0;
    const none = createRevocationFetcher({ allowed: new Set() });
    expect(await none.fetch({ url: `${base}/a.crl`, kind: 'crl' })).toMatchObject({ ok: false, failure: 'not-fetched' });
    expect(await none.fetch({ url: `${base}/a.crl`, kind: 'crl', namedBy: 'certificate' })).toMatchObject({ ok: false, failure: 'not-fetched' });
    // Only a CRL GET: no OCSP request goes to an address a CRL names.
    expect(await none.fetch({ url: `${base}/a.crl`, kind: 'ocsp', body: Uint8Array.of(0x30, 0x00), namedBy: 'verified-crl' })).toMatchObject({ ok: false, failure: 'not-fetched' });
    expect(hits).toBe(0);
    expect(await none.fetch({ url: `${base}/a.crl`, kind: 'crl', namedBy: 'verified-crl' })).toMatchObject({ ok: true });
    expect(hits).toBe(1);
  });

  it('says an HTTP status, an announced size over the cap, and a refused connection in words', async () => {
    const port = await freePort();
    const urls = [`${base}/missing.crl`, `${base}/announced-big.crl`, `http://127.0.0.1:${port}/ca.crl`];
    const f = createRevocationFetcher({ allowed: new Set(urls) });
    const [missing, big, refused] = await Promise.all(urls.map((url) => f.fetch({ url, kind: 'crl' })));
    expect(missing).toMatchObject({ ok: false, failure: 'http-status', detail: 'the server answered HTTP 404 Not Found' });
    expect(big).toMatchObject({ ok: false, failure: 'too-large' });
    expect(big).toMatchObject({ detail: 'CRL larger than 20 MB (52428800 bytes announced), not read' });
    expect(refused).toMatchObject({ ok: false, failure: 'connect', detail: `connection refused by 127.0.0.1:${port}` });
  });

  it('stops when the check is cancelled', async () => {
    const abort = new AbortController();
    abort.abort();
    const r = await createRevocationFetcher({ allowed: new Set([`${base}/a.crl`]), signal: abort.signal }).fetch({ url: `${base}/a.crl`, kind: 'crl' });
    expect(r).toMatchObject({ ok: false, failure: 'cancelled' });
  });
});

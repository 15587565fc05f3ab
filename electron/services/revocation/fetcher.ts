import http from 'node:http';
import https from 'node:https';
import type { FetchResult, RevocationFetcher } from '../../../shared/revocation/check';
import type { RevocationFailure } from '../../../shared/model/revocation';

/**
 * The one HTTP client of revocation checking: GET for CRLs, POST for OCSP (RFC 6960 A.1), to the
 * addresses in the certificates of the chain being checked, and to the delta CRL addresses a full CRL
 * names once its signature verified (freshestCRL, RFC 5280 5.2.6: AD CS names its deltas only there,
 * and Windows fetches them), nowhere else. Every wait is bounded
 * (a deadline per address, redirects included), every answer is capped while it streams in, and a
 * URL is fetched once per check (the cache lives as long as the fetcher, which is one check).
 */

export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;
export const MAX_REDIRECTS = 3;

export interface FetcherOptions {
  /** The URLs of the chain's certificates (redirects from them are followed, at most MAX_REDIRECTS). */
  allowed: ReadonlySet<string>;
  timeoutMs?: number;
  maxBytes?: number;
  signal?: AbortSignal;
  /** Called as each address is started (for Work progress). */
  onFetch?: (url: string) => void;
}

type Failure = Extract<FetchResult, { ok: false }>;

function megabytes(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round(n / (1024 * 1024))} MB` : `${Math.round(n / 1024)} KB`;
}

function networkFailure(err: NodeJS.ErrnoException, url: URL): { failure: RevocationFailure; detail: string } {
  const host = url.hostname;
  const code = err.code ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NODATA') return { failure: 'dns', detail: `the name ${host} could not be resolved (${code})` };
  if (code === 'ECONNREFUSED') return { failure: 'connect', detail: `connection refused by ${url.host}` };
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return { failure: 'connect', detail: `${url.host} is unreachable from this machine (${code})` };
  if (code === 'ECONNRESET' || code === 'EPIPE') return { failure: 'connect', detail: `${url.host} closed the connection (${code})` };
  return { failure: 'connect', detail: `could not connect to ${url.host} (${code || err.message.split('\n')[0]})` };
}

interface Attempt {
  status?: number;
  location?: string;
  bytes?: Uint8Array;
  fail?: { failure: RevocationFailure; detail: string; bytes: number | null };
}

/** One request, no redirects: the answer's bytes, a redirect, or a failure in words. */
function once(url: URL, body: Uint8Array | undefined, maxBytes: number, signal: AbortSignal): Promise<Attempt> {
  return new Promise((resolve) => {
    const lib = url.protocol === 'https:' ? https : http;
    const headers: Record<string, string | number> = body
      ? { 'Content-Type': 'application/ocsp-request', 'Content-Length': body.length, Accept: 'application/ocsp-response' }
      : { Accept: 'application/pkix-crl, */*' };
    const req = lib.request(url, { method: body ? 'POST' : 'GET', headers, signal }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        return resolve({ status, location: res.headers.location });
      }
      if (status !== 200) {
        res.resume();
        return resolve({ fail: { failure: 'http-status', detail: `the server answered HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}`, bytes: null } });
      }
      const declared = Number(res.headers['content-length'] ?? NaN);
      const what = body ? 'OCSP answer' : 'CRL';
      if (declared > maxBytes) {
        res.destroy();
        return resolve({ fail: { failure: 'too-large', detail: `${what} larger than ${megabytes(maxBytes)} (${declared} bytes announced), not read`, bytes: null } });
      }
      const chunks: Buffer[] = [];
      let total = 0;
      res.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > maxBytes) {
          res.destroy();
          resolve({ fail: { failure: 'too-large', detail: `${what} larger than ${megabytes(maxBytes)}, not read`, bytes: total } });
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => resolve({ status, bytes: new Uint8Array(Buffer.concat(chunks)) }));
      res.on('error', (err) => resolve({ fail: { ...networkFailure(err, url), bytes: total } }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (signal.aborted) return resolve({ fail: { failure: 'timeout', detail: 'aborted', bytes: null } });
      resolve({ fail: { ...networkFailure(err, url), bytes: null } });
    });
    req.end(body);
  });
}

async function fetchFollowing(start: string, body: Uint8Array | undefined, o: Required<Pick<FetcherOptions, 'timeoutMs' | 'maxBytes'>> & { signal?: AbortSignal }): Promise<FetchResult> {
  const began = performance.now();
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), o.timeoutMs);
  const signal = o.signal ? AbortSignal.any([o.signal, deadline.signal]) : deadline.signal;
  const failure = (f: Omit<Failure, 'ok' | 'durationMs'>): Failure => ({ ok: false, ...f, durationMs: performance.now() - began });
  try {
    let url = new URL(start);
    for (let hop = 0; ; hop++) {
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return failure({ failure: 'not-fetched', detail: `redirected to ${url.href}, which is not an http: address`, bytes: null });
      const a = await once(url, body, o.maxBytes, signal);
      if (o.signal?.aborted) return failure({ failure: 'cancelled', detail: 'the check was cancelled', bytes: null });
      if (deadline.signal.aborted) return failure({ failure: 'timeout', detail: `timeout (no answer within ${o.timeoutMs / 1000} s)`, bytes: null });
      if (a.fail) return failure(a.fail);
      if (a.location === undefined) return { ok: true, bytes: a.bytes!, durationMs: performance.now() - began };
      if (hop >= MAX_REDIRECTS) return failure({ failure: 'redirects', detail: `more than ${MAX_REDIRECTS} redirects (last to ${a.location})`, bytes: null });
      url = new URL(a.location, url);
    }
  } catch (err) {
    return failure({ failure: 'connect', detail: `could not fetch (${(err as Error).message.split('\n')[0]})`, bytes: null });
  } finally {
    clearTimeout(timer);
  }
}

export function createRevocationFetcher(options: FetcherOptions): RevocationFetcher {
  const cache = new Map<string, Promise<FetchResult>>();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  return {
    fetch({ url, body, namedBy }) {
      if (!options.allowed.has(url) && !(namedBy === 'verified-crl' && !body)) {
        return Promise.resolve({ ok: false, failure: 'not-fetched', detail: 'not fetched: the address is not in a certificate of this chain', bytes: null, durationMs: 0 });
      }
      const key = body ? `${url}\n${Buffer.from(body).toString('base64')}` : url;
      let p = cache.get(key);
      if (!p) {
        options.onFetch?.(url);
        p = fetchFollowing(url, body, { timeoutMs, maxBytes, signal: options.signal });
        cache.set(key, p);
      }
      return p;
    },
  };
}

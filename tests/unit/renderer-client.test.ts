import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CertbenchApi, ProgressEvent } from '../../shared/contract';
import { adoptTokenFromUrl, call, transport } from '../../renderer/src/api/client';

/**
 * The renderer's contract client, in Node with a minimal window: the web-mode token handling, the
 * NDJSON bridge (progress filtered by request id, one result), transport failures as one-line
 * Results, and the Electron path through window.certbench.
 */

function fakeWindow(href: string, extra: Record<string, unknown> = {}) {
  const store = new Map<string, string>();
  const win = {
    location: new URL(href),
    sessionStorage: {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
    },
    history: {
      state: null,
      replaceState: vi.fn((_state: unknown, _title: string, url: string) => {
        win.location = new URL(url, win.location.href);
      }),
    },
    ...extra,
  };
  return win;
}

function ndjsonResponse(lines: unknown[], chunkSize = 7): Response {
  const text = lines.map((l) => `${JSON.stringify(l)}\n`).join('');
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
  return new Response(stream, { status: 200, headers: { 'Content-Type': 'application/x-ndjson; charset=utf-8' } });
}

const request = { files: [{ name: 'a.pem', dataBase64: 'AAAA' }] };

describe('web mode (HTTP bridge)', () => {
  let win: ReturnType<typeof fakeWindow>;
  beforeEach(() => {
    win = fakeWindow('http://127.0.0.1:47813/?token=s3cret&keep=1#top');
    vi.stubGlobal('window', win);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('moves the token from the address bar into sessionStorage', () => {
    expect(transport()).toBe('web');
    adoptTokenFromUrl();
    expect(win.sessionStorage.getItem('certbench.token')).toBe('s3cret');
    expect(win.history.replaceState).toHaveBeenCalledOnce();
    expect(win.location.href).toBe('http://127.0.0.1:47813/?keep=1#top');
    // A second start (reload) without ?token keeps the stored one.
    adoptTokenFromUrl();
    expect(win.sessionStorage.getItem('certbench.token')).toBe('s3cret');
  });

  it('posts the envelope with the token and reports only its own progress', async () => {
    adoptTokenFromUrl();
    const fetchMock = vi.fn(async (url: string, init: RequestInit) => {
      const { requestId } = JSON.parse(String(init.body)) as { requestId: string };
      return ndjsonResponse([
        { type: 'progress', requestId, channel: 'certs:inspect', done: 0, total: 1, label: 'Reading a.pem' },
        { type: 'progress', requestId: 'someone-else', channel: 'certs:inspect', done: 5, total: 9, label: 'other' },
        { type: 'result', result: { ok: true, value: { files: [] } } },
      ]);
    });
    vi.stubGlobal('fetch', fetchMock);
    const seen: ProgressEvent[] = [];
    const result = await call('certs:inspect', request, { onProgress: (e) => seen.push(e) });

    expect(result).toEqual({ ok: true, value: { files: [] } });
    expect(seen.map((e) => e.label)).toEqual(['Reading a.pem']);
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe('/api/certs:inspect');
    expect((init.headers as Record<string, string>)['x-certbench-token']).toBe('s3cret');
    expect((init.headers as Record<string, string>)['Content-Type']).toBe('application/json');
    expect(JSON.parse(String(init.body)).request).toEqual(request);
  });

  it('passes a handler error through unchanged', async () => {
    adoptTokenFromUrl();
    const error = { code: 'bad-input', message: 'a.pem: not a certificate (neither PEM nor DER X.509)' };
    vi.stubGlobal('fetch', async () => ndjsonResponse([{ type: 'result', result: { ok: false, error } }]));
    expect(await call('certs:inspect', request)).toEqual({ ok: false, error });
  });

  it('turns a refused connection into the one-line "cannot reach" message', async () => {
    adoptTokenFromUrl();
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    const result = await call('app:info', {});
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'internal',
        message: 'Cannot reach the Certbench service at 127.0.0.1:47813; is `certbench serve` still running?',
      },
    });
  });

  it('explains a refused token in one line', async () => {
    adoptTokenFromUrl();
    vi.stubGlobal('fetch', async () => new Response('missing or wrong token\n', { status: 403, headers: { 'Content-Type': 'text/plain' } }));
    const result = await call('app:info', {});
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('forbidden');
      expect(result.error.message).toContain('missing or wrong token');
      expect(result.error.message).not.toContain('\n');
    }
  });

  it('shows the message of a JSON refusal, not the JSON (the web mode refuses in JSON)', async () => {
    adoptTokenFromUrl();
    const body = `${JSON.stringify({ ok: false, error: { code: 'forbidden', message: 'missing or wrong token' } })}\n`;
    vi.stubGlobal('fetch', async () => new Response(body, { status: 403, headers: { 'Content-Type': 'application/json; charset=utf-8' } }));
    const result = await call('app:info', {});
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.message).toContain('refused this page (missing or wrong token)');
      expect(result.error.message).not.toContain('{');
    }
  });

  it('rejects an answer that breaks the contract, and a stream that ends without a result', async () => {
    adoptTokenFromUrl();
    vi.stubGlobal('fetch', async () => ndjsonResponse([{ type: 'result', result: { ok: true, value: { files: 'nope' } } }]));
    const broken = await call('certs:inspect', request);
    expect(broken.ok === false && broken.error.message).toMatch(/does not match the contract/);

    vi.stubGlobal('fetch', async () => ndjsonResponse([]));
    const cut = await call('certs:inspect', request);
    expect(cut.ok === false && cut.error.message).toMatch(/closed the connection before answering/);
  });

  it('says so when the page was opened without its token', async () => {
    vi.stubGlobal('window', fakeWindow('http://127.0.0.1:47813/'));
    const fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);
    const result = await call('app:info', {});
    expect(result.ok === false && result.error.code).toBe('forbidden');
    expect(fetchMock).not.toHaveBeenCalled();
  });
});

describe('desktop mode (window.certbench)', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('calls the preload method for the channel and filters progress by request id', async () => {
    const listeners = new Set<(e: ProgressEvent) => void>();
    const api = {
      appInfo: vi.fn(),
      inspectCertificates: vi.fn(async (_req: unknown, requestId?: string) => {
        for (const l of listeners) {
          l({ requestId: requestId!, channel: 'certs:inspect', done: 1, total: 2, label: 'mine' });
          l({ requestId: 'other', channel: 'certs:inspect', done: 1, total: 2, label: 'theirs' });
        }
        return { ok: true as const, value: { files: [] } };
      }),
      onProgress: (listener: (e: ProgressEvent) => void) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    } as unknown as CertbenchApi;
    vi.stubGlobal('window', fakeWindow('app://certbench/index.html', { certbench: api }));

    expect(transport()).toBe('electron');
    const labels: string[] = [];
    const result = await call('certs:inspect', request, { onProgress: (e) => labels.push(e.label) });
    expect(result).toEqual({ ok: true, value: { files: [] } });
    expect(labels).toEqual(['mine']);
    expect(listeners.size).toBe(0); // unsubscribed afterwards
    expect(api.inspectCertificates).toHaveBeenCalledWith(request, expect.any(String));
  });
});

import {
  contract,
  type CertbenchApi,
  type Channel,
  type ProgressEvent,
  type Req,
  type Res,
  type Result,
} from '../../../shared/contract';
import { NdjsonLineSplitter } from './ndjson';

/**
 * The only way the UI talks to the backend (DESIGN.md "The contract"). Inside Electron it calls
 * `window.certbench`, the frozen object the preload exposes; in the headless web mode it calls
 * `POST /api/<channel>` with the session token and reads the NDJSON answer. Callers see the same
 * typed surface either way: `call(channel, request, { onProgress })` resolving to a Result, never
 * throwing.
 */

/**
 * `window.certbench`, present only inside Electron (preload.ts). Read through a local cast rather
 * than a global `Window` augmentation, so this file cannot clash with one the preload may declare.
 */
function desktopApi(): CertbenchApi | undefined {
  if (typeof window === 'undefined') return undefined;
  return (window as Window & { certbench?: CertbenchApi }).certbench;
}

export interface CallOptions {
  /** Progress of this request only (events of other requests are filtered out). */
  onProgress?: (event: ProgressEvent) => void;
  /** Aborting drops the HTTP request; the handler sees its signal aborted. */
  signal?: AbortSignal;
}

export type Transport = 'electron' | 'web';

const TOKEN_KEY = 'certbench.token';

export function transport(): Transport {
  return desktopApi() ? 'electron' : 'web';
}

/**
 * Take the web mode's token out of the address bar: read `?token=` once, keep it in sessionStorage
 * (it survives a reload of this tab, not other tabs), and replace the URL so screenshots and
 * shoulder-surfers never see it. Called at start-up, before the first render.
 */
export function adoptTokenFromUrl(): void {
  if (transport() !== 'web') return;
  const url = new URL(window.location.href);
  const token = url.searchParams.get('token');
  if (token === null) return;
  try {
    window.sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    memoryToken = token; // storage disabled: keep it for this page's life only
  }
  url.searchParams.delete('token');
  window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
}

let memoryToken: string | null = null;

function sessionToken(): string | null {
  try {
    return window.sessionStorage.getItem(TOKEN_KEY) ?? memoryToken;
  } catch {
    return memoryToken;
  }
}

function newRequestId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return `r${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`;
}

function failure<T>(code: 'internal' | 'forbidden' | 'too-large' | 'bad-request' | 'timeout', message: string): Result<T> {
  return { ok: false, error: { code, message } };
}

/** The one-line message when the web mode's server has gone away (stopped, crashed, wrong port). */
export function unreachableMessage(host: string): string {
  return `Cannot reach the Certbench service at ${host}; is \`certbench serve\` still running?`;
}

/** Call one channel of the contract. Resolves to a Result; transport failures become `ok: false`. */
export async function call<C extends Channel>(
  channel: C,
  request: Req<C>,
  options: CallOptions = {},
): Promise<Result<Res<C>>> {
  const requestId = newRequestId();
  const api = desktopApi();
  if (api) return callElectron(api, channel, request, requestId, options);
  return callHttp(channel, request, requestId, options);
}

async function callElectron<C extends Channel>(
  api: CertbenchApi,
  channel: C,
  request: Req<C>,
  requestId: string,
  options: CallOptions,
): Promise<Result<Res<C>>> {
  const method = api[contract[channel].method] as (req: Req<C>, id?: string) => Promise<Result<Res<C>>>;
  const { onProgress } = options;
  const unsubscribe = onProgress
    ? api.onProgress((event) => {
        if (event.requestId === requestId) onProgress(event);
      })
    : undefined;
  try {
    return await method(request, requestId);
  } catch (err) {
    // The preload's promise should never reject; if it does, keep the one-line promise to callers.
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return failure('internal', `${channel}: ${message || 'the desktop bridge failed'}`);
  } finally {
    unsubscribe?.();
  }
}

async function callHttp<C extends Channel>(
  channel: C,
  request: Req<C>,
  requestId: string,
  options: CallOptions,
): Promise<Result<Res<C>>> {
  const host = window.location.host;
  const token = sessionToken();
  if (!token) {
    return failure(
      'forbidden',
      'This page was opened without its access token; open the full address that `certbench serve` printed.',
    );
  }
  let response: Response;
  try {
    // Channel names are `domain:action` (CHANNEL_PATTERN): safe in a path as they are.
    response = await fetch(`/api/${channel}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'x-certbench-token': token },
      body: JSON.stringify({ request, requestId }),
      signal: options.signal,
      cache: 'no-store',
    });
  } catch (err) {
    if (isAbort(err)) return failure('timeout', `${channel}: cancelled`);
    return failure('internal', unreachableMessage(host));
  }

  const isNdjson = (response.headers.get('content-type') ?? '').startsWith('application/x-ndjson');
  if (!isNdjson) {
    // Refusals from the server (wrong token, host, method): JSON { ok: false, error } or plain text; one line for the user.
    const body = (await response.text().catch(() => '')).trim();
    const text = refusalMessage(body);
    if (response.status === 403) {
      return failure(
        'forbidden',
        `The Certbench service refused this page (${text || 'forbidden'}); open the address \`certbench serve\` printed again.`,
      );
    }
    return failure('internal', `${channel}: the service answered HTTP ${response.status}${text ? ` (${text})` : ''}`);
  }

  let result: Result<Res<C>> | null = null;
  const handleLine = (line: string) => {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      return; // a damaged line cannot be shown; the missing result is reported below
    }
    if (!message || typeof message !== 'object') return;
    const m = message as { type?: unknown; result?: unknown };
    if (m.type === 'progress') {
      const event = message as ProgressEvent;
      if (event.requestId === requestId) options.onProgress?.(event);
    } else if (m.type === 'result') {
      result = checkResult(channel, m.result);
    }
  };

  const splitter = new NdjsonLineSplitter();
  try {
    if (response.body) {
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        splitter.push(decoder.decode(value, { stream: true })).forEach(handleLine);
      }
      splitter.push(decoder.decode()).forEach(handleLine);
    } else {
      splitter.push(await response.text()).forEach(handleLine);
    }
    splitter.flush().forEach(handleLine);
  } catch (err) {
    if (isAbort(err)) return failure('timeout', `${channel}: cancelled`);
    return failure('internal', unreachableMessage(host));
  }
  return result ?? failure('internal', `${channel}: the service closed the connection before answering`);
}

/** The message of a refusal body: `{ error: { message } }` when it is JSON, else its first line. */
function refusalMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } } | null;
    if (parsed && typeof parsed.error?.message === 'string') return parsed.error.message;
  } catch {
    // plain text
  }
  return body.split('\n')[0] ?? '';
}

/** Check the envelope and, for successes, the response schema: the contract holds on both sides. */
function checkResult<C extends Channel>(channel: C, raw: unknown): Result<Res<C>> {
  const r = raw as { ok?: unknown; value?: unknown; error?: { code?: unknown; message?: unknown } } | null;
  if (r && r.ok === false && r.error && typeof r.error.message === 'string') {
    return { ok: false, error: r.error as Extract<Result<unknown>, { ok: false }>['error'] };
  }
  if (r && r.ok === true) {
    const parsed = contract[channel].response.safeParse(r.value);
    if (parsed.success) return { ok: true, value: parsed.data as Res<C> };
  }
  return failure('internal', `${channel}: the service's answer does not match the contract`);
}

function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

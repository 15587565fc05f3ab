import type { HttpResult } from '../../../shared/model/probe';

/**
 * The one HTTP exchange of a probe: `GET <path> HTTP/1.1` with Host (RFC 9112 3.2) and
 * `Connection: close`, and a bounded reader of the answer: status line, headers, and enough body to
 * find IIS's sub-status ("HTTP Error 403.7 - Forbidden" in its error pages). Nothing past
 * MAX_RESPONSE_BYTES is kept.
 */

export const MAX_RESPONSE_BYTES = 64 * 1024;

export function buildRequest(host: string, port: number, path: string): string {
  const hostHeader = host.includes(':') ? `[${host}]` : host;
  const withPort = port === 443 ? hostHeader : `${hostHeader}:${port}`;
  return [`GET ${path} HTTP/1.1`, `Host: ${withPort}`, 'User-Agent: certbench-probe', 'Accept: */*', 'Connection: close', '', ''].join('\r\n');
}

export interface ParsedResponse {
  status: number;
  reason: string;
  headers: Record<string, string>;
  /** Bytes of body seen (bounded). */
  body: string;
  /** Whether the whole response (by Content-Length or chunked end) is in. */
  complete: boolean;
}

/** Collects response bytes up to a bound and parses them as they come. */
export class ResponseReader {
  private buf = Buffer.alloc(0);
  private headEnd = -1;
  truncated = false;

  push(chunk: Buffer): void {
    if (this.buf.length >= MAX_RESPONSE_BYTES) {
      this.truncated = true;
      return;
    }
    const room = MAX_RESPONSE_BYTES - this.buf.length;
    if (chunk.length > room) this.truncated = true;
    this.buf = Buffer.concat([this.buf, chunk.subarray(0, room)]);
    if (this.headEnd < 0) this.headEnd = this.buf.indexOf('\r\n\r\n');
  }

  get bytes(): number {
    return this.buf.length;
  }

  get hasHead(): boolean {
    return this.headEnd >= 0;
  }

  /** The response so far; null until a status line is readable. */
  parse(): ParsedResponse | null {
    const text = this.buf.toString('latin1');
    const lineEnd = text.indexOf('\r\n');
    const statusLine = lineEnd >= 0 ? text.slice(0, lineEnd) : this.headEnd < 0 && text.length < 200 ? null : text.slice(0, 200);
    if (!statusLine) return null;
    const m = /^HTTP\/\d(?:\.\d)?\s+(\d{3})(?:\s+(.*))?$/.exec(statusLine);
    if (!m) return null;
    const headers: Record<string, string> = {};
    const headText = this.headEnd >= 0 ? text.slice(lineEnd + 2, this.headEnd) : '';
    for (const line of headText.split('\r\n')) {
      const i = line.indexOf(':');
      if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    const body = this.headEnd >= 0 ? text.slice(this.headEnd + 4) : '';
    let complete = false;
    if (this.headEnd >= 0) {
      const length = headers['content-length'];
      if (length !== undefined && /^\d+$/.test(length)) complete = Buffer.byteLength(body, 'latin1') >= Number(length);
      else if (/chunked/i.test(headers['transfer-encoding'] ?? '')) complete = /(^|\r\n)0\r\n(.*\r\n)*\r\n$/.test(body);
      else if (Number(m[1]) === 204 || Number(m[1]) === 304) complete = true;
    }
    return { status: Number(m[1]), reason: (m[2] ?? '').trim(), headers, body, complete: complete || this.truncated };
  }
}

/**
 * IIS sub-status from an error page: "HTTP Error 403.7 - Forbidden" (IIS 7+ detailed and custom
 * errors), "403.16 - Forbidden: Client certificate is untrusted or invalid" (IIS 6 pages), or a
 * `<title>403 - Forbidden: Access is denied.</title>`-style page with "403.7" nearby. Only a
 * sub-status of the status actually returned counts.
 */
export function iisSubStatus(status: number, body: string, headers: Record<string, string> = {}): number | null {
  const patterns = [
    new RegExp(`HTTP Error ${status}\\.(\\d{1,3})\\b`, 'i'),
    new RegExp(`\\b${status}\\.(\\d{1,3})\\s*-\\s*\\w`, 'i'),
    new RegExp(`(?:Error|Code|Status)[^<\\n]{0,40}\\b${status}\\.(\\d{1,3})\\b`, 'i'),
  ];
  for (const text of [body, Object.values(headers).join('\n')]) {
    for (const p of patterns) {
      const m = p.exec(text);
      if (m) return Number(m[1]);
    }
  }
  return null;
}

export function httpResult(parsed: ParsedResponse): HttpResult {
  const server = parsed.headers.server;
  return {
    status: parsed.status,
    subStatus: iisSubStatus(parsed.status, parsed.body, parsed.headers),
    reason: parsed.reason,
    server: server ? server.slice(0, 200) : null,
    message: parsed.status >= 400 ? pageHeadline(parsed.body, parsed.status) : null,
  };
}

/**
 * The headline of an error page, for findings that quote what the server said: nginx puts its
 * reason in a <center> line under the <h1> ("No required SSL certificate was sent", "The SSL
 * certificate error"); IIS in the heading that carries the status ("HTTP Error 403.7 - Forbidden",
 * under a generic "Server Error"); others in <title> or the first heading. Tags stripped, the
 * common five entities decoded, white space folded, at most 200 characters.
 */
export function pageHeadline(body: string, status: number): string | null {
  const text = (html: string) =>
    html
      .replace(/<[^>]*>/g, ' ')
      .replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e] ?? '')
      .replace(/\s+/g, ' ')
      .trim();
  const head = body.slice(0, 16 * 1024);
  const pick = (re: RegExp) => [...head.matchAll(re)].map((m) => text(m[1] ?? '')).filter((t) => t && t.length <= 200);
  const centers = pick(/<center>([\s\S]*?)<\/center>/gi).filter((t) => !/^nginx\b/i.test(t) && !new RegExp(`^${status}\\b`).test(t));
  if (centers.length) return centers[0]!;
  const headings = pick(/<h[1-3][^>]*>([\s\S]*?)<\/h[1-3]>/gi);
  const titles = pick(/<title[^>]*>([\s\S]*?)<\/title>/gi);
  const withStatus = [...headings, ...titles].find((t) => new RegExp(`\\b${status}(\\.\\d+)?\\b`).test(t));
  return withStatus ?? titles[0] ?? headings[0] ?? null;
}

/**
 * Reads one HTTP/1.1 response from decrypted application data, bounded: headers up to 32 KB, the
 * body kept up to 64 KB (enough to find IIS's "HTTP Error 403.7" line) and counted to 1 MB.
 * Knows Content-Length, chunked transfer coding and "until close"; skips 1xx interim responses.
 */

import type { HttpResult } from '../../../shared/model/probe';
import { httpResult } from './http';

const MAX_HEADER_BYTES = 32 * 1024;
const KEEP_BODY_BYTES = 64 * 1024;
const MAX_BODY_BYTES = 1024 * 1024;

export interface HttpResponseHead {
  status: number;
  reason: string;
  headers: Map<string, string>;
}

export class HttpResponseReader {
  private buf = Buffer.alloc(0);
  head: HttpResponseHead | null = null;
  /** The first bytes of the body (dechunked). */
  body = Buffer.alloc(0);
  bodyBytes = 0;
  complete = false;
  /** Set when the body passed MAX_BODY_BYTES: reading stopped there. */
  truncated = false;
  private mode: 'length' | 'chunked' | 'close' = 'close';
  private remaining = 0;
  private chunkState: 'size' | 'data' | 'crlf' | 'trailer' = 'size';

  /** Feed bytes; returns true when the response is complete. Throws on garbage that is not HTTP. */
  push(data: Buffer): boolean {
    if (this.complete) return true;
    this.buf = this.buf.length ? Buffer.concat([this.buf, data]) : Buffer.from(data);
    while (!this.head) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0) {
        if (this.buf.length > MAX_HEADER_BYTES) throw new Error(`the HTTP response headers exceed ${MAX_HEADER_BYTES / 1024} KB`);
        if (this.buf.length >= 5 && !this.buf.subarray(0, 5).equals(Buffer.from('HTTP/'))) throw new Error('the server answered with something that is not HTTP');
        return false;
      }
      const lines = this.buf.subarray(0, end).toString('latin1').split('\r\n');
      this.buf = this.buf.subarray(end + 4);
      const m = /^HTTP\/\d(?:\.\d)? (\d{3})(?: (.*))?$/.exec(lines[0] ?? '');
      if (!m) throw new Error(`the server answered with an unreadable status line: ${JSON.stringify((lines[0] ?? '').slice(0, 80))}`);
      const status = Number(m[1]);
      if (status >= 100 && status < 200) continue; // interim response; the real one follows
      const headers = new Map<string, string>();
      for (const line of lines.slice(1)) {
        const i = line.indexOf(':');
        if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
      }
      this.head = { status, reason: m[2] ?? '', headers };
      if (/\bchunked\b/i.test(headers.get('transfer-encoding') ?? '')) this.mode = 'chunked';
      else if (headers.has('content-length')) {
        this.mode = 'length';
        this.remaining = Number(headers.get('content-length'));
        if (!Number.isSafeInteger(this.remaining) || this.remaining < 0) throw new Error('the HTTP response has a bad Content-Length');
      } else if (status === 204 || status === 304) {
        this.mode = 'length';
        this.remaining = 0;
      }
    }
    this.consumeBody();
    return this.complete;
  }

  /** The server closed the connection: a close-delimited body is complete now. */
  closed(): void {
    if (this.head && this.mode === 'close') this.complete = true;
  }

  private keep(data: Buffer): void {
    this.bodyBytes += data.length;
    if (this.body.length < KEEP_BODY_BYTES) this.body = Buffer.concat([this.body, data.subarray(0, KEEP_BODY_BYTES - this.body.length)]);
    if (this.bodyBytes > MAX_BODY_BYTES) {
      this.truncated = true;
      this.complete = true;
    }
  }

  private consumeBody(): void {
    if (this.mode === 'close') {
      this.keep(this.buf);
      this.buf = Buffer.alloc(0);
      return;
    }
    if (this.mode === 'length') {
      const n = Math.min(this.remaining, this.buf.length);
      this.keep(this.buf.subarray(0, n));
      this.buf = this.buf.subarray(n);
      this.remaining -= n;
      if (this.remaining === 0) this.complete = true;
      return;
    }
    while (!this.complete) {
      if (this.chunkState === 'size' || this.chunkState === 'crlf' || this.chunkState === 'trailer') {
        const eol = this.buf.indexOf('\r\n');
        if (eol < 0) {
          if (this.buf.length > 4096) throw new Error('the HTTP response has a malformed chunk');
          return;
        }
        const line = this.buf.subarray(0, eol).toString('latin1');
        this.buf = this.buf.subarray(eol + 2);
        if (this.chunkState === 'crlf') {
          this.chunkState = 'size';
          continue;
        }
        if (this.chunkState === 'trailer') {
          if (line === '') this.complete = true;
          continue;
        }
        const size = parseInt(line.split(';')[0]!.trim(), 16);
        if (!Number.isFinite(size) || size < 0) throw new Error('the HTTP response has a malformed chunk size');
        if (size === 0) this.chunkState = 'trailer';
        else {
          this.remaining = size;
          this.chunkState = 'data';
        }
        continue;
      }
      const n = Math.min(this.remaining, this.buf.length);
      if (n === 0) return;
      this.keep(this.buf.subarray(0, n));
      this.buf = this.buf.subarray(n);
      this.remaining -= n;
      if (this.remaining === 0) this.chunkState = 'crlf';
    }
  }

  /** Status, reason, IIS sub-status, Server header and the page's headline: the one reading of http.ts. */
  result(): HttpResult | null {
    if (!this.head) return null;
    return httpResult({ status: this.head.status, reason: this.head.reason, headers: Object.fromEntries(this.head.headers), body: this.body.toString('latin1'), complete: this.complete });
  }
}

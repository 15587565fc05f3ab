import net from 'node:net';
import { MAX_CIPHERTEXT } from './tls13-crypto';

/**
 * TCP under the post-handshake client: connect, write, and read whole TLS records with a deadline.
 * Bytes are buffered up to a total cap; a record longer than TLS allows is refused at its header,
 * so a hostile server cannot make the client hold more than one record's worth beyond the cap.
 */

export class ProbeIoError extends Error {
  constructor(
    message: string,
    readonly kind: 'timeout' | 'reset' | 'closed' | 'refused' | 'limit' | 'protocol' | 'network',
  ) {
    super(message);
  }
}

export interface TlsRecord {
  type: number;
  version: number;
  header: Buffer;
  payload: Buffer;
  /** 1-based index of this record among those received. */
  index: number;
  /** Date.now() when its last byte arrived: the moment a packet list shows, not when it was read. */
  arrivedAt: number;
}

export class RecordConnection {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private received = 0;
  /** Bytes taken so far, and when each received chunk ended (cumulative byte count, Date.now()). */
  private consumed = 0;
  private arrivals: { upTo: number; at: number }[] = [];
  private recordsRead = 0;
  private ended: 'end' | 'reset' | 'error' | null = null;
  private endError: string | null = null;
  private wake: (() => void) | null = null;

  private constructor(
    private readonly socket: net.Socket,
    private readonly maxTotalBytes: number,
  ) {
    socket.on('data', (d: Buffer) => {
      this.received += d.length;
      if (this.received > this.maxTotalBytes) {
        this.fail('limit', `the server sent more than ${Math.round(this.maxTotalBytes / 1024)} KB`);
        socket.destroy();
        return;
      }
      this.chunks.push(d);
      this.buffered += d.length;
      this.arrivals.push({ upTo: this.received, at: Date.now() });
      this.notify();
    });
    socket.on('end', () => {
      if (!this.ended) this.ended = 'end';
      this.notify();
      // With an ended read side there is nothing more to learn; close ours too.
      socket.end();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.fail(err.code === 'ECONNRESET' || err.code === 'EPIPE' ? 'reset' : 'error', err.code ?? err.message);
    });
    socket.on('close', () => {
      if (!this.ended) this.ended = 'end';
      this.notify();
    });
  }

  private fail(kind: 'reset' | 'error' | 'limit', message: string): void {
    if (this.ended && this.ended !== 'end') return;
    this.ended = kind === 'limit' ? 'error' : kind;
    this.endError = message;
    this.notify();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  static connect(host: string, port: number, deadline: number, maxTotalBytes: number): Promise<RecordConnection> {
    const budget = Math.max(0, deadline - Date.now());
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      socket.setNoDelay(true);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ProbeIoError(`no TCP connection to ${host}:${port} within ${formatMs(budget)}`, 'timeout'));
      }, budget);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new RecordConnection(socket, maxTotalBytes));
      });
      socket.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        socket.destroy();
        const what =
          err.code === 'ECONNREFUSED'
            ? 'connection refused'
            : err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN'
              ? 'host name not found'
              : err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH'
                ? 'host unreachable'
                : (err.code ?? err.message);
        reject(new ProbeIoError(`cannot connect to ${host}:${port}: ${what}`, err.code === 'ECONNREFUSED' ? 'refused' : 'network'));
      });
    });
  }

  get bytesReceived(): number {
    return this.received;
  }

  get closed(): boolean {
    return this.ended !== null && this.buffered === 0;
  }

  write(data: Buffer): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(data);
  }

  destroy(): void {
    this.socket.destroy();
    this.notify();
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.buffered = rest.length;
    this.consumed += n;
    return out;
  }

  /** When the byte just before `consumed` arrived; chunks wholly taken are forgotten. */
  private arrivalOfLastTaken(): number {
    const hit = this.arrivals.find((a) => a.upTo >= this.consumed);
    while (this.arrivals.length && this.arrivals[0]!.upTo <= this.consumed) this.arrivals.shift();
    return hit?.at ?? Date.now();
  }

  private peek(n: number): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    return (this.chunks[0] ?? Buffer.alloc(0)).subarray(0, n);
  }

  /** The next whole record, or an error: timeout, reset, close (with the partial bytes said), limit. */
  async readRecord(deadline: number): Promise<TlsRecord> {
    for (;;) {
      if (this.buffered >= 5) {
        const head = this.peek(5);
        const type = head[0]!;
        const length = head.readUInt16BE(3);
        if (type < 20 || type > 24 || head[1] !== 3) {
          const first = this.peek(16);
          const printable = /^[\x20-\x7e\r\n\t]+$/.test(first.toString('latin1'));
          const shown = printable ? JSON.stringify(first.toString('latin1').replace(/[\r\n\t]+/g, ' ')) : `0x${first.toString('hex')}`;
          throw new ProbeIoError(`the server sent bytes that are not TLS: ${shown}`, 'protocol');
        }
        if (length > MAX_CIPHERTEXT) throw new ProbeIoError(`the server sent a TLS record of ${length} bytes, over the ${MAX_CIPHERTEXT}-byte limit`, 'protocol');
        if (this.buffered >= 5 + length) {
          const raw = this.take(5 + length);
          this.recordsRead += 1;
          const arrivedAt = this.arrivalOfLastTaken();
          return { type, version: head.readUInt16BE(1), header: Buffer.from(raw.subarray(0, 5)), payload: Buffer.from(raw.subarray(5)), index: this.recordsRead, arrivedAt };
        }
      }
      if (this.ended) {
        const partial = this.buffered ? ` (after ${this.buffered} bytes of a partial record)` : '';
        if (this.ended === 'reset') throw new ProbeIoError(`connection reset by the server${partial}`, 'reset');
        if (this.ended === 'error') throw new ProbeIoError(`connection failed: ${this.endError ?? 'error'}${partial}`, this.endError?.includes('KB') ? 'limit' : 'network');
        throw new ProbeIoError(`connection closed by the server${partial}`, 'closed');
      }
      const wait = deadline - Date.now();
      if (wait <= 0) throw new ProbeIoError('timeout', 'timeout');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.wake = null;
          resolve();
        }, wait);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}

/** "1.5 s" / "250 ms". */
export function formatMs(ms: number): string {
  const v = Math.max(0, ms);
  if (v >= 1000) return `${(v / 1000).toFixed(1).replace(/\.0$/, '')} s`;
  return `${Math.round(v)} ms`;
}

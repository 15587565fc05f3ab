import net from 'node:net';
import { DEFAULT_LIMITS, MAX_TLS13_CIPHERTEXT, RecordSplitter, type DecodeError } from '../../../shared/tls/records';

/**
 * TCP under the post-handshake client: connect, write, and read whole TLS records with a deadline.
 * Records are cut by the one record reader (shared/tls/records.ts) as the bytes arrive; bytes are
 * received up to a total cap, and a record longer than TLS 1.3 allows is refused at its header, so a
 * hostile server cannot make the client hold more than one record's worth beyond the cap.
 */

export class ProbeIoError extends Error {
  constructor(
    message: string,
    readonly kind: 'timeout' | 'reset' | 'closed' | 'refused' | 'limit' | 'protocol' | 'network',
  ) {
    super(message);
  }
}

export interface ReceivedRecord {
  type: number;
  version: number;
  header: Buffer;
  payload: Buffer;
  /** 1-based index of this record among those received. */
  index: number;
  /** Date.now() when its last byte arrived: the moment a packet list shows, not when it was read. */
  arrivedAt: number;
}

/** Bytes of the offending record shown in a "not TLS" error. */
const SHOWN_BYTES = 16;

export class RecordConnection {
  private readonly splitter = new RecordSplitter('server', { ...DEFAULT_LIMITS, maxStreamBytes: Infinity, maxRecordPayload: MAX_TLS13_CIPHERTEXT });
  /** Whole records cut from what arrived, not read yet. */
  private ready: ReceivedRecord[] = [];
  /** After the reader refused a record: its first bytes, topped up by what arrives next, to show. */
  private refused: { error: DecodeError; bytes: Buffer } | null = null;
  private received = 0;
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
      this.cut(d, Date.now());
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

  /** Bytes the server has sent so far (read or not): what the size bound counts. */
  get bytesReceived(): number {
    return this.received;
  }

  /** Every record a chunk completes ended in that chunk: it arrived when the chunk did. */
  private cut(chunk: Buffer, at: number): void {
    if (this.refused) {
      if (this.refused.bytes.length < SHOWN_BYTES) this.refused.bytes = Buffer.concat([this.refused.bytes, chunk]).subarray(0, SHOWN_BYTES);
      return;
    }
    for (const r of this.splitter.push(chunk)) {
      this.ready.push({ type: r.type, version: r.version, header: asBuffer(r.header), payload: asBuffer(r.fragment), index: r.index + 1, arrivedAt: at });
    }
    const error = this.splitter.error;
    if (error) this.refused = { error, bytes: Buffer.from(error.head ?? []).subarray(0, SHOWN_BYTES) };
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

  write(data: Buffer): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(data);
  }

  destroy(): void {
    this.socket.destroy();
    this.notify();
  }

  /** Why the reader refused the server's bytes, worded as the client has always said it. */
  private refusal(refused: { error: DecodeError; bytes: Buffer }): ProbeIoError {
    if (refused.error.kind === 'record-too-large') {
      const length = refused.bytes.length >= 5 ? refused.bytes.readUInt16BE(3) : 0;
      return new ProbeIoError(`the server sent a TLS record of ${length} bytes, over the ${MAX_TLS13_CIPHERTEXT}-byte limit`, 'protocol');
    }
    const first = refused.bytes;
    const printable = /^[\x20-\x7e\r\n\t]+$/.test(first.toString('latin1'));
    const shown = printable ? JSON.stringify(first.toString('latin1').replace(/[\r\n\t]+/g, ' ')) : `0x${first.toString('hex')}`;
    return new ProbeIoError(`the server sent bytes that are not TLS: ${shown}`, 'protocol');
  }

  /** The next whole record, or an error: timeout, reset, close (with the partial bytes said), limit. */
  async readRecord(deadline: number): Promise<ReceivedRecord> {
    for (;;) {
      const next = this.ready.shift();
      if (next) return next;
      if (this.refused) throw this.refusal(this.refused);
      if (this.ended) {
        const pending = this.splitter.pending;
        const partial = pending ? ` (after ${pending} bytes of a partial record)` : '';
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

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** "1.5 s" / "250 ms". */
export function formatMs(ms: number): string {
  const v = Math.max(0, ms);
  if (v >= 1000) return `${(v / 1000).toFixed(1).replace(/\.0$/, '')} s`;
  return `${Math.round(v)} ms`;
}

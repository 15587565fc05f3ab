import { CONTENT_TYPE_NAMES } from './names';

/**
 * The TLS record layer, read from raw TCP bytes (RFC 5246 6.2, RFC 8446 5.1): records are cut on
 * their 5-byte header (type, version, length), whatever way TCP split them. Bounded: a record may not
 * exceed 2^14 + 2048 bytes (the TLSCiphertext limit, RFC 5246 6.2.3), the bytes a stream may carry
 * are capped, and the splitter never holds more than one incomplete record. It never throws: bad
 * input puts it in an error state with a one-line message.
 */

/** RFC 5246 6.2.3: TLSCiphertext.length MUST NOT exceed 2^14 + 2048. */
export const MAX_RECORD_PAYLOAD = 16384 + 2048;
const RECORD_HEADER_BYTES = 5;
/** RFC 8446 5.2: a TLS 1.3 TLSCiphertext.length MUST NOT exceed 2^14 + 256. */
export const MAX_TLS13_CIPHERTEXT = 16384 + 256;
/** RFC 8446 5.1 / RFC 5246 6.2.1: a record carries at most 2^14 bytes of plaintext. */
export const MAX_PLAINTEXT = 16384;

export interface TlsRecord {
  type: number;
  version: number;
  /** The 5 header bytes as sent (TLS 1.3 uses them as the AEAD additional data). */
  header: Uint8Array;
  fragment: Uint8Array;
  /** Offset of the header in the stream. */
  offset: number;
  /** 0-based index of the record in its stream. */
  index: number;
}

export type DecodeErrorKind = 'not-tls' | 'record-too-large' | 'message-too-large' | 'stream-too-large' | 'malformed';

export interface DecodeError {
  kind: DecodeErrorKind;
  /** One line a helpdesk user can read. */
  message: string;
  /** Stream offset where it was found, when known. */
  offset: number | null;
  /** 'message-too-large': which message declared how many bytes, against which bound (a finding may rest on it). */
  declared?: { name: string; bytes: number; limit: number };
  /** Record-level errors: up to 40 bytes from where the bad record starts (a caller may word them its own way). */
  head?: Uint8Array;
}

export interface DecoderLimits {
  /** Largest handshake message accepted (header included); 64 KB unless configured. */
  maxHandshakeMessageBytes: number;
  /** Largest number of bytes one direction of one connection may carry before the decoder gives up. */
  maxStreamBytes: number;
  /** Largest record payload; MAX_RECORD_PAYLOAD (the TLS 1.2 bound, which also admits TLS 1.3's) unless set. */
  maxRecordPayload?: number;
}

export const DEFAULT_LIMITS: DecoderLimits = {
  maxHandshakeMessageBytes: 64 * 1024,
  maxStreamBytes: 8 * 1024 * 1024,
};

/** A growable byte buffer with an amortised append, so a server dripping one byte at a time costs O(n). */
export class ByteQueue {
  private buf = new Uint8Array(256);
  private start = 0;
  private end = 0;

  get length(): number {
    return this.end - this.start;
  }

  append(bytes: Uint8Array): void {
    if (this.end + bytes.length > this.buf.length) {
      const live = this.length;
      if (live + bytes.length <= this.buf.length / 2) {
        this.buf.copyWithin(0, this.start, this.end);
      } else {
        let size = this.buf.length;
        while (size < (live + bytes.length) * 2) size *= 2;
        const next = new Uint8Array(size);
        next.set(this.buf.subarray(this.start, this.end));
        this.buf = next;
      }
      this.start = 0;
      this.end = live;
    }
    this.buf.set(bytes, this.end);
    this.end += bytes.length;
  }

  byteAt(i: number): number {
    return this.buf[this.start + i] ?? 0;
  }

  /** A copy of the first `n` bytes, removed from the queue. */
  take(n: number): Uint8Array {
    const out = this.buf.slice(this.start, this.start + n);
    this.start += n;
    if (this.start === this.end) this.start = this.end = 0;
    return out;
  }

  peek(n: number): Uint8Array {
    return this.buf.subarray(this.start, this.start + Math.min(n, this.length));
  }

  clear(): void {
    this.start = this.end = 0;
    if (this.buf.length > 1 << 20) this.buf = new Uint8Array(256);
  }
}

/** Describe bytes that are not a TLS record, for the one-line error ("HTTP/1.1 400 ..." is common). */
function describeNonTls(bytes: Uint8Array): string {
  const printable = Array.from(bytes.subarray(0, 40)).every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127));
  if (printable && bytes.length >= 4) {
    const text = String.fromCharCode(...bytes.subarray(0, 40)).split(/\r?\n/)[0] ?? '';
    const http = /^HTTP\/\d/.test(text) ? ' (a plain HTTP answer: is this an http:// port rather than https://?)' : '';
    return `plain text "${text}"${http}`;
  }
  if (bytes[0] === 0x80 || bytes[0] === 0x81) return 'an SSL 2.0 record (SSLv2 is not supported by anything current)';
  const hex = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return `bytes ${hex}`;
}

export class RecordSplitter {
  private readonly queue = new ByteQueue();
  private consumed = 0;
  private count = 0;
  private total = 0;
  error: DecodeError | null = null;

  constructor(
    /** "server" or "client", for messages. */
    private readonly who: string,
    private readonly limits: DecoderLimits = DEFAULT_LIMITS,
  ) {}

  /** Bytes seen so far, complete records or not. */
  get bytesSeen(): number {
    return this.total;
  }

  get recordsSeen(): number {
    return this.count;
  }

  /** Bytes held for an incomplete record. */
  get pending(): number {
    return this.queue.length;
  }

  /** Feed TCP bytes; returns the records they complete. After an error, returns [] for ever. */
  push(chunk: Uint8Array): TlsRecord[] {
    if (this.error) return [];
    this.total += chunk.length;
    if (this.total > this.limits.maxStreamBytes) {
      this.fail('stream-too-large', `the ${this.who} sent over ${this.limits.maxStreamBytes} bytes on one connection; stopped reading`, this.total);
      return [];
    }
    this.queue.append(chunk);
    const out: TlsRecord[] = [];
    while (this.queue.length >= RECORD_HEADER_BYTES) {
      const type = this.queue.byteAt(0);
      const major = this.queue.byteAt(1);
      const version = (major << 8) | this.queue.byteAt(2);
      const length = (this.queue.byteAt(3) << 8) | this.queue.byteAt(4);
      if (!(type in CONTENT_TYPE_NAMES) || major !== 3) {
        this.fail('not-tls', `the ${this.who} sent something that is not a TLS record at byte ${this.consumed}: ${describeNonTls(this.queue.peek(40))}`, this.consumed);
        return out;
      }
      const max = this.limits.maxRecordPayload ?? MAX_RECORD_PAYLOAD;
      if (length > max) {
        this.fail('record-too-large', `the ${this.who} sent a TLS record of ${length} bytes, over the ${max}-byte maximum (RFC 5246 6.2.3)`, this.consumed);
        return out;
      }
      if (this.queue.length < RECORD_HEADER_BYTES + length) break;
      const whole = this.queue.take(RECORD_HEADER_BYTES + length);
      out.push({
        type,
        version,
        header: whole.subarray(0, RECORD_HEADER_BYTES),
        fragment: whole.subarray(RECORD_HEADER_BYTES),
        offset: this.consumed,
        index: this.count++,
      });
      this.consumed += RECORD_HEADER_BYTES + length;
    }
    return out;
  }

  private fail(kind: DecodeErrorKind, message: string, offset: number): void {
    this.error = { kind, message, offset, ...(kind === 'stream-too-large' ? {} : { head: this.queue.peek(40).slice() }) };
    this.queue.clear();
  }
}

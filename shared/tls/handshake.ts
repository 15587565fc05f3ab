import { handshakeName } from './names';
import { ByteQueue, DEFAULT_LIMITS, type DecodeError, type DecoderLimits } from './records';

/**
 * Handshake messages reassembled from record payloads (RFC 5246 6.2.1, RFC 8446 5.1: a message may
 * span records and a record may hold several messages). Each message is cut on its 4-byte header
 * (type, 24-bit length). The declared length is checked before anything is buffered, so a message
 * announcing 10 MB stops the stream at once instead of being collected.
 */

export const HANDSHAKE_HEADER_BYTES = 4;

export interface HandshakeMessage {
  type: number;
  /** "ClientHello", "CertificateRequest", ... (HelloRetryRequest is told apart by its parser). */
  name: string;
  body: Uint8Array;
  /** The whole message, header and body, as hashed into a TLS 1.3 transcript (RFC 8446 4.4.1). */
  raw: Uint8Array;
  /** Bytes of the whole message, header included. */
  bytes: number;
  /** Index (in its stream) of the record where the message starts, and of the one where it ends. */
  firstRecord: number;
  lastRecord: number;
  /** Records the message spanned. */
  records: number;
}

export class HandshakeAssembler {
  private readonly queue = new ByteQueue();
  /** Absolute stream offset of the queue's first byte, and the record each queued range came from. */
  private base = 0;
  private spans: { start: number; end: number; record: number }[] = [];
  error: DecodeError | null = null;

  constructor(
    private readonly who: string,
    private readonly limits: DecoderLimits = DEFAULT_LIMITS,
  ) {}

  /** Whether part of a message is waiting for the next record. */
  get partial(): boolean {
    return this.queue.length > 0;
  }

  /** Feed the payload of one handshake record (plaintext); returns the messages it completes. */
  push(payload: Uint8Array, recordIndex: number): HandshakeMessage[] {
    if (this.error || payload.length === 0) return [];
    const end = this.base + this.queue.length;
    this.spans.push({ start: end, end: end + payload.length, record: recordIndex });
    this.queue.append(payload);
    const out: HandshakeMessage[] = [];
    while (this.queue.length >= HANDSHAKE_HEADER_BYTES) {
      const type = this.queue.byteAt(0);
      const length = (this.queue.byteAt(1) << 16) | (this.queue.byteAt(2) << 8) | this.queue.byteAt(3);
      const bytes = HANDSHAKE_HEADER_BYTES + length;
      if (bytes > this.limits.maxHandshakeMessageBytes) {
        this.error = {
          kind: 'message-too-large',
          message: `the ${this.who}'s ${handshakeName(type)} message declares ${length} bytes, over the ${this.limits.maxHandshakeMessageBytes}-byte limit for one handshake message`,
          offset: null,
          declared: { name: handshakeName(type), bytes: length, limit: this.limits.maxHandshakeMessageBytes },
        };
        this.queue.clear();
        this.spans = [];
        return out;
      }
      if (this.queue.length < bytes) break;
      const from = this.base;
      const to = this.base + bytes;
      const used = this.spans.filter((s) => s.end > from && s.start < to);
      const whole = this.queue.take(bytes);
      this.base = to;
      this.spans = this.spans.filter((s) => s.end > to);
      out.push({
        type,
        name: handshakeName(type),
        body: whole.subarray(HANDSHAKE_HEADER_BYTES),
        raw: whole,
        bytes,
        firstRecord: used[0]?.record ?? recordIndex,
        lastRecord: used[used.length - 1]?.record ?? recordIndex,
        records: Math.max(1, used.length),
      });
    }
    return out;
  }
}

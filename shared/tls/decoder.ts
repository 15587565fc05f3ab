import { HandshakeAssembler, type HandshakeMessage } from './handshake';
import { parseAlert } from './messages';
import { CONTENT_TYPE, alertLevelName, alertName } from './names';
import { DEFAULT_LIMITS, RecordSplitter, type DecodeError, type DecoderLimits, type TlsRecord } from './records';

/**
 * One direction of a TLS connection decoded into events: handshake messages (reassembled), alerts,
 * ChangeCipherSpec, application data, and records that stay opaque because they are encrypted and
 * no key was available. Decryption is not done here (shared/ has no AES-GCM); the caller opens
 * protected records and hands the plaintext in (see `RecordDecoder.decode`), which keeps this module
 * pure and lets the probe change keys exactly at record boundaries, as TLS does (RFC 8446 5.1).
 *
 * Nothing here throws on bad input: errors become an `error` event and the decoder stops.
 */

export type StreamEvent =
  | { kind: 'handshake'; message: HandshakeMessage; encrypted: boolean; record: TlsRecord }
  | { kind: 'alert'; level: 'warning' | 'fatal' | 'unknown'; code: number; description: string; encrypted: boolean; record: TlsRecord }
  | { kind: 'change-cipher-spec'; record: TlsRecord }
  | { kind: 'application-data'; data: Uint8Array; encrypted: boolean; record: TlsRecord }
  | { kind: 'opaque'; record: TlsRecord; reason: string }
  | { kind: 'error'; error: DecodeError };

/** A protected record after the caller opened it: its true content type and plaintext. */
export interface OpenedRecord {
  type: number;
  data: Uint8Array;
}

/** Turns records (plaintext, or opened by the caller) into events; handshake messages reassembled. */
export class RecordDecoder {
  private readonly assembler: HandshakeAssembler;
  private stopped = false;
  error: DecodeError | null = null;

  constructor(
    private readonly who: string,
    limits: DecoderLimits = DEFAULT_LIMITS,
  ) {
    this.assembler = new HandshakeAssembler(who, limits);
  }

  /**
   * Decode one record. `opened`: undefined when the record is plaintext as sent; null when it is
   * protected and could not be opened; the plaintext when the caller decrypted it.
   */
  decode(record: TlsRecord, opened?: OpenedRecord | null, reason = 'encrypted'): StreamEvent[] {
    if (this.stopped) return [];
    if (opened === null) return [{ kind: 'opaque', record, reason }];
    const encrypted = opened !== undefined;
    const type = opened?.type ?? record.type;
    const data = opened?.data ?? record.fragment;
    switch (type) {
      case CONTENT_TYPE.handshake: {
        const messages = this.assembler.push(data, record.index);
        const events: StreamEvent[] = messages.map((message) => ({ kind: 'handshake', message, encrypted, record }));
        if (this.assembler.error) {
          this.error = this.assembler.error;
          this.stopped = true;
          events.push({ kind: 'error', error: this.assembler.error });
        }
        return events;
      }
      case CONTENT_TYPE.alert: {
        const alert = parseAlert(data);
        if (!alert) return [{ kind: 'opaque', record, reason: `malformed alert (${data.length} bytes)` }];
        return [{ kind: 'alert', level: alertLevelName(alert.level), code: alert.code, description: alertName(alert.code), encrypted, record }];
      }
      case CONTENT_TYPE.changeCipherSpec:
        return [{ kind: 'change-cipher-spec', record }];
      case CONTENT_TYPE.applicationData:
        return [{ kind: 'application-data', data, encrypted, record }];
      default:
        return [{ kind: 'opaque', record, reason: `content type ${type}` }];
    }
  }

  /** Whether a handshake message is cut off, waiting for more records. */
  get partialMessage(): boolean {
    return this.assembler.partial;
  }
}

/**
 * A whole direction read without keys: records cut from TCP bytes, handshake messages reassembled
 * until the first ChangeCipherSpec (TLS 1.2) or the first application_data record (TLS 1.3), after
 * which records are reported opaque. What the field sees in clear without any secret.
 */
export class TlsStreamDecoder {
  private readonly splitter: RecordSplitter;
  private readonly records: RecordDecoder;
  private protectedFromNow = false;

  constructor(who: string, limits: DecoderLimits = DEFAULT_LIMITS) {
    this.splitter = new RecordSplitter(who, limits);
    this.records = new RecordDecoder(who, limits);
  }

  get error(): DecodeError | null {
    return this.splitter.error ?? this.records.error;
  }

  push(chunk: Uint8Array): StreamEvent[] {
    if (this.error) return [];
    const out: StreamEvent[] = [];
    for (const record of this.splitter.push(chunk)) {
      if (this.protectedFromNow || record.type === CONTENT_TYPE.applicationData) {
        out.push(...this.records.decode(record, null));
        continue;
      }
      const events = this.records.decode(record);
      out.push(...events);
      if (events.some((e) => e.kind === 'change-cipher-spec')) this.protectedFromNow = true;
      if (this.records.error) return out;
    }
    if (this.splitter.error) out.push({ kind: 'error', error: this.splitter.error });
    return out;
  }
}

import { Duplex } from 'node:stream';
import type net from 'node:net';

/**
 * A Duplex between node:tls and a net.Socket that records every byte each way, in order, with its
 * moment (tls-probe-notes.md: passing the net.Socket itself as `socket:` does not work, Node reads it
 * natively and no listener sees the bytes). `observe` sees each chunk before TLS does and may stop the
 * connection (bounds, hostile servers). The server's FIN ends the Duplex and destroys the socket, since
 * with a wrapped stream 'close' may never fire after the server hangs up.
 */
export type TapEvent = { kind: 'fin' } | { kind: 'reset'; error: NodeJS.ErrnoException } | { kind: 'error'; error: NodeJS.ErrnoException };

export class TapStream extends Duplex {
  constructor(
    private readonly socket: net.Socket,
    /** Return a message to abort the connection with it; null to let the bytes through. */
    private readonly observe: (from: 'client' | 'server', bytes: Buffer) => string | null,
    private readonly onEvent: (event: TapEvent) => void,
  ) {
    super({ allowHalfOpen: false });
    socket.on('data', (bytes: Buffer) => {
      const stop = this.observe('server', bytes);
      if (stop !== null) {
        this.destroy(new TapAbort(stop));
        return;
      }
      if (!this.push(bytes)) socket.pause();
    });
    socket.on('end', () => {
      this.onEvent({ kind: 'fin' });
      this.push(null);
      socket.destroy();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.onEvent(error.code === 'ECONNRESET' || error.code === 'EPIPE' ? { kind: 'reset', error } : { kind: 'error', error });
      this.destroy(error);
    });
    socket.on('close', () => {
      if (!this.destroyed) this.destroy();
    });
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const stop = this.observe('client', chunk);
    if (stop !== null) {
      callback(new TapAbort(stop));
      return;
    }
    if (this.socket.destroyed) {
      callback();
      return;
    }
    this.socket.write(chunk, (err) => callback(err ?? null));
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.socket.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.socket.destroy();
    callback(error);
  }
}

/** The probe stopped the connection itself, with a message fit to show. */
export class TapAbort extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TapAbort';
  }
}

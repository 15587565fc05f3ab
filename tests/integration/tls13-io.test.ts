import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RecordConnection } from '../../electron/services/probe/tls13-io';

/**
 * The own TLS 1.3 client's record reader stamps each record with when its last byte arrived, not
 * when the client got round to reading it: the timeline orders messages from both directions by
 * arrival, so a server close_notify that came before the client's own is listed first.
 */
let server: net.Server | null = null;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

describe('RecordConnection', () => {
  it('a record read late keeps the moment it arrived; one split over two packets, the moment of its last byte', async () => {
    const sentAt: number[] = [];
    server = net.createServer((socket) => {
      // An alert record (close_notify) at once, then a record whose second half comes later.
      sentAt.push(Date.now());
      socket.write(Buffer.from([21, 3, 3, 0, 2, 1, 0]));
      setTimeout(() => {
        socket.write(Buffer.from([23, 3, 3, 0, 4, 0xaa]));
        setTimeout(() => {
          sentAt.push(Date.now());
          socket.write(Buffer.from([0xbb, 0xcc, 0xdd]));
        }, 60);
      }, 20);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server!.address() as net.AddressInfo).port;
    const conn = await RecordConnection.connect('127.0.0.1', port, Date.now() + 5_000, 1 << 20);
    try {
      // Read only after everything has arrived (all 16 bytes), as a client busy writing would.
      await vi.waitFor(() => expect(conn.bytesReceived).toBe(16), { timeout: 5_000, interval: 10 });
      const readAt = Date.now();
      const first = await conn.readRecord(Date.now() + 2_000);
      const second = await conn.readRecord(Date.now() + 2_000);
      expect(first.type).toBe(21);
      expect(second.payload).toEqual(Buffer.from([0xaa, 0xbb, 0xcc, 0xdd]));
      // Stamped when the bytes came, before the read; the split record when its last byte came.
      expect(first.arrivedAt).toBeLessThan(readAt);
      expect(first.arrivedAt).toBeLessThan(second.arrivedAt);
      expect(second.arrivedAt).toBeGreaterThanOrEqual(sentAt[1]!);
      expect(second.arrivedAt).toBeLessThanOrEqual(readAt);
    } finally {
      conn.destroy();
    }
  });
});

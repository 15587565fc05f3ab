import crypto from 'node:crypto';
import type net from 'node:net';
import tls from 'node:tls';
import v8 from 'node:v8';
import vm from 'node:vm';
import { issueCertificate } from '../../electron/services/lab/pki';
import { afterEach, describe, expect, it } from 'vitest';
import { runProbe } from '../../electron/services/probe/probe';
import type { ProbeResult } from '../../shared/model/probe';
import { serverHelloRecord, startRawServer, type RunningServer } from '../helpers/probe-servers';
import { runCliAsync } from '../helpers/run-cli-async';
import { requireBuiltCli } from '../helpers/run-cli';

/**
 * Hostile servers (node:net): each probe must end within its timeout with a clear one-line error, and
 * memory must stay bounded whatever the server sends.
 */

let server: RunningServer | null = null;
const intervals = new Set<NodeJS.Timeout>();
afterEach(async () => {
  for (const t of intervals) clearInterval(t);
  intervals.clear();
  await server?.close();
  server = null;
});

/** Wait for the ClientHello (or anything), then act. */
function onFirstData(socket: net.Socket, act: () => void): void {
  socket.once('data', act);
}

// The memory bounds are on what a probe keeps of a flood (its result, any leak), measured after a
// full collection at both ends: garbage not yet collected depends on when V8 chooses to collect, which
// varies with the machine's load, and is not memory the probe holds.
v8.setFlagsFromString('--expose-gc');
const collect = vm.runInNewContext('gc') as () => void;

async function probeTimed(url: string, timeoutMs: number): Promise<{ r: ProbeResult | null; error: string | null; ms: number; heapGrowth: number }> {
  collect();
  const heapBefore = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  let r: ProbeResult | null = null;
  let error: string | null = null;
  try {
    r = await runProbe({ url, tls: 'both', timeoutMs, postHandshake: null });
  } catch (err) {
    error = (err as Error).message;
  }
  const ms = performance.now() - t0;
  collect();
  return { r, error: error ?? r?.error ?? null, ms, heapGrowth: process.memoryUsage().heapUsed - heapBefore };
}

/**
 * These checks are about hanging, not speed: a probe must end near its own deadline (or at once, when a
 * rule stops it, which its message says). A loaded 2-core CI machine can delay a CPU-bound flood by
 * seconds, so the bound is twice the deadline; a hang would go far past it.
 */
const noHang = (deadlineMs: number) => deadlineMs * 2;

describe('probe against hostile servers', () => {
  it('a server that drips one byte a second: timeout within the bound, one line', async () => {
    server = await startRawServer((s) =>
      onFirstData(s, () => {
        const bytes = serverHelloRecord();
        let i = 0;
        const t = setInterval(() => {
          if (s.destroyed || i >= bytes.length) return clearInterval(t);
          s.write(bytes.subarray(i, i + 1));
          i++;
        }, 1000);
        intervals.add(t);
      }),
    );
    const { error, ms } = await probeTimed(server.url(), 3000);
    expect(ms).toBeLessThan(noHang(3000));
    expect(error).toMatch(/^timeout after \d\.\d s during the TLS handshake with 127\.0\.0\.1:\d+ \(the server had sent \d bytes?\)$/);
  });

  it('a server that never answers: timeout within the bound, one line', async () => {
    server = await startRawServer(() => undefined);
    const { error, ms } = await probeTimed(server.url(), 2000);
    expect(ms).toBeLessThan(noHang(2000));
    expect(error).toMatch(/^timeout after \d\.\d s during the TLS handshake with 127\.0\.0\.1:\d+ \(the server had sent 0 bytes\)$/);
  });

  it('a 10 MB handshake message: stopped at its header, memory bounded', async () => {
    server = await startRawServer((s) =>
      onFirstData(s, () => {
        const total = 10 * 1024 * 1024;
        // ServerHello, then a Certificate message announcing 10 MB, streamed in 16 KB records.
        s.write(serverHelloRecord());
        const header = Buffer.from([0x0b, (total >> 16) & 0xff, (total >> 8) & 0xff, total & 0xff]);
        let sent = 0;
        const chunk = Buffer.alloc(16384, 0x41);
        const pump = () => {
          while (!s.destroyed && sent < total) {
            const payload = sent === 0 ? Buffer.concat([header, chunk.subarray(4)]) : chunk;
            sent += payload.length;
            if (!s.write(Buffer.concat([Buffer.from([0x16, 0x03, 0x03, payload.length >> 8, payload.length & 0xff]), payload]))) return void s.once('drain', pump);
          }
        };
        pump();
      }),
    );
    const { error, ms, heapGrowth } = await probeTimed(server.url(), 5000);
    // Stopped by the size rule (the message says so), before its own deadline.
    expect(ms).toBeLessThan(5000);
    expect(error).toBe("the server's Certificate message declares 10485760 bytes, over the 65536-byte limit for one handshake message");
    expect(heapGrowth).toBeLessThan(40 * 1024 * 1024);
  });

  it('a flood of 16 KB records after the ServerHello: stopped, one line, memory bounded', async () => {
    server = await startRawServer((s) =>
      onFirstData(s, () => {
        s.write(serverHelloRecord());
        const record = Buffer.concat([Buffer.from([0x17, 0x03, 0x03, 0x40, 0x00]), Buffer.alloc(0x4000, 1)]);
        const pump = () => {
          for (let i = 0; i < 2000 && !s.destroyed; i++) if (!s.write(record)) return void s.once('drain', pump);
        };
        pump();
      }),
    );
    const { error, ms, heapGrowth } = await probeTimed(server.url(), 5000);
    expect(ms).toBeLessThan(noHang(5000));
    expect(error).not.toBeNull();
    expect(error).not.toMatch(/\n/);
    expect(heapGrowth).toBeLessThan(60 * 1024 * 1024);
  });

  it('a flood of one-byte records (HelloRequests cut in pieces): bounded time, memory and timeline', async () => {
    server = await startRawServer((s) =>
      onFirstData(s, () => {
        s.write(serverHelloRecord());
        // 4 records of one byte each make one HelloRequest (type 0, length 0): 24 bytes per message.
        const block = Buffer.concat(Array.from({ length: 4096 }, () => Buffer.from([0x16, 0x03, 0x03, 0x00, 0x01, 0x00])));
        const pump = () => {
          for (let i = 0; i < 400 && !s.destroyed; i++) if (!s.write(block)) return void s.once('drain', pump);
        };
        pump();
      }),
    );
    const { r, error, ms, heapGrowth } = await probeTimed(server.url(), 8000);
    expect(ms).toBeLessThan(noHang(8000));
    expect(error).not.toBeNull();
    expect(error).not.toMatch(/\n/);
    expect(heapGrowth).toBeLessThan(80 * 1024 * 1024);
    for (const a of r?.attempts ?? []) expect(a.timeline.length).toBeLessThanOrEqual(1001 + 4);
    // The first attempt's flood ends the probe: the others would only repeat it.
    expect(r?.attempts).toHaveLength(1);
  });

  it('garbage after the ServerHello: named as not TLS, at once', async () => {
    server = await startRawServer((s) =>
      onFirstData(s, () => {
        s.write(serverHelloRecord());
        s.write(Buffer.from('GARBAGE GARBAGE GARBAGE GARBAGE GARBAGE GARBAGE\r\n'));
      }),
    );
    const { error, ms } = await probeTimed(server.url(), 5000);
    expect(ms).toBeLessThan(5000);
    expect(error).toMatch(/^the server sent something that is not a TLS record at byte \d+: plain text "GARBAGE GARBAGE/);
  });

  it('a plain HTTP server on the https port: says so', async () => {
    server = await startRawServer((s) => onFirstData(s, () => s.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n')));
    const { error } = await probeTimed(server.url(), 5000);
    expect(error).toContain('(a plain HTTP answer: is this an http:// port rather than https://?)');
  });

  it('a reset in the middle of the handshake: one line, no hang', async () => {
    server = await startRawServer((s) =>
      onFirstData(s, () => {
        s.write(serverHelloRecord().subarray(0, 20));
        setTimeout(() => s.resetAndDestroy(), 20);
      }),
    );
    const { error, ms, r } = await probeTimed(server.url(), 5000);
    expect(ms).toBeLessThan(5000);
    expect(error).toBe('the server reset the connection during the TLS handshake');
    expect(r?.timeline.map((e) => e.message)).toContain('TCP reset by the server');
  });

  it('certbench probe: a silent server ends in one line on stderr and exit 2 within --timeout', async () => {
    requireBuiltCli();
    server = await startRawServer(() => undefined);
    const t0 = performance.now();
    const r = await runCliAsync(['probe', server.url(), '--timeout', '1000']);
    expect(performance.now() - t0).toBeLessThan(noHang(1000) + 2000); // plus a Node process start
    expect(r.code).toBe(2);
    // Progress lines may precede it on stderr (after a second, as every command does); the error is the last line.
    expect(r.stderr.split('\n').slice(-2).join('\n')).toMatch(/^certbench: timeout after \d\.\d s during the TLS handshake with 127\.0\.0\.1:\d+ \(the server had sent 0 bytes\)\n$/);
    expect(r.stdout).toContain('Error: timeout after');
  });

  it('a renegotiation storm (the server renegotiates in a loop): stopped after a few rounds, in words, within the bound', async () => {
    const cert = issueCertificate({ subject: [['CN', 'localhost']], dnsNames: ['localhost'], eku: ['serverAuth'] });
    const storm = tls.createServer({ key: cert.keyPem, cert: cert.pem, maxVersion: 'TLSv1.2', secureOptions: crypto.constants.SSL_OP_NO_TICKET }, (s) => {
      s.on('error', () => undefined);
      const again = () => {
        if (!s.destroyed) s.renegotiate({ requestCert: false, rejectUnauthorized: false }, (err) => (err ? undefined : setImmediate(again)));
      };
      s.once('data', again);
    });
    await new Promise<void>((resolve) => storm.listen(0, '127.0.0.1', resolve));
    const port = (storm.address() as net.AddressInfo).port;
    try {
      const t0 = performance.now();
      const r = await runProbe({ url: `https://127.0.0.1:${port}/`, tls: '1.2', timeoutMs: 10_000, postHandshake: null });
      // Stopped by the round count (the message says so), before its own deadline.
      expect(performance.now() - t0).toBeLessThan(10_000);
      expect(r.attempts[0]!.error).toBe('the server renegotiated 5 times on one connection; the probe stopped there (a renegotiation storm)');
    } finally {
      await new Promise<void>((resolve) => storm.close(() => resolve()));
    }
  });

  it('a CertificateRequest declaring 10 MB: too large to read, and still the server asking with a list no client takes (Diagnose says so)', async () => {
    requireBuiltCli();
    server = await startRawServer((s) =>
      onFirstData(s, () => {
        const total = 10 * 1024 * 1024;
        s.write(serverHelloRecord());
        const payload = Buffer.concat([Buffer.from([0x0d, (total >> 16) & 0xff, (total >> 8) & 0xff, total & 0xff]), Buffer.alloc(1000, 0x41)]);
        s.write(Buffer.concat([Buffer.from([0x16, 0x03, 0x03, payload.length >> 8, payload.length & 0xff]), payload]));
      }),
    );
    const r = await runProbe({ url: server.url(), tls: 'both', timeoutMs: 5000, postHandshake: null });
    expect(r.error).toBeNull();
    expect(r.attempts[0]!.oversized).toEqual({ message: 'CertificateRequest', declaredBytes: 10 * 1024 * 1024, limitBytes: 65536 });
    expect(r.clientAuth.mode).toBe('handshake');
    const f = r.findings.find((x) => x.id === 'server.ca-list-too-large');
    expect(f?.title).toBe('The server sends a CertificateRequest too large to read');
    const d = await runCliAsync(['diagnose', server.url(), '--no-live', '--timeout', '5000', '--json'], { timeoutMs: 30_000 });
    expect(d.code).toBe(1);
    expect((JSON.parse(d.stdout) as { findings: { id: string }[] }).findings.map((x) => x.id)).toContain('server.ca-list-too-large');
  });
});

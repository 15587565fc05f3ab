import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RecordSplitter, MAX_RECORD_PAYLOAD } from '../../shared/tls/records';
import { HandshakeAssembler } from '../../shared/tls/handshake';
import { TlsStreamDecoder, type StreamEvent } from '../../shared/tls/decoder';
import { parseCertificateRequest12, parseCertificateRequest13, parseClientHello, parseServerHello } from '../../shared/tls/messages';
import { describeCertificateRequest } from '../../shared/tls/certificate-request';
import { alertName, HELLO_RETRY_REQUEST_RANDOM } from '../../shared/tls/names';

/** Builders of wire bytes, written from RFC 5246 / 8446 so the decoder is checked against the spec, not itself. */
const u16 = (n: number) => [n >> 8, n & 0xff];
const u24 = (n: number) => [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
const vec = (lengthBytes: 1 | 2 | 3, body: number[] | Uint8Array) => {
  const b = Array.from(body);
  return [...(lengthBytes === 1 ? [b.length] : lengthBytes === 2 ? u16(b.length) : u24(b.length)), ...b];
};
const handshake = (type: number, body: number[] | Uint8Array) => [type, ...u24(body.length), ...Array.from(body)];
const record = (type: number, payload: number[]) => [type, 3, 3, ...u16(payload.length), ...payload];

/** DER Name with one CN attribute (RFC 5280 4.1.2.4), long enough to test byte counts. */
function derName(cn: string): number[] {
  const value = [0x0c, cn.length, ...Array.from(cn, (c) => c.charCodeAt(0))];
  const atv = [0x30, 5 + value.length, 0x06, 0x03, 0x55, 0x04, 0x03, ...value];
  const set = [0x31, atv.length, ...atv];
  return [0x30, set.length, ...set];
}

function certificateRequest12(names: string[]): number[] {
  const dns = names.flatMap((n) => vec(2, derName(n)));
  return handshake(13, [...vec(1, [1, 64]), ...vec(2, [...u16(0x0403), ...u16(0x0804), ...u16(0x0401)]), ...vec(2, dns)]);
}

/** Pack handshake bytes into records of at most `size` bytes each. */
function intoRecords(bytes: number[], size: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(...record(22, bytes.slice(i, i + size)));
  return out;
}

function messagesOf(events: StreamEvent[]) {
  return events.flatMap((e) => (e.kind === 'handshake' ? [{ type: e.message.type, body: Array.from(e.message.body) }] : []));
}

describe('TLS record layer and handshake reassembly', () => {
  it('reassembles a CertificateRequest that spans three records and shares a record with ServerHelloDone', () => {
    const names = Array.from({ length: 301 }, (_, i) => `Certbench Generated CA number ${String(i).padStart(4, '0')} for a long list`);
    const cr = certificateRequest12(names);
    const stream = intoRecords([...cr, ...handshake(14, [])], 16384);
    const d = new TlsStreamDecoder('server');
    const events = d.push(Uint8Array.from(stream));
    const hs = events.filter((e) => e.kind === 'handshake');
    expect(hs.map((e) => e.kind === 'handshake' && e.message.name)).toEqual(['CertificateRequest', 'ServerHelloDone']);
    const first = hs[0]!;
    if (first.kind !== 'handshake') throw new Error('unreachable');
    expect(first.message.records).toBe(Math.ceil((cr.length + 4) / 16384));
    expect(first.message.bytes).toBe(cr.length);
    const info = describeCertificateRequest(first.message, false, 'handshake');
    expect(info.caNames).toHaveLength(301);
    expect(info.caNames[0]).toBe('CN=Certbench Generated CA number 0000 for a long list');
    // Each name: 2-byte length + DER; the list's bytes are exactly what the 16 KB limit is about.
    expect(info.caNamesBytes).toBe(names.reduce((n, s) => n + 2 + derName(s).length, 0));
    expect(info.certificateTypes).toEqual(['rsa_sign', 'ecdsa_sign']);
    expect(info.signatureAlgorithms).toEqual(['ecdsa_secp256r1_sha256', 'rsa_pss_rsae_sha256', 'rsa_pkcs1_sha256']);
  });

  it('reads a TLS 1.3 CertificateRequest: context, signature_algorithms and certificate_authorities extensions', () => {
    const dns = vec(2, [...vec(2, derName('Root A')), ...vec(2, derName('Issuing B'))]);
    const body = [...vec(1, [7, 7]), ...vec(2, [...u16(13), ...vec(2, vec(2, [...u16(0x0807)])), ...u16(47), ...vec(2, dns)])];
    const parsed = parseCertificateRequest13(Uint8Array.from(body));
    expect(parsed.signatureAlgorithmNames).toEqual(['ed25519']);
    expect(parsed.caNames).toHaveLength(2);
    expect(parsed.caNamesBytes).toBe(dns.length - 2);
    expect(Array.from(parsed.context!)).toEqual([7, 7]);
    expect(parsed.certificateTypes).toEqual([]);
  });

  it('reads an empty CA list as zero names and zero bytes', () => {
    const parsed = parseCertificateRequest12(Uint8Array.from(certificateRequest12([]).slice(4)));
    expect(parsed.caNames).toEqual([]);
    expect(parsed.caNamesBytes).toBe(0);
  });

  it('tells a HelloRetryRequest from a ServerHello, and reads the negotiated version from supported_versions', () => {
    const sh = (random: number[]) => [...u16(0x0303), ...random, ...vec(1, []), ...u16(0x1301), 0, ...vec(2, [...u16(43), ...vec(2, u16(0x0304))])];
    const hrr = parseServerHello(Uint8Array.from(sh(Array.from(HELLO_RETRY_REQUEST_RANDOM))));
    expect(hrr.isHelloRetryRequest).toBe(true);
    expect(hrr.version).toBe(0x0304);
    expect(parseServerHello(Uint8Array.from(sh(new Array(32).fill(1)))).isHelloRetryRequest).toBe(false);
  });

  it('reads SNI and post_handshake_auth from a ClientHello', () => {
    const sni = vec(2, [0, ...vec(2, Array.from('example.test', (c) => c.charCodeAt(0)))]);
    const body = [...u16(0x0303), ...new Array(32).fill(0), ...vec(1, []), ...vec(2, u16(0x1301)), ...vec(1, [0]), ...vec(2, [...u16(0), ...vec(2, sni), ...u16(49), ...vec(2, [])])];
    const ch = parseClientHello(Uint8Array.from(body));
    expect(ch.serverName).toBe('example.test');
    expect(ch.offersPostHandshakeAuth).toBe(true);
  });

  it('stops on a handshake message that declares 10 MB, with a one-line error, before buffering it', () => {
    const d = new TlsStreamDecoder('server');
    const header = record(22, [11, ...u24(10 * 1024 * 1024), 1, 2, 3]);
    const events = d.push(Uint8Array.from(header));
    const err = events.find((e) => e.kind === 'error');
    expect(err && err.kind === 'error' && err.error.message).toBe(
      "the server's Certificate message declares 10485760 bytes, over the 65536-byte limit for one handshake message",
    );
    expect(d.push(new Uint8Array(1000))).toEqual([]);
  });

  it('honours a configured message limit', () => {
    const a = new HandshakeAssembler('server', { maxHandshakeMessageBytes: 100, maxStreamBytes: 1 << 20 });
    a.push(Uint8Array.from(handshake(13, new Array(200).fill(0))), 0);
    expect(a.error?.kind).toBe('message-too-large');
  });

  it('names a plain HTTP answer and an oversized record', () => {
    const s = new RecordSplitter('server');
    s.push(new TextEncoder().encode('HTTP/1.1 400 Bad Request\r\nServer: nginx\r\n\r\n'));
    expect(s.error?.message).toBe(
      'the server sent something that is not a TLS record at byte 0: plain text "HTTP/1.1 400 Bad Request" (a plain HTTP answer: is this an http:// port rather than https://?)',
    );
    const big = new RecordSplitter('server');
    big.push(Uint8Array.from([22, 3, 3, ...u16(MAX_RECORD_PAYLOAD + 1)]));
    expect(big.error?.kind).toBe('record-too-large');
  });

  it('caps the bytes of one stream', () => {
    const s = new RecordSplitter('server', { maxHandshakeMessageBytes: 65536, maxStreamBytes: 1000 });
    for (let i = 0; i < 10; i++) s.push(Uint8Array.from(record(23, new Array(200).fill(1))));
    expect(s.error?.kind).toBe('stream-too-large');
  });

  it('names alerts and reports records after ChangeCipherSpec as opaque', () => {
    const d = new TlsStreamDecoder('server');
    const events = d.push(Uint8Array.from([...record(20, [1]), ...record(22, [1, 2, 3, 4, 5, 6]), ...record(21, [2, 116])]));
    expect(events.map((e) => e.kind)).toEqual(['change-cipher-spec', 'opaque', 'opaque']);
    const plain = new TlsStreamDecoder('server').push(Uint8Array.from(record(21, [2, 48])));
    expect(plain[0]).toMatchObject({ kind: 'alert', level: 'fatal', code: 48, description: 'unknown_ca' });
    expect(alertName(116)).toBe('certificate_required');
  });
});

/** A random but valid handshake stream: messages, packed into records of random sizes. */
const streamArb = fc
  .record({
    messages: fc.array(fc.record({ type: fc.integer({ min: 0, max: 30 }), body: fc.uint8Array({ maxLength: 3000 }) }), { minLength: 1, maxLength: 12 }),
    recordSize: fc.integer({ min: 1, max: 16384 }),
  })
  .map(({ messages, recordSize }) => ({
    messages: messages.map((m) => ({ type: m.type, body: Array.from(m.body) })),
    bytes: Uint8Array.from(intoRecords(messages.flatMap((m) => handshake(m.type, m.body)), recordSize)),
  }));

/** Cut points for splitting a byte stream into TCP chunks. */
function chunks(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let at = 0;
  for (const p of points) {
    out.push(bytes.subarray(at, p));
    at = p;
  }
  out.push(bytes.subarray(at));
  return out;
}

describe('decoder properties (fast-check)', () => {
  it('any split of a valid stream into TCP chunks, and any record size, gives the same messages', () => {
    fc.assert(
      fc.property(streamArb, fc.array(fc.nat(), { maxLength: 40 }), ({ messages, bytes }, cuts) => {
        const d = new TlsStreamDecoder('server');
        const events = chunks(bytes, cuts).flatMap((c) => d.push(c));
        expect(d.error).toBeNull();
        expect(messagesOf(events)).toEqual(messages);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on random garbage, truncated or spliced streams; errors are states with one-line messages', () => {
    const garbage = fc.oneof(
      fc.uint8Array({ maxLength: 5000 }),
      streamArb.chain(({ bytes }) =>
        fc.record({ at: fc.nat(), with: fc.uint8Array({ minLength: 1, maxLength: 64 }) }).map(({ at, with: w }) => {
          const copy = bytes.slice();
          copy.set(w.subarray(0, Math.max(0, copy.length - (at % (copy.length || 1)))), at % (copy.length || 1));
          return copy;
        }),
      ),
      // Valid record headers around random handshake payloads: the parser paths, not only the splitter.
      fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }).map((ps) => Uint8Array.from(ps.flatMap((p) => record(22, Array.from(p))))),
    );
    fc.assert(
      fc.property(garbage, fc.array(fc.nat(), { maxLength: 10 }), (bytes, cuts) => {
        const d = new TlsStreamDecoder('server');
        for (const c of chunks(bytes, cuts)) {
          for (const e of d.push(c)) {
            if (e.kind === 'error') expect(e.error.message).not.toMatch(/\n/);
            if (e.kind === 'handshake') {
              // The body parsers may reject but must throw only their own named error.
              for (const parse of [parseClientHello, parseServerHello, parseCertificateRequest12, parseCertificateRequest13]) {
                try {
                  parse(e.message.body);
                } catch (err) {
                  expect((err as Error).name).toBe('TlsParseError');
                }
              }
            }
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});

import http from 'node:http';
import net from 'node:net';
import type { LabCertificate } from './pki';
import { buildCrl, buildOcspResponse, certIdSerialHex, requestedCertIds, type LabRevokedEntry, type OcspAnswer } from './revocation-pki';

/**
 * The lab's revocation servers on 127.0.0.1: one HTTP server publishing the CRLs and answering OCSP
 * (RFC 6960 A.1, POST), and a "black hole" that accepts connections and never answers, which is
 * what a CRL address behind a firewall that drops packets looks like to a client: a timeout.
 * CRLs and answers are made fresh per request, so their windows are current whenever asked.
 */

const HOUR = 3_600_000;
/** An OCSP request is a few hundred bytes; more is refused (bounded reads). */
const MAX_OCSP_REQUEST = 64 * 1024;
/** The oversized CRL: just over the fetcher's 20 MB cap, streamed so it is never held in memory. */
export const OVERSIZED_BYTES = 21 * 1024 * 1024;

export interface RevocationPublisher {
  root: LabCertificate;
  ca: LabCertificate;
  /** Serials (uppercase hex) the CA has revoked, with when and why. */
  revoked: Map<string, LabRevokedEntry>;
  /** Serials the OCSP responder knows; any other is answered "unknown". */
  known: Set<string>;
  /** Revoked since the last full CRL: listed only in the delta CRL (/adcs+.crl), as AD CS publishes between full CRLs. */
  revokedSinceFull: Map<string, LabRevokedEntry>;
}

/** The CRL number of the AD CS-style full CRL; its delta carries the next number and names this one as its base (RFC 5280 5.2.4). */
const ADCS_FULL_NUMBER = 40;

/**
 * The AD CS-style full CRL (/adcs.crl): what the CA revoked before it was published, and in its
 * freshestCRL extension the address of its delta CRL (AD CS names deltas only there: "Include in
 * CRLs. Clients use this to find Delta CRL locations"; certificates carry only the full CRL's address).
 */
export function adcsFullCrl(p: RevocationPublisher, deltaUrl: string, now = Date.now()): Buffer {
  return buildCrl({ issuer: p.ca, entries: [...p.revoked.values()], crlNumber: ADCS_FULL_NUMBER, freshestUrls: [deltaUrl], thisUpdate: new Date(now - 24 * HOUR), nextUpdate: new Date(now + 6 * 24 * HOUR) });
}

/** Its delta CRL (/adcs+.crl, the "+" is AD CS's naming): only what was revoked since the full CRL. */
export function adcsDeltaCrl(p: RevocationPublisher, now = Date.now()): Buffer {
  return buildCrl({ issuer: p.ca, entries: [...p.revokedSinceFull.values()], crlNumber: ADCS_FULL_NUMBER + 1, deltaBase: ADCS_FULL_NUMBER, thisUpdate: new Date(now - HOUR), nextUpdate: new Date(now + 24 * HOUR) });
}

/**
 * The issuing CA's CRL as of now: what /ca.crl serves. With `andDelta`, what a verifier that reads
 * delta CRLs concludes (the full CRL and its delta together): what the checking TLS server loads,
 * since node:tls (OpenSSL without X509_V_FLAG_USE_DELTAS) would not read a delta itself.
 */
export function caCrl(p: RevocationPublisher, now = Date.now(), andDelta = false): Buffer {
  const entries = [...p.revoked.values(), ...(andDelta ? p.revokedSinceFull.values() : [])];
  return buildCrl({ issuer: p.ca, entries, thisUpdate: new Date(now - HOUR), nextUpdate: new Date(now + 24 * HOUR) });
}

/** The root's CRL (nothing revoked): the CA link's answer. */
export function rootCrl(p: RevocationPublisher, now = Date.now()): Buffer {
  return buildCrl({ issuer: p.root, thisUpdate: new Date(now - HOUR), nextUpdate: new Date(now + 24 * HOUR) });
}

export interface RunningHttp {
  port: number;
  close(): Promise<void>;
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
}

function closer(server: net.Server, sockets: Set<net.Socket>): () => Promise<void> {
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
}

function send(res: http.ServerResponse, type: string, body: Buffer): void {
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length });
  res.end(body);
}

function streamOversized(res: http.ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'application/pkix-crl' });
  const chunk = Buffer.alloc(256 * 1024, 0x30);
  let sent = 0;
  const more = () => {
    while (sent < OVERSIZED_BYTES && !res.destroyed) {
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', more);
    }
    res.end();
  };
  more();
}

function answerOcsp(p: RevocationPublisher, req: http.IncomingMessage, res: http.ServerResponse): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size > MAX_OCSP_REQUEST) req.destroy();
    else chunks.push(c);
  });
  req.on('end', () => {
    const now = Date.now();
    let body: Buffer;
    try {
      const answers = requestedCertIds(Buffer.concat(chunks)).map((certId) => {
        const serial = certIdSerialHex(certId);
        const r = p.revoked.get(serial);
        const answer: OcspAnswer = r ? { status: 'revoked', revokedAt: r.revokedAt, reason: r.reason } : p.known.has(serial) ? { status: 'good' } : { status: 'unknown' };
        return { certId, answer };
      });
      body = buildOcspResponse({ ca: p.ca, answers, thisUpdate: new Date(now - HOUR), nextUpdate: new Date(now + HOUR) });
    } catch {
      // RFC 6960 4.2.1: malformedRequest (1) for bytes that are not an OCSPRequest.
      body = buildOcspResponse({ ca: p.ca, answers: [], thisUpdate: new Date(now), nextUpdate: null, responseStatus: 1 });
    }
    send(res, 'application/ocsp-response', body);
  });
}

/**
 * Routes: /ca.crl (the issuing CA's CRL, current), /root.crl (the root's CRL for the CA), /stale.crl
 * (a CRL whose nextUpdate passed three days ago), /big.crl (over 20 MB), /loop.crl (redirects to
 * itself), POST /ocsp (the CA's responder).
 */
export async function startRevocationHttp(p: RevocationPublisher): Promise<RunningHttp> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const now = Date.now();
    if (req.method === 'POST' && path === '/ocsp') return answerOcsp(p, req, res);
    if (path === '/ca.crl') return send(res, 'application/pkix-crl', caCrl(p, now));
    if (path === '/root.crl') return send(res, 'application/pkix-crl', rootCrl(p, now));
    if (path === '/adcs.crl') return send(res, 'application/pkix-crl', adcsFullCrl(p, `http://${req.headers.host ?? '127.0.0.1'}/adcs+.crl`, now));
    if (path === '/adcs+.crl') return send(res, 'application/pkix-crl', adcsDeltaCrl(p, now));
    if (path === '/stale.crl') return send(res, 'application/pkix-crl', buildCrl({ issuer: p.ca, thisUpdate: new Date(now - 10 * 24 * HOUR), nextUpdate: new Date(now - 3 * 24 * HOUR) }));
    if (path === '/big.crl') return streamOversized(res);
    if (path === '/loop.crl') {
      res.writeHead(302, { Location: '/loop.crl', 'Content-Length': 0 });
      return void res.end();
    }
    res.writeHead(404, { 'Content-Length': 0 });
    res.end();
  });
  const close = closer(server, new Set());
  return { port: await listen(server), close };
}

/** Accepts connections and never answers (a dropped-packet firewall, as a client sees it: a timeout). */
export async function startBlackHole(): Promise<RunningHttp> {
  const server = net.createServer(() => undefined);
  const close = closer(server, new Set());
  return { port: await listen(server), close };
}

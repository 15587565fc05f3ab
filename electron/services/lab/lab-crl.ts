import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import { LAB_CRL_PATHS, type LabPki } from './lab-pki';

/**
 * The lab's CRL server: the root's and the issuing CA's CRLs (lab-pki.ts signs them when it makes the
 * PKI) on 127.0.0.1 at the port the certificates name, so a revocation check of the lab's client
 * certificate reads "good per CRL" while the lab runs. GET only, two fixed paths, bodies from the
 * files (a few hundred bytes each).
 */
export interface LabCrlServer {
  close(): Promise<void>;
}

export async function startLabCrlServer(pki: LabPki): Promise<LabCrlServer> {
  const bodies = new Map<string, Buffer>([
    [LAB_CRL_PATHS.root, fs.readFileSync(pki.files.rootCrl)],
    [LAB_CRL_PATHS.issuing, fs.readFileSync(pki.files.issuingCrl)],
  ]);
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const body = req.method === 'GET' ? bodies.get((req.url ?? '/').split('?')[0]!) : undefined;
    if (!body) {
      res.writeHead(404, { 'Content-Length': 0, Connection: 'close' });
      return void res.end();
    }
    res.writeHead(200, { 'Content-Type': 'application/pkix-crl', 'Content-Length': body.length });
    res.end(body);
  });
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(pki.crlPort, '127.0.0.1', () => resolve());
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

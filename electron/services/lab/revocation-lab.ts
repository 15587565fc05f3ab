import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import type net from 'node:net';
import type tlsTypes from 'node:tls';
import path from 'node:path';
import { toPem } from '../../../shared/cert/containers/text';
import { issueCertificate, type LabCertificate } from './pki';
import { caCrl, rootCrl, startBlackHole, startRevocationHttp, type RevocationPublisher, type RunningHttp } from './revocation-servers';

/**
 * The lab's revocation scenario: its own small PKI (root, issuing CA) made per start, because the
 * certificates must carry the CRL and OCSP addresses of servers whose ports are only known once
 * they listen. Client certificates, one per case, are written to <lab>/revocation/ as PEM with
 * their keys, next to the CA files; a TLS server that checks the CA's CRL (OpenSSL's own check,
 * through node:tls `crl`) refuses the revoked one, as a server with revocation checking does.
 */

/** Cases a user tries (`certbench lab --scenario revocation`) and the tests add to. */
export const REVOCATION_CASES = ['good', 'revoked', 'delta-revoked', 'unreachable', 'stale-crl', 'ocsp-unknown', 'oversized-crl', 'redirect-loop'] as const;
export type RevocationCase = (typeof REVOCATION_CASES)[number];

export const CASE_WORDS: Readonly<Record<RevocationCase, string>> = {
  good: 'not revoked: OCSP answers good and the CA\'s CRL does not list it',
  revoked: 'revoked (keyCompromise) on the CA\'s CRL',
  'delta-revoked': 'revoked since the CA\'s last full CRL: listed only in the delta CRL that full CRL names (freshestCRL), as AD CS publishes them',
  unreachable: 'CRL address that accepts connections and never answers (times out)',
  'stale-crl': 'CRL whose nextUpdate passed three days ago',
  'ocsp-unknown': 'OCSP responder answers "unknown"',
  'oversized-crl': 'CRL larger than 20 MB',
  'redirect-loop': 'CRL address that redirects to itself',
};

export interface RevocationLabCase {
  name: RevocationCase;
  cert: LabCertificate;
  certificateFile: string;
  keyFile: string;
  /** Certificate, issuing CA, root: a file that opens as the whole chain. */
  chainFile: string;
}

export interface RevocationLab {
  /** http://127.0.0.1:PORT: the CRLs and the OCSP responder. */
  baseUrl: string;
  /** https://127.0.0.1:PORT/: the TLS server that checks the CA's CRL. */
  serverUrl: string;
  serverPort: number;
  root: LabCertificate;
  ca: LabCertificate;
  files: { root: string; ca: string; crl: string };
  cases: Record<RevocationCase, RevocationLabCase>;
  close(): Promise<void>;
}

function write(folder: string, name: RevocationCase, cert: LabCertificate, chain: string): RevocationLabCase {
  const c: RevocationLabCase = { name, cert, certificateFile: path.join(folder, `${name}.pem`), keyFile: path.join(folder, `${name}.key`), chainFile: path.join(folder, `${name}-chain.pem`) };
  fs.writeFileSync(c.certificateFile, cert.pem);
  fs.writeFileSync(c.keyFile, cert.keyPem, { mode: 0o600 });
  fs.writeFileSync(c.chainFile, cert.pem + chain);
  return c;
}

function issueCases(base: string, blackHole: string, ca: LabCertificate): Record<RevocationCase, LabCertificate> {
  const leaf = (cn: string, crl: string[], ocsp: string[] = []) =>
    issueCertificate({ subject: [['O', 'Certbench Lab'], ['CN', cn]], issuer: ca, eku: ['clientAuth'], keyAlgorithm: 'rsa-2048', crlUrls: crl, ocspUrls: ocsp });
  return {
    good: leaf('revocation good', [`${base}/ca.crl`], [`${base}/ocsp`]),
    revoked: leaf('revocation revoked', [`${base}/ca.crl`]),
    'delta-revoked': leaf('revocation delta revoked', [`${base}/adcs.crl`]),
    unreachable: leaf('revocation unreachable', [`${blackHole}/ca.crl`]),
    'stale-crl': leaf('revocation stale CRL', [`${base}/stale.crl`]),
    'ocsp-unknown': leaf('revocation OCSP unknown', [], [`${base}/ocsp`]),
    'oversized-crl': leaf('revocation oversized CRL', [`${base}/big.crl`]),
    'redirect-loop': leaf('revocation redirect loop', [`${base}/loop.crl`]),
  };
}

async function startCheckingServer(server: { cert: string; key: string }, chain: string, crl: string[]): Promise<RunningHttp> {
  const sockets = new Set<net.Socket>();
  // OpenSSL checks the chain against the CRLs (node:tls `crl`); the answer is IIS's: 403.13 for a
  // revoked certificate, 403.16 for one that fails otherwise, 403.7 for none (windows-formats.md).
  const tls = https.createServer({ cert: server.cert, key: server.key, ca: chain, crl, requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.2' }, (req, res) => {
    const socket = req.socket as tlsTypes.TLSSocket;
    const error = socket.authorizationError ? String(socket.authorizationError) : null;
    const [status, body] = socket.authorized
      ? [200, 'Certbench lab: client certificate accepted (not revoked per the CA\'s CRL)\n']
      : !socket.getPeerX509Certificate()
        ? [403, 'HTTP Error 403.7 - Forbidden: a client certificate is required.\n']
        : error === 'CERT_REVOKED'
          ? [403, 'HTTP Error 403.13 - Forbidden: Client certificate revoked.\n']
          : [403, `HTTP Error 403.16 - Forbidden: Client certificate is untrusted or invalid (${error ?? 'unknown'}).\n`];
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body), Connection: 'close' });
    res.end(body);
  });
  tls.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  tls.on('tlsClientError', () => undefined);
  const port = await new Promise<number>((resolve, reject) => {
    tls.once('error', reject);
    tls.listen(0, '127.0.0.1', () => resolve((tls.address() as net.AddressInfo).port));
  });
  return { port, close: () => new Promise<void>((resolve) => (sockets.forEach((s) => s.destroy()), tls.close(() => resolve()))) };
}

/** Start the revocation lab: servers first (their ports go into the certificates), then the PKI and files. */
export async function startRevocationLab(folder: string, server: { cert: string; key: string }): Promise<RevocationLab> {
  fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
  const root = issueCertificate({ subject: [['O', 'Certbench Lab'], ['CN', 'Certbench Revocation Root']], ca: true, keyAlgorithm: 'ec-p256' });
  const publisher: RevocationPublisher = { root, ca: root, revoked: new Map(), known: new Set<string>(), revokedSinceFull: new Map() };
  const http = await startRevocationHttp(publisher);
  const hole = await startBlackHole();
  const baseUrl = `http://127.0.0.1:${http.port}`;
  const ca = issueCertificate({ subject: [['O', 'Certbench Lab'], ['CN', 'Certbench Revocation CA']], issuer: root, ca: true, keyAlgorithm: 'ec-p256', crlUrls: [`${baseUrl}/root.crl`] });
  publisher.ca = ca;
  const certs = issueCases(baseUrl, `http://127.0.0.1:${hole.port}`, ca);
  const serialOf = (c: LabCertificate) => new crypto.X509Certificate(c.der).serialNumber.replace(/^(00)+(?=.)/, '').toUpperCase();
  for (const [name, c] of Object.entries(certs)) if (name !== 'ocsp-unknown') publisher.known.add(serialOf(c));
  publisher.revoked.set(serialOf(certs.revoked), { serial: Buffer.from(serialOf(certs.revoked), 'hex'), revokedAt: new Date(Date.now() - 2 * 3_600_000), reason: 1 });
  publisher.revokedSinceFull.set(serialOf(certs['delta-revoked']), { serial: Buffer.from(serialOf(certs['delta-revoked']), 'hex'), revokedAt: new Date(Date.now() - 2 * 3_600_000), reason: 1 });
  const chain = ca.pem + root.pem;
  const files = { root: path.join(folder, 'root-ca.pem'), ca: path.join(folder, 'issuing-ca.pem'), crl: path.join(folder, 'ca.crl') };
  fs.writeFileSync(files.root, root.pem);
  fs.writeFileSync(files.ca, ca.pem);
  const cases = Object.fromEntries(REVOCATION_CASES.map((name) => [name, write(folder, name, certs[name], chain)])) as Record<RevocationCase, RevocationLabCase>;
  const crl = caCrl(publisher);
  fs.writeFileSync(files.crl, crl);
  // Both CRLs: node:tls checks every link of the chain against a CRL once any CRL is given.
  const tls = await startCheckingServer(server, chain, [toPem('X509 CRL', caCrl(publisher, Date.now(), true)), toPem('X509 CRL', rootCrl(publisher))]);
  return {
    baseUrl,
    serverUrl: `https://127.0.0.1:${tls.port}/secure/`,
    serverPort: tls.port,
    root,
    ca,
    files,
    cases,
    close: async () => void (await Promise.all([http.close(), hole.close(), tls.close()])),
  };
}

import crypto from 'node:crypto';
import https from 'node:https';
import type http from 'node:http';
import type net from 'node:net';
import type tls from 'node:tls';
import type { LabPki } from './lab-pki';

/**
 * The lab's node:tls servers. Each listens on its own port of 127.0.0.1 and serves a small site:
 * `/` is open and says what the scenario shows; `/secure/` needs a client certificate issued by the
 * lab's CA and answers 200 with its subject, or IIS's 403.7 page. The certificate is always judged
 * here against the lab CA (not by node's `authorized`), so the CA names a server sends (node's `ca`
 * option sets them) can differ from what it trusts, as with Apache's SSLCADNRequestFile.
 */

export type NodeScenario = 'handshake' | 'renegotiation' | 'large-ca-list' | 'empty-ca-list' | 'wrong-ca-list';

export interface RunningServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

/** IIS 10's page for 403.7 (what helpdesk staff see in the field), trimmed. */
export const PAGE_403_7 = `<!DOCTYPE html>
<html><head><title>403 - Forbidden: Access is denied.</title></head>
<body><h1>Server Error</h1>
<h2>HTTP Error 403.7 - Forbidden</h2>
<h3>The page you are attempting to access requires your browser to have a Secure Sockets Layer (SSL) client certificate that the Web server recognizes.</h3>
<p>Certbench lab: no client certificate from the lab CA was presented on this connection.</p>
</body></html>
`;

export function page200(subject: string, scenario: string): string {
  return `<!DOCTYPE html>
<html><head><title>Certbench lab: authenticated</title></head>
<body><h1>Client certificate accepted</h1>
<p>Scenario: ${escapeHtml(scenario)}</p>
<p>Subject: <code>${escapeHtml(subject)}</code></p>
</body></html>
`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The client's subject when its certificate was issued by the lab's intermediate and is valid now. */
export function labClientSubject(socket: tls.TLSSocket, intermediate: crypto.X509Certificate): string | null {
  const peer = socket.getPeerX509Certificate();
  if (!peer) return null;
  const now = Date.now();
  if (new Date(peer.validFrom).getTime() > now || new Date(peer.validTo).getTime() < now) return null;
  if (!peer.checkIssued(intermediate) || !peer.verify(intermediate.publicKey)) return null;
  return peer.subject.split('\n').reverse().join(',');
}

function respond(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(body), Connection: 'close' });
  res.end(body);
}

export async function startNodeScenario(scenario: NodeScenario, pki: LabPki, describe: string): Promise<RunningServer> {
  const intermediate = new crypto.X509Certificate(pki.pem.intermediate);
  const caFor: Record<NodeScenario, string[] | undefined> = {
    handshake: [pki.pem.intermediate, pki.pem.root],
    renegotiation: [pki.pem.intermediate, pki.pem.root],
    'large-ca-list': [pki.pem.root, pki.pem.intermediate, ...pki.pem.fillers],
    // No `ca`: node verifies against its built-in roots and sends no CA names at all.
    'empty-ca-list': undefined,
    'wrong-ca-list': [pki.pem.otherCa],
  };
  const renegotiation = scenario === 'renegotiation';
  const options: https.ServerOptions = {
    cert: pki.pem.server,
    key: pki.pem.serverKey,
    ca: caFor[scenario],
    requestCert: !renegotiation,
    rejectUnauthorized: false,
    minVersion: 'TLSv1.2',
    // IIS's default: TLS 1.2, and the certificate asked for only by renegotiation after the request.
    // Without these options OpenSSL resumes the session in the renegotiation and sends no
    // CertificateRequest (tls-probe-notes.md "Test servers that behave like the field").
    ...(renegotiation
      ? {
          maxVersion: 'TLSv1.2' as const,
          secureOptions: crypto.constants.SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION | crypto.constants.SSL_OP_NO_TICKET,
        }
      : {}),
  };
  const sockets = new Set<net.Socket>();
  const server = https.createServer(options, (req, res) => {
    const socket = req.socket as tls.TLSSocket;
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (!path.startsWith('/secure')) {
      respond(res, 200, `<!DOCTYPE html><html><body><h1>Certbench lab: ${escapeHtml(scenario)}</h1><p>${escapeHtml(describe)}</p><p><a href="/secure/">/secure/</a> needs the lab client certificate.</p></body></html>\n`);
      return;
    }
    const answer = () => {
      const subject = labClientSubject(socket, intermediate);
      if (subject) respond(res, 200, page200(subject, scenario));
      else respond(res, 403, PAGE_403_7);
    };
    if (!renegotiation || socket.getPeerX509Certificate()) {
      answer();
      return;
    }
    const ok = socket.renegotiate({ requestCert: true, rejectUnauthorized: false }, (err) => {
      if (err) {
        // The client refused to renegotiate (no_renegotiation) or the handshake failed: IIS answers 403.7 if it can.
        if (!socket.destroyed) respond(res, 403, PAGE_403_7);
        return;
      }
      answer();
    });
    if (!ok) respond(res, 403, PAGE_403_7);
  });
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  // A client that hangs up mid-handshake is normal in a lab that probes; do not let it throw.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: `https://127.0.0.1:${port}/secure/`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

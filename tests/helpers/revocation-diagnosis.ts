import crypto from 'node:crypto';
import http from 'node:http';
import type net from 'node:net';
import { issueCertificate, type LabCertificate } from '../../electron/services/lab/pki';
import { buildCrl, buildOcspResponse, certIdSerialHex, requestedCertIds } from '../../electron/services/lab/revocation-pki';
import { createRevocationService } from '../../electron/services/revocation/service';
import { quietWork } from '../../electron/services/work';
import { analyzeChains } from '../../shared/chain/analyze';
import { inspectFiles } from '../../shared/cert/inspect';
import { MAX_INPUT_FILE_BYTES } from '../../shared/contract';
import { DiagnoseReportSchema, REPORT_SCHEMA_VERSION, type DiagnoseReport } from '../../shared/model/diagnose';
import { EMPTY_SERVER_EVIDENCE } from '../../shared/model/server';
import { withRevocation } from '../../shared/revocation/apply';
import { revocationFindings } from '../../shared/revocation/findings';

/**
 * A Diagnose report whose client chain was really checked against CRL and OCSP responders on
 * 127.0.0.1, with distinctive names where real deployments put them: the CA's name in its CRL and
 * caIssuers paths as AD CS writes it ("Contoso%20Issuing%20CA.crl", "Revoke%20Proof%20Root.crt"), a
 * host name the client certificate names (dNSName) as the first path segment, certificate files
 * named after their subjects. The client is revoked (keyCompromise) by CRL and OCSP. Loopback
 * addresses are kept by redaction, so the names live in the paths. For the redaction proof
 * (vitest) and the bundle viewer (Playwright).
 */
export const REVOKE_PROOF = { host: 'WS-REVOKE-PROOF', dns: 'crl.revoke-proof.test', caName: 'Contoso Issuing CA' } as const;

interface Published {
  root?: LabCertificate;
  ca?: LabCertificate;
  revokedSerial?: string;
}

export interface RevocationDiagnosis {
  report: DiagnoseReport;
  close(): Promise<void>;
}

/** CRLs at /<dns>/<CA name>.crl (the issuing CA's lists the client as revoked) and OCSP at /<dns>/ocsp. */
async function startResponders(pub: Published): Promise<{ base: string; close(): Promise<void> }> {
  const { dns, caName } = REVOKE_PROOF;
  const now = Date.now();
  const window = { thisUpdate: new Date(now - 3_600_000), nextUpdate: new Date(now + 86_400_000) };
  const revokedAt = new Date(now - 7_200_000);
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    const reply = (type: string, body: Buffer) => {
      res.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length });
      res.end(body);
    };
    if (url === `/${dns}/${caName}.crl`) return reply('application/pkix-crl', buildCrl({ issuer: pub.ca!, entries: [{ serial: Buffer.from(pub.revokedSerial!, 'hex'), revokedAt, reason: 1 }], ...window }));
    if (url === `/${dns}/revoke-proof-root.crl`) return reply('application/pkix-crl', buildCrl({ issuer: pub.root!, ...window }));
    if (req.method === 'POST' && url === `/${dns}/ocsp`) {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const answers = requestedCertIds(Buffer.concat(chunks)).map((certId) => ({ certId, answer: certIdSerialHex(certId) === pub.revokedSerial ? { status: 'revoked' as const, revokedAt, reason: 1 } : { status: 'unknown' as const } }));
        reply('application/ocsp-response', buildOcspResponse({ ca: pub.ca!, answers, ...window }));
      });
      return;
    }
    res.writeHead(404, { 'Content-Length': 0 });
    res.end();
  });
  server.on('connection', (s: net.Socket) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
  return { base: `http://127.0.0.1:${port}/${dns}`, close: () => new Promise((resolve) => (sockets.forEach((s) => s.destroy()), server.close(() => resolve()))) };
}

function issue(base: string, pub: Published): LabCertificate {
  const { dns, caName } = REVOKE_PROOF;
  pub.root = issueCertificate({ subject: [['O', 'Revoke Proof Corp'], ['CN', 'Revoke Proof Root']], ca: true, keyAlgorithm: 'ec-p256' });
  pub.ca = issueCertificate({ subject: [['O', 'Revoke Proof Corp'], ['CN', caName]], issuer: pub.root, ca: true, keyAlgorithm: 'ec-p256', crlUrls: [`${base}/revoke-proof-root.crl`], caIssuersUrls: [`${base}/Revoke%20Proof%20Root.crt`] });
  const client = issueCertificate({
    subject: [['O', 'Revoke Proof Corp'], ['CN', 'dana.revokeproof']],
    issuer: pub.ca,
    eku: ['clientAuth'],
    dnsNames: [dns],
    keyAlgorithm: 'ec-p256',
    crlUrls: [`${base}/${encodeURIComponent(caName)}.crl`],
    ocspUrls: [`${base}/ocsp`],
    caIssuersUrls: [`${base}/${encodeURIComponent(caName)}.crt`],
  });
  pub.revokedSerial = new crypto.X509Certificate(client.der).serialNumber.replace(/^(00)+(?=.)/, '').toUpperCase();
  return client;
}

/** Start the responders, issue the chain, check it, and make the report (the responders stay up until close). */
export async function revocationDiagnosis(): Promise<RevocationDiagnosis> {
  const host = REVOKE_PROOF.host;
  const pub: Published = {};
  const responders = await startResponders(pub);
  const client = issue(responders.base, pub);
  const at = new Date();
  const [inspected] = await inspectFiles([{ name: 'dana-revokeproof.pem', bytes: new Uint8Array(Buffer.from(client.pem)) }], at, MAX_INPUT_FILE_BYTES);
  const summary = inspected!.certificates[0]!;
  const items = [
    { der: new Uint8Array(client.der), source: 'dana-revokeproof.pem', trusted: false },
    { der: new Uint8Array(pub.ca!.der), source: 'contoso-issuing-ca.pem', trusted: false },
    { der: new Uint8Array(pub.root!.der), source: 'revoke-proof-root.pem', trusted: true },
  ];
  const analyzed = (await analyzeChains(items, [{ thumbprint: summary.thumbprintSha1, key: { status: 'present', detail: 'dana.key' } }], at)).results[0]!;
  const answers = await createRevocationService().checkPath(analyzed.chain.best, { at, timeoutMs: 5000 }, quietWork());
  const checked = withRevocation({ chain: analyzed.chain, verdict: analyzed.verdict }, answers);
  const findings = revocationFindings(checked.chain.best.links).map((f, i) => ({ ...f, rank: i + 1, likelihood: 'root-cause' as const, why: 'ranked for this test', area: 'certificate' as const }));
  const report = DiagnoseReportSchema.parse({
    schemaVersion: REPORT_SCHEMA_VERSION,
    createdAt: at.toISOString(),
    host,
    platform: process.platform,
    appVersion: 'test',
    request: { url: null, certificate: 'dana-revokeproof.pem', identity: null, attachments: [] },
    summary: `On ${host}: the certificate of dana.revokeproof is ${checked.chain.best.links[0]!.revocation!.text}.`,
    steps: [{ name: 'revocation', status: 'done', note: checked.chain.best.links.map((l) => `${l.commonName ?? l.subject}: ${l.revocation?.text ?? 'not checked'}`).join('; '), durationMs: 1 }],
    findings,
    fixes: [],
    probes: [],
    certificate: { source: 'dana-revokeproof.pem', summary, chain: checked.chain, verdict: checked.verdict, chainPem: [client.pem, pub.ca!.pem, pub.root!.pem] },
    key: null,
    stores: null,
    server: EMPTY_SERVER_EVIDENCE,
  });
  return { report, close: responders.close };
}

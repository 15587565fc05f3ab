import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueCertificate, type LabCertificate } from '../../electron/services/lab/pki';
import { buildCrl, buildOcspResponse, certIdSerialHex, requestedCertIds } from '../../electron/services/lab/revocation-pki';
import { createRevocationService } from '../../electron/services/revocation/service';
import type { Services } from '../../electron/services/services';
import { quietWork } from '../../electron/services/work';
import { analyzeChains } from '../../shared/chain/analyze';
import { inspectFiles } from '../../shared/cert/inspect';
import { MAX_INPUT_FILE_BYTES } from '../../shared/contract';
import { DiagnoseReportSchema, REPORT_SCHEMA_VERSION, type DiagnoseReport } from '../../shared/model/diagnose';
import { EMPTY_SERVER_EVIDENCE } from '../../shared/model/server';
import { withRevocation } from '../../shared/revocation/apply';
import { revocationFindings } from '../../shared/revocation/findings';
import { testServices } from '../helpers/services';

/**
 * A Diagnose whose client chain was really checked against CRL and OCSP responders carries each
 * link's revocation answer in its bundle; redacted, that bundle holds none of the names the answers
 * and their addresses carried: the CA's name written in a CRL path the way AD CS writes it
 * ("Contoso%20Issuing%20CA.crl"), a host name the certificate names, the client's subject. The
 * responders listen on 127.0.0.1 (loopback addresses are kept by redaction: they identify nothing),
 * so the names live in the URL paths, as they do on real CRL distribution points.
 */
const HOST = 'WS-REVOKE-PROOF';
const DNS = 'crl.revoke-proof.test';
const CA_NAME = 'Contoso Issuing CA';
const ctx = () => ({ progress: () => undefined, signal: new AbortController().signal });

interface Responders {
  base: string;
  close(): Promise<void>;
}

/** CRLs at /<dns>/<CA name>.crl (the issuing CA's lists the client as revoked) and OCSP at /<dns>/ocsp. */
async function startResponders(pub: { root?: LabCertificate; ca?: LabCertificate; revokedSerial?: string }): Promise<Responders> {
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
    if (url === `/${DNS}/${CA_NAME}.crl`) return reply('application/pkix-crl', buildCrl({ issuer: pub.ca!, entries: [{ serial: Buffer.from(pub.revokedSerial!, 'hex'), revokedAt, reason: 1 }], ...window }));
    if (url === `/${DNS}/revoke-proof-root.crl`) return reply('application/pkix-crl', buildCrl({ issuer: pub.root!, ...window }));
    if (req.method === 'POST' && url === `/${DNS}/ocsp`) {
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
  return { base: `http://127.0.0.1:${port}/${DNS}`, close: () => new Promise((resolve) => (sockets.forEach((s) => s.destroy()), server.close(() => resolve()))) };
}

describe('a redacted bundle of a Diagnose with revocation checked', () => {
  let tmp: string;
  let services: Services;
  let responders: Responders;
  let report: DiagnoseReport;
  let zip: Record<string, Uint8Array>;
  let all: string;
  let out: string;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-revocation-redaction-'));
    services = testServices({ ...process.env, CERTBENCH_DATA_DIR: path.join(tmp, 'data'), HOME: tmp });
    const pub: { root?: LabCertificate; ca?: LabCertificate; revokedSerial?: string } = {};
    responders = await startResponders(pub);
    const base = responders.base;
    pub.root = issueCertificate({ subject: [['O', 'Revoke Proof Corp'], ['CN', 'Revoke Proof Root']], ca: true, keyAlgorithm: 'ec-p256' });
    pub.ca = issueCertificate({
      subject: [['O', 'Revoke Proof Corp'], ['CN', CA_NAME]],
      issuer: pub.root,
      ca: true,
      keyAlgorithm: 'ec-p256',
      crlUrls: [`${base}/revoke-proof-root.crl`],
      caIssuersUrls: [`${base}/Revoke%20Proof%20Root.crt`],
    });
    const client = issueCertificate({
      subject: [['O', 'Revoke Proof Corp'], ['CN', 'dana.revokeproof']],
      issuer: pub.ca,
      eku: ['clientAuth'],
      dnsNames: [DNS],
      keyAlgorithm: 'ec-p256',
      crlUrls: [`${base}/${encodeURIComponent(CA_NAME)}.crl`],
      ocspUrls: [`${base}/ocsp`],
      caIssuersUrls: [`${base}/${encodeURIComponent(CA_NAME)}.crt`],
    });
    pub.revokedSerial = new (await import('node:crypto')).X509Certificate(client.der).serialNumber.replace(/^(00)+(?=.)/, '').toUpperCase();

    const at = new Date();
    const [inspected] = await inspectFiles([{ name: 'dana-revokeproof.pem', bytes: new Uint8Array(Buffer.from(client.pem)) }], at, MAX_INPUT_FILE_BYTES);
    const summary = inspected!.certificates[0]!;
    const items = [
      { der: new Uint8Array(client.der), source: 'dana-revokeproof.pem', trusted: false },
      { der: new Uint8Array(pub.ca.der), source: 'contoso-issuing-ca.pem', trusted: false },
      { der: new Uint8Array(pub.root.der), source: 'revoke-proof-root.pem', trusted: true },
    ];
    const analyzed = (await analyzeChains(items, [{ thumbprint: summary.thumbprintSha1, key: { status: 'present', detail: 'dana.key' } }], at)).results[0]!;
    const answers = await createRevocationService().checkPath(analyzed.chain.best, { at, timeoutMs: 5000 }, quietWork());
    const checked = withRevocation({ chain: analyzed.chain, verdict: analyzed.verdict }, answers);
    const findings = revocationFindings(checked.chain.best.links).map((f, i) => ({ ...f, rank: i + 1, likelihood: 'root-cause' as const, why: 'ranked for this test', area: 'certificate' as const }));
    report = DiagnoseReportSchema.parse({
      schemaVersion: REPORT_SCHEMA_VERSION,
      createdAt: at.toISOString(),
      host: HOST,
      platform: process.platform,
      appVersion: 'test',
      request: { url: null, certificate: 'dana-revokeproof.pem', identity: null, attachments: [] },
      summary: `On ${HOST}: the certificate of dana.revokeproof is ${checked.chain.best.links[0]!.revocation!.text}.`,
      steps: [{ name: 'revocation', status: 'done', note: checked.chain.best.links.map((l) => `${l.commonName ?? l.subject}: ${l.revocation?.text ?? 'not checked'}`).join('; '), durationMs: 1 }],
      findings,
      fixes: [],
      probes: [],
      certificate: { source: 'dana-revokeproof.pem', summary, chain: checked.chain, verdict: checked.verdict, chainPem: [client.pem, pub.ca.pem, pub.root.pem] },
      key: null,
      stores: null,
      server: EMPTY_SERVER_EVIDENCE,
    });
    out = path.join(tmp, 'redacted.zip');
    await services.bundles.export({ report, redact: ['hosts', 'accounts', 'ips', 'subjects'], includeStores: false, out }, ctx(), { hostname: HOST });
    zip = unzipSync(new Uint8Array(fs.readFileSync(out)));
    all = Object.keys(zip)
      .map((n) => `${n}\n${Buffer.from(zip[n]!).toString('utf8')}`)
      .join('\n');
  }, 60_000);

  afterAll(async () => {
    await responders?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('the unredacted diagnosis really was checked: revoked per the CA\'s CRL or OCSP, its addresses naming the CA and the host', () => {
    const [leaf, ca, root] = report.certificate!.chain!.best.links.map((l) => l.revocation!);
    expect(leaf!.status).toBe('revoked');
    expect(leaf!.text).toMatch(/^revoked on .* \(keyCompromise\) per (OCSP|CRL) http:\/\/127\.0\.0\.1:\d+\/crl\.revoke-proof\.test\//);
    expect(leaf!.addresses.crl[0]).toContain('Contoso%20Issuing%20CA.crl');
    expect(leaf!.addresses.caIssuers[0]).toContain('Contoso%20Issuing%20CA.crt');
    expect(leaf!.sources.length).toBeGreaterThan(0);
    expect(ca!.status).toBe('good');
    expect(root!.status).toBe('not-checked');
  });

  it('carries each link\'s answer (state, addresses, outcome, dates, sizes) and never the CRL or OCSP bytes', () => {
    const rep = JSON.parse(Buffer.from(zip['report.json']!).toString('utf8')) as DiagnoseReport;
    const links = rep.certificate!.chain!.best.links;
    expect(links.map((l) => l.revocation?.status)).toEqual(['revoked', 'good', 'not-checked']);
    const leaf = links[0]!.revocation!;
    expect(leaf.sources.every((s) => s.bytes !== null && s.bytes > 0 && s.thisUpdate !== null && s.nextUpdate !== null)).toBe(true);
    expect(leaf.addresses.crl).toHaveLength(1);
    expect(leaf.addresses.ocsp).toHaveLength(1);
    expect(JSON.stringify(rep)).not.toMatch(/crlBase64|ocspBase64|"der(?:Base64)?":"M/);
  });

  it('holds no original: not the host name, not the CA\'s name (plain or percent-encoded), not the client', () => {
    expect(all).not.toMatch(/revoke-proof|revokeproof/i);
    expect(all).not.toMatch(/Contoso/i);
    expect(all).not.toContain(HOST);
    // The responders' loopback addresses stay, so the answer still says where it was read.
    expect(all).toMatch(/per (OCSP|CRL) http:\/\/127\.0\.0\.1:\d+\/host-\d+\.example\//);
  });

  it('says each link\'s answer in words in report.html and certificate/chain.txt, the words of the answer itself', () => {
    const rep = JSON.parse(Buffer.from(zip['report.json']!).toString('utf8')) as DiagnoseReport;
    const [leaf, ca, root] = rep.certificate!.chain!.best.links.map((l) => l.revocation!.text);
    const html = Buffer.from(zip['report.html']!).toString('utf8');
    expect(html).toContain('<th>Revocation</th>');
    const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
    expect(html).toContain(`<span class="status-fail">${esc(leaf!.charAt(0).toUpperCase() + leaf!.slice(1))}</span>`);
    expect(html).toContain(`<span class="status-ok">Good per CRL http://127.0.0.1:`);
    const text = Buffer.from(zip['certificate/chain.txt']!).toString('utf8');
    for (const t of [leaf, ca, root]) expect(text).toContain(`revocation: ${t}`);
    expect(text).toMatch(/^== Chain \(invalid\)\n {2}\[FAIL\] Subject \d+ {2}\(leaf, [0-9A-F]{40}, from file-\d+\.pem\)/);
  });

  it('opens in the app with the revocation answers, redacted', async () => {
    const opened = await services.bundles.open({ name: 'redacted.zip', path: out }, quietWork());
    const links = opened.report.certificate!.chain!.best.links;
    expect(links[0]!.revocation!.status).toBe('revoked');
    expect(links[0]!.revocation!.text).toMatch(/^revoked on .* per (OCSP|CRL) http:\/\/127\.0\.0\.1:\d+\/host-\d+\.example\//);
    expect(JSON.stringify(opened.report)).not.toMatch(/Contoso|revoke-?proof/i);
    expect(opened.ignored).toEqual([]);
  });
});

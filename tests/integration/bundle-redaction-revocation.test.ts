import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../electron/services/services';
import { quietWork } from '../../electron/services/work';
import type { DiagnoseReport } from '../../shared/model/diagnose';
import { revocationDiagnosis, REVOKE_PROOF, type RevocationDiagnosis } from '../helpers/revocation-diagnosis';
import { testServices } from '../helpers/services';

/**
 * A Diagnose whose client chain was really checked against CRL and OCSP responders carries each
 * link's revocation answer in its bundle; redacted, that bundle holds none of the names the answers
 * and their addresses carried: the CA's name written in a CRL path the way AD CS writes it
 * ("Contoso%20Issuing%20CA.crl"), a host name the certificate names, the client's subject. The
 * responders listen on 127.0.0.1 (loopback addresses are kept by redaction: they identify nothing),
 * so the names live in the URL paths, as they do on real CRL distribution points.
 */
const HOST = REVOKE_PROOF.host;
const ctx = () => ({ progress: () => undefined, signal: new AbortController().signal });

describe('a redacted bundle of a Diagnose with revocation checked', () => {
  let tmp: string;
  let services: Services;
  let diagnosis: RevocationDiagnosis;
  let report: DiagnoseReport;
  let zip: Record<string, Uint8Array>;
  let all: string;
  let out: string;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-revocation-redaction-'));
    services = testServices({ ...process.env, CERTBENCH_DATA_DIR: path.join(tmp, 'data'), HOME: tmp });
    diagnosis = await revocationDiagnosis();
    report = diagnosis.report;
    out = path.join(tmp, 'redacted.zip');
    await services.bundles.export({ report, redact: ['hosts', 'accounts', 'ips', 'subjects'], includeStores: false, out }, ctx(), { hostname: HOST });
    zip = unzipSync(new Uint8Array(fs.readFileSync(out)));
    all = Object.keys(zip)
      .map((n) => `${n}\n${Buffer.from(zip[n]!).toString('utf8')}`)
      .join('\n');
  }, 60_000);

  afterAll(async () => {
    await diagnosis?.close();
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

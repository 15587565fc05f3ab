import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeChains } from '../../shared/chain/analyze';
import { inspectFiles } from '../../shared/cert/inspect';
import { MAX_INPUT_FILE_BYTES } from '../../shared/contract';
import { finding } from '../../shared/findings/catalogue';
import { fixesFor } from '../../shared/fixes';
import { DiagnoseReportSchema, REPORT_SCHEMA_VERSION, type DiagnoseReport, type RankedFinding } from '../../shared/model/diagnose';
import { EMPTY_SERVER_EVIDENCE } from '../../shared/model/server';
import type { Services } from '../../electron/services/services';
import { testServices } from '../helpers/services';
import { OpensslPki, requireOpenssl, type Issued } from '../helpers/openssl-pki';

/**
 * Redaction that redacts: a bundle exported with every redaction carries none of the
 * originals it replaced (the machine's name, IIS site names, a CA's subject and its certificate, the
 * client's subject), in any entry name, any byte, or any base64 inside; the export proves it and
 * refuses when something slips through.
 */
const missing = requireOpenssl();
if (missing && process.env.CI === 'true') throw new Error(missing);

const ctx = () => ({ progress: () => undefined, signal: new AbortController().signal });
const ALL = ['hosts', 'accounts', 'ips', 'subjects'] as const;
const HOST = 'WS-HELPDESK-17';

function ranked(f: ReturnType<typeof finding>, rank: number, area: RankedFinding['area']): RankedFinding {
  return { ...f, rank, likelihood: rank === 1 ? 'root-cause' : 'contributing', why: `ranked ${rank} for this test`, area };
}

describe.skipIf(missing !== null)('redacted bundles hold no original, proven by a scan of every entry', () => {
  let tmp: string;
  let services: Services;
  let pki: OpensslPki;
  let ca: Issued;
  let report: DiagnoseReport;
  let names: string[];
  let zip: Record<string, Uint8Array>;
  let all: string;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-redaction-'));
    services = testServices({ ...process.env, CERTBENCH_DATA_DIR: path.join(tmp, 'data'), HOME: tmp });
    pki = new OpensslPki();
    const root = pki.issue('root', { subject: '/O=Fabrikam/CN=Fabrikam Root', extensions: ['basicConstraints = critical, CA:true', 'keyUsage = critical, keyCertSign, cRLSign'] });
    ca = pki.issue('ca', { subject: '/O=Fabrikam/CN=Fabrikam Issuing CA', issuer: root, extensions: ['basicConstraints = critical, CA:true, pathlen:0', 'keyUsage = critical, keyCertSign, cRLSign'] });
    // A client whose CN looks like a host name but is a person: it must read as a subject, not a host.
    const client = pki.issue('client', { subject: '/O=Fabrikam/CN=alice.smith.fabrikam', issuer: ca, extensions: ['extendedKeyUsage = clientAuth', 'keyUsage = critical, digitalSignature'] });

    const at = new Date();
    const [inspected] = await inspectFiles([{ name: 'client.pem', bytes: new Uint8Array(fs.readFileSync(client.pemPath)) }], at, MAX_INPUT_FILE_BYTES);
    const summary = inspected!.certificates[0]!;
    const analyzed = (await analyzeChains([{ der: new Uint8Array(fs.readFileSync(client.derPath)), source: 'client.pem', trusted: false }], [{ thumbprint: summary.thumbprintSha1, key: { status: 'present', detail: 'client.key' } }], at)).results[0]!;
    const caSubject = pki.facts(ca.pemPath).subject;
    const findings = [
      ranked(finding('chain.incomplete', `The issuer ${caSubject} is missing`, 'The chain stops.', [{ kind: 'certificate', text: caSubject }], { params: { issuer: caSubject, issuerKind: 'intermediate', certificatePem: ca.certPem } }), 1, 'certificate'),
      ranked(finding('iis.ssl-flags-not-requiring-cert', 'ShopFront/api does not require a certificate', 'sslFlags at ShopFront/api lack SslNegotiateCert.', [{ kind: 'iis', text: 'ShopFront/api sslFlags="Ssl"' }], { params: { location: 'ShopFront/api', site: 'ShopFront', application: '/api', serverSoftware: 'iis' } }), 2, 'server'),
      // Two key files of the same name: two fixes with the same label.
      ranked(finding('key.identity-cannot-read', 'svc-shop cannot read the key', 'svc-shop cannot read /srv/a/client.key.', [{ kind: 'key file', text: '/srv/a/client.key' }], { params: { keyPath: '/srv/a/client.key', identity: 'svc-shop' } }), 3, 'key'),
      ranked(finding('key.identity-cannot-read', 'svc-shop cannot read the key', 'svc-shop cannot read /srv/b/client.key.', [{ kind: 'key file', text: '/srv/b/client.key' }], { params: { keyPath: '/srv/b/client.key', identity: 'svc-shop' } }), 4, 'key'),
    ];
    report = DiagnoseReportSchema.parse({
      schemaVersion: REPORT_SCHEMA_VERSION,
      createdAt: at.toISOString(),
      host: HOST,
      platform: process.platform,
      appVersion: 'test',
      request: { url: null, certificate: 'client.pem', identity: 'svc-shop', attachments: [] },
      summary: `On ${HOST}: the chain of alice.smith.fabrikam is incomplete.`,
      steps: [{ name: 'certificate', status: 'done', note: `checked on ${HOST}`, durationMs: 1 }],
      findings,
      fixes: fixesFor(findings, ['bash', 'powershell']).fixes,
      probes: [],
      certificate: { source: 'client.pem', summary, chain: analyzed.chain, verdict: analyzed.verdict, chainPem: [client.certPem, ca.certPem] },
      key: null,
      stores: null,
      server: EMPTY_SERVER_EVIDENCE,
    });
    // The unredacted report really carries what must go: the CA's certificate inside a script, the site in a file name.
    expect(report.fixes.some((f) => f.script.includes(fs.readFileSync(ca.derPath).toString('base64')))).toBe(true);
    expect(report.fixes.some((f) => f.fileName.includes('ShopFront'))).toBe(true);

    const out = path.join(tmp, 'redacted.zip');
    await services.bundles.export({ report, redact: [...ALL], includeStores: false, out }, ctx(), { hostname: HOST });
    zip = unzipSync(new Uint8Array(fs.readFileSync(out)));
    names = Object.keys(zip);
    all = names.map((n) => `${n}\n${Buffer.from(zip[n]!).toString('utf8')}`).join('\n');
  });

  afterAll(() => {
    pki?.cleanup();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('leaves the machine name out of manifest.json, report.html and every other entry', () => {
    expect(all).not.toMatch(new RegExp(HOST, 'i'));
    const manifest = JSON.parse(Buffer.from(zip['manifest.json']!).toString('utf8')) as { host: string };
    expect(manifest.host).toMatch(/^host-\d+$/);
  });

  it('gives IIS sites a site pseudonym, in file names too, and the client a subject pseudonym, not a host one', () => {
    expect(all).not.toContain('ShopFront');
    expect(names.some((n) => /^fixes\/.*site-\d+.*\.ps1$/.test(n))).toBe(true);
    const rep = JSON.parse(Buffer.from(zip['report.json']!).toString('utf8')) as DiagnoseReport;
    expect(rep.certificate?.summary.subject.commonName).toMatch(/^Subject \d+$/);
    expect(all).not.toMatch(/alice\.smith/i);
  });

  it('carries no CA subject or CA certificate inside a fix script, and says which fix it left out and why', () => {
    expect(all).not.toMatch(/Fabrikam/i);
    const der = fs.readFileSync(ca.derPath);
    for (const n of names) expect(Buffer.from(zip[n]!).includes(der.subarray(der.length - 32)), n).toBe(false);
    expect(all).not.toContain(der.toString('base64').slice(100, 160));
    const manifest = JSON.parse(Buffer.from(zip['manifest.json']!).toString('utf8')) as { collected: string[] };
    expect(manifest.collected.join('\n')).toMatch(/fix scripts left out: store\.import-intermediate would carry a certificate/);
  });

  it('numbers two scripts of the same name before the extension, so PowerShell still runs them', () => {
    const scripts = names.filter((n) => n.startsWith('fixes/'));
    expect(scripts.every((n) => /\.(ps1|sh)$/.test(n)), scripts.join(', ')).toBe(true);
    expect(scripts.some((n) => /-2\.(ps1|sh)$/.test(n))).toBe(true);
    expect(scripts.some((n) => /-2-undo\.(ps1|sh)$/.test(n))).toBe(true);
  });

  it('refuses the export, naming the entry, when an original slips through (a certificate as bare base64 in a command output)', async () => {
    // certutil-like output: the certificate's base64 without PEM armour, which text redaction cannot see.
    await services.deps.runner.run('printf', ['%s\\n', fs.readFileSync(ca.derPath).toString('base64')], { timeoutMs: 5000 });
    const out = path.join(tmp, 'leaky.zip');
    const err = await services.bundles.export({ report, redact: [...ALL], includeStores: false, out }, ctx(), { hostname: HOST }).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/^bundle not written: redaction failed: commands\/[^:]+: still holds the DER of a certificate the export left out/);
    expect(fs.existsSync(out)).toBe(false);
  });
});

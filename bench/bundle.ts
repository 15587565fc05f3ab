import fs from 'node:fs';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { summarizeCertificate } from '../shared/cert/summarize';
import { REPORT_SCHEMA_VERSION, type DiagnoseReport } from '../shared/model/diagnose';
import type { ProbeResult } from '../shared/model/probe';
import { EMPTY_SERVER_EVIDENCE } from '../shared/model/server';
import type { StoreCertificate } from '../shared/model/store';
import { createServices, machineDeps } from '../electron/services/services';
import { openBundle } from '../electron/services/bundle/open';
import { issueCertificate } from '../electron/services/lab/pki';
import { runProbe } from '../electron/services/probe/probe';
import { generateCertificates } from './generate';
import { median, round, type BenchResult } from './result';

/**
 * The target: "a bundle of 2,000 certificates and 10 probes exports in under 2 s here". The listing is
 * 2,000 distinct generated certificates (bench/generate.ts) as one folder store; the probes are one
 * real probe of a local node:tls server asking for a client certificate in the handshake, recorded
 * once and reused ten times. Baselines, measured in the same run on the same files: zipping them
 * with fflate alone (same level) and writing the zip, for export; fflate's unzipSync of the same zip,
 * for open. The ratio says what collecting, rendering, the key-material scan, hashing and the
 * bounded reading cost on top.
 */


/** One real probe of a local node:tls server that asks for a client certificate in the handshake. */
async function recordProbe(): Promise<ProbeResult> {
  const root = issueCertificate({ subject: [['O', 'Certbench Bench'], ['CN', 'Bench Root']], ca: true });
  const leaf = issueCertificate({ subject: [['CN', 'localhost']], issuer: root, eku: ['serverAuth'], dnsNames: ['localhost'] });
  const server = tls.createServer({ cert: leaf.pem + root.pem, key: leaf.keyPem, ca: [root.pem], requestCert: true, rejectUnauthorized: false }, (s) => {
    s.on('error', () => undefined);
    s.once('data', () => s.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  try {
    const port = (server.address() as net.AddressInfo).port;
    return await runProbe({ url: `https://localhost:${port}/secure/`, tls: 'both', timeoutMs: 20_000, knownCertificates: [root.der] });
  } finally {
    server.close();
  }
}

export async function benchBundle(progress: (m: string) => void, certificates = 2000, probes = 10, rounds = 5): Promise<BenchResult[]> {
  progress(`bundle: generating ${certificates} certificates and recording a probe...`);
  const at = new Date();
  const ders = await generateCertificates(certificates);
  const listed: StoreCertificate[] = [];
  for (const [i, der] of ders.entries()) {
    listed.push({
      storeId: 'folder:/srv/bench/certs',
      friendlyName: null,
      summary: await summarizeCertificate(`client-${i}.pem`, der, at),
      key: { status: 'none', provider: null, providerKind: null, container: null, uniqueName: null, path: null, exportable: null, detail: null },
      file: `/srv/bench/certs/client-${i}.pem`,
    });
  }
  const listing = {
    listedAt: at.toISOString(),
    stores: [{ id: 'folder:/srv/bench/certs', kind: 'folder' as const, role: 'personal' as const, label: 'Bench certificates', location: '/srv/bench/certs', trusted: false, certificateCount: certificates, error: null }],
    certificates: listed,
  };
  const probe = await recordProbe();
  const report: DiagnoseReport = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    createdAt: at.toISOString(),
    host: os.hostname(),
    platform: process.platform,
    appVersion: 'bench',
    request: { url: 'https://localhost/secure/', certificate: null, identity: null, attachments: [] },
    summary: probe.summary ?? 'bench',
    steps: [],
    findings: probe.findings.map((f, i) => ({ ...f, rank: i + 1, likelihood: 'likely' as const, why: 'bench', area: 'probe' as const })),
    fixes: [],
    probes: Array.from({ length: probes }, (_, i) => ({ ...probe, target: { ...probe.target, path: `/app-${i + 1}/` } })),
    certificate: null,
    key: null,
    stores: null,
    server: EMPTY_SERVER_EVIDENCE,
  };

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-bench-bundle-'));
  const ctx = { progress: () => undefined, signal: new AbortController().signal };
  try {
    const out = path.join(dir, 'bench.zip');
    const services = createServices(machineDeps());
    // The same file each round, replaced as a user who asked to replace it would.
    const run = () => services.bundles.export({ report, redact: [], includeStores: true, out, overwrite: true }, ctx, { listing });
    await run(); // warm: JIT, page cache
    progress(`bundle: exporting ${rounds} times (${certificates} certificates, ${probes} probes) and zipping the same files with fflate alone...`);
    const files = unzipSync(new Uint8Array(fs.readFileSync(out)));
    const ours: number[] = [];
    const theirs: number[] = [];
    const opens: number[] = [];
    const unzips: number[] = [];
    let bytes = 0;
    for (let i = 0; i < rounds; i++) {
      let t = performance.now();
      bytes = (await run()).bytes;
      ours.push(performance.now() - t);
      t = performance.now();
      const z: Zippable = {};
      for (const [name, b] of Object.entries(files)) z[name] = [b, { level: b.length > 1024 ? 6 : 0, mtime: at }];
      fs.writeFileSync(path.join(dir, 'baseline.zip'), zipSync(z));
      theirs.push(performance.now() - t);
      t = performance.now();
      const opened = await openBundle({ name: 'bench.zip', path: out }, ctx);
      if (opened.storeCertificates.length !== certificates || opened.report.probes.length !== probes) throw new Error('bundle bench: the bundle did not open to what was exported');
      opens.push(performance.now() - t);
      t = performance.now();
      unzipSync(new Uint8Array(fs.readFileSync(out)));
      unzips.push(performance.now() - t);
    }
    const [a, b, c, d] = [median(ours), median(theirs), median(opens), median(unzips)];
    return [
      {
        name: 'bundle.export',
        value: Math.round(a),
        unit: `ms median of ${rounds}: ${certificates} certificates + ${probes} probes, ${Object.keys(files).length} files, ${(bytes / 1024 / 1024).toFixed(1)} MB zip (collect, render, key scan, hash, zip, atomic write)`,
        baseline: 'fflate zipSync of the same files at the same level, written to disk',
        baselineValue: Math.round(b),
        ratio: round(a / b),
        target: '< 2000 ms',
      },
      {
        name: 'bundle.open',
        value: Math.round(c),
        unit: `ms median of ${rounds}: bounded zip reading, CRC and SHA-256 of every file, report and listing validated`,
        baseline: 'fflate unzipSync of the same zip (no bounds, no checks)',
        baselineValue: Math.round(d),
        ratio: round(c / d),
        target: 'reference only',
      },
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

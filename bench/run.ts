import { X509Certificate } from 'node:crypto';
import { summarizeCertificate } from '../shared/cert/summarize';
import { toPem } from '../shared/cert/containers/text';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateCertificates, generateHierarchy } from './generate';
import { fuzz } from './fuzz';
import { CertPool } from '../shared/chain/pool';
import { buildChain } from '../shared/chain/build';
// The main process verifies signatures with node:crypto (electron/services/node-verify.ts): so does the bench.
import '../electron/services/node-verify';
import { benchProbe } from './probe';
import { benchBundle } from './bundle';
import { benchLog } from './log';
import { benchCli } from './cli';
import { round, type BenchResult } from './result';

/**
 * `npm run bench [-- --json] [-- --count N]`: each benchmark is a ratio against a baseline measured
 * in the same run on the same inputs (developers' guide), printed as one JSON object per line with
 * --json: { name, value, unit, baseline, baselineValue, ratio, target, note? }.
 */

const args = process.argv.slice(2);
const json = args.includes('--json');
const countArg = args.indexOf('--count');
const count = countArg >= 0 ? Number(args[countArg + 1]) : 10_000; // 10,000 distinct certificates by default

function progress(message: string): void {
  if (!json || process.stderr.isTTY) process.stderr.write(`${message}\n`);
}

async function timePerItem(items: Uint8Array[], fn: (der: Uint8Array) => unknown | Promise<unknown>, rounds = 3): Promise<number> {
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const started = performance.now();
    for (const der of items) await fn(der);
    best = Math.min(best, (performance.now() - started) / items.length);
  }
  return best * 1000; // microseconds per item
}

async function benchInspect(): Promise<BenchResult> {
  progress(`generating ${count} distinct certificates...`);
  const ders = await generateCertificates(count);
  const at = new Date();
  progress('measuring Node native X509Certificate (baseline) and Certbench inspect...');
  // Warm both paths so JIT compilation is not billed to either side.
  for (const der of ders.slice(0, 200)) {
    await summarizeCertificate('warm', der, at);
    void new X509Certificate(der).fingerprint256;
  }
  const native = await timePerItem(ders, (der) => {
    const x = new X509Certificate(der);
    // The same facts the summary holds: names, dates, serial, both fingerprints, SANs, key.
    return [x.subject, x.issuer, x.validFrom, x.validTo, x.serialNumber, x.fingerprint, x.fingerprint256, x.subjectAltName, x.keyUsage, x.publicKey.asymmetricKeyType];
  });
  const ours = await timePerItem(ders, (der) => summarizeCertificate('bench', der, at));
  return {
    name: 'inspect.parse-and-model',
    value: round(ours),
    unit: 'µs/certificate',
    baseline: 'node:crypto X509Certificate (parse + fingerprints + fields)',
    baselineValue: round(native),
    ratio: round(ours / native),
    target: '<= 2 (issue 3)',
  };
}

/**
 * Build and validate chains for 1,000 leaves over a pool of 10,000 certificates. Baseline:
 * `openssl verify` checking the same leaves against the same roots and intermediates in one process.
 */
async function benchChains(): Promise<BenchResult> {
  const leaves = Math.min(1000, count);
  const poolSize = Math.max(count, 10_000);
  progress(`generating a pool of ${poolSize} certificates (5 roots, 50 intermediates, leaves)...`);
  const h = await generateHierarchy({ roots: 5, intermediatesPerRoot: 10, leaves: poolSize - 55 });
  const targets = h.leaves.slice(0, leaves);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-bench-'));
  const pem = (ders: Uint8Array[]) =>
    ders.map((d) => toPem('CERTIFICATE', d)).join('');
  fs.writeFileSync(path.join(dir, 'roots.pem'), pem(h.roots));
  fs.writeFileSync(path.join(dir, 'inter.pem'), pem(h.intermediates));
  const leafFiles = targets.map((d, i) => {
    const f = path.join(dir, `leaf-${i}.pem`);
    fs.writeFileSync(f, pem([d]));
    return f;
  });
  progress('measuring openssl verify (baseline)...');
  let started = performance.now();
  execFileSync('openssl', ['verify', '-CAfile', path.join(dir, 'roots.pem'), '-untrusted', path.join(dir, 'inter.pem'), ...leafFiles], { stdio: 'pipe', maxBuffer: 64 << 20 });
  const opensslMs = performance.now() - started;
  fs.rmSync(dir, { recursive: true, force: true });

  progress('measuring Certbench chain building (pool load included)...');
  started = performance.now();
  const pool = new CertPool();
  for (const d of h.roots) pool.add(d, 'Root store', true);
  for (const d of h.intermediates) pool.add(d, 'CA store');
  const entries = h.leaves.map((d) => pool.add(d, 'files'));
  let valid = 0;
  for (const e of entries.slice(0, leaves)) {
    const r = await buildChain(pool, e, { at: new Date(), purpose: 'client-auth' });
    if (r.best.status === 'valid') valid++;
  }
  const oursMs = performance.now() - started;
  if (valid !== leaves) throw new Error(`only ${valid} of ${leaves} chains validated`);
  return {
    name: 'chain.build-and-validate',
    value: Math.round(oursMs),
    unit: `ms for ${leaves} leaves over ${pool.size} certificates`,
    baseline: 'openssl verify, same leaves, roots and intermediates, one process',
    baselineValue: Math.round(opensslMs),
    ratio: round(oursMs / opensslMs),
    target: '< 1000 ms (issue 3)',
  };
}

/** 100,000 mutated DER, PEM and PFX inputs; the baseline is the clean parse of the same seeds. */
async function benchFuzz(): Promise<BenchResult> {
  const cases = args.includes('--quick') ? 10_000 : 100_000;
  progress(`fuzzing ${cases} mutated DER, PEM and PFX inputs...`);
  const clean = await fuzz(300, 1);
  const r = await fuzz(cases, 20261123, (done) => progress(`  ${done} cases`));
  if (r.uncaught || r.badMessages || r.over100ms) {
    throw new Error(`fuzz failed: ${r.uncaught} uncaught, ${r.badMessages} bad messages, ${r.over100ms} cases over 100 ms`);
  }
  const perCase = (r.seconds * 1e6) / r.cases;
  const cleanPerCase = (clean.seconds * 1e6) / clean.cases;
  return {
    name: 'fuzz.containers',
    value: round(r.slowest),
    unit: `ms slowest of ${r.cases} cases (0 uncaught, 0 bad messages; ${round(perCase)} µs/case)`,
    baseline: 'mean µs per lightly mutated case of the same seeds',
    baselineValue: round(cleanPerCase),
    ratio: round(perCase / cleanPerCase),
    target: 'no uncaught exception, no case over 100 ms (issue 3)',
  };
}

// `--only cli|inspect|chain|fuzz|probe|log` runs one group (the probe's needs openssl and takes seconds, not minutes).
const onlyArg = args.indexOf('--only');
const only = onlyArg >= 0 ? args[onlyArg + 1] : null;
const groups: [string, () => Promise<BenchResult | BenchResult[]>][] = [
  ['cli', () => benchCli(progress)],
  ['inspect', benchInspect],
  ['chain', benchChains],
  ['fuzz', benchFuzz],
  ['probe', () => benchProbe(progress)],
  ['bundle', () => benchBundle(progress)],
  ['log', () => benchLog(progress, args.includes('--quick'))],
];
const results: BenchResult[] = [];
for (const [name, run] of groups) if (!only || only === name) results.push(...[await run()].flat());
for (const r of results) {
  if (json) process.stdout.write(`${JSON.stringify(r)}\n`);
  else process.stdout.write(`${r.name}: ${r.value} ${r.unit} vs ${r.baselineValue} (${r.baseline}) => ratio ${r.ratio}, target ${r.target}${r.note ? ` (${r.note})` : ''}\n`);
}

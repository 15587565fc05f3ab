import { X509Certificate } from 'node:crypto';
import { summarizeCertificate } from '../shared/cert/summarize';
import { generateCertificates } from './generate';
import { fuzz } from './fuzz';
// The main process verifies signatures with node:crypto (electron/services/node-verify.ts): so does the bench.
import '../electron/services/node-verify';
import { benchProbe } from './probe';
import { benchBundle } from './bundle';
import { benchLog } from './log';
import { benchReader } from './reader';
import { benchRevocation } from './revocation';
import { benchCli } from './cli';
import { benchUi } from './ui';
import { benchChains } from './chain';
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
    target: '<= 2',
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
    target: 'no uncaught exception, no case over 100 ms',
  };
}

// `--only cli|ui|inspect|reader|chain|fuzz|probe|log|revocation` runs one group (the probe's needs openssl and takes seconds, not minutes).
const onlyArg = args.indexOf('--only');
const only = onlyArg >= 0 ? args[onlyArg + 1] : null;
const groups: [string, () => Promise<BenchResult | BenchResult[]>][] = [
  ['cli', () => benchCli(progress)],
  ['ui', () => benchUi(progress)],
  ['inspect', benchInspect],
  ['reader', () => benchReader(progress, count)],
  ['chain', () => benchChains(progress, count)],
  ['fuzz', benchFuzz],
  ['probe', () => benchProbe(progress)],
  ['bundle', () => benchBundle(progress)],
  ['log', () => benchLog(progress, args.includes('--quick'))],
  ['revocation', () => benchRevocation(progress)],
];
// Each group's figures are printed as soon as it finishes, and a group that fails says so on stderr
// and the others still run (exit 1 at the end): one failing benchmark does not lose the rest.
let failed = 0;
for (const [name, run] of groups) {
  if (only && only !== name) continue;
  let results: BenchResult[];
  try {
    results = [await run()].flat();
  } catch (err) {
    failed += 1;
    process.stderr.write(`bench: ${name} failed: ${(err as Error).message.split('\n')[0]}\n`);
    continue;
  }
  for (const r of results) {
    if (json) process.stdout.write(`${JSON.stringify(r)}\n`);
    else process.stdout.write(`${r.name}: ${r.value} ${r.unit} vs ${r.baselineValue} (${r.baseline}) => ratio ${r.ratio}, target ${r.target}${r.note ? ` (${r.note})` : ''}\n`);
  }
}
if (failed) process.exitCode = 1;

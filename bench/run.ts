import { X509Certificate } from 'node:crypto';
import { summarizeCertificate } from '../shared/cert/summarize';
import { generateCertificates } from './generate';

/**
 * `npm run bench [-- --json] [-- --count N]`: each benchmark is a ratio against a baseline measured
 * in the same run on the same inputs (developers' guide), printed as one JSON object per line with
 * --json: { name, value, unit, baseline, baselineValue, ratio, target }.
 */
interface BenchResult {
  name: string;
  value: number;
  unit: string;
  baseline: string;
  baselineValue: number;
  ratio: number;
  target: string;
}

const args = process.argv.slice(2);
const json = args.includes('--json');
const countArg = args.indexOf('--count');
const count = countArg >= 0 ? Number(args[countArg + 1]) : 2000;

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

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

const results = [await benchInspect()];
for (const r of results) {
  if (json) process.stdout.write(`${JSON.stringify(r)}\n`);
  else process.stdout.write(`${r.name}: ${r.value} ${r.unit} vs ${r.baselineValue} (${r.baseline}) => ratio ${r.ratio}, target ${r.target}\n`);
}

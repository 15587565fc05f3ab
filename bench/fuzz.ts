import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspectFileBytes } from '../shared/cert/inspect';

/**
 * Mutation fuzzer over the inputs users bring: DER and PEM certificates and PKCS#12 files,
 * mutated by byte flips, cuts, insertions, length-field edits and duplicated slices. Every case must
 * end in a result or one one-line error naming the file: an uncaught exception, a multi-line message
 * or a case slower than 100 ms (its fastest of three runs) is a failure. Seeded, so a failing case can
 * be replayed.
 */
export interface FuzzReport {
  cases: number;
  uncaught: number;
  badMessages: number;
  slowest: number;
  over100ms: number;
  seconds: number;
}

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seeds(): { der: Uint8Array; pem: Uint8Array; pfx: Uint8Array } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-fuzz-'));
  try {
    const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'k.pem', '-subj', '/CN=fuzz/O=Certbench', '-days', '30', '-addext', 'extendedKeyUsage=clientAuth', '-addext', 'subjectAltName=DNS:fuzz.test,IP:10.0.0.1', '-out', 'c.pem']);
    run(['x509', '-in', 'c.pem', '-outform', 'DER', '-out', 'c.der']);
    // Few KDF rounds so each case measures parsing, not key derivation (bounded separately).
    run(['pkcs12', '-export', '-in', 'c.pem', '-inkey', 'k.pem', '-passout', 'pass:fuzz', '-iter', '1', '-nomaciter', '-out', 'c.pfx']);
    const read = (f: string) => new Uint8Array(fs.readFileSync(path.join(dir, f)));
    return { der: read('c.der'), pem: read('c.pem'), pfx: read('c.pfx') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function mutate(input: Uint8Array, rnd: () => number): Uint8Array {
  let bytes = new Uint8Array(input);
  const steps = 1 + Math.floor(rnd() * 4);
  for (let s = 0; s < steps; s++) {
    const at = Math.floor(rnd() * Math.max(1, bytes.length));
    switch (Math.floor(rnd() * 6)) {
      case 0:
        bytes[at] = Math.floor(rnd() * 256);
        break;
      case 1:
        bytes = bytes.subarray(0, at);
        break;
      case 2: {
        const extra = Uint8Array.from({ length: 1 + Math.floor(rnd() * 8) }, () => Math.floor(rnd() * 256));
        bytes = Uint8Array.from([...bytes.subarray(0, at), ...extra, ...bytes.subarray(at)]);
        break;
      }
      case 3: // a length byte made huge or indefinite
        bytes[at] = [0x80, 0x84, 0xff, 0x00][Math.floor(rnd() * 4)]!;
        break;
      case 4: {
        const len = Math.floor(rnd() * 64);
        bytes = Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at, at + len), ...bytes.subarray(at)]);
        break;
      }
      default:
        bytes[at] = (bytes[at] ?? 0) ^ (1 << Math.floor(rnd() * 8));
    }
  }
  return bytes;
}

export async function fuzz(total: number, seed = 20261123, onProgress?: (done: number) => void): Promise<FuzzReport> {
  const base = seeds();
  const rnd = prng(seed);
  const kinds: [string, Uint8Array, string | undefined][] = [
    ['mutant.der', base.der, undefined],
    ['mutant.pem', base.pem, undefined],
    ['mutant.pfx', base.pfx, 'fuzz'],
  ];
  const report: FuzzReport = { cases: 0, uncaught: 0, badMessages: 0, slowest: 0, over100ms: 0, seconds: 0 };
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const [name, input, password] = kinds[i % kinds.length]!;
    const bytes = mutate(input, rnd);
    const once = async () => {
      const t0 = performance.now();
      try {
        const r = await inspectFileBytes(name, bytes, new Date(), 16 * 1024 * 1024, password);
        if (r.error && (!r.error.message.startsWith(`${name}: `) || r.error.message.includes('\n'))) return { ms: performance.now() - t0, bad: true, uncaught: false };
      } catch {
        return { ms: performance.now() - t0, bad: false, uncaught: true };
      }
      return { ms: performance.now() - t0, bad: false, uncaught: false };
    };
    const first = await once();
    if (first.bad) report.badMessages++;
    if (first.uncaught) report.uncaught++;
    let ms = first.ms;
    // A slow case is timed twice more and counts by its fastest run: an input that is slow to read is
    // slow every time, a pause of a loaded machine (or a collection) is not.
    for (let again = 0; again < 2 && ms > 100; again++) ms = Math.min(ms, (await once()).ms);
    report.slowest = Math.max(report.slowest, ms);
    if (ms > 100) report.over100ms++;
    report.cases++;
    if (onProgress && i % 5000 === 0) onProgress(i);
  }
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

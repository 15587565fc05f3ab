import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toPem } from '../shared/cert/containers/text';
import { buildChain } from '../shared/chain/build';
import { CertPool } from '../shared/chain/pool';
// The main process verifies signatures with node:crypto (electron/services/node-verify.ts): so does the bench.
import '../electron/services/node-verify';
import { generateHierarchy } from './generate';
import { median, round, type BenchResult } from './result';

/** Runs of each side, alternated so a burst of load on the shared machine falls on both. */
const RUNS = 5;

/**
 * Build and validate chains for 1,000 leaves over a pool of 10,000 certificates, every RFC 5280 check
 * of the verdict included (shared/chain/build.ts). Baseline: `openssl verify` checking the same leaves
 * against the same roots and intermediates in one process. Each side runs RUNS times, alternating,
 * and the medians are compared; our first run (JIT compilation of the chain code) is said apart.
 */
export async function benchChains(progress: (message: string) => void, count: number): Promise<BenchResult> {
  const leaves = Math.min(1000, count);
  const poolSize = Math.max(count, 10_000);
  progress(`generating a pool of ${poolSize} certificates (5 roots, 50 intermediates, leaves)...`);
  const h = await generateHierarchy({ roots: 5, intermediatesPerRoot: 10, leaves: poolSize - 55 });

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-bench-'));
  try {
    const pem = (ders: Uint8Array[]) => ders.map((d) => toPem('CERTIFICATE', d)).join('');
    fs.writeFileSync(path.join(dir, 'roots.pem'), pem(h.roots));
    fs.writeFileSync(path.join(dir, 'inter.pem'), pem(h.intermediates));
    const leafFiles = h.leaves.slice(0, leaves).map((d, i) => {
      const f = path.join(dir, `leaf-${i}.pem`);
      fs.writeFileSync(f, pem([d]));
      return f;
    });
    const openssl = () => {
      const started = performance.now();
      execFileSync('openssl', ['verify', '-CAfile', path.join(dir, 'roots.pem'), '-untrusted', path.join(dir, 'inter.pem'), ...leafFiles], { stdio: 'pipe', maxBuffer: 64 << 20 });
      return performance.now() - started;
    };
    const ours = async () => {
      const started = performance.now();
      const pool = new CertPool();
      for (const d of h.roots) pool.add(d, 'Root store', true);
      for (const d of h.intermediates) pool.add(d, 'CA store');
      const entries = h.leaves.map((d) => pool.add(d, 'files'));
      let valid = 0;
      for (const e of entries.slice(0, leaves)) {
        const r = await buildChain(pool, e, { at: new Date(), purpose: 'client-auth' });
        if (r.best.status === 'valid') valid++;
      }
      if (valid !== leaves) throw new Error(`only ${valid} of ${leaves} chains validated`);
      return { ms: performance.now() - started, size: pool.size };
    };

    const opensslMs: number[] = [];
    const oursMs: number[] = [];
    let size = 0;
    for (let run = 0; run < RUNS; run++) {
      progress(`measuring openssl verify (baseline) and Certbench chain building (pool load included), run ${run + 1} of ${RUNS}...`);
      opensslMs.push(openssl());
      const r = await ours();
      oursMs.push(r.ms);
      size = r.size;
    }
    const value = median(oursMs);
    const baseline = median(opensslMs);
    return {
      name: 'chain.build-and-validate',
      value: Math.round(value),
      unit: `ms for ${leaves} leaves over ${size} certificates (median of ${RUNS})`,
      baseline: `openssl verify, same leaves, roots and intermediates, one process (median of ${RUNS}, alternating)`,
      baselineValue: Math.round(baseline),
      ratio: round(value / baseline),
      target: '<= 1.0x openssl verify, with every RFC 5280 check of the verdict',
      note: `first run ${Math.round(oursMs[0]!)} ms (chain code not yet compiled); all runs ${oursMs.map(Math.round).join(', ')} ms vs openssl ${opensslMs.map(Math.round).join(', ')} ms`,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

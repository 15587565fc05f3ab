import type { Command } from 'commander';
import { MAX_INPUT_FILE_BYTES } from '../shared/contract';
import { inspectFileBytes } from '../shared/cert/inspect';
import { analyzeChains, endEntityThumbprints, poolItemFromBase64, type PoolItem } from '../shared/chain/analyze';
import type { ChainPath, KeyStatus } from '../shared/model/chain';
import { systemTrust } from './services/system-trust';
import { CliProgress } from './cli-progress';

/**
 * `certbench chain FILE... [--trust FILE...] [--no-system-trust] [--at ISO] [--json]`: build the
 * chain of every end-entity certificate in the files over everything given plus the system's
 * trusted roots, and say whether it can authenticate a client. Exit 1 when a verdict has errors.
 */
export function registerChainCommand(
  program: Command,
  io: { readInputFile: (file: string, max: number) => Uint8Array; fail: (message: string) => never },
): void {
  program
    .command('chain')
    .description('build and check the chain of each certificate, and judge it for client authentication')
    .argument('<file...>', 'certificate files: the certificate, its intermediates, roots')
    .option('--trust <file...>', 'treat the certificates in these files as trusted roots')
    .option('--no-system-trust', "do not use the operating system's trusted roots")
    .option('--at <iso-date>', 'judge validity at this moment instead of now')
    .option('--json', 'print one JSON document on stdout')
    .action(async (files: string[], opts: { trust?: string[]; systemTrust: boolean; at?: string; json?: boolean }) => {
      const at = opts.at ? new Date(opts.at) : new Date();
      if (Number.isNaN(at.getTime())) io.fail(`--at: "${opts.at}" is not a date (use ISO 8601, e.g. 2026-01-31T12:00:00Z)`);
      const items: PoolItem[] = [];
      const errors: string[] = [];
      const read = async (file: string, trusted: boolean) => {
        try {
          const r = await inspectFileBytes(file, io.readInputFile(file, MAX_INPUT_FILE_BYTES), at, MAX_INPUT_FILE_BYTES);
          if (r.error) errors.push(r.error.message);
          for (const c of r.certificates) items.push(poolItemFromBase64(c.derBase64, file, trusted));
        } catch (err) {
          errors.push((err as Error).message);
        }
      };
      for (const f of files) await read(f, false);
      for (const f of opts.trust ?? []) await read(f, true);
      const targets = endEntityThumbprints(items.filter((i) => !i.trusted));
      if (!targets.length && items.length) targets.push(...endEntityThumbprints(items).slice(0, 1));
      const trust = opts.systemTrust ? systemTrust() : { source: 'none', items: [], note: null };
      // The CLI reads certificates only; a key file given alongside is matched by the inspect command.
      const key: KeyStatus = { status: 'unknown', detail: 'private key not checked by this command' };
      const progress = new CliProgress('building chains');
      const { results } = await analyzeChains(
        [...items, ...trust.items],
        targets.map((thumbprint) => ({ thumbprint, key })),
        at,
        (done, total) => progress.update(done, total, 'chains'),
      );
      progress.done();

      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ checkedAt: at.toISOString(), trust: { source: trust.source, anchors: trust.items.length, note: trust.note }, results, findings: results.flatMap((r) => r.verdict.findings) }, null, 2)}\n`);
      } else {
        for (const r of results) {
          process.stdout.write(`${formatChain(r.chain.best)}\n  Verdict: ${r.verdict.sentence}\n`);
          for (const f of r.verdict.findings) process.stdout.write(`  [${f.severity}] ${f.id}: ${f.title}\n`);
          if (r.chain.alternatives.length) process.stdout.write(`  (${r.chain.alternatives.length} other candidate path(s) considered)\n`);
          process.stdout.write('\n');
        }
        if (trust.note) process.stderr.write(`certbench: note: ${trust.note}\n`);
      }
      for (const e of errors) process.stderr.write(`certbench: ${e}\n`);
      if (errors.length) process.exitCode = 2;
      else if (results.some((r) => r.verdict.findings.some((f) => f.severity === 'error'))) process.exitCode = 1;
      else if (!results.length) {
        process.stderr.write('certbench: no certificates found in the files given\n');
        process.exitCode = 2;
      }
    });
}

const MARK = { ok: 'ok  ', fail: 'FAIL', unknown: '??  ' } as const;

/** The chain as an indented tree, root at the bottom, with each failing check under its link. */
export function formatChain(path: ChainPath): string {
  const lines = [`== Chain (${path.status})`];
  path.links.forEach((l, i) => {
    const indent = '  '.repeat(i + 1);
    lines.push(`${indent}[${MARK[l.status]}] ${l.commonName ?? l.subject}  (${l.role}, ${l.thumbprintSha1}, from ${l.sources.join(', ')})`);
    for (const c of l.checks) if (c.status !== 'ok') lines.push(`${indent}       ${c.name}: ${c.text}`);
  });
  if (path.missing) lines.push(`${'  '.repeat(path.links.length + 1)}[MISSING] ${path.missing.issuer}`);
  for (const p of path.problems) lines.push(`  - ${p}`);
  return lines.join('\n');
}

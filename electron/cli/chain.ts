import type { Command } from 'commander';
import { allThumbprints, analyzeChains, endEntityThumbprints, poolItemFromBase64, type PoolItem } from '../../shared/chain/analyze';
import { formatChain } from '../../shared/chain/chain-text';
import { keyStatusFromFiles } from '../../shared/verdict/key-status';
import { inspectCommandFiles } from './inputs';
import type { Services } from '../services/services';
import '../services/node-verify';
import { forTerminal } from './terminal';
import { CliProgress } from './progress';
import { checkResultsRevocation } from '../services/chain';
import { quietWork } from '../services/work';

/**
 * `certbench chain FILE... [--trust FILE...] [--no-system-trust] [--at ISO] [--policy OID]...
 * [--strict] [--rfc5280-anchors] [--revocation [--revocation-timeout SEC]] [--json]`: build the chain of every end-entity certificate in the
 * files (or, when the files hold only CAs, of each CA given) over everything given plus the system's
 * trusted roots, and say whether it can authenticate a client; with --revocation, each link's CRL
 * and OCSP answer too. Exit 1 when a verdict has errors (a revoked link is one).
 */
export function registerChainCommand(program: Command, io: { fail: (message: string) => never; services: Services }): void {
  program
    .command('chain')
    .description('build and check the chain of each certificate, and judge it for client authentication')
    .argument('<file...>', 'certificate files: the certificate, its key or .pfx, intermediates, roots')
    .option('--trust <file...>', 'treat the certificates in these files as trusted roots')
    .option('--no-system-trust', "do not use the operating system's trusted roots")
    .option('--at <iso-date>', 'judge validity at this moment instead of now')
    .option('--password-env <VAR>', 'read the PFX or key password from environment variable VAR')
    .option('--policy <oid>', 'require this certificate policy (RFC 5280 user-initial-policy-set; repeat for several; default: any policy)', (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--strict', 'strict client mode: the certificate must list Client Authentication itself, and must not also sign code, OCSP responses or time stamps')
    .option('--rfc5280-anchors', "treat trusted roots as RFC 5280 trust anchors (name and key only) instead of Windows' rules (an expired or non-CA root breaks the chain)")
    .option('--revocation', 'check each link against its CRL and OCSP addresses (fetches only the addresses in the certificates)')
    .option('--revocation-timeout <sec>', 'seconds to wait for each CRL or OCSP address (default 15)')
    .option('--json', 'print one JSON document on stdout')
    .action(async (files: string[], opts: { trust?: string[]; systemTrust: boolean; at?: string; json?: boolean; passwordEnv?: string; policy: string[]; strict?: boolean; rfc5280Anchors?: boolean; revocation?: boolean; revocationTimeout?: string }) => {
      const at = opts.at ? new Date(opts.at) : new Date();
      const timeoutSec = opts.revocationTimeout === undefined ? undefined : Number(opts.revocationTimeout);
      if (timeoutSec !== undefined && !(timeoutSec > 0 && timeoutSec <= 300)) io.fail(`--revocation-timeout: "${opts.revocationTimeout}" is not a number of seconds between 0 and 300`);
      if (Number.isNaN(at.getTime())) io.fail(`--at: "${opts.at}" is not a date (use ISO 8601, e.g. 2026-01-31T12:00:00Z)`);
      for (const p of opts.policy) if (!/^[0-2](\.\d{1,9}){1,40}$/.test(p)) io.fail(`--policy: "${p}" is not an object identifier (dotted numbers, e.g. 1.3.6.1.4.1.311.21.8.1)`);
      const given = await inspectCommandFiles(files, { at, passwordEnv: opts.passwordEnv, fail: io.fail });
      const trusted = await inspectCommandFiles(opts.trust ?? [], { at, passwordEnv: opts.passwordEnv, fail: io.fail });
      const errors = [...given, ...trusted].flatMap((r) => (r.error ? [r.error.message] : []));
      const items: PoolItem[] = [
        ...given.flatMap((r) => r.certificates.map((c) => poolItemFromBase64(c.derBase64, r.name, false))),
        ...trusted.flatMap((r) => r.certificates.map((c) => poolItemFromBase64(c.derBase64, r.name, true))),
      ];
      // What a user means by "my certificate": the end-entity certificates given; when the files hold
      // only CAs (an intermediate opened to check it), each of those CAs is judged instead.
      const untrustedItems = items.filter((i) => !i.trusted);
      const targets = endEntityThumbprints(untrustedItems);
      if (!targets.length) targets.push(...allThumbprints(untrustedItems.length ? untrustedItems : items));
      const trust = opts.systemTrust ? await io.services.trust.roots() : { source: 'none', items: [], note: null };
      const progress = new CliProgress('building chains');
      const analyzed = await analyzeChains(
        [...items, ...trust.items],
        targets.map((thumbprint) => ({ thumbprint, key: keyStatusFromFiles(thumbprint, given) })),
        at,
        (done, total) => progress.update(done, total, 'chains'),
        { purpose: opts.strict ? 'client-auth-strict' : 'client-auth', anchors: opts.rfc5280Anchors ? 'rfc5280' : 'windows', policies: opts.policy },
      );
      progress.done();
      let results = analyzed.results;
      if (opts.revocation) {
        const checking = new CliProgress('checking revocation');
        const work = { ...quietWork(), progress: (p: { done: number; total: number | null; label: string }) => checking.update(p.done, p.total, p.label) };
        results = await checkResultsRevocation(results, at, timeoutSec === undefined ? undefined : timeoutSec * 1000, work, io.services.revocation);
        checking.done();
      }

      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ checkedAt: at.toISOString(), trust: { source: trust.source, anchors: trust.items.length, note: trust.note }, results, findings: results.flatMap((r) => r.verdict.findings) }, null, 2)}\n`);
      } else {
        for (const r of results) {
          process.stdout.write(`${formatChain(forTerminal(r.chain.best))}\n  Verdict: ${forTerminal(r.verdict.sentence)}\n`);
          for (const f of r.verdict.findings) process.stdout.write(`  [${f.severity}] ${f.id}: ${forTerminal(f.title)}\n`);
          if (r.chain.alternatives.length) process.stdout.write(`  (${r.chain.alternatives.length} other candidate path(s) considered)\n`);
          process.stdout.write('\n');
        }
        if (trust.note) process.stderr.write(`certbench: note: ${trust.note}\n`);
      }
      for (const e of errors) process.stderr.write(`certbench: ${e}\n`);
      if (errors.length) process.exitCode = 2;
      else if (!results.length) {
        process.stderr.write('certbench: no certificates found in the files given\n');
        process.exitCode = 2;
      } else if (results.some((r) => r.verdict.findings.some((f) => f.severity === 'error'))) process.exitCode = 1;
    });
}

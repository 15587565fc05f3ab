import type { Res } from '../../shared/contract';
import { analyzeChains, type JudgeOptions, type PoolItem } from '../../shared/chain/analyze';
import type { KeyStatus } from '../../shared/model/chain';
import type { RevocationService } from './revocation/service';
import type { SystemTrustSource } from './system-trust';
import type { Work } from './work';
import './node-verify';

export interface ChainInput {
  /** Every certificate the user has opened. */
  pool: PoolItem[];
  /** Certificates to judge, with what is known of their private key. */
  targets: { thumbprint: string; key: KeyStatus }[];
  /** Add the operating system's trusted roots as anchors. */
  useSystemTrust: boolean;
  at: Date;
  options: JudgeOptions;
  /** Check each best path's revocation (opt-in: it fetches the CRL and OCSP addresses in the certificates). */
  revocation?: { timeoutMs?: number } | null;
}

type Results = Res<'chain:analyze'>['results'];

/** Each result's best path checked for revocation, with the answers and findings joined (shared/revocation/apply.ts). */
export async function checkResultsRevocation(results: Results, at: Date, timeoutMs: number | undefined, work: Work, revocation: RevocationService): Promise<Results> {
  const { withRevocation } = await import('../../shared/revocation/apply');
  const out: Results = [];
  for (const r of results) out.push(withRevocation(r, await revocation.checkPath(r.chain.best, { at, timeoutMs }, work)));
  return out;
}

/** The user's certificates plus (when asked) the system's trusted roots, then the shared analysis. */
export async function analyzeChainsWithTrust(input: ChainInput, work: Work, trust: SystemTrustSource, revocation?: RevocationService): Promise<Res<'chain:analyze'>> {
  const roots = input.useSystemTrust ? await trust.roots() : { source: 'none', items: [], note: 'system trust not used' };
  const analyzed = await analyzeChains(
    [...input.pool, ...roots.items],
    input.targets,
    input.at,
    (done, total) => work.progress({ done, total, label: `Building chain ${Math.min(done + 1, total)} of ${total}` }),
    input.options,
  );
  const results = input.revocation && revocation ? await checkResultsRevocation(analyzed.results, input.at, input.revocation.timeoutMs, work, revocation) : analyzed.results;
  return { results, trust: { source: roots.source, anchors: roots.items.length, note: roots.note }, skipped: analyzed.skipped, poolSize: analyzed.poolSize };
}

import type { Res } from '../../shared/contract';
import { analyzeChains, type JudgeOptions, type PoolItem } from '../../shared/chain/analyze';
import type { KeyStatus } from '../../shared/model/chain';
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
}

/** The user's certificates plus (when asked) the system's trusted roots, then the shared analysis. */
export async function analyzeChainsWithTrust(input: ChainInput, work: Work, trust: SystemTrustSource): Promise<Res<'chain:analyze'>> {
  const roots = input.useSystemTrust ? await trust.roots() : { source: 'none', items: [], note: 'system trust not used' };
  const { results, skipped, poolSize } = await analyzeChains(
    [...input.pool, ...roots.items],
    input.targets,
    input.at,
    (done, total) => work.progress({ done, total, label: `Building chain ${Math.min(done + 1, total)} of ${total}` }),
    input.options,
  );
  return { results, trust: { source: roots.source, anchors: roots.items.length, note: roots.note }, skipped, poolSize };
}

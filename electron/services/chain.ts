import type { ParsedReq, Res } from '../../shared/contract';
import { analyzeChains, poolItemFromBase64 } from '../../shared/chain/analyze';
import type { HandlerContext } from '../handlers';
import { systemTrust } from './system-trust';
import './node-verify';

/** `chain:analyze`: the user's certificates plus the system's trusted roots, then shared analysis. */
export async function analyzeChainsHandler(
  request: ParsedReq<'chain:analyze'>,
  ctx: Pick<HandlerContext, 'progress'>,
): Promise<Res<'chain:analyze'>> {
  const items = request.pool.map((p) => poolItemFromBase64(p.derBase64, p.source, p.trusted));
  const trust = request.useSystemTrust ? await systemTrust() : { source: 'none', items: [], note: 'system trust not used' };
  const at = request.at ? new Date(request.at) : new Date();
  const { results, skipped, poolSize } = await analyzeChains(
    [...items, ...trust.items],
    request.targets,
    at,
    (done, total) => ctx.progress({ done, total, label: `Building chain ${Math.min(done + 1, total)} of ${total}` }),
    { purpose: request.purpose, anchors: request.anchors, policies: request.policies },
  );
  return { results, trust: { source: trust.source, anchors: trust.items.length, note: trust.note }, skipped, poolSize };
}

import type { ParsedReq, Res } from '../../../shared/contract';
import { CertbenchError } from '../../../shared/errors';
import type { HandlerContext } from '../../handlers';

/** Server-side evidence from attachments and the live machine (issue 7). Being written. */
export async function analyzeServer(_request: ParsedReq<'server:analyze'>, _ctx: Pick<HandlerContext, 'progress' | 'signal'>): Promise<Res<'server:analyze'>> {
  throw new CertbenchError('internal', 'server analysis is being written');
}

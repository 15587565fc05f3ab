import type { ParsedReq, Res } from '../../../shared/contract';
import { CertbenchError } from '../../../shared/errors';
import type { HandlerContext } from '../../handlers';

/** Diagnostic bundle open (issue 8). Being written. */
export async function openBundle(_request: ParsedReq<'bundle:open'>, _ctx: Pick<HandlerContext, 'progress' | 'signal'>): Promise<Res<'bundle:open'>> {
  throw new CertbenchError('internal', 'bundle open is being written');
}

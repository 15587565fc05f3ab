import type { ParsedReq, Res } from '../../../shared/contract';
import { CertbenchError } from '../../../shared/errors';
import type { HandlerContext } from '../../handlers';

/** Diagnostic bundle export (issue 8). Being written. */
export async function exportBundle(_request: ParsedReq<'bundle:export'>, _ctx: Pick<HandlerContext, 'progress' | 'signal'>): Promise<Res<'bundle:export'>> {
  throw new CertbenchError('internal', 'bundle export is being written');
}

import type { ParsedReq, Res } from '../../shared/contract';
import { CertbenchError } from '../../shared/errors';
import type { HandlerContext } from '../handlers';

/** Diagnose (issue 6). Being written. */
export async function diagnose(_request: ParsedReq<'findings:diagnose'>, _ctx: Pick<HandlerContext, 'progress' | 'signal'>): Promise<Res<'findings:diagnose'>> {
  throw new CertbenchError('internal', 'diagnose is being written');
}

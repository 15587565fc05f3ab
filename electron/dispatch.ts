import { contract, isChannel, type Channel, type Result } from '../shared/contract';
import { toErrorData } from '../shared/errors';
import type { HandlerContext, HandlerTable } from './handlers';

/**
 * The one wrapper every call goes through, whatever the transport: validate the request against
 * its schema, run the handler, validate the response, and turn anything thrown into
 * `{ ok: false, error: { code, message } }` (DESIGN.md "The contract").
 */
export async function dispatch(
  channelName: string,
  rawRequest: unknown,
  ctx: HandlerContext,
  table: HandlerTable,
): Promise<Result<unknown>> {
  if (!isChannel(channelName)) {
    return { ok: false, error: { code: 'bad-request', message: `unknown channel "${channelName.slice(0, 60)}"` } };
  }
  const channel: Channel = channelName;
  const spec = contract[channel];
  const parsed = spec.request.safeParse(rawRequest ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'request';
    return {
      ok: false,
      error: { code: 'bad-request', message: `${channel}: invalid ${where}: ${issue?.message ?? 'does not match'}` },
    };
  }
  try {
    const handler = table[channel] as (req: unknown, c: HandlerContext) => Promise<unknown>;
    const value = await handler(parsed.data, ctx);
    // A response that breaks its own schema is our bug; catch it here, not in the renderer.
    const checked = spec.response.safeParse(value);
    if (!checked.success) {
      return { ok: false, error: { code: 'internal', message: `${channel}: handler returned an invalid response` } };
    }
    return { ok: true, value: checked.data };
  } catch (err) {
    return { ok: false, error: toErrorData(err) };
  }
}

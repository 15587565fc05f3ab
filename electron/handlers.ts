import os from 'node:os';
import type { Channel, ParsedReq, Res } from '../shared/contract';
import { poolItemFromBase64 } from '../shared/chain/analyze';
import { fixesFor } from '../shared/fixes';
import type { Services } from './services/services';
import type { Work } from './services/work';
import { APP_NAME, APP_VERSION } from './version';
import { findPowerShell } from './platform/find-powershell';

/** What a handler gets besides its request: how it is served, where progress goes, and cancellation. */
export interface HandlerContext extends Work {
  mode: 'electron' | 'web';
}

export type Handler<C extends Channel> = (request: ParsedReq<C>, ctx: HandlerContext) => Promise<Res<C>>;

/**
 * The handler table, typed over the contract: a channel without a handler here is a compile error.
 * Electron's IPC (ipc.ts) and the headless web mode (headless.ts) both serve exactly this table.
 */
export type HandlerTable = { [C in Channel]: Handler<C> };

/**
 * The only adapter between the wire and the services: each handler turns a validated request (uploads
 * already decoded to bytes by the contract's schemas, dates still ISO strings) into a service's
 * domain inputs, and its result into the response.
 */
export function createHandlers(services: Services): HandlerTable {
  const dateOr = (iso: string | undefined, fallback: () => Date): Date => (iso ? new Date(iso) : fallback());
  const now = () => services.deps.clock.now();
  return {
    'app:info': async (_request, ctx) => ({
      name: APP_NAME,
      version: APP_VERSION,
      mode: ctx.mode,
      platform: process.platform,
      host: os.hostname(),
      powershell: findPowerShell(),
    }),
    'certs:inspect': (request, ctx) => services.inspect(request.files, dateOr(request.at, now), ctx),
    'chain:analyze': (request, ctx) =>
      services.chains(
        {
          pool: request.pool.map((p) => poolItemFromBase64(p.derBase64, p.source, p.trusted)),
          targets: request.targets,
          useSystemTrust: request.useSystemTrust,
          at: dateOr(request.at, now),
          options: { purpose: request.purpose, anchors: request.anchors, policies: request.policies },
          revocation: request.revocation ? { timeoutMs: request.revocationTimeoutMs } : null,
        },
        ctx,
      ),
    'stores:list': (request, ctx) => services.stores.list({ refresh: request.refresh, at: request.at ? new Date(request.at) : undefined }, ctx),
    'stores:add-folder': async (request) => ({ folders: services.stores.addFolder(request.path, request.trusted) }),
    'stores:remove-folder': async (request) => ({ folders: services.stores.removeFolder(request.path) }),
    'keys:find': (request, ctx) => services.keys.find(request, ctx),
    'keys:acl': (request) => services.keys.acl(request.path),
    'keys:check-access': (request) => services.keys.checkAccess(request.path, request.identity),
    // Over the contract a grant applies only the plan the user reviewed (its digest from the dry run).
    'keys:grant': (request) => services.keys.grant(request, { requireReviewedPlan: true }),
    'keys:undo': (request) => services.keys.undo(request.backupId),
    'identities:list': () => services.keys.identities(),
    'lab:start': async (request, ctx) => (await services.lab()).start(request.scenarios, (done, total, label) => ctx.progress({ done, total, label })),
    'lab:stop': async () => (await services.lab()).stop(),
    'lab:status': async () => (await services.lab()).status(),
    'probe:run': (request, ctx) => services.probe.run(request, ctx),
    'probe:offers': (request, ctx) => services.probe.offers(request.certificateRequest, request.extra, ctx),
    'server:analyze': (request, ctx) => services.server(request, ctx),
    'findings:diagnose': (request, ctx) => services.diagnose(request, ctx),
    'fixes:script': async (request) => fixesFor(request.findings, request.shells, { version: APP_VERSION }),
    'bundle:export': (request, ctx) => services.bundles.export(request, ctx),
    'bundle:open': (request, ctx) => services.bundles.open(request.bytes !== undefined ? { name: request.name, bytes: request.bytes } : { name: request.name, path: request.path! }, ctx),
  };
}

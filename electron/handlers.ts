import os from 'node:os';
import type { Channel, ParsedReq, Res } from '../shared/contract';
import type { ProgressEvent } from '../shared/contract';
import { inspectCertificates } from './services/inspect';
import { analyzeChainsHandler } from './services/chain';
import { addStoreFolder, listStores, removeStoreFolder } from './services/stores';
import { checkKeyAccess, findKey, grantKeyAccess, keyAcl, listIdentities, undoKeyGrant } from './services/keys';
import { lab } from './services/lab/lab';
import { runProbeHandler } from './services/probe/handler';
import { probeOffers } from './services/probe/offers';
import { analyzeServer } from './services/server/analyze';
import { diagnose } from './services/diagnose';
import { fixesFor } from '../shared/fixes';
import { exportBundle } from './services/bundle/export';
import { openBundle } from './services/bundle/open';
import { APP_NAME, APP_VERSION } from './version';
import { findPowerShell } from './platform/find-powershell';

/** What a handler gets besides its request: how it is served and a way to report progress. */
export interface HandlerContext {
  mode: 'electron' | 'web';
  progress: (update: Omit<ProgressEvent, 'requestId' | 'channel'>) => void;
  /** Aborted when the caller goes away (window closed, HTTP client disconnected). */
  signal: AbortSignal;
}

export type Handler<C extends Channel> = (request: ParsedReq<C>, ctx: HandlerContext) => Promise<Res<C>>;

/**
 * The handler table, typed over the contract: a channel without a handler here is a compile error.
 * Electron's IPC (ipc.ts) and the headless web mode (headless.ts) both serve exactly this table.
 */
export type HandlerTable = { [C in Channel]: Handler<C> };

export const handlers: HandlerTable = {
  'app:info': async (_request, ctx) => ({
    name: APP_NAME,
    version: APP_VERSION,
    mode: ctx.mode,
    platform: process.platform,
    host: os.hostname(),
    powershell: findPowerShell(),
  }),
  'certs:inspect': (request, ctx) => inspectCertificates(request, ctx),
  'chain:analyze': (request, ctx) => analyzeChainsHandler(request, ctx),
  'stores:list': (request, ctx) => listStores(request, ctx),
  'stores:add-folder': (request) => addStoreFolder(request),
  'stores:remove-folder': (request) => removeStoreFolder(request),
  'keys:find': (request, ctx) => findKey(request, ctx),
  'keys:acl': (request) => keyAcl(request),
  'keys:check-access': (request) => checkKeyAccess(request),
  // Over the contract a grant applies only the plan the user reviewed (its digest from the dry run).
  'keys:grant': (request) => grantKeyAccess(request, undefined, { requireReviewedPlan: true }),
  'keys:undo': (request) => undoKeyGrant(request),
  'identities:list': () => listIdentities(),
  'lab:start': (request, ctx) => lab.start(request.scenarios, (done, total, label) => ctx.progress({ done, total, label })),
  'lab:stop': () => lab.stop(),
  'lab:status': async () => lab.status(),
  'probe:run': (request, ctx) => runProbeHandler(request, ctx),
  'probe:offers': (request, ctx) => probeOffers(request, ctx),
  'server:analyze': (request, ctx) => analyzeServer(request, ctx),
  'findings:diagnose': (request, ctx) => diagnose(request, ctx),
  'fixes:script': async (request) => fixesFor(request.findings, request.shells, { version: APP_VERSION }),
  'bundle:export': (request, ctx) => exportBundle(request, ctx),
  'bundle:open': (request, ctx) => openBundle(request, ctx),
};

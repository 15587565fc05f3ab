import type { ParsedReq, Res } from '../../shared/contract';
import { storeFindings } from '../../shared/findings/stores';
import { judgeStoreCertificates } from '../../shared/verdict/store-verdicts';
import { systemTrust } from './system-trust';
import './node-verify';
import type { StoreListing } from '../platform/types';
import type { HandlerContext } from '../handlers';
import { serviceContext, type ServiceContext } from './context';

/**
 * `stores:list`, `stores:add-folder`, `stores:remove-folder` (issue 4): the machine's certificate
 * stores through the platform adapter plus the user's folders, with the store findings. The last
 * listing is kept per process so keys:find by thumbprint answers without enumerating again.
 */

let last: { key: string; listing: StoreListing; listedAt: string } | null = null;
/**
 * Bumped whenever the listing goes stale (a folder added or removed, a grant). A listing that started
 * before a bump is still answered to its caller but never cached: otherwise a slow first listing
 * finishing after "add folder" would be served again without the new folder.
 */
let generation = 0;

type Ctx = Pick<HandlerContext, 'progress' | 'signal'>;

/** List the stores (or answer from the last listing unless `refresh`). */
export async function listing(
  ctx: Ctx,
  options: { refresh: boolean; at?: Date },
  services: ServiceContext = serviceContext(),
): Promise<{ listing: StoreListing; listedAt: string }> {
  const key = services.dataDir;
  if (!options.refresh && !options.at && last && last.key === key) return last;
  const at = options.at ?? new Date();
  const startedAt = generation;
  let lastReport = 0;
  const result = await services.platform.stores.list({
    at,
    signal: ctx.signal,
    progress: (done, total, label) => {
      // Progress events are cheap but not free: at most ~20 a second.
      const now = Date.now();
      if (now - lastReport < 50 && (total === null || done < total)) return;
      lastReport = now;
      ctx.progress({ done, total, label });
    },
  });
  // One verdict per certificate (issue 13), judged once here for the table, its chip, the CLI
  // filter, Probe's offers and bundles, over the stores and the system's roots as the card does.
  const trust = await systemTrust();
  const judged: StoreListing = { ...result, certificates: await judgeStoreCertificates(result.stores, result.certificates, at, trust.items) };
  const entry = { key, listing: judged, listedAt: at.toISOString() };
  if (!options.at && startedAt === generation) last = entry;
  return entry;
}

/** `stores:list`: stores, certificates, store findings, and the added folders. */
export async function listStores(request: ParsedReq<'stores:list'>, ctx: Ctx, services: ServiceContext = serviceContext()): Promise<Res<'stores:list'>> {
  const at = request.at ? new Date(request.at) : undefined;
  const { listing: l, listedAt } = await listing(ctx, { refresh: request.refresh, at }, services);
  return { stores: l.stores, certificates: l.certificates, findings: storeFindings(l.stores, l.certificates), listedAt, folders: services.folders.list() };
}

/** `stores:add-folder`: remember a folder (optionally as trusted roots); the next listing reads it. */
export async function addStoreFolder(request: ParsedReq<'stores:add-folder'>, services: ServiceContext = serviceContext()): Promise<Res<'stores:add-folder'>> {
  const folders = services.folders.add(request.path, request.trusted);
  forgetListing();
  return { folders };
}

/** `stores:remove-folder`: forget a folder (its files are not touched). */
export async function removeStoreFolder(request: ParsedReq<'stores:remove-folder'>, services: ServiceContext = serviceContext()): Promise<Res<'stores:remove-folder'>> {
  const folders = services.folders.remove(request.path);
  forgetListing();
  return { folders };
}

/** Forget the cached listing (a grant or a folder change makes it stale). */
export function forgetListing(): void {
  last = null;
  generation++;
}

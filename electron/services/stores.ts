import type { Finding } from '../../shared/findings/catalogue';
import { storeFindings } from '../../shared/findings/stores';
import type { StoreFolder } from '../../shared/model/store';
import { judgeStoreCertificates } from '../../shared/verdict/store-verdicts';
import './node-verify';
import type { Platform, StoreListing } from '../platform/types';
import type { StoreFolders } from './store-folders';
import type { SystemTrustSource } from './system-trust';
import type { Clock, Work } from './work';

/**
 * The machine's certificate stores through the platform adapter plus the user's folders, with the
 * store findings. The last listing is kept so keys:find by thumbprint, Probe's offers and Diagnose
 * answer without enumerating again; a folder change or a grant makes it stale.
 */

export interface Listed {
  listing: StoreListing;
  listedAt: string;
}

export interface StoresService {
  /**
   * List the stores (or answer from the last listing unless `refresh`, or a moment `at` is asked).
   * `judge: false` answers without each certificate's chain verdict (no chain built, no signature
   * checked beyond reading): for callers that judge only the few certificates they care about.
   */
  listing: (work: Work, options: { refresh: boolean; at?: Date; judge?: boolean }) => Promise<Listed>;
  /** Stores, certificates, store findings, and the added folders. */
  list: (options: { refresh: boolean; at?: Date }, work: Work) => Promise<Listed['listing'] & { findings: Finding[]; listedAt: string; folders: StoreFolder[] }>;
  /** Remember a folder (optionally as trusted roots); the next listing reads it. */
  addFolder: (folder: string, trusted: boolean) => StoreFolder[];
  /** Forget a folder (its files are not touched). */
  removeFolder: (folder: string) => StoreFolder[];
  /** Forget the cached listing (a grant or a folder change makes it stale). */
  forget: () => void;
}

export function createStoresService(deps: { platform: Platform; folders: StoreFolders; trust: SystemTrustSource; clock: Clock }): StoresService {
  let last: Listed | null = null;
  /** The last listing as read, before verdicts (answers `judge: false`; a judged listing answers it too). */
  let lastRead: Listed | null = null;
  /**
   * Bumped whenever the listing goes stale. A listing that started before a bump is still answered
   * to its caller but never cached: otherwise a slow first listing finishing after "add folder"
   * would be served again without the new folder.
   */
  let generation = 0;
  const forget = (): void => {
    last = null;
    lastRead = null;
    generation++;
  };

  const listing: StoresService['listing'] = async (work, options) => {
    const judge = options.judge !== false;
    if (!options.refresh && !options.at && last) return last;
    if (!judge && !options.refresh && !options.at && lastRead) return lastRead;
    const at = options.at ?? deps.clock.now();
    const startedAt = generation;
    let lastReport = 0;
    const result = await deps.platform.stores.list({
      at,
      signal: work.signal,
      progress: (done, total, label) => {
        // Progress events are cheap but not free: at most ~20 a second.
        const now = Date.now();
        if (now - lastReport < 50 && (total === null || done < total)) return;
        lastReport = now;
        work.progress({ done, total, label });
      },
    });
    if (!judge) {
      const read = { listing: result, listedAt: at.toISOString() };
      if (!options.at && startedAt === generation) lastRead = read;
      return read;
    }
    // One verdict per certificate, judged once here for the table, its chip, the CLI filter,
    // Probe's offers and bundles, over the stores and the system's roots as the card does.
    const trust = await deps.trust.roots();
    const judged: StoreListing = { ...result, certificates: await judgeStoreCertificates(result.stores, result.certificates, at, trust.items) };
    const entry = { listing: judged, listedAt: at.toISOString() };
    if (!options.at && startedAt === generation) last = entry;
    return entry;
  };

  return {
    listing,
    list: async (options, work) => {
      const { listing: l, listedAt } = await listing(work, options);
      return { stores: l.stores, certificates: l.certificates, findings: storeFindings(l.stores, l.certificates), listedAt, folders: deps.folders.list() };
    },
    addFolder: (folder, trusted) => {
      const folders = deps.folders.add(folder, trusted);
      forget();
      return folders;
    },
    removeFolder: (folder) => {
      const folders = deps.folders.remove(folder);
      forget();
      return folders;
    },
    forget,
  };
}

import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Res } from '../../../../shared/contract';
import { call } from '../../api/client';
import type { WorkProgress } from '../certificates/use-inspect-queue';

export type StoreListing = Res<'stores:list'>;

export interface StoreListingState {
  /** The last listing received (kept while a new one is read, so the table does not blank out). */
  listing: StoreListing | null;
  /** Set while the stores are being read. */
  progress: WorkProgress | null;
  /** Why the last listing failed, in one line. */
  error: string | null;
  /** Read the stores: from the service's last listing, or again from the machine (`refresh`). */
  load: (refresh: boolean) => void;
  /** Load once, the first time an area needs the stores. */
  ensureLoaded: () => void;
  /** Add a folder as a store, then list again; resolves to the one-line error, or null. */
  addFolder: (path: string, trusted: boolean) => Promise<string | null>;
  removeFolder: (path: string) => Promise<string | null>;
}

const StoreListingContext = createContext<StoreListingState | null>(null);

/**
 * One listing of the local stores for the whole window: the stores tab and Private keys show the
 * same certificates, and 5,000 of them cross the bridge once, not once per area. A listing asked
 * for while another runs replaces it (the older answer is dropped).
 */
export function StoreListingProvider({ children }: { children: ReactNode }) {
  const [listing, setListing] = useState<StoreListing | null>(null);
  const [progress, setProgress] = useState<WorkProgress | null>(null);
  const [error, setError] = useState<string | null>(null);
  const current = useRef<AbortController | null>(null);
  const started = useRef(false);

  const load = useCallback((refresh: boolean) => {
    started.current = true;
    current.current?.abort();
    const abort = new AbortController();
    current.current = abort;
    setError(null);
    setProgress({ done: 0, total: 0, fraction: 0, label: refresh ? 'Reading the stores again…' : 'Reading the stores…' });
    void call(
      'stores:list',
      { refresh },
      {
        signal: abort.signal,
        onProgress: (e) => {
          if (abort.signal.aborted) return;
          const total = e.total ?? 0;
          // Each store reports its own count: say which store and how far, not a percentage of the whole.
          const count = total > 1 ? ` (${e.done.toLocaleString()} of ${total.toLocaleString()})` : '';
          setProgress({ done: e.done, total, fraction: total > 0 ? e.done / total : 0, label: `Reading the stores: ${e.label}${count}` });
        },
      },
    ).then((r) => {
      if (abort.signal.aborted) return;
      current.current = null;
      setProgress(null);
      if (r.ok) setListing(r.value);
      else setError(r.error.message);
    });
  }, []);

  const ensureLoaded = useCallback(() => {
    if (!started.current) load(false);
  }, [load]);

  const addFolder = useCallback(
    async (path: string, trusted: boolean) => {
      const r = await call('stores:add-folder', { path, trusted });
      if (!r.ok) return r.error.message;
      // The service forgot its listing when the folders changed: this reads the stores again.
      load(false);
      return null;
    },
    [load],
  );

  const removeFolder = useCallback(
    async (path: string) => {
      const r = await call('stores:remove-folder', { path });
      if (!r.ok) return r.error.message;
      load(false);
      return null;
    },
    [load],
  );

  const value = useMemo(
    () => ({ listing, progress, error, load, ensureLoaded, addFolder, removeFolder }),
    [listing, progress, error, load, ensureLoaded, addFolder, removeFolder],
  );
  return <StoreListingContext.Provider value={value}>{children}</StoreListingContext.Provider>;
}

export function useStoreListing(): StoreListingState {
  const state = useContext(StoreListingContext);
  if (!state) throw new Error('useStoreListing outside StoreListingProvider');
  return state;
}

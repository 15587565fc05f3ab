import { describe, expect, it } from 'vitest';
import { createStoresService } from '../../electron/services/stores';
import type { StoreFolders } from '../../electron/services/store-folders';
import { systemClock } from '../../electron/services/work';
import type { Platform, StoreListing } from '../../electron/platform/types';

const ctx = { progress: () => undefined, signal: new AbortController().signal };

/** A platform whose listings finish when the test says, counting how often the stores were read. */
function slowPlatform() {
  const pending: ((l: StoreListing) => void)[] = [];
  let reads = 0;
  const platform = { stores: { list: () => new Promise<StoreListing>((resolve) => { reads++; pending.push(resolve); }) } } as unknown as Platform;
  const stores = createStoresService({ platform, folders: { list: () => [] } as unknown as StoreFolders, trust: { roots: async () => ({ source: 'none', items: [], note: null }) }, clock: systemClock });
  return { stores, pending, reads: () => reads };
}

const withFolder = (n: number): StoreListing => ({ stores: Array.from({ length: n }, (_, i) => ({ id: `folder:/f${i}`, kind: 'folder', role: 'other', label: `f${i}`, location: `/f${i}`, trusted: false, certificateCount: 0, error: null })), certificates: [] });

describe('the cached store listing', () => {
  it('is not served again when a folder was added while it was being read (a slow first listing must not hide the new folder)', async () => {
    const p = slowPlatform();
    const first = p.stores.listing(ctx, { refresh: false });
    // The user adds a folder while the first listing still runs.
    p.stores.forget();
    p.pending[0]!(withFolder(0));
    expect((await first).listing.stores).toHaveLength(0);
    // The next listing reads the stores again instead of answering from the stale one.
    const second = p.stores.listing(ctx, { refresh: false });
    expect(p.reads()).toBe(2);
    p.pending[1]!(withFolder(1));
    expect((await second).listing.stores).toHaveLength(1);
    // And that one is cached: a third call does not read again.
    await p.stores.listing(ctx, { refresh: false });
    expect(p.reads()).toBe(2);
  });

  it('answers an unjudged listing (offers judge their few candidates themselves) from one read, and a judged one after it reads no store again', async () => {
    let trustReads = 0;
    const platform = { stores: { list: async () => ({ ...withFolder(1), certificates: [] }) } } as unknown as Platform;
    let reads = 0;
    const counted = { stores: { list: async (o: unknown) => { reads++; return platform.stores.list(o as never); } } } as unknown as Platform;
    const stores = createStoresService({ platform: counted, folders: { list: () => [] } as unknown as StoreFolders, trust: { roots: async () => { trustReads++; return { source: 'none', items: [], note: null }; } }, clock: systemClock });
    const unjudged = await stores.listing(ctx, { refresh: false, judge: false });
    expect(unjudged.listing.stores).toHaveLength(1);
    expect(trustReads).toBe(0);
    await stores.listing(ctx, { refresh: false, judge: false });
    expect(reads).toBe(1);
    // A judged listing is a listing of its own (the verdicts need the trust), later answering both kinds.
    await stores.listing(ctx, { refresh: false });
    expect(trustReads).toBe(1);
    await stores.listing(ctx, { refresh: false, judge: false });
    expect(reads).toBe(2);
  });
});

import { createContext, useContext } from 'react';
import type { OpenedBundle } from '../../../../shared/model/bundle';

/**
 * An opened diagnostic bundle, shown read-only by the same screens that show live
 * evidence: Diagnose shows its report, Server side its server evidence. Null when looking at this
 * machine. Set by the Bundles page; every screen that shows bundle data says so in a banner.
 */
export interface BundleView {
  bundle: OpenedBundle | null;
  open: (bundle: OpenedBundle) => void;
  close: () => void;
}

export const BundleViewContext = createContext<BundleView>({ bundle: null, open: () => {}, close: () => {} });

export function useBundleView(): BundleView {
  return useContext(BundleViewContext);
}

import { createContext, useContext } from 'react';
import type { KeyTarget } from '../keys/key-target';
import type { AreaId } from './sidebar';

/**
 * Moving between areas from inside one (GitHub Desktop's dispatcher, reduced to what the areas
 * need): the stores' certificate view sends its certificate to Private keys with one click.
 */
export interface Navigation {
  go: (area: AreaId) => void;
  /** Open Private keys with this certificate or file selected. */
  showKey: (target: KeyTarget) => void;
  /** Open Diagnose with these server evidence files attached (from the Server side page). */
  diagnoseWith: (files: File[]) => void;
}

export const NavigationContext = createContext<Navigation>({ go: () => {}, showKey: () => {}, diagnoseWith: () => {} });

export function useNavigation(): Navigation {
  return useContext(NavigationContext);
}

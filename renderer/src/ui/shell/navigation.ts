import { createContext, useContext } from 'react';
import type { KeyTarget } from '../keys/key-target';
import type { RouteId } from './route';

/**
 * Moving between areas from inside one (GitHub Desktop's dispatcher, reduced to what the areas
 * need): the stores' certificate view sends its certificate to Private keys with one click. Every
 * move is an address (route.ts), so Back returns from it.
 */
export interface Navigation {
  go: (area: RouteId) => void;
  /** Open Private keys with this certificate or file selected. */
  showKey: (target: KeyTarget) => void;
  /** Open the certificate view with these files (the first screen's "A certificate file"). */
  openCertificates: (files: File[]) => void;
}

export const NavigationContext = createContext<Navigation>({ go: () => {}, showKey: () => {}, openCertificates: () => {} });

export function useNavigation(): Navigation {
  return useContext(NavigationContext);
}

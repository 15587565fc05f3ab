import { createContext, useContext } from 'react';
import type { ChainLink } from '../../../../shared/model/chain';

/** Set by CertificateDialogProvider; outside one, opening does nothing. */
export const OpenCertificateContext = createContext<(link: ChainLink) => void>(() => {});

/** Open any certificate of a chain in the area's dialog (roots from the system store included). */
export function useCertificateDialog(): (link: ChainLink) => void {
  return useContext(OpenCertificateContext);
}

import type { Store, StoreCertificate } from '../model/store';

/**
 * The store filters a helpdesk needs, the same in the CLI (`certbench stores --filter`)
 * and the UI: pure, so 5,000 certificates filter in a few milliseconds on either side.
 */
export const STORE_FILTERS = ['has-key', 'client-auth', 'expired', 'non-self-signed-root'] as const;
export type StoreFilter = (typeof STORE_FILTERS)[number];

export const FILTER_TESTS: Record<StoreFilter, (c: StoreCertificate, store: Store | undefined) => boolean> = {
  /** A private key is associated and was found. */
  'has-key': (c) => c.key.status === 'present',
  /**
   * Can authenticate a client: the one verdict, the same as the table's column and the
   * certificate's card: key present, EKU and Key Usage allow it, valid, chain complete to a trusted
   * root and every check passing. A listing without verdicts (an older bundle) keeps nothing.
   */
  'client-auth': (c) => c.clientAuth?.usable === true,
  expired: (c) => c.summary.validity.status === 'expired',
  /** KB 2802568: in a trusted root store without being self-signed. */
  'non-self-signed-root': (c, store) => store?.role === 'root' && !c.summary.selfSigned.value,
};

/** Keep certificates passing every filter, and issued by a name containing `issuer` (case-insensitive). */
export function filterStoreCertificates(stores: Store[], certificates: StoreCertificate[], options: { filters?: StoreFilter[]; issuer?: string | null }): StoreCertificate[] {
  const byId = new Map(stores.map((s) => [s.id, s]));
  const tests = (options.filters ?? []).map((f) => FILTER_TESTS[f]);
  const issuer = options.issuer?.trim().toLowerCase() || null;
  return certificates.filter((c) => {
    const store = byId.get(c.storeId);
    if (!tests.every((t) => t(c, store))) return false;
    if (issuer && !c.summary.issuer.rfc4514.toLowerCase().includes(issuer) && !c.summary.issuer.windows.toLowerCase().includes(issuer)) return false;
    return true;
  });
}

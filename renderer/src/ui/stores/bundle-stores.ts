import type { Finding } from '../../../../shared/findings/catalogue';
import { storeFindings } from '../../../../shared/findings/stores';
import type { OpenedBundle } from '../../../../shared/model/bundle';
import type { Store, StoreCertificate } from '../../../../shared/model/store';

/**
 * The Local stores tab of an opened bundle: the listing the bundle carries, judged by the
 * same pure store findings the live listing gets (shared/findings/stores.ts), or, when the bundle has
 * no listing, why not in one sentence a helpdesk user can act on.
 */
export type BundleStores =
  | {
      state: 'listed';
      stores: Store[];
      certificates: StoreCertificate[];
      findings: Finding[];
      /** When the host listed its stores (the bundle's creation time when the listing has no date). */
      listedAt: string;
      /** Certificates kept as redacted summaries without their DER: no chain can be built from them. */
      withoutDer: number;
    }
  | { state: 'empty'; reason: string };

export function bundleStores(bundle: Pick<OpenedBundle, 'manifest' | 'stores' | 'storeCertificates' | 'listedAt' | 'report'>): BundleStores {
  const { manifest } = bundle;
  if (bundle.stores.length === 0 && bundle.storeCertificates.length === 0) {
    const leftOut = manifest.collected.some((c) => /store listing left out/i.test(c));
    const counted = bundle.report.stores;
    const reason = leftOut
      ? `This bundle holds no certificate stores: it was exported without the store listing ("include stores" was off on ${manifest.host}).`
      : counted && counted.stores > 0
        ? `This bundle holds no certificate stores: its diagnosis counted ${counted.stores} store(s) with ${counted.certificates} certificate(s) on ${manifest.host}, but the listing itself was not exported.`
        : `This bundle holds no certificate stores: ${manifest.host}'s stores were not listed when it was made.`;
    return { state: 'empty', reason };
  }
  // Certificates of a store missing from the listing still show, under their store id (store-rows.ts).
  const withoutDer = bundle.storeCertificates.filter((c) => c.summary.derBase64 === '').length;
  return {
    state: 'listed',
    stores: bundle.stores,
    certificates: bundle.storeCertificates,
    findings: storeFindings(bundle.stores, bundle.storeCertificates),
    listedAt: bundle.listedAt ?? manifest.createdAt,
    withoutDer,
  };
}

/** Why some certificates of a bundle's listing open without a chain: a redacted bundle keeps their summaries only. */
export function redactedNote(withoutDer: number, total: number, redactions: readonly string[]): string | null {
  if (withoutDer === 0) return null;
  const names = redactions.filter((r) => r === 'hosts' || r === 'subjects');
  const why = names.length ? `${names.join(' and ')} were redacted` : 'the bundle left them out';
  return withoutDer === total
    ? `Names and fields are shown as the bundle holds them; the certificates themselves are not in it (${why}), so chains cannot be checked here.`
    : `${withoutDer} of ${total} certificates are in the bundle without their contents (${why}): their chains cannot be checked here.`;
}

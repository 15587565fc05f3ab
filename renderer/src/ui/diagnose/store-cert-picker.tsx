import { useDeferredValue, useEffect, useId, useMemo, useState } from 'react';
import { useStoreListing } from '../stores/store-listing';
import { NO_FILTER, buildRows, filterRows, type StoreRow } from '../stores/store-rows';
import { StoreSuggestions } from '../stores/store-suggestions';
import { clientAuthByEku } from '../certificates/client-auth';
import './store-cert-picker.css';

/** Suggestions shown at once: enough to pick from, few enough to read. */
const MAX_SUGGESTIONS = 6;

/** One row per certificate: the same certificate in two stores is one choice (it is sent by thumbprint). */
export function distinctByThumbprint(rows: readonly StoreRow[]): StoreRow[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    const t = r.cert.summary.thumbprintSha1.toUpperCase();
    if (seen.has(t)) return false;
    seen.add(t);
    return true;
  });
}

/**
 * "A certificate from this machine's stores": the same listing the Certificates page shows
 * (one listing per window), searched by name, issuer or thumbprint; client-authentication
 * certificates first by default, as that is what a user means here. Picking one sends its thumbprint.
 */
export function StoreCertPicker({ onPick, onCancel }: { onPick: (thumbprint: string, label: string) => void; onCancel: () => void }) {
  const id = useId();
  const { listing, progress, error, ensureLoaded } = useStoreListing();
  const [query, setQuery] = useState('');
  const [clientOnly, setClientOnly] = useState(true);
  const deferred = useDeferredValue(query);

  useEffect(() => ensureLoaded(), [ensureLoaded]);

  const stores = useMemo(() => listing?.stores ?? [], [listing]);
  const rows = useMemo(() => buildRows(stores, listing?.certificates ?? []), [stores, listing]);
  // "Client-authentication certificates" here means made for it (not a CA, EKU allowing it), not
  // "passes the verdict": the certificate a user wants to diagnose is usually the one that fails.
  const matches = useMemo(
    () =>
      distinctByThumbprint(filterRows(rows, stores, { ...NO_FILTER, text: deferred })).filter(
        (r) => !clientOnly || (r.cert.summary.basicConstraints?.ca !== true && clientAuthByEku(r.cert.summary) !== 'not-allowed'),
      ),
    [rows, stores, deferred, clientOnly],
  );

  return (
    <div className="diag-store-picker" data-testid="diag-store-picker">
      <div className="diag-picker-row">
        <label htmlFor={`${id}-search`} className="visually-hidden">
          Search this machine&apos;s certificates
        </label>
        <input
          id={`${id}-search`}
          className="text-input"
          data-testid="diag-store-search"
          type="search"
          placeholder="Name, issuer or thumbprint"
          spellCheck={false}
          autoComplete="off"
          autoFocus
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <label className="checkbox">
          <input type="checkbox" data-testid="diag-store-client-only" checked={clientOnly} onChange={(e) => setClientOnly(e.target.checked)} />
          <span>Only client-authentication certificates</span>
        </label>
        <button type="button" className="link-button" data-testid="diag-store-cancel" onClick={onCancel}>
          Cancel
        </button>
      </div>
      <StoreSuggestions
        state={{ listing, progress, error }}
        matches={matches}
        max={MAX_SUGGESTIONS}
        emptyText={
          clientOnly
            ? 'No client-authentication certificate matches. Clear the tick to see every certificate, or add the folder that holds it under Certificates and stores.'
            : 'No certificate matches.'
        }
        onPick={(r) => onPick(r.cert.summary.thumbprintSha1, r.subject)}
        testIds={{ item: 'diag-store-suggestion', count: 'diag-store-count', progress: 'diag-store-progress' }}
      />
    </div>
  );
}

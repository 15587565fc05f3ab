import { useId } from 'react';
import { STORE_FILTERS, type StoreFilter } from '../../../../shared/stores/filters';
import type { RowFilter } from './store-rows';

/** The chips' words: what a helpdesk user is looking for, not the filter's id. */
const CHIP_LABEL: Record<StoreFilter, string> = {
  'has-key': 'Has private key',
  'client-auth': 'Usable for client auth',
  expired: 'Expired',
  'non-self-signed-root': 'Non-self-signed in Root',
};

const CHIP_TITLE: Record<StoreFilter, string> = {
  'has-key': 'A private key is associated and was found',
  'client-auth': 'Can authenticate a client, the verdict its card shows: private key found, Enhanced Key Usage and Key Usage allow it, valid, chain complete to a trusted root',
  expired: 'Past its "valid to" date',
  'non-self-signed-root': 'In a trusted root store without being self-signed (KB 2802568: breaks client-certificate authentication on IIS)',
};

/**
 * The filter box and the chips (shared/stores/filters.ts, the same filters as `certbench stores
 * --filter`). Chips combine (all must hold); each shows how many certificates it keeps on its own.
 */
export function StoreFilterBar({
  filter,
  onChange,
  counts,
  shown,
  total,
}: {
  filter: RowFilter;
  onChange: (filter: RowFilter) => void;
  counts: Record<StoreFilter, number>;
  shown: number;
  total: number;
}) {
  const id = useId();
  const toggle = (f: StoreFilter) =>
    onChange({ ...filter, filters: filter.filters.includes(f) ? filter.filters.filter((x) => x !== f) : [...filter.filters, f] });
  const issuerOn = filter.issuer !== null;
  const anything = filter.text !== '' || filter.filters.length > 0 || issuerOn || filter.storeId !== null;

  return (
    <div className="store-filters" data-testid="store-filters">
      <div className="store-filter-row">
        <label htmlFor={`${id}-text`} className="visually-hidden">
          Filter certificates
        </label>
        <input
          id={`${id}-text`}
          className="text-input filter-input"
          data-testid="store-filter-text"
          type="search"
          placeholder="Filter by name, issuer, thumbprint, serial, SAN, store or file…"
          spellCheck={false}
          autoComplete="off"
          value={filter.text}
          onChange={(e) => onChange({ ...filter, text: e.target.value })}
        />
        <span className="store-shown" data-testid="store-shown" aria-live="polite">
          {shown === total ? `${total.toLocaleString()} certificate${total === 1 ? '' : 's'}` : `${shown.toLocaleString()} of ${total.toLocaleString()} certificates`}
        </span>
      </div>
      <div className="chips" role="group" aria-label="Show only certificates that">
        {STORE_FILTERS.map((f) => {
          const on = filter.filters.includes(f);
          return (
            <button
              key={f}
              type="button"
              className={`chip${on ? ' is-on' : ''}`}
              aria-pressed={on}
              data-testid="store-chip"
              data-filter={f}
              title={CHIP_TITLE[f]}
              onClick={() => toggle(f)}
            >
              {CHIP_LABEL[f]}
              <span className="chip-count">{counts[f].toLocaleString()}</span>
            </button>
          );
        })}
        <button
          type="button"
          className={`chip${issuerOn ? ' is-on' : ''}`}
          aria-pressed={issuerOn}
          data-testid="store-chip"
          data-filter="issuer"
          title="Only certificates whose issuer's name contains the text you type"
          onClick={() => onChange({ ...filter, issuer: issuerOn ? null : '' })}
        >
          Issued by…
        </button>
        {issuerOn && (
          <>
            <label htmlFor={`${id}-issuer`} className="visually-hidden">
              Issuer name contains
            </label>
            <input
              id={`${id}-issuer`}
              className="text-input issuer-input"
              data-testid="store-filter-issuer"
              type="text"
              placeholder="part of the issuer’s name"
              spellCheck={false}
              autoComplete="off"
              autoFocus
              value={filter.issuer ?? ''}
              onChange={(e) => onChange({ ...filter, issuer: e.target.value })}
            />
          </>
        )}
        {anything && (
          <button type="button" className="link-button" data-testid="store-filter-clear" onClick={() => onChange({ text: '', filters: [], issuer: null, storeId: null })}>
            Clear filters
          </button>
        )}
      </div>
    </div>
  );
}

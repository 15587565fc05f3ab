import { useDeferredValue, useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { looksAbsolute } from '../stores/add-folder-form';
import { useStoreListing } from '../stores/store-listing';
import { NO_FILTER, buildRows, filterRows } from '../stores/store-rows';
import { StoreSuggestions } from '../stores/store-suggestions';
import type { KeyTarget } from './key-target';

/** Suggestions shown at once: enough to pick from, few enough to read. */
const MAX_SUGGESTIONS = 8;

/**
 * Which private key: a certificate of the local stores (searched by name, issuer or thumbprint,
 * those with a key first, as FindPrivateKey is given a thumbprint), or any file on the machine the
 * service runs on (a key, a certificate whose key lies next to it, a .pfx).
 */
export function KeyPicker({ onPick }: { onPick: (target: KeyTarget) => void }) {
  const id = useId();
  const { listing, progress, error, ensureLoaded } = useStoreListing();
  const [query, setQuery] = useState('');
  const [withKey, setWithKey] = useState(true);
  const [path, setPath] = useState('');
  const [pathError, setPathError] = useState<string | null>(null);
  const deferredQuery = useDeferredValue(query);

  useEffect(() => ensureLoaded(), [ensureLoaded]);

  const stores = useMemo(() => listing?.stores ?? [], [listing]);
  const rows = useMemo(() => buildRows(stores, listing?.certificates ?? []), [stores, listing]);
  const matches = useMemo(
    () => filterRows(rows, stores, { ...NO_FILTER, text: deferredQuery, filters: withKey ? ['has-key'] : [] }),
    [rows, stores, deferredQuery, withKey],
  );

  const submitPath = (e: FormEvent) => {
    e.preventDefault();
    const value = path.trim();
    if (!looksAbsolute(value)) {
      setPathError(value ? `${value}: give the full path, starting with / (or C:\\ on Windows).` : 'Type the full path of a key, certificate or .pfx file.');
      return;
    }
    setPathError(null);
    onPick({ kind: 'path', path: value, label: value });
  };

  return (
    <div className="key-picker" data-testid="key-picker">
      <div className="picker-part">
        <h3 className="picker-title">
          <label htmlFor={`${id}-search`}>A certificate of the local stores</label>
        </h3>
        <div className="picker-row">
          <input
            id={`${id}-search`}
            className="text-input"
            data-testid="key-search"
            type="search"
            placeholder="Name, issuer or thumbprint"
            spellCheck={false}
            autoComplete="off"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
          <label className="checkbox">
            <input type="checkbox" data-testid="key-search-with-key" checked={withKey} onChange={(e) => setWithKey(e.target.checked)} />
            <span>Only with a private key</span>
          </label>
        </div>
        <StoreSuggestions
          state={{ listing, progress, error }}
          matches={matches}
          max={MAX_SUGGESTIONS}
          emptyText={
            withKey
              ? 'No certificate with a private key matches. Add the folder that holds it under Certificates and stores › Local stores, or give the file below.'
              : 'No certificate matches.'
          }
          onPick={(r) => onPick({ kind: 'thumbprint', thumbprint: r.cert.summary.thumbprintSha1, label: r.subject })}
          testIds={{ list: 'key-suggestions', item: 'key-suggestion', count: 'key-suggestions-count', progress: 'key-stores-progress' }}
        />
      </div>

      <form className="picker-part" onSubmit={submitPath}>
        <h3 className="picker-title">
          <label htmlFor={`${id}-path`}>Or a file on this machine</label>
        </h3>
        <div className="picker-row">
          <input
            id={`${id}-path`}
            className="text-input mono"
            data-testid="key-path"
            type="text"
            placeholder="/etc/ssl/private/site.key"
            spellCheck={false}
            autoComplete="off"
            value={path}
            onChange={(e) => setPath(e.target.value)}
          />
          <button type="submit" className="button secondary" data-testid="key-path-submit">
            Find the key
          </button>
        </div>
        <p className="muted picker-count">A key file, a .pfx, or a certificate whose key lies next to it.</p>
        {pathError && (
          <p className="error-line" role="alert" data-testid="key-path-error">
            {pathError}
          </p>
        )}
      </form>
    </div>
  );
}

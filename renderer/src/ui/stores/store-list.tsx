import { useState } from 'react';
import type { Store, StoreFolder } from '../../../../shared/model/store';
import { WarningIcon } from '../common/icons';

const KIND_WORD: Record<Store['kind'], string> = {
  windows: 'Windows store',
  'system-bundle': 'Trust bundle',
  'anchor-folder': 'Anchor folder',
  nss: 'NSS database',
  folder: 'Added folder',
  'macos-keychain': 'Keychain',
};

/**
 * The stores that were read: what each is, where it is, how many certificates it gave, whether
 * its certificates are trusted roots, and its problem in red. A row narrows the table to that
 * store; added folders can be removed (their files are not touched).
 */
export function StoreList({
  stores,
  folders,
  selected,
  onSelect,
  onRemove,
}: {
  stores: Store[];
  folders: StoreFolder[];
  selected: string | null;
  onSelect: (storeId: string | null) => void;
  /** Absent for a bundle's listing: its folders are on another machine, nothing here can change them. */
  onRemove?: (path: string) => Promise<string | null>;
}) {
  const [removing, setRemoving] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const folderPaths = new Set(folders.map((f) => f.path));

  const remove = async (path: string) => {
    if (!onRemove) return;
    setRemoving(path);
    setError(null);
    const problem = await onRemove(path);
    setRemoving(null);
    if (problem) setError(problem);
  };

  return (
    <section className="store-list" aria-label="Stores read" data-testid="store-list">
      <ul className="plain-list">
        {stores.map((s) => {
          const isSelected = selected === s.id;
          const removable = onRemove !== undefined && s.kind === 'folder' && folderPaths.has(s.location);
          // A folder is named by its path (its label only repeats it, with the trust the badge shows).
          const isFolder = s.kind === 'folder' || s.kind === 'anchor-folder';
          const title = isFolder && s.location ? s.location : s.label;
          const showLocation = !isFolder && s.location && !s.label.includes(s.location);
          return (
            <li key={s.id} className={`store-item${isSelected ? ' is-selected' : ''}${s.error ? ' has-error' : ''}`} data-testid="store-item" data-store-id={s.id} data-kind={s.kind}>
              <div className="store-item-main">
                <p className="store-item-title">
                  <span className="store-kind">{KIND_WORD[s.kind]}</span>
                  <span className={`store-label${isFolder ? ' mono' : ''}`} data-testid="store-label" title={s.label}>
                    {title}
                  </span>
                  {s.trusted && (
                    <span className="mini-badge is-trusted" title="Certificates here are trusted roots: chains may end in them">
                      Trusted roots
                    </span>
                  )}
                </p>
                {showLocation && <p className="store-location mono">{s.location}</p>}
                {s.error && (
                  <p className="store-error" data-testid="store-error" role="note">
                    <WarningIcon size={14} />
                    <span>{s.error}</span>
                  </p>
                )}
              </div>
              <span className="store-count" data-testid="store-count">
                {s.certificateCount.toLocaleString()} certificate{s.certificateCount === 1 ? '' : 's'}
              </span>
              <div className="store-item-actions">
                <button
                  type="button"
                  className="button secondary small"
                  data-testid="store-only"
                  aria-pressed={isSelected}
                  disabled={s.certificateCount === 0}
                  onClick={() => onSelect(isSelected ? null : s.id)}
                >
                  {isSelected ? 'Show all stores' : 'Show only these'}
                </button>
                {removable && (
                  <button
                    type="button"
                    className="button secondary small"
                    data-testid="store-remove"
                    disabled={removing !== null}
                    title="Stop reading this folder as a store (its files are not touched)"
                    onClick={() => void remove(s.location)}
                  >
                    {removing === s.location ? 'Removing…' : 'Remove'}
                  </button>
                )}
              </div>
            </li>
          );
        })}
      </ul>
      {error && (
        <p className="error-line" role="alert" data-testid="store-remove-error">
          {error}
        </p>
      )}
    </section>
  );
}

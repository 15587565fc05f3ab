import { ProgressBar } from '../common/progress-bar';
import type { StoreListingState } from './store-listing';
import type { StoreRow } from './store-rows';
import './stores.css';

const KEY_WORD = { yes: 'private key found', missing: 'private key missing', no: 'no private key', unknown: 'private key not known' } as const;

/**
 * Certificates of the local stores offered as choices (Diagnose's "from this machine's stores" and the
 * Private keys picker), with the listing's own state: its progress while the stores are read, why they
 * could not be, then the first `max` matches as buttons and how many matched, so a long listing asks
 * for a narrower search instead of a long scroll. `emptyText` says what to do when none matches.
 */
export function StoreSuggestions({
  state,
  matches,
  max,
  emptyText,
  onPick,
  testIds,
}: {
  state: Pick<StoreListingState, 'listing' | 'progress' | 'error'>;
  matches: readonly StoreRow[];
  max: number;
  emptyText: string;
  onPick: (row: StoreRow) => void;
  testIds: { list?: string; item: string; count: string; progress: string };
}) {
  return (
    <>
      {state.progress && !state.listing && <ProgressBar progress={state.progress} what="Reading the certificate stores" testId={testIds.progress} indeterminate />}
      {state.error && (
        <p className="error-line" role="alert">
          The stores could not be read: {state.error}
        </p>
      )}
      {state.listing && <Matches matches={matches} max={max} emptyText={emptyText} onPick={onPick} testIds={testIds} />}
    </>
  );
}

function Matches({
  matches,
  max,
  emptyText,
  onPick,
  testIds,
}: {
  matches: readonly StoreRow[];
  max: number;
  emptyText: string;
  onPick: (row: StoreRow) => void;
  testIds: { list?: string; item: string; count: string };
}) {
  return (
    <>
      <ul className="suggestions" data-testid={testIds.list} aria-label="Matching certificates">
        {matches.slice(0, max).map((r) => (
          <li key={r.id}>
            <button type="button" className="suggestion" data-testid={testIds.item} data-thumbprint={r.cert.summary.thumbprintSha1} onClick={() => onPick(r)}>
              <span className="suggestion-name">{r.subject}</span>
              <span className="suggestion-meta">
                {r.cert.summary.selfSigned.value ? 'self-signed' : `issued by ${r.issuer}`} · {r.storeLabel} · {KEY_WORD[r.key]}
              </span>
              <span className="suggestion-thumb mono">{r.cert.summary.thumbprintSha1}</span>
            </button>
          </li>
        ))}
      </ul>
      <p className="muted picker-count" data-testid={testIds.count}>
        {matches.length === 0
          ? emptyText
          : matches.length > max
            ? `${max} of ${matches.length.toLocaleString()} matches shown: type more to narrow them.`
            : `${matches.length} match${matches.length === 1 ? '' : 'es'}.`}
      </p>
    </>
  );
}

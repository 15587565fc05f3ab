import { useRef, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ValidityStatus } from '../../../../shared/model/certificate';
import { formatLocalDate, formatLocalDateTime } from '../../lib/dates';
import type { KeyWord, StoreRow } from './store-rows';

/** Row height in pixels: one line per row, so the virtualizer never has to measure. */
const ROW_HEIGHT = 38;

const KEY_TEXT: Record<KeyWord, string> = { yes: 'Yes', missing: 'Missing', no: 'No', unknown: 'Not known' };
const KEY_TITLE: Record<KeyWord, string> = {
  yes: 'The private key was found',
  missing: 'A private key is associated, but its key file is gone',
  no: 'This store holds no private key for it',
  unknown: 'The store cannot tell whether it has a private key',
};
const CLIENT_AUTH_TEXT: Record<StoreRow['clientAuth'], string> = { yes: 'Yes', no: 'No', unknown: 'Not known', 'not-judged': '—' };
/** The cell's tooltip: the verdict's own sentence, as the certificate's card says it. */
function clientAuthTitle(row: StoreRow): string {
  return row.cert.clientAuth?.sentence ?? 'This listing was made before Certbench judged each certificate; open it to see its verdict';
}
const VALIDITY_TEXT: Partial<Record<ValidityStatus, string>> = { expired: 'Expired', 'not-yet-valid': 'Not yet valid' };

/** 40 hex digits do not fit a column: the start, as people read them out; the title and the filter have it all. */
function shortThumbprint(t: string): string {
  return t.length > 10 ? `${t.slice(0, 8)}…` : t;
}

/**
 * Every store certificate in one table that stays fast at 5,000 rows and more: only the rows in
 * view are in the DOM (TanStack Virtual), all rows are one line high, and the header is outside
 * the scrolled area. A row opens the certificate (click, Enter or Space). `data-filter-text` says
 * which text the rows shown were filtered by (the box may be a keystroke ahead while React catches up).
 */
export function StoreTable({ rows, total, filterText, onOpen }: { rows: StoreRow[]; total: number; filterText: string; onOpen: (row: StoreRow) => void }) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    getItemKey: (i) => rows[i]!.id,
  });

  const onKey = (e: KeyboardEvent<HTMLDivElement>, row: StoreRow, index: number) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onOpen(row);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      // Arrow keys move between rows, scrolling the next one into view first (it may not be rendered yet).
      e.preventDefault();
      const next = Math.max(0, Math.min(rows.length - 1, index + (e.key === 'ArrowDown' ? 1 : -1)));
      virtualizer.scrollToIndex(next);
      requestAnimationFrame(() => scroller.current?.querySelector<HTMLElement>(`[data-index="${next}"]`)?.focus());
    }
  };

  return (
    <div className="store-table" role="table" aria-label="Certificates in the local stores" aria-rowcount={rows.length + 1} data-testid="store-table" data-filter-text={filterText}>
      <div className="store-table-head" role="rowgroup">
        <div className="store-row is-head" role="row" aria-rowindex={1}>
          <span role="columnheader">Subject</span>
          <span role="columnheader" className="cell-issuer">
            Issuer
          </span>
          <span role="columnheader">Expires</span>
          <span role="columnheader">Store</span>
          <span role="columnheader" title="Whether the private key was found">
            Private key
          </span>
          <span role="columnheader" title="Whether it can authenticate a client: the same verdict as its card (EKU, Key Usage, validity, private key, chain)">
            Client auth
          </span>
          <span role="columnheader" title="SHA-1 thumbprint, as Windows shows it">
            Thumbprint
          </span>
        </div>
      </div>
      <div className="store-table-body" ref={scroller} data-testid="store-table-body" role="rowgroup">
        {rows.length === 0 ? (
          <p className="store-table-empty" data-testid="store-table-empty">
            {total === 0 ? 'No certificates in the stores read so far.' : `None of the ${total.toLocaleString()} certificates match the filter.`}
          </p>
        ) : (
          <div className="store-table-canvas" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => {
              const row = rows[item.index]!;
              const s = row.cert.summary;
              const validity = VALIDITY_TEXT[s.validity.status];
              return (
                <div
                  key={item.key}
                  className="store-row"
                  role="row"
                  tabIndex={0}
                  aria-rowindex={item.index + 2}
                  data-index={item.index}
                  data-testid="store-row"
                  data-thumbprint={s.thumbprintSha1}
                  data-key={row.key}
                  style={{ transform: `translateY(${item.start}px)` }}
                  title={`${s.subject.rfc4514 || '(empty subject)'}\nOpen to see every detail`}
                  onClick={() => onOpen(row)}
                  onKeyDown={(e) => onKey(e, row, item.index)}
                >
                  <span role="cell" className="cell-subject" data-testid="cell-subject">
                    {row.subject}
                  </span>
                  <span role="cell" className="cell-muted cell-issuer" title={s.issuer.rfc4514}>
                    {s.selfSigned.value ? <span className="cell-note">Self-signed</span> : row.issuer}
                  </span>
                  <span role="cell" className="cell-expires" title={formatLocalDateTime(s.notAfter)}>
                    <time dateTime={s.notAfter}>{formatLocalDate(s.notAfter)}</time>
                    {validity && (
                      <span className={`mini-badge is-${s.validity.status}`} data-testid="cell-validity">
                        {validity}
                      </span>
                    )}
                  </span>
                  <span role="cell" className="cell-muted" data-testid="cell-store" title={row.storeLabel}>
                    {row.storeShort}
                  </span>
                  <span role="cell" className={`cell-key is-${row.key}`} data-testid="cell-key" title={row.cert.key.path ?? row.cert.key.detail ?? KEY_TITLE[row.key]}>
                    {KEY_TEXT[row.key]}
                  </span>
                  <span role="cell" className={`cell-eku is-${row.clientAuth}`} data-testid="cell-eku" data-usable={String(row.cert.clientAuth?.usable ?? 'not-judged')} title={clientAuthTitle(row)}>
                    {CLIENT_AUTH_TEXT[row.clientAuth]}
                  </span>
                  <span role="cell" className="cell-thumb mono" title={s.thumbprintSha1}>
                    {/* In full where the window has room for it (stores.css), shortened otherwise; the certificate's dialog copies it. */}
                    <span className="thumb-full">{s.thumbprintSha1}</span>
                    <span className="thumb-short" aria-hidden="true">
                      {shortThumbprint(s.thumbprintSha1)}
                    </span>
                  </span>
                </div>
              );
            })}
          </div>
        )}
      </div>
    </div>
  );
}

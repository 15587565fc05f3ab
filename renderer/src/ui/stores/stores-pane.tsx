import { useDeferredValue, useEffect, useMemo, useState } from 'react';
import type { Finding, Severity } from '../../../../shared/findings/catalogue';
import type { StoreCertificate } from '../../../../shared/model/store';
import { formatLocalDateTime } from '../../lib/dates';
import { FindingsList } from '../certificates/findings-list';
import { ProgressBar } from '../common/progress-bar';
import { AddFolderForm } from './add-folder-form';
import { StoreCertificateDialog } from './store-certificate-dialog';
import { StoreFilterBar } from './store-filter-bar';
import { StoreList } from './store-list';
import { useStoreListing } from './store-listing';
import { NO_FILTER, buildRows, chipCounts, filterRows, type RowFilter } from './store-rows';
import { StoreTable } from './store-table';

/**
 * "Local stores": what certlm.msc and `certutil -store` show, for every store of this machine and
 * the folders the user added, in one table with the filters a helpdesk needs, the store findings
 * on top, and each certificate one click from its full view and its private key.
 */
export function StoresPane() {
  const { listing, progress, error, load, ensureLoaded, addFolder, removeFolder } = useStoreListing();
  const [adding, setAdding] = useState(false);
  const [filter, setFilter] = useState<RowFilter>(NO_FILTER);
  const [opened, setOpened] = useState<StoreCertificate | null>(null);

  useEffect(() => ensureLoaded(), [ensureLoaded]);

  const stores = useMemo(() => listing?.stores ?? [], [listing]);
  const certificates = useMemo(() => listing?.certificates ?? [], [listing]);
  const rows = useMemo(() => buildRows(stores, certificates), [stores, certificates]);
  const counts = useMemo(() => chipCounts(stores, certificates), [stores, certificates]);
  // The box shows every keystroke at once; the table follows as soon as React has a moment.
  const deferred = useDeferredValue(filter);
  // A store removed since it was chosen is no longer a filter.
  const effective = useMemo(
    () => (deferred.storeId && !stores.some((s) => s.id === deferred.storeId) ? { ...deferred, storeId: null } : deferred),
    [deferred, stores],
  );
  const shown = useMemo(() => filterRows(rows, stores, effective), [rows, stores, effective]);

  return (
    <div className="stores-pane" data-testid="stores-pane">
      <p className="intro">
        Every certificate store this machine has, and folders of certificate and key files you add: which certificates are there, whether
        their private key was found, and whether they can be used to log on with a client certificate.
      </p>

      <div className="toolbar">
        <button type="button" className="button primary" data-testid="add-folder" aria-expanded={adding} onClick={() => setAdding((v) => !v)}>
          Add folder…
        </button>
        <button type="button" className="button secondary" data-testid="stores-refresh" disabled={progress !== null} onClick={() => load(true)}>
          Refresh
        </button>
        {listing && (
          <span className="summary" data-testid="stores-summary">
            {listing.stores.length} store{listing.stores.length === 1 ? '' : 's'} · {listing.certificates.length.toLocaleString()} certificate
            {listing.certificates.length === 1 ? '' : 's'} · read {formatLocalDateTime(listing.listedAt)}
          </span>
        )}
      </div>

      {adding && <AddFolderForm onAdd={addFolder} onDone={() => setAdding(false)} />}
      {progress && <ProgressBar progress={progress} what="Reading the certificate stores" testId="stores-progress" indeterminate />}
      {error && (
        <p className="error-line" role="alert" data-testid="stores-error">
          {error}
        </p>
      )}

      {listing && (
        <>
          <StoreList stores={stores} folders={listing.folders} selected={effective.storeId} onSelect={(storeId) => setFilter((f) => ({ ...f, storeId }))} onRemove={removeFolder} />
          {listing.findings.length > 0 && <StoreFindings findings={listing.findings} />}
          <section className="store-certificates" aria-label="Certificates">
            <StoreFilterBar filter={filter} onChange={setFilter} counts={counts} shown={shown.length} total={rows.length} />
            <StoreTable rows={shown} total={rows.length} filterText={effective.text} onOpen={(row) => setOpened(row.cert)} />
          </section>
        </>
      )}

      <StoreCertificateDialog cert={opened} stores={stores} all={certificates} onClose={() => setOpened(null)} />
    </div>
  );
}

const SEVERITY_WORDS: Record<Severity, [string, string]> = { error: ['error', 'errors'], warning: ['warning', 'warnings'], info: ['note', 'notes'] };

/**
 * The store findings above the table: open when one is an error (it breaks client authentication),
 * otherwise folded to one line with their titles, so the table stays near the top of the page.
 */
function StoreFindings({ findings }: { findings: Finding[] }) {
  const counts = (['error', 'warning', 'info'] as const)
    .map((sev) => [sev, findings.filter((f) => f.severity === sev).length] as const)
    .filter(([, n]) => n > 0);
  const [open, setOpen] = useState(() => findings.some((f) => f.severity === 'error'));
  return (
    <details className="store-findings" open={open} onToggle={(e) => setOpen(e.currentTarget.open)} data-testid="store-findings">
      <summary data-testid="store-findings-toggle">
        <span className="store-findings-head">
          <span className="section-heading">What is wrong in the stores</span>
          {counts.map(([sev, n]) => (
            <span key={sev} className={`mini-badge is-${sev}`}>
              {n} {SEVERITY_WORDS[sev][n === 1 ? 0 : 1]}
            </span>
          ))}
          <span className="muted store-findings-hint">{open ? 'hide' : 'show the evidence'}</span>
        </span>
        {!open && <span className="store-findings-titles">{findings.map((f) => f.title).join(' · ')}</span>}
      </summary>
      <FindingsList findings={findings} />
    </details>
  );
}

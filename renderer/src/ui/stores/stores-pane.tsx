import { useDeferredValue, useEffect, useMemo, useState } from 'react';
import type { Finding, Severity } from '../../../../shared/findings/catalogue';
import type { OpenedBundle } from '../../../../shared/model/bundle';
import type { Store, StoreCertificate, StoreFolder } from '../../../../shared/model/store';
import { formatLocalDateTime } from '../../lib/dates';
import { FindingsList } from '../certificates/findings-list';
import { BundleBanner } from '../common/bundle-banner';
import { ProgressBar } from '../common/progress-bar';
import { useBundleView } from '../shell/bundle-view';
import { AddFolderForm } from './add-folder-form';
import { bundleStores, redactedNote } from './bundle-stores';
import { StoreCertificateDialog, type BundleOrigin } from './store-certificate-dialog';
import { StoreFilterBar } from './store-filter-bar';
import { StoreList } from './store-list';
import { useStoreListing } from './store-listing';
import { NO_FILTER, buildRows, chipCounts, filterRows, type RowFilter } from './store-rows';
import { StoreTable } from './store-table';
import './stores.css';

/**
 * "Local stores": what certlm.msc and `certutil -store` show, for every store of this machine and
 * the folders the user added, in one table with the filters a helpdesk needs, the store findings
 * on top, and each certificate one click from its full view and its private key. With a bundle
 * open, the bundle's listing is shown read-only instead; this machine's stays mounted underneath,
 * so closing the bundle brings it back with its filters.
 */
export function StoresPane() {
  const { bundle } = useBundleView();
  return (
    <>
      {bundle && <BundleStoresPane key={`${bundle.file}|${bundle.manifest.createdAt}`} bundle={bundle} />}
      <LiveStoresPane hidden={bundle !== null} />
    </>
  );
}

function LiveStoresPane({ hidden }: { hidden: boolean }) {
  const { listing, progress, error, load, ensureLoaded, addFolder, removeFolder } = useStoreListing();
  const [adding, setAdding] = useState(false);

  // This machine's stores are read when they are first shown, not while a bundle covers them.
  useEffect(() => {
    if (!hidden) ensureLoaded();
  }, [hidden, ensureLoaded]);

  return (
    <div className="stores-pane" data-testid="stores-pane" hidden={hidden}>
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
            {listingSummary(listing.stores.length, listing.certificates.length)} · read {formatLocalDateTime(listing.listedAt)}
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
        <StoresBody stores={listing.stores} certificates={listing.certificates} findings={listing.findings} folders={listing.folders} onRemove={removeFolder} />
      )}
    </div>
  );
}

function listingSummary(stores: number, certificates: number): string {
  return `${stores} store${stores === 1 ? '' : 's'} · ${certificates.toLocaleString()} certificate${certificates === 1 ? '' : 's'}`;
}

/**
 * A bundle's listing: the same list, findings, filters, table and dialog, with nothing that
 * acts on this machine (no Refresh, no folders to add or remove, no "Show private key").
 */
function BundleStoresPane({ bundle }: { bundle: OpenedBundle }) {
  const view = useMemo(() => bundleStores(bundle), [bundle]);
  const host = bundle.manifest.host;
  // One object per bundle: the dialog analyses a chain again when it changes.
  const origin = useMemo<BundleOrigin>(() => ({ host, at: view.state === 'listed' ? view.listedAt : bundle.manifest.createdAt }), [host, view, bundle.manifest.createdAt]);
  const note = view.state === 'listed' ? redactedNote(view.withoutDer, view.certificates.length, bundle.manifest.redactions) : null;
  return (
    <div className="stores-pane" data-testid="stores-bundle-pane">
      <BundleBanner />
      {view.state === 'empty' ? (
        <p className="bundle-empty" data-testid="stores-bundle-empty">
          {view.reason}
        </p>
      ) : (
        <>
          <p className="summary" data-testid="stores-bundle-summary">
            The certificate stores of <strong>{host}</strong> as listed {formatLocalDateTime(view.listedAt)}: {listingSummary(view.stores.length, view.certificates.length)}.
          </p>
          {note && (
            <p className="muted" data-testid="stores-bundle-redacted">
              {note}
            </p>
          )}
          <StoresBody stores={view.stores} certificates={view.certificates} findings={view.findings} folders={[]} fromBundle={origin} />
        </>
      )}
    </div>
  );
}

/** The stores, their findings, the filters, the table and the certificate dialog, for any listing. */
function StoresBody({
  stores,
  certificates,
  findings,
  folders,
  onRemove,
  fromBundle = null,
}: {
  stores: Store[];
  certificates: StoreCertificate[];
  findings: Finding[];
  folders: StoreFolder[];
  onRemove?: (path: string) => Promise<string | null>;
  fromBundle?: BundleOrigin | null;
}) {
  const [filter, setFilter] = useState<RowFilter>(NO_FILTER);
  const [opened, setOpened] = useState<StoreCertificate | null>(null);
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
    <>
      <StoreList stores={stores} folders={folders} selected={effective.storeId} onSelect={(storeId) => setFilter((f) => ({ ...f, storeId }))} onRemove={onRemove} />
      {findings.length > 0 && <StoreFindings findings={findings} />}
      <section className="store-certificates" aria-label="Certificates">
        <StoreFilterBar filter={filter} onChange={setFilter} counts={counts} shown={shown.length} total={rows.length} />
        <StoreTable rows={shown} total={rows.length} filterText={effective.text} onOpen={(row) => setOpened(row.cert)} />
      </section>
      <StoreCertificateDialog cert={opened} stores={stores} all={certificates} onClose={() => setOpened(null)} fromBundle={fromBundle} />
    </>
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

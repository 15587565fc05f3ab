import { useEffect, useRef, useState } from 'react';
import type { Req } from '../../../../shared/contract';
import type { RedactionKind } from '../../../../shared/model/bundle';
import { formatBytes } from '../../../../shared/errors';
import { formatLocalDateTime } from '../../lib/dates';
import { CopyButton } from '../common/copy-button';
import { BundleIcon, CheckIcon, LockIcon } from '../common/icons';
import { ProgressBar } from '../common/progress-bar';
import { useLastReport } from '../shell/report-context';
import { useNavigation } from '../shell/navigation';
import { saveBlob } from '../common/save-text';
import { NEVER_INCLUDED, REDACTION_OPTIONS, clip, collectNowRequest, lastDiagnosisWords, redactionWords } from './bundle-words';
import type { ExportState, ExportedBundle } from './use-bundle-export';

type Source = 'last' | 'now';
type LastReport = ReturnType<typeof useLastReport>['report'];

/** What the export form holds: the source, the collect-now inputs, whether stores go in, and the redactions. */
function useExportChoices() {
  const [source, setSource] = useState<Source>('last');
  const [url, setUrl] = useState('');
  const [identity, setIdentity] = useState('');
  const [includeStores, setIncludeStores] = useState(true);
  const [redact, setRedact] = useState<ReadonlySet<RedactionKind>>(() => new Set());
  const toggle = (kind: RedactionKind, on: boolean) =>
    setRedact((s) => {
      const next = new Set(s);
      if (on) next.add(kind);
      else next.delete(kind);
      return next;
    });
  return { source, setSource, url, setUrl, identity, setIdentity, includeStores, setIncludeStores, redact, toggle };
}

type ExportChoices = ReturnType<typeof useExportChoices>;

/**
 * "Export a bundle": what goes in (the last diagnosis of this session, or a collection made now),
 * whether this machine's stores go in, what is redacted (each option with an example, visible
 * before the export), then the export with its progress and the result with Download and Open.
 */
export function ExportPanel({
  current,
  onExport,
  onCancel,
  onOpen,
  opening,
}: {
  current: ExportState;
  onExport: (request: Req<'bundle:export'>) => void;
  onCancel: () => void;
  onOpen: (bundle: ExportedBundle) => void;
  /** The file name being opened right now (so its Open button says so), else null. */
  opening: string | null;
}) {
  const last = useLastReport();
  const choices = useExportChoices();
  const running = current.state === 'running';
  const useLast = last.report !== null && choices.source === 'last';

  const submit = () => {
    const redactions = REDACTION_OPTIONS.map((o) => o.kind).filter((k) => choices.redact.has(k));
    const what = useLast && last.report ? { report: last.report } : { diagnose: collectNowRequest({ url: choices.url, identity: choices.identity }) };
    onExport({ ...what, redact: redactions, includeStores: choices.includeStores });
  };

  return (
    <section className="bundles-card" aria-labelledby="bundles-export-title" data-testid="bundle-export">
      <h3 className="bundles-card-title" id="bundles-export-title">
        Export a bundle
      </h3>
      <p className="muted">
        One zip file with the diagnosis, its evidence and every command that produced it, for a second-line engineer to open in
        Certbench (or to read its report.html in any browser).
      </p>
      <form
        className="bundles-export-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!running) submit();
        }}
      >
        <div className="bundles-export-grid">
          <SourceFieldset choices={choices} report={last.report} useLast={useLast} running={running} />
          <RedactionFieldset redact={choices.redact} toggle={choices.toggle} running={running} />
        </div>
        <ExportToolbar running={running} useLast={useLast} onCancel={onCancel} />
      </form>
      <ExportStatus current={current} onOpen={onOpen} opening={opening} />
    </section>
  );
}

/** "What goes in": the last diagnosis or a collection made now (with its optional address and identity), and the stores. */
function SourceFieldset({ choices, report, useLast, running }: { choices: ExportChoices; report: LastReport; useLast: boolean; running: boolean }) {
  const navigation = useNavigation();
  const { source, setSource, includeStores, setIncludeStores } = choices;
  return (
    <fieldset className="bundles-fieldset" data-testid="bundle-source">
      <legend className="bundles-legend">What goes in</legend>
      {report ? (
        <>
          <label className="checkbox bundles-choice" title={report.summary}>
            <input
              type="radio"
              name="bundle-source"
              checked={source === 'last'}
              onChange={() => setSource('last')}
              disabled={running}
              data-testid="bundle-source-last"
            />
            <span data-testid="bundle-last-report">{lastDiagnosisWords(report, (iso) => formatLocalDateTime(iso))}</span>
          </label>
          <label className="checkbox bundles-choice">
            <input type="radio" name="bundle-source" checked={source === 'now'} onChange={() => setSource('now')} disabled={running} data-testid="bundle-source-now" />
            <span>A new collection, made now</span>
          </label>
        </>
      ) : (
        <p className="muted" data-testid="bundle-no-report">
          No diagnosis was made in this session, so the export collects now. For a fuller collection (a client certificate,
          attached logs and configuration files) use the{' '}
          <button type="button" className="link-button" onClick={() => navigation.go('findings')}>
            Diagnose page
          </button>{' '}
          first.
        </p>
      )}
      {!useLast && <CollectNowFields choices={choices} hasReport={report !== null} running={running} />}
      <label className="checkbox bundles-stores">
        <input type="checkbox" checked={includeStores} onChange={(e) => setIncludeStores(e.target.checked)} disabled={running} data-testid="bundle-include-stores" />
        <span>Include this machine&apos;s certificate stores (public certificates and key file permissions only)</span>
      </label>
    </fieldset>
  );
}

/** The optional server address and identity of a collection made now. */
function CollectNowFields({ choices, hasReport, running }: { choices: ExportChoices; hasReport: boolean; running: boolean }) {
  return (
    <div className="bundles-collect" data-testid="bundle-collect-form">
      <CollectField label="Server address (optional)" placeholder="https://shop.contoso.com/secure/" value={choices.url} onChange={choices.setUrl} running={running} testId="bundle-url" />
      <CollectField label="Identity that must read the key (optional)" placeholder="IIS AppPool\Shop or www-data" value={choices.identity} onChange={choices.setIdentity} running={running} testId="bundle-identity" />
      {hasReport && (
        <p className="bundles-hint muted">
          A fuller collection (with a client certificate, attached logs and configuration files) is made on the Diagnose page.
        </p>
      )}
    </div>
  );
}

interface CollectFieldProps {
  label: string;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
  running: boolean;
  testId: string;
}

/** One labelled text input of the collect-now form (monospace: addresses and account names are typed exactly). */
function CollectField({ label, placeholder, value, onChange, running, testId }: CollectFieldProps) {
  return (
    <label className="bundles-field">
      <span className="field-label">{label}</span>
      <input
        className="text-input mono"
        type="text"
        placeholder={placeholder}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        disabled={running}
        spellCheck={false}
        autoComplete="off"
        data-testid={testId}
      />
    </label>
  );
}

/** "Redact before export": each option with its example, and what never goes in whatever is chosen. */
function RedactionFieldset({ redact, toggle, running }: { redact: ReadonlySet<RedactionKind>; toggle: (kind: RedactionKind, on: boolean) => void; running: boolean }) {
  return (
    <fieldset className="bundles-fieldset" data-testid="bundle-redactions">
      <legend className="bundles-legend">Redact before export</legend>
      <p className="bundles-hint muted">Replaced by the same stand-in in every file of the bundle, so it still reads consistently.</p>
      {REDACTION_OPTIONS.map((o) => (
        <label key={o.kind} className="checkbox bundles-redaction">
          <input
            type="checkbox"
            checked={redact.has(o.kind)}
            onChange={(e) => toggle(o.kind, e.target.checked)}
            disabled={running}
            data-testid="bundle-redact"
            data-kind={o.kind}
          />
          <span>
            <span className="bundles-redaction-label">{o.label}</span>
            <span className="bundles-example">{o.example}</span>
          </span>
        </label>
      ))}
      <p className="bundles-never" data-testid="bundle-never">
        <LockIcon size={15} />
        {NEVER_INCLUDED}
      </p>
    </fieldset>
  );
}

function ExportToolbar({ running, useLast, onCancel }: { running: boolean; useLast: boolean; onCancel: () => void }) {
  return (
    <div className="toolbar">
      <button type="submit" className="button primary" disabled={running} data-testid="bundle-export-run">
        <BundleIcon size={18} />
        {running ? 'Exporting…' : 'Export bundle'}
      </button>
      {running && (
        <button type="button" className="button secondary" onClick={onCancel} data-testid="bundle-export-cancel">
          Cancel
        </button>
      )}
      <span className="bundles-toolbar-note muted">
        {useLast ? 'Exports the diagnosis already made: nothing is collected again.' : 'Collects now, then writes the bundle.'}
      </span>
    </div>
  );
}

/** The export under way (progress), failed (why), or done (the result). */
function ExportStatus({ current, onOpen, opening }: { current: ExportState; onOpen: (bundle: ExportedBundle) => void; opening: string | null }) {
  return (
    <>
      {current.state === 'running' && (
        <ProgressBar progress={current.progress} indeterminate={current.indeterminate} what="Exporting the bundle" testId="bundle-export-progress" />
      )}
      {current.state === 'failed' && (
        <p className="error-line" role="alert" data-testid="bundle-export-error">
          {current.message}
        </p>
      )}
      {current.state === 'done' && <ExportResult bundle={current.bundle} onOpen={onOpen} opening={opening === current.bundle.fileName} />}
    </>
  );
}

/** The finished export: what the file is, where it was saved, what is in it, and what to do with it. */
function ExportResult({ bundle, onOpen, opening }: { bundle: ExportedBundle; onOpen: (b: ExportedBundle) => void; opening: boolean }) {
  const m = bundle.manifest;
  const box = useRef<HTMLDivElement>(null);
  // The result appears under the form, often below the fold: bring it into view once per export.
  // Braces matter: newer engines return a Promise from scrollIntoView, and React would call it as the cleanup.
  useEffect(() => {
    box.current?.scrollIntoView?.({ block: 'nearest', behavior: 'smooth' });
  }, [bundle.id]);
  return (
    <div className="bundles-result" ref={box} data-testid="bundle-result" data-file={bundle.fileName}>
      <div className="bundles-result-head">
        <span className="bundles-result-icon" aria-hidden="true">
          <CheckIcon size={20} />
        </span>
        <div className="bundles-result-title">
          <strong data-testid="bundle-result-name">{bundle.fileName}</strong>
          <span className="muted" data-testid="bundle-result-size">
            {' '}
            · {formatBytes(bundle.bytes)} · redacted: {redactionWords(m.redactions)}
          </span>
        </div>
        <div className="bundles-result-actions">
          <button
            type="button"
            className="button primary small"
            title="Save a copy where your browser saves downloads"
            onClick={() => saveBlob(bundle.fileName, bundle.blob)}
            data-testid="bundle-download"
          >
            Download
          </button>
          <button type="button" className="button secondary small" disabled={opening} onClick={() => onOpen(bundle)} data-testid="bundle-open-here">
            {opening ? 'Opening…' : 'Open it here'}
          </button>
        </div>
      </div>
      <div className="bundles-saved">
        <span className="field-label">Saved to</span>
        <span className="bundles-path-row">
          <code className="bundles-path" data-testid="bundle-result-path">
            {bundle.path}
          </code>
          <CopyButton value={bundle.path} what="the bundle's path" />
        </span>
      </div>
      <div>
        <span className="field-label">Collected</span>
        <ul className="bundles-collected" data-testid="bundle-collected">
          {m.collected.length > 0 ? m.collected.map((c, i) => <li key={i}>{clip(c, 300)}</li>) : <li className="muted">Nothing was listed as collected.</li>}
        </ul>
      </div>
    </div>
  );
}

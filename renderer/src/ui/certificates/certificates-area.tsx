import { useEffect, useMemo, useRef, useState } from 'react';
import { CERTIFICATE_FILE_TYPES, HiddenFileInput } from '../common/hidden-file-input';
import { ProgressBar } from '../common/progress-bar';
import { UploadIcon } from '../common/icons';
import { Tabs } from '../common/tabs';
import { useFileDrop } from '../common/use-file-drop';
import { StoresPane } from '../stores/stores-pane';
import { CertificateDialogProvider } from './certificate-dialog';
import { FileResult } from './file-result';
import { matchKeysAcrossFiles } from './key-match';
import { useChainAnalysis, type ChainAnalysis } from './use-chain-analysis';
import { ChainSettingsBar, DEFAULT_CHAIN_SETTINGS, type ChainSettings } from './chain-settings';
import { useInspectQueue } from './use-inspect-queue';
import { markAsFolder } from './inspect-file';
import { OpenedList } from './opened-list';
import { useAnnounce } from '../shell/announcer';
import './certificates.css';


type Tab = 'files' | 'stores';

const TABS = [
  { id: 'files', label: 'Opened files' },
  { id: 'stores', label: 'Local stores' },
] as const;

/**
 * The Certificates and stores area: "Opened files" (open or drop files, watch progress, read the
 * results) and "Local stores" (stores/stores-pane.tsx). Drops are accepted anywhere on the pane,
 * not only on the drop zone, since users aim loosely; a drop on the stores tab goes to the opened
 * files and shows them. Any certificate of a chain opens in one dialog shared by the whole area.
 */
/** Files handed over by another screen (the first screen's "A certificate file"); a new nonce opens them. */
export interface CertificateSeed {
  files: File[];
  nonce: number;
}

export function CertificatesArea({ tab, onTab, seed = null }: { tab: Tab; onTab: (tab: Tab) => void; seed?: CertificateSeed | null }) {
  // The stores are read the first time their tab is shown, then kept (with their filters) while switching.
  const [storesVisited, setStoresVisited] = useState(tab === 'stores');
  if (tab === 'stores' && !storesVisited) setStoresVisited(true);
  return (
    <CertificateDialogProvider>
      <CertificatesPane tab={tab} onTab={onTab} storesVisited={storesVisited} seed={seed} />
    </CertificateDialogProvider>
  );
}

/** The opened files, their counts, the chain analysis and which file's details are shown. */
function useOpenedFiles(seed: CertificateSeed | null) {
  const queue = useInspectQueue();
  const { batches, progress, addFiles } = queue;
  const seeded = useRef(0);
  useEffect(() => {
    if (!seed || seed.nonce === seeded.current) return;
    seeded.current = seed.nonce;
    addFiles(seed.files);
  }, [seed, addFiles]);

  // In the order opened; keys matched to certificates of other files too.
  const files = useMemo(() => matchKeysAcrossFiles(batches.flatMap((b) => b.files)), [batches]);
  const [chainSettings, setChainSettings] = useState<ChainSettings>(DEFAULT_CHAIN_SETTINGS);
  const [selected, setSelected] = useState<string | null>(null);
  // One file's details at a time: the one chosen in the list, else the first opened, so files opened
  // later join the list without replacing what is being read.
  const shown = files.some((f) => f.key === selected) ? selected : (files[0]?.key ?? null);
  const chains = useChainAnalysis(files, progress === null, chainSettings);
  const counts = {
    files: files.length,
    certificates: files.reduce((n, f) => n + f.certificates.length, 0),
    // A wrong password is still a file waiting for its password, not a broken file.
    locked: files.filter((f) => f.error?.code === 'password-required' || f.error?.code === 'wrong-password').length,
    errors: 0,
  };
  counts.errors = files.filter((f) => f.error).length - counts.locked;
  useAnnounceWhenRead(progress !== null, counts);
  return { ...queue, files, chainSettings, setChainSettings, shown, setSelected, chains, counts, hasResults: batches.length > 0 };
}

type Counts = { files: number; certificates: number; locked: number; errors: number };
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** When a reading run ends, a screen reader hears what is open now (the results appear without moving the focus). */
function useAnnounceWhenRead(reading: boolean, counts: Counts) {
  const announce = useAnnounce();
  const wasReading = useRef(false);
  useEffect(() => {
    if (reading) wasReading.current = true;
    else if (wasReading.current) {
      wasReading.current = false;
      announce(`${plural(counts.files, 'file')} open, ${plural(counts.certificates, 'certificate')}${counts.locked ? `, ${counts.locked} waiting for a password` : ''}.`);
    }
  }, [reading, counts.files, counts.certificates, counts.locked, announce]);
}

function CertificatesPane({ tab, onTab, storesVisited, seed }: { tab: Tab; onTab: (tab: Tab) => void; storesVisited: boolean; seed: CertificateSeed | null }) {
  const opened = useOpenedFiles(seed);
  const { addFiles } = opened;
  const drop = useFileDrop((dropped, data) => {
    onTab('files');
    // A dropped folder arrives as a File that cannot be read; the entry API says it is a folder.
    Array.from(data.items).filter((item) => item.kind === 'file').forEach((item, i) => {
      const file = dropped[i];
      if (file && item.webkitGetAsEntry?.()?.isDirectory) markAsFolder(file);
    });
    addFiles(dropped);
  });

  return (
    <main className={`pane${drop.dragging ? ' is-dragging' : ''}`} data-testid="certificates-pane" {...drop.handlers}>
      <div className={`pane-inner${tab === 'stores' ? ' is-wide' : ''}`}>
        <Tabs tabs={TABS} selected={tab} onSelect={onTab} label="Certificates and stores" idPrefix="certificates" />
        <div className="tab-panel" role="tabpanel" id="certificates-panel-files" aria-labelledby="certificates-tab-files" hidden={tab !== 'files'}>
          <p className="intro">
            Open certificate files to see who they identify, whether they are valid today, and whether they can be
            used to log on to a server with a client certificate.
          </p>
          <FilesToolbar onFiles={addFiles} onClear={opened.clear} canClear={opened.hasResults || opened.progress !== null} counts={opened.counts} />
          {opened.leftOutAfterReload > 0 && <LeftOutAfterReload count={opened.leftOutAfterReload} />}
          {opened.progress && <ProgressBar progress={opened.progress} />}
          {!opened.progress && opened.chains.progress && <ProgressBar progress={opened.chains.progress} what="Checking certificate chains" testId="chain-progress" />}
          <DropZone compact={opened.hasResults} active={drop.dragging} />
          {opened.hasResults && <OpenedResults opened={opened} />}
        </div>
        {storesVisited && (
          <div className="tab-panel" role="tabpanel" id="certificates-panel-stores" aria-labelledby="certificates-tab-stores" hidden={tab !== 'stores'}>
            <StoresPane />
          </div>
        )}
      </div>
    </main>
  );
}

/** Open and Clear, and what is open in one line. */
function FilesToolbar({ onFiles, onClear, canClear, counts }: { onFiles: (files: File[]) => void; onClear: () => void; canClear: boolean; counts: Counts }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <div className="toolbar">
      <button type="button" className="button primary" data-testid="open-files" onClick={() => input.current?.click()}>
        <UploadIcon size={18} />
        Open certificate files
      </button>
      <HiddenFileInput inputRef={input} accept={CERTIFICATE_FILE_TYPES} multiple testId="file-input" label="Open certificate files" onFiles={onFiles} />
      <button type="button" className="button secondary" data-testid="clear" onClick={onClear} disabled={!canClear}>
        Clear
      </button>
      {counts.files > 0 && (
        <span className="summary" data-testid="summary">
          {plural(counts.files, 'file')} · {plural(counts.certificates, 'certificate')}
          {counts.locked > 0 && (
            <>
              {' · '}
              <span className="summary-locked">
                {plural(counts.locked, 'file')} {counts.locked === 1 ? 'needs' : 'need'} a password
              </span>
            </>
          )}
          {counts.errors > 0 && (
            <>
              {' · '}
              <span className="summary-errors">{plural(counts.errors, 'file')} with problems</span>
            </>
          )}
        </span>
      )}
    </div>
  );
}

function LeftOutAfterReload({ count }: { count: number }) {
  return (
    <p className="muted" data-testid="reload-left-out">
      {count === 1 ? 'One file' : `${count} files`} with a private key or a password {count === 1 ? 'was' : 'were'} not kept when the page was
      reloaded (secrets are never stored): open {count === 1 ? 'it' : 'them'} again.
    </p>
  );
}

function DropZone({ compact, active }: { compact: boolean; active: boolean }) {
  return (
    <div className={`drop-zone${compact ? ' is-compact' : ''}${active ? ' is-active' : ''}`} data-testid="drop-zone">
      <UploadIcon size={compact ? 20 : 36} />
      <div>
        <p className="drop-title">Drop certificate files here: .pem, .crt, .cer, .der, .pfx, .p12, .p7b or .key</p>
        {!compact && (
          <p className="drop-hint">
            One or many certificates per file, with their chain and private keys; up to 16 MB each. Files are read on this
            machine only; a .pfx asks for its password here.
          </p>
        )}
      </div>
    </div>
  );
}

/** The trust line, the compact list of opened files, the chain settings and the shown file's details. */
function OpenedResults({ opened }: { opened: ReturnType<typeof useOpenedFiles> }) {
  const { files, chains, shown, setSelected, reopening, reopen } = opened;
  // Validity is judged on this machine's clock at render time (the service's checkedAt may be older).
  const now = new Date();
  return (
    <div className="results" data-testid="results">
      {chains.trust && <TrustLine trust={chains.trust} leftOut={chains.leftOut} />}
      {files.length > 1 && (
        <OpenedList
          files={files}
          analyses={chains.targets}
          selected={shown}
          now={now}
          onSelect={(key) => {
            setSelected(key);
            // The details replace the previous file's; the reader is taken to them (and a screen reader with them).
            requestAnimationFrame(() => {
              const el = document.querySelector<HTMLElement>(`[data-file-key="${CSS.escape(key)}"]`);
              el?.scrollIntoView({ block: 'nearest' });
              el?.focus({ preventScroll: true });
            });
          }}
        />
      )}
      <ChainSettingsBar value={opened.chainSettings} onChange={opened.setChainSettings} />
      {files
        .filter((f) => f.key === shown)
        .map((f) => (
          <div key={f.key} data-file-key={f.key} tabIndex={-1} className="file-slot" aria-label={`Details of ${f.name}`}>
            <FileResult file={f} now={now} analyses={chains.targets} reopening={reopening.has(f.key)} onPassword={reopen} />
          </div>
        ))}
    </div>
  );
}

/** Which roots "trusted" means in this run, said once above the results. */
function TrustLine({ trust, leftOut }: { trust: NonNullable<ChainAnalysis['trust']>; leftOut: number }) {
  return (
    <p className="trust-line" data-testid="trust-line">
      Chains are checked against {trust.anchors} trusted root{trust.anchors === 1 ? '' : 's'} of this machine ({trust.source}) and the files
      opened.
      {trust.note && <span className="trust-note"> Note: {trust.note}.</span>}
      {leftOut > 0 && <span className="trust-note"> {leftOut} certificates were left out of chain building (too many opened).</span>}
    </p>
  );
}

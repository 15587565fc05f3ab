import { useState, type ReactNode } from 'react';
import type { ServerEvidence } from '../../../../shared/model/server';
import { BundleBanner } from '../common/bundle-banner';
import { ProgressBar } from '../common/progress-bar';
import { useFileDrop } from '../common/use-file-drop';
import { useBundleView } from '../shell/bundle-view';
import { useLastReport } from '../shell/report-context';
import { EvidenceView } from './evidence-view';
import { InputList, inputRows, ServerInputs } from './server-inputs';
import { evidenceCounts, hasServerEvidence, joinWords, plural } from './server-words';
import { useServerAnalysis, type Analysis } from './use-server-analysis';
import './server.css';

/**
 * The Server side area: IIS, HTTP.SYS and Schannel as the server sees them, from files a
 * user attaches (recognised by content) or from this machine (Windows). An opened bundle is shown
 * read-only in its place; the live page stays mounted underneath so closing the bundle loses nothing.
 */
export function ServerArea() {
  const { bundle } = useBundleView();
  return (
    <>
      {bundle && (
        <main className="pane" data-testid="server-bundle-pane">
          <div className="pane-inner">
            <BundleBanner />
            <EvidenceView
              evidence={bundle.report.server}
              readOnly
              emptyText="This bundle holds no server evidence: nothing was attached and the machine that made it was not read as a server."
              header={<EvidenceHeader evidence={bundle.report.server} title={`Server side as collected on ${bundle.manifest.host}`} />}
            />
          </div>
        </main>
      )}
      <LivePane hidden={bundle !== null} />
    </>
  );
}

function LivePane({ hidden }: { hidden: boolean }) {
  const { files, live, run, analysis, refused, addFiles, removeFile, readLive, clear, cancel } = useServerAnalysis();
  const { report } = useLastReport();
  const [showLast, setShowLast] = useState(false);
  const drop = useFileDrop(addFiles);
  const running = run.state === 'running';
  const touched = files.length > 0 || live || analysis !== null || running;
  const last = !touched && hasServerEvidence(report?.server) ? report!.server : null;

  return (
    <main
      className={`pane${drop.dragging ? ' is-dragging' : ''}`}
      data-testid="server-pane"
      hidden={hidden}
      {...drop.handlers}
    >
      <div className="pane-inner">
        <p className="intro">
          See the server side of a 403.7 the way the server sees it: whether HTTP.SYS asks for the certificate in the handshake, which CA names Schannel
          sends, what IIS requires per application, and when the failures happened. Attach files from the server, or read this machine if it is the
          server.
        </p>
        <ServerInputs
          running={running}
          compact={touched || last !== null}
          dragging={drop.dragging}
          hasInputs={touched}
          onFiles={addFiles}
          onLive={readLive}
          onClear={() => {
            setShowLast(false);
            clear();
          }}
        />
        {refused.map((r, i) => (
          <p key={i} className="error-line" role="alert" data-testid="server-refused">
            {r}
          </p>
        ))}
        {run.state === 'running' && (
          <div className="server-progress">
            <ProgressBar progress={run.progress} what="Reading the server evidence" testId="server-progress" indeterminate={run.indeterminate} />
            <button type="button" className="button secondary" data-testid="server-cancel" onClick={cancel}>
              Cancel
            </button>
          </div>
        )}
        {run.state === 'failed' && (
          <p className="error-line" role="alert" data-testid="server-error">
            {run.message}
            {analysis && ' What is shown below is from the reading before.'}
          </p>
        )}

        {analysis ? (
          <EvidenceView
            evidence={analysis.evidence}
            readOnly={false}
            files={files.map((f) => f.file)}
            header={<EvidenceHeader evidence={analysis.evidence} title={readingTitle(analysis)} rows={inputRows(analysis.evidence, files, removeFile)} />}
          />
        ) : files.length > 0 ? (
          <InputList rows={inputRows(null, files, removeFile)} />
        ) : last && showLast ? (
          <EvidenceView
            evidence={last}
            readOnly
            emptyText="The last diagnosis read nothing that describes the server."
            header={
              <EvidenceHeader
                evidence={last}
                title="What the last diagnosis read"
                action={
                  <button type="button" className="button secondary small" data-testid="server-hide-last" onClick={() => setShowLast(false)}>
                    Hide
                  </button>
                }
              />
            }
          />
        ) : last ? (
          <div className="server-offer" data-testid="server-last-offer">
            <p>
              The last diagnosis read server evidence: {evidenceCounts(last) || plural(last.notes.length, 'note')}.
            </p>
            <button type="button" className="button secondary" data-testid="server-show-last" onClick={() => setShowLast(true)}>
              Show what the last diagnosis read
            </button>
          </div>
        ) : null}
      </div>
    </main>
  );
}

function readingTitle(a: Analysis): string {
  const parts = [a.files.length > 0 ? plural(a.files.length, 'file') : null, a.live ? "this machine's configuration" : null].filter((p): p is string => p !== null);
  return `Read from ${joinWords(parts)} at ${new Date(a.at).toLocaleTimeString()}`;
}

const JUMPS: { id: string; label: string; count: (e: ServerEvidence) => number }[] = [
  { id: 'findings', label: 'Findings', count: (e) => e.findings.length },
  { id: 'bindings', label: 'Bindings', count: (e) => e.bindings.length },
  { id: 'schannel', label: 'Schannel', count: (e) => (e.schannel ? 1 : 0) },
  { id: 'stores', label: 'Stores', count: (e) => e.stores?.length ?? 0 },
  { id: 'iis', label: 'IIS', count: (e) => e.iis.reduce((n, c) => n + c.sites.length, 0) || e.iis.length },
  { id: 'logs', label: 'Logs', count: (e) => e.logs.length },
  { id: 'events', label: 'Events', count: (e) => e.events.reduce((n, s) => n + s.total, 0) || e.events.length },
];

/** The reading's title, its inputs, and buttons that jump to each section it has. */
function EvidenceHeader({ evidence, title, rows, action }: { evidence: ServerEvidence; title: string; rows?: ReturnType<typeof inputRows>; action?: ReactNode }) {
  const shown = JUMPS.filter((j) => j.count(evidence) > 0);
  return (
    <div className="server-head" data-testid="server-head">
      <div className="server-head-line">
        <h2 className="server-head-title" data-testid="server-head-title">
          {title}
        </h2>
        {action}
      </div>
      <InputList rows={rows ?? inputRows(evidence, [])} />
      {shown.length > 1 && (
        <nav className="server-jumps" aria-label="Sections">
          {shown.map((j) => (
            <button
              key={j.id}
              type="button"
              className="server-jump"
              onClick={(e) => e.currentTarget.closest('[data-testid="server-evidence"]')?.querySelector(`[data-section="${j.id}"]`)?.scrollIntoView({ behavior: 'smooth', block: 'start' })}
            >
              {j.label} <span className="server-jump-count">{j.count(evidence)}</span>
            </button>
          ))}
        </nav>
      )}
    </div>
  );
}

import { useEffect, useState } from 'react';
import { BundleBanner } from '../common/bundle-banner';
import { ProgressBar } from '../common/progress-bar';
import { useBundleView } from '../shell/bundle-view';
import { useLastReport } from '../shell/report-context';
import { DiagnoseForm } from './diagnose-form';
import { inputSummary, type DiagnoseFormValues } from './diagnose-request';
import { ReportView } from './report-view';
import { useDiagnose } from './use-diagnose';
import './findings.css';

/**
 * Diagnose: one action that gathers what is relevant (the probe with and without the
 * certificate, the certificate's chain and key, who may read the key, the trusted roots, the
 * server's configuration) and reports what is wrong, most likely cause first, each with its proof
 * and the script that fixes it. With a bundle open, its report is shown read-only instead.
 */
export function FindingsArea() {
  const { bundle } = useBundleView();
  return (
    <main className="pane" data-testid="findings-pane">
      <div className="pane-inner">
        {bundle && <BundleReport />}
        {/* Kept while a bundle is shown, so closing the bundle brings back this machine's diagnosis as it was. */}
        <div className="diag-live" hidden={bundle !== null} data-testid="diag-live">
          <LiveDiagnose />
        </div>
      </div>
    </main>
  );
}

function BundleReport() {
  const { bundle } = useBundleView();
  if (!bundle) return null;
  return (
    <div className="diag-live" data-testid="diag-bundle">
      <BundleBanner />
      <ReportView report={bundle.report} fromBundle />
    </div>
  );
}

function LiveDiagnose() {
  const { diagnosis, run, cancel } = useDiagnose();
  const [asked, setAsked] = useState<DiagnoseFormValues<File> | null>(null);
  const { asked: askedBefore } = useLastReport();
  // A diagnosis brought back by a reload is shown as it was: the report, the form folded away.
  const [editing, setEditing] = useState(diagnosis.state !== 'done');
  const running = diagnosis.state === 'running';
  const showForm = editing || diagnosis.state !== 'done';
  const doneReport = diagnosis.state === 'done' ? diagnosis.report : null;

  // A new report folds the form away: start reading it from the top (what was asked, the answer).
  useEffect(() => {
    if (doneReport) window.scrollTo({ top: 0 });
  }, [doneReport]);

  return (
    <>
      {/* Once a report is shown (the form folded), the report is what is read: the introduction steps aside. */}
      <p className="intro" hidden={!showForm}>
        Diagnose looks at everything that decides whether a client certificate gets through: it probes the server with and without the certificate, checks the
        certificate&apos;s chain and private key and who may read the key, the trusted root store, and the server&apos;s settings. It lists what is wrong, most
        likely cause first, each with its proof and a script that fixes it. Nothing on this machine is changed.
      </p>
      {/* Kept mounted while folded, so the chosen files and fields are still there for "Change and diagnose again". */}
      <div hidden={!showForm}>
        <DiagnoseForm
          running={running}
          onRun={(values) => {
            setAsked(values);
            setEditing(false);
            void run(values);
          }}
          onCancel={cancel}
        />
      </div>
      {!showForm && !asked && askedBefore && (
        <div className="diag-asked" data-testid="diag-asked">
          <span className="diag-asked-text">
            <span className="muted">Diagnosed: </span>
            <span data-testid="diag-asked-summary">{askedBefore}</span>
          </span>
          <span className="diag-asked-actions">
            <button type="button" className="button secondary small" data-testid="diag-edit" onClick={() => setEditing(true)}>
              Change what to diagnose
            </button>
          </span>
        </div>
      )}
      {!showForm && asked && (
        <div className="diag-asked" data-testid="diag-asked">
          <span className="diag-asked-text">
            <span className="muted">Diagnosed: </span>
            <span data-testid="diag-asked-summary">{inputSummary(asked)}</span>
          </span>
          <span className="diag-asked-actions">
            <button type="button" className="button secondary small" data-testid="diag-again" onClick={() => void run(asked)}>
              Diagnose again
            </button>
            <button type="button" className="button secondary small" data-testid="diag-edit" onClick={() => setEditing(true)}>
              Change what to diagnose
            </button>
          </span>
        </div>
      )}
      {diagnosis.state === 'running' && <ProgressBar progress={diagnosis.progress} indeterminate={diagnosis.indeterminate} what="Diagnosing" testId="diag-progress" />}
      {diagnosis.state === 'failed' && (
        <p className="error-line" role="alert" data-testid="diag-error">
          {diagnosis.message}
        </p>
      )}
      {diagnosis.state === 'idle' && (
        <p className="diag-empty" data-testid="diag-idle">
          Nothing diagnosed yet. Fill in what you know (even just the server address) and press Diagnose; the findings, their proof and the fix scripts appear
          here.
        </p>
      )}
      {diagnosis.state === 'done' && <ReportView key={diagnosis.report.createdAt} report={diagnosis.report} fromBundle={false} />}
    </>
  );
}

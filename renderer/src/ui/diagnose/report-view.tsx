import { useId, useMemo } from 'react';
import { capitalise, plainText } from '../common/words';
import type { DiagnoseReport, RankedFinding } from '../../../../shared/model/diagnose';
import { CheckIcon, CrossIcon, QuestionIcon, WarningIcon } from '../common/icons';
import { evidenceMismatch } from './evidence-match';
import { EvidenceTabs } from './evidence-tabs';
import { FindingCard } from './finding-card';
import { STEP_WORD, countWords, fixesForFinding, formatDuration, groupBySeverity, mostLikelyCause, occurrences, reportTone, stepMark, type FindingFix } from './report-words';
import { SaveAllFixes } from './save-all-fixes';
import './findings.css';

/**
 * A diagnosis as a helpdesk user reads it, top to bottom: the answer in a sentence, what was looked
 * at, the most likely cause on its own, every other finding by severity (rank order within), the
 * scripts, and the evidence. `fromBundle`: an opened bundle, shown read-only (no Apply).
 */
export function ReportView({ report, fromBundle }: { report: DiagnoseReport; fromBundle: boolean }) {
  const id = useId();
  const mismatch = useMemo(() => evidenceMismatch(report), [report]);
  return (
    <div className="diag-report" data-testid="diag-report">
      <SummaryBanner report={report} fromBundle={fromBundle} />
      {mismatch && <MismatchNote mismatch={mismatch} attachments={report.request.attachments} />}
      <StepList steps={report.steps} titleId={`${id}-steps`} />
      <FindingList report={report} fromBundle={fromBundle} titleId={`${id}-findings`} />
      <EvidenceTabs report={report} fromBundle={fromBundle} />
    </div>
  );
}

/** The answer in a sentence, the counts, what was asked (for a bundle's reader), and a key access left unchecked. */
function SummaryBanner({ report, fromBundle }: { report: DiagnoseReport; fromBundle: boolean }) {
  const tone = reportTone(report);
  const r = report.request;
  // An account was named but its access to the key could not be checked (an uploaded PFX is no file on this machine): said at the top, not only in the steps.
  const keyNotChecked = r.identity ? (report.steps.find((s) => s.name === 'key' && s.status !== 'done') ?? null) : null;
  return (
    <section className={`verdict is-${tone}`} aria-label="What the diagnosis found" data-testid="diag-summary-banner" data-tone={tone}>
      <div className="verdict-head">
        <span className="verdict-icon" aria-hidden="true">
          {tone === 'good' ? <CheckIcon size={22} /> : tone === 'bad' ? <CrossIcon size={22} /> : <QuestionIcon size={22} />}
        </span>
        <div className="verdict-text">
          <p className="verdict-sentence" data-testid="diag-summary">
            {report.summary}
          </p>
          <p className="diag-summary-meta">
            <span data-testid="diag-counts">Findings: {countWords(report.findings)}</span>
            {/* Live, the bar above says what was asked; a bundle's reader learns it here. */}
            {fromBundle && (
              <>
                {' · '}
                {r.url ?? 'no server address'}
                {r.certificate ? ` · certificate ${r.certificate}` : ''}
                {r.identity ? ` · can ${r.identity} read the key` : ''}
                {r.attachments.length ? ` · evidence: ${r.attachments.join(', ')}` : ''}
              </>
            )}
            {' · '}
            on {report.host}, {new Date(report.createdAt).toLocaleString()}
          </p>
          {keyNotChecked && (
            <p className="diag-key-not-checked" data-testid="diag-key-not-checked">
              Not checked: whether {r.identity} can read the private key. {capitalise(keyNotChecked.note)}.
            </p>
          )}
        </div>
      </div>
    </section>
  );
}

/** The attached server files describe another server than the one probed: which findings come from which. */
function MismatchNote({ mismatch, attachments }: { mismatch: NonNullable<ReturnType<typeof evidenceMismatch>>; attachments: string[] }) {
  return (
    <section className="diag-mismatch" role="note" aria-label="The evidence describes another server" data-testid="diag-mismatch">
      <p className="diag-mismatch-title">
        <WarningIcon size={16} /> The attached server files describe another server than the one probed.
      </p>
      <p>
        The probe connected to <strong className="mono">{mismatch.probed}</strong>; the files describe {mismatch.described.join(', ')}. Check that they come from the
        server behind that address before acting on both together.
      </p>
      <ul className="diag-mismatch-list">
        {mismatch.fromProbe.length > 0 && (
          <li data-testid="diag-mismatch-probe">
            From the probe of {mismatch.probed}: {mismatch.fromProbe.map((f) => f.title).join('; ')}
          </li>
        )}
        {mismatch.fromServer.length > 0 && (
          <li data-testid="diag-mismatch-server">
            From the server files ({attachments.join(', ') || 'this machine'}): {mismatch.fromServer.map((f) => f.title).join('; ')}
          </li>
        )}
      </ul>
    </section>
  );
}

/** "What was checked": each step with its mark, its status for screen readers, its note and duration. */
function StepList({ steps, titleId }: { steps: DiagnoseReport['steps']; titleId: string }) {
  return (
    <section className="diag-steps" aria-labelledby={titleId} data-testid="diag-steps">
      <h3 className="diag-section-title" id={titleId}>
        What was checked
      </h3>
      <ul className="diag-step-list">
        {steps.map((s) => {
          const mark = stepMark(s);
          return (
            <li key={s.name} className={`diag-step is-${mark}`} data-testid="diag-step" data-step={s.name} data-status={s.status}>
              <span className="diag-step-mark" aria-hidden="true">
                {mark === 'good' ? <CheckIcon size={15} /> : mark === 'bad' ? <CrossIcon size={15} /> : <span className="diag-step-dash">–</span>}
              </span>
              <span className="diag-step-name">
                {STEP_WORD[s.name]}
                <span className="visually-hidden"> ({s.status})</span>
              </span>
              <span className="diag-step-note">
                {s.status === 'skipped' ? 'Skipped: ' : s.status === 'failed' ? 'Failed: ' : ''}
                {plainText(s.note)}
                {s.status === 'done' && s.durationMs > 0 ? <span className="muted"> · {formatDuration(s.durationMs)}</span> : null}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** "What is wrong": the most likely cause on its own, Save all fixes, then every other finding grouped by severity. */
function FindingList({ report, fromBundle, titleId }: { report: DiagnoseReport; fromBundle: boolean; titleId: string }) {
  const top = mostLikelyCause(report.findings);
  const rest = useMemo(() => groupBySeverity(report.findings.filter((f) => f !== top)), [report, top]);
  // Fixes are matched to findings in report order (two findings of one id each have their own).
  const fixesOf = useMemo(() => {
    const nth = occurrences(report.findings);
    const map = new Map<RankedFinding, FindingFix[]>();
    report.findings.forEach((f, i) => map.set(f, fixesForFinding(report.fixes, f, nth[i])));
    return (f: RankedFinding) => map.get(f) ?? [];
  }, [report]);
  return (
    <section className="diag-findings" aria-labelledby={titleId} data-testid="diag-findings">
      <h3 className="diag-section-title" id={titleId}>
        What is wrong, most likely cause first
      </h3>
      {report.findings.length === 0 && (
        <p className="note is-good diag-nothing" data-testid="diag-no-findings">
          <CheckIcon size={16} />
          <span>Nothing wrong was found in what was checked. If users still fail, add what was not checked above (the server address, the certificate, the server&apos;s evidence) and diagnose again.</span>
        </p>
      )}
      {top && <FindingCard finding={top} fixes={fixesOf(top)} top canApply={!fromBundle} fromBundle={fromBundle} />}
      {report.findings.length > 0 && <SaveAllFixes report={report} />}
      {rest.map((g) => (
        <div key={g.severity} className={`diag-group is-${g.severity}`} data-testid="diag-group" data-severity={g.severity}>
          <h4 className="diag-group-title">
            {g.severity === 'error' ? <CrossIcon size={16} /> : g.severity === 'warning' ? <WarningIcon size={16} /> : <QuestionIcon size={16} />}
            {top?.severity === g.severity ? `Other ${g.label.toLowerCase()}` : g.label} <span className="diag-group-count">{g.findings.length}</span>
          </h4>
          <div className="diag-group-list">
            {g.findings.map((f) => (
              <FindingCard key={`${f.id}:${f.rank}`} finding={f} fixes={fixesOf(f)} canApply={!fromBundle} fromBundle={fromBundle} />
            ))}
          </div>
        </div>
      ))}
    </section>
  );
}

import { useState } from 'react';
import { detailWhere, evidenceKindWord, plainText } from '../common/words';
import type { RankedFinding } from '../../../../shared/model/diagnose';
import { CheckIcon, CrossIcon, QuestionIcon, WarningIcon } from '../common/icons';
import { ApplyDialog } from './apply-dialog';
import { FixViewer } from './fix-viewer';
import { AREA_WORD, LIKELIHOOD_WORD, SEVERITY_GROUP, SHELL_WORD, grantParams, topLabel, type FindingFix } from './report-words';
import { useGrantFlow } from './use-grant-flow';

/**
 * One finding as a helpdesk user reads it: what is wrong (title), how likely it is the cause and
 * why it ranks there, what it means (detail), the proof exactly as seen (evidence: the bytes, the
 * line, the ACL entry), and "Show fix" when a script was written for it.
 */
export function FindingCard({ finding, fixes, top = false, canApply, fromBundle = false }: { finding: RankedFinding; fixes: FindingFix[]; top?: boolean; canApply: boolean; fromBundle?: boolean }) {
  const [showFix, setShowFix] = useState(false);
  const [applying, setApplying] = useState(false);
  const flow = useGrantFlow();
  const f = finding;
  const shells = [...new Set(fixes.flatMap((x) => x.shells))];
  const grant = flow.grant;
  const applied = grant?.result ? grant : null;

  const startApply = () => {
    const p = grantParams(f);
    if (!p) return;
    setShowFix(false);
    setApplying(true);
    flow.start(p.path, p.identity);
  };

  return (
    <article
      className={`diag-finding is-${f.severity}${top ? ' is-top' : ''}`}
      data-testid={top ? 'top-finding' : 'diag-finding'}
      data-finding-id={f.id}
      data-severity={f.severity}
      data-rank={f.rank}
      aria-label={`${top ? topLabel(f) : SEVERITY_GROUP[f.severity].replace(/s$/, '')}: ${f.title}`}
    >
      {top && (
        <p className="diag-top-label" data-testid="top-label">
          {topLabel(f)}
        </p>
      )}
      <header className="diag-finding-head">
        <span className={`diag-finding-icon is-${f.severity}`} aria-hidden="true">
          {f.severity === 'error' ? <CrossIcon size={top ? 20 : 16} /> : f.severity === 'warning' ? <WarningIcon size={top ? 20 : 16} /> : <QuestionIcon size={top ? 20 : 16} />}
        </span>
        <h4 className="diag-finding-title" data-testid="finding-title">
          <span className="visually-hidden">{SEVERITY_GROUP[f.severity].replace(/s$/, '')}: </span>
          {f.title}
        </h4>
        <span className={`diag-likelihood is-${f.likelihood}`} data-testid="finding-likelihood" data-likelihood={f.likelihood} title={`Ranked #${f.rank} of the findings`}>
          #{f.rank} · {LIKELIHOOD_WORD[f.likelihood]}
        </span>
      </header>
      <p className="diag-why" data-testid="finding-why">
        <span className="diag-why-label">Why it ranks here:</span> {f.why}
      </p>
      <p className="diag-detail" data-testid="finding-detail">
        {detailWhere(plainText(f.detail), top)}
      </p>
      {f.evidence.length > 0 && (
        <ul className="evidence" aria-label="Evidence" data-testid="finding-evidence">
          {f.evidence.map((e, i) => (
            <li key={i} data-testid="evidence-item">
              <span className="evidence-kind">{evidenceKindWord(e.kind)}</span>
              <span className="evidence-text" data-testid="evidence-text">
                {plainText(e.text)}
              </span>
            </li>
          ))}
        </ul>
      )}
      <footer className="diag-finding-foot">
        <span className="diag-finding-meta">
          {AREA_WORD[f.area]} · <code className="finding-id">{f.id}</code>
        </span>
        {applied && (
          <span className={`diag-applied${applied.undo ? ' is-undone' : ''}`} data-testid="finding-applied">
            <CheckIcon size={14} />
            {applied.undo ? 'Applied, then undone.' : `Applied on this machine (backup ${applied.result!.backupId}).`}
            {!applied.undo && (
              <button type="button" className="link-button" data-testid="finding-applied-open" onClick={() => setApplying(true)}>
                Undo…
              </button>
            )}
          </span>
        )}
        {fixes.length > 0 ? (
          <button type="button" className="button secondary small" data-testid="show-fix" onClick={() => setShowFix(true)} aria-label={`Show fix for: ${f.title}`}>
            Show fix <span className="diag-fix-shells">({shells.map((s) => SHELL_WORD[s]).join(', ')})</span>
          </button>
        ) : (
          <span className="muted diag-no-fix" data-testid="no-fix">
            No fix script
          </span>
        )}
      </footer>
      {showFix && <FixViewer finding={f} fixes={fixes} open onClose={() => setShowFix(false)} onApply={canApply ? startApply : null} fromBundle={fromBundle} />}
      {applying && grant && <ApplyDialog grant={grant} onClose={() => setApplying(false)} onApply={flow.apply} onUndo={flow.undo} onDiscard={flow.discard} />}
    </article>
  );
}

import { useEffect, useState } from 'react';
import type { Res } from '../../../../shared/contract';
import type { DiagnoseReport } from '../../../../shared/model/diagnose';
import { call } from '../../api/client';
import { saveText } from '../common/save-text';
import { SHELL_WORD, fixableCount } from './report-words';

type Combined = Res<'fixes:script'>['combined'];

/** The report's findings as fixes:script takes them (the ranking fields are the report's, not the generators'). */
function plainFindings(report: DiagnoseReport) {
  return report.findings.map(({ id, severity, title, detail, evidence, fixes, params }) => ({ id, severity, title, detail, evidence, fixes, ...(params ? { params } : {}) }));
}

/**
 * "Save all fixes as one script": every fix of one shell in ranking order as one
 * script, and one undo script, written by fixes:script from the report's findings. Works for an
 * opened bundle too: the scripts are written from its findings, nothing is read from this machine.
 */
export function SaveAllFixes({ report }: { report: DiagnoseReport }) {
  const [combined, setCombined] = useState<Combined | null>(null);
  const [error, setError] = useState<string | null>(null);
  const fixable = fixableCount(report);

  useEffect(() => {
    let alive = true;
    setCombined(null);
    setError(null);
    if (fixable === 0) return;
    void call('fixes:script', { findings: plainFindings(report), shells: ['powershell', 'bash'] }).then((r) => {
      if (!alive) return;
      if (r.ok) setCombined(r.value.combined);
      else setError(r.error.message);
    });
    return () => {
      alive = false;
    };
  }, [report, fixable]);

  if (fixable === 0) {
    return (
      <p className="diag-save-all is-empty muted" data-testid="save-all" data-state="none">
        No finding here has a scripted fix.
      </p>
    );
  }
  return (
    <div className="diag-save-all" data-testid="save-all" data-state={combined ? 'ready' : error ? 'failed' : 'loading'}>
      <p className="diag-save-all-title">
        <strong>Save all fixes as one script</strong>{' '}
        <span className="muted">
          ({fixable} finding{fixable === 1 ? '' : 's'} with a fix, in the order above; each with its backup, and one undo script)
        </span>
      </p>
      {error && (
        <p className="error-line" role="alert" data-testid="save-all-error">
          {error}
        </p>
      )}
      {!combined && !error && <p className="muted">Writing the scripts…</p>}
      {combined && combined.length === 0 && <p className="muted">The fix generators wrote no combined script for these findings.</p>}
      {combined && combined.length > 0 && (
        <div className="diag-save-all-shells">
          {combined.map((c) => (
            <div key={c.shell} className="diag-save-all-shell" data-testid="save-all-shell" data-shell={c.shell}>
              <span className="diag-save-all-shell-name">{SHELL_WORD[c.shell]}</span>
              <button
                type="button"
                className="button secondary small"
                data-testid={`save-all-${c.shell}`}
                title={`Save as ${c.fileName}`}
                aria-label={`Save every ${SHELL_WORD[c.shell]} fix as ${c.fileName}`}
                onClick={() => saveText(c.fileName, c.script)}
              >
                Save {c.fileName}
              </button>
              <button
                type="button"
                className="button secondary small"
                data-testid={`save-all-${c.shell}-undo`}
                title={`Save as ${c.undoFileName}`}
                aria-label={`Save the ${SHELL_WORD[c.shell]} undo script as ${c.undoFileName}`}
                onClick={() => saveText(c.undoFileName, c.undo)}
              >
                Save its undo script
              </button>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

import { useId, useMemo, useState } from 'react';
import type { RankedFinding } from '../../../../shared/model/diagnose';
import type { FixShell } from '../../../../shared/model/fix';
import { CopyButton } from '../common/copy-button';
import { CheckIcon, LockIcon } from '../common/icons';
import { ModalDialog } from '../common/modal-dialog';
import { saveText } from '../common/save-text';
import { Tabs } from '../common/tabs';
import { highlight } from './highlight';
import { SHELL_WORD, elevationNote, grantParams, undoFileName, type FindingFix } from './report-words';
import '../probe/probe.css';
import './findings.css';

type Which = 'script' | 'undo';

/**
 * "Show fix" (issue 6): the fix scripts of one finding, read before anything runs. A tab per shell
 * the fix was written for, the script or its undo script, highlighted so data (quoted values),
 * variables and commands are told apart at a glance, with Copy and Save, who must run it, and, for
 * a fix the app can make itself (a key grant), "Apply on this machine…" which opens the reviewed
 * change (dry run, confirmation, backup, undo).
 */
export function FixViewer({
  finding,
  fixes,
  open,
  onClose,
  onApply,
}: {
  finding: RankedFinding;
  fixes: FindingFix[];
  open: boolean;
  onClose: () => void;
  /** null: Apply is not offered here (an opened bundle is read-only). */
  onApply: (() => void) | null;
}) {
  const id = useId();
  const [fixId, setFixId] = useState(fixes[0]?.id ?? '');
  const fix = fixes.find((f) => f.id === fixId) ?? fixes[0];
  const [shell, setShell] = useState<FixShell>(fix?.shells[0] ?? 'powershell');
  const [which, setWhich] = useState<Which>('script');
  const shown = fix ? (fix.byShell[shell] ?? fix.byShell[fix.shells[0]!]!) : null;
  const text = shown ? (which === 'script' ? shown.script : shown.undo) : '';
  const fileName = shown ? (which === 'script' ? shown.fileName : undoFileName(shown.fileName)) : '';
  const nodes = useMemo(() => (shown ? highlight(text, shown.shell) : []), [text, shown]);
  const applicable = shown?.applyWith === 'keys:grant';
  const params = grantParams(finding);

  return (
    <ModalDialog
      open={open}
      onClose={onClose}
      title={fix ? `Fix: ${fix.title}` : 'Fix'}
      subtitle={`For: ${finding.title}`}
      testId="fix-viewer"
      closeTestId="fix-viewer-close"
      label={fix ? `Fix script: ${fix.title}` : 'Fix script'}
    >
      {!fix || !shown ? (
        <p className="muted">No script was written for this finding.</p>
      ) : (
        <div className="fix-viewer" data-fix-id={fix.id}>
          {fixes.length > 1 && (
            <div className="fix-choices" role="radiogroup" aria-label="Fixes for this finding" data-testid="fix-choices">
              {fixes.map((f, i) => (
                <label key={f.id} className={`fix-choice${f.id === fix.id ? ' is-selected' : ''}`}>
                  <input
                    type="radio"
                    name={`${id}-fix`}
                    checked={f.id === fix.id}
                    data-testid="fix-choice"
                    onChange={() => {
                      setFixId(f.id);
                      if (!f.byShell[shell]) setShell(f.shells[0]!);
                    }}
                  />
                  <span>
                    {i + 1}. {f.title}
                  </span>
                </label>
              ))}
            </div>
          )}
          <p className="fix-summary" data-testid="fix-summary">
            {shown.summary}
          </p>
          <p className={`note ${shown.elevated ? 'is-warn' : 'is-good'} fix-note`} data-testid="fix-elevated" data-elevated={String(shown.elevated)} role="note">
            {shown.elevated ? <LockIcon size={16} /> : <CheckIcon size={16} />}
            <span>
              {elevationNote(shown)} It backs up what it changes first; the undo script restores that backup.
            </span>
          </p>

          <div className="fix-switches">
            <div data-testid="fix-shell-tabs" className="fix-shell-tabs">
              <Tabs tabs={fix.shells.map((s) => ({ id: s, label: SHELL_WORD[s] }))} selected={shown.shell} onSelect={setShell} label="Shell" idPrefix={`${id}-shell`} />
            </div>
            {fix.shells.length === 1 && (
              <span className="muted fix-one-shell" data-testid="fix-one-shell">
                {fix.shells[0] === 'powershell' ? 'A Windows change: there is no bash version.' : 'A Linux change: there is no PowerShell version.'}
              </span>
            )}
            <div className="segmented" role="radiogroup" aria-label="Script or undo script" data-testid="fix-which">
              {(['script', 'undo'] as const).map((w) => (
                <label key={w} className={`segment${which === w ? ' is-selected' : ''}`}>
                  <input type="radio" name={`${id}-which`} value={w} checked={which === w} data-testid={`fix-which-${w}`} onChange={() => setWhich(w)} />
                  {w === 'script' ? 'Script' : 'Undo script'}
                </label>
              ))}
            </div>
          </div>

          <div className="script-block fix-code-block" role="tabpanel" id={`${id}-shell-panel-${shown.shell}`} aria-labelledby={`${id}-shell-tab-${shown.shell}`}>
            <div className="script-head">
              <h3 className="script-title">{which === 'script' ? 'Script' : 'Undo script'}</h3>
              <span className="muted script-file" data-testid="fix-file-name">
                {fileName}
              </span>
              <CopyButton value={text} what={which === 'script' ? 'the fix script' : 'the undo script'} />
              <button
                type="button"
                className="copy-button"
                data-testid="fix-save"
                title={`Save as ${fileName}`}
                aria-label={`Save ${which === 'script' ? 'the fix script' : 'the undo script'} as ${fileName}`}
                onClick={() => saveText(fileName, text)}
              >
                Save
              </button>
            </div>
            <pre className="script-text fix-code" data-testid="fix-code" data-shell={shown.shell} data-which={which} tabIndex={0} aria-label={`${which === 'script' ? 'Script' : 'Undo script'} for ${SHELL_WORD[shown.shell]}`}>
              {nodes}
            </pre>
          </div>

          {applicable && onApply && (
            <div className="fix-apply" data-testid="fix-apply-box">
              {params ? (
                <>
                  <p>
                    Certbench can make this change on this machine itself: it shows exactly what will change first, backs up the key file&apos;s permissions, and gives you an Undo.
                  </p>
                  <button type="button" className="button primary" data-testid="fix-apply" onClick={onApply}>
                    Apply on this machine…
                  </button>
                </>
              ) : (
                <p className="muted" data-testid="fix-apply-unavailable">
                  Certbench could apply this change itself, but the finding does not name both the key file and the account; save the script and run it instead.
                </p>
              )}
            </div>
          )}
        </div>
      )}
    </ModalDialog>
  );
}

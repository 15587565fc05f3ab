import { useId, useMemo, useState } from 'react';
import type { RankedFinding } from '../../../../shared/model/diagnose';
import type { FixScript, FixShell } from '../../../../shared/model/fix';
import { CopyButton } from '../common/copy-button';
import { CheckIcon, LockIcon } from '../common/icons';
import { ModalDialog } from '../common/modal-dialog';
import { saveText } from '../common/save-text';
import { Tabs } from '../common/tabs';
import { highlight } from './highlight';
import { SHELL_WORD, elevationNote, fixesForFinding, grantParams, undoFileName, type FindingFix } from './report-words';
import { call } from '../../api/client';
import './findings.css';

type Which = 'script' | 'undo';

/**
 * "Show fix": the fix scripts of one finding, read before anything runs. A tab per shell
 * the fix was written for, the script or its undo script, highlighted so data (quoted values),
 * variables and commands are told apart at a glance, with Copy and Save, who must run it, and, for
 * a fix the app can make itself (a key grant), "Apply on this machine…" which opens the reviewed
 * change (dry run, confirmation, backup, undo).
 */
export function FixViewer({
  finding,
  fixes: given,
  open,
  onClose,
  onApply,
  fromBundle = false,
}: {
  finding: RankedFinding;
  fixes: FindingFix[];
  open: boolean;
  onClose: () => void;
  /** null: Apply is not offered here (an opened bundle is read-only). */
  onApply: (() => void) | null;
  /**
   * The scripts came from an opened bundle: they are the bundle's bytes, which anyone may
   * have edited, so they are never shown as Certbench's fix; "Regenerate" writes them again from the
   * bundle's finding with this Certbench (fixes:script), and only those are Certbench's.
   */
  fromBundle?: boolean;
}) {
  const id = useId();
  const { fixes, regenerated, regenerate, regenerateError } = useRegeneratedFixes(given, finding);
  const bundleBytes = fromBundle && regenerated === null;
  const [fixId, setFixId] = useState(fixes[0]?.id ?? '');
  const fix = fixes.find((f) => f.id === fixId) ?? fixes[0];
  const [shell, setShell] = useState<FixShell>(fix?.shells[0] ?? 'powershell');
  const [which, setWhich] = useState<Which>('script');
  const shown = fix ? (fix.byShell[shell] ?? fix.byShell[fix.shells[0]!]!) : null;
  const chooseFix = (f: FindingFix) => {
    setFixId(f.id);
    if (!f.byShell[shell]) setShell(f.shells[0]!);
  };

  return (
    <ModalDialog
      open={open}
      onClose={onClose}
      title={fix ? `${bundleBytes ? 'Fix from the bundle' : fromBundle ? "Certbench's fix, regenerated" : 'Fix'}: ${fix.title}` : 'Fix'}
      subtitle={`For: ${finding.title}`}
      testId="fix-viewer"
      closeTestId="fix-viewer-close"
      label={fix ? `Fix script: ${fix.title}` : 'Fix script'}
    >
      {fromBundle && <FixOrigin bundleBytes={bundleBytes} onRegenerate={regenerate} error={regenerateError} />}
      {!fix || !shown ? (
        <p className="muted">No script was written for this finding.</p>
      ) : (
        <div className="fix-viewer" data-fix-id={fix.id} data-origin={bundleBytes ? 'bundle' : 'certbench'}>
          {fixes.length > 1 && <FixChoices fixes={fixes} selected={fix} name={`${id}-fix`} onChoose={chooseFix} />}
          <FixSummary shown={shown} />
          <FixSwitches fix={fix} shown={shown} which={which} id={id} onShell={setShell} onWhich={setWhich} />
          <FixCode shown={shown} which={which} id={id} />
          {shown.applyWith === 'keys:grant' && onApply && <FixApply canApply={grantParams(finding) !== null} onApply={onApply} />}
        </div>
      )}
    </ModalDialog>
  );
}

/** The scripts shown: those given, until "Regenerate" replaced them with this Certbench's (fixes:script). */
function useRegeneratedFixes(given: FindingFix[], finding: RankedFinding) {
  const [regenerated, setRegenerated] = useState<FindingFix[] | null>(null);
  const [regenerateError, setRegenerateError] = useState<string | null>(null);
  const regenerate = () => {
    setRegenerateError(null);
    void call('fixes:script', { findings: [finding], shells: ['powershell', 'bash'] }).then((r) => {
      if (!r.ok) setRegenerateError(r.error.message);
      else setRegenerated(fixesForFinding(r.value.fixes, finding));
    });
  };
  return { fixes: regenerated ?? given, regenerated, regenerate, regenerateError };
}

/** Whose scripts these are when a bundle is open: the bundle's bytes (with Regenerate), or this Certbench's. */
function FixOrigin({ bundleBytes, onRegenerate, error }: { bundleBytes: boolean; onRegenerate: () => void; error: string | null }) {
  return (
    <p className={`note ${bundleBytes ? 'is-warn' : 'is-good'} fix-origin`} role="note" data-testid="fix-origin" data-origin={bundleBytes ? 'bundle' : 'certbench'}>
      <span>
        {bundleBytes
          ? 'These scripts came from the bundle, as written in it: Certbench did not write them here and cannot tell whether they were edited. Read them before running them, or regenerate them from the bundle’s finding with this Certbench.'
          : 'Regenerated by this Certbench from the bundle’s finding; the scripts in the bundle are not shown.'}
      </span>
      {bundleBytes && (
        <button type="button" className="copy-button" data-testid="fix-regenerate" onClick={onRegenerate}>
          Regenerate with this Certbench
        </button>
      )}
      {error && <span data-testid="fix-regenerate-error">{error}</span>}
    </p>
  );
}

/** The fixes of this finding, numbered, when there is more than one. */
function FixChoices({ fixes, selected, name, onChoose }: { fixes: FindingFix[]; selected: FindingFix; name: string; onChoose: (f: FindingFix) => void }) {
  return (
    <div className="fix-choices" role="radiogroup" aria-label="Fixes for this finding" data-testid="fix-choices">
      {fixes.map((f, i) => (
        <label key={f.id} className={`fix-choice${f.id === selected.id ? ' is-selected' : ''}`}>
          <input type="radio" name={name} checked={f.id === selected.id} data-testid="fix-choice" onChange={() => onChoose(f)} />
          <span>
            {i + 1}. {f.title}
          </span>
        </label>
      ))}
    </div>
  );
}

/** What the script does, and who must run it. */
function FixSummary({ shown }: { shown: FixScript }) {
  return (
    <>
      <p className="fix-summary" data-testid="fix-summary">
        {shown.summary}
      </p>
      <p className={`note ${shown.elevated ? 'is-warn' : 'is-good'} fix-note`} data-testid="fix-elevated" data-elevated={String(shown.elevated)} role="note">
        {shown.elevated ? <LockIcon size={16} /> : <CheckIcon size={16} />}
        <span>
          {elevationNote(shown)} It backs up what it changes first; the undo script restores that backup.
        </span>
      </p>
    </>
  );
}

interface FixSwitchesProps {
  fix: FindingFix;
  shown: FixScript;
  which: Which;
  id: string;
  onShell: (shell: FixShell) => void;
  onWhich: (which: Which) => void;
}

/** The shell tabs (or why there is only one shell) and the script / undo script switch. */
function FixSwitches({ fix, shown, which, id, onShell, onWhich }: FixSwitchesProps) {
  return (
    <div className="fix-switches">
      <div data-testid="fix-shell-tabs" className="fix-shell-tabs">
        <Tabs tabs={fix.shells.map((s) => ({ id: s, label: SHELL_WORD[s] }))} selected={shown.shell} onSelect={onShell} label="Shell" idPrefix={`${id}-shell`} />
      </div>
      {fix.shells.length === 1 && (
        <span className="muted fix-one-shell" data-testid="fix-one-shell">
          {fix.shells[0] === 'powershell' ? 'A Windows change: there is no bash version.' : 'A Linux change: there is no PowerShell version.'}
        </span>
      )}
      <div className="segmented" role="radiogroup" aria-label="Script or undo script" data-testid="fix-which">
        {(['script', 'undo'] as const).map((w) => (
          <label key={w} className={`segment${which === w ? ' is-selected' : ''}`}>
            <input type="radio" name={`${id}-which`} value={w} checked={which === w} data-testid={`fix-which-${w}`} onChange={() => onWhich(w)} />
            {w === 'script' ? 'Script' : 'Undo script'}
          </label>
        ))}
      </div>
    </div>
  );
}

/** The script or its undo, highlighted, with its file name, Copy and Save; the shell tabs' panel. */
function FixCode({ shown, which, id }: { shown: FixScript; which: Which; id: string }) {
  const text = which === 'script' ? shown.script : shown.undo;
  const fileName = which === 'script' ? shown.fileName : undoFileName(shown.fileName);
  const nodes = useMemo(() => highlight(text, shown.shell), [text, shown]);
  const what = which === 'script' ? 'the fix script' : 'the undo script';
  return (
    <div className="script-block fix-code-block" role="tabpanel" id={`${id}-shell-panel-${shown.shell}`} aria-labelledby={`${id}-shell-tab-${shown.shell}`}>
      <div className="script-head">
        <h3 className="script-title">{which === 'script' ? 'Script' : 'Undo script'}</h3>
        <span className="muted script-file" data-testid="fix-file-name">
          {fileName}
        </span>
        <CopyButton value={text} what={what} />
        <button type="button" className="copy-button" data-testid="fix-save" title={`Save as ${fileName}`} aria-label={`Save ${what} as ${fileName}`} onClick={() => saveText(fileName, text)}>
          Save
        </button>
      </div>
      <pre className="script-text fix-code" data-testid="fix-code" data-shell={shown.shell} data-which={which} tabIndex={0} aria-label={`${which === 'script' ? 'Script' : 'Undo script'} for ${SHELL_WORD[shown.shell]}`}>
        {nodes}
      </pre>
    </div>
  );
}

/** "Apply on this machine…" for a fix the app can make itself, or why it cannot here. */
function FixApply({ canApply, onApply }: { canApply: boolean; onApply: () => void }) {
  return (
    <div className="fix-apply" data-testid="fix-apply-box">
      {canApply ? (
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
  );
}

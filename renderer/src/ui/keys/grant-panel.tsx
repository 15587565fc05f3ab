import { useState } from 'react';
import { capitalise } from '../common/words';
import type { GrantPlan, GrantResult, UndoResult } from '../../../../shared/model/acl';
import { CopyButton } from '../common/copy-button';
import { CopyRow } from './copy-row';
import { CheckIcon, WarningIcon } from '../common/icons';
import { AclTable } from './acl-table';
import { commandLine, scriptFileName } from './acl-words';
import { answerSentence } from './access-answer';
import { ScriptBlock } from './script-block';
import './keys.css';

/** A grant from its dry run to its undo; each step's answer or its one-line error. */
export interface GrantState {
  identity: string;
  path: string;
  plan: GrantPlan | null;
  planError: string | null;
  applying: boolean;
  applyError: string | null;
  result: GrantResult | null;
  undoing: boolean;
  undoError: string | null;
  undo: UndoResult | null;
}

export function newGrant(identity: string, path: string): GrantState {
  return { identity, path, plan: null, planError: null, applying: false, applyError: null, result: null, undoing: false, undoError: null, undo: null };
}

/**
 * "Grant read access…" as a reviewed change: the dry run first (what changes, the exact
 * commands, the script and its undo script, whether this process may do it), Apply only after a
 * confirmation, then the backup, the ACL after and the verification, and an Undo that restores the
 * backup byte for byte.
 */
export function GrantPanel({ grant, onApply, onUndo, onClose }: { grant: GrantState; onApply: () => void; onUndo: () => void; onClose: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const { plan, result, undo } = grant;

  return (
    <section className="grant-panel" data-testid="grant-panel" aria-label={`Grant read access to ${grant.identity}`}>
      <header className="grant-head">
        <p className="grant-stage" data-testid="grant-stage">
          <span className={`stage-pill${result ? ' is-done' : ''}`}>{result ? (undo ? 'Undone' : 'Applied') : 'Dry run'}</span>
          {result ? (undo ? 'The change was made, then undone.' : 'The change was made.') : 'Nothing has changed yet. This is what Apply will do:'}
        </p>
        {!result && (
          <button type="button" className="link-button" data-testid="grant-close" onClick={onClose}>
            Close without changing anything
          </button>
        )}
      </header>

      {!plan && !grant.planError && <p className="muted">Working out the change…</p>}
      {grant.planError && (
        <p className="error-line" role="alert" data-testid="grant-plan-error">
          {grant.planError}
        </p>
      )}

      {/* Once applied, the dry run's scripts are history: they name a backup file of their own, not the one made. */}
      {plan && !result && (
        <>
          <p className="grant-summary" data-testid="grant-summary">
            {plan.summary}
          </p>
          {plan.alreadyAllowed && (
            <p className="note is-good" data-testid="grant-already" role="note">
              <CheckIcon size={16} />
              <span>{grant.identity} can already read the key: there is nothing to change.</span>
            </p>
          )}
          {plan.changes.length > 0 && <ChangesTable changes={plan.changes} />}
          {plan.commands.length > 0 && <CommandsBlock title="Commands that will run" commands={plan.commands} language={plan.script.language} testId="grant-commands" />}

          <div className={`note ${plan.privileges.sufficient ? 'is-good' : 'is-warn'}`} data-testid="grant-privileges" role="note">
            {plan.privileges.sufficient ? <CheckIcon size={16} /> : <WarningIcon size={16} />}
            <span>
              <strong>{plan.privileges.sufficient ? 'Certbench may make this change: ' : 'Not enough privileges here: '}</strong>
              {plan.privileges.detail}
              {!plan.privileges.sufficient && '. Save the script and have an administrator run it, or start Certbench with the rights needed.'}
            </span>
          </div>

          <p className="muted grant-scripts-note">
            To make the change yourself instead, save the script and run it as an administrator; it backs up the ACL first, and the undo script restores that backup.
          </p>
          <ScriptBlock title="Script" text={plan.script.text} fileName={scriptFileName('grant-read', grant.identity, plan.script.language)} testId="grant-script" />
          <ScriptBlock title="Undo script" text={plan.undoScript.text} fileName={scriptFileName('undo-grant-read', grant.identity, plan.undoScript.language)} testId="grant-undo-script" />

          {!plan.alreadyAllowed && (
            <div className="grant-actions">
              {!confirming ? (
                <>
                  <button type="button" className="button primary" data-testid="grant-apply" disabled={grant.applying} onClick={() => setConfirming(true)}>
                    {grant.applying ? 'Applying…' : 'Apply…'}
                  </button>
                  {grant.applying ? <span className="muted">Backing up, changing, checking…</span> : <span className="muted">Asks once more before changing anything.</span>}
                </>
              ) : (
                <div className="confirm" data-testid="grant-confirm" role="alertdialog" aria-label="Confirm the change">
                  <p>
                    Change the permissions of {plan.changes.length === 1 ? '1 path' : `${plan.changes.length} paths`} on this machine now? The current ACL
                    {plan.changes.length === 1 ? ' is' : 's are'} backed up first, and Undo restores {plan.changes.length === 1 ? 'it' : 'them'} exactly.
                  </p>
                  <div className="confirm-buttons">
                    <button
                      type="button"
                      className="button primary"
                      data-testid="grant-confirm-apply"
                      autoFocus
                      onClick={() => {
                        setConfirming(false);
                        onApply();
                      }}
                    >
                      Yes, apply the change
                    </button>
                    <button type="button" className="button secondary" data-testid="grant-confirm-cancel" onClick={() => setConfirming(false)}>
                      Cancel
                    </button>
                  </div>
                </div>
              )}
            </div>
          )}
        </>
      )}
      {grant.applyError && (
        <p className="error-line" role="alert" data-testid="grant-apply-error">
          {grant.applyError}
        </p>
      )}

      {result && plan && <GrantResultView grant={grant} plan={plan} result={result} undo={undo} onUndo={onUndo} />}
    </section>
  );
}

function ChangesTable({ changes }: { changes: GrantPlan['changes'] }) {
  return (
    <div className="table-scroll">
      <table className="data-table" data-testid="grant-changes">
        <thead>
          <tr>
            <th scope="col">Path</th>
            <th scope="col">Now</th>
            <th scope="col">After</th>
          </tr>
        </thead>
        <tbody>
          {changes.map((c) => (
            <tr key={c.path} title={c.why}>
              <td className="mono">{c.path}</td>
              <td className="mono">{c.before}</td>
              <td className="mono">{c.after}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function CommandsBlock({ title, commands, language, testId }: { title: string; commands: GrantPlan['commands']; language: GrantPlan['script']['language']; testId: string }) {
  const text = commands.map((c) => commandLine(c, language)).join('\n');
  return (
    <div className="script-block" data-testid={testId}>
      <div className="script-head">
        <h4 className="script-title">{title}</h4>
        <span className="muted script-file">each run directly with its arguments, not through a shell</span>
        <CopyButton value={text} what={title.toLowerCase()} />
      </div>
      <pre className="script-text" data-testid={`${testId}-text`}>
        {text}
      </pre>
    </div>
  );
}

function GrantResultView({ grant, plan, result, undo, onUndo }: { grant: GrantState; plan: GrantPlan; result: GrantResult; undo: UndoResult | null; onUndo: () => void }) {
  const applied = <AppliedView plan={plan} result={result} />;
  if (undo) {
    // Undone: what is true now leads; the change that was undone is kept below, folded.
    return (
      <div className="grant-result" data-testid="grant-result">
        <p className={`note ${undo.matchesBackup ? 'is-good' : 'is-bad'}`} data-testid="grant-undone" data-matches={String(undo.matchesBackup)} role="status">
          {undo.matchesBackup ? <CheckIcon size={16} /> : <WarningIcon size={16} />}
          <span>
            {undo.matchesBackup
              ? 'Restored; matches the backup byte for byte.'
              : `Restored, but the ACL now differs from the backup: compare with ${result.backupPath}.`}
          </span>
        </p>
        <h4 className="sub-heading">The key file’s ACL after the undo</h4>
        <AclTable acl={undo.restored} testId="grant-acl-restored" caption="ACL after the undo" />
        <details className="grant-history">
          <summary>The change that was undone (backup {result.backupId})</summary>
          {applied}
        </details>
      </div>
    );
  }
  return (
    <div className="grant-result" data-testid="grant-result">
      {applied}
      <div className="grant-actions">
        <button type="button" className="button secondary" data-testid="grant-undo" disabled={grant.undoing} onClick={onUndo}>
          {grant.undoing ? 'Restoring…' : 'Undo'}
        </button>
        <span className="muted">Restores the ACL{result.commands.length > 1 ? 's' : ''} saved in backup {result.backupId}, exactly.</span>
      </div>
      {grant.undoError && (
        <p className="error-line" role="alert" data-testid="grant-undo-error">
          {grant.undoError}
        </p>
      )}
    </div>
  );
}

/** The applied change: verified answer, commands run, the backup, the ACL after. */
function AppliedView({ plan, result }: { plan: GrantPlan; result: GrantResult }) {
  const ok = result.verified.canRead;
  return (
    <>
      <div className={`verdict is-${ok ? 'good' : 'bad'}`}>
        <div className="verdict-head">
          <span className="verdict-icon" aria-hidden="true">
            {ok ? <CheckIcon size={22} /> : <WarningIcon size={22} />}
          </span>
          <div className="verdict-text">
            <p className="verdict-sentence" data-testid="grant-verified">
              {result.changed ? 'Applied. ' : 'Nothing needed changing. '}
              Checked again: {answerSentence(result.verified)}
            </p>
            <p className="access-decided">{capitalise(result.verified.decidedBy)}</p>
          </div>
        </div>
      </div>

      {result.commands.length > 0 && <CommandsBlock title="Commands run" commands={result.commands} language={plan.script.language} testId="grant-commands-run" />}

      <dl className="findkey">
        <CopyRow label="Backup" value={result.backupId} what="backup id" testId="grant-backup-id" />
        <CopyRow label="Backup file" value={result.backupPath} what="backup file path" testId="grant-backup-path" />
      </dl>

      <ScriptBlock
        title="Undo script for this backup (to restore by hand later)"
        text={result.undoScript.text}
        fileName={scriptFileName('undo-grant-read', result.verified.identity, result.undoScript.language)}
        testId="grant-result-undo-script"
      />

      <h4 className="sub-heading">The key file’s ACL after the change</h4>
      <AclTable acl={result.after} testId="grant-acl-after" caption="ACL after the change" />
    </>
  );
}

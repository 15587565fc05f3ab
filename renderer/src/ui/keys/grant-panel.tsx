import { useState } from 'react';
import type { GrantPlan, GrantResult, UndoResult } from '../../../../shared/model/acl';
import { CopyButton } from '../common/copy-button';
import { CheckIcon, WarningIcon } from '../common/icons';
import { AclTable } from './acl-table';
import { commandLine, scriptFileName } from './acl-words';
import { answerSentence } from './access-answer';
import { ScriptBlock } from './script-block';

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
 * "Grant read access…" as a reviewed change (issue 4): the dry run first (what changes, the exact
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
        <h3 className="grant-title">Grant {grant.identity} read access</h3>
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

      {plan && (
        <>
          <p className="grant-stage">
            <span className="stage-pill">{result ? 'Applied' : 'Dry run'}</span>
            {result ? 'This change was made:' : 'Nothing has changed yet. This is what Apply will do:'}
          </p>
          <p className="grant-summary" data-testid="grant-summary">
            {plan.summary}
          </p>
          {plan.alreadyAllowed && (
            <p className="note is-good" data-testid="grant-already" role="note">
              <CheckIcon size={16} />
              <span>{grant.identity} can already read the key: there is nothing to change.</span>
            </p>
          )}

          {plan.changes.length > 0 && (
            <div className="table-scroll">
              <table className="data-table" data-testid="grant-changes">
                <thead>
                  <tr>
                    <th scope="col">Path</th>
                    <th scope="col">Now</th>
                    <th scope="col">After</th>
                    <th scope="col">Why</th>
                  </tr>
                </thead>
                <tbody>
                  {plan.changes.map((c) => (
                    <tr key={c.path}>
                      <td className="mono">{c.path}</td>
                      <td className="mono">{c.before}</td>
                      <td className="mono">{c.after}</td>
                      <td>{c.why}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}

          {plan.commands.length > 0 && (
            <div className="script-block" data-testid="grant-commands">
              <div className="script-head">
                <h4 className="script-title">Commands that will run</h4>
                <span className="muted script-file">each run directly with its arguments, not through a shell</span>
                <CopyButton value={plan.commands.map((c) => commandLine(c, plan.script.language)).join('\n')} what="commands" />
              </div>
              <pre className="script-text" data-testid="grant-commands-text">
                {plan.commands.map((c) => commandLine(c, plan.script.language)).join('\n')}
              </pre>
            </div>
          )}

          <div className={`note ${plan.privileges.sufficient ? 'is-good' : 'is-warn'}`} data-testid="grant-privileges" role="note">
            {plan.privileges.sufficient ? <CheckIcon size={16} /> : <WarningIcon size={16} />}
            <span>
              <strong>{plan.privileges.sufficient ? 'Certbench may make this change: ' : 'Not enough privileges here: '}</strong>
              {plan.privileges.detail}
              {!plan.privileges.sufficient && '. Save the script and run it as an administrator, or start Certbench with the rights needed.'}
            </span>
          </div>

          <ScriptBlock title="Script" text={plan.script.text} fileName={scriptFileName('grant-read', grant.identity, plan.script.language)} testId="grant-script" />
          <ScriptBlock title="Undo script" text={plan.undoScript.text} fileName={scriptFileName('undo-grant-read', grant.identity, plan.undoScript.language)} testId="grant-undo-script" />

          {!result && !plan.alreadyAllowed && (
            <div className="grant-actions">
              {!confirming ? (
                <button type="button" className="button primary" data-testid="grant-apply" disabled={grant.applying} onClick={() => setConfirming(true)}>
                  Apply…
                </button>
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
                      disabled={grant.applying}
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
              {grant.applying && <span className="muted">Backing up, changing, checking…</span>}
            </div>
          )}
          {grant.applyError && (
            <p className="error-line" role="alert" data-testid="grant-apply-error">
              {grant.applyError}
            </p>
          )}
        </>
      )}

      {result && <GrantResultView grant={grant} result={result} undo={undo} onUndo={onUndo} />}
    </section>
  );
}

function GrantResultView({ grant, result, undo, onUndo }: { grant: GrantState; result: GrantResult; undo: UndoResult | null; onUndo: () => void }) {
  const ok = result.verified.canRead;
  return (
    <div className="grant-result" data-testid="grant-result">
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
            <p className="access-decided">{result.verified.decidedBy.charAt(0).toUpperCase() + result.verified.decidedBy.slice(1)}</p>
          </div>
        </div>
      </div>

      <dl className="findkey">
        <div className="findkey-row">
          <dt>Backup</dt>
          <dd>
            <span className="mono" data-testid="grant-backup-id">
              {result.backupId}
            </span>
            <CopyButton value={result.backupId} what="backup id" />
          </dd>
        </div>
        <div className="findkey-row">
          <dt>Backup file</dt>
          <dd>
            <span className="mono" data-testid="grant-backup-path">
              {result.backupPath}
            </span>
            <CopyButton value={result.backupPath} what="backup file path" />
          </dd>
        </div>
      </dl>

      <h4 className="sub-heading">The key file’s ACL after the change</h4>
      <AclTable acl={result.after} testId="grant-acl-after" caption="ACL after the change" />

      {!undo && (
        <div className="grant-actions">
          <button type="button" className="button secondary" data-testid="grant-undo" disabled={grant.undoing} onClick={onUndo}>
            {grant.undoing ? 'Restoring…' : 'Undo'}
          </button>
          <span className="muted">Restores the ACL{result.commands.length > 1 ? 's' : ''} saved in {result.backupId}, exactly.</span>
        </div>
      )}
      {grant.undoError && (
        <p className="error-line" role="alert" data-testid="grant-undo-error">
          {grant.undoError}
        </p>
      )}
      {undo && (
        <>
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
        </>
      )}
    </div>
  );
}

import type { FormEvent, ReactNode } from 'react';
import type { Identity } from '../../../../shared/model/acl';
import type { Store } from '../../../../shared/model/store';
import { AccessAnswerView, type AccessCheck } from './access-answer';
import { GrantPanel, type GrantState } from './grant-panel';
import { IdentityPicker } from './identity-picker';
import { KeyLocationView, type KeyFind } from './key-location';
import { KeyPicker } from './key-picker';
import type { KeyTarget } from './key-target';
import { PfxPassword } from './pfx-password';

/**
 * The numbered steps of the live Private keys page, each drawn from what LiveKeys (keys-area.tsx)
 * holds: the page owns the state and the calls, these only show it and report what was clicked.
 */

export type Loadable<T> = { state: 'idle' } | { state: 'loading' } | { state: 'ready'; value: T } | { state: 'failed'; message: string };

/** keys:find of a password-protected file (a PFX): its password is asked for in place, the message says whether one was wrong. */
export type FindState = Loadable<KeyFind> | { state: 'locked'; wrong: boolean; message: string };

/** A grant applied in this window whose panel was replaced (another key or account was chosen): still undoable here. */
export interface EarlierChange {
  backupId: string;
  identity: string;
  path: string;
  undoing: boolean;
  outcome: string | null;
  error: string | null;
}

function StepTitle({ id, number, children }: { id: string; number: number; children: ReactNode }) {
  return (
    <h2 className="step-title" id={id}>
      <span className="step-number">{number}</span> {children}
    </h2>
  );
}

/** Step 1: the chosen certificate or file, or the picker. */
export function KeyTargetStep({ target, choosing, onPick, onChooseAnother }: { target: KeyTarget | null; choosing: boolean; onPick: (t: KeyTarget) => void; onChooseAnother: () => void }) {
  return (
    <section className="step-card" aria-labelledby="keys-step-1">
      <StepTitle id="keys-step-1" number={1}>
        Which private key?
      </StepTitle>
      {target && !choosing ? (
        <div className="chosen">
          <span>
            <span className="muted">{target.kind === 'thumbprint' ? 'Certificate ' : 'File '}</span>
            <strong data-testid="key-target" className={target.kind === 'path' ? 'mono' : undefined}>
              {target.label}
            </strong>
          </span>
          <button type="button" className="button secondary small" data-testid="key-choose-another" onClick={onChooseAnother}>
            Choose another
          </button>
        </div>
      ) : (
        <KeyPicker onPick={onPick} />
      )}
    </section>
  );
}

/** Step 2: where the key file is and its ACL, or why it could not be found, or the PFX's password prompt. */
export function KeyLocationStep({ target, found, stores, onPassword }: { target: KeyTarget; found: FindState; stores: Store[]; onPassword: (value: string) => void }) {
  return (
    <section className="step-card" aria-labelledby="keys-step-2" data-testid="key-step-location">
      <StepTitle id="keys-step-2" number={2}>
        Where it is and who may use it
      </StepTitle>
      {found.state === 'loading' && <p className="muted">Looking for the key…</p>}
      {found.state === 'failed' && (
        <p className="error-line" role="alert" data-testid="key-find-error">
          {found.message}
        </p>
      )}
      {found.state === 'locked' && <PfxPassword name={target.label} wrong={found.wrong} onSubmit={onPassword} />}
      {found.state === 'ready' && <KeyLocationView found={found.value} stores={stores} />}
    </section>
  );
}

interface AccessStepProps {
  identity: string;
  onIdentity: (value: string) => void;
  identities: Identity[] | null;
  identitiesError: string | null;
  check: Loadable<AccessCheck>;
  /** A grant panel is open: the "Grant read access…" button is not offered again. */
  granting: boolean;
  onSubmit: (e: FormEvent) => void;
  onStartGrant: () => void;
}

/** Step 3: can this identity read the key, and the way to a grant when it cannot. */
export function AccessStep({ identity, onIdentity, identities, identitiesError, check, granting, onSubmit, onStartGrant }: AccessStepProps) {
  const checked = check.state === 'ready' ? check.value : null;
  return (
    <section className="step-card" aria-labelledby="keys-step-3" data-testid="key-step-access">
      <StepTitle id="keys-step-3" number={3}>
        Can this identity read the key?
      </StepTitle>
      <form className="access-form" onSubmit={onSubmit}>
        <IdentityPicker value={identity} onChange={onIdentity} identities={identities} loadError={identitiesError} disabled={false} />
        <button type="submit" className="button primary" data-testid="access-check" disabled={!identity.trim() || check.state === 'loading'}>
          {check.state === 'loading' ? 'Checking…' : 'Check'}
        </button>
      </form>
      {check.state === 'failed' && (
        <p className="error-line" role="alert" data-testid="access-error">
          {check.message}
        </p>
      )}
      {checked && <AccessAnswerView check={checked} />}
      {checked && !checked.answer.canRead && !granting && (
        <div className="grant-actions">
          <button type="button" className="button primary" data-testid="grant-start" onClick={onStartGrant}>
            Grant read access…
          </button>
          <span className="muted">Shows the change and the script first; nothing changes until you apply it.</span>
        </div>
      )}
    </section>
  );
}

/** Step 4: the reviewed grant (dry run, apply, verify, undo). */
export function GrantStep({ grant, onApply, onUndo, onClose }: { grant: GrantState; onApply: () => void; onUndo: () => void; onClose: () => void }) {
  return (
    <section className="step-card" aria-labelledby="keys-step-4">
      <StepTitle id="keys-step-4" number={4}>
        Grant {grant.identity} read access
      </StepTitle>
      <GrantPanel grant={grant} onApply={onApply} onUndo={onUndo} onClose={onClose} />
    </section>
  );
}

/** Grants applied earlier in this window whose panels were replaced, each still undoable. */
export function EarlierChanges({ earlier, onUndo }: { earlier: EarlierChange[]; onUndo: (backupId: string) => void }) {
  return (
    <section className="step-card" aria-label="Changes made in this window" data-testid="earlier-changes">
      <h2 className="step-title">Changes made in this window</h2>
      <ul className="plain-list earlier-list">
        {earlier.map((c) => (
          <li key={c.backupId} className="earlier-item">
            <span>
              {c.identity} may read <span className="mono">{c.path}</span> <span className="muted">(backup {c.backupId})</span>
            </span>
            {c.outcome ? (
              <span className="muted">{c.outcome}</span>
            ) : (
              <button type="button" className="button secondary small" disabled={c.undoing} onClick={() => onUndo(c.backupId)}>
                {c.undoing ? 'Restoring…' : 'Undo'}
              </button>
            )}
            {c.error && (
              <span className="error-line" role="alert">
                {c.error}
              </span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

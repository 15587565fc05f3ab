import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { Identity } from '../../../../shared/model/acl';
import { call } from '../../api/client';
import { useBundleView } from '../shell/bundle-view';
import { useStoreListing } from '../stores/store-listing';
import { AccessAnswerView, type AccessCheck } from './access-answer';
import { BundleKeyPane } from './bundle-key-pane';
import { applyGrant, planGrant, undoGrant } from './grant-calls';
import { GrantPanel, type GrantState } from './grant-panel';
import { IdentityPicker } from './identity-picker';
import { KeyLocationView, type KeyFind } from './key-location';
import { PfxPassword } from './pfx-password';
import { useLatestRequest } from '../common/use-latest-request';
import { KeyPicker } from './key-picker';
import { findRequest, type KeyTarget } from './key-target';

/** Sent by other areas ("Show private key"); a new nonce selects the target again. */
export interface KeyRequest {
  target: KeyTarget;
  nonce: number;
}

type Loadable<T> = { state: 'idle' } | { state: 'loading' } | { state: 'ready'; value: T } | { state: 'failed'; message: string };

/** keys:find of a password-protected file (a PFX): its password is asked for in place, the message says whether one was wrong. */
type FindState = Loadable<KeyFind> | { state: 'locked'; wrong: boolean; message: string };

/** A grant applied in this window whose panel was replaced (another key or account was chosen): still undoable here. */
interface EarlierChange {
  backupId: string;
  identity: string;
  path: string;
  undoing: boolean;
  outcome: string | null;
  error: string | null;
}

/**
 * Private keys: what FindPrivateKey, icacls and a careful administrator do, in one page.
 * Pick a certificate or a file; see where its key file is and who may read it; ask whether the
 * site's account can read it, with the deciding entry; grant it read access after a dry run, with
 * a backup, a verification and an undo. With a bundle open, the bundle's key is shown read-only instead.
 */
export function KeysArea({ request }: { request: KeyRequest | null }) {
  const { bundle } = useBundleView();
  return (
    <>
      {bundle && <BundleKeyPane bundle={bundle} />}
      {/* Kept mounted while a bundle is shown, so a grant's Undo and the chosen key are still here after closing it. */}
      <LiveKeys request={request} hidden={bundle !== null} />
    </>
  );
}

function LiveKeys({ request, hidden }: { request: KeyRequest | null; hidden: boolean }) {
  const { listing } = useStoreListing();
  const [target, setTarget] = useState<KeyTarget | null>(null);
  const [choosing, setChoosing] = useState(true);
  const [found, setFound] = useState<FindState>({ state: 'idle' });
  const [identities, setIdentities] = useState<Identity[] | null>(null);
  const [identitiesError, setIdentitiesError] = useState<string | null>(null);
  const [identity, setIdentity] = useState('');
  const [check, setCheck] = useState<Loadable<AccessCheck>>({ state: 'idle' });
  const [grant, setGrant] = useState<GrantState | null>(null);
  const [earlier, setEarlier] = useState<EarlierChange[]>([]);
  // Only the latest lookup and the latest access check are shown (another key or account may have been chosen meanwhile).
  const latestFind = useLatestRequest();
  const latestCheck = useLatestRequest();
  const grantRef = useRef<GrantState | null>(null);
  grantRef.current = grant;

  const keyPath = found.state === 'ready' && found.value.directory && found.value.fileName ? found.value.key.path : null;

  /** A grant panel being replaced keeps its Undo in "Changes made in this window". */
  const archiveGrant = useCallback(() => {
    const g = grantRef.current;
    if (g?.result && g.result.changed && !g.undo) {
      const { backupId } = g.result;
      setEarlier((list) => (list.some((c) => c.backupId === backupId) ? list : [...list, { backupId, identity: g.identity, path: g.path, undoing: false, outcome: null, error: null }]));
    }
    setGrant(null);
  }, []);

  // The password of the chosen PFX: used for keys:find and kept only while this key is the one shown (never stored).
  const password = useRef<string | undefined>(undefined);
  const find = useCallback((t: KeyTarget, quiet = false) => {
    const mine = latestFind.start();
    if (!quiet) setFound({ state: 'loading' });
    const given = t.kind === 'path' ? password.current : undefined;
    void call('keys:find', { ...findRequest(t), ...(given !== undefined ? { password: given } : {}) }).then((r) => {
      if (!mine.isLatest()) return;
      if (!r.ok && (r.error.code === 'password-required' || r.error.code === 'wrong-password')) {
        setFound({ state: 'locked', wrong: r.error.code === 'wrong-password', message: r.error.message });
        return;
      }
      setFound(r.ok ? { state: 'ready', value: r.value } : { state: 'failed', message: r.error.message });
    });
  }, []);

  const runCheck = useCallback((path: string, who: string, quiet = false) => {
    const mine = latestCheck.start();
    if (!quiet) setCheck({ state: 'loading' });
    void call('keys:check-access', { path, identity: who }).then((r) => {
      if (!mine.isLatest()) return;
      setCheck(r.ok ? { state: 'ready', value: r.value } : { state: 'failed', message: r.error.message });
    });
  }, []);

  const pick = useCallback(
    (t: KeyTarget) => {
      archiveGrant();
      latestCheck.reset();
      setCheck({ state: 'idle' });
      password.current = undefined;
      setTarget(t);
      setChoosing(false);
      find(t);
    },
    [archiveGrant, find],
  );

  // "Show private key" from the stores: select what was sent, each time it is sent.
  const handled = useRef(0);
  useEffect(() => {
    if (request && request.nonce !== handled.current) {
      handled.current = request.nonce;
      pick(request.target);
    }
  }, [request, pick]);

  useEffect(() => {
    void call('identities:list', {}).then((r) => {
      if (r.ok) setIdentities(r.value.identities);
      else setIdentitiesError(r.error.message);
    });
  }, []);

  const submitCheck = (e: FormEvent) => {
    e.preventDefault();
    const who = identity.trim();
    if (!keyPath || !who) return;
    if (grantRef.current && (grantRef.current.identity !== who || grantRef.current.path !== keyPath)) archiveGrant();
    runCheck(keyPath, who);
  };

  const startGrant = () => {
    if (check.state !== 'ready' || !keyPath) return;
    const who = check.value.identity.name;
    archiveGrant();
    void planGrant(setGrant, who, keyPath);
  };

  /** After a change, read the key's ACL and the access again, without blanking what is shown. */
  const refreshAfterChange = (path: string, who: string) => {
    if (target) find(target, true);
    runCheck(path, who, true);
  };

  const apply = () => {
    const g = grantRef.current;
    if (!g) return;
    void applyGrant(setGrant, g).then(() => refreshAfterChange(g.path, g.identity));
  };

  const undo = () => {
    const g = grantRef.current;
    if (!g?.result) return;
    void undoGrant(setGrant, g).then(() => refreshAfterChange(g.path, g.identity));
  };

  const undoEarlier = (backupId: string) => {
    setEarlier((list) => list.map((c) => (c.backupId === backupId ? { ...c, undoing: true, error: null } : c)));
    void call('keys:undo', { backupId }).then((r) => {
      setEarlier((list) =>
        list.map((c) =>
          c.backupId !== backupId
            ? c
            : r.ok
              ? { ...c, undoing: false, outcome: r.value.matchesBackup ? 'Restored; matches the backup byte for byte.' : 'Restored, but the ACL differs from the backup.' }
              : { ...c, undoing: false, error: r.error.message },
        ),
      );
      if (target && found.state === 'ready') find(target, true);
    });
  };

  const checked = check.state === 'ready' ? check.value : null;

  return (
    <main className="pane" data-testid="keys-pane" hidden={hidden}>
      <div className="pane-inner">
        <p className="intro">
          Where a certificate’s private key file is (like FindPrivateKey), who may read it, and whether the account a site or service runs as can.
          If it cannot, grant it read access: you see the exact change first, a backup is made, and Undo puts it back.
        </p>

        <section className="step-card" aria-labelledby="keys-step-1">
          <h2 className="step-title" id="keys-step-1">
            <span className="step-number">1</span> Which private key?
          </h2>
          {target && !choosing ? (
            <div className="chosen">
              <span>
                <span className="muted">{target.kind === 'thumbprint' ? 'Certificate ' : 'File '}</span>
                <strong data-testid="key-target" className={target.kind === 'path' ? 'mono' : undefined}>
                  {target.label}
                </strong>
              </span>
              <button type="button" className="button secondary small" data-testid="key-choose-another" onClick={() => setChoosing(true)}>
                Choose another
              </button>
            </div>
          ) : (
            <KeyPicker onPick={pick} />
          )}
        </section>

        {target && (
          <section className="step-card" aria-labelledby="keys-step-2" data-testid="key-step-location">
            <h2 className="step-title" id="keys-step-2">
              <span className="step-number">2</span> Where it is and who may use it
            </h2>
            {found.state === 'loading' && <p className="muted">Looking for the key…</p>}
            {found.state === 'failed' && (
              <p className="error-line" role="alert" data-testid="key-find-error">
                {found.message}
              </p>
            )}
            {found.state === 'locked' && target && (
              <PfxPassword
                name={target.label}
                wrong={found.wrong}
                onSubmit={(value) => {
                  password.current = value;
                  find(target);
                }}
              />
            )}
            {found.state === 'ready' && <KeyLocationView found={found.value} stores={listing?.stores ?? []} />}
          </section>
        )}

        {keyPath && (
          <section className="step-card" aria-labelledby="keys-step-3" data-testid="key-step-access">
            <h2 className="step-title" id="keys-step-3">
              <span className="step-number">3</span> Can this identity read the key?
            </h2>
            <form className="access-form" onSubmit={submitCheck}>
              <IdentityPicker value={identity} onChange={setIdentity} identities={identities} loadError={identitiesError} disabled={false} />
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
            {checked && !checked.answer.canRead && !grant && (
              <div className="grant-actions">
                <button type="button" className="button primary" data-testid="grant-start" onClick={startGrant}>
                  Grant read access…
                </button>
                <span className="muted">Shows the change and the script first; nothing changes until you apply it.</span>
              </div>
            )}
          </section>
        )}

        {grant && (
          <section className="step-card" aria-labelledby="keys-step-4">
            <h2 className="step-title" id="keys-step-4">
              <span className="step-number">4</span> Grant {grant.identity} read access
            </h2>
            <GrantPanel grant={grant} onApply={apply} onUndo={undo} onClose={() => setGrant(null)} />
          </section>
        )}

        {earlier.length > 0 && (
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
                    <button type="button" className="button secondary small" disabled={c.undoing} onClick={() => undoEarlier(c.backupId)}>
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
        )}
      </div>
    </main>
  );
}

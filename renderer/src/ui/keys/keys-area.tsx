import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { Identity } from '../../../../shared/model/acl';
import { call } from '../../api/client';
import { useBundleView } from '../shell/bundle-view';
import { useStoreListing } from '../stores/store-listing';
import type { AccessCheck } from './access-answer';
import { BundleKeyPane } from './bundle-key-pane';
import { applyGrant, planGrant, undoGrant } from './grant-calls';
import type { GrantState } from './grant-panel';
import { useLatestRequest } from '../common/use-latest-request';
import { findRequest, type KeyTarget } from './key-target';
import { AccessStep, EarlierChanges, GrantStep, KeyLocationStep, KeyTargetStep, type EarlierChange, type FindState, type Loadable } from './keys-steps';
import './keys.css';

/** Sent by other areas ("Show private key"); a new nonce selects the target again. */
export interface KeyRequest {
  target: KeyTarget;
  nonce: number;
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

/**
 * keys:find of the chosen key, only the latest answer shown (another key may have been chosen
 * meanwhile). The password of a chosen PFX is used for keys:find and kept only while this key is the
 * one shown (never stored).
 */
function useKeyFind() {
  const [found, setFound] = useState<FindState>({ state: 'idle' });
  const latestFind = useLatestRequest();
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
  return { found, find, password };
}

/** keys:check-access for a key and an account, only the latest answer shown. */
function useAccessCheck() {
  const [check, setCheck] = useState<Loadable<AccessCheck>>({ state: 'idle' });
  const latestCheck = useLatestRequest();
  const runCheck = useCallback((path: string, who: string, quiet = false) => {
    const mine = latestCheck.start();
    if (!quiet) setCheck({ state: 'loading' });
    void call('keys:check-access', { path, identity: who }).then((r) => {
      if (!mine.isLatest()) return;
      setCheck(r.ok ? { state: 'ready', value: r.value } : { state: 'failed', message: r.error.message });
    });
  }, []);
  const clearCheck = useCallback(() => {
    latestCheck.reset();
    setCheck({ state: 'idle' });
  }, []);
  return { check, runCheck, clearCheck };
}

/** The accounts a key can be granted to (identities:list), or why they could not be listed. */
function useIdentities() {
  const [identities, setIdentities] = useState<Identity[] | null>(null);
  const [identitiesError, setIdentitiesError] = useState<string | null>(null);
  useEffect(() => {
    void call('identities:list', {}).then((r) => {
      if (r.ok) setIdentities(r.value.identities);
      else setIdentitiesError(r.error.message);
    });
  }, []);
  return { identities, identitiesError };
}

/** The grant being reviewed, and the grants applied earlier in this window whose panels were replaced. */
function useGrants() {
  const [grant, setGrant] = useState<GrantState | null>(null);
  const [earlier, setEarlier] = useState<EarlierChange[]>([]);
  const grantRef = useRef<GrantState | null>(null);
  grantRef.current = grant;

  /** A grant panel being replaced keeps its Undo in "Changes made in this window". */
  const archiveGrant = useCallback(() => {
    const g = grantRef.current;
    if (g?.result && g.result.changed && !g.undo) {
      const { backupId } = g.result;
      setEarlier((list) => (list.some((c) => c.backupId === backupId) ? list : [...list, { backupId, identity: g.identity, path: g.path, undoing: false, outcome: null, error: null }]));
    }
    setGrant(null);
  }, []);

  /** keys:undo of an earlier change; `after` runs once the answer is in. */
  const undoEarlier = (backupId: string, after: () => void) => {
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
      after();
    });
  };
  return { grant, setGrant, grantRef, earlier, archiveGrant, undoEarlier };
}

function LiveKeys({ request, hidden }: { request: KeyRequest | null; hidden: boolean }) {
  const { listing } = useStoreListing();
  const [target, setTarget] = useState<KeyTarget | null>(null);
  const [choosing, setChoosing] = useState(true);
  const [identity, setIdentity] = useState('');
  const { found, find, password } = useKeyFind();
  const { check, runCheck, clearCheck } = useAccessCheck();
  const { identities, identitiesError } = useIdentities();
  const { grant, setGrant, grantRef, earlier, archiveGrant, undoEarlier } = useGrants();

  const keyPath = found.state === 'ready' && found.value.directory && found.value.fileName ? found.value.key.path : null;

  const pick = useCallback(
    (t: KeyTarget) => {
      archiveGrant();
      clearCheck();
      password.current = undefined;
      setTarget(t);
      setChoosing(false);
      find(t);
    },
    [archiveGrant, clearCheck, find, password],
  );

  // "Show private key" from the stores: select what was sent, each time it is sent.
  const handled = useRef(0);
  useEffect(() => {
    if (request && request.nonce !== handled.current) {
      handled.current = request.nonce;
      pick(request.target);
    }
  }, [request, pick]);

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

  const undoEarlierChange = (backupId: string) =>
    undoEarlier(backupId, () => {
      if (target && found.state === 'ready') find(target, true);
    });

  return (
    <main className="pane" data-testid="keys-pane" hidden={hidden}>
      <div className="pane-inner">
        <p className="intro">
          Where a certificate’s private key file is (like FindPrivateKey), who may read it, and whether the account a site or service runs as can.
          If it cannot, grant it read access: you see the exact change first, a backup is made, and Undo puts it back.
        </p>
        <KeyTargetStep target={target} choosing={choosing} onPick={pick} onChooseAnother={() => setChoosing(true)} />
        {target && (
          <KeyLocationStep
            target={target}
            found={found}
            stores={listing?.stores ?? []}
            onPassword={(value) => {
              password.current = value;
              find(target);
            }}
          />
        )}
        {keyPath && (
          <AccessStep
            identity={identity}
            onIdentity={setIdentity}
            identities={identities}
            identitiesError={identitiesError}
            check={check}
            granting={grant !== null}
            onSubmit={submitCheck}
            onStartGrant={startGrant}
          />
        )}
        {grant && <GrantStep grant={grant} onApply={apply} onUndo={undo} onClose={() => setGrant(null)} />}
        {earlier.length > 0 && <EarlierChanges earlier={earlier} onUndo={undoEarlierChange} />}
      </div>
    </main>
  );
}

import type { Dispatch, SetStateAction } from 'react';
import { call } from '../../api/client';
import { newGrant, type GrantState } from './grant-panel';

type SetGrant = Dispatch<SetStateAction<GrantState | null>>;

/**
 * The three steps of a reviewed key grant, for every screen that drives a GrantPanel (the
 * Private keys page, a fix on Diagnose): each calls the service and folds its answer into the grant,
 * unless the user has moved on to another key or account meanwhile. Each resolves once the answer
 * is in, for callers that read the key again afterwards.
 */

/** A fresh grant for this key and account, and its dry run (keys:grant with dryRun). */
export function planGrant(setGrant: SetGrant, identity: string, path: string): Promise<void> {
  setGrant(newGrant(identity, path));
  return call('keys:grant', { path, identity, dryRun: true }).then((r) => {
    setGrant((cur) => {
      if (!cur || cur.identity !== identity || cur.path !== path) return cur;
      if (!r.ok) return { ...cur, planError: r.error.message };
      return r.value.dryRun ? { ...cur, plan: r.value.plan } : cur;
    });
  });
}

/** The grant for real, after the user confirmed the dry run. */
export function applyGrant(setGrant: SetGrant, g: GrantState): Promise<void> {
  setGrant({ ...g, applying: true, applyError: null });
  return call('keys:grant', { path: g.path, identity: g.identity, dryRun: false, ...(g.plan?.digest ? { planDigest: g.plan.digest } : {}) }).then((r) => {
    setGrant((cur) => {
      if (cur !== null && (cur.identity !== g.identity || cur.path !== g.path)) return cur;
      if (!r.ok) return { ...g, applying: false, applyError: r.error.message };
      return !r.value.dryRun ? { ...g, applying: false, result: r.value.result } : { ...g, applying: false };
    });
  });
}

/** keys:undo with the backup the applied grant made, restoring the ACL byte for byte (nothing before Apply). */
export function undoGrant(setGrant: SetGrant, g: GrantState): Promise<void> {
  if (!g.result) return Promise.resolve();
  const backupId = g.result.backupId;
  setGrant({ ...g, undoing: true, undoError: null });
  return call('keys:undo', { backupId }).then((r) => {
    setGrant((cur) => {
      if (!cur || cur.result?.backupId !== backupId) return cur;
      return r.ok ? { ...cur, undoing: false, undo: r.value } : { ...cur, undoing: false, undoError: r.error.message };
    });
  });
}

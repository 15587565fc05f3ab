import { useCallback, useRef, useState } from 'react';
import { call } from '../../api/client';
import { newGrant, type GrantState } from '../keys/grant-panel';

/**
 * A key grant applied from a fix (applyWith 'keys:grant'): the same reviewed change as on the
 * Private keys page (issue 4), driving the same GrantPanel: keys:grant as a dry run first, then for
 * real after a confirmation, with the backup it made and keys:undo to restore it byte for byte.
 * Kept by the finding's card, so the Undo stays at hand after the dialog is closed.
 */
export function useGrantFlow() {
  const [grant, setGrant] = useState<GrantState | null>(null);
  const ref = useRef<GrantState | null>(null);
  ref.current = grant;

  /**
   * Open the dry run. The grant under way is kept instead (its plan, or its Undo after Apply);
   * after an undo or an error a fresh dry run reads the key's ACL as it is now.
   */
  const start = useCallback((path: string, identity: string) => {
    const g = ref.current;
    if (g && g.path === path && g.identity === identity && !g.undo && !g.planError && !g.applyError) return;
    setGrant(newGrant(identity, path));
    void call('keys:grant', { path, identity, dryRun: true }).then((r) => {
      setGrant((cur) => {
        if (!cur || cur.identity !== identity || cur.path !== path) return cur;
        if (!r.ok) return { ...cur, planError: r.error.message };
        return r.value.dryRun ? { ...cur, plan: r.value.plan } : cur;
      });
    });
  }, []);

  const apply = useCallback(() => {
    const g = ref.current;
    if (!g) return;
    setGrant({ ...g, applying: true, applyError: null });
    void call('keys:grant', { path: g.path, identity: g.identity, dryRun: false }).then((r) => {
      setGrant((cur) => {
        if (cur !== null && (cur.identity !== g.identity || cur.path !== g.path)) return cur;
        if (!r.ok) return { ...g, applying: false, applyError: r.error.message };
        return !r.value.dryRun ? { ...g, applying: false, result: r.value.result } : { ...g, applying: false };
      });
    });
  }, []);

  const undo = useCallback(() => {
    const g = ref.current;
    if (!g?.result) return;
    const backupId = g.result.backupId;
    setGrant({ ...g, undoing: true, undoError: null });
    void call('keys:undo', { backupId }).then((r) => {
      setGrant((cur) => {
        if (!cur || cur.result?.backupId !== backupId) return cur;
        return r.ok ? { ...cur, undoing: false, undo: r.value } : { ...cur, undoing: false, undoError: r.error.message };
      });
    });
  }, []);

  /** Forget a dry run that was not applied ("Close without changing anything"). */
  const discard = useCallback(() => {
    setGrant((cur) => (cur?.result && !cur.undo ? cur : null));
  }, []);

  return { grant, start, apply, undo, discard };
}

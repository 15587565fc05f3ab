import { useCallback, useRef, useState } from 'react';
import { applyGrant, planGrant, undoGrant } from '../keys/grant-calls';
import type { GrantState } from '../keys/grant-panel';

/**
 * A key grant applied from a fix (applyWith 'keys:grant'): the same reviewed change as on the
 * Private keys page, driving the same GrantPanel: keys:grant as a dry run first, then for
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
    void planGrant(setGrant, identity, path);
  }, []);

  const apply = useCallback(() => {
    const g = ref.current;
    if (g) void applyGrant(setGrant, g);
  }, []);

  const undo = useCallback(() => {
    const g = ref.current;
    if (g) void undoGrant(setGrant, g);
  }, []);

  /** Forget a dry run that was not applied ("Close without changing anything"). */
  const discard = useCallback(() => {
    setGrant((cur) => (cur?.result && !cur.undo ? cur : null));
  }, []);

  return { grant, start, apply, undo, discard };
}

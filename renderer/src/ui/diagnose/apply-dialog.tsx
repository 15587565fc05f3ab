import { useEffect, useRef } from 'react';
import { ModalDialog } from '../common/modal-dialog';
import { GrantPanel, type GrantState } from '../keys/grant-panel';

/**
 * "Apply on this machine…" for a key-grant fix: the Private keys page's reviewed change in a
 * dialog. The dry run's plan (what changes, the commands, the scripts) shows first; Apply asks once
 * more; then the backup, the ACL after, the verification and Undo.
 */
export function ApplyDialog({ grant, onClose, onApply, onUndo, onDiscard }: { grant: GrantState; onClose: () => void; onApply: () => void; onUndo: () => void; onDiscard: () => void }) {
  const body = useRef<HTMLDivElement>(null);
  const applied = grant.result?.backupId ?? null;
  const undone = grant.undo !== null;

  // Applied or undone: the answer ("Applied. Checked again: …") is read first, not the end of the panel.
  useEffect(() => {
    if (applied) body.current?.querySelector('[data-testid="grant-result"]')?.scrollIntoView({ block: 'start' });
  }, [applied, undone]);

  return (
    <ModalDialog
      open
      onClose={onClose}
      title={`Let ${grant.identity} read the private key`}
      subtitle={<span className="mono">{grant.path}</span>}
      testId="apply-dialog"
      closeTestId="apply-dialog-close"
      label="Apply the fix on this machine"
    >
      <div ref={body} className="apply-body">
        <GrantPanel
          grant={grant}
          onApply={onApply}
          onUndo={onUndo}
          onClose={() => {
            onDiscard();
            onClose();
          }}
        />
      </div>
    </ModalDialog>
  );
}

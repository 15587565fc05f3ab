import { useEffect, useRef, type ReactNode } from 'react';

/**
 * A modal <dialog> with a sticky head (title, a line under it, actions, Close) that opens while
 * `open` is true. Escape, Close and a click on the backdrop all call `onClose`. Shared by the
 * chain's certificate dialog and the stores' certificate dialog, so both look and close alike.
 */
export function ModalDialog({
  open,
  onClose,
  title,
  subtitle,
  actions,
  testId,
  closeTestId,
  label,
  children,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  subtitle?: ReactNode;
  /** Buttons next to Close (e.g. "Show private key"). */
  actions?: ReactNode;
  testId: string;
  closeTestId: string;
  label: string;
  children: ReactNode;
}) {
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);

  return (
    <dialog
      ref={dialog}
      className="cert-dialog"
      data-testid={testId}
      aria-label={label}
      onClose={onClose}
      onClick={(e) => {
        // A click on the backdrop (the dialog element itself, outside its content) closes it.
        if (e.target === dialog.current) onClose();
      }}
    >
      {open && (
        <div className="cert-dialog-inner">
          <header className="cert-dialog-head">
            <div className="cert-dialog-heading">
              <h2 className="cert-dialog-title">{title}</h2>
              {subtitle && <p className="muted">{subtitle}</p>}
            </div>
            <div className="cert-dialog-actions">
              {actions}
              <button type="button" className="button secondary" data-testid={closeTestId} onClick={onClose} autoFocus>
                Close
              </button>
            </div>
          </header>
          {children}
        </div>
      )}
    </dialog>
  );
}

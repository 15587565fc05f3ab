import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { base64 } from '@peculiar/utils';
import type { CertificateSummary } from '../../../../shared/model/certificate';
import type { ChainLink } from '../../../../shared/model/chain';
import { summarizeCertificate } from '../../../../shared/cert/summarize';
import { CertificateCard } from './certificate-card';
import { OpenCertificateContext } from './use-certificate-dialog';

type Shown =
  | { state: 'loading'; link: ChainLink }
  | { state: 'ready'; link: ChainLink; cert: CertificateSummary; now: Date }
  | { state: 'failed'; link: ChainLink; message: string };

/**
 * One modal dialog for the whole area, showing a chain link with the same card as the opened
 * files. The link carries its DER, so it is summarised here in the renderer (shared/ runs in the
 * browser): a root that came from the system trust store opens as readily as an opened file.
 */
export function CertificateDialogProvider({ children }: { children: ReactNode }) {
  const [shown, setShown] = useState<Shown | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  const ticket = useRef(0);

  const open = useCallback((link: ChainLink) => {
    const mine = ++ticket.current;
    setShown({ state: 'loading', link });
    const now = new Date();
    summarizeCertificate(link.commonName ?? link.subject, base64.decode(link.derBase64), now).then(
      (cert) => {
        if (mine === ticket.current) setShown({ state: 'ready', link, cert, now });
      },
      (err: unknown) => {
        if (mine === ticket.current) setShown({ state: 'failed', link, message: err instanceof Error ? err.message : String(err) });
      },
    );
  }, []);

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (shown && !d.open) d.showModal();
    if (!shown && d.open) d.close();
  }, [shown]);

  const close = () => {
    ticket.current++;
    setShown(null);
  };

  return (
    <OpenCertificateContext.Provider value={open}>
      {children}
      <dialog
        ref={dialog}
        className="cert-dialog"
        data-testid="cert-dialog"
        aria-label="Certificate details"
        onClose={close}
        onClick={(e) => {
          // A click on the backdrop (the dialog element itself, outside its content) closes it.
          if (e.target === dialog.current) close();
        }}
      >
        {shown && (
          <div className="cert-dialog-inner">
            <header className="cert-dialog-head">
              <div className="cert-dialog-heading">
                <h2 className="cert-dialog-title">Certificate details</h2>
                <p className="muted">Found in {shown.link.sources.join(', ') || 'an unknown source'}</p>
              </div>
              <button type="button" className="button secondary" data-testid="cert-dialog-close" onClick={close} autoFocus>
                Close
              </button>
            </header>
            {shown.state === 'loading' && <p className="muted">Reading the certificate…</p>}
            {shown.state === 'failed' && (
              <p className="file-error" role="alert">
                {shown.message}
              </p>
            )}
            {shown.state === 'ready' && <CertificateCard cert={shown.cert} now={shown.now} />}
          </div>
        )}
      </dialog>
    </OpenCertificateContext.Provider>
  );
}

import { useCallback, useState, type ReactNode } from 'react';
import { base64 } from '@peculiar/utils';
import type { CertificateSummary } from '../../../../shared/model/certificate';
import type { ChainLink } from '../../../../shared/model/chain';
import { summarizeCertificate } from '../../../../shared/cert/summarize';
import { ModalDialog } from '../common/modal-dialog';
import { CertificateCard } from './certificate-card';
import { OpenCertificateContext } from './use-certificate-dialog';
import { useLatestRequest } from '../common/use-latest-request';
import './certificates.css';

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
  const latest = useLatestRequest();

  const open = useCallback((link: ChainLink) => {
    const mine = latest.start();
    setShown({ state: 'loading', link });
    const now = new Date();
    summarizeCertificate(link.commonName ?? link.subject, base64.decode(link.derBase64), now).then(
      (cert) => {
        if (mine.isLatest()) setShown({ state: 'ready', link, cert, now });
      },
      (err: unknown) => {
        if (mine.isLatest()) setShown({ state: 'failed', link, message: err instanceof Error ? err.message : String(err) });
      },
    );
  }, []);

  const close = () => {
    latest.reset();
    setShown(null);
  };

  return (
    <OpenCertificateContext.Provider value={open}>
      {children}
      <ModalDialog
        open={shown !== null}
        onClose={close}
        title="Certificate details"
        subtitle={shown ? `Found in ${shown.link.sources.join(', ') || 'an unknown source'}` : undefined}
        testId="cert-dialog"
        closeTestId="cert-dialog-close"
        label="Certificate details"
      >
        {shown?.state === 'loading' && <p className="muted">Reading the certificate…</p>}
        {shown?.state === 'failed' && (
          <p className="file-error" role="alert">
            {shown.message}
          </p>
        )}
        {shown?.state === 'ready' && <CertificateCard cert={shown.cert} now={shown.now} />}
      </ModalDialog>
    </OpenCertificateContext.Provider>
  );
}

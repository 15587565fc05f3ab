import { useEffect, useState } from 'react';
import type { Store, StoreCertificate } from '../../../../shared/model/store';
import { call } from '../../api/client';
import { CertificateCard } from '../certificates/certificate-card';
import type { TargetAnalysis } from '../certificates/use-chain-analysis';
import { KeyIcon } from '../common/icons';
import { ModalDialog } from '../common/modal-dialog';
import { useNavigation } from '../shell/navigation';
import { displayName } from './store-rows';
import { keyStatusOfStore, storeChainRequest } from './store-chain';

/** "Folder /srv/certs, file client.pem": the store, and the file within it when there is one. */
function placeOf(cert: StoreCertificate, store: Store | undefined): string {
  const label = store?.label ?? cert.storeId;
  if (!cert.file || cert.file === store?.location) return label;
  const inside = store && cert.file.startsWith(store.location) ? cert.file.slice(store.location.length).replace(/^[\\/]+/, '') : cert.file;
  return `${label}, file ${inside}`;
}

/**
 * A store certificate in full: the same card as an opened file (verdict, chain, validity, every
 * field, raw ASN.1), its chain built from the stores and the system's roots, and one click to its
 * private key's file and permissions.
 */
export function StoreCertificateDialog({
  cert,
  stores,
  all,
  onClose,
}: {
  cert: StoreCertificate | null;
  stores: Store[];
  all: StoreCertificate[];
  onClose: () => void;
}) {
  const { showKey } = useNavigation();
  // Paired with the certificate it is for, so a second certificate never shows the first one's chain.
  const [analysed, setAnalysed] = useState<{ cert: StoreCertificate; analysis: TargetAnalysis } | null>(null);
  const analysis = analysed && analysed.cert === cert ? analysed.analysis : undefined;
  const store = cert ? stores.find((s) => s.id === cert.storeId) : undefined;

  useEffect(() => {
    if (!cert) return;
    const key = keyStatusOfStore(cert, stores.find((s) => s.id === cert.storeId));
    setAnalysed({ cert, analysis: { state: 'pending', key } });
    const abort = new AbortController();
    void call('chain:analyze', storeChainRequest(cert, all, stores), { signal: abort.signal }).then((r) => {
      if (abort.signal.aborted) return;
      const result = r.ok ? r.value.results.find((x) => x.thumbprint === cert.summary.thumbprintSha1) : undefined;
      setAnalysed({
        cert,
        analysis: result
          ? { state: 'done', key, chain: result.chain, verdict: result.verdict }
          : { state: 'failed', key, message: r.ok ? 'the service returned no chain for this certificate' : r.error.message },
      });
    });
    return () => abort.abort();
  }, [cert, all, stores]);

  const where = cert ? placeOf(cert, store) : '';
  return (
    <ModalDialog
      open={cert !== null}
      onClose={onClose}
      title="Certificate in the local stores"
      subtitle={cert ? `In ${where}` : undefined}
      testId="store-cert-dialog"
      closeTestId="store-cert-dialog-close"
      label="Store certificate details"
      actions={
        cert && (
          <button
            type="button"
            className="button primary"
            data-testid="show-private-key"
            title="Where its private key file is, and who may read it"
            onClick={() => {
              onClose();
              showKey({ kind: 'thumbprint', thumbprint: cert.summary.thumbprintSha1, label: displayName(cert.summary.subject) });
            }}
          >
            <KeyIcon size={16} />
            Show private key
          </button>
        )
      }
    >
      {cert && <CertificateCard key={`${cert.storeId}|${cert.summary.thumbprintSha1}`} cert={cert.summary} now={new Date()} analysis={analysis ?? { state: 'pending', key: keyStatusOfStore(cert, store) }} />}
    </ModalDialog>
  );
}

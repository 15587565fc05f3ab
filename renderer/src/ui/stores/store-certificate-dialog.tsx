import { useEffect, useState } from 'react';
import type { Store, StoreCertificate } from '../../../../shared/model/store';
import { call } from '../../api/client';
import { CertificateCard } from '../certificates/certificate-card';
import type { TargetAnalysis } from '../certificates/use-chain-analysis';
import { KeyIcon } from '../common/icons';
import { ModalDialog } from '../common/modal-dialog';
import { formatLocalDateTime } from '../../lib/dates';
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

/** The key in the bundle's words, where the live dialog offers "Show private key". */
function keyNote(cert: StoreCertificate): string {
  const k = cert.key;
  if (k.status === 'present') return k.path ? `its private key file was ${k.path} on the bundle’s host.` : 'its private key was present on the bundle’s host.';
  if (k.status === 'missing') return 'its private key was associated but missing on the bundle’s host.';
  if (k.status === 'none') return 'the bundle’s host held no private key for it.';
  return 'whether the bundle’s host held its private key is not known.';
}

/**
 * A store certificate in full: the same card as an opened file (verdict, chain, validity, every
 * field, raw ASN.1), its chain built from the stores and the system's roots, and one click to its
 * private key's file and permissions.
 */
/** Set when the listing comes from an opened bundle: whose it is and when it was made. */
export interface BundleOrigin {
  host: string;
  /** ISO time of the listing: validity and chains are judged as they were then. */
  at: string;
}

export function StoreCertificateDialog({
  cert,
  stores,
  all,
  onClose,
  fromBundle = null,
}: {
  cert: StoreCertificate | null;
  stores: Store[];
  all: StoreCertificate[];
  onClose: () => void;
  fromBundle?: BundleOrigin | null;
}) {
  const { showKey } = useNavigation();
  // Paired with the certificate it is for, so a second certificate never shows the first one's chain.
  const [analysed, setAnalysed] = useState<{ cert: StoreCertificate; analysis: TargetAnalysis } | null>(null);
  const analysis = analysed && analysed.cert === cert ? analysed.analysis : undefined;
  const store = cert ? stores.find((s) => s.id === cert.storeId) : undefined;

  useEffect(() => {
    if (!cert) return;
    const key = keyStatusOfStore(cert, stores.find((s) => s.id === cert.storeId));
    // A redacted bundle keeps summaries without the certificates themselves: nothing to build a chain from.
    if (fromBundle && cert.summary.derBase64 === '') {
      setAnalysed({ cert, analysis: { state: 'failed', key, message: 'this bundle holds the certificate’s name and fields only (redacted), so its chain cannot be checked' } });
      return;
    }
    setAnalysed({ cert, analysis: { state: 'pending', key } });
    const abort = new AbortController();
    const request = fromBundle
      ? storeChainRequest(cert, all.filter((c) => c.summary.derBase64 !== ''), stores, { useSystemTrust: false, at: fromBundle.at })
      : storeChainRequest(cert, all, stores);
    void call('chain:analyze', request, { signal: abort.signal }).then((r) => {
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
  }, [cert, all, stores, fromBundle]);

  const where = cert ? placeOf(cert, store) : '';
  // Nothing in a bundle may act on this machine: its key is on the bundle's host, not here.
  const actions = !cert ? null : fromBundle ? (
    <span className="muted store-cert-bundle-note" data-testid="store-cert-bundle-note">
      Read-only: {keyNote(cert)}
    </span>
  ) : (
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
  );
  return (
    <ModalDialog
      open={cert !== null}
      onClose={onClose}
      title={fromBundle ? `Certificate in ${fromBundle.host}’s stores (from the bundle)` : 'Certificate in the local stores'}
      subtitle={cert ? `In ${where}${fromBundle ? `, as listed ${formatLocalDateTime(fromBundle.at)}` : ''}` : undefined}
      testId="store-cert-dialog"
      closeTestId="store-cert-dialog-close"
      label="Store certificate details"
      actions={actions}
    >
      {cert && <CertificateCard key={`${cert.storeId}|${cert.summary.thumbprintSha1}`} cert={cert.summary} now={fromBundle ? new Date(fromBundle.at) : new Date()} trustedBy={fromBundle?.host} analysis={analysis ?? { state: 'pending', key: keyStatusOfStore(cert, store) }} />}
    </ModalDialog>
  );
}

import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { formatBytes } from '../../../../shared/errors';
import type { Identity } from '../../../../shared/model/acl';
import { call } from '../../api/client';
import { CertificateIcon, FileIcon } from '../common/icons';
import { useFileDrop } from '../common/use-file-drop';
import { usePowerShell } from '../common/use-powershell';
import { IdentityPicker } from '../keys/identity-picker';
import { useEvidenceFiles } from '../shell/evidence-files';
import { type CertificateChoice, type DiagnoseFormValues } from './diagnose-request';
import { CertificateFilePicker } from '../common/certificate-file-picker';
import { StoreCertPicker } from './store-cert-picker';


/** The accounts the key's reader can be chosen from, asked once (an error is shown in the picker). */
function useIdentities() {
  const [identities, setIdentities] = useState<Identity[] | null>(null);
  const [identitiesError, setIdentitiesError] = useState<string | null>(null);
  useEffect(() => {
    let alive = true;
    void call('identities:list', {}).then((r) => {
      if (!alive) return;
      if (r.ok) setIdentities(r.value.identities);
      else setIdentitiesError(r.error.message);
    });
    return () => {
      alive = false;
    };
  }, []);
  return { identities, identitiesError };
}

/** The client certificate: a file (picked or dropped) or one of this machine's stores. */
function CertificateRow({ ids, certificate, onCertificate }: { ids: string; certificate: CertificateChoice<File>; onCertificate: (c: CertificateChoice<File>) => void }) {
  const [picking, setPicking] = useState(false);
  const powershell = usePowerShell();
  const chooseFile = (file: File) => {
    setPicking(false);
    onCertificate({ kind: 'file', file, keyFile: null, password: '' });
  };
  const certDrop = useFileDrop((files) => {
    if (files[0]) chooseFile(files[0]);
  });
  return (
    <Row label="Client certificate" labelId={`${ids}-cert-label`} optional hint={certificate.kind === 'none' ? 'The certificate users present. Without one, Diagnose still shows what the server asks for.' : null}>
      <div className={`diag-cert-zone${certDrop.dragging ? ' is-over' : ''}`} data-testid="diag-cert-drop" {...certDrop.handlers}>
        {certificate.kind !== 'store' && !picking && (
          <CertificateFilePicker
            value={certificate.kind === 'file' ? certificate : null}
            onChange={(v) => onCertificate(v ? { kind: 'file', ...v } : { kind: 'none' })}
            testIds="diag"
            labelId={`${ids}-cert-label`}
            use="diagnosis"
            alternatives={
              <>
                <span className="muted">or</span>
                <button type="button" className="button secondary small" data-testid="diag-cert-store" aria-describedby={`${ids}-cert-label`} onClick={() => setPicking(true)}>
                  <CertificateIcon size={15} />
                  Pick one from this machine&apos;s stores
                </button>
              </>
            }
            emptyHint="or drop the file here"
          />
        )}
        {certificate.kind === 'none' && picking && (
          <StoreCertPicker
            onPick={(thumbprint, label) => {
              setPicking(false);
              onCertificate({ kind: 'store', thumbprint, label, via: 'auto' });
            }}
            onCancel={() => setPicking(false)}
          />
        )}
        {certificate.kind === 'store' && (
          <div className="diag-file-row">
            <Chip testId="diag-cert-chip" onRemove={() => onCertificate({ kind: 'none' })} removeLabel={`Remove ${certificate.label}`}>
              <CertificateIcon size={14} />
              {certificate.label} <span className="file-chip-meta is-mono">{certificate.thumbprint}</span>
            </Chip>
            <span className="diag-hint">From this machine&apos;s stores; its private key is looked up there.</span>
          </div>
        )}
        {certificate.kind === 'store' && powershell && (
          <label className="checkbox diag-via" data-testid="diag-via-powershell">
            <input type="checkbox" checked={certificate.via === 'powershell'} onChange={(e) => onCertificate({ ...certificate, via: e.target.checked ? 'powershell' : 'auto' })} />
            <span>
              Present it through PowerShell (the Windows TLS client, which uses the key where Windows keeps it). Without the tick, Certbench&apos;s own client presents it when
              its key is a file, and on Windows PowerShell does when it is not.
            </span>
          </label>
        )}
      </div>
    </Row>
  );
}

/** Evidence files from the server: the list shared with Server side (attached there or here, Diagnose sends it). */
function EvidenceRow({ ids, evidence }: { ids: string; evidence: ReturnType<typeof useEvidenceFiles> }) {
  const attachments = evidence.files;
  const [attachErrors, setAttachErrors] = useState<string[]>([]);
  const evidenceInput = useRef<HTMLInputElement>(null);
  const addEvidence = (files: File[]) => setAttachErrors(evidence.add(files));
  const evidenceDrop = useFileDrop((files) => {
    if (files.length) addEvidence(files);
  });
  return (
    <Row label="Evidence from the server" labelId={`${ids}-evidence-label`} optional hint={null}>
      <div className={`diag-drop${evidenceDrop.dragging ? ' is-over' : ''}`} data-testid="diag-evidence-drop" {...evidenceDrop.handlers}>
        <p className="diag-drop-text">
          Drop files here, or{' '}
          <button type="button" className="link-button" data-testid="diag-evidence-add" aria-describedby={`${ids}-evidence-label`} onClick={() => evidenceInput.current?.click()}>
            choose files
          </button>
          : <span className="muted">netsh http show sslcert output, applicationHost.config or web.config, W3C logs, registry or event exports.</span>
        </p>
        {attachments.length > 0 && (
          <ul className="diag-evidence-list" aria-label="Evidence files to attach" data-testid="diag-evidence-list">
            {attachments.map(({ key, file: f }) => (
              <li key={key} data-testid="diag-evidence-item" data-name={f.name}>
                <FileIcon size={14} />
                <span className="diag-evidence-name">{f.name}</span>
                <span className="muted">{formatBytes(f.size)}</span>
                <button type="button" className="file-chip-remove" data-testid="diag-evidence-remove" aria-label={`Remove ${f.name}`} onClick={() => evidence.remove(key)}>
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      <input
        ref={evidenceInput}
        type="file"
        multiple
        hidden
        data-testid="diag-evidence-input"
        aria-label="Evidence files"
        onChange={(e) => {
          addEvidence(Array.from(e.target.files ?? []));
          e.target.value = '';
        }}
      />
      {attachErrors.map((m) => (
        <p key={m} className="error-line" role="alert" data-testid="diag-evidence-error">
          {m}
        </p>
      ))}
    </Row>
  );
}

/** What else to read (this machine's server settings, revocation), and the Diagnose and Cancel buttons. */
function DiagnoseActions({
  live,
  onLive,
  revocation,
  onRevocation,
  running,
  onCancel,
}: {
  live: boolean;
  onLive: (live: boolean) => void;
  revocation: boolean;
  onRevocation: (revocation: boolean) => void;
  running: boolean;
  onCancel: () => void;
}) {
  return (
    <div className="diag-actions">
      <label className="checkbox">
        <input type="checkbox" data-testid="diag-read-live" checked={live} onChange={(e) => onLive(e.target.checked)} />
        <span>
          Also read this machine&apos;s IIS / HTTP.SYS settings
          <span className="diag-hint diag-block">Bindings, Schannel, IIS configuration, logs and events, when this machine is the Windows server.</span>
        </span>
      </label>
      <label className="checkbox">
        <input type="checkbox" data-testid="diag-revocation" checked={revocation} onChange={(e) => onRevocation(e.target.checked)} />
        <span>Check revocation (fetches the CRL and OCSP addresses in the certificates)</span>
      </label>
      <div className="diag-buttons">
        <button type="submit" className="button primary" data-testid="diag-run" disabled={running}>
          {running ? 'Diagnosing…' : 'Diagnose'}
        </button>
        {running && (
          <button type="button" className="button secondary" data-testid="diag-cancel" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </div>
  );
}

/**
 * What to diagnose: the server's address, the client certificate (a file, or one of this machine's
 * stores), the account that must read its key, evidence files from the server, and whether to read
 * this machine's own server settings. Everything is optional: with nothing, Diagnose still checks
 * the local trust store. The password stays in its field and goes with this diagnosis only.
 */
export function DiagnoseForm({
  running,
  onRun,
  onCancel,
}: {
  running: boolean;
  onRun: (values: DiagnoseFormValues<File>) => void;
  onCancel: () => void;
}) {
  const ids = useId();
  const [url, setUrl] = useState('');
  const [certificate, setCertificate] = useState<CertificateChoice<File>>({ kind: 'none' });
  const [identity, setIdentity] = useState('');
  const { identities, identitiesError } = useIdentities();
  const evidence = useEvidenceFiles();
  const [live, setLive] = useState(true);
  const [revocation, setRevocation] = useState(true);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (running) return;
    onRun({ url, certificate, identity, attachments: evidence.files.map((a) => a.file), live, revocation });
  };

  return (
    <form className="diag-form" data-testid="diag-form" onSubmit={submit} autoComplete="off" noValidate aria-label="What to diagnose">
      <Row label="Server address" htmlFor={`${ids}-url`} optional hint="The page that answers 403.7 or asks for a certificate, as users open it: https://host[:port]/path. Leave it empty to check only this machine.">
        <input
          id={`${ids}-url`}
          className="text-input diag-url"
          data-testid="diag-url"
          type="text"
          inputMode="url"
          spellCheck={false}
          placeholder="https://intranet.contoso.com/secure/"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
        />
      </Row>
      <CertificateRow ids={ids} certificate={certificate} onCertificate={setCertificate} />
      <div className="diag-row" data-testid="diag-identity">
        <IdentityPicker value={identity} onChange={setIdentity} identities={identities} loadError={identitiesError} disabled={false} />
        <p className="diag-hint">Optional. The app pool or service account that must read the certificate&apos;s private key on the server.</p>
      </div>
      <EvidenceRow ids={ids} evidence={evidence} />
      <DiagnoseActions live={live} onLive={setLive} revocation={revocation} onRevocation={setRevocation} running={running} onCancel={onCancel} />
    </form>
  );
}

function Row({ label, htmlFor, labelId, optional, hint, children }: { label: string; htmlFor?: string; labelId?: string; optional?: boolean; hint: string | null; children: ReactNode }) {
  const text = (
    <>
      {label} {optional && <span className="muted diag-optional">(optional)</span>}
    </>
  );
  return (
    <div className="diag-row">
      {htmlFor ? (
        <label className="diag-label" htmlFor={htmlFor}>
          {text}
        </label>
      ) : (
        <span className="diag-label" id={labelId}>
          {text}
        </span>
      )}
      {children}
      {hint && <p className="diag-hint">{hint}</p>}
    </div>
  );
}

function Chip({ testId, onRemove, removeLabel, children }: { testId: string; onRemove: () => void; removeLabel: string; children: ReactNode }) {
  return (
    <span className="file-chip" data-testid={testId}>
      {children}
      <button type="button" className="file-chip-remove" aria-label={removeLabel} data-testid={`${testId}-remove`} onClick={onRemove}>
        ×
      </button>
    </span>
  );
}

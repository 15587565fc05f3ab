import { HiddenFileInput } from './hidden-file-input';
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { formatBytes } from '../../../../shared/errors';
import { isPkcs12Name } from '../../lib/file-kind';
import { FileIcon, UploadIcon } from './icons';

/** The client certificate as a file: the file, its key file when the key is elsewhere, and the password. */
export interface CertificateFiles {
  file: File;
  keyFile: File | null;
  password: string;
}

const CERT_ACCEPT = '.pfx,.p12,.pem,.crt,.cer,.der';
const KEY_ACCEPT = '.key,.pem,.der';

/**
 * One certificate-and-password picker for Probe and Diagnose: choose a .pfx or a
 * certificate file, give the PFX's password (the field takes the cursor as it appears) or the key
 * file and its password, remove it again. `testIds` is the page's prefix ("probe", "diag"), so each
 * page's controls keep their own names; `alternatives` sits beside the Choose button (Diagnose's
 * "Pick one from this machine's stores"). The password is used for one request and never stored.
 */
export function CertificateFilePicker({
  value,
  onChange,
  testIds,
  labelId,
  use,
  alternatives,
  emptyHint,
}: {
  value: CertificateFiles | null;
  onChange: (value: CertificateFiles | null) => void;
  testIds: 'probe' | 'diag';
  /** The id of the label that names this field, for the Choose button's description. */
  labelId: string;
  /** What the password is used for, in "Used for this … only". */
  use: 'probe' | 'diagnosis';
  alternatives?: ReactNode;
  emptyHint: ReactNode;
}) {
  const certInput = useRef<HTMLInputElement>(null);
  const keyInput = useRef<HTMLInputElement>(null);
  return (
    <div className="cert-picker">
      {!value ? (
        <div className="file-row">
          <button type="button" className="button secondary small" data-testid={`${testIds}-cert-choose`} aria-describedby={labelId} onClick={() => certInput.current?.click()}>
            <UploadIcon size={15} />
            Choose a .pfx, .p12 or certificate file
          </button>
          {alternatives}
          <span className="field-hint">{emptyHint}</span>
        </div>
      ) : (
        <ChosenCertificate value={value} onChange={onChange} testIds={testIds} use={use} onChooseKey={() => keyInput.current?.click()} />
      )}
      <HiddenFileInput inputRef={certInput} accept={CERT_ACCEPT} testId={`${testIds}-cert-input`} label="Client certificate file" onFiles={([f]) => onChange({ file: f!, keyFile: null, password: '' })} />
      <HiddenFileInput inputRef={keyInput} accept={KEY_ACCEPT} testId={`${testIds}-key-input`} label="Private key file" onFiles={([f]) => value && onChange({ ...value, keyFile: f! })} />
    </div>
  );
}

interface ChosenProps {
  value: CertificateFiles;
  onChange: (value: CertificateFiles | null) => void;
  testIds: 'probe' | 'diag';
  use: 'probe' | 'diagnosis';
  onChooseKey: () => void;
}

/** The chosen file as a removable chip, its password (focused for a PFX), and for a certificate alone its key file. */
function ChosenCertificate({ value, onChange, testIds, use, onChooseKey }: ChosenProps) {
  const id = useId();
  const passwordField = useRef<HTMLInputElement>(null);
  const chosen = value.file;
  useEffect(() => {
    if (isPkcs12Name(chosen.name)) passwordField.current?.focus();
  }, [chosen]);
  return (
    <>
      <div className="file-row">
        <span className="file-chip" data-testid={`${testIds}-cert-chip`}>
          <FileIcon size={14} />
          <span data-testid={`${testIds}-cert-name`}>{value.file.name}</span> <span className="file-chip-meta">{formatBytes(value.file.size)}</span>
          <button type="button" className="file-chip-remove" aria-label={`Remove ${value.file.name}`} data-testid={`${testIds}-cert-chip-remove`} onClick={() => onChange(null)}>
            ×
          </button>
        </span>
      </div>
      <div className="file-row">
        <label className="field-sublabel" htmlFor={`${id}-password`}>
          Password
        </label>
        <input
          ref={passwordField}
          id={`${id}-password`}
          className="text-input field-password"
          data-testid={`${testIds}-password`}
          type="password"
          name={`certbench-${use}-password`}
          autoComplete="off"
          spellCheck={false}
          value={value.password}
          onChange={(e) => onChange({ ...value, password: e.target.value })}
        />
        <span className="field-hint">
          {isPkcs12Name(value.file.name) ? 'The .pfx password. ' : 'Only for an encrypted key. '}Used for this {use} only; not stored.
        </span>
      </div>
      {!isPkcs12Name(value.file.name) && (
        <div className="file-row">
          <span className="field-sublabel">Key file</span>
          {value.keyFile ? (
            <span className="file-chip" data-testid={`${testIds}-key-chip`}>
              <span data-testid={`${testIds}-key-name`}>{value.keyFile.name}</span>
              <button type="button" className="file-chip-remove" aria-label={`Remove ${value.keyFile.name}`} data-testid={`${testIds}-key-chip-remove`} onClick={() => onChange({ ...value, keyFile: null })}>
                ×
              </button>
            </span>
          ) : (
            <>
              <button type="button" className="button secondary small" data-testid={`${testIds}-key-choose`} onClick={onChooseKey}>
                Choose the private key file
              </button>
              <span className="field-hint">Not needed when the key is in the certificate file.</span>
            </>
          )}
        </div>
      )}
    </>
  );
}

/** A hidden file input opened by a button; emptied after each choice so the same file can be chosen again. */

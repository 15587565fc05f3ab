import { formatBytes } from '../../../../shared/errors';
import { formatKeyLine } from '../../../../shared/cert/containers/format';
import type { ContainerFormat } from '../../../../shared/model/key';
import { FileIcon, LockIcon, WarningIcon } from '../common/icons';
import { CertificateCard } from './certificate-card';
import { PasswordPrompt } from './password-prompt';
import type { TargetAnalysis } from './use-chain-analysis';
import type { FileOutcome } from './use-inspect-queue';

/** What the content turned out to be, in the words the Windows export wizard and OpenSSL use. */
const FORMAT_LABEL: Record<ContainerFormat, string> = {
  der: 'DER',
  pem: 'PEM',
  base64: 'Base64 (no PEM header)',
  pkcs7: 'PKCS#7',
  pkcs12: 'PKCS#12',
  key: 'Private key file',
};

function fileMeta(file: FileOutcome): string {
  const count = file.certificates.length;
  const keys = file.keys.length;
  return [
    file.format ? FORMAT_LABEL[file.format] : null,
    `${count} certificate${count === 1 ? '' : 's'}`,
    keys > 0 ? `${keys} private key${keys === 1 ? '' : 's'}` : null,
    formatBytes(file.sizeBytes),
  ]
    .filter(Boolean)
    .join(' · ');
}

export interface FileResultProps {
  file: FileOutcome;
  now: Date;
  analyses: ReadonlyMap<string, TargetAnalysis>;
  /** This row is being read again with a password. */
  reopening: boolean;
  onPassword: (key: string, password: string) => void;
}

/** One opened file: its certificates as cards, or one line saying what is wrong with it (and a password field when that is what it needs). */
export function FileResult({ file, now, analyses, reopening, onPassword }: FileResultProps) {
  if (file.error) {
    const needsPassword = file.error.code === 'password-required' || file.error.code === 'wrong-password';
    const asking = file.error.code === 'password-required';
    return (
      <section className="file-result has-error" data-testid="file-result" data-file={file.name} aria-label={file.name}>
        <div className={`file-error${asking ? ' is-locked' : ''}`} data-error-code={file.error.code}>
          <p className="file-error-line" data-testid="file-error" role={asking ? undefined : 'alert'}>
            {asking ? <LockIcon size={18} /> : <WarningIcon size={18} />}
            <span>{file.error.message}</span>
          </p>
          {needsPassword && (
            <PasswordPrompt
              fileName={file.name}
              wrong={file.error.code === 'wrong-password'}
              busy={reopening}
              onSubmit={(password) => onPassword(file.key, password)}
            />
          )}
        </div>
      </section>
    );
  }
  const count = file.certificates.length;
  // An encrypted key cannot be matched to its certificate until it is decrypted: ask, on this row.
  const lockedKeys = file.keys.filter((k) => k.encrypted && k.publicKeySha256 === null).length;
  return (
    <section className="file-result" data-testid="file-result" data-file={file.name} aria-label={file.name}>
      <header className="file-head">
        <FileIcon size={18} />
        <h2 className="file-name" data-testid="file-name">
          {file.name}
        </h2>
        <span className="file-meta">{fileMeta(file)}</span>
      </header>
      {file.keys.length > 0 && (
        <ul className="key-lines" aria-label={`Private keys in ${file.name}`}>
          {file.keys.map((k, i) => (
            <li key={i} data-testid="key-line">
              {formatKeyLine(k)}
            </li>
          ))}
        </ul>
      )}
      {lockedKeys > 0 && (
        <div className="file-error is-locked" data-testid="key-locked">
          <p className="file-error-line">
            <LockIcon size={18} />
            <span>
              {lockedKeys === 1 ? 'The private key' : `${lockedKeys} private keys`} in {file.name}{' '}
              {lockedKeys === 1 ? 'is' : 'are'} encrypted: give the password to check which certificate{' '}
              {lockedKeys === 1 ? 'it belongs' : 'they belong'} to.
            </span>
          </p>
          <PasswordPrompt fileName={file.name} wrong={false} busy={reopening} onSubmit={(password) => onPassword(file.key, password)} />
        </div>
      )}
      {count > 0 && (
        <div className="cert-list">
          {file.certificates.map((c, i) => (
            <CertificateCard
              key={`${c.thumbprintSha1}:${i}`}
              cert={c}
              now={now}
              position={count > 1 ? `Certificate ${i + 1} of ${count}` : undefined}
              analysis={analyses.get(c.thumbprintSha1)}
            />
          ))}
        </div>
      )}
    </section>
  );
}

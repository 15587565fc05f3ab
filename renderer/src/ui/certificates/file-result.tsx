import { formatBytes } from '../../../../shared/errors';
import { formatKeyLine } from '../../../../shared/cert/containers/format';
import type { ContainerFormat } from '../../../../shared/model/key';
import { FileIcon, WarningIcon } from '../common/icons';
import { CertificateCard } from './certificate-card';
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

/** One opened file: its certificates as cards, or one red line saying what is wrong with it. */
export function FileResult({ file, now }: { file: FileOutcome; now: Date }) {
  if (file.error) {
    return (
      <section className="file-result has-error" data-testid="file-result" data-file={file.name} aria-label={file.name}>
        <p className="file-error" data-testid="file-error" role="alert">
          <WarningIcon size={18} />
          <span>{file.error.message}</span>
        </p>
      </section>
    );
  }
  const count = file.certificates.length;
  return (
    <section className="file-result" data-testid="file-result" data-file={file.name} aria-label={file.name}>
      <header className="file-head">
        <FileIcon size={18} />
        <h2 className="file-name" data-testid="file-name">
          {file.name}
        </h2>
        <span className="file-meta">
          {fileMeta(file)}
        </span>
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
      <div className="cert-list">
        {file.certificates.map((c, i) => (
          <CertificateCard
            key={`${c.thumbprintSha1}:${i}`}
            cert={c}
            now={now}
            position={count > 1 ? `Certificate ${i + 1} of ${count}` : undefined}
          />
        ))}
      </div>
    </section>
  );
}

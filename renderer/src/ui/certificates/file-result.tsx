import { formatBytes } from '../../../../shared/errors';
import { FileIcon, WarningIcon } from '../common/icons';
import { CertificateCard } from './certificate-card';
import type { FileOutcome } from './use-inspect-queue';

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
          {file.format === 'der' ? 'DER' : 'PEM'} · {count} certificate{count === 1 ? '' : 's'} · {formatBytes(file.sizeBytes)}
        </span>
      </header>
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

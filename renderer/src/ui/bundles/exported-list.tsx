import { formatBytes } from '../../../../shared/errors';
import { formatLocalDateTime } from '../../lib/dates';
import { saveBlob } from '../common/save-text';
import { redactionWords } from './bundle-words';
import type { ExportedBundle } from './use-bundle-export';

/**
 * "Exported this session": every bundle exported since Certbench started, newest first, each to be
 * downloaded again or opened (from where it was saved). Kept in memory only: it is a convenience,
 * not a history, and the files themselves stay where the export wrote them.
 */
export function ExportedList({ exported, onOpen, opening }: { exported: readonly ExportedBundle[]; onOpen: (b: ExportedBundle) => void; opening: string | null }) {
  return (
    <section className="bundles-card" aria-labelledby="bundles-exported-title" data-testid="bundle-exported">
      <h3 className="bundles-card-title" id="bundles-exported-title">
        Exported this session
      </h3>
      {exported.length === 0 ? (
        <p className="muted" data-testid="bundle-exported-empty">
          None yet. Bundles you export above are listed here until Certbench closes, to download or open again.
        </p>
      ) : (
        <table className="bundles-table" data-testid="bundle-exported-list">
          <thead>
            <tr>
              <th scope="col">Bundle</th>
              <th scope="col" className="is-number">
                Size
              </th>
              <th scope="col">Exported</th>
              <th scope="col">Redacted</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {exported.map((b) => (
              <tr key={b.id} data-testid="bundle-exported-row" data-file={b.fileName}>
                <td>
                  <code className="bundles-path" title={b.path}>
                    {b.fileName}
                  </code>
                </td>
                <td className="is-number">{formatBytes(b.bytes)}</td>
                <td className="bundles-nowrap" title={formatLocalDateTime(b.at)}>{new Date(b.at).toLocaleTimeString()}</td>
                <td>{redactionWords(b.manifest.redactions)}</td>
                <td className="bundles-actions-cell">
                  <span className="bundles-row-actions">
                    <button type="button" className="button secondary small" onClick={() => saveBlob(b.fileName, b.blob)} data-testid="bundle-exported-download">
                      Download
                    </button>
                    <button
                      type="button"
                      className="button secondary small"
                      disabled={opening === b.fileName}
                      onClick={() => onOpen(b)}
                      data-testid="bundle-exported-open"
                    >
                      {opening === b.fileName ? 'Opening…' : 'Open again'}
                    </button>
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

import { useRef } from 'react';
import { MAX_INPUT_FILE_BYTES } from '../../../../shared/contract';
import { formatBytes } from '../../../../shared/errors';
import type { ServerEvidence, ServerEvidenceKind } from '../../../../shared/model/server';
import { FileIcon, ServerIcon, UploadIcon } from '../common/icons';
import { iisKindOf, inputErrorWords, kindWords } from './server-words';
import type { AttachedFile } from './use-server-analysis';

/** One line of the inputs list: an attached file, or a source the service read (live, bundle). */
export interface InputRow {
  key: string;
  name: string;
  bytes: number | null;
  kind: ServerEvidenceKind | null;
  kindText: string;
  error: string | null;
  onRemove?: () => void;
}

/**
 * The inputs list: attached files (with Remove) joined to what the service recognised them as,
 * then any other source the answer names (live commands, a bundle's files). A file not analysed
 * yet says so instead of guessing its kind from its name.
 */
export function inputRows(evidence: ServerEvidence | null, files: AttachedFile[], onRemove?: (key: string) => void): InputRow[] {
  const used = new Set<number>();
  const rows: InputRow[] = files.map(({ key, file }) => {
    const i = evidence?.inputs.findIndex((input, j) => !used.has(j) && input.name === file.name) ?? -1;
    if (i >= 0) used.add(i);
    const input = i >= 0 ? evidence!.inputs[i]! : null;
    return {
      key,
      name: file.name,
      bytes: file.size,
      kind: input?.kind ?? null,
      kindText: input ? kindWords(input.kind, iisKindOf(evidence!, input.name)) : 'Not read yet',
      error: input?.error ? inputErrorWords(input.name, input.error) : null,
      ...(onRemove ? { onRemove: () => onRemove(key) } : {}),
    };
  });
  evidence?.inputs.forEach((input, j) => {
    if (used.has(j)) return;
    rows.push({ key: `input-${j}`, name: input.name, bytes: input.bytes, kind: input.kind, kindText: kindWords(input.kind, iisKindOf(evidence, input.name)), error: input.error ? inputErrorWords(input.name, input.error) : null });
  });
  return rows;
}

export function InputList({ rows }: { rows: InputRow[] }) {
  if (rows.length === 0) return null;
  return (
    <ul className="server-input-list" data-testid="server-inputs" aria-label="Evidence read">
      {rows.map((r) => (
        <li key={r.key} className={`server-input${r.error ? ' is-error' : ''}`} data-testid="server-input" data-name={r.name} data-kind={r.kind ?? 'pending'}>
          <FileIcon size={16} />
          <span className="server-input-name">{r.name}</span>
          {r.bytes !== null && <span className="server-input-size">{formatBytes(r.bytes)}</span>}
          <span className={`server-input-kind${r.kind === 'unknown' ? ' is-unknown' : r.kind === null ? ' is-pending' : ''}`} data-testid="server-input-kind">
            {r.kindText}
          </span>
          {r.onRemove && (
            <button type="button" className="server-input-remove" aria-label={`Remove ${r.name}`} title={`Remove ${r.name} and analyse the rest again`} onClick={r.onRemove}>
              ×
            </button>
          )}
          {r.error && (
            <span className="server-input-error" data-testid="server-input-error">
              {r.error}
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}

/**
 * What to read: files chosen or dropped (several at once, recognised by content), or this machine's
 * own configuration. Drops are taken anywhere on the pane (server-area.tsx); the zone says so.
 */
export function ServerInputs({
  running,
  compact,
  dragging,
  hasInputs,
  onFiles,
  onLive,
  onClear,
}: {
  running: boolean;
  compact: boolean;
  dragging: boolean;
  hasInputs: boolean;
  onFiles: (files: File[]) => void;
  onLive: () => void;
  onClear: () => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <div className="toolbar">
        <button type="button" className="button primary" data-testid="server-choose-files" onClick={() => input.current?.click()}>
          <UploadIcon size={18} />
          Choose files…
        </button>
        <input
          ref={input}
          type="file"
          multiple
          hidden
          data-testid="server-file-input"
          aria-label="Choose evidence files"
          onChange={(e) => {
            onFiles(Array.from(e.target.files ?? []));
            e.target.value = ''; // choosing the same file again fires change again
          }}
        />
        <button type="button" className="button secondary" data-testid="server-read-live" onClick={onLive} disabled={running}>
          <ServerIcon size={18} />
          Read this machine&apos;s configuration
        </button>
        <button type="button" className="button secondary" data-testid="server-clear" onClick={onClear} disabled={!hasInputs && !running}>
          Clear
        </button>
      </div>
      <div className={`drop-zone${compact ? ' is-compact' : ''}${dragging ? ' is-active' : ''}`} data-testid="server-drop-zone">
        <UploadIcon size={compact ? 20 : 36} />
        <div>
          <p className="drop-title">Drop evidence files here</p>
          {!compact && (
            <p className="drop-hint">
              The output of <code>netsh http show sslcert</code>, a registry export (.reg) of SslBindingInfo or SCHANNEL, applicationHost.config or
              web.config, IIS logs (u_ex*.log), and Schannel events exported from Event Viewer (.xml, .csv) or Get-WinEvent (.json). Recognised by
              content, not by name; up to {formatBytes(MAX_INPUT_FILE_BYTES)} each.
            </p>
          )}
        </div>
      </div>
    </>
  );
}

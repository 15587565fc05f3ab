import { useRef, useState } from 'react';
import { MAX_INPUT_FILE_BYTES } from '../../../../shared/contract';
import { formatBytes } from '../../../../shared/errors';
import { UploadIcon } from '../common/icons';
import { ProgressBar } from '../common/progress-bar';
import { useFileDrop } from '../common/use-file-drop';
import type { OpenState } from './use-bundle-open';

/**
 * "Open a bundle": a drop zone and "Choose a bundle…" for a .zip someone sent; it opens read-only on
 * Diagnose. One file at a time: the first of a multi-file drop is opened and the rest are named as
 * left out, rather than silently ignored.
 */
export function OpenPanel({ state, onFile, onDismiss }: { state: OpenState; onFile: (file: File) => void; onDismiss: () => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [leftOut, setLeftOut] = useState<string[]>([]);
  const opening = state.state === 'opening';

  const take = (files: File[]) => {
    if (files.length === 0) return;
    setLeftOut(files.slice(1).map((f) => f.name));
    onFile(files[0]!);
  };
  const drop = useFileDrop((files) => {
    if (!opening) take(files);
  });

  return (
    <section className="bundles-card" aria-labelledby="bundles-open-title" data-testid="bundle-open">
      <h3 className="bundles-card-title" id="bundles-open-title">
        Open a bundle
      </h3>
      <div
        className={`drop-zone is-compact bundles-drop${drop.dragging ? ' is-active' : ''}`}
        data-testid="bundle-drop-zone"
        {...drop.handlers}
      >
        <UploadIcon size={22} />
        <div className="bundles-drop-text">
          <p className="drop-title">Drop a Certbench bundle (.zip) here</p>
          <p className="drop-hint">
            It opens read-only on the Diagnose and Server side pages, marked with the host and time it was collected. Up to{' '}
            {formatBytes(MAX_INPUT_FILE_BYTES)}.
          </p>
        </div>
        <button type="button" className="button secondary" disabled={opening} onClick={() => input.current?.click()} data-testid="bundle-choose">
          Choose a bundle…
        </button>
        <input
          ref={input}
          type="file"
          accept=".zip,application/zip"
          hidden
          data-testid="bundle-file-input"
          aria-label="Choose a bundle"
          onChange={(e) => {
            take(Array.from(e.target.files ?? []));
            e.target.value = ''; // so choosing the same file again (after a fix) fires change again
          }}
        />
      </div>
      {state.state === 'opening' && <ProgressBar progress={state.progress} indeterminate what="Opening the bundle" testId="bundle-open-progress" />}
      {state.state === 'failed' && (
        <div className="bundles-open-error" role="alert" data-testid="bundle-open-error" data-file={state.name}>
          <p className="error-line" data-testid="bundle-open-error-line">
            {state.message}
          </p>
          <button type="button" className="button secondary small" onClick={onDismiss} data-testid="bundle-open-error-dismiss">
            Dismiss
          </button>
        </div>
      )}
      {leftOut.length > 0 && state.state !== 'idle' && (
        <p className="muted" data-testid="bundle-left-out">
          One bundle at a time: {leftOut.join(', ')} {leftOut.length === 1 ? 'was' : 'were'} not opened.
        </p>
      )}
    </section>
  );
}

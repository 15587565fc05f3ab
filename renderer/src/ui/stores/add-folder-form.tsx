import { useId, useRef, useState, type FormEvent } from 'react';
import './stores.css';

/** An absolute path on POSIX (/etc/ssl), Windows (C:\Certs) or a UNC share (\\server\share). */
export function looksAbsolute(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\\\');
}

/**
 * "Add folder…": a folder of certificate and key files becomes a store. A text field, not a
 * folder picker: in the web mode the browser cannot hand over a path on the service's machine.
 */
export function AddFolderForm({ onAdd, onDone }: { onAdd: (path: string, trusted: boolean) => Promise<string | null>; onDone: () => void }) {
  const id = useId();
  const [path, setPath] = useState('');
  const [trusted, setTrusted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const value = path.trim();
    if (!value) {
      setError('Type the folder’s full path first.');
      input.current?.focus();
      return;
    }
    if (!looksAbsolute(value)) {
      setError(`${value}: give the full path, starting with / (or C:\\ on Windows).`);
      input.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    const problem = await onAdd(value, trusted);
    setBusy(false);
    if (problem) setError(problem);
    else onDone();
  };

  return (
    <form className="add-folder" data-testid="add-folder-form" onSubmit={(e) => void submit(e)}>
      <label htmlFor={`${id}-path`} className="add-folder-label">
        Folder of certificate and key files on this machine
      </label>
      <div className="add-folder-row">
        <input
          ref={input}
          id={`${id}-path`}
          className="text-input mono"
          data-testid="add-folder-path"
          type="text"
          placeholder="/etc/ssl/private"
          spellCheck={false}
          autoComplete="off"
          autoFocus
          value={path}
          disabled={busy}
          aria-invalid={error !== null}
          onChange={(e) => setPath(e.target.value)}
        />
        <button type="submit" className="button primary" data-testid="add-folder-submit" disabled={busy}>
          {busy ? 'Adding…' : 'Add folder'}
        </button>
        <button type="button" className="button secondary" data-testid="add-folder-cancel" disabled={busy} onClick={onDone}>
          Cancel
        </button>
      </div>
      <label className="checkbox">
        <input type="checkbox" data-testid="add-folder-trusted" checked={trusted} disabled={busy} onChange={(e) => setTrusted(e.target.checked)} />
        <span>
          Treat as trusted roots <span className="muted">(its certificates may end a chain, like the machine’s root store)</span>
        </span>
      </label>
      <p className="add-folder-hint muted">
        PEM, DER, .p7b and .pfx files without a password are read, up to three folders deep; key files are matched to their certificates by public key.
      </p>
      {error && (
        <p className="error-line" role="alert" data-testid="add-folder-error">
          {error}
        </p>
      )}
    </form>
  );
}

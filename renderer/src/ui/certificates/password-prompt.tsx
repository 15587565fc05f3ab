import { useEffect, useId, useRef, useState, type FormEvent } from 'react';

/**
 * The password of a PKCS#12 (.pfx/.p12) or an encrypted key, asked on the file's own row. The value
 * lives in this field until "Open" and then only in the one request that carries it: the field is
 * emptied on submit, nothing is stored, logged or sent anywhere else.
 */
export function PasswordPrompt({
  fileName,
  wrong,
  busy,
  onSubmit,
}: {
  fileName: string;
  /** The last password given did not open the file. */
  wrong: boolean;
  busy: boolean;
  onSubmit: (password: string) => void;
}) {
  const [value, setValue] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const id = useId();

  // When it appears, the field takes the cursor, unless the user is already typing in another field
  // (several PFX files opened at once: the first prompt gets it, the others wait their turn).
  useEffect(() => {
    const active = document.activeElement;
    if (!active || active === document.body || !(active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement)) input.current?.focus();
  }, []);

  // After a wrong password the field is empty again: put the cursor back in it.
  useEffect(() => {
    if (wrong && !busy) input.current?.focus();
  }, [wrong, busy]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const password = value;
    setValue('');
    onSubmit(password);
  };

  return (
    <form className="password-prompt" data-testid="password-prompt" onSubmit={submit} autoComplete="off">
      <label htmlFor={id} className="password-label">
        Password for {fileName}
      </label>
      <input
        ref={input}
        id={id}
        className="password-input"
        data-testid="password-input"
        type="password"
        name="certbench-file-password"
        autoComplete="off"
        spellCheck={false}
        value={value}
        disabled={busy}
        onChange={(e) => setValue(e.target.value)}
      />
      <button type="submit" className="button primary small" data-testid="password-open" disabled={busy}>
        {busy ? 'Opening…' : 'Open'}
      </button>
      <span className="password-hint">Used once to read this file; not stored.</span>
    </form>
  );
}

import { useEffect, useId, useRef, useState } from 'react';

/**
 * The password of a PFX given by path, asked for where the answer will appear: the field takes the
 * focus as soon as it is shown (a keyboard or screen-reader user lands in it), a wrong password
 * says so and keeps the field, and the password goes with this one lookup only.
 */
export function PfxPassword({ name, wrong, onSubmit }: { name: string; wrong: boolean; onSubmit: (password: string) => void }) {
  const id = useId();
  const [value, setValue] = useState('');
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => {
    field.current?.focus();
    if (wrong) field.current?.select();
  }, [wrong]);
  return (
    <form
      className="pfx-password"
      data-testid="key-pfx-password"
      onSubmit={(e) => {
        e.preventDefault();
        if (value) onSubmit(value);
      }}
    >
      <p>
        <strong className="mono">{name}</strong> is a password-protected PFX: give its password to read the certificate and the key inside it.
      </p>
      <div className="picker-row">
        <label htmlFor={`${id}-pw`}>Password</label>
        <input
          ref={field}
          id={`${id}-pw`}
          className="text-input"
          type="password"
          autoComplete="off"
          data-testid="key-pfx-password-input"
          aria-invalid={wrong || undefined}
          aria-describedby={wrong ? `${id}-wrong` : undefined}
          value={value}
          onChange={(e) => setValue(e.target.value)}
        />
        <button type="submit" className="button primary" data-testid="key-pfx-password-submit" disabled={!value}>
          Open
        </button>
      </div>
      {wrong && (
        <p className="error-line" role="alert" id={`${id}-wrong`} data-testid="key-pfx-password-wrong">
          That password does not open this file. Try again (it is the one given when the PFX was exported).
        </p>
      )}
      <p className="muted">Used for this lookup only; not stored.</p>
    </form>
  );
}

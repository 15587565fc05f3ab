/**
 * What the window keeps across its own reload (F5 in the web mode, a reload of the desktop window):
 * sessionStorage, which lives as long as the tab or window and is never shared with another one.
 * Secrets never go in: a value holding a field named like a password or a key is refused whole
 * (the PFX password is typed again; a private key is opened again), so a bug in a caller cannot
 * leave one behind in the browser's storage.
 */
const PREFIX = 'certbench.session.';

/** Field names that mark a secret; their presence anywhere in a value keeps it out of storage. */
const SECRET_FIELD = /^(password|passphrase|privateKey|keyPem|pkcs8|keyBase64|keyFile)$/i;

/** Whether `value` carries a field that names a secret (at any depth). */
export function holdsSecret(value: unknown, depth = 0): boolean {
  if (depth > 12 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((v) => holdsSecret(v, depth + 1));
  return Object.entries(value as Record<string, unknown>).some(([k, v]) => (SECRET_FIELD.test(k) && v !== null && v !== undefined && v !== '') || holdsSecret(v, depth + 1));
}

function storage(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.sessionStorage;
  } catch {
    return null; // storage disabled: nothing is kept, the page still works
  }
}

/** The value kept under `key`, or null (none kept, storage off, or unreadable). */
export function loadSession<T>(key: string): T | null {
  const raw = storage()?.getItem(PREFIX + key);
  if (raw == null) return null;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return null;
  }
}

/**
 * Keep `value` under `key` (null removes it). Returns false when it was not kept: it holds a
 * secret, or storage is off or full (a large log is then simply not brought back after a reload).
 */
export function saveSession(key: string, value: unknown): boolean {
  const s = storage();
  if (!s) return false;
  if (value === null || value === undefined) {
    s.removeItem(PREFIX + key);
    return true;
  }
  if (holdsSecret(value)) {
    s.removeItem(PREFIX + key);
    return false;
  }
  try {
    s.setItem(PREFIX + key, JSON.stringify(value));
    return true;
  } catch {
    s.removeItem(PREFIX + key);
    return false;
  }
}

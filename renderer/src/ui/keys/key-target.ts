/**
 * What Private keys is asked about: a certificate of the local stores (by thumbprint, as
 * FindPrivateKey takes it) or a file on the machine the service runs on (a key, a certificate
 * whose key is looked for next to it, a .pfx). `label` is what the user recognises it by.
 */
export type KeyTarget = { kind: 'thumbprint'; thumbprint: string; label: string } | { kind: 'path'; path: string; label: string };

/** The keys:find request for a target. */
export function findRequest(target: KeyTarget): { thumbprint: string } | { path: string } {
  return target.kind === 'thumbprint' ? { thumbprint: target.thumbprint } : { path: target.path };
}

export function sameTarget(a: KeyTarget | null, b: KeyTarget | null): boolean {
  if (!a || !b) return a === b;
  if (a.kind === 'thumbprint' && b.kind === 'thumbprint') return a.thumbprint.toUpperCase() === b.thumbprint.toUpperCase();
  if (a.kind === 'path' && b.kind === 'path') return a.path === b.path;
  return false;
}

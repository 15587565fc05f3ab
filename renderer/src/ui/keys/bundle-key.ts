import type { OpenedBundle } from '../../../../shared/model/bundle';
import type { KeyFind } from './key-location';

/**
 * Private keys for an opened bundle: the report's key step in the shape the live page
 * shows (keys:find's answer), so the bundle's key is read with the same FindPrivateKey rows, owner
 * line and ACL table. Pure: nothing here asks this machine anything.
 */

/** FindPrivateKey's two lines from a full path: Windows (\) or POSIX (/) separators, whichever is last. */
export function splitKeyPath(path: string | null): { directory: string | null; fileName: string | null } {
  if (!path) return { directory: null, fileName: null };
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  if (cut < 0 || cut === path.length - 1) return { directory: null, fileName: null };
  // "/key.pem" and "C:\key.pem": the folder keeps its separator (a root is not an empty name).
  const directory = cut === 0 || /^[A-Za-z]:$/.test(path.slice(0, cut)) ? path.slice(0, cut + 1) : path.slice(0, cut);
  return { directory, fileName: path.slice(cut + 1) };
}

/** The bundle report's key as keys:find would have answered on the bundle's host; null when the report has no key. */
export function bundleKeyFind(bundle: Pick<OpenedBundle, 'report' | 'storeCertificates'>): KeyFind | null {
  const { report } = bundle;
  const k = report.key;
  if (!k) return null;
  const cert = report.certificate;
  const thumbprint = cert?.summary.thumbprintSha1.toUpperCase() ?? null;
  const inStores = thumbprint ? bundle.storeCertificates.filter((c) => c.summary.thumbprintSha1.toUpperCase() === thumbprint) : [];
  const { directory, fileName } = splitKeyPath(k.location.path);
  return {
    query: thumbprint ?? k.location.path ?? '',
    certificate: inStores[0] ?? (cert ? { storeId: cert.source, friendlyName: null, summary: cert.summary, key: k.location } : null),
    foundIn: [...new Set(inStores.map((c) => c.storeId))],
    key: k.location,
    directory,
    fileName,
    acl: k.acl,
    aclNote: k.aclNote,
    // As keys:find answers: the key's own findings; whether an account can read it belongs to the access check.
    findings: report.findings.filter((f) => f.area === 'key' && f.id !== ACCESS_FINDING),
  };
}

const ACCESS_FINDING = 'key.identity-cannot-read';

/** The findings of the bundle's access check (shown under its answer, as the live check shows them). */
export function bundleAccessFindings(bundle: Pick<OpenedBundle, 'report'>): OpenedBundle['report']['findings'] {
  return bundle.report.findings.filter((f) => f.id === ACCESS_FINDING);
}

/** What to say when the bundle's diagnosis looked at no key: why, and where the bundle does say something about keys. */
export function noKeySentence(bundle: Pick<OpenedBundle, 'report' | 'storeCertificates'>): string {
  const step = bundle.report.steps.find((s) => s.name === 'key');
  const why = step?.note ? ` (${step.note.replace(/\.$/, '')})` : bundle.report.certificate ? '' : ': no client certificate was given';
  const withKeys = bundle.storeCertificates.filter((c) => c.key.status === 'present' || c.key.status === 'missing').length;
  const stores =
    bundle.storeCertificates.length > 0
      ? ` Its store listing says which certificates have a private key (${withKeys.toLocaleString()} of ${bundle.storeCertificates.length.toLocaleString()}): see Certificates and stores › Local stores.`
      : '';
  return `This bundle’s diagnosis had no private key to check${why}.${stores}`;
}

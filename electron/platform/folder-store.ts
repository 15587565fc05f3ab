import type { StoreFolder, Store, StoreCertificate } from '../../shared/model/store';
import { FOLDER_LIMITS, certificatesFromFiles, scanFolder } from './file-store';
import type { CertStoreSource, StoreListing } from './types';

/**
 * Folders of certificate and key files as stores, on every OS: folders of PEM/DER/PFX/key
 * files that the user adds. Role 'other' and untrusted, unless the user marked the folder as
 * trusted roots. Also used for the anchor folders of a Linux distribution (role root, trusted).
 */
export interface FolderSpec {
  path: string;
  kind: 'folder' | 'anchor-folder';
  trusted: boolean;
  label: string;
}

/** Read folder stores one after another, reporting progress per file. */
export async function readFolderStores(
  specs: FolderSpec[],
  options: { at: Date; progress?: (done: number, total: number | null, label: string) => void; signal?: AbortSignal; limits?: typeof FOLDER_LIMITS },
): Promise<StoreListing> {
  const stores: Store[] = [];
  const certificates: StoreCertificate[] = [];
  for (const spec of specs) {
    if (options.signal?.aborted) break;
    const id = `${spec.kind === 'folder' ? 'folder' : 'anchor'}:${spec.path}`;
    const scan = scanFolder(spec.path, options.limits ?? FOLDER_LIMITS, options.signal);
    const read = await certificatesFromFiles(id, scan.files, options.at, {
      maxBytes: (options.limits ?? FOLDER_LIMITS).maxFileBytes,
      progress: (done, total, label) => options.progress?.(done, total, `${spec.label}: ${label}`),
      signal: options.signal,
    });
    certificates.push(...read.certificates);
    const problems = [...scan.problems, ...read.notes];
    stores.push({
      id,
      kind: spec.kind,
      role: spec.trusted ? 'root' : 'other',
      label: spec.label,
      location: spec.path,
      trusted: spec.trusted,
      certificateCount: read.certificates.length,
      error: problems.length ? summarizeProblems(problems) : null,
    });
  }
  return { stores, certificates };
}

/** One line for a store's problems: the first one and how many more. */
export function summarizeProblems(problems: string[]): string {
  const [first, ...rest] = problems;
  return rest.length ? `${first} (and ${rest.length} more)` : (first ?? '');
}

/** The user's folders as a CertStoreSource (folders come from the data folder at each listing). */
export class FolderStoreSource implements CertStoreSource {
  constructor(private readonly folders: () => StoreFolder[]) {}

  list(options: { at: Date; progress?: (done: number, total: number | null, label: string) => void; signal?: AbortSignal }): Promise<StoreListing> {
    const specs: FolderSpec[] = this.folders().map((f) => ({ path: f.path, kind: 'folder', trusted: f.trusted, label: `Folder ${f.path}${f.trusted ? ' (trusted roots)' : ''}` }));
    return readFolderStores(specs, options);
  }
}

/** Several sources as one (the OS stores, then the user's folders). */
export class CombinedStoreSource implements CertStoreSource {
  constructor(private readonly sources: CertStoreSource[]) {}

  async list(options: { at: Date; progress?: (done: number, total: number | null, label: string) => void; signal?: AbortSignal }): Promise<StoreListing> {
    const out: StoreListing = { stores: [], certificates: [] };
    for (const s of this.sources) {
      const r = await s.list(options);
      out.stores.push(...r.stores);
      out.certificates.push(...r.certificates);
    }
    return out;
  }
}

import fs from 'node:fs';
import os from 'node:os';
import type { Store, StoreCertificate } from '../../../shared/model/store';
import { formatBytes } from '../../../shared/errors';
import { systemBundleFile } from '../../services/system-trust';
import { FOLDER_LIMITS, certificatesFromFiles } from '../file-store';
import { readFolderStores, type FolderSpec } from '../folder-store';
import type { CertStoreSource, CommandRunner, StoreListing } from '../types';
import { discoverNssDatabases, readNssDatabase } from './nss';
import { stampOf, type ParseCache } from '../../services/parse-cache';
import { validityStatus } from '../../../shared/cert/summarize';

/**
 * The Linux machine's certificate stores: the distribution's trust bundle (the file
 * system-trust.ts uses for chain building), the anchor folders update-ca-certificates and
 * update-ca-trust build it from, and NSS databases (Chrome, Firefox, system). The user's own folders
 * are added by FolderStoreSource on every OS (electron/platform/index.ts combines them).
 */

/** Anchor folders: Debian/Ubuntu (update-ca-certificates), RHEL/Fedora (update-ca-trust), Arch (trust). */
export const LINUX_ANCHOR_DIRS = ['/usr/local/share/ca-certificates', '/etc/pki/ca-trust/source/anchors', '/etc/ca-certificates/trust-source/anchors'];

export interface LinuxStoreOptions {
  /** Home folder whose NSS databases are read (default: the user's). */
  home?: string;
  /** The trust bundle; default: the file system-trust.ts finds. null: none. */
  bundleFile?: string | null;
  anchorDirs?: string[];
  /** NSS databases to read instead of discovering them under `home`. */
  nssDatabases?: { dir: string; label: string }[];
  /**
   * Where the bundle's reading is kept between runs (its 150 summaries, each root's self-signature
   * checked once per change of the file rather than once per listing); none: read every time.
   */
  cache?: ParseCache | null;
}

interface BundleReading {
  certificates: StoreCertificate[];
  notes: string[];
}

/** A cached reading judged at another moment: only validity depends on it. */
function atMoment(c: StoreCertificate, at: Date): StoreCertificate {
  const status = validityStatus(new Date(c.summary.notBefore), new Date(c.summary.notAfter), at);
  return { ...c, summary: { ...c.summary, validity: { status, checkedAt: at.toISOString() } } };
}

/** Bundle, then anchor folders, then NSS databases, with progress per file and per NSS entry. */
export class LinuxCertStoreSource implements CertStoreSource {
  constructor(
    private readonly runner: CommandRunner,
    private readonly options: LinuxStoreOptions = {},
  ) {}

  async list(options: { at: Date; progress?: (done: number, total: number | null, label: string) => void; signal?: AbortSignal }): Promise<StoreListing> {
    const stores: Store[] = [];
    const certificates: StoreCertificate[] = [];
    const { at, progress, signal } = options;

    // 1. The trust bundle: one file, every certificate a trusted root.
    const bundle = this.options.bundleFile === undefined ? systemBundleFile() : this.options.bundleFile;
    if (bundle) {
      const id = `bundle:${bundle}`;
      let error: string | null = null;
      let read: StoreCertificate[] = [];
      try {
        const size = fs.statSync(bundle).size;
        if (size > FOLDER_LIMITS.maxBundleBytes) error = `${bundle}: ${formatBytes(size)} is larger than ${formatBytes(FOLDER_LIMITS.maxBundleBytes)}; not read`;
        else {
          const r = await this.readBundle(id, bundle, at, { signal, progress });
          read = r.certificates;
          error = r.notes[0] ?? null;
        }
      } catch (err) {
        error = `${bundle}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
      }
      stores.push({ id, kind: 'system-bundle', role: 'root', label: 'System trust bundle', location: bundle, trusted: true, certificateCount: read.length, error });
      certificates.push(...read);
    }

    // 2. Anchor folders that exist.
    const anchors: FolderSpec[] = (this.options.anchorDirs ?? LINUX_ANCHOR_DIRS)
      .filter((d) => fs.existsSync(d))
      .map((d) => ({ path: d, kind: 'anchor-folder', trusted: true, label: `Trust anchors ${d}` }));
    const anchorRead = await readFolderStores(anchors, { at, progress, signal });
    stores.push(...anchorRead.stores);
    certificates.push(...anchorRead.certificates);

    // 3. NSS databases.
    const dbs = this.options.nssDatabases ?? discoverNssDatabases(this.options.home ?? os.homedir());
    for (const db of dbs) {
      if (signal?.aborted) break;
      const r = await readNssDatabase(this.runner, db, at, { progress, signal });
      stores.push(...r.stores);
      certificates.push(...r.certificates);
    }
    return { stores, certificates };
  }

  private async readBundle(id: string, bundle: string, at: Date, options: { signal?: AbortSignal; progress?: (done: number, total: number | null, label: string) => void }): Promise<BundleReading> {
    const cache = this.options.cache ?? null;
    const stamp = stampOf(fs.statSync(bundle));
    const hit = cache?.get<BundleReading>('store-bundle', bundle, stamp);
    if (hit?.value && Array.isArray(hit.value.certificates)) return { certificates: hit.value.certificates.map((c) => atMoment(c, at)), notes: hit.value.notes ?? [] };
    const r = await certificatesFromFiles(id, [{ path: bundle, bytes: new Uint8Array(fs.readFileSync(bundle)) }], at, {
      maxBytes: FOLDER_LIMITS.maxBundleBytes,
      signal: options.signal,
      progress: (done, total) => options.progress?.(done, total, `System trust bundle ${bundle}`),
    });
    if (!options.signal?.aborted) cache?.put('store-bundle', bundle, stamp, r);
    return { certificates: r.certificates, notes: hit?.note ? [...r.notes, hit.note] : r.notes };
  }
}

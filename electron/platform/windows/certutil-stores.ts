import { readCertificateFile } from '../../../shared/cert/reader';
import { summarizeCertificate } from '../../../shared/cert/summarize';
import { oneLine } from '../../../shared/errors';
import type { Store, StoreCertificate } from '../../../shared/model/store';
import type { CommandRunner, StoreListing } from '../types';
import { certutilKeyLocation, parseCertutilStore } from './certutil';
import { windowsStoreInfo, type StoreLocation, WINDOWS_STORE_LOCATIONS, WINDOWS_STORE_NAMES } from './stores';

/**
 * The stores read with certutil when PowerShell cannot run. `certutil -store` prints no DER, so each
 * certificate is exported by its hash (`certutil -store <name> <hash> <file>`, certutil's documented
 * `CertId OutputFile` form) and read back. Slower than the PowerShell route (one certutil run per
 * certificate), hence a bound on how many are read.
 */

export const CERTUTIL = 'certutil.exe';
export const MAX_FALLBACK_CERTIFICATES = 2000;

export interface ExportFiles {
  /** A fresh temporary file path for one export. */
  tempFile(name: string): string;
  readBytes(file: string): Uint8Array | null;
  remove(file: string): void;
}

function locationArgs(location: StoreLocation): string[] {
  return location === 'CurrentUser' ? ['-user'] : [];
}

export async function listStoresWithCertutil(
  runner: CommandRunner,
  files: ExportFiles,
  options: { at: Date; why: string; progress?: (done: number, total: number | null, label: string) => void; signal?: AbortSignal },
): Promise<StoreListing> {
  const stores: Store[] = [];
  const certificates: StoreCertificate[] = [];
  let budget = MAX_FALLBACK_CERTIFICATES;
  let done = 0;
  for (const location of WINDOWS_STORE_LOCATIONS) {
    for (const name of WINDOWS_STORE_NAMES) {
      if (options.signal?.aborted) throw new Error('store enumeration cancelled');
      const info = windowsStoreInfo(location, name);
      options.progress?.(done, null, `${info.label} (certutil)`);
      const store: Store = { id: info.id, kind: 'windows', role: info.role, label: info.label, location: info.location, trusted: info.trusted, certificateCount: 0, error: null };
      stores.push(store);
      const record = await runner.run(CERTUTIL, [...locationArgs(location), '-store', name], { timeoutMs: 120_000, maxOutputBytes: 64 * 1024 * 1024 });
      if (record.error) {
        store.error = `certutil could not run: ${record.error} (PowerShell failed too: ${options.why})`;
        continue;
      }
      const dump = parseCertutilStore(record.stdout);
      if (dump.failure) {
        store.error = `certutil: ${dump.failure}`;
        continue;
      }
      const problems: string[] = [];
      for (const c of dump.certificates) {
        if (!c.thumbprintSha1) {
          problems.push(`certificate ${c.index}: no hash line`);
          continue;
        }
        if (budget <= 0) {
          problems.push(`certificate ${c.index}: not read (more than ${MAX_FALLBACK_CERTIFICATES} certificates in the certutil fallback)`);
          continue;
        }
        budget--;
        const file = files.tempFile(`${c.thumbprintSha1}.cer`);
        try {
          const exported = await runner.run(CERTUTIL, [...locationArgs(location), '-store', name, c.thumbprintSha1, file], { timeoutMs: 60_000 });
          const bytes = exported.error ? null : files.readBytes(file);
          if (!bytes) {
            problems.push(`certificate ${c.thumbprintSha1}: export failed${exported.error ? ` (${exported.error})` : ''}`);
            continue;
          }
          const label = `${info.label} certificate ${c.thumbprintSha1}`;
          const read = await readCertificateFile(label, bytes, 1024 * 1024);
          const der = read.certificates[0]!;
          const summary = await summarizeCertificate(label, der, options.at);
          if (summary.thumbprintSha1 !== c.thumbprintSha1) problems.push(`certificate ${c.thumbprintSha1}: the exported file holds ${summary.thumbprintSha1}`);
          certificates.push({ storeId: info.id, friendlyName: null, summary, key: certutilKeyLocation(c, location) });
          store.certificateCount++;
        } catch (err) {
          problems.push(oneLine((err as Error).message));
        } finally {
          files.remove(file);
          done++;
        }
      }
      if (problems.length) store.error = `${problems.length} certificate(s) could not be read: ${problems[0]}`;
    }
  }
  return { stores, certificates };
}

import type { Res } from '../../shared/contract';
import { MAX_INPUT_FILE_BYTES } from '../../shared/input-limits';
import { inspectFiles, type InspectInput } from '../../shared/cert/inspect';
import { CertbenchError } from '../../shared/errors';
import type { Work } from './work';

/**
 * Summarise every certificate and private key in the files given, keys matched to certificates
 * across all the files (cert.pem + key.pem), validity judged at `at`.
 */
export async function inspectCertificates(files: InspectInput[], at: Date, work: Work): Promise<Res<'certs:inspect'>> {
  for (const [i, file] of files.entries()) {
    if (work.signal.aborted) throw new CertbenchError('timeout', 'inspection cancelled');
    work.progress({ done: i, total: files.length, label: `Reading ${file.name}` });
  }
  const inspected = await inspectFiles(files, at, MAX_INPUT_FILE_BYTES);
  work.progress({ done: files.length, total: files.length, label: 'Done' });
  return { files: inspected };
}

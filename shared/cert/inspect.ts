import type { InspectedFile } from '../contract';
import { toErrorData } from '../errors';
import { readCertificateFile } from './reader';
import { summarizeCertificate } from './summarize';

/**
 * Inspect one file's bytes: every certificate in it, or one clear error. Used by the IPC/HTTP
 * handler and the CLI alike, so both report exactly the same thing.
 */
export async function inspectFileBytes(
  name: string,
  bytes: Uint8Array,
  at: Date,
  maxBytes: number,
): Promise<InspectedFile> {
  try {
    const read = readCertificateFile(name, bytes, maxBytes);
    const many = read.certificates.length > 1;
    const certificates = [];
    for (const [i, der] of read.certificates.entries()) {
      certificates.push(await summarizeCertificate(many ? `${name} (certificate ${i + 1})` : name, der, at));
    }
    return { name, sizeBytes: bytes.byteLength, format: read.format, certificates, error: null };
  } catch (err) {
    return { name, sizeBytes: bytes.byteLength, format: null, certificates: [], error: toErrorData(err) };
  }
}

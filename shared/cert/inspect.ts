import type { InspectedFileResult } from '../contract';
import { toErrorData } from '../errors';
import { readContainer } from './containers';
import { matchKeysAcrossFiles } from './key-match';
import { summarizeCertificate } from './summarize';

/** One file to inspect; `password` opens a PKCS#12 or an encrypted private key. */
export interface InspectInput {
  name: string;
  bytes: Uint8Array;
  password?: string;
}

/**
 * Inspect one file's bytes: every certificate and private key in it, or one clear error. Used by the
 * IPC/HTTP handler and the CLI alike, so both report exactly the same thing. Keys are matched to this
 * file's certificates only; inspectFiles matches across files.
 */
export async function inspectFileBytes(
  name: string,
  bytes: Uint8Array,
  at: Date,
  maxBytes: number,
  password?: string,
): Promise<InspectedFileResult> {
  const [result] = await inspectFiles([{ name, bytes, password }], at, maxBytes);
  return result!;
}

/**
 * Inspect several files as one set: a key in one file (key.pem) is matched by public key to a
 * certificate in another (cert.pem) as well as to its own file's. Results are in input order.
 */
export async function inspectFiles(files: InspectInput[], at: Date, maxBytes: number): Promise<InspectedFileResult[]> {
  const results: InspectedFileResult[] = [];
  for (const file of files) {
    const { name, bytes } = file;
    try {
      const read = await readContainer(name, bytes, { maxBytes, password: file.password });
      const many = read.certificates.length > 1;
      const certificates = [];
      for (const [i, der] of read.certificates.entries()) {
        certificates.push(await summarizeCertificate(many ? `${name} (certificate ${i + 1})` : name, der, at));
      }
      results.push({ name, sizeBytes: bytes.byteLength, format: read.format, certificates, keys: read.keys, error: null });
    } catch (err) {
      results.push({ name, sizeBytes: bytes.byteLength, format: null, certificates: [], keys: [], error: toErrorData(err) });
    }
  }
  // Second pass: keys without a match in their own file, against every certificate of the request.
  return matchKeysAcrossFiles(results);
}

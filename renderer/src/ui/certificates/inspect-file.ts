import type { InspectedFileResult } from '../../../../shared/contract';
import { call } from '../../api/client';
import { readUpload, UploadError, type Upload } from '../../lib/read-upload';

/**
 * Inspect one user file: size check first (a 2 GB file is refused without reading a byte), then
 * read, base64-encode and send it as ONE `certs:inspect` request (the web mode caps a request at
 * 24 MB, so files are never batched). Always resolves to an inspected file; failures become its
 * one-line `error`, so one bad file never hides the others.
 */
/** Dropped entries that are folders (the drop handler knows; a File object alone does not say). */
const folders = new WeakSet<File>();
export function markAsFolder(file: File): void {
  folders.add(file);
}

export async function inspectFile(
  file: File,
  options: {
    onFraction?: (fraction: number) => void;
    signal?: AbortSignal;
    /** PKCS#12 or encrypted-key password: sent with this one request only, never kept or logged. */
    password?: string;
  } = {},
): Promise<InspectedFileResult> {
  const failed = (code: NonNullable<InspectedFileResult['error']>['code'], message: string): InspectedFileResult => ({
    name: file.name,
    sizeBytes: file.size,
    format: null,
    certificates: [],
    keys: [],
    error: { code, message },
  });

  if (folders.has(file)) {
    // Same words as the CLI's "is a directory" line, in the UI's vocabulary.
    return failed('bad-input', `${file.name}: is a folder, not a certificate file (open the files inside it)`);
  }

  let upload: Upload;
  try {
    upload = await readUpload(file, 'certificate files');
  } catch (err) {
    if (err instanceof UploadError) return failed(err.code === 'too-large' ? 'too-large' : 'bad-input', err.message);
    throw err;
  }
  options.onFraction?.(0.3);

  const result = await call(
    'certs:inspect',
    { files: [{ ...upload, ...(options.password !== undefined ? { password: options.password } : {}) }] },
    {
      signal: options.signal,
      onProgress: (e) => {
        if (e.total) options.onFraction?.(0.3 + 0.7 * Math.min(1, e.done / e.total));
      },
    },
  );
  if (!result.ok) {
    // Transport and request errors do not name the file; the row must, since it stands alone.
    const message = result.error.message.startsWith(`${file.name}:`) ? result.error.message : `${file.name}: ${result.error.message}`;
    return failed(result.error.code, message);
  }
  const inspected = result.value.files[0];
  return inspected ?? failed('internal', `${file.name}: the service returned no result for this file`);
}

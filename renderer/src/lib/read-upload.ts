import { MAX_INPUT_FILE_BYTES } from '../../../shared/contract';
import { formatBytes } from '../../../shared/errors';
import { encodeBase64 } from './base64';

/** A file as it crosses the boundary: its name and its bytes as base64 (DESIGN.md: only plain data). */
export interface Upload {
  name: string;
  dataBase64: string;
}

/** Why a chosen file could not be read, in one line naming it, in the same words on every page. */
export class UploadError extends Error {
  constructor(
    readonly code: 'too-large' | 'unreadable',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The one reader of files the user chose or dropped: refuses a file over the input limit
 * before reading it (in the CLI's and the service's words, shared/cert/reader.ts), reads it, and
 * says in one line when the browser cannot (moved, deleted, or no permission). `what` names the
 * kind of file in the size message ("certificate files", "evidence files").
 */
export async function readUpload(file: File, what = 'files', maxBytes = MAX_INPUT_FILE_BYTES): Promise<Upload> {
  if (file.size > maxBytes) throw new UploadError('too-large', `${file.name}: file is ${formatBytes(file.size)}; ${what} are at most ${formatBytes(maxBytes)}`);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await file.arrayBuffer());
  } catch (err) {
    const why = err instanceof Error && err.name === 'NotFoundError' ? 'it was moved or deleted' : 'moved, deleted, or permission denied';
    throw new UploadError('unreadable', `${file.name}: cannot read the file (${why})`);
  }
  return { name: file.name, dataBase64: encodeBase64(bytes) };
}

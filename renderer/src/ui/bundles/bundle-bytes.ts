import { MAX_INPUT_FILE_BYTES } from '../../../../shared/contract';
import { formatBytes } from '../../../../shared/errors';

/** The MIME type of a bundle, so a browser's download shelf and the OS pick the zip icon and handler. */
export const ZIP_TYPE = 'application/zip';

/** Decoding happens in slices of this many base64 characters (a multiple of 4, so each slice is whole). */
export const DECODE_CHUNK_CHARS = 4 * 0x4000;

/**
 * The bytes of a base64 string, decoded slice by slice: one `atob` on a 16 MB zip would build a
 * 16-million-character intermediate string on top of the answer's own; slices keep the peak small.
 * Whitespace is dropped first (a copied answer may be wrapped); anything else that is not base64
 * throws, with the position, rather than producing a silently damaged zip.
 */
export function base64ToBytes(base64: string, chunkChars: number = DECODE_CHUNK_CHARS): Uint8Array {
  if (chunkChars <= 0 || chunkChars % 4 !== 0) throw new Error('chunkChars must be a positive multiple of 4');
  const text = base64.replace(/\s+/g, '');
  const bad = text.search(/[^A-Za-z0-9+/=]/);
  if (bad >= 0) throw new Error(`not base64: unexpected character at position ${bad}`);
  if (text.length % 4 !== 0) throw new Error(`not base64: ${text.length} characters is not a multiple of 4`);
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  let at = 0;
  for (let offset = 0; offset < text.length; offset += chunkChars) {
    const binary = atob(text.slice(offset, offset + chunkChars));
    for (let i = 0; i < binary.length; i++) out[at++] = binary.charCodeAt(i);
  }
  return out;
}

/** A zip Blob from the export's base64 answer (what "Download" saves; kept for "Exported this session"). */
export function zipBlob(zipBase64: string): Blob {
  // A fresh ArrayBuffer-backed copy: Blob parts must not be views of a SharedArrayBuffer.
  return new Blob([base64ToBytes(zipBase64).slice().buffer as ArrayBuffer], { type: ZIP_TYPE });
}

/**
 * Why a chosen file cannot be sent to bundle:open, in one line, or null when it can. The same
 * 16 MB bound as every other input file (MAX_INPUT_FILE_BYTES): refused here, before it is read,
 * so a user who drops a 2 GB capture learns at once instead of waiting for the upload to fail.
 */
export function bundleFileProblem(file: { name: string; size: number }): string | null {
  if (file.size > MAX_INPUT_FILE_BYTES) {
    return `${file.name} is ${formatBytes(file.size)}; a bundle opened here is at most ${formatBytes(MAX_INPUT_FILE_BYTES)}.`;
  }
  if (file.size === 0) return `${file.name} is empty (0 bytes): it is not a bundle.`;
  return null;
}

/**
 * Base64 of a file's bytes, built in chunks. `String.fromCharCode(...bytes)` on a whole 16 MB file
 * overflows the engine's argument limit, and one giant intermediate string doubles peak memory, so
 * each chunk (a multiple of 3 bytes, so no padding appears mid-stream) is encoded on its own.
 */
export const BASE64_CHUNK_BYTES = 3 * 0x4000;

export function encodeBase64(bytes: Uint8Array, chunkBytes: number = BASE64_CHUNK_BYTES): string {
  if (chunkBytes <= 0 || chunkBytes % 3 !== 0) throw new Error('chunkBytes must be a positive multiple of 3');
  const parts: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += chunkBytes) {
    const chunk = bytes.subarray(offset, offset + chunkBytes);
    let binary = '';
    // fromCharCode.apply with at most 0x4000 arguments per call stays far below every engine's limit.
    for (let i = 0; i < chunk.length; i += 0x4000) {
      binary += String.fromCharCode.apply(null, chunk.subarray(i, i + 0x4000) as unknown as number[]);
    }
    parts.push(btoa(binary));
  }
  return parts.join('');
}

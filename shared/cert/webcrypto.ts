/**
 * WebCrypto, present in Node 20 as globalThis.crypto and in every browser, so the main process and
 * the renderer run the same code. Declared structurally because shared/ compiles without DOM or Node
 * types; callers cope with its absence (null).
 */
export interface SubtleLike {
  importKey(format: 'spki' | 'raw', keyData: Uint8Array, algorithm: object | string, extractable: boolean, usages: string[]): Promise<unknown>;
  verify(algorithm: object, key: unknown, signature: Uint8Array, data: Uint8Array): Promise<boolean>;
  deriveBits(algorithm: object, baseKey: unknown, length: number): Promise<ArrayBuffer>;
}

export function subtle(): SubtleLike | null {
  return (globalThis as { crypto?: { subtle?: SubtleLike } }).crypto?.subtle ?? null;
}

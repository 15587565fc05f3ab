import { z } from 'zod';

/**
 * ConvertTo-Json in PowerShell 5.1 writes a one-element array as the element itself and an empty one
 * as null in some paths; accept both so a store with one certificate parses like one with many.
 */
export function jsonArray<T extends z.ZodTypeAny>(item: T) {
  return z.preprocess((v) => (v === null || v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(item));
}

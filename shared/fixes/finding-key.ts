import type { Finding } from '../findings/catalogue';

/**
 * Names one finding among those of its id: the id, its params (what the fix acts on) and its title.
 * Fix scripts carry it, so a view matches each script to its own finding exactly.
 */
export function findingKey(f: Pick<Finding, 'id' | 'params' | 'title'>): string {
  const params = Object.entries(f.params ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([f.id, params, f.title]);
}

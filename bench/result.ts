/**
 * One benchmark line (`npm run bench -- --json`): a value and the baseline measured in the same run
 * on the same inputs, with their ratio and the target it is judged against (developers' guide).
 */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  baseline: string;
  baselineValue: number;
  ratio: number;
  target: string;
  /** What else to know to read the figure (a second baseline, how it was warmed). */
  note?: string;
}

export const round = (n: number) => Math.round(n * 100) / 100;

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

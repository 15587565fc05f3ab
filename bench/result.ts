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
}

export const round = (n: number) => Math.round(n * 100) / 100;

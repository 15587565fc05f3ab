import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const CLI = path.join(ROOT, 'bin', 'certbench.cjs');

/** The CLI must be built (npm run build); say so instead of failing obscurely. */
export function requireBuiltCli(): void {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'cli.cjs'))) throw new Error('dist/cli.cjs is missing: run "npm run build" first');
}

export function runCli(args: string[], opts: { cwd?: string; timeoutMs?: number; env?: Record<string, string> } = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd ?? ROOT,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 30_000,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

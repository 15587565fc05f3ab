import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Unit tests run pure code: a test that starts a process (openssl as an oracle, bash -n, pwsh) is an
 * integration test and lives in tests/integration, where the suite expects processes and their cost.
 */
describe('unit tests', () => {
  it('start no process: no child_process import, directly or through a test helper that starts one', () => {
    const dir = path.resolve(__dirname);
    const helpers = path.resolve(__dirname, '../helpers');
    const startsProcesses = (text: string) => /from ['"](node:)?child_process['"]|require\(['"](node:)?child_process['"]\)/.test(text);
    // A helper starts processes when it imports child_process or another helper that does (to any depth).
    const helperText = new Map(
      fs
        .readdirSync(helpers)
        .filter((f) => f.endsWith('.ts'))
        .map((f) => [f.replace(/\.ts$/, ''), fs.readFileSync(path.join(helpers, f), 'utf8')] as const),
    );
    const processHelpers = [...helperText].filter(([, text]) => startsProcesses(text)).map(([name]) => name);
    for (let grew = true; grew; ) {
      grew = false;
      for (const [name, text] of helperText) {
        if (!processHelpers.includes(name) && processHelpers.some((h) => text.includes(`./${h}'`))) {
          processHelpers.push(name);
          grew = true;
        }
      }
    }
    expect(processHelpers.length, 'the helpers that start processes are found').toBeGreaterThan(0);
    const offenders = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .filter((f) => {
        const text = fs.readFileSync(path.join(dir, f), 'utf8');
        return startsProcesses(text) || processHelpers.some((h) => text.includes(`helpers/${h}'`));
      });
    expect(offenders).toEqual([]);
  });
});

import type { InspectedFileResult } from '../../shared/contract';
import { MAX_INPUT_FILE_BYTES } from '../../shared/input-limits';
import { inspectFiles, type InspectInput } from '../../shared/cert/inspect';
import { toErrorData } from '../../shared/errors';
import { readInputFile } from '../services/input-file';
import { passwordFromEnv, promptHidden } from './password';
import { CliProgress } from './progress';

export { readInputFile } from '../services/input-file';

/**
 * Read and inspect the files of one command as a set (keys matched across files). Passwords come
 * from --password-env, or from a hidden prompt on a terminal for each PFX that needs one; never
 * from the command line (DESIGN.md). Returns results in input order; unreadable files are results
 * with an error, so callers report every problem.
 */
export async function inspectCommandFiles(
  files: string[],
  opts: { at: Date; passwordEnv?: string; fail: (message: string) => never },
): Promise<InspectedFileResult[]> {
  let password: string | undefined;
  if (opts.passwordEnv !== undefined) {
    const fromEnv = passwordFromEnv(opts.passwordEnv);
    if ('error' in fromEnv) opts.fail(fromEnv.error);
    password = fromEnv.password;
  }
  const inputs: (InspectInput | InspectedFileResult)[] = [];
  const progress = new CliProgress('reading');
  for (const [i, file] of files.entries()) {
    progress.update(i, files.length, file);
    try {
      inputs.push({ name: file, bytes: readInputFile(file, MAX_INPUT_FILE_BYTES), password });
    } catch (err) {
      const error = { ...toErrorData(err), code: 'bad-input' as const };
      inputs.push({ name: file, sizeBytes: 0, format: null, certificates: [], keys: [], error });
    }
  }
  const inspectAll = async () => {
    const inspected = await inspectFiles(inputs.filter((d): d is InspectInput => 'bytes' in d), opts.at, MAX_INPUT_FILE_BYTES);
    let next = 0;
    return inputs.map((d) => ('bytes' in d ? inspected[next++]! : d));
  };
  let results = await inspectAll();
  progress.done();

  // A PFX that needs a password none was given for: ask on a terminal (never when scripted).
  if (password === undefined && process.stdin.isTTY && process.stderr.isTTY) {
    let asked = false;
    for (const [i, r] of results.entries()) {
      const input = inputs[i];
      if (r.error?.code !== 'password-required' || !input || !('bytes' in input)) continue;
      const typed = await promptHidden(`Password for ${r.name}: `);
      if (typed === null) break;
      input.password = typed;
      asked = true;
    }
    if (asked) results = await inspectAll();
  }
  return results;
}

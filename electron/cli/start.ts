import path from 'node:path';
import { APP_VERSION } from '../version';
import { dataDir } from '../platform/data-dir';
import { requireWithCodeCache } from './code-cache';
import commands from './commands.json';

/**
 * dist/cli.cjs, what bin/certbench.cjs loads: answers `--version` without loading anything;
 * `inspect` runs from dist/cli/inspect.cjs (electron/cli/inspect-main.ts: nothing but what it reads),
 * every other command from dist/cli/commands.cjs (electron/cli/lazy.ts: each command's modules and the
 * services evaluated only when that command runs). Both are compiled through V8's code cache in the
 * data folder (code-cache.ts), one entry per command.
 */
type Cli = { run: (argv: string[]) => Promise<void> };

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${APP_VERSION}\n`);
} else {
  const word = args[0] ?? '';
  const bundle = path.join(__dirname, 'cli', word === 'inspect' ? 'inspect.cjs' : 'commands.cjs');
  const named = commands.some((c) => c.names.includes(word));
  let cli: Cli;
  try {
    const loaded = requireWithCodeCache(bundle, { folder: path.join(dataDir(), 'cache'), purpose: named ? word : 'other' });
    cli = loaded.exports as Cli;
    if (named && !args.some((a) => a === '--help' || a === '-h')) {
      process.once('exit', (code) => {
        if (code <= 1) loaded.save();
      });
    }
  } catch (err) {
    process.stderr.write(`certbench: cannot start the command line (${String((err as Error)?.message ?? err).split('\n')[0]}); run "npm run build"\n`);
    process.exit(2);
  }
  void cli.run(process.argv);
}

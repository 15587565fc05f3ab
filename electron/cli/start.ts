import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_VERSION } from '../version';

/**
 * dist/cli.cjs, what bin/certbench.cjs loads: answers `--version` without loading anything;
 * `inspect` runs from dist/cli/inspect.cjs (one CommonJS file, electron/cli/inspect-main.ts); every
 * other command from dist/cli/main.mjs, whose command modules are chunks loaded when run
 * (electron/cli/lazy.ts).
 */
type Cli = { run: (argv: string[]) => Promise<void> };

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${APP_VERSION}\n`);
} else if (args[0] === 'inspect') {
  // A CommonJS require, not import(): no ES module loader to start for the one file.
  void (createRequire(__filename)(path.join(__dirname, 'cli', 'inspect.cjs')) as Cli).run(process.argv);
} else {
  import(pathToFileURL(path.join(__dirname, 'cli', 'main.mjs')).href)
    .then((m: Cli) => m.run(process.argv))
    .catch((err: unknown) => {
      process.stderr.write(`certbench: cannot start the command line (${String((err as Error)?.message ?? err).split('\n')[0]}); run "npm run build"\n`);
      process.exit(2);
    });
}

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_VERSION } from '../version';

/**
 * dist/cli.cjs, what bin/certbench.cjs loads: answers `--version` without loading anything, and
 * otherwise imports the command line (dist/cli/main.mjs), whose commands are chunks of their own
 * loaded when run (electron/cli/cli.ts). ES modules, because esbuild splits chunks only for them.
 */
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${APP_VERSION}\n`);
} else {
  const entry = pathToFileURL(path.join(__dirname, 'cli', 'main.mjs')).href;
  import(entry)
    .then((m: { main: (argv: string[]) => Promise<void> }) => m.main(process.argv))
    .catch((err: unknown) => {
      process.stderr.write(`certbench: cannot start the command line (${String((err as Error)?.message ?? err).split('\n')[0]}); run "npm run build"\n`);
      process.exit(2);
    });
}

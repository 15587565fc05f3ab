import { Command, CommanderError } from 'commander';
import { toErrorData } from '../../shared/errors';
import { APP_VERSION } from '../version';
import type { Services } from '../services/services';
import { installTerminalGuard } from './terminal';
import { EXIT, fail, type CliIo } from './io';

export { EXIT };

/**
 * The `certbench` command line (DESIGN.md "Command line"): every command takes --json (one JSON
 * document on stdout, nothing else); exit 0 on success, 1 when a diagnosis found errors, 2 on bad
 * usage or input with one line per problem on stderr.
 *
 * Start time: the build makes one bundle per command (commands.json; scripts/build.mjs), each with
 * only that command's module, and dist/cli.cjs (start.ts) loads the one the first word names, or the
 * bundle of all of them for help and unknown words. A command that reads nothing of the machine
 * (inspect) is built without the services.
 */
export type Register = (program: Command, io: CliIo) => void;

export interface CommandModule {
  names: string[];
  register: Register;
  /** Reads or changes the machine (stores, trust, keys, network): needs the services. */
  usesMachine: boolean;
}

/** The program with these commands registered (in the order help lists them), over services built on first use. */
export function buildProgram(commands: CommandModule[], machine: (() => Services) | null): Command {
  const program = new Command();
  program
    .name('certbench')
    .description('Client-certificate (mutual TLS) workbench: certificates, stores and keys, probes, diagnosis with fix scripts, bundles, and the UI.')
    .version(APP_VERSION)
    .showHelpAfterError('(run "certbench --help" for usage)')
    .exitOverride();
  let built: Services | null = null;
  const io: CliIo = {
    fail,
    get services(): Services {
      if (!machine) throw new Error('internal: this command was built without the services');
      return (built ??= machine());
    },
  };
  for (const c of commands) c.register(program, io);
  return program;
}

export async function main(argv: string[], commands: CommandModule[], machine: (() => Services) | null): Promise<void> {
  // Every printer writes through this guard: no control character from a certificate, a bundle or a server reaches the terminal.
  installTerminalGuard();
  try {
    await buildProgram(commands, machine).parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are successes; anything else commander rejects is bad usage (exit 2).
      process.exit(err.exitCode === 0 ? 0 : EXIT.usage);
    }
    fail(toErrorData(err).message);
  }
}

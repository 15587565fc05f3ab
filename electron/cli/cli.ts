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
 * Start time: dist/cli.cjs (start.ts) answers --version alone, runs inspect from a bundle without the
 * services, and every other command from one bundle whose command modules are evaluated only when
 * named (lazy.ts, commands.json); both bundles are compiled through V8's code cache (code-cache.ts).
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

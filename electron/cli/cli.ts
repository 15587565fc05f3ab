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
 * Start time: each command's module is loaded only when that command runs (the build splits them
 * into chunks, scripts/build.mjs), and the services (stores, trust, platform adapters) only when the
 * command uses the machine. `--help`, `help` and an unknown command load every module, so help
 * lists them all and commander's "unknown command" still suggests the nearest name.
 */
type Register = (program: Command, io: CliIo) => void;

interface CommandModule {
  names: string[];
  load: () => Promise<Register>;
  /** Reads or changes the machine (stores, trust, keys, network): needs the services. */
  usesMachine: boolean;
}

/** In the order help lists them. */
const COMMANDS: CommandModule[] = [
  { names: ['inspect'], load: () => import('./inspect').then((m) => m.registerInspectCommand), usesMachine: false },
  { names: ['chain'], load: () => import('./chain').then((m) => m.registerChainCommand), usesMachine: true },
  { names: ['stores', 'key', 'grant'], load: () => import('./stores').then((m) => m.registerStoreCommands), usesMachine: true },
  { names: ['lab'], load: () => import('./lab').then((m) => m.registerLabCommand), usesMachine: true },
  { names: ['probe'], load: () => import('./probe').then((m) => m.registerProbeCommand), usesMachine: true },
  { names: ['diagnose', 'fix'], load: () => import('./diagnose').then((m) => m.registerDiagnoseCommands), usesMachine: true },
  { names: ['bundle', 'open'], load: () => import('./bundle').then((m) => m.registerBundleCommand), usesMachine: true },
  { names: ['serve'], load: () => import('./serve').then((m) => m.registerServeCommand), usesMachine: true },
];

/** The modules a command line needs: the one its first word names, else all of them. */
export function commandModulesFor(argv: string[]): CommandModule[] {
  const word = argv[2];
  const named = COMMANDS.filter((c) => word !== undefined && c.names.includes(word));
  return named.length ? named : COMMANDS;
}

/** The program with the given commands registered (all of them by default), over one lazily built set of services. */
export async function buildProgram(services: () => Promise<() => Services>, modules: CommandModule[] = COMMANDS): Promise<Command> {
  const program = new Command();
  program
    .name('certbench')
    .description('Client-certificate (mutual TLS) workbench: certificates, stores and keys, probes, diagnosis with fix scripts, bundles, and the UI.')
    .version(APP_VERSION)
    .showHelpAfterError('(run "certbench --help" for usage)')
    .exitOverride();
  const registers = await Promise.all(modules.map((m) => m.load()));
  const make = modules.some((m) => m.usesMachine) ? await services() : null;
  let built: Services | null = null;
  const io: CliIo = {
    fail,
    get services(): Services {
      if (!make) throw new Error('this command was loaded without the services');
      return (built ??= make());
    },
  };
  for (const register of registers) register(program, io);
  return program;
}

/** The command line's composition root: this machine's services, built on first use. */
const machineServices = () => import('../services/services').then((m) => () => m.createServices(m.machineDeps()));

export async function main(argv: string[]): Promise<void> {
  // Every printer writes through this guard: no control character from a certificate, a bundle or a server reaches the terminal.
  installTerminalGuard();
  try {
    const program = await buildProgram(machineServices, commandModulesFor(argv));
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are successes; anything else commander rejects is bad usage (exit 2).
      process.exit(err.exitCode === 0 ? 0 : EXIT.usage);
    }
    fail(toErrorData(err).message);
  }
}

import { main, type Register } from './cli';
import commands from './commands.json';

/**
 * dist/cli/commands.cjs: every command but inspect in one CommonJS file, each command's modules
 * evaluated when that command runs (esbuild keeps a dynamic import() lazy inside one bundle), the
 * services only when it uses the machine.
 * Help and a word that names no command load every module, so help lists them all (in the order of
 * commands.json) and commander still suggests the nearest name.
 */
const LOADERS: Record<string, () => Promise<Register>> = {
  inspect: () => import('./inspect').then((m) => m.registerInspectCommand),
  chain: () => import('./chain').then((m) => m.registerChainCommand),
  stores: () => import('./stores').then((m) => m.registerStoreCommands),
  lab: () => import('./lab').then((m) => m.registerLabCommand),
  probe: () => import('./probe').then((m) => m.registerProbeCommand),
  diagnose: () => import('./diagnose').then((m) => m.registerDiagnoseCommands),
  bundle: () => import('./bundle').then((m) => m.registerBundleCommand),
  serve: () => import('./serve').then((m) => m.registerServeCommand),
};

export async function run(argv: string[]): Promise<void> {
  const word = argv[2];
  const named = commands.filter((c) => word !== undefined && c.names.includes(word));
  const chosen = named.length ? named : commands;
  const registers = await Promise.all(chosen.map((c) => LOADERS[c.module]!()));
  const services = chosen.some((c) => c.usesMachine) ? await import('../services/services') : null;
  await main(
    argv,
    chosen.map((c, i) => ({ names: c.names, register: registers[i]!, usesMachine: c.usesMachine })),
    services && (() => services.createServices(services.machineDeps())),
  );
}

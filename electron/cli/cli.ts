import { Command, CommanderError, Option } from 'commander';
import path from 'node:path';
import { formatKeyLine } from '../../shared/cert/containers';
import { oneLine, toErrorData } from '../../shared/errors';
import { formatCertificateText } from '../../shared/cert/format-text';
import { APP_VERSION } from '../version';
import { startHeadless } from '../headless';
import { createHandlers } from '../handlers';
import { createServices, machineDeps, type Services } from '../services/services';
import { writePrivateFile } from '../private-file';
import { forTerminal, installTerminalGuard } from './terminal';
import { inspectCommandFiles } from './inputs';
import { registerChainCommand } from './chain';
import { registerStoreCommands } from './stores';
import { registerLabCommand } from './lab';
import { registerProbeCommand } from './probe';
import { registerDiagnoseCommands } from './diagnose';
import { registerBundleCommand } from './bundle';

/**
 * The `certbench` command line (DESIGN.md "Command line"): every command takes --json (one JSON
 * document on stdout, nothing else); exit 0 on success, 1 when a diagnosis found errors, 2 on bad
 * usage or input with one line per problem on stderr.
 */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

function fail(message: string): never {
  process.stderr.write(`certbench: ${oneLine(message)}\n`);
  process.exit(EXIT.usage);
}

async function inspectCommand(files: string[], opts: { json?: boolean; at?: string; passwordEnv?: string }): Promise<number> {
  const at = opts.at ? new Date(opts.at) : new Date();
  if (Number.isNaN(at.getTime())) fail(`--at: "${opts.at}" is not a date (use ISO 8601, e.g. 2026-01-31T12:00:00Z)`);
  const found = await inspectCommandFiles(files, { at, passwordEnv: opts.passwordEnv, fail });
  const results = opts.json ? found : forTerminal(found);

  const failed = results.filter((r) => r.error);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ checkedAt: at.toISOString(), files: results }, null, 2)}\n`);
  } else {
    const blocks: string[] = [];
    for (const r of results) {
      r.certificates.forEach((c, i) => {
        const title = r.certificates.length > 1 ? `${r.name} (certificate ${i + 1} of ${r.certificates.length})` : r.name;
        blocks.push(formatCertificateText(title, c, at));
      });
      if (r.keys.length) {
        blocks.push([`== ${r.name} (${r.keys.length > 1 ? `${r.keys.length} private keys` : 'private key'})`, ...r.keys.map((k) => `  ${formatKeyLine(k)}`)].join('\n'));
      }
    }
    if (blocks.length) process.stdout.write(`${blocks.join('\n')}\n`);
  }
  for (const r of failed) process.stderr.write(`certbench: ${r.error?.message}\n`);
  return failed.length ? EXIT.usage : EXIT.ok;
}

async function serveCommand(services: Services, opts: { port?: string; json?: boolean; urlFile?: string }): Promise<void> {
  const port = opts.port === undefined ? 0 : Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port: "${opts.port}" is not a port number`);
  const rendererDir = path.join(__dirname, 'renderer');
  let server;
  try {
    server = await startHeadless({ rendererDir, port, handlers: createHandlers(services) });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') fail(`--port: ${port} is already in use on 127.0.0.1`);
    fail(toErrorData(err).message);
  }
  if (opts.urlFile) {
    // For scripts and test runners that start the server and need its tokened URL (owner-only file).
    try {
      writePrivateFile(opts.urlFile, `${server.url}\n`);
    } catch (err) {
      await server.close();
      fail(`--url-file: ${toErrorData(err).message}`);
    }
  }
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ url: server.url, port: server.port, token: server.token })}\n`);
  } else {
    process.stdout.write(
      `Certbench web mode is running on 127.0.0.1 only.\nOpen this address in a browser (it holds this session's access token):\n\n  ${server.url}\n\nPress Ctrl+C to stop.\n`,
    );
  }
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** The program over one set of services (the command line's composition root is main below). */
export function buildProgram(services: Services): Command {
  const program = new Command();
  program
    .name('certbench')
    .description('Client-certificate (mutual TLS) workbench: certificates, stores and keys, probes, diagnosis with fix scripts, bundles, and the UI.')
    .version(APP_VERSION)
    .showHelpAfterError('(run "certbench --help" for usage)')
    .exitOverride();

  program
    .command('inspect')
    .description('show the certificates and private keys in files (PEM, DER, base64, .p7b, .pfx/.p12, key files); keys are matched to certificates across all files given')
    .argument('<file...>', 'certificate, bundle or key files')
    .option('--json', 'print one JSON document on stdout')
    .addOption(new Option('--at <iso-date>', 'judge validity at this moment instead of now'))
    .addOption(new Option('--password-env <VAR>', 'read the PFX or key password from environment variable VAR (never give it on the command line); without it, a terminal prompts'))
    .action(async (files: string[], opts: { json?: boolean; at?: string; passwordEnv?: string }) => {
      process.exitCode = await inspectCommand(files, opts);
    });

  const io = { fail, services };
  registerChainCommand(program, io);
  registerStoreCommands(program, io);
  registerLabCommand(program, io);
  registerProbeCommand(program, io);
  registerDiagnoseCommands(program, io);
  registerBundleCommand(program, io);

  program
    .command('serve')
    .description('start the headless web mode on 127.0.0.1 and print its URL with its token')
    .option('--port <port>', 'port to listen on (default: a free port)')
    .option('--json', 'print {url, port, token} as JSON')
    .option('--url-file <file>', 'also write the URL with its token to this file (mode 600)')
    .action((opts: { port?: string; json?: boolean; urlFile?: string }) => serveCommand(services, opts));

  return program;
}

export async function main(argv: string[]): Promise<void> {
  // Every printer writes through this guard: no control character from a certificate, a bundle or a server reaches the terminal.
  installTerminalGuard();
  const program = buildProgram(createServices(machineDeps()));
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are successes; anything else commander rejects is bad usage (exit 2).
      process.exit(err.exitCode === 0 ? 0 : EXIT.usage);
    }
    fail(toErrorData(err).message);
  }
}

void main(process.argv);

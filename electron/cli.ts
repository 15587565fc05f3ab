import { Command, CommanderError, Option } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import { MAX_INPUT_FILE_BYTES, type InspectedFileResult } from '../shared/contract';
import { inspectFiles, type InspectInput } from '../shared/cert/inspect';
import { formatKeyLine } from '../shared/cert/containers';
import { formatBytes, oneLine, toErrorData } from '../shared/errors';
import { formatCertificateText } from '../shared/cert/format-text';
import { APP_VERSION } from './version';
import { startHeadless } from './headless';
import { CliProgress } from './cli-progress';
import { passwordFromEnv, promptHidden } from './cli-password';
import { registerChainCommand } from './cli-chain';

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

/** Read a file the user named, bounded, with one-line errors for the usual mistakes. */
export function readInputFile(file: string, maxBytes: number): Uint8Array {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`${file}: no such file`);
    if (code === 'EACCES') throw new Error(`${file}: permission denied`);
    throw new Error(`${file}: cannot read (${code ?? 'error'})`);
  }
  if (stat.isDirectory()) throw new Error(`${file}: is a directory, not a certificate file`);
  if (!stat.isFile()) throw new Error(`${file}: is not a regular file`);
  if (stat.size > maxBytes) {
    throw new Error(`${file}: file is ${formatBytes(stat.size)}; certificate files are at most ${formatBytes(maxBytes)}`);
  }
  try {
    return new Uint8Array(fs.readFileSync(file));
  } catch (err) {
    throw new Error(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

async function inspectCommand(files: string[], opts: { json?: boolean; at?: string; passwordEnv?: string }): Promise<number> {
  const at = opts.at ? new Date(opts.at) : new Date();
  if (Number.isNaN(at.getTime())) fail(`--at: "${opts.at}" is not a date (use ISO 8601, e.g. 2026-01-31T12:00:00Z)`);
  let password: string | undefined;
  if (opts.passwordEnv !== undefined) {
    const fromEnv = passwordFromEnv(opts.passwordEnv);
    if ('error' in fromEnv) fail(fromEnv.error);
    password = fromEnv.password;
  }
  const inputs: (InspectInput | InspectedFileResult)[] = [];
  const progress = new CliProgress('inspecting');
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
    const inspected = await inspectFiles(inputs.filter((d): d is InspectInput => 'bytes' in d), at, MAX_INPUT_FILE_BYTES);
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

async function serveCommand(opts: { port?: string; json?: boolean; urlFile?: string }): Promise<void> {
  const port = opts.port === undefined ? 0 : Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port: "${opts.port}" is not a port number`);
  const rendererDir = path.join(__dirname, 'renderer');
  let server;
  try {
    server = await startHeadless({ rendererDir, port });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') fail(`--port: ${port} is already in use on 127.0.0.1`);
    fail(toErrorData(err).message);
  }
  if (opts.urlFile) {
    // For scripts and test runners that start the server and need its tokened URL (owner-only file).
    fs.writeFileSync(opts.urlFile, `${server.url}\n`, { mode: 0o600 });
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

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('certbench')
    .description('Client-certificate (mutual TLS) workbench: inspect certificates, serve the UI.')
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

  registerChainCommand(program, { readInputFile, fail });

  program
    .command('serve')
    .description('start the headless web mode on 127.0.0.1 and print its URL with its token')
    .option('--port <port>', 'port to listen on (default: a free port)')
    .option('--json', 'print {url, port, token} as JSON')
    .option('--url-file <file>', 'also write the URL with its token to this file (mode 600)')
    .action(serveCommand);

  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
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

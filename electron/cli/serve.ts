import path from 'node:path';
import type { Command } from 'commander';
import { toErrorData } from '../../shared/errors';
import { startHeadless } from '../headless';
import { createHandlers } from '../handlers';
import { writePrivateFile } from '../private-file';
import type { Services } from '../services/services';
import type { CliIo } from './io';

/** Where the built renderer sits: dist/renderer, beside the folder of the CLI's chunks (dist/cli/). */
export function rendererDir(): string {
  return path.join(__dirname, '..', 'renderer');
}

async function serveCommand(services: Services, opts: { port?: string; json?: boolean; urlFile?: string }, fail: CliIo['fail']): Promise<void> {
  const port = opts.port === undefined ? 0 : Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port: "${opts.port}" is not a port number`);
  let server;
  try {
    server = await startHeadless({ rendererDir: rendererDir(), port, handlers: createHandlers(services) });
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

export function registerServeCommand(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description('start the headless web mode on 127.0.0.1 and print its URL with its token')
    .option('--port <port>', 'port to listen on (default: a free port)')
    .option('--json', 'print {url, port, token} as JSON')
    .option('--url-file <file>', 'also write the URL with its token to this file (mode 600)')
    .action((opts: { port?: string; json?: boolean; urlFile?: string }) => serveCommand(io.services, opts, io.fail));
}

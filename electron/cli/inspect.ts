import { Option, type Command } from 'commander';
import { formatKeyLine } from '../../shared/cert/containers';
import { formatCertificateText } from '../../shared/cert/format-text';
import { forTerminal } from './terminal';
import { inspectCommandFiles } from './inputs';
import { EXIT, type CliIo } from './io';

/** `certbench inspect FILE...`: what is in certificate, PFX, P7B and key files (no services: nothing of the machine is read). */
async function inspectCommand(files: string[], opts: { json?: boolean; at?: string; passwordEnv?: string }, fail: CliIo['fail']): Promise<number> {
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

export function registerInspectCommand(program: Command, io: Pick<CliIo, 'fail'>): void {
  program
    .command('inspect')
    .description('show the certificates and private keys in files (PEM, DER, base64, .p7b, .pfx/.p12, key files); keys are matched to certificates across all files given')
    .argument('<file...>', 'certificate, bundle or key files')
    .option('--json', 'print one JSON document on stdout')
    .addOption(new Option('--at <iso-date>', 'judge validity at this moment instead of now'))
    .addOption(new Option('--password-env <VAR>', 'read the PFX or key password from environment variable VAR (never give it on the command line); without it, a terminal prompts'))
    .action(async (files: string[], opts: { json?: boolean; at?: string; passwordEnv?: string }) => {
      process.exitCode = await inspectCommand(files, opts, io.fail);
    });
}

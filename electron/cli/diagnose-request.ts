import path from 'node:path';
import { Option, type Command } from 'commander';
import { DiagnoseRequestSchema, MAX_INPUT_FILE_BYTES, type DiagnoseInput, type ProbeFile } from '../../shared/contract';
import { toErrorData } from '../../shared/errors';
import { checkInputFile, readInputFile } from '../services/input-file';
import { passwordFromEnv } from './password';

/**
 * The options every command that gathers a diagnosis takes (`diagnose`, `fix`, `bundle`), and the
 * diagnosis they ask for: one definition so the three read the same flags the same way. Files are
 * read here as bytes and handed on as bytes; the rest is checked by the contract's own schema.
 */
export interface DiagnoseCliOptions {
  cert?: string;
  key?: string;
  thumbprint?: string;
  via?: string;
  passwordEnv?: string;
  identity?: string;
  attach?: string[];
  live?: boolean;
  timeout?: string;
  /** false with --no-revocation. */
  revocation?: boolean;
  revocationTimeout?: string;
}

export function addDiagnoseOptions(command: Command): Command {
  return command
    .option('--cert <file>', 'the client certificate: a .pfx/.p12, or a PEM/DER certificate (key in it or in --key)')
    .option('--key <file>', 'the private key of --cert when it is in a file of its own')
    .option('--thumbprint <sha1>', 'the client certificate from the local stores or added folders')
    .option('--via <client>', 'who presents a --thumbprint certificate to the server: "certbench" or "powershell" (.NET SslStream, Schannel on Windows, keys Windows holds); default: PowerShell on Windows when the key is not a file')
    .addOption(new Option('--password-env <VAR>', 'read the PFX or key password from environment variable VAR (never give it on the command line)'))
    .option('--identity <name>', 'the account that must read the private key: "IIS AppPool\\Shop", "NT AUTHORITY\\NETWORK SERVICE", www-data, group:ssl-cert')
    .option('--attach <file...>', 'server evidence files, recognised by content: netsh http show sslcert output, applicationHost.config, web.config, W3C logs, registry exports, Schannel event exports')
    .option('--no-live', "do not read this machine's IIS / HTTP.SYS / Schannel configuration (Windows)")
    .option('--timeout <ms>', 'bound on the probe, 1000 to 120000 ms', '15000')
    .option('--no-revocation', "do not check the client certificate's chain against its CRL and OCSP addresses")
    .option('--revocation-timeout <sec>', 'seconds to wait for each CRL or OCSP address (default 15)');
}

/** Build the diagnosis input; every problem is one line through `fail` (exit 2). */
export function diagnoseRequest(url: string | undefined, opts: DiagnoseCliOptions, fail: (message: string) => never): DiagnoseInput {
  if (opts.key && !opts.cert) fail('--key needs --cert (the certificate the key belongs to)');
  if (opts.thumbprint && opts.cert) fail('give either --cert or --thumbprint, not both');
  if (opts.via !== undefined && opts.via !== 'certbench' && opts.via !== 'powershell') fail(`--via: "${opts.via}" is not certbench or powershell`);
  if (opts.via === 'powershell' && !opts.thumbprint) fail('--via powershell presents a certificate of the personal store: give --thumbprint');
  let password: string | undefined;
  if (opts.passwordEnv !== undefined) {
    const fromEnv = passwordFromEnv(opts.passwordEnv);
    if ('error' in fromEnv) fail(fromEnv.error);
    password = fromEnv.password;
  }
  const timeoutMs = Number(opts.timeout ?? 15_000);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1_000 || timeoutMs > 120_000) fail(`--timeout: "${opts.timeout}" is not a number of milliseconds between 1000 and 120000`);
  const revocationSec = opts.revocationTimeout === undefined ? undefined : Number(opts.revocationTimeout);
  if (revocationSec !== undefined && !(revocationSec > 0 && revocationSec <= 300)) fail(`--revocation-timeout: "${opts.revocationTimeout}" is not a number of seconds between 0 and 300`);
  let thumbprint: string | undefined;
  if (opts.thumbprint) {
    thumbprint = opts.thumbprint.replace(/[\s:]/g, '').toUpperCase();
    if (!/^[0-9A-F]{40}$/.test(thumbprint)) fail(`--thumbprint: "${opts.thumbprint}" is not a SHA-1 thumbprint (40 hex digits)`);
  }
  const upload = (file: string): ProbeFile => {
    try {
      const bytes = readInputFile(file, MAX_INPUT_FILE_BYTES);
      return { fileName: file, bytes, ...(password !== undefined ? { password } : {}) };
    } catch (err) {
      return fail(toErrorData(err).message);
    }
  };
  const attachments = (opts.attach ?? []).map((file) => {
    // Attachments go by path so a log of hundreds of MB is streamed, not read into memory here.
    const full = path.resolve(file);
    try {
      checkInputFile(full, { directoryHint: '; attach the files in it' });
    } catch (err) {
      fail(`--attach ${toErrorData(err).message}`);
    }
    return { name: path.basename(file), path: full };
  });
  const clientCertificate = opts.cert ? upload(opts.cert) : undefined;
  const keyFile = opts.key ? upload(opts.key) : undefined;
  const checked = DiagnoseRequestSchema.safeParse({
    ...(url ? { url } : {}),
    ...(thumbprint ? { thumbprint } : {}),
    ...(opts.via === 'certbench' || opts.via === 'powershell' ? { via: opts.via } : {}),
    ...(opts.identity ? { identity: opts.identity } : {}),
    attachments,
    live: opts.live !== false,
    timeoutMs,
    ...(opts.revocation === false ? { revocation: false } : {}),
    ...(revocationSec !== undefined ? { revocationTimeoutMs: Math.round(revocationSec * 1000) } : {}),
  });
  if (!checked.success) return fail(checked.error.issues[0]?.message ?? 'bad request');
  return { ...checked.data, ...(clientCertificate ? { clientCertificate } : {}), ...(keyFile ? { keyFile } : {}) };
}

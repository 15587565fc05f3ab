import type { Command } from 'commander';
import type { Res } from '../../shared/contract';
import { MAX_INPUT_FILE_BYTES } from '../../shared/input-limits';
import { CertbenchError, oneLine, toErrorData } from '../../shared/errors';
import type { ProbeAttempt, ProbeResult } from '../../shared/model/probe';
import { alertText, caNamesText, clientAuthText, clientCertificateFate, groupedNumber, httpText, packetListRows, probeClientText, probeTargetText, serverChainLines, sslStreamLines, timelineHeader } from '../../shared/probe/report-lines';
import { readInputFile } from './inputs';
import { passwordFromEnv, promptHidden } from './password';
import { CliProgress } from './progress';
import type { CredentialInput } from '../services/probe/client-cert';
import { DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS, MIN_TIMEOUT_MS, runProbe, type TlsChoice } from '../services/probe/probe';
import type { ClientCredential } from '../services/probe/attempt';
import type { Services } from '../services/services';
import { quietWork } from '../services/work';
import { forTerminal } from './terminal';
import { requirePowerShell, storeClient, type ProbeVia } from '../services/probe/choose-client';
import { ONCE_WITH_POWERSHELL } from '../services/probe/plan';

/**
 * `certbench probe <https-url> [--cert FILE] [--key FILE] [--password-env VAR] [--tls 1.2|1.3]
 * [--timeout MS] [--json]` (DESIGN.md "Command line"): how the server asks for a client certificate,
 * as a packet list like the field's Wireshark notes, with the CA names against the 16 KB limit, the
 * HTTP status, alerts and findings. Exit 1 when a finding is an error, 2 on bad input or when the
 * server could not be observed (unreachable, timeout, not TLS), with one line on stderr.
 */
export function registerProbeCommand(program: Command, io: { fail: (message: string) => never; services: Services }): void {
  const { services } = io;
  program
    .command('probe')
    .description('connect to an https URL and show how the server asks for a client certificate (handshake, renegotiation, TLS 1.3 post-handshake, never), the CA names it sends, and what it answers')
    .argument('<https-url>', 'the URL of the protected page, e.g. https://intranet.contoso.com/secure/')
    .option('--cert <file>', 'present this client certificate too: a .pfx/.p12, or a PEM/DER certificate (key in it or in --key)')
    .option('--key <file>', 'the private key of --cert when it is in a file of its own')
    .option('--thumbprint <sha1>', 'present this certificate from the local stores or added folders (its key must be a file Certbench can read), or with --via powershell from the personal store (Cert:\\CurrentUser\\My, LocalMachine\\My) with its key where it lives')
    .option('--via <client>', 'who presents the certificate: "certbench" (its own client, default) or "powershell" (.NET SslStream in PowerShell: Schannel on Windows, any key Windows can use, exportable or not); Certbench\'s own client still makes the attempts without a certificate')
    .option('--password-env <VAR>', 'read the PFX or key password from environment variable VAR')
    .option('--tls <version>', 'probe only TLS 1.2 or only TLS 1.3 (default: the default connection, TLS 1.2 and TLS 1.3 forced)')
    .option('--once', 'make exactly one connection (the default one, or the --tls version; presenting --cert when given): for runbooks that must not knock twice')
    .option('--timeout <ms>', `bound on the whole probe in milliseconds (${MIN_TIMEOUT_MS}-${MAX_TIMEOUT_MS}, default ${DEFAULT_TIMEOUT_MS})`)
    .option('--json', 'print one JSON document on stdout')
    .action(async (url: string, opts: { cert?: string; key?: string; thumbprint?: string; via?: string; passwordEnv?: string; tls?: string; once?: boolean; timeout?: string; json?: boolean }) => {
      if (opts.via !== undefined && opts.via !== 'certbench' && opts.via !== 'powershell') io.fail(`--via: "${opts.via}" is not certbench or powershell`);
      if (opts.via === 'powershell' && opts.cert) io.fail('--via powershell presents a certificate from the personal store: give --thumbprint (import the PFX into Cert:\\CurrentUser\\My first), or drop --via to present the file with Certbench\'s client');
      if (opts.tls !== undefined && opts.tls !== '1.2' && opts.tls !== '1.3') io.fail(`--tls: "${opts.tls}" is not 1.2 or 1.3`);
      const timeout = opts.timeout === undefined ? DEFAULT_TIMEOUT_MS : Number(opts.timeout);
      if (!Number.isInteger(timeout) || timeout < MIN_TIMEOUT_MS || timeout > MAX_TIMEOUT_MS) {
        io.fail(`--timeout: "${opts.timeout}" must be a whole number of milliseconds from ${MIN_TIMEOUT_MS} to ${MAX_TIMEOUT_MS}`);
      }
      if (opts.key && !opts.cert) io.fail('--key needs --cert (the certificate the key belongs to)');
      let password: string | undefined;
      if (opts.passwordEnv !== undefined) {
        const fromEnv = passwordFromEnv(opts.passwordEnv);
        if ('error' in fromEnv) io.fail(fromEnv.error);
        password = fromEnv.password;
      }
      if (opts.thumbprint && opts.cert) io.fail('give either --cert or --thumbprint, not both');
      const thumbprint = opts.thumbprint === undefined ? null : thumbprintOf(opts.thumbprint, io.fail);
      const via: ProbeVia = opts.via === 'powershell' ? 'powershell' : opts.via === 'certbench' ? 'certbench' : 'auto';
      let client: ClientCredential | null = null;
      let sslStreamThumbprint: string | null = null;
      let useSslStream = via === 'powershell';
      if (opts.cert) client = await credential(opts.cert, opts.key, password, io.fail);
      else if (thumbprint) {
        try {
          const chosen = await storeClient(thumbprint, via, password, () => listedCertificates(services), '--thumbprint');
          if (chosen.kind === 'credential') client = chosen.credential;
          else {
            sslStreamThumbprint = chosen.thumbprint;
            useSslStream = true;
            if (via === 'auto') process.stderr.write(`certbench: note: ${thumbprint}: ${chosen.why}\n`);
          }
        } catch (err) {
          io.fail(toErrorData(err).message);
        }
      }
      if (useSslStream && opts.once) io.fail(ONCE_WITH_POWERSHELL);
      if (useSslStream) {
        try {
          requirePowerShell();
        } catch (err) {
          io.fail(toErrorData(err).message);
        }
      }
      const runner = services.deps.runner;
      const trust = await services.trust.roots();
      // The local stores are read while the probe waits on the network, for the offers below (settled before they start, never twice).
      const stores = services.stores.listing(quietWork(), { refresh: false, judge: false }).catch(() => undefined);

      const progress = new CliProgress('probing');
      let result: ProbeResult;
      try {
        result = await runProbe({
          url,
          tls: (opts.tls as TlsChoice | undefined) ?? 'both',
          once: opts.once === true,
          timeoutMs: timeout,
          client,
          ...(useSslStream ? { sslStream: { thumbprint: sslStreamThumbprint, runner } } : {}),
          knownCertificates: trust.items.map((i) => i.der),
          trust: trust.items,
          onProgress: (done, total, label) => {
            if (label !== 'done') progress.update(done + 1, total, label);
          },
        });
      } catch (err) {
        progress.done();
        io.fail(toErrorData(err).message);
      }
      progress.done();

      // Which local certificates would be offered to this server (stores and user folders).
      let offers: Res<'probe:offers'> | null = null;
      if (!result.error && result.clientAuth.mode !== 'none') {
        try {
          await stores;
          offers = await services.probe.offers(result.clientAuth.certificateRequest, [], quietWork());
        } catch (err) {
          process.stderr.write(`certbench: note: local certificates not matched: ${toErrorData(err).message}\n`);
        }
      }
      process.stdout.write(opts.json ? `${JSON.stringify({ ...result, offers }, null, 2)}\n` : formatProbe(forTerminal(result)) + (offers ? formatOffers(forTerminal(offers)) : ''));
      if (result.error) {
        process.stderr.write(`certbench: ${oneLine(result.error)}\n`);
        process.exitCode = 2;
      } else if (result.findings.some((f) => f.severity === 'error')) process.exitCode = 1;
    });
}

function thumbprintOf(text: string, fail: (m: string) => never): string {
  const wanted = text.replace(/[\s:]/g, '').toUpperCase();
  if (!/^[0-9A-F]{40}$/.test(wanted)) fail(`--thumbprint: "${text}" is not a SHA-1 thumbprint (40 hex digits)`);
  return wanted;
}

/** Every certificate of the local stores and added folders, listed afresh. */
async function listedCertificates(services: Services) {
  const { listing: l } = await services.stores.listing(quietWork(), { refresh: true });
  return l.certificates;
}

async function credential(certPath: string, keyPath: string | undefined, password: string | undefined, fail: (m: string) => never): Promise<ClientCredential> {
  const read = (file: string): CredentialInput => {
    try {
      return { fileName: file, bytes: readInputFile(file, MAX_INPUT_FILE_BYTES), password };
    } catch (err) {
      fail(toErrorData(err).message);
    }
  };
  const cert = read(certPath);
  const key = keyPath ? read(keyPath) : undefined;
  // node-forge (PKCS#12) loads only when a certificate is presented: a probe without one never compiles it.
  const { loadClientCredential } = await import('../services/probe/client-cert');
  try {
    return await loadClientCredential(cert, key);
  } catch (err) {
    // A PFX or key that needs a password none was given for: ask on a terminal (never when scripted).
    const needs = err instanceof CertbenchError && err.code === 'password-required';
    if (needs && password === undefined && process.stdin.isTTY && process.stderr.isTTY) {
      const typed = await promptHidden(`Password for ${keyPath && !/\.(pfx|p12)$/i.test(certPath) ? keyPath : certPath}: `);
      if (typed !== null) {
        try {
          return await loadClientCredential({ ...cert, password: typed }, key ? { ...key, password: typed } : undefined);
        } catch (again) {
          fail(toErrorData(again).message);
        }
      }
    }
    fail(toErrorData(err).message);
  }
}

/** The local certificates a browser would offer, and why not the others. */
export function formatOffers(o: Res<'probe:offers'>): string {
  const lines = ['', `Local certificates: ${o.summary}`];
  for (const d of o.decisions) {
    lines.push(`  [${d.wouldOffer ? 'offered' : 'not offered'}] ${d.commonName ?? d.subject}  (${d.source}, ${d.thumbprint})${d.matchedCa ? `  matches CA "${d.matchedCa}"` : ''}`);
    for (const r of d.reasons) lines.push(`      - ${r}`);
    for (const n of d.notes ?? []) lines.push(`      note: ${n}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The text report: per attempt a packet list grouped by TCP segment, then the request, status and findings. */
export function formatProbe(r: ProbeResult): string {
  const lines: string[] = [];
  lines.push(`Probe of ${probeTargetText(r.target)}`);
  if (r.summary) lines.push(r.summary);
  if (r.error) lines.push(`Error: ${r.error}`);
  for (const a of r.attempts) lines.push('', ...formatAttempt(a));
  lines.push(...serverChainLines(r.serverCertificates, r.serverChain));
  lines.push('', clientAuthText(r.clientAuth));
  if (r.findings.length) {
    lines.push('', 'Findings:');
    for (const f of r.findings) {
      lines.push(`  [${f.severity}] ${f.id}: ${f.title}`);
      lines.push(...wrap(f.detail, 100).map((l) => `      ${l}`));
      for (const e of f.evidence.slice(0, 6)) lines.push(`      - ${e.kind}: ${e.text}`);
    }
  } else {
    lines.push('', 'Findings: none');
  }
  return `${lines.join('\n')}\n`;
}

function formatAttempt(a: ProbeAttempt): string[] {
  const head = [a.tls.version ?? 'no TLS', a.tls.cipher, httpText(a.http), a.durationMs !== undefined ? `${a.durationMs} ms` : null].filter(Boolean).join(' | ');
  const out = [`== ${a.label}: ${head}`];
  // An answer the first connection already gave: said once, not printed again.
  if (a.reused) return [...out, `  ${a.reused.note}; its answer above stands for this one.`];
  if (a.client === 'powershell' || a.client === 'certbench-tls13') out.push(`  Client: ${probeClientText(a)}`);
  if (a.timeline.length) out.push(timelineHeader(a), ...packetListRows(a.timeline));
  const cr = a.clientAuth.certificateRequest;
  out.push(`  ${clientAuthText(a.clientAuth)}`);
  if (cr) {
    out.push(`  ${caNamesText(cr)}`);
    for (const n of cr.caNames.slice(0, 20)) out.push(`    ${n}`);
    if (cr.caNames.length > 20) out.push(`    ... and ${groupedNumber(cr.caNames.length - 20)} more (--json lists them all)`);
    if (cr.certificateTypes.length) out.push(`  Certificate types: ${cr.certificateTypes.join(', ')}`);
    if (cr.signatureAlgorithms.length) out.push(`  Signature algorithms: ${cr.signatureAlgorithms.join(', ')}`);
  }
  for (const al of a.alerts) out.push(`  ${alertText(al)}`);
  if (a.clientCertificate.thumbprint) out.push(`  Client certificate ${a.clientCertificate.thumbprint}: ${clientCertificateFate(a.clientCertificate, 'REJECTED')}`);
  if (a.sslStream) out.push(...sslStreamLines(a.sslStream));
  // When the connection ended by its error, the error is the ending: said once.
  if (a.error !== a.ending) out.push(`  Ending: ${a.ending}`);
  if (a.error) out.push(`  Error: ${a.error}`);
  return out;
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}

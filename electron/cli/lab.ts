import { type Command, Option } from 'commander';
import { LAB_SCENARIOS, type LabScenarioName, type LabState } from '../../shared/model/lab';
import { toErrorData } from '../../shared/errors';
import type { Services } from '../services/services';
import { CliProgress } from './progress';

/**
 * `certbench lab [--scenario NAME ...] [--json]`: start the built-in lab (local mTLS servers that
 * ask for a client certificate the ways the field does), print each scenario's URL and what it
 * shows, the client PFX and its password, and keep running until Ctrl+C, which stops every server.
 */
export function registerLabCommand(program: Command, io: { fail: (message: string) => never; services: Services }): void {
  program
    .command('lab')
    .description('start local mTLS test servers (handshake, renegotiation, TLS 1.3 post-handshake, CA list > 16 KB, empty CA list, CA list without the issuer, revocation with CRLs and OCSP) and a test client certificate; Ctrl+C stops them')
    .addOption(new Option('--scenario <name...>', `scenarios to start (default: all): ${LAB_SCENARIOS.join(', ')}`))
    .option('--json', 'print the lab (URLs, PFX path and password, CA files) as one JSON document, then keep running')
    .action(async (opts: { scenario?: string[]; json?: boolean }) => {
      const names = (opts.scenario ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
      for (const n of names) {
        if (!(LAB_SCENARIOS as readonly string[]).includes(n)) io.fail(`--scenario: "${n}" is not a lab scenario (choose from ${LAB_SCENARIOS.join(', ')})`);
      }
      const progress = new CliProgress('starting the lab');
      const lab = await io.services.lab();
      let state: LabState;
      try {
        state = await lab.start(names as LabScenarioName[], (done, total, label) => progress.update(done, total, label));
      } catch (err) {
        progress.done();
        io.fail(`lab: ${toErrorData(err).message}`);
      }
      progress.done();
      process.stdout.write(opts.json ? `${JSON.stringify(state, null, 2)}\n` : formatLab(state));

      let stopping = false;
      const stop = () => {
        if (stopping) return;
        stopping = true;
        void lab.stop().then(() => {
          if (!opts.json) process.stderr.write('certbench: lab stopped\n');
          process.exit(0);
        });
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      // Keep the process alive while the servers run (they hold the event loop anyway; this is explicit).
      await new Promise<void>(() => undefined);
    });
}

/** The lab in words: one block per scenario, then the client certificate and the CA files. */
export function formatLab(state: LabState): string {
  const lines = ['Certbench lab: local test servers on 127.0.0.1 that ask for a client certificate the ways real servers do.', ''];
  const width = Math.max(...state.scenarios.map((s) => s.name.length), 8);
  for (const s of state.scenarios) {
    const head = `  ${s.name.padEnd(width)}  `;
    lines.push(`${head}${s.available ? s.url : 'unavailable'}`);
    const indent = ' '.repeat(head.length);
    lines.push(`${indent}${s.title}. ${s.demonstrates}`);
    if (s.caNames || s.name === 'empty-ca-list') lines.push(`${indent}CA names sent: ${s.caNames} (${s.caNamesBytes.toLocaleString('en-US')} bytes). Server: ${s.server}.`);
    if (!s.available && s.reason) lines.push(`${indent}Why unavailable: ${s.reason}`);
    lines.push('');
  }
  if (state.clientPfx) {
    lines.push(`Client certificate (${state.clientPfx.subject}):`);
    lines.push(`  PFX       ${state.clientPfx.path}`);
    lines.push(`  password  ${state.clientPfx.password}`);
  }
  if (state.clientFiles) lines.push(`  PEM       ${state.clientFiles.certificate} and ${state.clientFiles.key}`);
  if (state.caFiles) {
    lines.push('CA certificates (import the root as trusted to make the servers trusted):');
    lines.push(`  root          ${state.caFiles.root}`);
    lines.push(`  intermediate  ${state.caFiles.intermediate}`);
    lines.push(`  unrelated CA  ${state.caFiles.otherCa} (the only name the wrong-ca-list server sends)`);
  }
  if (state.revocation) {
    lines.push('', `Revocation lab (CRLs and OCSP at ${state.revocation.crlOcspUrl}; CA files ${state.revocation.root} and ${state.revocation.ca}):`);
    for (const c of state.revocation.cases) lines.push(`  ${c.name.padEnd(14)}  ${c.chain}  (${c.says})`);
    lines.push(`  Try: certbench chain ${state.revocation.cases[1]?.chain ?? '<case>-chain.pem'} --trust ${state.revocation.root} --revocation`);
  }
  lines.push('', 'Try: certbench probe <URL> --cert <PFX> --password-env VAR, or openssl s_client -connect 127.0.0.1:<port> -enable_pha -msg', 'Press Ctrl+C to stop the lab.', '');
  return lines.join('\n');
}

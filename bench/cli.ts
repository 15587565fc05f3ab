import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { toPem } from '../shared/cert/containers/text';
import { generateCertificates } from './generate';
import { sClient, startOpensslServer } from './probe';
import { median, round, type BenchResult } from './result';

/**
 * The command line's answers as a person at a terminal waits for them: each figure is the wall time
 * of a whole `node bin/certbench.cjs ...` process (start, load, work, exit), against `node -e 0`
 * (Node starting and exiting, nothing loaded) measured alternately in the same run, median of N.
 * The probe figures also give the ratio to `openssl s_client` doing the same handshake and request
 * to the same local `openssl s_server` (process start included on both sides).
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'bin', 'certbench.cjs');

function timeProcess(args: string[], env: NodeJS.ProcessEnv, expectCode: number[] = [0]): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  const ms = performance.now() - started;
  if (!expectCode.includes(r.status ?? -1)) throw new Error(`node ${args.join(' ')}: exit ${r.status}: ${String(r.stderr).slice(0, 300)}`);
  return ms;
}

/** Medians of each command and of `node -e 0`, run alternately so load on the machine hits both. */
function alternate<K extends string>(commands: Record<K, () => number>, rounds: number): Record<K | 'node', number> {
  const env = { ...process.env };
  const runs: Record<string, number[]> = { node: [] };
  for (const name of Object.keys(commands)) runs[name] = [];
  for (let i = 0; i < rounds; i++) {
    runs.node!.push(timeProcess(['-e', '0'], env));
    for (const [name, run] of Object.entries<() => number>(commands)) runs[name]!.push(run());
  }
  return Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, median(v)])) as Record<K | 'node', number>;
}

async function sClientMedian(port: number, extra: string[], rounds: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) times.push(await sClient(port, extra));
  return median(times);
}

const versusNode = 'node -e 0 (Node starting and exiting), alternated in the same run';

export async function benchCli(progress: (m: string) => void, rounds = 15): Promise<BenchResult[]> {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'cli.cjs'))) throw new Error('dist/cli.cjs is missing: run "npm run build" first');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-bench-cli-'));
  // A data folder of its own, warmed by one run first: the figures are the second and later runs
  // (the trust reading and each command's compiled code cached); probe.tls13-first-run is a run with
  // an empty data folder, as right after installing or upgrading.
  const env = { ...process.env, CERTBENCH_DATA_DIR: path.join(dir, 'data'), NO_COLOR: '1' };
  const pem = path.join(dir, 'one.pem');
  fs.writeFileSync(pem, toPem('CERTIFICATE', (await generateCertificates(1))[0]!));
  const server = await startOpensslServer();
  try {
    const url = `https://localhost:${server.port}/`;
    const cmd = (args: string[]) => () => timeProcess([CLI, ...args], env, [0, 1]);
    let fresh = 0;
    const firstRun = (args: string[]) => () => {
      const data = path.join(dir, `empty-${fresh++}`);
      const ms = timeProcess([CLI, ...args], { ...env, CERTBENCH_DATA_DIR: data }, [0, 1]);
      fs.rmSync(data, { recursive: true, force: true });
      return ms;
    };
    const commands = {
      version: cmd(['--version']),
      inspect: cmd(['inspect', pem]),
      tls13: cmd(['probe', url, '--tls', '1.3']),
      probe: cmd(['probe', url]),
      tls13First: firstRun(['probe', url, '--tls', '1.3']),
    };
    for (const run of Object.values(commands)) run();
    progress(`cli: ${rounds} runs each of certbench --version, inspect, probe --tls 1.3 (cached and first run), probe, and node -e 0, alternating...`);
    const m = alternate(commands, rounds);
    const s13 = await sClientMedian(server.port, ['-tls1_3'], rounds);
    const sDefault = await sClientMedian(server.port, [], rounds);
    const fig = (name: string, value: number, unit: string, target: string, note: string): BenchResult => ({
      name,
      value: round(value),
      unit,
      baseline: versusNode,
      baselineValue: round(m.node),
      ratio: round(value / m.node),
      target,
      note,
    });
    return [
      fig('cli.version', m.version, `ms median of ${rounds}: certbench --version, whole process`, '<= 1.5', 'answered by dist/cli.cjs before any command module loads'),
      fig('cli.inspect', m.inspect, `ms median of ${rounds}: certbench inspect of one PEM certificate, whole process`, '<= 1.5', 'dist/cli/inspect.cjs only (no services, no zod, no probe), its compiled code from the cache'),
      fig('probe.tls13', m.tls13, `ms median of ${rounds}: certbench probe --tls 1.3 of a local openssl s_server asking for a client certificate`, '<= 3',
        `${round(m.tls13 / s13)}x openssl s_client -tls1_3 doing the same handshake and GET (${round(s13)} ms)`),
      fig('probe.default', m.probe, `ms median of ${rounds}: certbench probe (default connection, then only the versions it did not answer) of the same server`, '<= 4',
        `${round(m.probe / sDefault)}x one openssl s_client run doing the default handshake and GET (${round(sDefault)} ms)`),
      fig('probe.tls13-first-run', m.tls13First, `ms median of ${rounds}: certbench probe --tls 1.3 with an empty data folder each time (no compiled-code cache, trust bundle decoded)`, 'reference only',
        `what the first run after installing or upgrading costs: ${round(m.tls13First - m.tls13)} ms more than a later run`),
    ];
  } finally {
    server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

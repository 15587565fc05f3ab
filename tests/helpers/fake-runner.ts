import type { CommandRecord, CommandRunner } from '../../electron/platform/types';

/**
 * A CommandRunner that replays recorded outputs instead of running anything, for adapter tests on
 * every OS (STYLE.md: parsers tested on recorded output; GitHub Desktop's test-app-shell pattern).
 * Used by the Linux, Windows and macOS adapters' tests alike.
 *
 *   const runner = new FakeRunner()
 *     .on('certutil', ['-L', '-d', 'sql:/db'], { stdout: fs.readFileSync(fixture, 'utf8') })
 *     .on('powershell.exe', (args) => args.includes('-EncodedCommand'), { stdout: '[]' }, { times: 1 });
 *
 * A rule matches by program name and either the exact argument array or a predicate. Rules are
 * tried in the order given; a rule with `times` is used that many times, then skipped (so a
 * sequence "before, after" of the same command is two rules with times: 1). A command no rule
 * matches returns a record with error "fake runner: no recorded output for ..." and is listed in
 * `unmatched`, so a test can assert that nothing unexpected ran.
 */
export interface FakeResponse {
  stdout?: string;
  stderr?: string;
  /** Default 0. null with `error` simulates a command that could not start or timed out. */
  exitCode?: number | null;
  error?: string | null;
  durationMs?: number;
}

type ArgsMatcher = string[] | ((args: string[], input: string | undefined) => boolean);

interface Rule {
  file: string;
  args: ArgsMatcher;
  response: FakeResponse | ((args: string[], input: string | undefined) => FakeResponse);
  remaining: number;
}

export class FakeRunner implements CommandRunner {
  readonly calls: { file: string; args: string[]; input: string | undefined; timeoutMs: number; env: Record<string, string> | undefined }[] = [];
  readonly unmatched: { file: string; args: string[] }[] = [];
  private readonly rules: Rule[] = [];

  /** Replay a set of records as they were captured (e.g. from a diagnostic bundle's commands/). */
  static fromRecords(records: CommandRecord[]): FakeRunner {
    const runner = new FakeRunner();
    for (const r of records) {
      runner.on(r.file, r.args, { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode, error: r.error, durationMs: r.durationMs }, { times: 1 });
    }
    return runner;
  }

  on(file: string, args: ArgsMatcher, response: Rule['response'], options: { times?: number } = {}): this {
    this.rules.push({ file, args, response, remaining: options.times ?? Number.POSITIVE_INFINITY });
    return this;
  }

  async run(
    file: string,
    args: string[],
    options: { timeoutMs: number; input?: string; maxOutputBytes?: number; env?: Record<string, string> },
  ): Promise<CommandRecord> {
    this.calls.push({ file, args: [...args], input: options.input, timeoutMs: options.timeoutMs, env: options.env });
    const rule = this.rules.find((r) => r.remaining > 0 && r.file === file && matches(r.args, args, options.input));
    if (!rule) {
      this.unmatched.push({ file, args: [...args] });
      return { file, args: [...args], exitCode: null, stdout: '', stderr: '', durationMs: 0, error: `fake runner: no recorded output for ${file} ${JSON.stringify(args)}` };
    }
    rule.remaining -= 1;
    const r = typeof rule.response === 'function' ? rule.response(args, options.input) : rule.response;
    return {
      file,
      args: [...args],
      exitCode: r.exitCode === undefined ? 0 : r.exitCode,
      stdout: r.stdout ?? '',
      stderr: r.stderr ?? '',
      durationMs: r.durationMs ?? 1,
      error: r.error ?? null,
    };
  }

  /** Calls as "file arg arg" lines, handy for toEqual on the exact commands an adapter ran. */
  commandLines(): string[] {
    return this.calls.map((c) => [c.file, ...c.args].join(' '));
  }
}

function matches(matcher: ArgsMatcher, args: string[], input: string | undefined): boolean {
  if (typeof matcher === 'function') return matcher(args, input);
  return matcher.length === args.length && matcher.every((a, i) => a === args[i]);
}

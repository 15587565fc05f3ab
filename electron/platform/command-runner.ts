import { execFile } from 'node:child_process';
import type { CommandRecord, CommandRunner } from './types';

/**
 * The one place Certbench runs a program (STYLE.md "Run a command in one place"): execFile with an
 * argument array, never a shell; a timeout; a bound on output so a runaway tool cannot exhaust
 * memory; and every run recorded in a bounded ring for diagnostic bundles (their commands/ folder).
 * Parsers of the output are pure functions elsewhere, tested on recorded output (tests/helpers/fake-runner.ts).
 */

/** Output kept per stream unless the caller asks for more (certutil -a of one certificate is a few KB). */
export const DEFAULT_MAX_OUTPUT_BYTES = 8 * 1024 * 1024;
/** Records kept for bundles; older ones drop out first. */
export const DEFAULT_HISTORY = 200;
/** Characters of each stream kept in the history (the caller still gets the whole output). */
const HISTORY_STREAM_CHARS = 64 * 1024;

/** The real runner: execFile, LC_ALL=C, stdin closed, every run kept in a bounded history. */
export class ExecFileRunner implements CommandRunner {
  private readonly ring: CommandRecord[] = [];

  constructor(
    private readonly options: {
      historySize?: number;
      /** Environment added to every run. LC_ALL=C by default so tools print untranslated, parseable text. */
      baseEnv?: Record<string, string>;
    } = {},
  ) {}

  run(
    file: string,
    args: string[],
    options: { timeoutMs: number; input?: string; maxOutputBytes?: number; env?: Record<string, string> },
  ): Promise<CommandRecord> {
    const started = Date.now();
    const maxBuffer = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    return new Promise((resolve) => {
      let child: ReturnType<typeof execFile>;
      const finish = (record: CommandRecord) => {
        this.remember(record);
        resolve(record);
      };
      try {
        child = execFile(
          file,
          args,
          {
            timeout: options.timeoutMs,
            maxBuffer,
            encoding: 'utf8',
            windowsHide: true,
            shell: false,
            env: { ...process.env, LC_ALL: 'C', LANG: 'C', ...this.options.baseEnv, ...options.env },
          },
          (error, stdout, stderr) => {
            const durationMs = Date.now() - started;
            let exitCode: number | null = 0;
            let problem: string | null = null;
            if (error) {
              const e = error as NodeJS.ErrnoException & { code?: string | number; killed?: boolean; signal?: string | null };
              if (typeof e.code === 'number') exitCode = e.code;
              else exitCode = null;
              if (e.code === 'ENOENT') problem = `${file}: command not found`;
              else if (e.code === 'EACCES') problem = `${file}: permission denied`;
              else if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') problem = `${file}: output exceeded ${maxBuffer} bytes; stopped`;
              else if (e.killed) problem = `${file}: timed out after ${options.timeoutMs} ms`;
              else if (e.signal) problem = `${file}: ended by signal ${e.signal}`;
              // A non-zero exit is not an error of the runner: callers read exitCode and stderr.
            }
            finish({ file, args: [...args], exitCode, stdout: String(stdout ?? ''), stderr: String(stderr ?? ''), durationMs, error: problem });
          },
        );
      } catch (err) {
        finish({ file, args: [...args], exitCode: null, stdout: '', stderr: '', durationMs: Date.now() - started, error: `${file}: cannot start (${(err as Error).message})` });
        return;
      }
      // Always close stdin: a tool that prompts (certutil on a password-protected database) gets EOF
      // instead of waiting for the timeout.
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(options.input ?? '');
    });
  }

  /** The most recent runs, oldest first, with long output cut (for diagnostic bundles). */
  history(): CommandRecord[] {
    return this.ring.map((r) => ({ ...r, args: [...r.args] }));
  }

  private remember(record: CommandRecord): void {
    const cut = (s: string) => (s.length > HISTORY_STREAM_CHARS ? `${s.slice(0, HISTORY_STREAM_CHARS)}\n[... ${s.length - HISTORY_STREAM_CHARS} more characters]` : s);
    this.ring.push({ ...record, args: [...record.args], stdout: cut(record.stdout), stderr: cut(record.stderr) });
    const max = this.options.historySize ?? DEFAULT_HISTORY;
    while (this.ring.length > max) this.ring.shift();
  }
}

/** One line for a command that did not succeed: the runner's problem, else the tool's first stderr line. */
export function commandProblem(record: CommandRecord): string | null {
  if (record.error) return record.error;
  if (record.exitCode === 0) return null;
  const line = record.stderr.split('\n').map((l) => l.trim()).find((l) => l.length > 0);
  return `${record.file} exited with ${record.exitCode}${line ? `: ${line}` : ''}`;
}

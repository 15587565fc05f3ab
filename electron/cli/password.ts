import readline from 'node:readline';
import { Writable } from 'node:stream';

/**
 * Passwords for `certbench inspect` (DESIGN.md: never on the command line): from the environment
 * variable named by --password-env, or typed at a terminal prompt without echo.
 */

/** The value of `--password-env VAR`; an error (string) when the name is bad or the variable unset. */
export function passwordFromEnv(name: string, env: NodeJS.ProcessEnv = process.env): { password: string } | { error: string } {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    return { error: `--password-env: "${name}" is not an environment variable name (give the NAME of a variable that holds the password)` };
  }
  const value = env[name];
  if (value === undefined) return { error: `--password-env: environment variable ${name} is not set` };
  return { password: value };
}

export interface PromptStreams {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Where the question goes (stderr: stdout stays clean for --json). */
  output: NodeJS.WritableStream;
}

/**
 * Ask for a password on a terminal without echoing it. Resolves null when the user ends input
 * (Ctrl+D) or presses Ctrl+C, so the caller reports the file's one-line error instead.
 */
export function promptHidden(question: string, streams: PromptStreams = { input: process.stdin, output: process.stderr }): Promise<string | null> {
  let muted = false;
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      if (!muted) streams.output.write(chunk);
      callback();
    },
  });
  const rl = readline.createInterface({ input: streams.input, output: sink, terminal: true });
  return new Promise((resolve) => {
    let answered = false;
    const finish = (value: string | null) => {
      if (answered) return;
      answered = true;
      muted = false;
      rl.close();
      streams.output.write('\n');
      resolve(value);
    };
    rl.question(question, (answer) => finish(answer));
    muted = true; // after the question is written: nothing typed is echoed
    rl.on('SIGINT', () => finish(null));
    rl.on('close', () => finish(null));
  });
}

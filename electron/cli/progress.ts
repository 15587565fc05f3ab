import { writeControl } from './terminal';

/**
 * Progress on stderr for CLI work that takes over a second (developers' guide), on a terminal only:
 * the line redraws in place and is cleared at the end. When stderr is not a terminal (a runbook, a
 * log, a pipe) nothing is printed, so stderr holds exactly the one-line error when there is one and
 * nothing otherwise: scripts read it without filtering.
 */
export class CliProgress {
  private readonly started = Date.now();
  private printed = false;

  constructor(
    private readonly verb: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly delayMs = 1000,
  ) {}

  update(done: number, total: number | null, label: string): void {
    const now = Date.now();
    if (now - this.started < this.delayMs) return;
    if (this.stream.isTTY !== true) return;
    this.printed = true;
    const count = total === null ? `${done}` : `${done}/${total}`;
    const text = `${this.verb} ${count}: ${label}`.slice(0, 100);
    writeControl(this.stream, '\r\x1b[K', text);
  }

  done(): void {
    if (this.printed && this.stream.isTTY) writeControl(this.stream, '\r\x1b[K');
  }
}

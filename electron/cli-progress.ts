/**
 * Progress on stderr for CLI work that takes over a second (developers' guide). Nothing is printed
 * for quick runs, so scripts and --json consumers see clean output; on a terminal the line redraws in
 * place, elsewhere one line every few seconds keeps logs readable.
 */
export class CliProgress {
  private readonly started = Date.now();
  private lastPrinted = 0;
  private printed = false;

  constructor(
    private readonly verb: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly delayMs = 1000,
  ) {}

  update(done: number, total: number | null, label: string): void {
    const now = Date.now();
    if (now - this.started < this.delayMs) return;
    const tty = this.stream.isTTY === true;
    if (!tty && now - this.lastPrinted < 3000) return;
    this.lastPrinted = now;
    this.printed = true;
    const count = total === null ? `${done}` : `${done}/${total}`;
    const text = `${this.verb} ${count}: ${label}`.slice(0, 100);
    this.stream.write(tty ? `\r\x1b[K${text}` : `${text}\n`);
  }

  done(): void {
    if (this.printed && this.stream.isTTY) this.stream.write('\r\x1b[K');
  }
}

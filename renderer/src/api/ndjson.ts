/**
 * Splits a streamed NDJSON body (the web mode's answer: progress lines, then one result line) into
 * complete lines. Text arrives in arbitrary pieces, so a line cut in two is held until its newline.
 */
export class NdjsonLineSplitter {
  private pending = '';

  /** Feed the next piece of text; returns the lines it completed (blank lines dropped). */
  push(text: string): string[] {
    this.pending += text;
    const pieces = this.pending.split('\n');
    this.pending = pieces.pop() ?? '';
    return pieces.map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '');
  }

  /** At end of stream: the last line if it had no trailing newline. */
  flush(): string[] {
    const rest = this.pending.replace(/\r$/, '');
    this.pending = '';
    return rest.trim() === '' ? [] : [rest];
  }
}

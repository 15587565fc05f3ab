/**
 * What people really paste: the output of a Windows command is copied from a console
 * together with its prompt (`C:\>`, `PS C:\Users\x>`, `[host]: PS C:\>`, `*Evil-WinRM* PS C:\>`,
 * `user@HOST C:\...>` over OpenSSH), the echoed command, the output of the commands typed before it
 * (whoami, hostname, ipconfig), and rows the console wrapped at its width (80 or 120 columns) inside
 * long values. This is the one stage every Windows text parser runs first, so each of them accepts
 * the same paste forms (reference section 0: localized output, CRLF; text-decode.ts turns the bytes
 * into text before this).
 *
 * Pure: text in, lines out, with what was removed counted so a parser can say so.
 */

/** The console widths a pasted row may have been wrapped at (conhost's default 80; 120 for PowerShell windows). */
export const WRAP_WIDTHS: readonly number[] = [80, 120];

/**
 * A prompt at the start of a row, and the command typed after it:
 * - cmd.exe: `C:\>`, `C:\Windows\system32>`; over OpenSSH as `user@HOST C:\Users\user>`;
 * - PowerShell: `PS C:\>`, `PS Cert:\LocalMachine\My>`, `PS>`; remoting `[host]: PS C:\>`;
 *   Evil-WinRM `*Evil-WinRM* PS C:\Users\x\Documents>`.
 * A drive path never holds `<>|"*?`, so "C:\x> y" inside data (an icacls path has no `>`) does not match.
 */
const PROMPT =
  /^(?:\[[^\]\r\n]{1,255}\]: )?(?:\*Evil-WinRM\* )?(?:PS(?: [^<>|\r\n]{0,400})?>|(?:[\w.$-]{1,64}@[\w.-]{1,255} )?[A-Za-z]:\\[^<>|"*?\r\n]{0,400}>)(?: ?)(.*)$/;

export interface Prompt {
  /** The prompt as printed, without the command. */
  prompt: string;
  /** The command typed after it ("" for a bare prompt). */
  command: string;
}

/** The prompt and command of a row, or null when the row is not a prompt row. */
export function promptOf(row: string): Prompt | null {
  const m = PROMPT.exec(row);
  if (!m) return null;
  const command = (m[1] ?? '').trim();
  return { prompt: row.slice(0, row.length - (m[1] ?? '').length).trimEnd(), command };
}

/** One command's output, as pasted. */
export interface PasteSection {
  /** The echoed command, or null for output with no prompt before it. */
  command: string | null;
  /** Its prompt (`PS Cert:\LocalMachine\Root>` says where `dir` ran), or null. */
  prompt: string | null;
  lines: string[];
  /** 1-based row in the paste where the output starts. */
  firstLine: number;
}

export interface CleanPaste {
  /** The output to parse: the sections that belong to the wanted command (or everything but the prompts). */
  lines: string[];
  text: string;
  /** Those sections one by one (two `netsh http show sslcert ipport=...` runs pasted together). */
  sections: PasteSection[];
  /** The last echoed command the output belongs to, when the prompt row was pasted. */
  command: string | null;
  /** That command's prompt. */
  prompt: string | null;
  /** Every command seen on a prompt row, in order. */
  commands: string[];
  /** Rows of other commands' output (or prompts) left out. */
  dropped: number;
  /** Rows joined back because the console had wrapped them. */
  dewrapped: number;
  /** What was done, in words, for the parser's notes ("" when nothing). */
  summary: string;
}

export interface PasteOptions {
  /** The command whose output is wanted (/\bnetsh\b.*\bsslcert\b/i): other commands' output is left out. */
  command?: RegExp;
  /**
   * Rows the console wrapped are joined back only where the format says so: `continues(row, next)` is
   * true when `next` cannot start a line of this format, so it must be the rest of `row`. Without it
   * nothing is joined.
   */
  continues?: (row: string, next: string) => boolean;
  widths?: readonly number[];
}

/**
 * Text that reached us with every other byte NUL (a UTF-16 stretch appended to a UTF-8 file by `>>`)
 * or with a second byte-order mark inside it: the NULs and marks go, the letters stay.
 */
export function undoEncodingDebris(text: string): string {
  let t = text.replace(/^\uFEFF/, '');
  if (t.includes('\u0000')) t = t.split('\u0000').join('');
  // A UTF-16 BOM read as UTF-8 becomes U+FFFD U+FFFD (or U+FEFF) at the start of a row.
  return t.replace(/(^|\n)(?:\uFFFD\uFFFD|\uFEFF)/g, '$1');
}

/** Rows of a text: CRLF, LF and lone CR all end a row; trailing blanks and a final newline do not count. */
function rowsOf(text: string): string[] {
  if (!text) return [];
  const rows = text.split(/\r\n|\r|\n/).map((r) => r.replace(/[ \t]+$/, ''));
  while (rows.length && rows[rows.length - 1] === '') rows.pop();
  return rows;
}

/**
 * Join rows the console wrapped: a row exactly as wide as the console (80 or 120 columns), followed
 * by a row that `continues` says cannot start a line of its own, is one line cut in two. The test runs
 * again on the joined line's last row, so a value wrapped over three rows comes back whole.
 */
export function dewrap(rows: readonly string[], continues: (row: string, next: string) => boolean, widths: readonly number[] = WRAP_WIDTHS): { lines: string[]; joined: number } {
  const lines: string[] = [];
  let joined = 0;
  for (let i = 0; i < rows.length; i++) {
    let line = rows[i]!;
    let last = line;
    while (i + 1 < rows.length && widths.includes(last.length) && rows[i + 1] !== '' && continues(line, rows[i + 1]!)) {
      last = rows[++i]!;
      line += last;
      joined++;
    }
    lines.push(line);
  }
  return { lines, joined };
}

/**
 * Strip the noise around a command's output: decoding debris, prompts, the echoed command, the output
 * of other commands before or after it, and console wrapping (where `continues` allows). Text with no
 * prompt at all is kept whole (a file saved by the command, or a paste that starts below the prompt).
 * When prompts are pasted but none runs the wanted command, every section is kept without its prompt
 * row, and the parser's own checks decide.
 */
export function stripPasteNoise(text: string, options: PasteOptions = {}): CleanPaste {
  const rows = rowsOf(undoEncodingDebris(text));
  const commands: string[] = [];
  const all: PasteSection[] = [];
  let current: PasteSection = { command: null, prompt: null, lines: [], firstLine: 1 };
  rows.forEach((row, i) => {
    const p = promptOf(row);
    if (!p) {
      current.lines.push(row);
      return;
    }
    if (current.command !== null || current.lines.length) all.push(current);
    if (p.command) commands.push(p.command);
    current = { command: p.command || null, prompt: p.prompt, lines: [], firstLine: i + 2 };
  });
  if (current.command !== null || current.lines.length) all.push(current);

  const wanted = options.command ? all.filter((s) => s.command !== null && options.command!.test(s.command)) : [];
  const chosen = wanted.length ? wanted : all.filter((s) => s.lines.some((l) => l.trim()));
  const keptRows = chosen.reduce((n, s) => n + s.lines.length, 0);
  let dewrapped = 0;
  const sections = chosen.map((s) => {
    if (!options.continues) return s;
    const d = dewrap(s.lines, options.continues, options.widths);
    dewrapped += d.joined;
    return { ...s, lines: d.lines };
  });
  const lines = sections.flatMap((s, i) => (i ? ['', ...s.lines] : s.lines));
  const dropped = rows.length - keptRows;
  const command = wanted.length ? wanted[wanted.length - 1]!.command : null;
  const prompt = wanted.length ? wanted[wanted.length - 1]!.prompt : null;
  const parts: string[] = [];
  if (command) parts.push(`the output of "${command}"`);
  if (dropped > 0) parts.push(`${dropped} row(s) of prompts or other commands' output left out`);
  if (dewrapped) parts.push(`${dewrapped} row(s) wrapped by the console joined back`);
  return { lines, text: lines.join('\n'), sections, command, prompt, commands, dropped, dewrapped, summary: parts.join('; ') };
}

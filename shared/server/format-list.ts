/**
 * PowerShell's `Format-List` text (`Get-Acl ... | Format-List`, `Get-ChildItem Cert:\LocalMachine\My |
 * Format-List`): what helpdesk staff paste far more often than JSON. One object per block, blocks
 * separated by blank rows; each property is `Name<padding> : value`, the names padded to one width per
 * block; a value longer than the console, or one with several lines (Get-Acl's Access), goes on onto
 * rows indented to the value column (PowerShell's ListWriter: label, " : ", then the value's lines,
 * each cut to the field width). Property names are never localized; values may be.
 *
 * Pure; the caller strips paste noise first (paste-noise.ts).
 */

export interface FormatListProperty {
  name: string;
  /** The value's rows as printed (the first after " : ", then each continuation row without its indent). */
  rows: string[];
  /** The rows joined back into one value (see joinWrapped). */
  value: string;
}

export type FormatListObject = FormatListProperty[];

/** `Name : value`, `Name :` (empty value): a name starts at column 0 and has no colon of its own. */
const PROPERTY = /^([A-Za-z_][\w.-]*(?: [\w.-]+)*)( *) :(?: (.*))?$/;

/**
 * Rows PowerShell cut at the console width: a row that fills the line (79 or more characters with its
 * indent, for the 80- and 120-column consoles) was cut inside a word, so the next row continues it
 * directly; a shorter row ended where the value had a space or a line break.
 */
export function joinWrapped(rows: readonly { text: string; width: number }[]): string {
  let out = '';
  rows.forEach((r, i) => {
    if (i === 0) out = r.text;
    else out += (rows[i - 1]!.width >= 79 ? '' : ' ') + r.text;
  });
  return out;
}

/**
 * The objects in Format-List text. Rows before the first property (other output, a header) and rows
 * that are neither a property nor indented are skipped; `skipped` counts them.
 */
export function parseFormatList(lines: readonly string[]): { objects: FormatListObject[]; skipped: number } {
  const objects: FormatListObject[] = [];
  let current: FormatListObject | null = null;
  let last: { prop: FormatListProperty; physical: { text: string; width: number }[] } | null = null;
  let skipped = 0;
  const close = () => {
    if (last) last.prop.value = joinWrapped(last.physical);
    last = null;
  };
  for (const raw of lines) {
    const row = raw.replace(/\s+$/, '');
    if (!row) {
      close();
      current = null;
      continue;
    }
    const m = /^\s/.test(row) ? null : PROPERTY.exec(row);
    if (m) {
      close();
      if (!current) {
        current = [];
        objects.push(current);
      }
      const value = m[3] ?? '';
      const prop: FormatListProperty = { name: m[1]!, rows: [value], value };
      current.push(prop);
      last = { prop, physical: [{ text: value, width: raw.length }] };
      continue;
    }
    if (last && /^\s/.test(row)) {
      const text = row.trim();
      last.prop.rows.push(text);
      last.physical.push({ text, width: raw.length });
      continue;
    }
    skipped++;
  }
  close();
  return { objects, skipped };
}

/** A property's value by name, case-insensitive; undefined when the object does not have it. */
export function formatListValue(object: FormatListObject, name: string): FormatListProperty | undefined {
  const lower = name.toLowerCase();
  return object.find((p) => p.name.toLowerCase() === lower);
}

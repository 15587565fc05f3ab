/**
 * Long hex values (key identifiers, raw extension values) in groups of four digits, so two can be
 * compared by eye or read out over the phone; upper case as certutil prints them.
 */
export function groupHex(hex: string, size = 4): string {
  const clean = hex.replace(/[^0-9a-fA-F]/g, '').toUpperCase();
  const groups: string[] = [];
  for (let i = 0; i < clean.length; i += size) groups.push(clean.slice(i, i + size));
  return groups.join(' ');
}

/**
 * Loose distinguished-name comparison, the same rule the scripts apply at run time (ConvertTo-
 * CertbenchDn in PowerShell, norm_dn in bash): escapes and quotes dropped, no spaces around `,` `+`
 * `=`, case-insensitive, one spelling per attribute (Windows writes S= where RFC 4514 writes ST=).
 * Used at generation time to refuse a certificate that is not the issuer a finding names.
 */
export function normDn(name: string): string {
  return name
    .replace(/\\(.)/g, '$1')
    .replace(/"/g, '')
    .replace(/\s*([,+=])\s*/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/(^|[,+])oid\./g, '$1')
    .replace(/(^|[,+])s=/g, '$1st=')
    .replace(/(^|[,+])emailaddress=/g, '$1e=');
}

/** The first CN of an RFC 4514 / Windows DN string, for file labels; null when there is none. */
export function cnOf(name: string): string | null {
  const m = /(?:^|[,+]\s*)CN=("(?:[^"]|"")*"|(?:\\.|[^,+])*)/i.exec(name);
  if (!m) return null;
  const v = m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replace(/""/g, '"') : m[1]!.replace(/\\(.)/g, '$1');
  return v.trim() || null;
}

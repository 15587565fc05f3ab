import { quotePowerShell } from '../../../../shared/scripts/quote';
import type { Finding } from '../../../../shared/findings/catalogue';
import type { IisAppSettings, IisConfig, ServerEvidence, ServerEvidenceKind, SettingOrigin, SslBinding } from '../../../../shared/model/server';

/**
 * The Server side page's words: what each setting means for a client certificate, said
 * the way a helpdesk user reads it, with the raw value always next to it. Constants and meanings
 * come from ../shared/reference/windows-formats.md (item numbers cited per function).
 */

/** What an input turned out to be, in words; web.config and applicationHost.config told apart when the parse says which. */
export function kindWords(kind: ServerEvidenceKind, iisKind?: IisConfig['kind']): string {
  switch (kind) {
    case 'netsh-sslcert':
      return 'netsh http show sslcert output';
    case 'registry-export':
      return 'Registry export (.reg)';
    case 'iis-config':
      return iisKind === 'web.config' ? 'IIS web.config' : iisKind === 'applicationHost' ? 'IIS applicationHost.config' : 'IIS configuration file';
    case 'w3c-log':
      return 'W3C log (IIS)';
    case 'schannel-events':
      return 'Schannel events (System log export)';
    case 'certificate':
      return 'A certificate (Diagnose uses it to complete chains)';
    case 'bundle':
      return 'A Certbench bundle: its server evidence is added';
    case 'store-export':
      return "The server's certificate store (export)";
    case 'unknown':
      return 'Not recognised';
  }
}

/** An input's error without its name in front (the row already names the file), as a sentence. */
export function inputErrorWords(name: string, error: string): string {
  // The kind column already says "Not recognised": the error starts with what to do instead.
  const bare = (error.startsWith(`${name}: `) ? error.slice(name.length + 2) : error).replace(/^not recognised:\s*/i, '');
  return bare.length ? bare[0]!.toUpperCase() + bare.slice(1) : bare;
}

/** The kind of the IIS configuration an input became, when one was parsed from it. */
export function iisKindOf(evidence: ServerEvidence, inputName: string): IisConfig['kind'] | undefined {
  return evidence.iis.find((c) => c.source === inputName)?.kind;
}

/** True when the evidence has anything to show beyond its notes (so "nothing read" can be said plainly). */
export function hasServerData(e: ServerEvidence): boolean {
  return e.bindings.length > 0 || e.schannel !== null || e.iis.length > 0 || e.logs.length > 0 || e.events.length > 0 || (e.stores?.length ?? 0) > 0 || e.findings.length > 0;
}

/** Anything at all worth offering from a last diagnosis: data, inputs or notes. */
export function hasServerEvidence(e: ServerEvidence | null | undefined): e is ServerEvidence {
  return !!e && (hasServerData(e) || e.inputs.length > 0 || e.notes.length > 0);
}

/** "2 bindings, Schannel settings, 1 IIS configuration, 1 log, 12 events". */
export function evidenceCounts(e: ServerEvidence): string {
  const events = e.events.reduce((n, s) => n + s.total, 0);
  return [
    e.bindings.length ? plural(e.bindings.length, 'binding') : null,
    e.schannel ? 'Schannel settings' : null,
    e.iis.length ? plural(e.iis.length, 'IIS configuration') : null,
    e.logs.length ? plural(e.logs.length, 'log') : null,
    e.events.length ? plural(events, 'Schannel event') : null,
    e.stores?.length ? plural(e.stores.length, 'server store') : null,
    e.findings.length ? plural(e.findings.length, 'finding') : null,
  ]
    .filter((p): p is string => p !== null)
    .join(', ');
}

// ---------- HTTP.SYS bindings (reference item 4, 5) ----------

/** 40 hex digits do not fit a column: the start, as people read them out (the stores table does the same). */
export function shortHash(hash: string): string {
  return hash.length > 10 ? `${hash.slice(0, 8)}…` : hash;
}

/** An empty or "(null)" store name means MY (HTTP_SERVICE_CONFIG_SSL_PARAM; reference item 4). */
export function storeWords(name: string | null): string {
  return name === null || name === '' ? 'MY (default)' : name;
}

export function hex32(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}

export type Tri = 'yes' | 'no' | 'unknown';

export function tri(value: boolean | null): Tri {
  return value === null ? 'unknown' : value ? 'yes' : 'no';
}

/**
 * "Asks for a client certificate in the handshake": HTTP.SYS Negotiate Client Certificate. Off
 * means IIS asks only after the request, by TLS 1.2 renegotiation, which TLS 1.3 cannot do and
 * middle boxes often break (field note 001 item 11; reference items 7-8).
 */
export function negotiationWords(value: boolean | null): { text: string; title: string } {
  if (value === true) return { text: 'Yes', title: 'Negotiate Client Certificate is enabled: the certificate is asked for in the first TLS handshake.' };
  if (value === false) {
    return {
      text: 'No',
      title:
        'Negotiate Client Certificate is disabled: IIS asks for the certificate only after the request, by TLS 1.2 renegotiation (impossible under TLS 1.3, often broken by proxies).',
    };
  }
  return { text: 'Not shown', title: 'The evidence does not say whether Negotiate Client Certificate is set.' };
}

export function tls13Words(value: boolean | null): { text: string; title: string } {
  if (value === true) return { text: 'Disabled', title: 'TLS 1.3 is disabled on this binding (Disable TLS1.3 set)' };
  if (value === false) return { text: 'Allowed', title: 'TLS 1.3 is not disabled on this binding' };
  return { text: 'Not shown', title: 'The evidence does not say (older Windows prints no Disable TLS1.3 line)' };
}

/** DefaultFlags in hex with its decoded names, for the binding row and its tooltip. */
export function defaultFlagsWords(b: Pick<SslBinding, 'defaultFlags' | 'flagNames'>): { text: string; title: string } {
  if (b.defaultFlags === null) return { text: b.flagNames.length ? b.flagNames.join(', ') : 'Not shown', title: 'DefaultFlags was not in the evidence' };
  const names = b.flagNames.length ? b.flagNames.join(', ') : 'no flags set';
  return { text: hex32(b.defaultFlags), title: `DefaultFlags ${hex32(b.defaultFlags)} = ${b.defaultFlags}: ${names}` };
}

/** Bits of a site binding's own sslFlags (not <access sslFlags>); reference item 8. */
const BINDING_SSL_FLAG_BITS: { bit: number; words: string }[] = [
  { bit: 1, words: 'SNI (host name)' },
  { bit: 2, words: 'Central certificate store' },
  { bit: 4, words: 'HTTP/2 disabled' },
  { bit: 8, words: 'OCSP stapling disabled' },
  { bit: 16, words: 'QUIC disabled' },
  { bit: 32, words: 'TLS 1.3 disabled' },
  { bit: 64, words: 'Legacy TLS disabled' },
];

export function bindingSslFlagsWords(n: number | null): string | null {
  if (n === null) return null;
  if (n === 0) return 'IP:port';
  const names = BINDING_SSL_FLAG_BITS.filter((f) => (n & f.bit) !== 0).map((f) => f.words);
  const unknown = n & ~BINDING_SSL_FLAG_BITS.reduce((a, f) => a | f.bit, 0);
  if (unknown) names.push(`unknown bits ${hex32(unknown)}`);
  return names.join(', ');
}

// ---------- Schannel (reference item 6) ----------

export function trustedIssuerListWords(v: number | null): { value: string; words: string; tone: 'neutral' | 'warn' } {
  if (v === null) {
    return {
      value: 'Not set',
      words: 'Windows decides: Windows Server 2012 and later send no CA list; 2008 R2 and earlier send the trusted roots.',
      tone: 'neutral',
    };
  }
  if (v === 0) return { value: '0', words: 'No CA list is sent: browsers offer every certificate they have, and users must pick.', tone: 'warn' };
  if (v === 1) return { value: '1', words: 'The list of trusted CAs is sent: browsers offer only certificates issued under one of them.', tone: 'neutral' };
  return { value: String(v), words: 'An unexpected value; Windows treats non-zero as "send the list".', tone: 'warn' };
}

const TRUST_MODES: Record<number, { name: string; words: string }> = {
  0: { name: 'Machine Trust', words: 'the client certificate must be issued by a CA in the Trusted Issuers list' },
  1: { name: 'Exclusive Root Trust', words: 'the client certificate must chain to a root in the site\'s own trusted-issuer store (CTL store)' },
  2: { name: 'Exclusive CA Trust', words: 'the client certificate must chain to a CA or root in the site\'s own trusted-issuer store (CTL store)' },
};

export function clientAuthTrustModeWords(v: number | null): { value: string; words: string } {
  if (v === null) return { value: 'Not set', words: `Machine Trust (the default): ${TRUST_MODES[0]!.words}.` };
  const mode = TRUST_MODES[v];
  if (!mode) return { value: String(v), words: 'An unknown mode; Windows documents 0, 1 and 2.' };
  return { value: `${v}`, words: `${mode.name}: ${mode.words}.` };
}

/** EventLogging bit mask (KB 260729): 1 errors, 2 warnings, 4 informational and success. */
export function eventLoggingWords(v: number | null): { value: string; words: string; hidesWarnings: boolean } {
  const mask = v ?? 1;
  const parts = [mask & 1 ? 'errors' : null, mask & 2 ? 'warnings' : null, mask & 4 ? 'successes and information' : null].filter((p): p is string => p !== null);
  const logged = parts.length ? `Logs ${joinWords(parts)}` : 'Logs nothing';
  const hidesWarnings = (mask & 2) === 0;
  const why = hidesWarnings ? '; warnings such as 36885 (CA list cut at 16 KB) are not logged' : '';
  return { value: v === null ? 'Not set (1)' : `${v} (${hex32(v).replace(/^0x0+(?=.)/, '0x')})`, words: `${logged}${why}.`, hidesWarnings };
}

export function protocolStateWords(p: { enabled: number | null; disabledByDefault: number | null }): string {
  const enabled = p.enabled === null ? 'not set (Windows default)' : p.enabled === 0 ? 'disabled' : 'enabled';
  const byDefault = p.disabledByDefault === null ? '' : p.disabledByDefault === 0 ? '' : ', off unless the application asks for it';
  return `${enabled}${byDefault}`;
}

// ---------- IIS (reference item 8; field note 001 items 1-2) ----------

export type ClientCertState = 'Required' | 'Accepted' | 'Ignored';

function hasFlag(flags: string[], name: string): boolean {
  return flags.some((f) => f.trim().toLowerCase() === name.toLowerCase());
}

/** IIS Manager's "SSL Settings > Client certificates": Require = SslRequireCert, Accept = SslNegotiateCert, else Ignore. */
export function clientCertState(flags: string[]): ClientCertState {
  if (hasFlag(flags, 'SslRequireCert')) return 'Required';
  if (hasFlag(flags, 'SslNegotiateCert')) return 'Accepted';
  return 'Ignored';
}

export function clientCertStateWords(state: ClientCertState): string {
  switch (state) {
    case 'Required':
      return 'a request without a client certificate is refused with 403.7';
    case 'Accepted':
      return 'a certificate is asked for and used when sent; requests without one go through';
    case 'Ignored':
      return 'IIS never asks for a client certificate here';
  }
}

/** The <access sslFlags> names shown as badges, in IIS Manager's order, with what each does. */
export const SSL_FLAG_BADGES: { flag: string; words: string }[] = [
  { flag: 'Ssl', words: 'HTTPS required' },
  { flag: 'SslNegotiateCert', words: 'accepts client certificates' },
  { flag: 'SslRequireCert', words: 'requires a client certificate' },
  { flag: 'SslMapCert', words: 'certificate mapping (IIS 6 flag)' },
  { flag: 'Ssl128', words: '128-bit encryption required' },
];

export function sslFlagBadges(flags: string[]): { flag: string; words: string; on: boolean }[] {
  const known = SSL_FLAG_BADGES.slice(0, 3).map((b) => ({ ...b, on: hasFlag(flags, b.flag) }));
  const extra = flags
    .filter((f) => f.trim() !== '' && !hasFlag(['Ssl', 'SslNegotiateCert', 'SslRequireCert', 'None'], f))
    .map((f) => ({ flag: f.trim(), words: SSL_FLAG_BADGES.find((b) => b.flag.toLowerCase() === f.trim().toLowerCase())?.words ?? 'as written in the configuration', on: true }));
  return [...known, ...extra];
}

/**
 * Certificate mappings configured below the site are ignored: IIS reads one-to-one and many-to-one
 * mappings at site level only (field note 001 item 2; finding iis.mapping-at-application-level).
 * The finding, when the rules raised it for this application, counts too.
 */
export function ignoredMappingReason(app: IisAppSettings, findings: Finding[] = []): string | null {
  const origin = app.iisMapping.origin;
  // Only mapping entries are ignored there; enabling the feature below the site is how it is meant to be used.
  const here = origin?.level === 'application' && (app.iisMapping.oneToOne > 0 || app.iisMapping.manyToOne > 0);
  const flagged = findings.some((f) => f.id === 'iis.mapping-at-application-level' && samePath(f.params?.location, app.path));
  if (!here && !flagged) return null;
  return 'IIS ignores this: certificate mappings are read at site level only. Move them to the site and keep only the enabling here.';
}

/** "Default Web Site/" and "Default Web Site" name the same root application; case does not matter to IIS. */
export function samePath(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const norm = (p: string) => p.trim().replace(/\/+$/, '').toLowerCase();
  return norm(a) === norm(b);
}

/** Findings the rules raised about one application (params.location), to show beside it. */
export function findingsFor(app: IisAppSettings, findings: Finding[]): Finding[] {
  return findings.filter((f) => f.id.startsWith('iis.') && samePath(f.params?.location, app.path));
}

/** "application Default Web Site/api · applicationHost.config line 212"; the server default when there is no origin. */
export function originWords(origin: SettingOrigin | null): string {
  if (!origin) return 'not configured: the IIS default';
  const where = origin.level === 'server' ? 'server level' : `${origin.level} ${origin.location}`;
  const file = origin.line !== null ? `${origin.file}:${origin.line}` : origin.file;
  return `${where} · ${file}`;
}

/** The application's name under its site: "/" for the root, "/api" below it. */
export function applicationLabel(app: IisAppSettings): string {
  return app.application === '' ? '/' : app.application;
}

// ---------- Logs (reference item 7) ----------

const STATUS_WORDS: Record<string, string> = {
  '200': 'OK',
  '200.0': 'OK',
  '206': 'Partial content',
  '301': 'Moved permanently',
  '302': 'Redirect',
  '304': 'Not modified',
  '400': 'Bad request',
  '401': 'Not signed in',
  '401.1': 'Logon failed',
  '401.2': 'Logon failed (server configuration)',
  '401.3': 'Denied by the file\'s ACL',
  '403': 'Forbidden',
  '403.4': 'HTTPS required',
  '403.6': 'IP address rejected',
  '403.7': 'Client certificate required',
  '403.12': 'Mapper denied access',
  '403.13': 'Client certificate revoked',
  '403.14': 'Directory listing denied',
  '403.16': 'Client certificate untrusted or invalid',
  '403.17': 'Client certificate expired or not yet valid',
  '404': 'Not found',
  '500': 'Internal server error',
  '500.19': 'Configuration data invalid',
  '503': 'Service unavailable',
};

/** "403.7" -> "Client certificate required"; "200.0" reads as "200". */
export function statusWords(status: string): string {
  const s = status.replace(/\.0$/, '');
  return STATUS_WORDS[status] ?? STATUS_WORDS[s] ?? STATUS_WORDS[s.split('.')[0]!] ?? '';
}

export function displayStatus(status: string): string {
  return status.replace(/\.0$/, '');
}

/** The 403 sub-statuses that mean a client-certificate failure (DESIGN.md http.403.*). */
export function isClientCertStatus(status: string): boolean {
  return /^403\.(7|12|13|16|17)$/.test(status);
}

/** "2148204809 = 0x800B0109 CERT_E_UNTRUSTEDROOT: ..." without the number the table's column already shows. */
export function win32MeaningWords(win32: string, meaning: string): string {
  return meaning.startsWith(`${win32} = `) ? meaning.slice(win32.length + 3) : meaning;
}

// ---------- Events (reference item 9) ----------

/** "48 unknown_ca" for an alert; "" when the event has none. */
export function alertWords(alert: { code: number; description: string } | null): string {
  return alert ? `${alert.code} ${alert.description}` : '';
}

// ---------- Shared ----------

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

export function joinWords(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/**
 * The command a user runs for a file too big for the page (the CLI streams logs of any size). A
 * name with spaces or quotes is quoted for PowerShell, where the big IIS logs are (a single-quoted
 * name without quotes inside reads the same in bash).
 */
export function bigFileCommand(name: string): string {
  // No leading '-': PowerShell would read `-x:y.log` as a parameter and split it (acl-words.ts PLAIN).
  const word = /^[\w./\\:][\w.\-/\\:]*$/.test(name) ? name : quotePowerShell(name);
  return `certbench diagnose --attach ${word}`;
}

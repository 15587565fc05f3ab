import { CertbenchError, formatBytes } from '../errors';
import type { SslBinding } from '../model/server';
import { stripPasteNoise } from './paste-noise';
import { decodeDefaultFlags } from './ssl-flags';

/**
 * `netsh http show sslcert` (reference section 4): a header, then one record per binding, each line
 * `    Label     : value`, records separated by blank lines, the first line of a record naming the
 * binding (IP:port, Hostname:port or the central certificate store). Labels are padded to a column
 * but not consistently, so a line is split on its first colon followed by a space, never by column.
 *
 * The output is localized (reference section 0), so labels are matched in English, German and French,
 * with accents and punctuation ignored (a capture read in the wrong code page turns "ü" into U+FFFD). For
 * any other language the first thirteen fields, whose order is the same on every Windows since 2012 R2,
 * are taken by position. A French capture shows what localized netsh really prints: values stay in
 * English (Enabled, Not Set), one label carries its own colon ("Nom du magasin de certificats :  : MY"),
 * and some rows have no space after the colon ("Désactiver HTTP2 :Not Set").
 *
 * Pasted output goes through the shared paste stage first (paste-noise.ts): prompts, the echoed
 * command, other commands' output, and console wrapping inside values (a row that does not start with
 * the record indent continues the row before it).
 */

export const MAX_NETSH_CHARS = 5 * 1024 * 1024;

export type NetshField =
  | 'ipport'
  | 'hostnameport'
  | 'ccs'
  | 'certificateHash'
  | 'appId'
  | 'certificateStoreName'
  | 'verifyClientCertRevocation'
  | 'verifyRevocationCachedOnly'
  | 'usageCheck'
  | 'revocationFreshnessTime'
  | 'urlRetrievalTimeout'
  | 'ctlIdentifier'
  | 'ctlStoreName'
  | 'dsMapperUsage'
  | 'negotiateClientCertificate'
  | 'reject'
  | 'disableHttp2'
  | 'disableQuic'
  | 'disableTls12'
  | 'disableTls13'
  | 'disableOcspStapling'
  | 'enableTokenBinding'
  | 'logExtendedEvents'
  | 'disableLegacyTls'
  | 'enableSessionTicket'
  | 'disableSessionId'
  | 'enableCacheClientHello'
  | 'extendedProperties';

/**
 * Labels per field, in this order: English (reference section 4, verbatim outputs); German
 * (`Zertifikathash`, `Anwendungs-ID` from reference section 0, `IP:Port` and the header from a public
 * German capture; every other German label is this project's own translation, UNCERTAIN); French
 * (every label verbatim from a public French capture of Windows Server, third-party); Spanish and
 * Italian (this project's OWN translations, no capture found: UNCERTAIN). Labels not listed fall back
 * to their position.
 */
export const NETSH_LABELS: Record<NetshField, readonly string[]> = {
  ipport: ['IP:port', 'Adresse IP:port', 'IP:puerto', 'IP:porta'],
  hostnameport: ['Hostname:port', 'Nom d\'hôte:port', 'Nombre de host:puerto', 'Nome host:porta'],
  // UNCERTAIN (reference 4): the English label comes from a third-party test only.
  ccs: ['Central Certificate Store', 'Zentraler Zertifikatspeicher'],
  certificateHash: ['Certificate Hash', 'Zertifikathash', 'Hachage du certificat', 'Hash de certificado', 'Hash certificato'],
  appId: ['Application ID', 'Anwendungs-ID', 'ID de l\'application', 'Id. de aplicación', 'ID applicazione'],
  certificateStoreName: ['Certificate Store Name', 'Zertifikatspeichername', 'Nom du magasin de certificats', 'Nombre del almacén de certificados', 'Nome archivio certificati'],
  verifyClientCertRevocation: ['Verify Client Certificate Revocation', 'Sperrung des Clientzertifikats überprüfen', 'Vérifier la révocation des certificats clients'],
  verifyRevocationCachedOnly: [
    'Verify Revocation Using Cached Client Certificate Only',
    'Sperrung nur mit zwischengespeichertem Clientzertifikat überprüfen',
    'Vérifier la révocation au moyen du certificat client mis en cache uniquement',
  ],
  usageCheck: ['Usage Check', 'Verwendungsüberprüfung', 'Vérification de l\'utilisation'],
  revocationFreshnessTime: ['Revocation Freshness Time', 'Aktualität der Sperrung', 'Heure d\'actualisation de la révocation'],
  urlRetrievalTimeout: ['URL Retrieval Timeout', 'Zeitlimit für URL-Abruf', 'Délai d\'attente de la récupération d\'URL'],
  ctlIdentifier: ['Ctl Identifier', 'CTL-Bezeichner', 'Identificateur CTL', 'Identificador de CTL', 'Identificatore CTL'],
  ctlStoreName: ['Ctl Store Name', 'CTL-Speichername', 'Nom du magasin CTL', 'Nombre del almacén de CTL', 'Nome archivio CTL'],
  dsMapperUsage: ['DS Mapper Usage', 'DS-Zuordnungsverwendung', 'Utilisation du mappeur DS', 'Uso del asignador de DS', 'Utilizzo mapper DS'],
  negotiateClientCertificate: ['Negotiate Client Certificate', 'Clientzertifikat aushandeln', 'Négocier le certificat client', 'Negociar certificado de cliente', 'Negozia certificato client'],
  reject: ['Reject Connections', 'Verbindungen ablehnen', 'Refuser les connexions'],
  disableHttp2: ['Disable HTTP2', 'HTTP2 deaktivieren', 'Désactiver HTTP2'],
  disableQuic: ['Disable QUIC', 'QUIC deaktivieren', 'Désactiver QUIC'],
  disableTls12: ['Disable TLS1.2', 'TLS1.2 deaktivieren', 'Désactiver TLS1.2'],
  disableTls13: ['Disable TLS1.3', 'TLS1.3 deaktivieren', 'Désactiver TLS1.3', 'Deshabilitar TLS1.3', 'Disabilita TLS1.3'],
  disableOcspStapling: ['Disable OCSP Stapling', 'OCSP-Stapling deaktivieren', 'Désactiver l\'association OCSP'],
  enableTokenBinding: ['Enable Token Binding', 'Tokenbindung aktivieren', 'Activer la liaison de jeton'],
  logExtendedEvents: ['Log Extended Events', 'Erweiterte Ereignisse protokollieren', 'Consigner les événements étendus'],
  disableLegacyTls: ['Disable Legacy TLS Versions', 'Ältere TLS-Versionen deaktivieren', 'Désactiver les versions existantes de TLS'],
  enableSessionTicket: ['Enable Session Ticket', 'Sitzungsticket aktivieren', 'Activer le ticket de session'],
  disableSessionId: ['Disable Session ID', 'Sitzungs-ID deaktivieren'],
  enableCacheClientHello: ['Enable Caching Client Hello', 'Zwischenspeichern von Client Hello aktivieren'],
  extendedProperties: ['Extended Properties', 'Erweiterte Eigenschaften', 'Propriétés étendues', 'Propiedades extendidas', 'Proprietà estese'],
};

/** The header line: English (reference 4), German and French (public captures), Spanish and Italian (own translations). */
const HEADERS = ['SSL Certificate bindings', 'SSL-Zertifikatbindungen', 'Liaisons de certificat SSL', 'Enlaces de certificado SSL', 'Associazioni certificati SSL'].map(norm);

/** The command whose output this is, when its prompt row was pasted too. */
const NETSH_COMMAND = /\bnetsh(?:\.exe)?\b.*\bsslcert\b/i;

/**
 * A console-wrapped row continues the row before it when it cannot start a netsh line: every record
 * row is indented (four spaces, one before "Extended Properties"), and the header and rule rows are known.
 */
function netshContinues(_row: string, next: string): boolean {
  if (/^\s/.test(next) || /^-{5,}\s*$/.test(next)) return false;
  const flat = norm(next);
  return !HEADERS.some((h) => flat.startsWith(h)) && !NOT_FOUND.some((n) => flat.startsWith(n));
}

/** What netsh prints when no binding matches a filter (UNCERTAIN: third-party fixture; German constructed). */
const NOT_FOUND = ['The system cannot find the file specified', 'Das System kann die angegebene Datei nicht finden'].map(norm);

/** Field order of every record on Windows Server 2012 R2 and later (reference 4); later fields vary by build. */
const POSITIONAL: readonly NetshField[] = [
  'ipport',
  'certificateHash',
  'appId',
  'certificateStoreName',
  'verifyClientCertRevocation',
  'verifyRevocationCachedOnly',
  'usageCheck',
  'revocationFreshnessTime',
  'urlRetrievalTimeout',
  'ctlIdentifier',
  'ctlStoreName',
  'dsMapperUsage',
  'negotiateClientCertificate',
];

/** The switches that rebuild DefaultFlags (reference section 5's table). */
const FLAG_FIELDS: readonly [NetshField, number][] = [
  ['dsMapperUsage', 0x1],
  ['negotiateClientCertificate', 0x2],
  ['reject', 0x8],
  ['disableHttp2', 0x10],
  ['disableQuic', 0x20],
  ['disableTls13', 0x40],
  ['disableOcspStapling', 0x80],
  ['enableTokenBinding', 0x100],
  ['logExtendedEvents', 0x200],
  ['disableLegacyTls', 0x400],
  ['enableSessionTicket', 0x800],
  ['disableTls12', 0x1000],
  ['disableSessionId', 0x4000],
  ['enableCacheClientHello', 0x8000],
];

/** Lower case, ASCII letters and digits only: "Anwendungs-ID" and "anwendungsid" match; so do "ü" and U+FFFD. */
function norm(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]/g, '');
}

const LABEL_INDEX = new Map<string, NetshField>();
for (const [field, labels] of Object.entries(NETSH_LABELS) as [NetshField, readonly string[]][]) {
  for (const l of labels) LABEL_INDEX.set(norm(l), field);
}

/** The field a printed label stands for, in any language this module knows; null otherwise. */
export function netshFieldOfLabel(label: string): NetshField | null {
  return LABEL_INDEX.get(norm(label)) ?? null;
}

/**
 * Split "    Label   : value" on the first colon that is followed by a space or the line end, or that
 * has a space before it ("Désactiver HTTP2 :Not Set" in French output). A value that starts with a
 * second colon belongs to a label that printed its own ("Nom du magasin de certificats :       : MY").
 */
export function splitLabelLine(line: string): { label: string; value: string } | null {
  const m = /^\s*(.+?)(?:\s*:(?:\s+|$)|\s+:(?=\S))(.*)$/.exec(line);
  if (!m) return null;
  let value = m[2]!.trim();
  if (/^:(?:\s|$)/.test(value)) value = value.slice(1).trim();
  return { label: m[1]!, value };
}

/**
 * Switch values: Enabled/Disabled for the classic switches, Set/Not Set for the DefaultFlags ones
 * (reference 4). German values are constructed (UNCERTAIN; netsh may well print them in English).
 */
export function parseSwitch(value: string): boolean | null {
  switch (norm(value)) {
    case 'enabled':
    case 'set':
    case 'aktiviert':
    case 'festgelegt':
      return true;
    case 'disabled':
    case 'notset':
    case 'deaktiviert':
    case 'nichtfestgelegt':
      return false;
    default:
      return null;
  }
}

/** "(null)" and an empty value mean the field is not set (an empty store name means MY). */
function textValue(value: string | undefined): string | null {
  if (value === undefined) return null;
  const v = value.trim();
  return v === '' || v.toLowerCase() === '(null)' ? null : v;
}

const ENDPOINT = /^(?:\[[0-9a-f:.%]+\]|[^\s:]+):\d{1,5}$/i;
const IP_ENDPOINT = /^(?:\[[0-9a-f:.%]+\]|\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/i;
const HASH = /^[0-9a-f]{2}(?: ?[0-9a-f]{2})+$/i;
const GUID = /^\{[0-9a-f-]{36}\}$/i;

interface Line {
  label: string;
  value: string;
  field: NetshField | null;
}

interface RawRecord {
  kind: SslBinding['kind'];
  key: string;
  byLabel: boolean;
  lines: Line[];
  extended: boolean;
}

/**
 * Every binding in a `netsh http show sslcert` output, with every field as printed. An output that
 * says no binding matched gives []; text that is not netsh output at all is a one-line bad-input
 * error naming `source`. `notes` (optional) receives what the paste stage removed and the rows of a
 * record whose first row was cut off.
 */
export function parseNetshSslcert(text: string, source: string, notes?: string[]): SslBinding[] {
  if (text.length > MAX_NETSH_CHARS) {
    throw new CertbenchError('too-large', `${source}: larger than the ${formatBytes(MAX_NETSH_CHARS)} netsh http show sslcert output can be (${text.length} characters)`);
  }
  const records: RawRecord[] = [];
  let current: RawRecord | null = null;
  let header = false;
  let notFound = false;
  let orphans = 0;
  const paste = stripPasteNoise(text, { command: NETSH_COMMAND, continues: netshContinues });

  for (const raw of paste.lines) {
    const line = raw.replace(/\s+$/, '');
    if (!line.trim()) {
      current = null;
      continue;
    }
    const flat = norm(line);
    if (HEADERS.some((h) => flat.startsWith(h))) {
      header = true;
      continue;
    }
    if (NOT_FOUND.some((n) => flat.startsWith(n))) {
      notFound = true;
      continue;
    }
    if (/^\s*-{5,}\s*$/.test(line)) continue;
    const parts = splitLabelLine(line);
    if (!parts) continue;
    const field = netshFieldOfLabel(parts.label);
    if (field === 'ipport' || field === 'hostnameport' || field === 'ccs') {
      current = { kind: field, key: parts.value, byLabel: true, lines: [{ ...parts, field }], extended: false };
      records.push(current);
      continue;
    }
    if (!current && field === null && ENDPOINT.test(parts.value)) {
      // A record whose key label this module does not know (another language): tell the kind by value.
      current = { kind: IP_ENDPOINT.test(parts.value) ? 'ipport' : 'hostnameport', key: parts.value, byLabel: false, lines: [{ ...parts, field: 'ipport' }], extended: false };
      records.push(current);
      continue;
    }
    if (!current) {
      // Rows of a record whose key row was cut off the paste, an extended-properties block after a
      // blank line, or stray text: not a binding anyone could name.
      if (field !== null && field !== 'extendedProperties' && !records.length) orphans++;
      continue;
    }
    if (field === 'extendedProperties') {
      current.extended = true;
      continue;
    }
    if (current.extended) continue; // PropertyId, Receive Window ...: HTTP/2 settings, not TLS
    current.lines.push({ ...parts, field });
  }

  const bindings = records.map((r) => toBinding(r, source)).filter((b): b is SslBinding => b !== null);
  if (!header && !notFound && !bindings.length) {
    throw new CertbenchError('bad-input', `${source}: not the output of "netsh http show sslcert" (no "SSL Certificate bindings" header and no IP:port or Hostname:port record)`);
  }
  if (notes) {
    if (paste.summary) notes.push(`${source}: ${paste.summary}`);
    if (orphans) notes.push(`${source}: the paste starts inside a binding (${orphans} row(s) before the first IP:port or Hostname:port row); that binding was left out`);
    // Every Windows since 2012 R2 prints at least POSITIONAL's fields, up to Negotiate Client Certificate.
    const last = bindings[bindings.length - 1];
    if (last && last.fields.length < POSITIONAL.length) {
      notes.push(`${source}: the paste ends inside the binding ${last.key}; the fields after "${last.fields[last.fields.length - 1]!.label}" are unknown`);
    }
  }
  return bindings;
}

function toBinding(record: RawRecord, source: string): SslBinding | null {
  const lines = record.lines;
  // Position fallback for labels in a language not in NETSH_LABELS.
  const known = new Set(lines.map((l) => l.field).filter((f) => f !== null));
  POSITIONAL.forEach((field, i) => {
    const line = lines[i];
    if (i === 0 || !line || line.field !== null || known.has(field)) return;
    if (field === 'certificateHash' && !HASH.test(line.value)) return;
    if (field === 'appId' && !GUID.test(line.value)) return;
    line.field = field;
    known.add(field);
  });
  const get = (field: NetshField): string | undefined => lines.find((l) => l.field === field)?.value;
  const sw = (field: NetshField): boolean | null => {
    const v = get(field);
    return v === undefined ? null : parseSwitch(v);
  };

  const hash = textValue(get('certificateHash'));
  const appId = textValue(get('appId'));
  // A record found by value pattern alone must look like a binding, or random "x : host:port" text would count.
  if (!record.byLabel && !(hash && HASH.test(hash)) && !(appId && GUID.test(appId))) return null;

  let flags: number | null = null;
  for (const [field, bit] of FLAG_FIELDS) {
    const on = sw(field);
    if (on === null) continue;
    flags = (flags ?? 0) | (on ? bit : 0);
  }
  return {
    key: record.key,
    kind: record.kind,
    certificateHash: hash ? (HASH.test(hash) ? hash.replace(/\s+/g, '').toUpperCase() : hash) : null,
    appId,
    certificateStoreName: textValue(get('certificateStoreName')),
    ctlIdentifier: textValue(get('ctlIdentifier')),
    ctlStoreName: textValue(get('ctlStoreName')),
    verifyClientCertRevocation: sw('verifyClientCertRevocation'),
    usageCheck: sw('usageCheck'),
    dsMapperUsage: sw('dsMapperUsage'),
    negotiateClientCertificate: sw('negotiateClientCertificate'),
    disableTls12: sw('disableTls12'),
    disableTls13: sw('disableTls13'),
    disableLegacyTls: sw('disableLegacyTls'),
    // Rebuilt from the switches netsh prints: NO_RAW_FILTER (0x4) and ENABLE_CLIENT_CORRELATION
    // (0x2000) have no netsh label, so this is what netsh shows, not necessarily the registry value.
    defaultFlags: flags,
    flagNames: flags === null ? [] : decodeDefaultFlags(flags).names,
    fields: lines.map((l) => ({ label: l.label, value: l.value })),
    source,
  };
}

/** The printed line of one field of a netsh binding ("Negotiate Client Certificate : Disabled"), in any known language. */
export function netshLineOf(binding: Pick<SslBinding, 'fields'>, field: NetshField): string | null {
  const f = binding.fields.find((x) => netshFieldOfLabel(x.label) === field);
  return f ? `${f.label} : ${f.value}` : null;
}

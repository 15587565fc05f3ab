// One file because the three ways a server's stores are exported (PowerShell JSON with the bytes,
// `certutil -store` text, Format-List) are told apart by content in parseStoreExport and must all end in
// the same StoreExport and the same store findings (KB 2802568, KB 933430); each format's reader is a
// few functions, and keeping them beside the sniffing keeps one answer to "what did this file prove".
import { base64 } from '@peculiar/utils';
import { NAME_ATTRIBUTE_SHORT } from '../cert/oids';
import { summarizeCertificate } from '../cert/summarize';
import { CertbenchError, formatBytes } from '../errors';
import { finding, type Evidence, type Finding } from '../findings/catalogue';
import { CA_NAMES_LIMIT, CA_NAMES_OLD_LIMIT, storeFindings } from '../findings/stores';
import type { KeyLocation, Store, StoreCertificate, StoreRole } from '../model/store';
import { parseCertutilStore, type CertutilCertificate } from '../stores/certutil-text';
import { formatListValue, parseFormatList } from './format-list';
import { stripPasteNoise } from './paste-noise';

/**
 * The server's own certificate stores, attached as a file. Helpdesk staff diagnose an
 * IIS server from their own PC, yet two of the field's top causes sit in the SERVER's
 * LocalMachine\Root: a non-self-signed certificate there (KB 2802568: 403.7 / 403.16) and roots whose
 * names add up past 16 KB (KB 933430, 2801679, 2880390; reference section 6). Two formats, told
 * apart by content:
 *
 * 1. PowerShell JSON with every certificate's bytes (STORE_EXPORT_COMMAND): locale-independent and
 *    exact, so the certificates become real StoreCertificates and the usual storeFindings judge them.
 * 2. `certutil -store Root` text (reference section 1): no certificate bytes, so only what the text
 *    proves is raised: "Non-root Certificate" lines, and NotAfter dates that can be read without
 *    guessing the locale. The CA-name size is an estimate from the printed subjects, and says so.
 */

/** What the user runs on the server (an administrator prompt is not needed to read these stores). */
export const STORE_EXPORT_COMMAND =
  "Get-ChildItem Cert:\\LocalMachine\\Root, Cert:\\LocalMachine\\CA, Cert:\\LocalMachine\\ClientAuthIssuer | Select-Object @{n='Store';e={$_.PSParentPath -replace '.*::',''}}, Thumbprint, @{n='RawData';e={[Convert]::ToBase64String($_.RawData)}} | ConvertTo-Json -Compress > stores.json";

/** Bounds: a machine Root store holds a few hundred certificates; 5,000 covers Root, CA and more. */
export const STORE_EXPORT_MAX_BYTES = 32 * 1024 * 1024;
export const STORE_EXPORT_MAX_CERTIFICATES = 5_000;

/** What one export adds to the server evidence. `findings` are those raised directly (certutil text). */
export interface StoreExport {
  stores: Store[];
  certificates: StoreCertificate[];
  notes: string[];
  findings: Finding[];
}

/** Store names as Windows spells them, with their role and what the MMC calls them. */
const STORE_NAMES: Record<string, { role: StoreRole; label: string }> = {
  root: { role: 'root', label: 'Trusted Root Certification Authorities' },
  ca: { role: 'intermediate', label: 'Intermediate Certification Authorities' },
  my: { role: 'personal', label: 'Personal' },
  clientauthissuer: { role: 'other', label: 'Client Authentication Issuers' },
  trustedpeople: { role: 'trusted-people', label: 'Trusted People' },
  trustedpublisher: { role: 'trusted-publisher', label: 'Trusted Publishers' },
  disallowed: { role: 'disallowed', label: 'Untrusted Certificates' },
  webhosting: { role: 'web-hosting', label: 'Web Hosting' },
  // Cert:\LocalMachine\Root already lists AuthRoot's certificates (it is one of Root's physical
  // stores), so AuthRoot is shown but not judged a second time.
  authroot: { role: 'other', label: 'Third-Party Root Certification Authorities' },
};

/** "LocalMachine\Root" from "Microsoft.PowerShell.Security\Certificate::LocalMachine\Root", "Cert:\LocalMachine\Root" or "Root". */
export function storePathOf(raw: string): { location: 'LocalMachine' | 'CurrentUser'; name: string } | null {
  const text = raw.trim().replace(/^.*::/, '').replace(/^Cert:\\?/i, '').replace(/\\+$/, '');
  const parts = text.split('\\').filter(Boolean);
  if (!parts.length || parts.length > 2) return null;
  const name = parts[parts.length - 1]!;
  if (!/^[\w .-]{1,64}$/.test(name)) return null;
  const location = parts.length === 2 ? (/^CurrentUser$/i.test(parts[0]!) ? 'CurrentUser' : /^LocalMachine$/i.test(parts[0]!) ? 'LocalMachine' : null) : 'LocalMachine';
  return location ? { location, name } : null;
}

/** A server store as plain data: id "server:LocalMachine\Root", labelled with the file it came from. */
export function serverStore(path: { location: string; name: string }, file: string, count: number, error: string | null = null): Store {
  const known = STORE_NAMES[path.name.toLowerCase()];
  const role = path.location === 'LocalMachine' ? (known?.role ?? 'other') : 'other';
  return {
    id: `server:${path.location}\\${path.name}`,
    kind: 'windows',
    role,
    label: `Server: ${known?.label ?? path.name}${path.location === 'CurrentUser' ? ' (current user)' : ''} (${file})`,
    location: file,
    // Only the machine Root store anchors chains for Schannel (and only it is judged as trusted roots).
    trusted: role === 'root' && path.name.toLowerCase() === 'root',
    certificateCount: count,
    error,
  };
}

/** "LocalMachine\Root" of a server store id (ids may carry "#2" when two files export the same store). */
export function serverStorePath(store: Store): string {
  return store.id.replace(/^server:/, '').replace(/#\d+$/, '');
}

// ---------------------------------------------------------------------------------------------
// Recognition

/** The PowerShell export: JSON whose objects carry RawData with a Thumbprint or a store path. */
export function looksLikeStoreJson(head: string): boolean {
  const start = head.replace(/^\uFEFF/, '').trimStart();
  return (start.startsWith('[') || start.startsWith('{')) && /"RawData"\s*:/.test(start) && /"(?:Thumbprint|Store|PSParentPath)"\s*:/.test(start);
}

/** certutil -store text: a "Certificate N" separator and a Cert Hash(sha1) line (reference section 1). */
export function looksLikeCertutilStore(head: string): boolean {
  return /^=+ *\S+ +\d+ *=+ *$/m.test(head) && /\(sha1\)\s*:\s*(?:[0-9a-f]{2} ?){19}[0-9a-f]{2}\s*$/im.test(head);
}

// ---------------------------------------------------------------------------------------------
// PowerShell JSON

const NO_KEY: KeyLocation = {
  status: 'unknown',
  provider: null,
  providerKind: null,
  container: null,
  uniqueName: null,
  path: null,
  exportable: null,
  detail: 'The store export carries certificates only; the server\'s keys were not read.',
};

/** RawData as PowerShell may write it: base64 text, a byte array (ConvertTo-Json of byte[]), or {value: [...]}. */
function rawBytes(raw: unknown): Uint8Array | null {
  if (typeof raw === 'string') {
    const clean = raw.replace(/\s+/g, '');
    if (!clean || !/^[A-Za-z0-9+/]+={0,2}$/.test(clean)) return null;
    try {
      return base64.decode(clean);
    } catch {
      return null;
    }
  }
  if (raw && typeof raw === 'object' && !Array.isArray(raw) && 'value' in raw) return rawBytes((raw as { value: unknown }).value);
  if (Array.isArray(raw) && raw.length > 0 && raw.every((b) => Number.isInteger(b) && (b as number) >= 0 && (b as number) <= 255)) return Uint8Array.from(raw as number[]);
  return null;
}

const field = (o: Record<string, unknown>, name: string): unknown => {
  const key = Object.keys(o).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : o[key];
};

/**
 * Parse the PowerShell export (STORE_EXPORT_COMMAND). Tolerates one object instead of an array
 * (PowerShell 5.1 unwraps a single result), RawData as a byte array, and a full PSParentPath in
 * place of the Store column. The text is already decoded (decodeText: UTF-16LE with BOM from `>`).
 */
export async function parseStoreExportJson(text: string, file: string, at: Date): Promise<StoreExport> {
  if (text.length > STORE_EXPORT_MAX_BYTES) throw new CertbenchError('too-large', `${file}: ${formatBytes(text.length)} is more than the ${formatBytes(STORE_EXPORT_MAX_BYTES)} a store export can be`);
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new CertbenchError('bad-input', `${file}: not valid JSON (${err instanceof Error ? err.message.split('\n')[0] : 'parse error'}); export it again with the command shown on the Server side page`);
  }
  const items = (Array.isArray(data) ? data : [data]).filter((x): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x));
  if (!items.length) throw new CertbenchError('bad-input', `${file}: JSON without certificate objects (expected Store, Thumbprint and RawData)`);
  if (items.length > STORE_EXPORT_MAX_CERTIFICATES) throw new CertbenchError('too-large', `${file}: ${items.length} certificates, more than the ${STORE_EXPORT_MAX_CERTIFICATES} a store export can hold`);

  const stores = new Map<string, Store>();
  const certificates: StoreCertificate[] = [];
  const notes: string[] = [];
  const skipped: string[] = [];
  let unnamed = 0;
  for (const [i, item] of items.entries()) {
    const der = rawBytes(field(item, 'RawData'));
    const given = String(field(item, 'Thumbprint') ?? '').replace(/\s+/g, '').toUpperCase();
    const label = `${file}: certificate ${i + 1}${given ? ` (${given})` : ''}`;
    if (!der) {
      skipped.push(`${given || `#${i + 1}`}: no RawData`);
      continue;
    }
    const storeText = field(item, 'Store') ?? field(item, 'PSParentPath');
    const path = typeof storeText === 'string' ? storePathOf(storeText) : null;
    if (!path) unnamed++;
    const where = path ?? { location: 'Unknown', name: 'Store' };
    const id = `server:${where.location}\\${where.name}`;
    let store = stores.get(id.toLowerCase());
    if (!store) {
      store = path ? serverStore(path, file, 0) : { ...serverStore({ location: 'Unknown', name: 'Store' }, file, 0), label: `Server: a store the export does not name (${file})` };
      stores.set(id.toLowerCase(), store);
    }
    let summary;
    try {
      summary = await summarizeCertificate(label, der, at);
    } catch (err) {
      skipped.push(`${given || `#${i + 1}`}: ${err instanceof Error ? err.message.replace(`${label}: `, '') : 'unreadable'}`);
      continue;
    }
    if (given && /^[0-9A-F]{40}$/.test(given) && given !== summary.thumbprintSha1) notes.push(`${file}: the Thumbprint ${given} does not match its RawData (${summary.thumbprintSha1}); the bytes were used`);
    const friendly = field(item, 'FriendlyName');
    certificates.push({ storeId: store.id, friendlyName: typeof friendly === 'string' && friendly ? friendly : null, summary, key: NO_KEY, file: null, trustFlags: null });
    store.certificateCount++;
  }
  if (!certificates.length) throw new CertbenchError('bad-input', `${file}: none of its ${items.length} object(s) held a readable certificate in RawData${skipped[0] ? ` (${skipped[0]})` : ''}`);
  if (skipped.length) notes.push(`${file}: ${skipped.length} certificate(s) could not be read and were left out: ${skipped.slice(0, 3).join('; ')}${skipped.length > 3 ? '; ...' : ''}`);
  if (unnamed) notes.push(`${file}: ${unnamed} certificate(s) do not say which store they are in, so the trusted-root checks were not run on them; export with the Store column (the command on the Server side page)`);
  return { stores: [...stores.values()], certificates, notes, findings: [] };
}

/**
 * The store.* findings of server stores: storeFindings' rules, said of the server. Titles name the
 * server (so Diagnose never merges them with this machine's findings of the same id), evidence
 * says "on the server (<file>)", and `store` is "LocalMachine\Root" as the fix scripts expect.
 */
export function serverStoreFindings(stores: Store[], certificates: StoreCertificate[]): Finding[] {
  return stores.flatMap((store) =>
    storeFindings([store], certificates).map((f) => ({
      ...f,
      title: f.title.replace(/the trusted root store|The trusted roots'/, (m) => (m.startsWith('The') ? "The server's trusted roots'" : "the server's trusted root store")),
      evidence: f.evidence.map((e) => (e.kind === 'more' ? e : { ...e, text: `${e.text} on the server (${store.location})` })),
      ...(f.params ? { params: { ...f.params, store: serverStorePath(store) } } : {}),
    })),
  );
}

// ---------------------------------------------------------------------------------------------
// certutil -store text

/**
 * NotAfter as certutil prints it, only where the reading does not depend on a guess: "8/2/2027 11:16
 * PM" (en-US, month first) and "02.08.2027 23:16" (German, day first) are read, and a slash date is
 * judged only when reading it month-first and day-first agree on expiry (en-GB prints the same
 * digits day-first). The server's time zone is unknown, so a day of margin is kept.
 * Returns true/false, or null when it cannot be judged honestly.
 */
export function certutilExpired(notAfter: string | null, at: Date): boolean | null {
  if (!notAfter) return null;
  const text = notAfter.trim();
  let readings: Date[] = [];
  const slash = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::\d{2})?\s*([AP]M)?)?$/i.exec(text);
  const dotted = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::\d{2})?)?$/.exec(text);
  const make = (y: number, m: number, d: number, h: number, min: number) => {
    const date = new Date(Date.UTC(y, m - 1, d, h, min));
    return date.getUTCMonth() === m - 1 && date.getUTCDate() === d ? date : null;
  };
  if (slash) {
    const [a, b, y] = [Number(slash[1]), Number(slash[2]), Number(slash[3])];
    let h = Number(slash[4] ?? 0);
    const min = Number(slash[5] ?? 0);
    if (slash[6]) h = (h % 12) + (/pm/i.test(slash[6]) ? 12 : 0);
    readings = [make(y, a, b, h, min), make(y, b, a, h, min)].filter((d): d is Date => d !== null);
  } else if (dotted) {
    const d = make(Number(dotted[3]), Number(dotted[2]), Number(dotted[1]), Number(dotted[4] ?? 0), Number(dotted[5] ?? 0));
    readings = d ? [d] : [];
  }
  if (!readings.length) return null;
  const DAY = 86_400_000;
  if (readings.every((d) => d.getTime() + DAY < at.getTime())) return true;
  if (readings.every((d) => d.getTime() - DAY > at.getTime())) return false;
  return null;
}

/** The DER content length header: tag + length octets for `n` content bytes. */
const tlv = (n: number) => 1 + (n < 0x80 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 4) + n;

/** Windows prints S for stateOrProvinceName and I for initials; the rest are the usual short names. */
const NAME_OID: Record<string, string> = {
  ...Object.fromEntries(Object.entries(NAME_ATTRIBUTE_SHORT).map(([oid, short]) => [short.toUpperCase(), oid])),
  S: '2.5.4.8',
  I: '2.5.4.43',
  EMAIL: '1.2.840.113549.1.9.1',
};

function oidBytes(oid: string): number {
  const arcs = oid.split('.').map(Number);
  if (arcs.length < 2 || arcs.some((a) => !Number.isFinite(a))) return 3;
  const base128 = (n: number) => (n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5);
  return base128(arcs[0]! * 40 + arcs[1]!) + arcs.slice(2).reduce((s, a) => s + base128(a), 0);
}

/** Split a Windows DN at separators outside "quotes" ("" is an escaped quote inside them). */
function splitOutside(text: string, sep: RegExp): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') quoted = !quoted;
    if (!quoted && sep.test(ch)) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  out.push(cur);
  return out;
}

const utf8Length = (s: string) => {
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
};

/**
 * Bytes a certutil-printed subject ("CN=Contoso Root, O=Contoso, C=US") takes in a certificate
 * request's CA list: 2-byte length + DER Name (RFC 5246 7.4.4), rebuilt from the text. An ESTIMATE:
 * the text does not say which string type each value had (a BMPString takes twice the bytes).
 */
export function estimateNameBytes(subject: string): number {
  const rdns = subject.trim() ? splitOutside(subject, /,/).map((r) => r.trim()).filter(Boolean) : [];
  let seq = 0;
  for (const rdn of rdns) {
    let set = 0;
    for (const atv of splitOutside(rdn, /\+/)) {
      const eq = atv.indexOf('=');
      const type = (eq < 0 ? 'CN' : atv.slice(0, eq)).trim();
      let value = (eq < 0 ? atv : atv.slice(eq + 1)).trim();
      if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1).replace(/""/g, '"');
      const oid = /^OID\./i.test(type) ? type.slice(4) : (NAME_OID[type.toUpperCase()] ?? '2.5.4.3');
      set += tlv(tlv(oidBytes(oid)) + tlv(utf8Length(value)));
    }
    seq += tlv(set);
  }
  return 2 + tlv(seq);
}

/** A certificate as a text listing prints it (certutil -store, or Format-List of the Cert: drive): no bytes. */
export interface PrintedCertificate {
  subject: string | null;
  thumbprintSha1: string | null;
  notAfter: string | null;
  /** Does the listing say the certificate is its own issuer? null when it does not say. */
  selfIssued: boolean | null;
}

const printedLine = (c: PrintedCertificate) => `${c.subject ?? '(no subject printed)'} (${c.thumbprintSha1 ?? 'no thumbprint printed'})`;

function listEvidence(items: Evidence[], max = 20): Evidence[] {
  return items.length <= max ? items : [...items.slice(0, max), { kind: 'more', text: `and ${items.length - max} more` }];
}

/** How one text format is named in notes and findings. */
interface PrintedFormat {
  /** "certutil -store Root text", "Get-ChildItem Cert:\LocalMachine\Root | Format-List text". */
  head: string;
  /** The words for a certificate whose issuer is someone else: 'that certutil marks "Non-root Certificate"'. */
  nonRootWords: string;
  /** The count in the summary note: 'marked Non-root Certificate'. */
  nonRootCount: string;
}

/**
 * The findings a text listing of the server's store proves (no certificate bytes, so no
 * StoreCertificate can be made honestly: the schema holds the DER): the store is listed with its
 * count, one note sums the export up, and KB 2802568's non-self-signed certificates, expired roots and
 * the 16 KB estimate are raised here directly, with the params the fix scripts read.
 */
function judgePrintedStore(path: { location: 'LocalMachine' | 'CurrentUser'; name: string } | null, certs: PrintedCertificate[], file: string, at: Date, format: PrintedFormat, extraNotes: string[], assumption = ''): StoreExport {
  if (certs.length > STORE_EXPORT_MAX_CERTIFICATES) throw new CertbenchError('too-large', `${file}: ${certs.length} certificates, more than the ${STORE_EXPORT_MAX_CERTIFICATES} a store export can hold`);
  const exact = `attach the PowerShell JSON export for exact figures: ${STORE_EXPORT_COMMAND}`;
  const store = serverStore(path ?? { location: 'Unknown', name: 'Store' }, file, certs.length, `${format.head.replace(/ text$/, '')} carries no certificate bytes: findings come from what it prints; ${exact}`);
  if (!path) store.label = `Server: a store the text does not name (${file})`;
  const isRoot = store.trusted;
  const notes: string[] = [];
  const findings: Finding[] = [];
  const done = (): StoreExport => ({ stores: [store], certificates: [], notes: [...notes, ...extraNotes], findings });
  const storeName = `${path?.location ?? 'LocalMachine'}\\${path?.name ?? 'Store'}`;
  const params = (list: PrintedCertificate[]): Record<string, string> | undefined => {
    const withHash = list.filter((c) => c.thumbprintSha1);
    if (!withHash.length) return undefined;
    return { store: storeName, thumbprints: withHash.map((c) => c.thumbprintSha1!).join(','), thumbprint: withHash[0]!.thumbprintSha1!, subject: withHash[0]!.subject ?? '' };
  };
  const where = ` on the server (${file})`;
  const head = `${file}: ${format.head}, ${certs.length} certificate(s)`;
  if (!isRoot) {
    const why = path?.location === 'CurrentUser' ? `this is the CurrentUser\\${path.name} store, not the machine's` : path ? '' : ' (the text does not name its store)';
    notes.push(`${head}; the trusted-root checks apply to LocalMachine\\Root only${why && !why.startsWith(' ') ? `: ${why}` : why}${assumption}`);
    return done();
  }

  // KB 2802568: a certificate whose issuer is not itself, in the trusted root store.
  const nonRoot = certs.filter((c) => c.selfIssued === false);
  if (nonRoot.length) {
    const p = params(nonRoot);
    findings.push(
      finding(
        'store.non-self-signed-in-root',
        "A non-self-signed certificate sits in the server's trusted root store",
        `${store.label} holds ${nonRoot.length} certificate(s) ${format.nonRootWords}: their issuer is not the certificate itself. Windows then stops sending the trusted CA list and IIS can answer 403.7 or 403.16 to valid client certificates (KB 2802568); move them to Intermediate Certification Authorities.`,
        listEvidence(nonRoot.map((c) => ({ kind: 'certificate', text: `${printedLine(c)}${where}` }))),
        p ? { params: p } : {},
      ),
    );
  }

  const judged = certs.map((c) => ({ c, expired: certutilExpired(c.notAfter, at) }));
  const expired = judged.filter((j) => j.expired === true).map((j) => j.c);
  const unjudged = judged.filter((j) => j.expired === null).length;
  if (expired.length) {
    const p = params(expired);
    findings.push(
      finding(
        'store.expired-roots',
        "Expired certificates in the server's trusted root store",
        `${store.label} holds ${expired.length} expired certificate(s). They no longer anchor any chain and still count toward the CA list the server sends.`,
        listEvidence(expired.map((c) => ({ kind: 'certificate', text: `${printedLine(c)}, expired ${c.notAfter}${where}` }))),
        p ? { params: p } : {},
      ),
    );
  }

  const estimate = certs.reduce((sum, c) => sum + estimateNameBytes(c.subject ?? ''), 0);
  if (estimate > CA_NAMES_LIMIT) {
    findings.push(
      finding(
        'store.root-names-too-large',
        "The server's trusted roots' names add up past the 16 KB limit",
        `The ${certs.length} certificates of ${store.label} have names estimated at ${estimate} bytes in a certificate request (from the printed subjects), more than ${CA_NAMES_LIMIT} (some Windows versions stop at ${CA_NAMES_OLD_LIMIT}). Schannel then sends no CA names or fails the handshake (KB 933430); remove unneeded roots or use a Certificate Trust List on the binding.`,
        [{ kind: 'size', text: `about ${estimate} bytes of CA names (estimated) from ${certs.length} certificates${where}` }],
        { params: { store: storeName } },
      ),
    );
  }
  notes.push(
    `${head}: ${nonRoot.length} ${format.nonRootCount}, ${expired.length} expired${unjudged ? ` (expiry not judged for ${unjudged}: their NotAfter dates are in a format that cannot be read without guessing the locale)` : ''}; CA names estimated at ${estimate} bytes (exact size needs the certificates' bytes: ${exact})${assumption}`,
  );
  return done();
}

/**
 * `certutil [-user] -store <name>` text from the server, as a file or pasted. The store's location
 * comes from the echoed command when its prompt row was pasted (`-user`: CurrentUser); without it,
 * certutil's default (LocalMachine) is assumed, and a note says so.
 */
export function parseCertutilStoreExport(text: string, file: string, at: Date): StoreExport {
  if (text.length > STORE_EXPORT_MAX_BYTES) throw new CertbenchError('too-large', `${file}: ${formatBytes(text.length)} is more than the ${formatBytes(STORE_EXPORT_MAX_BYTES)} a store export can be`);
  const dump = parseCertutilStore(text);
  if (dump.failure && !dump.certificates.length) throw new CertbenchError('bad-input', `${file}: certutil failed on the server: ${dump.failure}`);
  if (!dump.certificates.length) throw new CertbenchError('bad-input', `${file}: certutil -store output without any certificate`);
  const named = dump.store ? storePathOf(dump.store) : null;
  const path = named ? { location: dump.location ?? named.location, name: named.name } : null;
  const extra: string[] = [];
  if (dump.pasteSummary) extra.push(`${file}: ${dump.pasteSummary}`);
  const assumption = path && !dump.location ? `; the text does not show the certutil command, so the store is taken as LocalMachine\\${path.name} (certutil's default; "certutil -user" prints the same for CurrentUser)` : '';
  const certs: PrintedCertificate[] = dump.certificates.map((c: CertutilCertificate) => ({ subject: c.subject, thumbprintSha1: c.thumbprintSha1, notAfter: c.notAfter, selfIssued: c.rootCertificate }));
  return judgePrintedStore(path, certs, file, at, { head: `certutil ${path?.location === 'CurrentUser' ? '-user ' : ''}-store ${dump.store ?? '(store not named)'} text`, nonRootWords: 'that certutil marks "Non-root Certificate"', nonRootCount: 'marked Non-root Certificate' }, extra, assumption);
}

// ---------------------------------------------------------------------------------------------
// Get-ChildItem Cert:\... | Format-List text

/** The commands that list the Cert: drive (Get-ChildItem and its aliases, Get-Item), piped to Format-List or not. */
const CERT_LIST_COMMAND = /\b(?:Get-ChildItem|gci|dir|ls|Get-Item|gi)\b/i;
const THUMBPRINT_ROW = /^Thumbprint\s*: [0-9A-F]{40}\s*$/im;

/** Format-List of certificates: every object prints Subject, Issuer and a 40-hex Thumbprint (property names are never localized). */
export function looksLikeCertFormatList(head: string): boolean {
  return THUMBPRINT_ROW.test(head) && /^Subject\s*: /im.test(head) && /^Issuer\s*: /im.test(head) && /^(?:NotAfter|PSParentPath)\s*: /im.test(head);
}

/** "Cert:\LocalMachine\Root" in a command or a prompt ("PS Cert:\CurrentUser\My>"), as a store path. */
function certDrivePath(text: string | null): { location: 'LocalMachine' | 'CurrentUser'; name: string } | null {
  const m = text ? /Cert:\\(LocalMachine|CurrentUser)\\([\w .-]{1,64}?)(?=[\\\s|>'"]|$)/i.exec(text) : null;
  return m ? storePathOf(`${m[1]}\\${m[2]}`) : null;
}

/**
 * `Get-ChildItem Cert:\LocalMachine\Root | Format-List` (the list view: Subject, Issuer, Thumbprint,
 * FriendlyName, NotBefore, NotAfter, Extensions; or `Format-List *` with PSParentPath), as a file or
 * pasted. The store comes from PSParentPath, else the echoed command, else the prompt (`PS
 * Cert:\LocalMachine\Root> dir | fl`). Judged like certutil text: a certificate whose Issuer differs
 * from its Subject is what Microsoft's own check for KB 2802568 looks for (`$_.Issuer -ne $_.Subject`).
 */
export function parseCertFormatListExport(text: string, file: string, at: Date): StoreExport {
  if (text.length > STORE_EXPORT_MAX_BYTES) throw new CertbenchError('too-large', `${file}: ${formatBytes(text.length)} is more than the ${formatBytes(STORE_EXPORT_MAX_BYTES)} a store export can be`);
  const paste = stripPasteNoise(text, { command: CERT_LIST_COMMAND });
  const { objects } = parseFormatList(paste.lines);
  const certs = objects.filter((o) => /^[0-9A-F]{40}$/i.test(formatListValue(o, 'Thumbprint')?.value ?? ''));
  if (!certs.length) throw new CertbenchError('bad-input', `${file}: no certificate in this Format-List text (each needs a Thumbprint row of 40 hex digits)`);
  const parents = new Set(certs.map((o) => formatListValue(o, 'PSParentPath')?.value).filter((v): v is string => !!v));
  if (parents.size > 1) throw new CertbenchError('bad-input', `${file}: certificates of ${parents.size} stores in one Format-List text (${[...parents].slice(0, 3).join(', ')}); list one store per file`);
  const path = (parents.size ? storePathOf([...parents][0]!) : null) ?? certDrivePath(paste.command) ?? certDrivePath(paste.prompt);
  const printed: PrintedCertificate[] = certs.map((o) => {
    const subject = formatListValue(o, 'Subject')?.value ?? null;
    const issuer = formatListValue(o, 'Issuer')?.value ?? null;
    const norm = (n: string) => n.replace(/\s*,\s*/g, ',').trim().toLowerCase();
    return {
      subject,
      thumbprintSha1: formatListValue(o, 'Thumbprint')!.value.toUpperCase(),
      notAfter: formatListValue(o, 'NotAfter')?.value.replace(/(\d{1,2}:\d{2}):\d{2}/, '$1') ?? null,
      selfIssued: subject !== null && issuer !== null ? norm(subject) === norm(issuer) : null,
    };
  });
  const extra = paste.summary ? [`${file}: ${paste.summary}`] : [];
  const where = path ? `Cert:\\${path.location}\\${path.name}` : 'Cert:\\(store not named)';
  const assumption = path ? '' : '; the text names no store (no PSParentPath, and no Get-ChildItem Cert:\\... command or Cert: prompt was pasted)';
  return judgePrintedStore(path, printed, file, at, { head: `Get-ChildItem ${where} | Format-List text`, nonRootWords: 'whose Issuer differs from their Subject', nonRootCount: 'with an Issuer other than their Subject' }, extra, assumption);
}

/** Parse any export format (recognised by content); throws a one-line error when it is none of them. */
export async function parseStoreExport(text: string, file: string, at: Date): Promise<StoreExport> {
  if (looksLikeStoreJson(text)) return parseStoreExportJson(text, file, at);
  if (looksLikeCertutilStore(text)) return parseCertutilStoreExport(text, file, at);
  if (looksLikeCertFormatList(text)) return parseCertFormatListExport(text, file, at);
  throw new CertbenchError('bad-input', `${file}: neither a PowerShell store export (JSON with RawData), certutil -store output, nor Get-ChildItem Cert:\\... | Format-List text`);
}

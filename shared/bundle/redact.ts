// One file because every learner and every applier of the two-phase redactor closes over one
// RedactorState (the value-to-pseudonym mapping and its counters): split, that state would have to be
// exported, and a caller could apply a mapping before learning from every file of the bundle had ended.
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8Bytes } from '../cert/containers/pbe';
import type { RedactionKind } from '../model/bundle';
import {
  DN_TYPES,
  IPV4,
  IPV6,
  LiteralMatcher,
  SID,
  canonicalIpv6,
  dnValuesInText,
  fold,
  keepIpv4,
  keepIpv6,
  mapPieces,
  regexStage,
  spaceSpellings,
  type DnValue,
  type Piece,
} from './redact-text';

/**
 * Redaction of a diagnostic bundle ("host names, user and account names, IPs, certificate
 * subjects replaced by stable pseudonyms, consistently across every file of the bundle").
 *
 * Two phases, so a value seen in one file is replaced in every other: `learn` takes every document
 * of the bundle (report, store listing, commands) and records the sensitive values found in the
 * places the models put them (probe targets, SANs, URLs, DN attributes, ACL principals, identities,
 * app pools, user folders of paths, and the same shapes in free text); the first `json` or `text`
 * call then applies one mapping everywhere: the whole string when it is a learned value, DN values
 * in DN syntax, every learned value of three characters or more wherever it stands as a whole word,
 * IPv4/IPv6 addresses and account SIDs anywhere. Pseudonyms: host-1.example (host-1 for a single
 * label), user-1 / group-1 / DOMAIN-1 / pool-1, 10.255.0.1 / fd00::1, "Subject 1" (CN),
 * "Organization 1" (O), "Unit 1" (OU), "Value 1" (other DN attributes), person-1@example.invalid,
 * file-1.pem (a certificate's file name, with 'subjects'). A learned name with spaces is also
 * replaced as URL paths spell it ("Contoso%20Issuing%20CA.crl" -> "Subject%202.crl").
 *
 * Limits, said plainly (the export UI and the manifest repeat the first):
 * - Certificates cannot be rewritten (their signatures cover the names): with 'subjects' or 'hosts'
 *   the bundle leaves certs/ out, and DER, PEM and undecoded extension bytes are stripped from the
 *   JSON (`dropsCertificates`). With only 'accounts' or 'ips' certificates stay in, and their DER
 *   may still hold a UPN, an e-mail address or an IP address SAN.
 * - Thumbprints, fingerprints, serial numbers and key ids are kept: findings, fixes and the store
 *   listing refer to certificates by them. A public server certificate's fingerprint can be looked
 *   up in Certificate Transparency logs, which names its host.
 * - Free text is matched against what was learned: a host name that appears only in prose (not in a
 *   URL, a SAN, a probe target, a binding or a DN) is not recognised; account names are learned from
 *   ACLs, identities, app pools, "IIS APPPOOL\X", getfacl/icacls lines and user folders of paths.
 * - Values shorter than three characters are replaced where they stand as a whole field or a DN
 *   value, not inside prose (replacing "al" everywhere would wreck the text).
 * - Loopback, unspecified and broadcast addresses (127.x, 0.x, ::, ::1) and well-known principals
 *   (SYSTEM, Administrators, Everyone, root, NT AUTHORITY\..., BUILTIN\...) are kept: they identify
 *   nothing and decide many findings.
 * - Base64 of PowerShell -EncodedCommand is opaque here; the exporter decodes, redacts and
 *   re-encodes it.
 */
export interface Redactor {
  readonly kinds: readonly RedactionKind[];
  /** True when nothing is redacted (json and text return their input unchanged). */
  readonly none: boolean;
  /** Subjects or hosts are redacted: certificates must be left out (see the limits above). */
  readonly dropsCertificates: boolean;
  /** Record the sensitive values of one document (any JSON value) before anything is redacted. */
  learn(value: unknown): void;
  /** Record the sensitive values of free text (a command's output). */
  learnText(text: string): void;
  /** A redacted deep copy of a JSON value. */
  json<T>(value: T): T;
  text(text: string): string;
  /** How many distinct values of each kind were given pseudonyms ("hosts": 3, ...). */
  counts(): Record<string, number>;
  /**
   * What redaction must have removed, for the proof scan (redaction-proof.ts): every learned value
   * that is replaced wherever it stands as a word (three characters or more, not a bare number),
   * every IP address and SID replaced, each with its kind; and every pseudonym given.
   */
  replaced(): { originals: { value: string; kind: string }[]; pseudonyms: string[] };
}

type Category = 'host' | 'site' | 'user' | 'group' | 'domain' | 'pool' | 'email' | 'cn' | 'o' | 'ou' | 'attr' | 'file' | 'ip4' | 'ip6' | 'sid';

const COUNT_NAMES: Record<Category, string> = {
  host: 'host names',
  site: 'IIS site names',
  user: 'user names',
  group: 'group names',
  domain: 'domain names',
  pool: 'app pool names',
  email: 'e-mail addresses',
  cn: 'common names',
  o: 'organizations',
  ou: 'organizational units',
  attr: 'other name attributes',
  file: 'certificate file names',
  ip4: 'IPv4 addresses',
  ip6: 'IPv6 addresses',
  sid: 'account SIDs',
};

/** One value of each category, for the proof scan's messages. */
const KIND_NAMES: Record<Category, string> = {
  host: 'host name', site: 'IIS site name', user: 'user name', group: 'group name', domain: 'domain name', pool: 'app pool name', email: 'e-mail address',
  cn: 'certificate subject', o: 'organization', ou: 'organizational unit', attr: 'name attribute', file: 'certificate file name', ip4: 'IPv4 address', ip6: 'IPv6 address', sid: 'account SID',
};

/** Windows domains whose accounts are built in: kept (their names identify nothing). */
const KEEP_DOMAINS = new Set(['nt authority', 'builtin', 'nt service', 'application package authority', 'nt virtual machine', 'window manager', 'font driver host']);
/** Principals every machine has, on Windows and POSIX: kept. */
const KEEP_ACCOUNTS = new Set([
  'everyone', 'system', 'local system', 'creator owner', 'creator group', 'owner rights', 'administrators', 'administrator', 'users', 'guests',
  'authenticated users', 'iis_iusrs', 'iusr', 'network service', 'local service', 'trustedinstaller', 'interactive', 'network', 'service',
  'batch', 'anonymous logon', 'power users', 'backup operators', 'all application packages', 'all restricted application packages',
  'root', 'nobody', 'nogroup', 'mask', 'other', 'owner', 'group',
]);
/** Documentation hosts cited in findings and fixes; kept when they appear only in a URL in prose. */
const KEEP_URL_HOSTS = new Set(['learn.microsoft.com', 'docs.microsoft.com', 'support.microsoft.com', 'techcommunity.microsoft.com', 'www.rfc-editor.org', 'datatracker.ietf.org', 'tools.ietf.org', 'www.w3.org', 'schemas.microsoft.com']);
const KEEP_HOSTS = new Set(['localhost', 'localhost.localdomain', '*', '']);
/** IIS's own site name on every server: kept. */
const KEEP_SITES = new Set(['default web site']);

/** JSON keys whose values are binary in text form (base64, hex): never rewritten as text, since a replacement would corrupt them. */
const OPAQUE_KEYS = new Set(['derBase64', 'certificatePem', 'chainPem', 'valueHex', 'thumbprintSha1', 'fingerprintSha256', 'publicKeySha256', 'subjectKeyId', 'serialNumber', 'sha256', 'oid', 'zipBase64', 'dataBase64']);
/** Keys stripped when certificates are left out (see dropsCertificates). */
const CERTIFICATE_KEYS: Record<string, unknown> = { derBase64: '', certificatePem: '', chainPem: [], valueHex: null };

const NAME_ATTR_TYPES = new Set(DN_TYPES);
const HOSTNAME = /^(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}\.?$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const URL_HOST = /\b[a-z][a-z0-9+.-]{1,15}:\/\/(?:[^\s/@"'<>]+@)?(\[[0-9a-f:.]+\]|[^\s/:?#"'<>\\,;)\]]+)/gi;
const USER_FOLDER = /(?:\/home\/|\/Users\/|[A-Za-z]:[\\/](?:Users|Documents and Settings)[\\/])([^\\/\s"'<>:;,]+)/g;
const SKIP_FOLDERS = new Set(['public', 'default', 'default user', 'all users', 'shared']);
const APP_POOL = /IIS APPPOOL\\([^\s\\"':,;()<>]+)/gi;
const POSIX_ENTRY = /(?:^|[\s"'])(user|group):([^\s:"',]+):[rwx-]{3}/gm;
const GETFACL_OWNER = /^# (owner|group): (\S+)/gm;
const ICACLS_ENTRY = /(?:^|[\s"'])((?:[^\s\\:"']+ )?[^\s\\:"']+)\\([^\\:"'\n]+?):\(/gm;
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 #]{1,64})-----[\s\S]*?-----END \1-----/g;
const NETSH_HOST = /Hostname:port\s*:\s*([^\s:]+):\d+/g;
/** A certificate or key file's name (the last part of a path): people name them after the subject ("alice.smith.pfx"). */
const CERT_FILE = /^(.+?)(\.(?:pem|cer|crt|der|pfx|p12|p7b|p7c|key|crl))$/i;
/** Bundle files every system has: kept (they name nobody). */
const KEEP_FILES = new Set(['ca-certificates.crt', 'ca-bundle.crt', 'cert.pem', 'tls-ca-bundle.pem', 'ca-bundle.trust.crt']);

/** What one redactor knows and has given: its kinds, every value learned with its pseudonym, the queues still to learn. */
interface RedactorState {
  hosts: boolean;
  accounts: boolean;
  ips: boolean;
  subjects: boolean;
  none: boolean;
  dropsCertificates: boolean;
  seed: string | undefined;
  /** Learned values (folded) -> pseudonym. */
  values: Map<string, { pseudonym: string; category: Category; inText: boolean; raw: string }>;
  /** IP addresses and SIDs as they were written where they were replaced (for replaced()). */
  replacedRaw: Map<string, Category>;
  /** Host names seen where the models put hosts (SANs, targets, URLs, bindings), whatever is redacted: a CN among them reads as a host. */
  hostNames: Set<string>;
  /** Learning runs twice over the documents: hosts first, then everything (so a CN that is also a host gets a host pseudonym). */
  pass: 1 | 2;
  pseudonyms: Set<string>;
  ipMap: Map<string, string>;
  sidMap: Map<string, string>;
  counters: Record<Category, number>;
  used: Record<string, Set<number>>;
  pendingDocs: unknown[];
  pendingTexts: string[];
  matcher: LiteralMatcher | null;
}

function newState(kinds: RedactionKind[], seed: string | undefined): RedactorState {
  const on = new Set(kinds);
  const hosts = on.has('hosts');
  const subjects = on.has('subjects');
  return {
    hosts,
    accounts: on.has('accounts'),
    ips: on.has('ips'),
    subjects,
    none: on.size === 0,
    dropsCertificates: hosts || subjects,
    seed,
    values: new Map(),
    replacedRaw: new Map(),
    hostNames: new Set(),
    pass: 2,
    pseudonyms: new Set(),
    ipMap: new Map(),
    sidMap: new Map(),
    counters: { host: 0, site: 0, user: 0, group: 0, domain: 0, pool: 0, email: 0, cn: 0, o: 0, ou: 0, attr: 0, file: 0, ip4: 0, ip6: 0, sid: 0 },
    used: {},
    pendingDocs: [],
    pendingTexts: [],
    matcher: null,
  };
}

type Allocator = ReturnType<typeof allocator>;

/** Pseudonyms: numbered per category, one per folded value, never given to a value that is itself a pseudonym. */
function allocator(s: RedactorState) {
  /** The next number of a category: in order of appearance, or (with a seed) from a keyed hash so the same value gets the same pseudonym in every bundle made with that seed. */
  const number = (category: Category, key: string): number => {
    s.counters[category]++;
    if (s.seed === undefined) return s.counters[category];
    const taken = (s.used[category] ??= new Set());
    const h = sha256(utf8Bytes(`${s.seed}\u0000${category}\u0000${key}`));
    let n = (((h[0]! << 8) | h[1]!) % 9999) + 1;
    while (taken.has(n)) n = (n % 9999) + 1;
    taken.add(n);
    return n;
  };

  const assign = (raw: string, category: Category, make: (n: number) => string, inText = true): string | null => {
    const value = raw.trim();
    if (!value) return null;
    const key = fold(value);
    if (s.pseudonyms.has(key)) return value;
    const known = s.values.get(key);
    if (known) return known.pseudonym;
    const pseudonym = make(number(category, key));
    s.values.set(key, { pseudonym, category, inText, raw: value });
    s.pseudonyms.add(fold(pseudonym));
    s.matcher = null;
    return pseudonym;
  };

  return { number, assign };
}

type NameLearners = ReturnType<typeof nameLearners>;

/** What each kind of name learns: hosts, accounts (users, groups, domains, app pools), IIS sites, e-mail addresses. */
function nameLearners(s: RedactorState, { assign }: Allocator) {
  const learnHost = (raw: string, fromProse = false) => {
    let h = raw.trim().replace(/\.$/, '');
    if (h.startsWith('[')) return; // an IPv6 literal: the address stage handles it
    if (h.startsWith('*.')) h = h.slice(2);
    const key = fold(h);
    if (HOSTNAME.test(h)) s.hostNames.add(key);
    if (!s.hosts) return;
    if (KEEP_HOSTS.has(key) || key.endsWith('.example') || key.endsWith('.invalid') || (fromProse && KEEP_URL_HOSTS.has(key))) return;
    if (IPV4.test(h) || canonicalIpv6(h) !== null) {
      IPV4.lastIndex = 0;
      return;
    }
    IPV4.lastIndex = 0;
    if (!/^[a-z0-9_.*-]+$/i.test(h)) return;
    assign(h, 'host', (n) => (h.includes('.') ? `host-${n}.example` : `host-${n}`));
  };

  const learnName = (raw: string, category: 'user' | 'group' | 'pool' | 'domain') => {
    const name = raw.trim();
    if (!name || /^\d+$/.test(name) || KEEP_ACCOUNTS.has(fold(name))) return;
    assign(name, category, (n) => (category === 'domain' ? `DOMAIN-${n}` : `${category}-${n}`));
  };

  /** An IIS site name (its own kind: "site-1"), with 'hosts': sites are usually named after the host they serve. */
  const learnSite = (raw: string) => {
    const name = raw.trim().replace(/\/+$/, '');
    if (!s.hosts || !name || name.includes('/') || KEEP_SITES.has(fold(name))) return;
    assign(name, 'site', (n) => `site-${n}`);
  };

  const learnEmail = (raw: string) => {
    assign(raw, 'email', (n) => `person-${n}@example.invalid`);
  };

  /** An account as ACLs, identities and app pools write it: "DOMAIN\user", "IIS AppPool\X", "user:alice", "alice@contoso.com", "alice". */
  const learnAccount = (raw: string, hint: 'user' | 'group' = 'user') => {
    if (!s.accounts) return;
    const name = raw.trim();
    if (!name) return;
    const posix = /^(user|group):(.*)$/.exec(name);
    if (posix) return learnName(posix[2]!, posix[1] as 'user' | 'group');
    const slash = name.indexOf('\\');
    if (slash > 0) {
      const domain = name.slice(0, slash);
      const rest = name.slice(slash + 1);
      const d = fold(domain);
      if (d === 'iis apppool') return learnName(rest, 'pool');
      if (KEEP_DOMAINS.has(d)) return;
      learnName(domain, 'domain');
      return learnName(rest, hint);
    }
    if (EMAIL.test(name)) return learnEmail(name);
    learnName(name, hint);
  };

  /** A certificate's file name (where the report says a certificate came from), with 'subjects': "file-1.pem", the extension kept. */
  const learnFile = (raw: string) => {
    if (!s.subjects || s.pass === 1) return;
    const base = raw.trim().split(/[\\/]/).pop() ?? '';
    const m = CERT_FILE.exec(base);
    if (!m || KEEP_FILES.has(fold(base))) return;
    assign(base, 'file', (n) => `file-${n}${m[2]!.toLowerCase()}`);
  };

  return { learnHost, learnName, learnSite, learnEmail, learnAccount, learnFile };
}

type SubjectLearners = ReturnType<typeof subjectLearners>;

/** Certificate subjects: each DN attribute value, and DN values met in text. */
function subjectLearners(s: RedactorState, { assign }: Allocator) {
  const subjectCategory = (type: string): Category => (type === 'CN' ? 'cn' : type === 'O' ? 'o' : type === 'OU' ? 'ou' : 'attr');

  /** A DN attribute value; host-, address- and mail-shaped values get the pseudonym of their shape. */
  const learnSubject = (typeRaw: string, raw: string): string | null => {
    if (!s.subjects || s.pass === 1) return null;
    const type = typeRaw.toUpperCase();
    if (!NAME_ATTR_TYPES.has(type)) return null;
    const value = raw.trim();
    if (!value) return null;
    const key = fold(value);
    const known = s.values.get(key);
    if (known) return known.pseudonym;
    if (s.pseudonyms.has(key)) return value;
    if (HOSTNAME.test(value) && s.hostNames.has(fold(value.startsWith('*.') ? value.slice(2) : value))) {
      // A CN that names a host seen as one (a SAN, a probed server, a URL) gets a host pseudonym,
      // so the same name reads the same in a URL. A client's CN that only looks like a host name
      // ("alice.smith") is a subject and gets a subject pseudonym.
      const wildcard = value.startsWith('*.');
      const p = assign(wildcard ? value.slice(2) : value, 'host', (n) => `host-${n}.example`);
      return p && wildcard ? `*.${p}` : p;
    }
    if (EMAIL.test(value)) return assign(value, 'email', (n) => `person-${n}@example.invalid`);
    const category = subjectCategory(type);
    const label = category === 'cn' ? 'Subject' : category === 'o' ? 'Organization' : category === 'ou' ? 'Unit' : 'Value';
    // DC labels ("com") and numbers are replaced only where they stand as a DN value.
    const inText = type !== 'DC' && !/^\d+$/.test(value);
    return assign(value, category, (n) => `${label} ${n}`, inText);
  };

  /** The pseudonym of a DN value written in text: the value with its parenthesised part when that is a known name, else the value. */
  const dnValue = (v: DnValue, learnNew: boolean): { pseudonym: string | null; end: number } => {
    if (v.extended) {
      const ext = s.values.get(fold(v.extended.value.trim()));
      if (ext) return { pseudonym: ext.pseudonym, end: v.extended.end };
    }
    const key = fold(v.value.trim());
    if (s.pseudonyms.has(key)) return { pseudonym: null, end: v.end };
    const known = s.values.get(key);
    if (known) return { pseudonym: known.pseudonym, end: v.end };
    return { pseudonym: learnNew ? learnSubject(v.type, v.value) : null, end: v.end };
  };

  return { learnSubject, dnValue };
}

/** Free text: URLs, netsh bindings, user folders, app pools, POSIX and icacls entries, DN values. */
function textLearner(s: RedactorState, n: NameLearners, d: SubjectLearners) {
  const { learnHost, learnName, learnAccount } = n;
  const { dnValue } = d;
  const learnFromText = (text: string) => {
    if (!text) return;
    if (s.hosts) {
      URL_HOST.lastIndex = 0;
      for (let m = URL_HOST.exec(text); m; m = URL_HOST.exec(text)) learnHost(m[1]!, true);
      NETSH_HOST.lastIndex = 0;
      for (let m = NETSH_HOST.exec(text); m; m = NETSH_HOST.exec(text)) learnHost(m[1]!);
    }
    if (s.accounts) {
      USER_FOLDER.lastIndex = 0;
      for (let m = USER_FOLDER.exec(text); m; m = USER_FOLDER.exec(text)) if (!SKIP_FOLDERS.has(fold(m[1]!))) learnName(m[1]!, 'user');
      APP_POOL.lastIndex = 0;
      for (let m = APP_POOL.exec(text); m; m = APP_POOL.exec(text)) learnName(m[1]!, 'pool');
      POSIX_ENTRY.lastIndex = 0;
      for (let m = POSIX_ENTRY.exec(text); m; m = POSIX_ENTRY.exec(text)) learnName(m[2]!, m[1] as 'user' | 'group');
      GETFACL_OWNER.lastIndex = 0;
      for (let m = GETFACL_OWNER.exec(text); m; m = GETFACL_OWNER.exec(text)) learnName(m[2]!, m[1] === 'owner' ? 'user' : 'group');
      ICACLS_ENTRY.lastIndex = 0;
      for (let m = ICACLS_ENTRY.exec(text); m; m = ICACLS_ENTRY.exec(text)) learnAccount(`${m[1]}\\${m[2]}`);
    }
    if (s.subjects && /=/.test(text)) for (const v of dnValuesInText(text)) dnValue(v, true);
  };

  return learnFromText;
}

/** Learning from documents: structured places first (they know what a value is), then every string as text. */
function documentLearner(s: RedactorState, n: NameLearners, d: SubjectLearners, learnFromText: (text: string) => void) {
  const { learnHost, learnName, learnSite, learnEmail, learnAccount, learnFile } = n;
  const { learnSubject } = d;
  /** Structured places first (they know what a value is), then every string as text. */
  const learnStructure = (value: unknown, key: string | null, depth: number): void => {
    if (depth > 64 || value === null || typeof value !== 'object') {
      if (typeof value === 'string' && key !== null) learnField(key, value);
      return;
    }
    if (Array.isArray(value)) {
      for (const v of value) learnStructure(v, key, depth + 1);
      return;
    }
    const o = value as Record<string, unknown>;
    const str = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : null);
    // A DN attribute { oid, type, value }.
    if (str('oid') !== null && str('type') !== null && str('value') !== null) {
      learnSubject(str('type')!.toUpperCase(), str('value')!);
    }
    // A GeneralName { type: dns | ip | email | uri | upn | directory, value }.
    const gnType = str('type');
    if (str('value') !== null && gnType && ['dns', 'ip', 'email', 'uri', 'upn', 'directory', 'registered-id', 'other'].includes(gnType) && str('oid') === null) {
      const v = str('value')!;
      if (gnType === 'dns') learnHost(v);
      if ((gnType === 'email' || gnType === 'upn') && (s.accounts || s.subjects)) learnEmail(v);
      if (gnType === 'email' || gnType === 'upn') learnHost(v.slice(v.indexOf('@') + 1));
    }
    // An ACL principal { name, sid, kind }.
    if (str('name') !== null && 'sid' in o && typeof o.kind === 'string' && !('memberOf' in o)) {
      if (o.kind !== 'well-known' && o.kind !== 'mask' && o.kind !== 'other') learnAccount(str('name')!, o.kind === 'group' ? 'group' : 'user');
    }
    // An identity { name, kind, memberOf, sid }.
    if (str('name') !== null && Array.isArray(o.memberOf)) {
      learnAccount(str('name')!, o.kind === 'group' ? 'group' : 'user');
      for (const g of o.memberOf) if (typeof g === 'string') learnAccount(g, 'group');
    }
    // An ACL { owner, group, entries, raw, platform }.
    if (Array.isArray(o.entries) && 'raw' in o) {
      if (str('owner')) learnAccount(str('owner')!);
      if (str('group')) learnAccount(str('group')!, 'group');
    }
    // IIS app pools { name, identityType, userName } and an application's pool.
    if (str('name') !== null && 'identityType' in o) {
      if (s.accounts) learnName(str('name')!, 'pool');
      if (str('userName')) learnAccount(str('userName')!);
    }
    // An IIS site { name, bindings, applications } and an application's site.
    if (str('name') !== null && Array.isArray(o.bindings) && Array.isArray(o.applications)) learnSite(str('name')!);
    if (str('site') !== null && 'application' in o) learnSite(str('site')!);
    // An HTTP.SYS binding keyed by host name, an IIS site binding "ip:port:host".
    if (o.kind === 'hostnameport' && str('key')) learnHost(str('key')!.replace(/:\d+$/, ''));
    if (str('bindingInformation')) learnHost(str('bindingInformation')!.split(':')[2] ?? '');
    for (const [k, v] of Object.entries(o)) learnStructure(v, k, depth + 1);
  };

  const learnField = (key: string, value: string) => {
    if (OPAQUE_KEYS.has(key)) return;
    if (key === 'host' || key === 'servername' || key === 'hostname') learnHost(value);
    else if (key === 'identity' || key === 'userName') learnAccount(value);
    else if (key === 'applicationPool' && s.accounts) learnName(value, 'pool');
    else if (key === 'binding' && /[a-z]/i.test(value)) learnHost(value.replace(/:\d+$/, ''));
    else if (key === 'site') learnSite(value);
    // Where a certificate came from: the request's file, the certificate's source, each chain link's sources.
    else if (key === 'source' || key === 'sources' || key === 'certificate') learnFile(value);
    if (s.pass === 2) s.pendingTexts.push(value);
  };

  /** Apply everything queued: structure first, then the text of every string (so structured names win their pseudonym's shape). */
  const settle = () => {
    if (!s.pendingDocs.length && !s.pendingTexts.length) return;
    const docs = s.pendingDocs.splice(0);
    s.pass = 1;
    for (const d of docs) learnStructure(d, null, 0);
    s.pass = 2;
    for (const d of docs) learnStructure(d, null, 0);
    for (const t of s.pendingTexts.splice(0)) learnFromText(t);
  };

  return settle;
}

/** The stages that replace IP addresses and SIDs wherever they stand, each with a stable pseudonym. */
function addressStages(s: RedactorState, { number }: Allocator) {
  const ip4Stage = regexStage(IPV4, (m) => {
    if (keepIpv4(m[0])) return null;
    s.replacedRaw.set(m[0], 'ip4');
    let p = s.ipMap.get(m[0]);
    if (!p) {
      const n = number('ip4', m[0]);
      p = `10.255.${(n >> 8) & 255}.${n & 255}`;
      s.ipMap.set(m[0], p);
    }
    return p;
  });

  const ip6Stage = regexStage(IPV6, (m) => {
    const c = canonicalIpv6(m[0]);
    if (!c || keepIpv6(c)) return null;
    s.replacedRaw.set(m[0], 'ip6');
    let p = s.ipMap.get(c);
    if (!p) {
      p = `fd00::${number('ip6', c).toString(16)}`;
      s.ipMap.set(c, p);
    }
    return p;
  });

  const sidStage = regexStage(SID, (m) => {
    s.replacedRaw.set(m[0], 'sid');
    const app = m[1] === '82';
    const domainKey = app ? m[0] : `21-${m[2]}-${m[3]}-${m[4]}`;
    let p = s.sidMap.get(domainKey);
    if (!p) {
      const n = number('sid', domainKey);
      p = app ? `S-1-5-82-0-0-0-0-${n}` : `S-1-5-21-0-0-${n}`;
      s.sidMap.set(domainKey, p);
    }
    // The RID says which account of the domain (500: the built-in Administrator): kept.
    return app ? p : `${p}${m[5] ? `-${m[5]}` : ''}`;
  });

  return { ip4Stage, ip6Stage, sidStage };
}

/** The stages that replace names in the contexts that name them, and PEM blocks (kept, or left out with the certificates). */
function contextStages(s: RedactorState) {
  /** Short learned values in the contexts that name them (user folders, app pools, URLs). */
  const lookup = (raw: string) => s.values.get(fold(raw.trim()))?.pseudonym ?? null;
  const folderStage = regexStage(USER_FOLDER, (m) => {
    const p = lookup(m[1]!);
    return p ? m[0].slice(0, m[0].length - m[1]!.length) + p : null;
  });
  const poolStage = regexStage(APP_POOL, (m) => {
    const p = lookup(m[1]!);
    return p ? m[0].slice(0, m[0].length - m[1]!.length) + p : null;
  });
  const urlStage = regexStage(URL_HOST, (m) => {
    const p = lookup(m[1]!);
    return p ? m[0].slice(0, m[0].length - m[1]!.length) + p : null;
  });

  /** PEM blocks are never rewritten (a replacement inside base64 corrupts it); certificates are left out when names must go. */
  const pemStage = regexStage(PEM_BLOCK, (m) => (s.dropsCertificates && m[1] !== undefined && /CERTIFICATE|PKCS7|CMS/.test(m[1]) ? `[${m[1].toLowerCase()} left out of this redacted bundle]` : m[0]));

  return { folderStage, poolStage, urlStage, pemStage };
}

/** Applying: text through every stage its kinds call for, JSON value by value (binary fields untouched). */
function appliers(s: RedactorState, d: SubjectLearners, a: ReturnType<typeof addressStages>, c: ReturnType<typeof contextStages>, settle: () => void) {
  const { dnValue } = d;
  const { ip4Stage, ip6Stage, sidStage } = a;
  const { folderStage, poolStage, urlStage, pemStage } = c;
  const literalStage = (text: string, out: Piece[]) => {
    if (!s.matcher) {
      s.matcher = new LiteralMatcher();
      for (const [key, v] of s.values) {
        if (!v.inText || key.length < 3) continue;
        s.matcher.add(key, v.pseudonym);
        // The same name as a URL path writes it: "Contoso%20Issuing%20CA.crl" becomes "Subject%202.crl".
        const pseudonyms = spaceSpellings(v.pseudonym);
        spaceSpellings(key).forEach((spelling, i) => s.matcher!.add(spelling, pseudonyms[i] ?? v.pseudonym));
      }
    }
    s.matcher.replace(text, out);
  };

  const dnStage = (text: string, out: Piece[]) => {
    const found = /=/.test(text) ? dnValuesInText(text) : [];
    let from = 0;
    for (const v of found) {
      if (v.start < from) continue;
      const { pseudonym, end } = dnValue(v, true);
      if (!pseudonym) continue;
      if (v.start > from) out.push({ text: text.slice(from, v.start), fixed: false });
      out.push({ text: pseudonym, fixed: true });
      from = end;
    }
    if (from < text.length) out.push({ text: text.slice(from), fixed: false });
  };

  const redactText = (text: string): string => {
    if (s.none || !text) return text;
    settle();
    const exact = s.values.get(fold(text.trim()));
    if (exact && !/^\d+$/.test(text.trim())) return exact.pseudonym;
    let pieces: Piece[] = [{ text, fixed: false }];
    if (text.includes('-----BEGIN ')) pieces = mapPieces(pieces, pemStage);
    if (s.subjects) pieces = mapPieces(pieces, dnStage);
    if (s.values.size) pieces = mapPieces(pieces, literalStage);
    if (s.accounts) pieces = mapPieces(mapPieces(mapPieces(pieces, sidStage), folderStage), poolStage);
    if (s.hosts) pieces = mapPieces(pieces, urlStage);
    if (s.ips) pieces = mapPieces(mapPieces(pieces, ip6Stage), ip4Stage);
    return pieces.length === 1 ? pieces[0]!.text : pieces.map((p) => p.text).join('');
  };

  const redactJson = (value: unknown, key: string | null, depth: number): unknown => {
    if (depth > 64) return value;
    if (typeof value === 'string') return key !== null && OPAQUE_KEYS.has(key) ? value : redactText(value);
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v) => redactJson(v, key, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (s.dropsCertificates && k in CERTIFICATE_KEYS && v !== null && v !== undefined) out[k] = CERTIFICATE_KEYS[k];
      else out[k] = redactJson(v, k, depth + 1);
    }
    return out;
  };

  return { redactText, redactJson };
}

export function createRedactor(kinds: RedactionKind[], seed?: string): Redactor {
  const s = newState(kinds, seed);
  const alloc = allocator(s);
  const names = nameLearners(s, alloc);
  const subject = subjectLearners(s, alloc);
  const settle = documentLearner(s, names, subject, textLearner(s, names, subject));
  const { redactText, redactJson } = appliers(s, subject, addressStages(s, alloc), contextStages(s), settle);
  const { none, dropsCertificates, values, replacedRaw, ipMap, sidMap, counters, pendingDocs, pendingTexts } = s;

  return {
    kinds: [...new Set(kinds)],
    none,
    dropsCertificates,
    learn(value) {
      if (!none) pendingDocs.push(value);
    },
    learnText(text) {
      if (!none) pendingTexts.push(text);
    },
    json<T>(value: T): T {
      if (none) return value;
      settle();
      return redactJson(value, null, 0) as T;
    },
    text: redactText,
    replaced() {
      settle();
      const originals: { value: string; kind: string }[] = [];
      for (const [key, v] of values) if (v.inText && key.length >= 3 && !/^\d+$/.test(key)) originals.push({ value: v.raw, kind: KIND_NAMES[v.category] });
      for (const [raw, c] of replacedRaw) originals.push({ value: raw, kind: KIND_NAMES[c] });
      const given = [...values.values()].flatMap((v) => [v.pseudonym, ...spaceSpellings(v.pseudonym)]);
      return { originals, pseudonyms: [...new Set([...given, ...ipMap.values(), ...sidMap.values()])] };
    },
    counts() {
      settle();
      const out: Record<string, number> = {};
      for (const [c, n] of Object.entries(counters) as [Category, number][]) if (n) out[COUNT_NAMES[c]] = n;
      return out;
    },
  };
}

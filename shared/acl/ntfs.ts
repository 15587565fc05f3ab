// One file because both sources of an NTFS ACL (Get-Acl JSON, pasted icacls text) must map to the same
// access masks (winnt.h) and the same well-known SIDs that the access check then reads; the tables, the
// two parsers and canReadNtfs change together, and apart they would each need their own copy of a right.
import { sha1 } from '@noble/hashes/legacy.js';
import { z } from 'zod';
import { CertbenchError } from '../errors';
import type { Ace, AccessAnswer, Acl, Identity, Principal } from '../model/acl';
import { formatListValue, parseFormatList } from '../server/format-list';
import { stripPasteNoise } from '../server/paste-noise';
import { jsonArray } from '../server/powershell-json';

/**
 * NTFS ACLs of key files (reference/windows-formats.md section 3), pure: Get-Acl as JSON (the primary
 * source: locale-independent, with SIDs) and icacls text (what helpdesk staff paste), both mapped to
 * the shared Acl model, and the access check for "can this identity read the key?". The script that
 * reads them on Windows is electron/platform/windows/acl.ts.
 */

// ---------------------------------------------------------------------------------------------
// Access masks (winnt.h; FileSystemRights is the same bit layout)
// ---------------------------------------------------------------------------------------------

const FILE_READ_DATA = 0x1;
const FILE_WRITE_DATA = 0x2;
const FILE_APPEND_DATA = 0x4;
const FILE_EXECUTE = 0x20;
const DELETE = 0x10000;
const WRITE_DAC = 0x40000;
const WRITE_OWNER = 0x80000;
const FILE_ALL_ACCESS = 0x1f01ff;
const GENERIC_READ = 0x80000000;
const GENERIC_WRITE = 0x40000000;
const GENERIC_EXECUTE = 0x20000000;
const GENERIC_ALL = 0x10000000;
/** The file object's generic mapping (FILE_GENERIC_READ/WRITE/EXECUTE, FILE_ALL_ACCESS). */
const FILE_GENERIC_READ = 0x120089;
const FILE_GENERIC_WRITE = 0x120116;
const FILE_GENERIC_EXECUTE = 0x1200a0;

/** Map GENERIC_* bits to the file-specific rights they stand for, as AccessCheck does. */
function mapGenericFileRights(mask: number): number {
  let m = mask >>> 0;
  let out = m & 0x0fffffff;
  if (m & GENERIC_READ) out |= FILE_GENERIC_READ;
  if (m & GENERIC_WRITE) out |= FILE_GENERIC_WRITE;
  if (m & GENERIC_EXECUTE) out |= FILE_GENERIC_EXECUTE;
  if (m & GENERIC_ALL) out |= FILE_ALL_ACCESS;
  m = out;
  return m >>> 0;
}

/** The model's normalised rights for a (generic-mapped) mask. */
export function rightsOfMask(mask: number): Ace['rights'] {
  const m = mapGenericFileRights(mask);
  const rights: Ace['rights'] = [];
  if (m & FILE_READ_DATA) rights.push('read');
  if (m & (FILE_WRITE_DATA | FILE_APPEND_DATA)) rights.push('write');
  if (m & FILE_EXECUTE) rights.push('execute');
  if (m & DELETE) rights.push('delete');
  if (m & WRITE_DAC) rights.push('change-permissions');
  if (m & WRITE_OWNER) rights.push('take-ownership');
  if ((m & FILE_ALL_ACCESS) === FILE_ALL_ACCESS) rights.push('full');
  return rights;
}

/** icacls's simple and specific rights (icacls /? and reference section 3). */
const ICACLS_RIGHTS: Record<string, number> = {
  F: FILE_ALL_ACCESS,
  M: 0x1301bf,
  RX: 0x1200a9,
  R: 0x120089,
  W: 0x100116,
  N: 0,
  D: DELETE,
  RC: 0x20000,
  WDAC: WRITE_DAC,
  WO: WRITE_OWNER,
  S: 0x100000,
  AS: 0x1000000,
  MA: 0x2000000,
  GR: GENERIC_READ,
  GW: GENERIC_WRITE,
  GE: GENERIC_EXECUTE,
  GA: GENERIC_ALL,
  RD: 0x1,
  WD: 0x2,
  AD: 0x4,
  REA: 0x8,
  WEA: 0x10,
  X: 0x20,
  DC: 0x40,
  RA: 0x80,
  WA: 0x100,
};

/** .NET FileSystemRights names as Get-Acl prints them ("ReadAndExecute, Synchronize"). */
const FILE_SYSTEM_RIGHTS: Record<string, number> = {
  readdata: 0x1,
  listdirectory: 0x1,
  writedata: 0x2,
  createfiles: 0x2,
  appenddata: 0x4,
  createdirectories: 0x4,
  readextendedattributes: 0x8,
  writeextendedattributes: 0x10,
  executefile: 0x20,
  traverse: 0x20,
  deletesubdirectoriesandfiles: 0x40,
  readattributes: 0x80,
  writeattributes: 0x100,
  write: 0x116,
  delete: DELETE,
  readpermissions: 0x20000,
  read: 0x20089,
  readandexecute: 0x200a9,
  modify: 0x301bf,
  changepermissions: WRITE_DAC,
  takeownership: WRITE_OWNER,
  synchronize: 0x100000,
  fullcontrol: FILE_ALL_ACCESS,
};

/**
 * FileSystemRights as Get-Acl gives it: names ("Read, Synchronize"), or a number when no name fits
 * (268435456 = GENERIC_ALL, -1610612736 = GENERIC_READ | GENERIC_EXECUTE, reference section 3).
 */
export function fileSystemRightsMask(value: string | number): number {
  if (typeof value === 'number') return value >>> 0;
  const text = value.trim();
  if (/^-?\d+$/.test(text)) return Number(text) >>> 0;
  if (/^0x[0-9a-f]+$/i.test(text)) return parseInt(text, 16) >>> 0;
  let mask = 0;
  for (const part of text.split(',')) {
    const name = part.trim().toLowerCase();
    if (!name) continue;
    const bits = FILE_SYSTEM_RIGHTS[name];
    if (bits === undefined) throw new CertbenchError('bad-input', `unknown FileSystemRights name "${part.trim()}"`);
    mask |= bits;
  }
  return mask >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Principals
// ---------------------------------------------------------------------------------------------

/** Well-known principals by their English names (and SIDs, which do not change with the language). */
const WELL_KNOWN_SIDS: Record<string, string> = {
  'everyone': 'S-1-1-0',
  'creator owner': 'S-1-3-0',
  'creator group': 'S-1-3-1',
  'owner rights': 'S-1-3-4',
  'nt authority\\interactive': 'S-1-5-4',
  'nt authority\\service': 'S-1-5-6',
  'nt authority\\authenticated users': 'S-1-5-11',
  'nt authority\\system': 'S-1-5-18',
  'nt authority\\local service': 'S-1-5-19',
  'nt authority\\network service': 'S-1-5-20',
  'builtin\\administrators': 'S-1-5-32-544',
  'builtin\\users': 'S-1-5-32-545',
  'builtin\\guests': 'S-1-5-32-546',
  'builtin\\iis_iusrs': 'S-1-5-32-568',
  'application package authority\\all application packages': 'S-1-15-2-1',
};

/** Short forms people type ("NETWORK SERVICE", "SYSTEM", "Users") for the names Windows prints. */
const ALIASES: Record<string, string> = {
  'network service': 'nt authority\\network service',
  'networkservice': 'nt authority\\network service',
  'local service': 'nt authority\\local service',
  'localservice': 'nt authority\\local service',
  'system': 'nt authority\\system',
  'local system': 'nt authority\\system',
  'localsystem': 'nt authority\\system',
  'authenticated users': 'nt authority\\authenticated users',
  'users': 'builtin\\users',
  'administrators': 'builtin\\administrators',
  'iis_iusrs': 'builtin\\iis_iusrs',
};

/** Lower-case, aliases expanded: the form principals are compared in (Windows names are case-insensitive). */
export function canonicalPrincipal(name: string): string {
  const n = name.trim().toLowerCase().replace(/\s+/g, ' ');
  return ALIASES[n] ?? n;
}

/**
 * The SID of an IIS application pool's virtual account: S-1-5-82- and the SHA-1 of the pool name,
 * lower-cased, in UTF-16LE, read as five little-endian 32-bit numbers. Checked against the SID the
 * reference gives for DefaultAppPool (section 10). UNCERTAIN for non-ASCII names: Windows' own
 * lower-casing table may differ from JavaScript's for some letters.
 */
export function appPoolSid(pool: string): string {
  const name = pool.toLowerCase();
  const utf16le = new Uint8Array(name.length * 2);
  for (let i = 0; i < name.length; i++) {
    utf16le[2 * i] = name.charCodeAt(i) & 0xff;
    utf16le[2 * i + 1] = name.charCodeAt(i) >> 8;
  }
  const digest = sha1(utf16le);
  const parts: number[] = [];
  for (let i = 0; i < 20; i += 4) parts.push((digest[i]! | (digest[i + 1]! << 8) | (digest[i + 2]! << 16) | (digest[i + 3]! << 24)) >>> 0);
  return `S-1-5-82-${parts.join('-')}`;
}

const APP_POOL_PREFIX = /^iis apppool\\(.+)$/i;

/** The SID for a principal name when it is derivable without asking Windows; null otherwise. */
export function knownSid(name: string): string | null {
  const c = canonicalPrincipal(name);
  if (/^s-1-[0-9-]+$/i.test(c)) return c.toUpperCase();
  if (WELL_KNOWN_SIDS[c]) return WELL_KNOWN_SIDS[c];
  const pool = APP_POOL_PREFIX.exec(name.trim());
  if (pool?.[1]) return appPoolSid(pool[1]);
  return null;
}

/** A principal as the model wants it: name as printed, SID when known, and what kind it is. */
function principalOf(name: string, sid: string | null = null): Principal {
  const c = canonicalPrincipal(name);
  const resolvedSid = sid ?? knownSid(name);
  let kind: Principal['kind'] = 'other';
  if (/^s-1-[0-9-]+$/i.test(name.trim())) kind = 'unresolved';
  else if (c === 'creator owner' || c === 'owner rights' || c === 'creator group') kind = 'owner';
  else if (c.startsWith('builtin\\')) kind = 'group';
  else if (WELL_KNOWN_SIDS[c] || c.startsWith('nt authority\\')) kind = 'well-known';
  else if (c.startsWith('iis apppool\\') || c.startsWith('nt service\\')) kind = 'user';
  return { name: name.trim(), sid: resolvedSid, kind };
}

// ---------------------------------------------------------------------------------------------
// icacls
// ---------------------------------------------------------------------------------------------

const ICACLS_FLAGS = new Set(['I', 'OI', 'CI', 'IO', 'NP', 'DENY']);
const ACE_TEXT = /^(.+):((?:\([^()]*\))+)$/;
/** Where the first ACE starts on the path line when the continuation indent cannot tell (English and localized domains). */
const PRINCIPAL_START =
  /^(?:NT AUTHORITY\\|NT-AUTORIT.{1,2}T\\|AUTORITE NT\\|BUILTIN\\|VORDEFINIERT\\|IIS APPPOOL\\|NT SERVICE\\|APPLICATION PACKAGE AUTHORITY\\|Everyone:|Jeder:|Tout le monde:|Todos:|CREATOR OWNER:|CREATOR GROUP:|OWNER RIGHTS:|S-1-\d)/i;
/**
 * icacls's closing row in any language ("Successfully processed 1 files; Failed processing 0 files",
 * "1 Dateien erfolgreich verarbeitet; ...", "Fichiers correctement traités : 1 ; Échec ..."): two
 * counts and a semicolon, and no access entry.
 */
function isSummary(line: string): boolean {
  return !/:\(/.test(line) && line.includes(';') && (line.match(/\d+/g)?.length ?? 0) === 2 && !/\\/.test(line);
}
/** The command whose output this is. */
const ICACLS_COMMAND = /\bicacls(?:\.exe)?\b/i;
/**
 * A console-wrapped icacls row continues the row before it unless it is the summary, a new entry
 * (indented to the path's length + 1, so by two spaces or more), or follows a row that ended with a
 * complete entry without itself starting with "(" (the rest of "(I)(OI)" | "(CI)(RX)").
 */
function icaclsContinues(row: string, next: string): boolean {
  if (isSummary(next.trim()) || /^\s{2,}/.test(next)) return false;
  return !/:(?:\([^()]*\))+$/.test(row) || next.startsWith('(');
}

/** One ACE as icacls prints it: `BUILTIN\Users:(I)(OI)(CI)(RX)`, `Everyone:(DENY)(R)`, `S-1-5-82-1-2:(R)`. */
export function parseIcaclsAce(text: string): Ace {
  const m = ACE_TEXT.exec(text.trim());
  if (!m) throw new CertbenchError('bad-input', `icacls: not an access entry: "${text.trim()}"`);
  const principal = m[1] ?? '';
  const groups = [...(m[2] ?? '').matchAll(/\(([^()]*)\)/g)].map((g) => (g[1] ?? '').trim());
  const flags: string[] = [];
  let deny = false;
  let inherited = false;
  const rightsGroups: string[] = [];
  let mask = 0;
  for (const g of groups) {
    const upper = g.toUpperCase();
    if (ICACLS_FLAGS.has(upper)) {
      if (upper === 'DENY') deny = true;
      else if (upper === 'I') inherited = true;
      else flags.push(upper);
      continue;
    }
    rightsGroups.push(`(${g})`);
    for (const token of g.split(',')) {
      const t = token.trim().toUpperCase();
      const bits = ICACLS_RIGHTS[t];
      if (bits === undefined) throw new CertbenchError('bad-input', `icacls: unknown right "${token.trim()}" in "${text.trim()}"`);
      mask |= bits;
    }
  }
  if (!rightsGroups.length) throw new CertbenchError('bad-input', `icacls: no rights in "${text.trim()}"`);
  return {
    principal: principalOf(principal),
    type: deny ? 'deny' : 'allow',
    rights: rightsOfMask(mask),
    rawRights: rightsGroups.join(''),
    inherited,
    flags,
  };
}

/** Split the path line into the path and its first ACE. */
function splitPathLine(line: string, indent: number | null, knownPath: string | undefined): { path: string; ace: string } {
  if (knownPath && line.toLowerCase().startsWith(`${knownPath.toLowerCase()} `)) {
    return { path: line.slice(0, knownPath.length), ace: line.slice(knownPath.length + 1) };
  }
  // Continuation lines are indented to the path's length + 1 (reference section 3).
  if (indent !== null && indent > 1 && line[indent - 1] === ' ' && ACE_TEXT.test(line.slice(indent))) {
    return { path: line.slice(0, indent - 1), ace: line.slice(indent) };
  }
  // One ACE only: the principal starts at a well-known prefix, or is DOMAIN\name with no space in DOMAIN.
  const candidates: number[] = [];
  for (let i = line.indexOf(' '); i > 0; i = line.indexOf(' ', i + 1)) candidates.push(i);
  for (const i of candidates) if (PRINCIPAL_START.test(line.slice(i + 1)) && ACE_TEXT.test(line.slice(i + 1))) return { path: line.slice(0, i), ace: line.slice(i + 1) };
  for (const i of candidates.reverse()) {
    const rest = line.slice(i + 1);
    if (/^[^\\ ]+\\[^\\]+:\(/.test(rest) && ACE_TEXT.test(rest)) return { path: line.slice(0, i), ace: rest };
  }
  throw new CertbenchError('bad-input', `icacls: cannot tell the path from the first entry in "${line}"`);
}

/** One file of icacls output: its path and ACEs in the order printed (the ACL's order). */
export interface IcaclsFile {
  path: string;
  entries: Ace[];
  /** The lines of this file as printed. */
  text: string;
}

/**
 * Parse `icacls <path>` output (one or more files). The first ACE shares the path's line; later ones
 * are indented to line up after it. `knownPath` (what icacls was asked about) splits paths with
 * spaces when only one ACE is printed. Throws one line naming what it could not read.
 */
export function parseIcacls(text: string, knownPath?: string): { files: IcaclsFile[]; summary: string | null } {
  const lines = stripPasteNoise(text, { command: ICACLS_COMMAND, continues: icaclsContinues }).lines;
  const files: IcaclsFile[] = [];
  let summary: string | null = null;
  let i = 0;
  while (i < lines.length) {
    const line = (lines[i] ?? '').replace(/\s+$/, '');
    if (!line.trim()) {
      i++;
      continue;
    }
    if (isSummary(line.trim())) {
      summary = line.trim();
      i++;
      continue;
    }
    if (/^\s/.test(line)) throw new CertbenchError('bad-input', `icacls: an indented entry with no path before it: "${line.trim()}"`);
    const block = [line];
    let j = i + 1;
    while (j < lines.length && /^\s+\S/.test(lines[j] ?? '')) {
      block.push((lines[j] ?? '').replace(/\s+$/, ''));
      j++;
    }
    const indent = block.length > 1 ? (block[1] ?? '').length - (block[1] ?? '').trimStart().length : null;
    const first = splitPathLine(line, indent, knownPath);
    const entries = [parseIcaclsAce(first.ace), ...block.slice(1).map((l) => parseIcaclsAce(l))];
    files.push({ path: first.path, entries, text: block.join('\n') });
    i = j;
  }
  if (!files.length) throw new CertbenchError('bad-input', `icacls: no access entries in the output${summary ? ` (${summary})` : ''}`);
  return { files, summary };
}

/** icacls output for one file as the shared model (icacls prints neither owner nor group). */
export function aclFromIcacls(text: string, knownPath?: string): Acl {
  const { files } = parseIcacls(text, knownPath);
  const file = files[0]!;
  return { path: file.path, owner: null, group: null, mode: null, entries: file.entries, raw: text.replace(/\r\n?/g, '\n'), platform: 'windows' };
}

// ---------------------------------------------------------------------------------------------
// Get-Acl as JSON
// ---------------------------------------------------------------------------------------------

const enumText = (names: string[]) => z.union([z.string(), z.number()]).transform((v) => (typeof v === 'number' ? (names[v] ?? String(v)) : v));

const GetAclRuleSchema = z.object({
  IdentityReference: z.union([z.string(), z.object({ Value: z.string() }).transform((o) => o.Value)]),
  Sid: z.string().nullable().optional(),
  FileSystemRights: z.union([z.string(), z.number()]),
  FileSystemRightsValue: z.number().nullable().optional(),
  AccessControlType: enumText(['Allow', 'Deny']),
  IsInherited: z.boolean(),
  InheritanceFlags: z.union([z.string(), z.number()]).optional(),
  PropagationFlags: z.union([z.string(), z.number()]).optional(),
});

export const GetAclSchema = z.object({
  Path: z.string().optional(),
  Owner: z.string().nullable(),
  Group: z.string().nullable(),
  Sddl: z.string(),
  Access: jsonArray(GetAclRuleSchema),
});

/** InheritanceFlags / PropagationFlags to icacls's letters: ContainerInherit = CI, ObjectInherit = OI, InheritOnly = IO, NoPropagateInherit = NP. */
function inheritanceLetters(inheritance: string | number | undefined, propagation: string | number | undefined): string[] {
  const flags: string[] = [];
  const has = (v: string | number | undefined, name: string, bit: number) =>
    typeof v === 'number' ? (v & bit) !== 0 : typeof v === 'string' && v.split(',').some((p) => p.trim().toLowerCase() === name);
  if (has(inheritance, 'objectinherit', 2)) flags.push('OI');
  if (has(inheritance, 'containerinherit', 1)) flags.push('CI');
  if (has(propagation, 'inheritonly', 2)) flags.push('IO');
  if (has(propagation, 'nopropagateinherit', 1)) flags.push('NP');
  return flags;
}

/** Get-Acl's JSON (from getAclScript, or a user's own `Get-Acl | ConvertTo-Json`) as the shared model. */
export function aclFromGetAcl(data: z.output<typeof GetAclSchema>, path: string): Acl {
  const entries: Ace[] = data.Access.map((r) => {
    const raw = typeof r.FileSystemRights === 'number' ? String(r.FileSystemRights) : r.FileSystemRights;
    const mask = r.FileSystemRightsValue !== undefined && r.FileSystemRightsValue !== null ? r.FileSystemRightsValue >>> 0 : fileSystemRightsMask(r.FileSystemRights);
    const type = r.AccessControlType.toLowerCase();
    if (type !== 'allow' && type !== 'deny') throw new CertbenchError('bad-input', `Get-Acl: unknown AccessControlType "${r.AccessControlType}"`);
    return {
      principal: principalOf(r.IdentityReference, r.Sid ?? null),
      type,
      rights: rightsOfMask(mask),
      rawRights: raw,
      inherited: r.IsInherited,
      flags: inheritanceLetters(r.InheritanceFlags, r.PropagationFlags),
    };
  });
  return { path: data.Path ?? path, owner: data.Owner, group: data.Group, mode: null, entries, raw: data.Sddl, platform: 'windows' };
}

// ---------------------------------------------------------------------------------------------
// Get-Acl | Format-List, and any pasted ACL text
// ---------------------------------------------------------------------------------------------

const GET_ACL_COMMAND = /\bGet-Acl\b/i;
/** One file's ACL is a few KB in any form; 1 MB bounds a wrong paste. */
export const MAX_ACL_TEXT = 1024 * 1024;
/** One line of Get-Acl's Access (AccessToString): `<principal> Allow  <rights>`, two spaces after the type (reference 3). */
const ACCESS_ROW = /^(.+?) (Allow|Deny) {2}(.+)$/;

/**
 * `Get-Acl <path> | Format-List` (Path, Owner, Group, Access, Audit, Sddl; reference section 3), as
 * printed or pasted, in the shape of Get-Acl's JSON so both take the same road (aclFromGetAcl). Access
 * has one rule per row; a row that is not a rule is the rest of the one before, cut by the console.
 * AccessToString does not show inheritance, so every rule reads as explicit; the Sddl row keeps the
 * full truth for the evidence.
 */
export function parseGetAclFormatList(text: string): z.output<typeof GetAclSchema> {
  const paste = stripPasteNoise(text, { command: GET_ACL_COMMAND });
  const objects = parseFormatList(paste.lines).objects.filter((o) => formatListValue(o, 'Access') && formatListValue(o, 'Sddl'));
  const obj = objects[0];
  if (!obj) throw new CertbenchError('bad-input', 'Get-Acl: no object with Access and Sddl rows in the Format-List text (run Get-Acl <file> | Format-List)');
  if (objects.length > 1) throw new CertbenchError('bad-input', `Get-Acl: ${objects.length} files in one Format-List text; paste the key file's ACL alone`);
  const rows: string[] = [];
  for (const row of formatListValue(obj, 'Access')!.rows) {
    if (ACCESS_ROW.test(row) || !rows.length) rows.push(row);
    else rows[rows.length - 1] += row;
  }
  const Access = rows.map((row) => {
    const m = ACCESS_ROW.exec(row);
    if (!m) throw new CertbenchError('bad-input', `Get-Acl: not an access rule: "${row}"`);
    return { IdentityReference: m[1]!.trim(), FileSystemRights: m[3]!.trim(), AccessControlType: m[2]!, IsInherited: false };
  });
  const value = (name: string) => formatListValue(obj, name)?.value.trim() || null;
  return GetAclSchema.parse({
    Path: value('Path')?.replace(/^Microsoft\.PowerShell\.Core\\FileSystem::/i, '') ?? undefined,
    Owner: value('Owner'),
    Group: value('Group'),
    Sddl: value('Sddl') ?? '',
    Access,
  });
}

/**
 * An ACL a user pasted or saved, whichever of the three forms it is: Get-Acl's JSON, Get-Acl |
 * Format-List, or icacls. Recognised by content; one-line error naming `source` when it is none.
 */
export function aclFromText(text: string, source: string, knownPath?: string): Acl {
  if (text.length > MAX_ACL_TEXT) throw new CertbenchError('too-large', `${source}: ${text.length} characters is more than the ${MAX_ACL_TEXT} an ACL listing of one file can be`);
  const body = stripPasteNoise(text).text.trim();
  try {
    if (body.startsWith('{')) return aclFromGetAcl(GetAclSchema.parse(JSON.parse(body)), knownPath ?? '');
    if (/^Access\s*: /m.test(body) && /^Sddl\s*: /m.test(body)) {
      const data = parseGetAclFormatList(text);
      return { ...aclFromGetAcl(data, knownPath ?? data.Path ?? ''), raw: data.Sddl };
    }
    if (/:\((?:[A-Z,\s]+)\)/.test(body)) return aclFromIcacls(text, knownPath);
  } catch (err) {
    throw new CertbenchError('bad-input', `${source}: ${err instanceof Error ? err.message.split('\n')[0] : 'unreadable'}`);
  }
  throw new CertbenchError('bad-input', `${source}: not an ACL (expected icacls output, Get-Acl | Format-List, or Get-Acl as JSON)`);
}

// ---------------------------------------------------------------------------------------------
// The access check
// ---------------------------------------------------------------------------------------------

/** An entry in words, the way the tool that produced it prints it. */
export function describeAce(ace: Ace): string {
  if (ace.rawRights.startsWith('(')) {
    const flags = [ace.inherited ? '(I)' : '', ...ace.flags.map((f) => `(${f})`), ace.type === 'deny' ? '(DENY)' : ''].join('');
    return `"${ace.principal.name}:${flags}${ace.rawRights}"`;
  }
  return `"${ace.principal.name} ${ace.type === 'deny' ? 'Deny' : 'Allow'} ${ace.rawRights}${ace.inherited ? ' (inherited)' : ''}"`;
}

/** Canonical order (explicit deny, explicit allow, inherited deny, inherited allow): does the ACL follow it? */
function isCanonical(entries: Ace[]): boolean {
  const rank = (a: Ace) => (a.inherited ? 2 : 0) + (a.type === 'allow' ? 1 : 0);
  let last = 0;
  for (const e of entries) {
    const r = rank(e);
    if (r < last) return false;
    last = r;
  }
  return true;
}

/**
 * Who an identity is, for matching ACEs: its own name and SID, its groups' names and SIDs, and
 * Everyone, which every token carries.
 */
function identityKeys(identity: Identity): { self: Set<string>; groups: Map<string, string> } {
  const self = new Set<string>([canonicalPrincipal(identity.name)]);
  const ownSid = identity.sid ?? knownSid(identity.name);
  if (ownSid) self.add(ownSid.toLowerCase());
  const groups = new Map<string, string>();
  for (const g of [...identity.memberOf, 'Everyone']) {
    groups.set(canonicalPrincipal(g), g);
    const sid = knownSid(g);
    if (sid) groups.set(sid.toLowerCase(), g);
  }
  return { self, groups };
}

function applies(ace: Ace, keys: ReturnType<typeof identityKeys>): string | null {
  const name = canonicalPrincipal(ace.principal.name);
  const sid = (ace.principal.sid ?? knownSid(ace.principal.name))?.toLowerCase() ?? null;
  if (keys.self.has(name) || (sid && keys.self.has(sid))) return 'the identity itself';
  const group = keys.groups.get(name) ?? (sid ? keys.groups.get(sid) : undefined);
  return group ? `group member: ${group}` : null;
}

/**
 * Can `identity` read the key file (FILE_READ_DATA)? AccessCheck's rule: entries are checked in the
 * ACL's order, and the first one that mentions read access decides: a deny refuses it, an allow
 * grants it; nothing that grants it means no. A canonical ACL lists explicit denies first, then
 * explicit allows, then inherited ones, so an explicit deny beats any allow. Inherit-only entries
 * (IO) do not apply to the file itself. Membership is the identity's memberOf plus Everyone.
 */
export function canReadNtfs(acl: Acl, identity: Identity): AccessAnswer {
  const keys = identityKeys(identity);
  const considered: string[] = [];
  let decided: string | null = null;
  let canRead = false;
  for (const ace of acl.entries) {
    if (ace.flags.includes('IO')) continue;
    const why = applies(ace, keys);
    if (!why) continue;
    const mentionsRead = ace.rights.includes('read');
    considered.push(`${ace.type === 'deny' ? 'deny' : 'allow'} ${describeAce(ace)} (${why})${mentionsRead ? '' : ': does not include read'}`);
    if (decided === null && mentionsRead) {
      canRead = ace.type === 'allow';
      decided = `${canRead ? 'allowed' : 'denied'} by ${describeAce(ace)} (${why === 'the identity itself' ? 'the identity itself' : why.replace('group member: ', 'group member ')})`;
    }
  }
  if (decided === null) {
    decided = `no entry allows ${identity.name} or its groups to read (Windows refuses what no entry grants)`;
  }
  if (!isCanonical(acl.entries)) decided += '; note: this ACL is not in canonical order, and Windows checks it in the order listed';
  return { identity: identity.name, canRead, decidedBy: decided, considered };
}

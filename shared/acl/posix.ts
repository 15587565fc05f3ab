import { utf8 } from '../asn1/der';
import { utf8Bytes } from '../cert/containers/pbe';
import type { Ace, AccessAnswer, Acl, Identity, PathAccess } from '../model/acl';

/**
 * POSIX modes and access ACLs (Linux; macOS shares the mode part), pure: `getfacl` output parsed, the
 * POSIX.1e access check algorithm (acl(5) "ACCESS CHECK ALGORITHM") and the answer along a path.
 * Reading them (`getfacl -p --absolute-names` through the CommandRunner, or the mode bits from stat
 * without getfacl) is electron/platform/posix-acl.ts.
 */

/** One entry of a getfacl dump: `user:www-data:r--	#effective:r--`. */
export interface FaclEntry {
  tag: 'user' | 'group' | 'mask' | 'other';
  /** Named user or group; null for the owner (`user::`), owning group (`group::`), mask and other. */
  qualifier: string | null;
  /** Permissions as printed, `r-x`. */
  perms: string;
  /** From a `default:` line (inherited by new files in a directory; not used for access). */
  isDefault: boolean;
  /** getfacl's `#effective:` comment when the mask reduces the entry. */
  effective: string | null;
  /** The entry line as printed, without the effective comment. */
  text: string;
}

/** One file's block of a getfacl dump. */
export interface FaclBlock {
  path: string;
  owner: string;
  group: string;
  /** `# flags: s--` (setuid, setgid, sticky) or null. */
  flags: string | null;
  entries: FaclEntry[];
  /** The block exactly as getfacl printed it, ending with its blank line: what a restore needs. */
  text: string;
}

/** getfacl escapes `\` as `\\` and unprintable bytes as `\ooo` octal (acl's quote()); undo that, as UTF-8. */
function unescapeGetfacl(text: string): string {
  if (!text.includes('\\')) return text;
  const bytes: number[] = [];
  const raw = utf8Bytes(text);
  const octal = (at: number) => String.fromCharCode(raw[at]!, raw[at + 1]!, raw[at + 2]!);
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i]!;
    if (b === 0x5c && raw[i + 1] === 0x5c) {
      bytes.push(0x5c);
      i += 1;
    } else if (b === 0x5c && i + 3 < raw.length && /^[0-7]{3}$/.test(octal(i + 1))) {
      bytes.push(parseInt(octal(i + 1), 8) & 0xff);
      i += 3;
    } else bytes.push(b);
  }
  return utf8(Uint8Array.from(bytes), 0, bytes.length);
}

const ENTRY = /^(default:)?(user|group|mask|other):([^:]*):([r-][w-][x-])(?:\s+#effective:([r-][w-][x-]))?\s*$/;

/**
 * Parse `getfacl -p --absolute-names FILE...` output (several files: blocks separated by a blank
 * line). Pure; tested on recorded output. Throws on a line it does not understand, naming it.
 */
export function parseGetfacl(text: string): FaclBlock[] {
  const blocks: FaclBlock[] = [];
  let current: (Omit<FaclBlock, 'text'> & { lines: string[] }) | null = null;
  const close = () => {
    if (current) {
      const { lines, ...rest } = current;
      blocks.push({ ...rest, text: `${lines.join('\n')}\n\n` });
    }
    current = null;
  };
  for (const line of text.split('\n')) {
    if (line === '') {
      close();
      continue;
    }
    if (line.startsWith('# file: ')) {
      close();
      current = { path: unescapeGetfacl(line.slice(8)), owner: '', group: '', flags: null, entries: [], lines: [line] };
      continue;
    }
    if (!current) throw new Error(`getfacl output: line before any "# file:" header: ${JSON.stringify(line.slice(0, 80))}`);
    const block: Omit<FaclBlock, 'text'> & { lines: string[] } = current;
    block.lines.push(line);
    if (line.startsWith('# owner: ')) block.owner = unescapeGetfacl(line.slice(9));
    else if (line.startsWith('# group: ')) block.group = unescapeGetfacl(line.slice(9));
    else if (line.startsWith('# flags: ')) block.flags = line.slice(9);
    else if (line.startsWith('#')) continue;
    else {
      const m = ENTRY.exec(line);
      if (!m) throw new Error(`getfacl output: cannot read the entry ${JSON.stringify(line.slice(0, 80))}`);
      const tag = m[2] as FaclEntry['tag'];
      const qualifier = m[3] ? unescapeGetfacl(m[3]) : null;
      block.entries.push({ tag, qualifier, perms: m[4]!, isDefault: m[1] !== undefined, effective: m[5] ?? null, text: `${m[1] ?? ''}${m[2]}:${m[3]}:${m[4]}` });
    }
  }
  close();
  return blocks;
}

/** The getfacl block of a file without extended ACL entries, built from its mode (getfacl is missing). */
export function minimalFaclFromMode(filePath: string, mode: number, owner: string, group: string): FaclBlock {
  const bits = (shift: number) => `${mode & (4 << shift) ? 'r' : '-'}${mode & (2 << shift) ? 'w' : '-'}${mode & (1 << shift) ? 'x' : '-'}`;
  const special = mode & 0o7000 ? `${mode & 0o4000 ? 's' : '-'}${mode & 0o2000 ? 's' : '-'}${mode & 0o1000 ? 't' : '-'}` : null;
  const entries: FaclEntry[] = [
    { tag: 'user', qualifier: null, perms: bits(6), isDefault: false, effective: null, text: `user::${bits(6)}` },
    { tag: 'group', qualifier: null, perms: bits(3), isDefault: false, effective: null, text: `group::${bits(3)}` },
    { tag: 'other', qualifier: null, perms: bits(0), isDefault: false, effective: null, text: `other::${bits(0)}` },
  ];
  const escape = (s: string) => s.replace(/\\/g, '\\\\').replace(/[\n\r]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
  const lines = [`# file: ${escape(filePath)}`, `# owner: ${escape(owner)}`, `# group: ${escape(group)}`, ...(special ? [`# flags: ${special}`] : []), ...entries.map((e) => e.text)];
  return { path: filePath, owner, group, flags: special, entries, text: `${lines.join('\n')}\n\n` };
}

const RIGHTS: Record<string, Ace['rights'][number]> = { r: 'read', w: 'write', x: 'execute' };

/** The plain-data Acl the contract carries, from a getfacl block and the stat mode. */
export function aclFromFacl(block: FaclBlock, mode: number | null): Acl {
  const entries: Ace[] = block.entries.map((e) => {
    const flags: string[] = [];
    if (e.isDefault) flags.push('default');
    if (e.tag === 'group' && e.qualifier === null) flags.push('owning-group');
    if (e.effective) flags.push(`effective:${e.effective}`);
    const principal =
      e.tag === 'user'
        ? e.qualifier === null
          ? { name: `user:${block.owner}`, sid: null, kind: 'owner' as const }
          : { name: `user:${e.qualifier}`, sid: null, kind: /^\d+$/.test(e.qualifier) ? ('unresolved' as const) : ('user' as const) }
        : e.tag === 'group'
          ? { name: `group:${e.qualifier ?? block.group}`, sid: null, kind: e.qualifier !== null && /^\d+$/.test(e.qualifier) ? ('unresolved' as const) : ('group' as const) }
          : { name: e.tag, sid: null, kind: e.tag };
    return {
      principal,
      type: 'allow' as const,
      rights: [...e.perms].filter((c) => c !== '-').map((c) => RIGHTS[c]!),
      rawRights: e.perms,
      inherited: false,
      flags,
    };
  });
  return {
    path: block.path,
    owner: block.owner,
    group: block.group,
    mode: mode === null ? null : (mode & 0o7777).toString(8).padStart(4, '0'),
    entries,
    raw: block.text,
    platform: 'posix',
  };
}

/** Rebuild the getfacl block from an Acl this module made (raw holds it verbatim). */
export function faclOfAcl(acl: Acl): FaclBlock {
  if (acl.platform !== 'posix') throw new Error('not a POSIX ACL');
  const [block] = parseGetfacl(acl.raw);
  if (!block) throw new Error('empty POSIX ACL');
  return block;
}

/** Who asks: a user with their groups, or "a member of group G" (no user entry applies). */
export interface PosixSubject {
  kind: 'user' | 'group';
  /** User or group name as ACL entries name it. */
  name: string;
  /** uid or gid when known. */
  id: number | null;
  /** Group names the user is in (primary and supplementary); for a group subject, the group itself. */
  groups: string[];
}

/** The subject the access check sees: a user with the groups `id -G` gave, or a group (`group:NAME`). */
export function subjectOf(identity: Identity): PosixSubject {
  if (identity.kind === 'group') {
    const name = identity.name.replace(/^group:/, '');
    return { kind: 'group', name, id: identity.posixId ?? null, groups: [name] };
  }
  const name = identity.name.replace(/^user:/, '');
  return { kind: 'user', name, id: identity.posixId ?? null, groups: identity.memberOf };
}

type Need = 'r' | 'x';
const NEED_WORD: Record<Need, string> = { r: 'read', x: 'traverse (search, x)' };

/** Whether an rwx string holds the permission needed. */
export function grants(perms: string, need: Need): boolean {
  return perms.includes(need);
}

/** Intersection of an entry's permissions with the mask, as the kernel applies it. */
export function masked(perms: string, mask: string | null): string {
  if (mask === null) return perms;
  return [...perms].map((c, i) => (c !== '-' && mask[i] === c ? c : '-')).join('');
}

/**
 * The POSIX.1e access check (acl(5), "ACCESS CHECK ALGORITHM"; Linux fs/posix_acl.c
 * posix_acl_permission), for one subject and one permission:
 *  1. the file's owner: the `user::` entry decides;
 *  2. a named user entry for the subject: it decides, limited by the mask;
 *  3. the owning group or named group entries the subject belongs to: if any of them (limited by the
 *     mask when there is one) grants the permission, access is granted; otherwise denied, and the
 *     `other` entry is NOT consulted;
 *  4. otherwise `other::` decides.
 * Linux deviates in one case, followed here: with mask::--- the mode bits decide (see below).
 * Root (uid 0) is not subject to this check for reading and traversal (CAP_DAC_OVERRIDE /
 * CAP_DAC_READ_SEARCH), which the answer says instead of pretending an entry decided it.
 * Default entries are ignored (they only seed new files in a directory).
 */
export function checkAccess(block: Pick<FaclBlock, 'owner' | 'group' | 'entries'>, who: PosixSubject, need: Need): AccessAnswer {
  const label = who.kind === 'group' ? `members of group ${who.name}` : who.name;
  const word = NEED_WORD[need];
  const entries = block.entries.filter((e) => !e.isDefault);
  const considered: string[] = [];
  const answer = (canRead: boolean, decidedBy: string): AccessAnswer => ({ identity: who.kind === 'group' ? `group:${who.name}` : who.name, canRead, decidedBy, considered });

  if (who.kind === 'user' && (who.id === 0 || (who.id === null && who.name === 'root'))) {
    considered.push('root: the permission check is bypassed (CAP_DAC_OVERRIDE)');
    return answer(true, `allowed: root may ${need === 'r' ? 'read' : 'traverse'} regardless of mode and ACL (CAP_DAC_OVERRIDE)`);
  }

  const maskEntry = entries.find((e) => e.tag === 'mask');
  const mask = maskEntry?.perms ?? null;
  const ownerEntry = entries.find((e) => e.tag === 'user' && e.qualifier === null);
  const sameUser = (q: string) => q === who.name || (who.id !== null && q === String(who.id));

  // 1. Owner.
  if (who.kind === 'user' && ownerEntry && sameUser(block.owner)) {
    considered.push(`${ownerEntry.text} (owner ${block.owner}): applies`);
    return grants(ownerEntry.perms, need)
      ? answer(true, `allowed by "${ownerEntry.text}" (${who.name} owns the file)`)
      : answer(false, `denied by "${ownerEntry.text}": ${who.name} owns the file and the owner entry lacks ${word}; group and other entries are not consulted for the owner`);
  }
  if (ownerEntry) considered.push(`${ownerEntry.text} (owner ${block.owner}): not ${label}`);

  // Linux consults the ACL only when the group-class bits of the mode (the mask, or group:: without
  // one) grant something (fs/namei.c acl_permission_check: IS_POSIXACL && mode & S_IRWXG); with
  // mask::--- the mode bits decide: the owning group gets ---, everyone else the other entry. The
  // named entries (all masked to --- anyway) are skipped, so "other" is no longer shut out for a
  // matching named user or group: the kernel's deviation from POSIX.1e, checked against runuser.
  const groupObj = entries.find((e) => e.tag === 'group' && e.qualifier === null);
  const classBits = mask ?? groupObj?.perms ?? '---';
  const hasNamed = entries.some((e) => (e.tag === 'user' || e.tag === 'group') && e.qualifier !== null);
  if (classBits === '---' && hasNamed && maskEntry) {
    considered.push(`${maskEntry.text}: the group-class mode bits are clear, so Linux uses the mode bits and skips the named entries`);
    const other = entries.find((e) => e.tag === 'other');
    if (who.groups.includes(block.group)) {
      considered.push(`owning group ${block.group}: ${label} ${who.kind === 'group' ? 'is' : 'is a member'}`);
      return answer(false, `denied by "${maskEntry.text}": with the mask empty Linux uses the mode bits, and ${label} ${who.kind === 'group' ? 'is' : 'is in'} the owning group ${block.group}, whose bits are ---`);
    }
    if (!other) return answer(false, 'denied: the ACL has no other entry');
    considered.push(`${other.text}: applies (not the owner, not in the owning group)`);
    return grants(other.perms, need)
      ? answer(true, `allowed by "${other.text}" (the mask is empty, so Linux skips the named entries and the other entry decides for ${label})`)
      : answer(false, `denied by "${other.text}": the mask is empty, so Linux skips the named entries and the other entry decides for ${label}`);
  }

  // 2. Named user.
  if (who.kind === 'user') {
    const named = entries.find((e) => e.tag === 'user' && e.qualifier !== null && sameUser(e.qualifier));
    if (named) {
      const eff = masked(named.perms, mask);
      considered.push(`${named.text}${mask !== null ? ` (mask ${mask}, effective ${eff})` : ''}: applies`);
      if (grants(eff, need)) return answer(true, `allowed by "${named.text}" (named user entry${mask !== null ? `, within mask::${mask}` : ''})`);
      if (grants(named.perms, need)) return answer(false, `denied by "mask::${mask}": it limits "${named.text}" to ${eff}, without ${word}`);
      return answer(false, `denied by "${named.text}": the named user entry for ${who.name} lacks ${word}; group and other entries are not consulted`);
    }
    considered.push(`no named user entry for ${who.name}`);
  }

  // 3. Groups: the owning group and named groups the subject belongs to.
  const inGroup = (g: string) => who.groups.includes(g);
  const groupEntries = entries.filter((e) => e.tag === 'group' && inGroup(e.qualifier ?? block.group));
  for (const e of entries.filter((x) => x.tag === 'group')) {
    const g = e.qualifier ?? block.group;
    if (!inGroup(g)) considered.push(`${e.text} (${e.qualifier === null ? `owning group ${g}` : `group ${g}`}): ${label} not a member`);
  }
  if (groupEntries.length) {
    // The owning group entry is masked too when a mask exists (acl(5): ACL_GROUP_OBJ and ACL_GROUP).
    let best: FaclEntry | null = null;
    for (const e of groupEntries) {
      const eff = masked(e.perms, mask);
      considered.push(`${e.text} (${e.qualifier === null ? `owning group ${block.group}` : `group ${e.qualifier}`}${mask !== null ? `, effective ${eff}` : ''}): matches`);
      if (!best && grants(eff, need)) best = e;
    }
    if (best) {
      const g = best.qualifier ?? block.group;
      return answer(true, `allowed by "${best.text}" (${who.kind === 'group' ? `group ${g}` : `${who.name} is a member of ${g}`}${best.qualifier === null ? ', the owning group' : ''}${mask !== null ? `, within mask::${mask}` : ''})`);
    }
    const texts = groupEntries.map((e) => `"${e.text}"`).join(', ');
    const maskBlocks = mask !== null && groupEntries.some((e) => grants(e.perms, need));
    if (maskBlocks) return answer(false, `denied by "mask::${mask}": it removes ${word} from the matching group entries ${texts}`);
    return answer(false, `denied by ${texts}: ${label} ${who.kind === 'group' ? 'match' : 'matches'} the group entr${groupEntries.length > 1 ? 'ies' : 'y'} and none grants ${word}; the other entry is not consulted once a group entry matches`);
  }

  // 4. Other.
  const other = entries.find((e) => e.tag === 'other');
  if (!other) return answer(false, 'denied: the ACL has no other entry');
  considered.push(`${other.text}: applies (no user or group entry matches ${label})`);
  return grants(other.perms, need)
    ? answer(true, `allowed by "${other.text}" (no user or group entry matches ${label}, so the other entry decides)`)
    : answer(false, `denied by "${other.text}": no user or group entry matches ${label}, so the other entry decides`);
}

/** `canRead(acl, identity)` for KeyAclReader: the file alone (parents are checked by `checkPathAccess`). */
export function canReadPosix(acl: Acl, identity: Identity): AccessAnswer {
  return checkAccess(faclOfAcl(acl), subjectOf(identity), 'r');
}

/** The ACLs along a path: each traversed directory, then the file (its real path). */
export interface PathAcls {
  file: string;
  realPath: string;
  fileAcl: Acl;
  directories: Acl[];
  /** The getfacl dump of the directories and the file, in that order, byte for byte. */
  dump: string;
  /** How it was read: getfacl, or the mode bits alone when getfacl is not installed. */
  source: 'getfacl' | 'mode';
  note: string | null;
}

/** Access for one identity along the whole path: each directory (traverse), then the file (read). */
export function checkPathAccess(acls: Pick<PathAcls, 'fileAcl' | 'directories'>, identity: Identity): PathAccess[] {
  const who = subjectOf(identity);
  return [
    ...acls.directories.map((d) => ({ path: d.path, need: 'traverse' as const, answer: checkAccess(faclOfAcl(d), who, 'x') })),
    { path: acls.fileAcl.path, need: 'read' as const, answer: checkAccess(faclOfAcl(acls.fileAcl), who, 'r') },
  ];
}

/** The one answer for the key: the first step that blocks, or the file's allowing entry. */
export function overallAnswer(steps: PathAccess[]): AccessAnswer {
  const file = steps[steps.length - 1]!;
  const blocking = steps.find((s) => !s.answer.canRead);
  if (!blocking) return file.answer;
  if (blocking === file) return file.answer;
  return {
    identity: file.answer.identity,
    canRead: false,
    decidedBy: `directory ${blocking.path}: ${blocking.answer.decidedBy} (traversal is needed to reach the file)`,
    considered: steps.flatMap((s) => s.answer.considered.map((c) => `${s.path}: ${c}`)),
  };
}

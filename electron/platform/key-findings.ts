import type { Acl, PathAccess } from '../../shared/model/acl';
import { finding, type Finding } from '../../shared/findings/catalogue';
import { faclOfAcl, grants, masked, overallAnswer } from '../../shared/acl/posix';

/**
 * Findings about a private key file's permissions (DESIGN.md catalogue: key.*), for POSIX and
 * Windows ACLs alike, from the ACL model and an access check (shared/acl/posix.ts or the Windows reader).
 */

/** Groups whose members are "everyone" in practice: a key readable by them is too open. */
export const BROAD_GROUPS = ['users', 'staff', 'everyone', 'domain users', 'authenticated users', 'nogroup'];

/**
 * Findings for a private key file (DESIGN.md catalogue), for POSIX and Windows ACLs alike:
 * `key.identity-cannot-read` with the deciding entry as evidence, when an identity was asked about;
 * `key.too-open` when other or a broad group (BROAD_GROUPS; on Windows Everyone, Users,
 * Authenticated Users) can read the key.
 */
export function keyFileFindings(acl: Acl, check: { identity: string; steps: PathAccess[] } | null): Finding[] {
  const out: Finding[] = [];
  if (check) {
    const answer = overallAnswer(check.steps);
    if (!answer.canRead) {
      const blocking = check.steps.filter((s) => !s.answer.canRead);
      out.push(
        finding('key.identity-cannot-read', `${check.identity} cannot read the private key file`, `${check.identity} cannot read ${acl.path}: ${answer.decidedBy}.`, [
          { kind: 'file', text: acl.path },
          ...blocking.map((s) => ({ kind: s.need === 'read' ? 'acl entry' : 'directory acl entry', text: `${s.path}: ${s.answer.decidedBy}` })),
        ], { fixes: ['key.grant-read'], params: { keyPath: acl.path, identity: check.identity } }),
      );
    }
  }
  const open = acl.platform === 'posix' ? posixOpenEntries(acl) : windowsOpenEntries(acl);
  if (open.length) {
    out.push(
      finding('key.too-open', 'The private key file is readable by everyone', `${acl.path} is readable beyond the accounts that need it: ${open.join('; ')}. Private keys should be readable by their owner and the service identities only (chmod 600, then grant named users).`, open.map((text) => ({ kind: 'acl entry', text })), { fixes: ['key.restrict'], params: { keyPath: acl.path } }),
    );
  }
  return out;
}

/** POSIX: the other entry, or a broad group's entry (within the mask), grants read. */
function posixOpenEntries(acl: Acl): string[] {
  const block = faclOfAcl(acl);
  const entries = block.entries.filter((e) => !e.isDefault);
  const mask = entries.find((e) => e.tag === 'mask')?.perms ?? null;
  const open: string[] = [];
  const other = entries.find((e) => e.tag === 'other');
  if (other && grants(other.perms, 'r')) open.push(`"${other.text}": every user on the machine can read it`);
  for (const e of entries.filter((x) => x.tag === 'group')) {
    const g = e.qualifier ?? block.group;
    if (BROAD_GROUPS.includes(g.toLowerCase()) && grants(masked(e.perms, mask), 'r')) open.push(`"${e.text}" (group ${g}): every member of a broad group can read it`);
  }
  return open;
}

/** Windows: an allow entry with read for Everyone, Users or Authenticated Users (by SID or name). */
const WINDOWS_BROAD = { sids: ['S-1-1-0', 'S-1-5-32-545', 'S-1-5-11'], names: /^(everyone|builtin\\users|nt authority\\authenticated users)$/i };
function windowsOpenEntries(acl: Acl): string[] {
  return acl.entries
    .filter((e) => e.type === 'allow' && (e.rights.includes('read') || e.rights.includes('full')))
    .filter((e) => (e.principal.sid !== null && WINDOWS_BROAD.sids.includes(e.principal.sid)) || WINDOWS_BROAD.names.test(e.principal.name))
    .map((e) => `"${e.principal.name}:${e.rawRights}": every user on the machine can read it`);
}


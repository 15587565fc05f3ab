import type { Ace, Acl, GrantPlan } from '../../../../shared/model/acl';
import { quoteBash, quotePowerShell } from '../../../../shared/scripts/quote';

/**
 * Words for the key pages: POSIX modes as `ls -l` prints them, ACL rights as a sentence, and the
 * commands of a grant as a user would type them (quoted by the shared quoting functions only
 * where a shell needs it).
 */

/** "0640" → "rw-r-----" (the permission part of `ls -l`, with setuid/setgid/sticky). */
export function modeLetters(mode: string): string | null {
  if (!/^[0-7]{3,4}$/.test(mode)) return null;
  const n = parseInt(mode, 8);
  const triple = (bits: number, special: boolean, specialChar: string) =>
    `${bits & 4 ? 'r' : '-'}${bits & 2 ? 'w' : '-'}${special ? (bits & 1 ? specialChar : specialChar.toUpperCase()) : bits & 1 ? 'x' : '-'}`;
  return triple((n >> 6) & 7, (n & 0o4000) !== 0, 's') + triple((n >> 3) & 7, (n & 0o2000) !== 0, 's') + triple(n & 7, (n & 0o1000) !== 0, 't');
}

const RIGHT_WORD: Record<Ace['rights'][number], string> = {
  read: 'read',
  write: 'write',
  execute: 'execute / traverse',
  delete: 'delete',
  'change-permissions': 'change permissions',
  'take-ownership': 'take ownership',
  full: 'full control',
};

export function rightsText(ace: Ace): string {
  return ace.rights.length ? ace.rights.map((r) => RIGHT_WORD[r]).join(', ') : 'none';
}

const KIND_WORD: Partial<Record<Ace['principal']['kind'], string>> = {
  owner: 'owner',
  mask: 'limit on named entries and the group',
  'well-known': 'built-in',
  unresolved: 'unresolved SID',
};

/** The principal with what it is, when its name does not say: "user:root (owner)". */
export function principalText(ace: Ace): { name: string; note: string | null } {
  return { name: ace.principal.name, note: KIND_WORD[ace.principal.kind] ?? null };
}

/** Who owns the file, in one line: "owner root, group ssl-cert, mode 0640 (rw-r-----)". */
export function ownerLine(acl: Acl): string {
  const parts = [acl.owner ? `owner ${acl.owner}` : null, acl.group ? `group ${acl.group}` : null];
  if (acl.mode) {
    const letters = modeLetters(acl.mode);
    parts.push(`mode ${acl.mode}${letters ? ` (${letters})` : ''}`);
  }
  return parts.filter(Boolean).join(', ') || 'owner not known';
}

/**
 * Words each shell reads literally without quotes (bash: no backslash; PowerShell: no comma, no @, and
 * no leading `-`: PowerShell reads `-x:y` as a parameter and hands a native program "-x:" and "y", and
 * a bare `-x:` does not even parse, as real pwsh shows in tests/integration/powershell-quote.test.ts).
 */
const PLAIN = { bash: /^[A-Za-z0-9_./:=@%+,-]+$/, powershell: /^[A-Za-z0-9_./:=\\][A-Za-z0-9_./:=\\-]*$/ } as const;

/** One command of a plan as it would be typed in the plan's shell. */
export function commandLine(command: GrantPlan['commands'][number], language: GrantPlan['script']['language']): string {
  const quote = language === 'powershell' ? quotePowerShell : quoteBash;
  return [command.file, ...command.args].map((word) => (PLAIN[language].test(word) ? word : quote(word))).join(' ');
}

/** A file name for a saved script: "grant-read-www-data.sh", "undo-grant-read-IIS_AppPool_Shop.ps1". */
export function scriptFileName(prefix: string, identity: string, language: GrantPlan['script']['language']): string {
  const safe = identity.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^_+|_+$/g, '') || 'identity';
  return `${prefix}-${safe}.${language === 'powershell' ? 'ps1' : 'sh'}`;
}

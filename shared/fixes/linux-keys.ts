import { isPosixPath } from './text';
import type { FixGenerator } from './types';

/**
 * Private key file permissions on Linux (the ACL model of shared/model/acl.ts, decided here at run time by the
 * kernel): `setfacl -m u:<uid>:r` (g: for group:NAME) on the key and `x` on every folder the identity
 * cannot traverse, keeping each entry's existing rights and never widening another entry through the
 * mask; and taking access away from other and broad groups. Backup: getfacl of every path that can
 * change; undo: setfacl --restore, then getfacl must equal the backup byte for byte.
 */

/** "www-data", "user:www-data" or "group:ssl-cert" as printed by the ACL model; null for a Windows name. */
export function posixIdentity(identity: string | undefined): { kind: 'user' | 'group'; name: string } | null {
  if (identity === undefined || identity.includes('\\') || identity.includes('\0')) return null;
  const m = /^(user|group):(.+)$/s.exec(identity);
  const kind = (m?.[1] as 'user' | 'group' | undefined) ?? 'user';
  const name = m ? m[2]! : identity;
  return name.trim() ? { kind, name } : null;
}

const KEY_EXISTS = '[ -e "$key" ] || fail "the key file $key does not exist; nothing was changed"';

const BACKUP_ACL = ['parent_dirs "$key"', 'getfacl -p -- "${dirs[@]}" "$key" > "$backup/acl.txt"'];

const RESTORE_ACL = [
  'setfacl --restore="$backup/acl.txt"',
  'parent_dirs "$key"',
  'if ! cmp -s -- "$backup/acl.txt" <(getfacl -p -- "${dirs[@]}" "$key"); then fail "VERIFY FAILED: the ACLs differ from the backup $backup/acl.txt"; fi',
];

export const linuxGrantRead: FixGenerator = {
  fixId: 'key.grant-read',
  shell: 'bash',
  applyWith: 'keys:grant',
  build(_f, p) {
    const who = posixIdentity(p.identity);
    if (!isPosixPath(p.keyPath) || !who) return null;
    const tag = who.kind === 'user' ? 'u' : 'g';
    return {
      title: `Let ${who.kind} ${who.name} read the private key file`,
      summary: `${who.name} must open the private key ${p.keyPath} and the file's mode or ACL (or a folder on its path) does not let it. The script adds an ACL entry giving read access to the file, and traverse (x) on each folder it cannot pass, after saving the ACLs with getfacl.`,
      what: [
        `setfacl -m ${tag}:<id of ${who.name}>:r on ${p.keyPath}, and ${tag}:<id>:x on each parent folder ${who.name} cannot traverse (asked of the kernel with runuser ... test).`,
        "Each entry keeps its existing rights; where an ACL mask exists it is set explicitly so no other entry gains anything.",
        'Backup: getfacl -p of the file and every parent folder.',
      ],
      target: `setfacl ${p.keyPath} ${who.kind}:${who.name} read`,
      label: who.name,
      vars: [
        ['key', p.keyPath],
        ['acct', who.name],
        ['acl_kind', who.kind],
      ],
      helpers: ['facl'],
      check: [
        KEY_EXISTS,
        'acct_num=$(acct_number) || fail "there is no $acl_kind $acct on this machine; nothing was changed"',
        '[ -n "$acct_num" ] || fail "there is no $acl_kind $acct on this machine; nothing was changed"',
        'if can_access -r "$key"; then already=1; fi',
      ],
      doneMessage: 'the identity can already read the key file.',
      backup: BACKUP_ACL,
      change: [
        'for d in "${dirs[@]}"; do',
        '  if ! can_access -x "$d"; then grant_entry --x "$d"; printf \'traverse granted on %s\\n\' "$d"; fi',
        'done',
        'grant_entry r-- "$key"',
      ],
      verify: ['can_access -r "$key" || fail "VERIFY FAILED: $acct still cannot read $key; run the undo script"', 'getfacl -p -- "$key"'],
      notes: ['Restart the service that uses the key so it opens it again.'],
      undo: RESTORE_ACL,
    };
  },
};

export const linuxRestrict: FixGenerator = {
  fixId: 'key.restrict',
  shell: 'bash',
  build(_f, p) {
    if (!isPosixPath(p.keyPath)) return null;
    return {
      title: 'Take access to the private key file away from other users and broad groups',
      summary: `${p.keyPath} can be read beyond the accounts that need it. The script removes the other entry's rights (chmod o-rwx) and those of the broad groups users, staff and nogroup, keeping the owner and named entries; a named ACL entry keeps working because the mask is never recomputed.`,
      what: [
        `chmod o-rwx ${p.keyPath}; for an owning group users/staff/nogroup: chmod g-rwx, or setfacl -n -m g::--- when the file has an ACL (chmod g- would change the mask and cut off named entries); setfacl -n -x g:<gid> for named entries of those groups.`,
        'Backup: getfacl -p of the file.',
      ],
      target: `chmod ${p.keyPath} restrict`,
      label: p.keyPath.replace(/^.*\//, ''),
      vars: [['key', p.keyPath]],
      helpers: ['facl'],
      check: [KEY_EXISTS, 'open_entries "$key"', 'if [ "${#open[@]}" -eq 0 ]; then already=1; fi'],
      doneMessage: 'no other user or broad group can access the key file.',
      backup: ['getfacl -p -- "$key" > "$backup/acl.txt"'],
      change: [
        "printf 'open: %s\\n' \"${open[@]}\"",
        'chmod o-rwx -- "$key"',
        'grp=$(stat -c %G -- "$key")',
        'for g in users staff nogroup; do',
        "  gid=$(getent group \"$g\" | cut -d: -f3) || gid=''",
        '  [ -n "$gid" ] || continue',
        '  if [ "$grp" = "$g" ]; then',
        "    if [ -n \"$(acl_perms mask '' \"$key\")\" ]; then setfacl -n -m g::--- -- \"$key\"; else chmod g-rwx -- \"$key\"; fi",
        '  fi',
        '  if [ -n "$(acl_perms group "$gid" "$key")" ]; then setfacl -n -x "g:$gid" -- "$key"; fi',
        'done',
      ],
      verify: ['open_entries "$key"', 'if [ "${#open[@]}" -ne 0 ]; then fail "VERIFY FAILED: still open to ${open[*]}; run the undo script"; fi', 'getfacl -p -- "$key"'],
      undo: ['setfacl --restore="$backup/acl.txt"', 'if ! cmp -s -- "$backup/acl.txt" <(getfacl -p -- "$key"); then fail "VERIFY FAILED: the ACL differs from the backup $backup/acl.txt"; fi'],
    };
  },
};

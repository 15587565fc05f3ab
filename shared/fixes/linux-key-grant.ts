import { oneLine } from '../errors';
import type { Identity } from '../model/acl';
import { quoteBash } from '../scripts/quote';

/**
 * The bash scripts the app shows for a planned key grant on Linux (
 * electron/platform/linux/acl-writer.ts builds the plan). Pure, so they live here with the fix
 * generators; the generators' own key fix (linux-keys.ts) decides the same change at run time.
 */

/** One planned setfacl change: the `-m` argument and the path it applies to. */
export interface AclChangeLine {
  path: string;
  /** e.g. "u:www-data:r" or "u:www-data:r,m::r". */
  spec: string;
}

/** The grant as a reviewed bash script: header, backup, change, verification; values quoted by quoteBash. */
export function grantScript(p: { file: string; identity: Identity; changes: readonly AclChangeLine[]; paths: string[]; backupPath: string; summary: string; reason: string }): string {
  const comment = (s: string) => s.split('\n').map((l) => `# ${l}`).join('\n');
  const lines = [
    '#!/usr/bin/env bash',
    comment('Certbench: grant read access to a private key file'),
    comment(`What: ${oneLine(p.summary, 2000)}`),
    comment(`Why:  key.identity-cannot-read: ${oneLine(p.reason, 1000)}`),
    comment('Backup: the ACLs of every path that changes are saved first; the undo script restores them exactly.'),
    'set -euo pipefail',
    '',
    `key=${quoteBash(p.file)}`,
    `backup=${quoteBash(p.backupPath)}`,
    '',
    '# 1. Back up (getfacl dump; restore with: setfacl --restore="$backup")',
    'mkdir -p -m 700 -- "$(dirname -- "$backup")"',
    'umask 077',
    `getfacl -p --absolute-names ${p.paths.map(quoteBash).join(' ')} > "$backup"`,
    'sync -- "$backup"',
    '',
    '# 2. Change',
    ...(p.changes.length ? p.changes.map((c) => `setfacl -m ${quoteBash(c.spec)} ${quoteBash(c.path)}`) : ['# nothing to change']),
    '',
    '# 3. Verify',
    'getfacl -p --absolute-names "$key"',
  ];
  if (p.identity.kind !== 'group') {
    lines.push(
      `account=${quoteBash(p.identity.name.replace(/^user:/, ''))}`,
      'if [ "$(id -u)" -eq 0 ]; then',
      '  if runuser -u "$account" -- test -r "$key"; then echo "OK: $account can read $key"; else echo "FAILED: $account still cannot read $key; undo with: setfacl --restore=$backup" >&2; exit 1; fi',
      'fi',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The undo: restore the backup, then prove the ACLs equal it byte for byte. */
export function undoScript(p: { file: string; paths: string[]; backupPath: string }): string {
  return `${[
    '#!/usr/bin/env bash',
    '# Certbench: undo a key permission grant by restoring the ACL backup made before it',
    'set -euo pipefail',
    '',
    `backup=${quoteBash(p.backupPath)}`,
    'setfacl --restore="$backup"',
    '',
    '# Verify: the ACLs now equal the backup byte for byte',
    `if diff -u "$backup" <(getfacl -p --absolute-names ${p.paths.map(quoteBash).join(' ')}); then echo "OK: restored exactly"; else echo "FAILED: the ACLs differ from the backup" >&2; exit 1; fi`,
  ].join('\n')}\n`;
}

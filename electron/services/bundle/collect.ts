import type { Acl } from '../../../shared/model/acl';
import type { BundleCommand } from '../../../shared/model/bundle';
import type { KeyLocation } from '../../../shared/model/store';
import type { ExecFileRunner } from '../../platform/command-runner';
import type { KeyAclReader, StoreListing } from '../../platform/types';

/**
 * What a bundle gathers besides the report: the key locations of the store listing with
 * the ACLs of a few key files, and the OS commands that ran, from the CommandRunner's ring.
 */

/** ACLs read per bundle: the listing's KeyLocation says where every key is; reading every ACL of a big store would take minutes on Windows. */
export const MAX_ACLS = 20;

export interface KeyRecord {
  storeId: string;
  thumbprint: string;
  subject: string;
  key: KeyLocation;
  acl: Acl | null;
  aclNote: string | null;
}

/** keys/keys.json: where each key of the listing lives, and who may read the first MAX_ACLS key files. */
export async function collectKeys(listing: StoreListing, acl: Pick<KeyAclReader, 'read'>, signal: AbortSignal): Promise<{ keys: KeyRecord[]; aclsRead: number }> {
  const keys: KeyRecord[] = [];
  const acls = new Map<string, { acl: Acl | null; aclNote: string | null }>();
  for (const c of listing.certificates) {
    if (c.key.status === 'none') continue;
    const path = c.key.path;
    let read = path ? acls.get(path) : undefined;
    if (path && !read && c.key.status === 'present' && acls.size < MAX_ACLS && !signal.aborted) {
      try {
        read = { acl: await acl.read(path), aclNote: null };
      } catch (err) {
        read = { acl: null, aclNote: err instanceof Error ? err.message.split('\n')[0]! : String(err) };
      }
      acls.set(path, read);
    }
    keys.push({ storeId: c.storeId, thumbprint: c.summary.thumbprintSha1, subject: c.summary.subject.rfc4514, key: c.key, acl: read?.acl ?? null, aclNote: read?.aclNote ?? null });
  }
  return { keys, aclsRead: acls.size };
}

/** The runner's history as bundle commands (most recent 200, output cut at 64 KB per stream by the runner). */
export function collectCommands(runner: Pick<ExecFileRunner, 'history'>): BundleCommand[] {
  return runner.history().map((r) => ({ file: r.file, args: r.args, exitCode: r.exitCode, durationMs: r.durationMs, stdout: r.stdout, stderr: r.stderr, error: r.error }));
}

/** PowerShell's -EncodedCommand (base64 of UTF-16LE; about_PowerShell_exe) and its abbreviations. */
const ENCODED_FLAG = /^-(?:e|ec|en|enc|enco|encod|encode|encoded|encodedc|encodedco|encodedcom|encodedcomm|encodedcomma|encodedcomman|encodedcommand)$/i;

/** Index of the argument that holds an encoded PowerShell script, or -1. */
export function encodedScriptIndex(args: string[]): number {
  const flag = args.findIndex((a) => ENCODED_FLAG.test(a));
  return flag >= 0 && flag + 1 < args.length ? flag + 1 : -1;
}

export function decodePowerShell(arg: string): string | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(arg)) return null;
  const text = Buffer.from(arg, 'base64').toString('utf16le');
  return text.length ? text : null;
}

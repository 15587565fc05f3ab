import type { Acl, AccessAnswer, Identity } from '../../shared/model/acl';
import type { Store, StoreCertificate } from '../../shared/model/store';

/**
 * The OS-facing interfaces (DESIGN.md "Platforms"): one adapter per OS behind each, so the services
 * and the UI never branch on the platform, and tests drive Windows and macOS adapters with recorded
 * outputs through a fake CommandRunner.
 */

/** One command as it ran: kept for diagnostic bundles (issue 8: commands/). */
export interface CommandRecord {
  file: string;
  args: string[];
  exitCode: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** Set when the command could not start (ENOENT) or timed out. */
  error: string | null;
}

/** Runs a program with execFile and an argument array; never through a shell (STYLE.md). */
export interface CommandRunner {
  run(file: string, args: string[], options: { timeoutMs: number; input?: string; maxOutputBytes?: number; env?: Record<string, string> }): Promise<CommandRecord>;
}

export interface StoreListing {
  stores: Store[];
  certificates: StoreCertificate[];
}

/** Enumerates the machine's certificate stores with each certificate's key association. */
export interface CertStoreSource {
  list(options: { at: Date; progress?: (done: number, total: number | null, label: string) => void; signal?: AbortSignal }): Promise<StoreListing>;
}

/** Reads who may access a key file, and answers for one identity. */
export interface KeyAclReader {
  read(path: string): Promise<Acl>;
  canRead(acl: Acl, identity: Identity): AccessAnswer;
}

/** Lists identities a key could be granted to (app pools, service accounts, users, groups). */
export interface IdentityDirectory {
  list(): Promise<Identity[]>;
  /** Resolve a typed name ("IIS AppPool\\Shop", "www-data") with its group memberships. */
  resolve(name: string): Promise<Identity>;
}

/** The reviewed change a grant makes, shown before anything runs (dry run). */
export interface GrantPlan {
  path: string;
  identity: string;
  /** What will change, in words. */
  summary: string;
  /** The exact commands that will run, as argument arrays. */
  commands: { file: string; args: string[] }[];
  /** The same change as a script a cautious administrator can read and run (bash or PowerShell). */
  script: { language: 'bash' | 'powershell'; text: string };
  /** The script that restores the backup. */
  undoScript: { language: 'bash' | 'powershell'; text: string };
  /** True when the identity can already read the key (nothing to do). */
  alreadyAllowed: boolean;
  /** Privileges needed and whether this process has them (Windows: elevation via UAC; Linux: owner or root). */
  privileges: { sufficient: boolean; detail: string };
}

export interface GrantResult {
  backupId: string;
  backupPath: string;
  before: Acl;
  after: Acl;
  /** Re-read after the change: does the identity now read the key? */
  verified: AccessAnswer;
}

/** Grants read access to a key file with a backup first, and restores a backup exactly. */
export interface KeyAclWriter {
  plan(path: string, identity: Identity): Promise<GrantPlan>;
  grant(path: string, identity: Identity): Promise<GrantResult>;
  undo(backupId: string): Promise<{ restored: Acl; matchesBackup: boolean }>;
}

export interface Platform {
  name: 'linux' | 'windows' | 'macos';
  stores: CertStoreSource;
  acl: KeyAclReader;
  identities: IdentityDirectory;
  aclWriter: KeyAclWriter;
  commands: CommandRunner;
}

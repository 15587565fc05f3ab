import type { Acl, AccessAnswer, GrantPlan, GrantResult, Identity, PathAccess, UndoResult } from '../../shared/model/acl';
import type { Store, StoreCertificate } from '../../shared/model/store';

/**
 * The OS-facing interfaces (DESIGN.md "Platforms"): one adapter per OS behind each, so the services
 * and the UI never branch on the platform, and tests drive Windows and macOS adapters with recorded
 * outputs through a fake CommandRunner.
 */

/** One command as it ran: kept for diagnostic bundles (their commands/ folder). */
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

/**
 * Enumerates the machine's certificate stores with each certificate's key association.
 * Adapters list the OS stores only: the folders a user adds are read on every OS by
 * FolderStoreSource (folder-store.ts), joined in platform/index.ts (withUserFolders). Report
 * progress per certificate or file (total null when unknown); honour `signal` between items.
 */
export interface CertStoreSource {
  list(options: { at: Date; progress?: (done: number, total: number | null, label: string) => void; signal?: AbortSignal }): Promise<StoreListing>;
}

/** Reads who may access a key file, and answers for one identity. */
export interface KeyAclReader {
  read(path: string): Promise<Acl>;
  canRead(acl: Acl, identity: Identity): AccessAnswer;
  /**
   * Optional: access along the whole path (each parent directory to traverse, then the file), for
   * platforms where a parent can block (POSIX: search permission). Without it, services check the
   * file alone (read + canRead), which is right on Windows, where "Bypass traverse checking"
   * (SeChangeNotifyPrivilege) is held by Everyone by default.
   */
  checkPath?(path: string, identity: Identity): Promise<PathCheck>;
  /** Optional: `read` plus a one-line note when the ACL could only be read partly. */
  readWithNote?(path: string): Promise<{ acl: Acl; note: string | null }>;
}

/** The key file's ACL and the identity's access step by step; `answer` is the first blocking step or the file's. */
export interface PathCheck {
  acl: Acl;
  steps: PathAccess[];
  answer: AccessAnswer;
  /** One line when the ACL could only be read partly (getfacl missing: mode bits only). */
  note: string | null;
}

/** Lists identities a key could be granted to (app pools, service accounts, users, groups). */
export interface IdentityDirectory {
  list(): Promise<Identity[]>;
  /** Resolve a typed name ("IIS AppPool\\Shop", "www-data") with its group memberships. */
  resolve(name: string): Promise<Identity>;
}

/**
 * GrantPlan, GrantResult and UndoResult are zod schemas in shared/model/acl.ts (they cross the
 * contract: keys:grant, keys:undo). Windows adapter: fill `changes` with one row per ACL you change
 * (before/after as icacls would print the entry) and `access` with the evaluated steps.
 */
export type { GrantPlan, GrantResult, UndoResult };

/** Grants read access to a key file with a backup first, and restores a backup exactly. */
export interface KeyAclWriter {
  plan(path: string, identity: Identity): Promise<GrantPlan>;
  grant(path: string, identity: Identity): Promise<GrantResult>;
  undo(backupId: string): Promise<UndoResult>;
}

export interface Platform {
  name: 'linux' | 'windows' | 'macos';
  stores: CertStoreSource;
  acl: KeyAclReader;
  identities: IdentityDirectory;
  aclWriter: KeyAclWriter;
  commands: CommandRunner;
}

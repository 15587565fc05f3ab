import { z } from 'zod';

/**
 * Who may do what to a key file: one model for NTFS ACLs (Get-Acl / icacls) and POSIX
 * modes + ACLs (stat / getfacl), so "can this identity read the key?" is answered by one evaluator.
 */
export const PrincipalSchema = z.object({
  /** As the OS prints it: "IIS APPPOOL\\DefaultAppPool", "NT AUTHORITY\\NETWORK SERVICE", "user:www-data", "group:ssl-cert". */
  name: z.string(),
  /** Windows SID when known (S-1-5-82-...); null on POSIX. */
  sid: z.string().nullable(),
  kind: z.enum(['user', 'group', 'well-known', 'owner', 'other', 'mask', 'unresolved']),
});

export const AceSchema = z.object({
  principal: PrincipalSchema,
  type: z.enum(['allow', 'deny']),
  /** Normalised rights: read, write, execute, delete, change-permissions, take-ownership, full. */
  rights: z.array(z.enum(['read', 'write', 'execute', 'delete', 'change-permissions', 'take-ownership', 'full'])),
  /** The rights as the OS spelled them: "(R)", "FullControl", "r--", "268435456". */
  rawRights: z.string(),
  inherited: z.boolean(),
  /** Windows inheritance flags (OI, CI, IO, NP) as printed; POSIX default ACL entries are "default". */
  flags: z.array(z.string()),
});

export const AclSchema = z.object({
  path: z.string(),
  owner: z.string().nullable(),
  group: z.string().nullable(),
  /** POSIX mode as octal text ("0600"); null on Windows. */
  mode: z.string().nullable(),
  entries: z.array(AceSchema),
  /** Windows SDDL or the getfacl dump: the exact text a backup restores. */
  raw: z.string(),
  platform: z.enum(['windows', 'posix']),
});

/** An identity to check or grant: an app pool, a service account, a Linux user or group. */
export const IdentitySchema = z.object({
  name: z.string(),
  kind: z.enum(['app-pool', 'service', 'user', 'group', 'well-known']),
  /** Groups the identity is a member of, as ACL principals name them (for evaluating group ACEs). */
  memberOf: z.array(z.string()),
  sid: z.string().nullable(),
  /** Where this identity was found (appcmd, /etc/passwd, ...). */
  source: z.string(),
  /**
   * POSIX uid (users) or gid (groups) when known; absent or null on Windows. Lets the POSIX
   * evaluator recognise root (uid 0) and ACL entries getfacl prints by number (no name for the id).
   */
  posixId: z.number().int().nullable().optional(),
});

export const AccessAnswerSchema = z.object({
  identity: z.string(),
  canRead: z.boolean(),
  /** The entry that decides it, in words: 'allowed by "BUILTIN\\IIS_IUSRS:(R)" (group member)'. */
  decidedBy: z.string(),
  /** Every entry that applied, in evaluation order. */
  considered: z.array(z.string()),
});

/** Access to one step of a path: the key file (read) or a parent directory (search/traverse). */
export const PathAccessSchema = z.object({
  path: z.string(),
  /** 'read' for the file itself, 'traverse' for a directory the identity must pass through. */
  need: z.enum(['read', 'traverse']),
  answer: AccessAnswerSchema,
});

const CommandSchema = z.object({ file: z.string(), args: z.array(z.string()) });
const ScriptSchema = z.object({ language: z.enum(['bash', 'powershell']), text: z.string() });

/**
 * The reviewed change a grant makes, shown before anything runs (dry run: "see the exact
 * change and the script before anything runs"). The same shape on every OS.
 */
export const GrantPlanSchema = z.object({
  path: z.string(),
  identity: z.string(),
  /** What will change, in words, one sentence per change. */
  summary: z.string(),
  /** The exact commands that will run, as argument arrays (never a shell string). */
  commands: z.array(CommandSchema),
  /** The same change as a script a cautious administrator can read and run (bash or PowerShell). */
  script: ScriptSchema,
  /** The script that restores the backup the first script makes. */
  undoScript: ScriptSchema,
  /** True when the identity can already read the key (nothing to do). */
  alreadyAllowed: z.boolean(),
  /**
   * A digest of what was reviewed: the change, the key file (device, inode, owner, mode, ctime, so a
   * file swapped or an ACL changed since reads differently) and the access found. Applying with it
   * grants exactly this plan or stops.
   */
  digest: z.string().optional(),
  /** Privileges needed and whether this process has them (Windows: elevation via UAC; Linux: owner or root). */
  privileges: z.object({ sufficient: z.boolean(), detail: z.string() }),
  /** Every path whose ACL changes (the key file, and any parent directory that blocks traversal). */
  changes: z.array(z.object({ path: z.string(), before: z.string(), after: z.string(), why: z.string() })),
  /** Access as it is now, step by step (parents first, the key file last). */
  access: z.array(PathAccessSchema),
});

export const GrantResultSchema = z.object({
  /** Id for undo (keys:undo); the backup was written and synced before any change. */
  backupId: z.string(),
  backupPath: z.string(),
  /** False when the identity could already read the key: a backup was still made, nothing changed. */
  changed: z.boolean(),
  commands: z.array(CommandSchema),
  before: AclSchema,
  after: AclSchema,
  /** Re-read after the change: does the identity now read the key (path included)? */
  verified: AccessAnswerSchema,
  /** The script that restores THIS backup by hand (the dry run's script names a backup not yet made). */
  undoScript: ScriptSchema,
});

export const UndoResultSchema = z.object({
  backupId: z.string(),
  /** The key file's ACL after the restore. */
  restored: AclSchema,
  /** The ACL dump after the restore equals the backup byte for byte. */
  matchesBackup: z.boolean(),
});

export type Principal = z.infer<typeof PrincipalSchema>;
export type Ace = z.infer<typeof AceSchema>;
export type Acl = z.infer<typeof AclSchema>;
export type Identity = z.infer<typeof IdentitySchema>;
export type AccessAnswer = z.infer<typeof AccessAnswerSchema>;
export type PathAccess = z.infer<typeof PathAccessSchema>;
export type GrantPlan = z.infer<typeof GrantPlanSchema>;
export type GrantResult = z.infer<typeof GrantResultSchema>;
export type UndoResult = z.infer<typeof UndoResultSchema>;

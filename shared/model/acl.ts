import { z } from 'zod';

/**
 * Who may do what to a key file (issue 4): one model for NTFS ACLs (Get-Acl / icacls) and POSIX
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
});

export const AccessAnswerSchema = z.object({
  identity: z.string(),
  canRead: z.boolean(),
  /** The entry that decides it, in words: 'allowed by "BUILTIN\\IIS_IUSRS:(R)" (group member)'. */
  decidedBy: z.string(),
  /** Every entry that applied, in evaluation order. */
  considered: z.array(z.string()),
});

export type Principal = z.infer<typeof PrincipalSchema>;
export type Ace = z.infer<typeof AceSchema>;
export type Acl = z.infer<typeof AclSchema>;
export type Identity = z.infer<typeof IdentitySchema>;
export type AccessAnswer = z.infer<typeof AccessAnswerSchema>;

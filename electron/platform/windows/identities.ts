import { z } from 'zod';
import { CertbenchError } from '../../../shared/errors';
import type { Identity } from '../../../shared/model/acl';
import { quotePowerShell } from '../../../shared/scripts/quote';
import { appPoolSid, canonicalPrincipal, knownSid } from '../../../shared/acl/ntfs';
import { jsonArray, jsonScript } from './powershell';

/**
 * Identities a key could be granted to on Windows (reference/windows-formats.md section 10):
 * the IIS application pools of this machine with the account each runs as, and the service accounts.
 */

export type IdentityType = 'ApplicationPoolIdentity' | 'NetworkService' | 'LocalService' | 'LocalSystem' | 'SpecificUser';

/** processModel.identityType by number (reference section 10's table). */
const IDENTITY_TYPES: IdentityType[] = ['LocalSystem', 'LocalService', 'NetworkService', 'SpecificUser', 'ApplicationPoolIdentity'];

export interface AppPool {
  name: string;
  state: string | null;
  managedRuntimeVersion: string | null;
  pipelineMode: string | null;
  /** null when the source does not say (appcmd list apppool prints no identity). */
  identityType: IdentityType | null;
  userName: string | null;
}

const APPPOOL_LINE = /^APPPOOL "(.*)" \((.*)\)\s*$/;

/**
 * `appcmd list apppool` lines: `APPPOOL "DefaultAppPool" (MgdVersion:v4.0,MgdMode:Integrated,state:Started)`.
 * An empty `MgdVersion:` ("No Managed Code") is accepted (UNCERTAIN in the reference: no captured sample).
 * A pasted prompt line and blank lines are skipped; any other line is an error naming it.
 */
export function parseAppcmdAppPools(text: string): AppPool[] {
  const pools: AppPool[] = [];
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n|\r/)) {
    const line = raw.trim();
    if (!line || /^(?:PS )?[A-Za-z]:\\[^>]*>/.test(line)) continue;
    const m = APPPOOL_LINE.exec(line);
    if (!m) throw new CertbenchError('bad-input', `appcmd list apppool: unexpected line "${line.slice(0, 120)}"`);
    const attrs: Record<string, string> = {};
    for (const part of (m[2] ?? '').split(',')) {
      const i = part.indexOf(':');
      if (i > 0) attrs[part.slice(0, i).trim().toLowerCase()] = part.slice(i + 1).trim();
    }
    pools.push({
      name: m[1] ?? '',
      state: attrs.state || null,
      managedRuntimeVersion: attrs.mgdversion || null,
      pipelineMode: attrs.mgdmode || null,
      identityType: null,
      userName: null,
    });
  }
  return pools;
}

/**
 * App pools with their identity from IISAdministration (Get-IISAppPool, IIS 10) or, where that module
 * is missing, WebAdministration (IIS:\AppPools). Enum values are written as text.
 */
export const APP_POOLS_SCRIPT = jsonScript(`
$pools = $null
$source = $null
try {
  Import-Module IISAdministration -ErrorAction Stop
  $pools = foreach ($p in Get-IISAppPool) {
    [pscustomobject]@{ name = [string]$p.Name; state = [string]$p.State; identityType = [string]$p.ProcessModel.IdentityType; userName = [string]$p.ProcessModel.UserName; managedRuntimeVersion = [string]$p.ManagedRuntimeVersion; managedPipelineMode = [string]$p.ManagedPipelineMode }
  }
  $source = 'IISAdministration'
} catch { }
if (-not $source) {
  Import-Module WebAdministration -ErrorAction Stop
  $pools = foreach ($p in Get-ChildItem IIS:\\AppPools) {
    [pscustomobject]@{ name = [string]$p.Name; state = [string]$p.State; identityType = [string]$p.processModel.identityType; userName = [string]$p.processModel.userName; managedRuntimeVersion = [string]$p.managedRuntimeVersion; managedPipelineMode = [string]$p.managedPipelineMode }
  }
  $source = 'WebAdministration'
}
[pscustomobject]@{ source = $source; pools = @($pools) }
`);

const identityTypeSchema = z.union([z.string(), z.number()]).transform((v, ctx): IdentityType => {
  const byNumber = typeof v === 'number' ? IDENTITY_TYPES[v] : /^\d+$/.test(v) ? IDENTITY_TYPES[Number(v)] : undefined;
  const found = byNumber ?? IDENTITY_TYPES.find((t) => typeof v === 'string' && t.toLowerCase() === v.trim().toLowerCase());
  if (!found) {
    ctx.addIssue({ code: 'custom', message: `unknown identityType ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return found;
});

const emptyToNull = z
  .string()
  .nullable()
  .optional()
  .transform((v) => (v ? v : null));

export const AppPoolsSchema = z.object({
  source: z.enum(['IISAdministration', 'WebAdministration']),
  pools: jsonArray(
    z.object({
      name: z.string().min(1),
      state: emptyToNull,
      identityType: identityTypeSchema,
      userName: emptyToNull,
      managedRuntimeVersion: emptyToNull,
      managedPipelineMode: emptyToNull,
    }),
  ),
});

export function appPoolsFromJson(data: z.output<typeof AppPoolsSchema>): AppPool[] {
  return data.pools.map((p) => ({
    name: p.name,
    state: p.state,
    managedRuntimeVersion: p.managedRuntimeVersion,
    pipelineMode: p.managedPipelineMode,
    identityType: p.identityType,
    userName: p.userName,
  }));
}

/** Groups every logged-on service token carries (whoami /groups of a service account). */
const SERVICE_GROUPS = ['BUILTIN\\Users', 'NT AUTHORITY\\SERVICE', 'NT AUTHORITY\\Authenticated Users', 'Everyone'];

/** NETWORK SERVICE, LOCAL SERVICE and LOCAL SYSTEM, which services and app pools run as. */
export const SERVICE_ACCOUNTS: Identity[] = [
  { name: 'NT AUTHORITY\\NETWORK SERVICE', kind: 'well-known', memberOf: SERVICE_GROUPS, sid: 'S-1-5-20', source: 'built-in service account' },
  { name: 'NT AUTHORITY\\LOCAL SERVICE', kind: 'well-known', memberOf: SERVICE_GROUPS, sid: 'S-1-5-19', source: 'built-in service account' },
  {
    name: 'NT AUTHORITY\\SYSTEM',
    kind: 'well-known',
    memberOf: ['BUILTIN\\Administrators', 'NT AUTHORITY\\Authenticated Users', 'Everyone'],
    sid: 'S-1-5-18',
    source: 'built-in service account (LOCAL SYSTEM)',
  },
];

/** What an IIS worker process carries besides its own account: IIS_IUSRS is added to its token. */
const WORKER_GROUPS = ['BUILTIN\\IIS_IUSRS', 'BUILTIN\\Users', 'NT AUTHORITY\\Authenticated Users', 'Everyone'];

/** The identity for an ApplicationPoolIdentity pool: the virtual account IIS APPPOOL\<name>. */
export function appPoolIdentity(name: string, source: string): Identity {
  return { name: `IIS APPPOOL\\${name}`, kind: 'app-pool', memberOf: WORKER_GROUPS, sid: appPoolSid(name), source };
}

/**
 * The account an app pool's worker process runs as, with the groups ACL entries may name. For pools
 * that run as NETWORK SERVICE, LOCAL SERVICE, SYSTEM or a user, IIS_IUSRS is added as for any worker
 * process (UNCERTAIN: the reference states the IIS_IUSRS membership for ApplicationPoolIdentity only).
 */
export function identityOfPool(pool: AppPool, source: string): Identity {
  const from = `IIS app pool "${pool.name}" (${pool.identityType ?? 'identity not read: ApplicationPoolIdentity assumed, the default since IIS 7.5'}; ${source})`;
  switch (pool.identityType) {
    case null:
    case 'ApplicationPoolIdentity':
      return appPoolIdentity(pool.name, from);
    case 'NetworkService':
      return { name: 'NT AUTHORITY\\NETWORK SERVICE', kind: 'app-pool', memberOf: [...WORKER_GROUPS, 'NT AUTHORITY\\SERVICE'], sid: 'S-1-5-20', source: from };
    case 'LocalService':
      return { name: 'NT AUTHORITY\\LOCAL SERVICE', kind: 'app-pool', memberOf: [...WORKER_GROUPS, 'NT AUTHORITY\\SERVICE'], sid: 'S-1-5-19', source: from };
    case 'LocalSystem':
      return { name: 'NT AUTHORITY\\SYSTEM', kind: 'app-pool', memberOf: ['BUILTIN\\Administrators', ...WORKER_GROUPS], sid: 'S-1-5-18', source: from };
    case 'SpecificUser':
      return {
        name: pool.userName ?? `(user of app pool ${pool.name})`,
        kind: 'user',
        memberOf: WORKER_GROUPS,
        sid: pool.userName ? knownSid(pool.userName) : null,
        source: `${from}; its other group memberships were not read`,
      };
  }
}

/** Translate a typed account name to its SID and tell a local group from a user. */
export function resolveAccountScript(name: string): string {
  return jsonScript(`
$name = ${quotePowerShell(name)}
$account = New-Object Security.Principal.NTAccount($name)
$sid = $account.Translate([Security.Principal.SecurityIdentifier]).Value
$canonical = (New-Object Security.Principal.SecurityIdentifier($sid)).Translate([Security.Principal.NTAccount]).Value
$isGroup = $false
try { $null = Get-LocalGroup -SID $sid -ErrorAction Stop; $isGroup = $true } catch { }
[pscustomobject]@{ name = $canonical; sid = $sid; isGroup = $isGroup }
`);
}

export const ResolvedAccountSchema = z.object({ name: z.string(), sid: z.string(), isGroup: z.boolean() });

/** Names that need no lookup: app pools, the service accounts, raw SIDs. Null when Windows must be asked. */
export function resolveLocally(name: string): Identity | null {
  const trimmed = name.trim();
  const pool = /^IIS APPPOOL\\(.+)$/i.exec(trimmed);
  if (pool?.[1]) return appPoolIdentity(pool[1], 'typed name (ApplicationPoolIdentity virtual account)');
  const canonical = canonicalPrincipal(trimmed);
  const service = SERVICE_ACCOUNTS.find((s) => s.name.toLowerCase() === canonical);
  if (service) return { ...service, source: 'typed name' };
  if (/^S-1-[0-9-]+$/i.test(trimmed)) {
    return { name: trimmed.toUpperCase(), kind: 'user', memberOf: ['Everyone'], sid: trimmed.toUpperCase(), source: 'typed SID (groups unknown)' };
  }
  return null;
}

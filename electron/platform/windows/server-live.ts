import { z } from 'zod';
import { toErrorData } from '../../../shared/errors';
import type { SchannelEventSummary, SchannelSettings, SslBinding } from '../../../shared/model/server';
import { bindingsFromRegistry, schannelFromRegistry, typedValue, type OsInfo, type RegistryExport, type RegKey, type RegValue } from '../../../shared/server/registry-export';
import { eventsFromJsonValue, summarizeEvents } from '../../../shared/server/schannel-events';
import type { CommandRunner } from '../types';
import { jsonArray, jsonScript, runPowerShellJson } from './powershell';

/**
 * The server side of this Windows machine, read live: the HTTP.SYS binding keys and the
 * Schannel key from the registry (locale-independent, where netsh's labels are translated; reference
 * sections 0, 5, 6), and the Schannel events of the last week from the System log (section 9). The
 * registry values come back as JSON and are turned into the same RegistryExport a .reg file gives,
 * so live and attached evidence go through the same converters (shared/server/registry-export.ts).
 * Nothing here needs elevation except, on some machines, the System log; that becomes a note.
 */

/**
 * PowerShell that prints one registry key as { path, values: [{ name, kind, value }] }: DWORDs as
 * Int32 (negative above 0x7FFFFFFF; fixed on this side), QWORDs as text (JSON numbers lose 64-bit
 * precision), binary values as byte arrays, multi-strings as arrays.
 */
const READ_KEY = `
function Read-CertbenchKey($k) {
  $values = foreach ($n in $k.GetValueNames()) {
    $kind = [string]$k.GetValueKind($n)
    $v = $k.GetValue($n, $null, 'DoNotExpandEnvironmentNames')
    if ($v -is [byte[]]) { $v = [int[]]$v }
    elseif ($kind -eq 'QWord') { $v = [string]$v }
    [pscustomobject]@{ name = [string]$n; kind = $kind; value = $v }
  }
  [pscustomobject]@{ path = [string]$k.Name; values = @($values) }
}`;

/** (a) Every binding under SslBindingInfo, SslSniBindingInfo and SslCcsBindingInfo (reference 5). */
export const BINDINGS_SCRIPT = jsonScript(`
${READ_KEY.trim()}
$base = 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters'
$keys = @()
foreach ($name in 'SslBindingInfo', 'SslSniBindingInfo', 'SslCcsBindingInfo') {
  $p = Join-Path $base $name
  if (Test-Path -LiteralPath $p) {
    foreach ($k in @(Get-ChildItem -LiteralPath $p)) { $keys += Read-CertbenchKey $k }
  }
}
[pscustomobject]@{ keys = @($keys) }
`);

/**
 * (b) The SCHANNEL key and everything under Protocols (reference 6), and (d) the OS version, which
 * decides what an absent SendTrustedIssuerList means (0 from Windows Server 2012 / NT 6.2 on).
 */
export const SCHANNEL_SCRIPT = jsonScript(`
${READ_KEY.trim()}
$p = 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL'
$keys = @()
if (Test-Path -LiteralPath $p) {
  $keys += Read-CertbenchKey (Get-Item -LiteralPath $p)
  $proto = Join-Path $p 'Protocols'
  if (Test-Path -LiteralPath $proto) {
    foreach ($k in @(Get-ChildItem -LiteralPath $proto -Recurse)) { $keys += Read-CertbenchKey $k }
  }
}
$cv = Get-ItemProperty -LiteralPath 'HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion' -ErrorAction SilentlyContinue
[pscustomobject]@{ keys = @($keys); os = [pscustomobject]@{ version = [string][Environment]::OSVersion.Version; caption = [string]$cv.ProductName } }
`);

/** How far back and how many events (c) reads: a week is what a helpdesk ticket covers. */
export const EVENT_DAYS = 7;
export const MAX_LIVE_EVENTS = 500;

/**
 * (c) Schannel events of the last EVENT_DAYS days from the System log, in the shape of
 * `Get-WinEvent | Select Id,TimeCreated,LevelDisplayName,Message,Properties` so the file parser reads
 * them. "No events found" is an empty answer, not an error; access denied is { denied: true }.
 */
export const EVENTS_SCRIPT = jsonScript(`
$since = (Get-Date).AddDays(-${EVENT_DAYS})
$found = @()
try {
  $found = @(Get-WinEvent -FilterHashtable @{ LogName = 'System'; ProviderName = 'Schannel'; StartTime = $since } -MaxEvents ${MAX_LIVE_EVENTS} -ErrorAction Stop)
} catch {
  if ($_.FullyQualifiedErrorId -like 'NoMatchingEventsFound*') { $found = @() }
  elseif ($_.Exception -is [System.UnauthorizedAccessException] -or $_.FullyQualifiedErrorId -like '*UnauthorizedAccess*' -or $_.Exception.Message -match 'unauthorized|access is denied') {
    return [pscustomobject]@{ denied = $true; events = @() }
  }
  else { throw }
}
[pscustomobject]@{ denied = $false; events = @(foreach ($e in $found) {
  [pscustomobject]@{
    Id = [int]$e.Id
    TimeCreated = $e.TimeCreated.ToUniversalTime().ToString('o')
    LevelDisplayName = [string]$e.LevelDisplayName
    Message = [string]$e.Message
    Properties = @(foreach ($q in $e.Properties) { [pscustomobject]@{ Value = [string]$q.Value } })
  }
}) }
`);

const LiveValueSchema = z.object({ name: z.string(), kind: z.string(), value: z.unknown() });
const LiveKeySchema = z.object({ path: z.string(), values: jsonArray(LiveValueSchema) });
export const LiveRegistrySchema = z.object({ keys: jsonArray(LiveKeySchema) });
export const LiveSchannelSchema = LiveRegistrySchema.extend({
  os: z.object({ version: z.string(), caption: z.string().nullish() }).nullish(),
});
export const LiveEventsSchema = z.object({ denied: z.boolean(), events: z.unknown() });

/** RegistryValueKind (its ToString) to the REG_* type number typedValue reads. */
const KIND_NUMBERS: Record<string, number> = { None: 0, String: 1, ExpandString: 2, Binary: 3, DWord: 4, MultiString: 7, QWord: 11 };

function bytesOf(v: unknown): Uint8Array | null {
  const list = v === null || v === undefined ? [] : Array.isArray(v) ? v : typeof v === 'number' ? [v] : null;
  if (!list || !list.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) return null;
  return Uint8Array.from(list as number[]);
}

/** One live value as the RegValue a .reg file would have given; null when the JSON is not of its kind. */
export function liveValue(name: string, kind: string, value: unknown): RegValue | null {
  switch (kind) {
    case 'DWord':
      return typeof value === 'number' ? { name, type: 'REG_DWORD', value: value >>> 0 } : null;
    case 'QWord':
      try {
        return { name, type: 'REG_QWORD', value: BigInt.asUintN(64, BigInt(String(value))) };
      } catch {
        return null;
      }
    case 'String':
    case 'ExpandString':
      return typeof value === 'string' ? { name, type: kind === 'String' ? 'REG_SZ' : 'REG_EXPAND_SZ', value } : null;
    case 'MultiString': {
      const list = value === null || value === undefined ? [] : Array.isArray(value) ? value : [value];
      return { name, type: 'REG_MULTI_SZ', value: list.map(String) };
    }
    default: {
      const bytes = bytesOf(value);
      return bytes ? typedValue(name, KIND_NUMBERS[kind] ?? (kind === 'Binary' ? 3 : -1), bytes) : null;
    }
  }
}

/** The JSON of BINDINGS_SCRIPT / SCHANNEL_SCRIPT as a RegistryExport. */
export function registryFromLive(data: z.output<typeof LiveRegistrySchema>): RegistryExport {
  let skipped = 0;
  const keys: RegKey[] = data.keys.map((k) => ({
    path: k.path,
    values: k.values.flatMap((v) => {
      const r = liveValue(v.name, v.kind, v.value);
      if (!r) skipped++;
      return r ? [r] : [];
    }),
  }));
  return { format: 'live', keys, skippedLines: skipped };
}

export const LIVE_BINDINGS_SOURCE = 'this machine: HKLM\\SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters';
export const LIVE_SCHANNEL_SOURCE = 'this machine: HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL';
export const LIVE_EVENTS_SOURCE = `this machine: System log, Schannel events of the last ${EVENT_DAYS} days`;
export const EVENTS_NEED_ELEVATION = 'Schannel events: the System log needs an elevated PowerShell (run Certbench as administrator to read them)';

const DENIED = /unauthori[sz]ed|access (?:is )?denied|zugriff verweigert/i;

export interface LiveServer {
  bindings: SslBinding[];
  schannel: SchannelSettings | null;
  /** null when the System log could not be read (see notes). */
  events: SchannelEventSummary | null;
  /** What could not be read and why, one line each. */
  notes: string[];
}

/**
 * Read bindings, Schannel settings and Schannel events of this machine. Each part that fails becomes
 * a note and the others still count: a helpdesk user without elevation still gets the bindings.
 */
export async function collectWindowsServer(runner: CommandRunner): Promise<LiveServer> {
  // One list per part, joined in a fixed order whatever finishes first.
  const parts: [string[], string[], string[]] = [[], [], []];
  const [bindings, schannel, events] = await Promise.all([
    runPowerShellJson(runner, 'HTTP.SYS bindings', BINDINGS_SCRIPT, LiveRegistrySchema, { timeoutMs: 60_000 })
      .then((data) => bindingsFromRegistry(registryFromLive(data), LIVE_BINDINGS_SOURCE))
      .catch((err: unknown) => {
        parts[0].push(`HTTP.SYS bindings: ${toErrorData(err).message}`);
        return [] as SslBinding[];
      }),
    runPowerShellJson(runner, 'Schannel settings', SCHANNEL_SCRIPT, LiveSchannelSchema, { timeoutMs: 60_000 })
      .then((data) => {
        const os: OsInfo | null = data.os?.version ? { version: data.os.version, caption: data.os.caption ?? null } : null;
        const settings = schannelFromRegistry(registryFromLive(data), LIVE_SCHANNEL_SOURCE, { os });
        // No SCHANNEL key at all is still a state: every value absent, the OS defaults apply.
        return settings ?? schannelFromRegistry({ format: 'live', keys: [{ path: 'HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL', values: [] }], skippedLines: 0 }, LIVE_SCHANNEL_SOURCE, { os });
      })
      .catch((err: unknown) => {
        parts[1].push(`Schannel settings: ${toErrorData(err).message}`);
        return null;
      }),
    runPowerShellJson(runner, 'Schannel events', EVENTS_SCRIPT, LiveEventsSchema, { timeoutMs: 120_000 })
      .then((data) => {
        if (data.denied) {
          parts[2].push(EVENTS_NEED_ELEVATION);
          return null;
        }
        return summarizeEvents(eventsFromJsonValue(data.events), LIVE_EVENTS_SOURCE);
      })
      .catch((err: unknown) => {
        const message = toErrorData(err).message;
        parts[2].push(DENIED.test(message) ? EVENTS_NEED_ELEVATION : `Schannel events: ${message}`);
        return null;
      }),
  ]);
  return { bindings, schannel, events, notes: parts.flat() };
}

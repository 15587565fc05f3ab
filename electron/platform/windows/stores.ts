import { z } from 'zod';
import { summarizeCertificate } from '../../../shared/cert/summarize';
import type { KeyLocation, Store, StoreCertificate, StoreRole } from '../../../shared/model/store';
import type { StoreListing } from '../types';
import { keyDirectoriesFor, keyDirectoryPowerShell, keyDirectoryText } from './key-paths';
import { jsonArray, jsonScript } from './powershell';

/**
 * The Windows certificate stores read through .NET's X509Store: every certificate's DER,
 * friendly name and private-key association, the key's provider (CryptoAPI CSP or CNG KSP), its
 * container and unique container name (the key file's name, FindPrivateKey's answer) and the folder
 * the file was found in (reference/windows-formats.md section 2).
 */

export type StoreLocation = 'CurrentUser' | 'LocalMachine';

/** The stores a helpdesk looks at (certlm.msc and certmgr.msc's folders), by their system names. */
export const WINDOWS_STORE_NAMES = ['My', 'Root', 'CA', 'TrustedPeople', 'TrustedPublisher', 'Disallowed', 'WebHosting'] as const;
export const WINDOWS_STORE_LOCATIONS: readonly StoreLocation[] = ['CurrentUser', 'LocalMachine'];

interface StoreInfo {
  role: StoreRole;
  /** The name certmgr.msc shows. */
  title: string;
  /** Trust anchors for chain building. */
  trusted: boolean;
}

const STORE_INFO: Record<string, StoreInfo> = {
  my: { role: 'personal', title: 'Personal', trusted: false },
  root: { role: 'root', title: 'Trusted Root Certification Authorities', trusted: true },
  // Third-Party Root Certification Authorities: also anchors for the chain engine.
  authroot: { role: 'root', title: 'Third-Party Root Certification Authorities', trusted: true },
  ca: { role: 'intermediate', title: 'Intermediate Certification Authorities', trusted: false },
  trustedpeople: { role: 'trusted-people', title: 'Trusted People', trusted: false },
  trustedpublisher: { role: 'trusted-publisher', title: 'Trusted Publishers', trusted: false },
  disallowed: { role: 'disallowed', title: 'Untrusted Certificates', trusted: false },
  webhosting: { role: 'web-hosting', title: 'Web Hosting', trusted: false },
};

/** Role, label and trust of a store by its system name (case-insensitive, as Windows treats it). */
export function windowsStoreInfo(location: StoreLocation, name: string): { id: string; label: string; location: string } & StoreInfo {
  const info = STORE_INFO[name.toLowerCase()] ?? { role: 'other' as const, title: name, trusted: false };
  const where = location === 'LocalMachine' ? 'Local Computer' : 'Current User';
  return { ...info, id: `windows:${location}\\${name}`, label: `${where} > ${info.title}`, location: `Cert:\\${location}\\${name}` };
}

/** The enumeration script: one JSON document for all stores (one PowerShell start, not fourteen). */
export function storeEnumerationScript(
  names: readonly string[] = WINDOWS_STORE_NAMES,
  locations: readonly StoreLocation[] = WINDOWS_STORE_LOCATIONS,
): string {
  // Store names and locations come from our own constants, never from a user.
  for (const n of [...names, ...locations]) if (!/^[A-Za-z]+$/.test(n)) throw new Error(`not a store name: ${n}`);
  const dirs = (loc: StoreLocation) => keyDirectoriesFor(loc).map((d) => `    ${keyDirectoryPowerShell(d)}`).join(',\n');
  return jsonScript(`
# The user's SID names the user key folders. WindowsIdentity exists only on Windows: elsewhere (pwsh on
# Linux runs this same script in the tests) there is no SID and the key details stay null.
$sid = $null
try { $sid = [Security.Principal.WindowsIdentity]::GetCurrent().User.Value } catch { }
$keyDirs = @{
  LocalMachine = @(
${dirs('LocalMachine')}
  )
  CurrentUser = @(
${dirs('CurrentUser')}
  )
}
function Find-KeyFile([string]$name, [string]$location) {
  if (-not $name) { return $null }
  foreach ($d in $keyDirs[$location]) {
    if (-not $d.path) { continue }
    try {
      $p = Join-Path $d.path $name
      if (Test-Path -LiteralPath $p -PathType Leaf) { return [pscustomobject]@{ file = $p; format = $d.format; scope = $d.scope } }
    } catch { }
  }
  return $null
}
function Get-KeyInfo($cert, [string]$location) {
  $k = [ordered]@{ provider = $null; kind = $null; container = $null; uniqueName = $null; exportable = $null; machineKey = $null; path = $null; pathFormat = $null; pathScope = $null; errors = $null }
  if (-not $cert.HasPrivateKey) { return [pscustomobject]$k }
  $errs = @()
  $csp = $null
  # CryptoAPI keys: .NET Framework opens them as RSACryptoServiceProvider (CspKeyContainerInfo).
  try {
    $pk = $cert.PrivateKey
    if ($pk -and $pk.PSObject.Properties['CspKeyContainerInfo']) { $csp = $pk.CspKeyContainerInfo }
  } catch { $errs += ('PrivateKey: ' + $_.Exception.Message) }
  if (-not $csp) {
    # CNG keys (and ECDSA): RSACng / ECDsaCng, whose .Key is the CngKey (reference section 2).
    $key = $null
    try { $key = [Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($cert) } catch { $errs += ('GetRSAPrivateKey: ' + $_.Exception.Message) }
    if (-not $key) {
      try { $key = [Security.Cryptography.X509Certificates.ECDsaCertificateExtensions]::GetECDsaPrivateKey($cert) } catch { $errs += ('GetECDsaPrivateKey: ' + $_.Exception.Message) }
    }
    if ($key -and $key.PSObject.Properties['Key'] -and $key.Key -is [Security.Cryptography.CngKey]) {
      $ck = $key.Key
      $k.kind = 'cng'
      try { $k.provider = [string]$ck.Provider.Provider } catch { $errs += ('Provider: ' + $_.Exception.Message) }
      try { $k.container = [string]$ck.KeyName } catch { }
      try { $k.uniqueName = [string]$ck.UniqueName } catch { $errs += ('UniqueName: ' + $_.Exception.Message) }
      try { $k.exportable = (([int]$ck.ExportPolicy -band 3) -ne 0) } catch { }
      try { $k.machineKey = [bool]$ck.IsMachineKey } catch { }
    } elseif ($key -and $key.PSObject.Properties['CspKeyContainerInfo']) {
      $csp = $key.CspKeyContainerInfo
    }
  }
  if ($csp) {
    $k.kind = 'capi'
    try { $k.provider = [string]$csp.ProviderName; $k.container = [string]$csp.KeyContainerName; $k.uniqueName = [string]$csp.UniqueKeyContainerName } catch { $errs += ('CspKeyContainerInfo: ' + $_.Exception.Message) }
    try { $k.exportable = [bool]$csp.Exportable } catch { }
    try { $k.machineKey = [bool]$csp.MachineKeyStore } catch { }
  }
  $found = Find-KeyFile $k.uniqueName $location
  if ($found) { $k.path = $found.file; $k.pathFormat = $found.format; $k.pathScope = $found.scope }
  if ($errs.Count) { $k.errors = ($errs -join ' | ') }
  [pscustomobject]$k
}
$stores = foreach ($loc in @(${locations.map((l) => `'${l}'`).join(', ')})) {
  foreach ($name in @(${names.map((n) => `'${n}'`).join(', ')})) {
    $entry = [ordered]@{ location = $loc; name = $name; error = $null; certificates = @() }
    $store = $null
    try {
      $store = New-Object Security.Cryptography.X509Certificates.X509Store($name, $loc)
      $store.Open([Security.Cryptography.X509Certificates.OpenFlags]'ReadOnly, OpenExistingOnly, IncludeArchived')
      $entry.certificates = @(foreach ($c in $store.Certificates) {
        [pscustomobject]@{ rawData = [Convert]::ToBase64String($c.RawData); thumbprint = $c.Thumbprint; friendlyName = $c.FriendlyName; hasPrivateKey = [bool]$c.HasPrivateKey; archived = [bool]$c.Archived; key = (Get-KeyInfo $c $loc) }
      })
    } catch { $entry.error = [string]$_.Exception.Message } finally { if ($store) { $store.Close() } }
    [pscustomobject]$entry
  }
}
[pscustomobject]@{ sid = $sid; stores = @($stores) }
`);
}

const KeySchema = z.object({
  provider: z.string().nullable(),
  kind: z.enum(['capi', 'cng']).nullable(),
  container: z.string().nullable(),
  uniqueName: z.string().nullable(),
  exportable: z.boolean().nullable(),
  machineKey: z.boolean().nullable(),
  path: z.string().nullable(),
  pathFormat: z.enum(['capi', 'cng']).nullable(),
  pathScope: z.string().nullable(),
  errors: z.string().nullable(),
});

const StoreCertSchema = z.object({
  rawData: z.string().min(1),
  thumbprint: z.string().regex(/^[0-9A-Fa-f]{40}$/),
  friendlyName: z.string().nullable(),
  hasPrivateKey: z.boolean(),
  archived: z.boolean(),
  key: KeySchema,
});

export const StoreEnumerationSchema = z.object({
  sid: z.string().nullable(),
  stores: jsonArray(
    z.object({
      location: z.enum(['CurrentUser', 'LocalMachine']),
      name: z.string(),
      error: z.string().nullable(),
      certificates: jsonArray(StoreCertSchema),
    }),
  ),
});
export type StoreEnumeration = z.output<typeof StoreEnumerationSchema>;
export type StoreEnumerationKey = z.output<typeof KeySchema>;

/** Messages that mean "the key's container or file is gone" (NTE_BAD_KEYSET, NTE_NO_KEY, file not found). */
const MISSING = /keyset does not exist|0x80090016|NTE_BAD_KEYSET|0x80090011|NTE_NO_KEY|object was not found|cannot find the (file|path)|The system cannot find/i;
const DENIED = /access is denied|0x80070005|E_ACCESSDENIED/i;
/** .NET Framework's PrivateKey getter on a CNG key: expected, not a problem of the key. */
const CNG_VIA_CAPI = /^PrivateKey: Invalid provider type specified/i;

/** Where the key of one certificate is, in the model's words. */
export function keyLocationFromJson(hasPrivateKey: boolean, k: StoreEnumerationKey, location: StoreLocation): KeyLocation {
  const base = {
    provider: k.provider,
    providerKind: k.kind,
    container: k.container,
    uniqueName: k.uniqueName,
    path: k.path,
    exportable: k.exportable,
  };
  if (!hasPrivateKey) return { ...base, status: 'none', detail: 'No private key is associated with this certificate.' };
  const errors = (k.errors ?? '')
    .split(' | ')
    .map((e) => e.trim())
    .filter((e) => e && !(k.kind && CNG_VIA_CAPI.test(e)));
  if (k.path) {
    const how = k.kind === 'capi' ? 'CryptoAPI' : 'CNG';
    return { ...base, status: 'present', detail: `${how} key file found in ${k.pathScope ?? 'a key'} folder (${k.provider ?? 'unknown provider'}).` };
  }
  if (!k.uniqueName) {
    const errorText = errors.filter((e) => !CNG_VIA_CAPI.test(e)).join('; ') || errors.join('; ');
    if (MISSING.test(errorText)) {
      return {
        ...base,
        status: 'missing',
        detail: `The certificate says it has a private key, but the key cannot be opened: ${errorText} (the key file is gone, or this account may not read it).`,
      };
    }
    if (DENIED.test(errorText)) {
      return { ...base, status: 'unknown', detail: `The private key cannot be opened by this account: ${errorText}. Run elevated to see it.` };
    }
    return { ...base, status: 'unknown', detail: errorText ? `The private key could not be opened: ${errorText}.` : 'The private key could not be opened.' };
  }
  const folders = keyDirectoriesFor(location).map(keyDirectoryText).join(', ');
  return {
    ...base,
    status: 'unknown',
    detail: `The key opens through ${k.provider ?? 'its provider'}, but no file named ${k.uniqueName} is in ${folders} (a smart card, TPM or HSM key has no file here).`,
  };
}

/**
 * Map the enumeration JSON to the model: one Store per (location, name), one StoreCertificate per
 * certificate, summaries made from the DER (the thumbprint is recomputed, not trusted from the JSON).
 */
export async function storesFromEnumeration(data: StoreEnumeration, at: Date): Promise<StoreListing> {
  const stores: Store[] = [];
  const certificates: StoreCertificate[] = [];
  for (const s of data.stores) {
    const info = windowsStoreInfo(s.location, s.name);
    const problems: string[] = [];
    let count = 0;
    for (const [i, c] of s.certificates.entries()) {
      const label = `${info.label} certificate ${i} (${c.thumbprint})`;
      let der: Uint8Array;
      try {
        der = new Uint8Array(Buffer.from(c.rawData, 'base64'));
        const summary = await summarizeCertificate(label, der, at);
        if (summary.thumbprintSha1 !== c.thumbprint.toUpperCase()) problems.push(`${label}: thumbprint differs from its DER`);
        certificates.push({ storeId: info.id, friendlyName: c.friendlyName || null, summary, key: keyLocationFromJson(c.hasPrivateKey, c.key, s.location) });
        count++;
      } catch (err) {
        problems.push((err as Error).message);
      }
    }
    const error = s.error
      ? /cannot find|does not exist|not found/i.test(s.error)
        ? `store does not exist on this machine (${s.error})`
        : s.error
      : problems.length
        ? `${problems.length} certificate(s) could not be read: ${problems[0]}`
        : null;
    stores.push({ id: info.id, kind: 'windows', role: info.role, label: info.label, location: info.location, trusted: info.trusted, certificateCount: count, error });
  }
  return { stores, certificates };
}

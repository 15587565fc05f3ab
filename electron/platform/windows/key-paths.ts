/**
 * Where Windows keeps private key files (reference/windows-formats.md section 2, from Microsoft's
 * "Key Storage and Retrieval"). One table feeds both the PowerShell enumeration script, which tests
 * each folder for the key's unique container name, and the certutil fallback, which can only name
 * the folders to look in. %ALLUSERSPROFILE%\Application Data is %ProgramData% since Vista.
 */
export interface KeyDirectory {
  /** Environment variable the path starts from. */
  base: 'ProgramData' | 'APPDATA' | 'windir';
  /** Path below it; `<SID>` is the current user's SID. */
  relative: string;
  /** CAPI (CSP) or CNG (KSP) key file layout. */
  format: 'capi' | 'cng';
  /** Whose keys: the machine's shared keys, a service account's, or the current user's. */
  scope: 'machine' | 'system' | 'local-service' | 'network-service' | 'user';
  /** Set where the folder is inferred rather than given verbatim by the reference. */
  uncertain?: string;
}

export const KEY_DIRECTORIES: readonly KeyDirectory[] = [
  { base: 'ProgramData', relative: 'Microsoft\\Crypto\\RSA\\MachineKeys', format: 'capi', scope: 'machine' },
  { base: 'ProgramData', relative: 'Microsoft\\Crypto\\Keys', format: 'cng', scope: 'machine' },
  { base: 'ProgramData', relative: 'Microsoft\\Crypto\\SystemKeys', format: 'cng', scope: 'system' },
  { base: 'ProgramData', relative: 'Microsoft\\Crypto\\DSS\\MachineKeys', format: 'capi', scope: 'machine' },
  { base: 'ProgramData', relative: 'Microsoft\\Crypto\\RSA\\S-1-5-18', format: 'capi', scope: 'system' },
  { base: 'ProgramData', relative: 'Microsoft\\Crypto\\RSA\\S-1-5-19', format: 'capi', scope: 'local-service' },
  { base: 'ProgramData', relative: 'Microsoft\\Crypto\\RSA\\S-1-5-20', format: 'capi', scope: 'network-service' },
  {
    base: 'windir',
    relative: 'ServiceProfiles\\LocalService\\AppData\\Roaming\\Microsoft\\Crypto\\Keys',
    format: 'cng',
    scope: 'local-service',
    uncertain: 'the reference names only %WINDIR%\\ServiceProfiles\\LocalService; the Crypto\\Keys folder below the profile is inferred',
  },
  {
    base: 'windir',
    relative: 'ServiceProfiles\\NetworkService\\AppData\\Roaming\\Microsoft\\Crypto\\Keys',
    format: 'cng',
    scope: 'network-service',
    uncertain: 'the reference names only %WINDIR%\\ServiceProfiles\\NetworkService; the Crypto\\Keys folder below the profile is inferred',
  },
  { base: 'APPDATA', relative: 'Microsoft\\Crypto\\RSA\\<SID>', format: 'capi', scope: 'user' },
  { base: 'APPDATA', relative: 'Microsoft\\Crypto\\DSS\\<SID>', format: 'capi', scope: 'user' },
  { base: 'APPDATA', relative: 'Microsoft\\Crypto\\Keys', format: 'cng', scope: 'user' },
];

/** The folders as a user would type them: %ProgramData%\Microsoft\Crypto\RSA\MachineKeys. */
export function keyDirectoryText(d: KeyDirectory): string {
  return `%${d.base}%\\${d.relative}`;
}

/**
 * The folders to search for a key of a store in `location`, most likely first: machine folders for
 * LocalMachine stores, the user's own for CurrentUser stores (a user store can still point at a
 * machine key, so the others follow).
 */
export function keyDirectoriesFor(location: 'LocalMachine' | 'CurrentUser'): KeyDirectory[] {
  const user = KEY_DIRECTORIES.filter((d) => d.scope === 'user');
  const machine = KEY_DIRECTORIES.filter((d) => d.scope !== 'user');
  return location === 'LocalMachine' ? [...machine, ...user] : [...user, ...machine];
}

/** PowerShell expression for one folder (the table is ours: no user data goes into it). */
export function keyDirectoryPowerShell(d: KeyDirectory): string {
  const [before, after] = d.relative.split('<SID>');
  const rel = after === undefined ? `'${d.relative}'` : `('${before}' + $sid + '${after}')`;
  return `[pscustomobject]@{ base = '${d.base}'; format = '${d.format}'; scope = '${d.scope}'; path = $(if ($env:${d.base}) { Join-Path $env:${d.base} ${rel} } else { $null }) }`;
}

/** The key file name rule (reference section 1, Variant B) lives with the certutil parser in shared/. */
export { KEY_FILE_NAME } from '../../../shared/stores/certutil-text';

/** Windows-style join (the adapter may run its tests on Linux, where node's path uses "/"). */
export function winJoin(dir: string, name: string): string {
  return dir.endsWith('\\') ? dir + name : `${dir}\\${name}`;
}

/** The folder of a Windows path (icacls /restore takes the folder, not the file). */
export function winDirname(path: string): string {
  const i = path.lastIndexOf('\\');
  if (i < 0) return '.';
  if (i === 2 && /^[A-Za-z]:/.test(path)) return path.slice(0, 3);
  return path.slice(0, i);
}

/** The last component of a Windows path. */
export function winBasename(path: string): string {
  const i = path.lastIndexOf('\\');
  return i < 0 ? path : path.slice(i + 1);
}

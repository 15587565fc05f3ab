// One file because a .reg export and the live registry (server-live.ts) both become one RegistryExport,
// and the two readers of it (HTTP.SYS binding keys, reference section 5; the Schannel key, section 6)
// decode the same typed values (REG_BINARY GUIDs, DWORD flags): reader and value decoding change together.
import { latin1, toHex } from '../asn1/bytes';
import { CertbenchError, formatBytes } from '../errors';
import type { SchannelSettings, SslBinding } from '../model/server';
import { decodeCertCheckMode, decodeDefaultFlags, hex32 } from './ssl-flags';
import { stripPasteNoise } from './paste-noise';
import { decodeText } from './text-decode';

/** The commands that print a .reg file or make one. */
const REG_COMMAND = /\.reg\b|\breg(?:\.exe)?\s+export\b/i;

/**
 * Registry exports (`regedit` Export, `reg export`): "Windows Registry Editor Version 5.00" files,
 * UTF-16LE with a BOM and CRLF, or the older ANSI "REGEDIT4". The HTTP.SYS binding keys (reference
 * section 5) and the Schannel key (reference section 6) are read from them the same way as from the
 * live registry (electron/platform/windows/server-live.ts builds the same RegistryExport).
 */

export const MAX_REG_CHARS = 32 * 1024 * 1024;

export type RegValue =
  | { name: string; type: 'REG_SZ' | 'REG_EXPAND_SZ'; value: string }
  | { name: string; type: 'REG_MULTI_SZ'; value: string[] }
  | { name: string; type: 'REG_DWORD'; value: number }
  | { name: string; type: 'REG_QWORD'; value: bigint }
  /** REG_BINARY, REG_NONE and any other type number, kept as bytes. */
  | { name: string; type: 'REG_BINARY' | 'REG_NONE' | 'REG_OTHER'; value: Uint8Array; typeNumber: number };

export interface RegKey {
  /** As written in the export: HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\... */
  path: string;
  /** "" is the key's default value (`@=` in the file). */
  values: RegValue[];
}

export interface RegistryExport {
  format: '5.00' | 'REGEDIT4' | 'live';
  keys: RegKey[];
  /** Lines that were neither a key, a value nor a comment (counted, not fatal). */
  skippedLines: number;
}

/**
 * Parse a .reg file's text (decode the bytes with decodeText first). Deletions (`[-key]`, `"v"=-`)
 * are skipped: they describe a change, not a state. A text without the header is a one-line
 * bad-input error naming `source`.
 */
export function parseRegistryExport(text: string, source: string): RegistryExport {
  if (text.length > MAX_REG_CHARS) {
    throw new CertbenchError('too-large', `${source}: larger than the ${formatBytes(MAX_REG_CHARS)} a registry export can be here (${text.length} characters); export only the HTTP\\Parameters or SCHANNEL key`);
  }
  // Pasted: `PS C:\> Get-Content schannel.reg` or `C:\>type schannel.reg` above it, other output before.
  const lines = stripPasteNoise(text, { command: REG_COMMAND }).lines;
  let i = 0;
  while (i < lines.length && !/^(?:Windows Registry Editor Version 5\.00|REGEDIT4|\[HKEY_)/i.test(lines[i]!.trim())) i++;
  const first = (lines[i] ?? '').trim();
  let format: RegistryExport['format'];
  if (/^Windows Registry Editor Version 5\.00$/i.test(first)) format = '5.00';
  else if (/^REGEDIT4$/i.test(first)) format = 'REGEDIT4';
  else if (/^\[HKEY_[^\]]*\]$/i.test(first) && lines.slice(i + 1).some((l) => /^\s*(?:"[^"]*"|@)=(?:dword:|hex|"|-)/.test(l))) {
    // A paste that lost the header row: key rows with value rows say what it is; regedit 5.00 syntax is assumed.
    format = '5.00';
    i--;
  } else throw new CertbenchError('bad-input', `${source}: not a registry export (the first line is not "Windows Registry Editor Version 5.00" or "REGEDIT4")`);

  const keys: RegKey[] = [];
  let current: RegKey | null = null;
  let skippedLines = 0;
  for (i++; i < lines.length; i++) {
    let line = lines[i]!.trim();
    // A long hex value continues on the next lines: "...,\" then "  00,01,...".
    while (line.endsWith('\\') && !line.startsWith('[') && i + 1 < lines.length) {
      line = line.slice(0, -1) + lines[++i]!.trim();
    }
    if (!line || line.startsWith(';')) continue;
    if (line.startsWith('[')) {
      const end = line.lastIndexOf(']');
      const path = line.slice(1, end > 0 ? end : undefined);
      if (path.startsWith('-')) {
        current = null;
        continue;
      }
      current = { path, values: [] };
      keys.push(current);
      continue;
    }
    const value = current ? parseValueLine(line, format) : null;
    if (value === 'deleted') continue;
    if (!value || !current) {
      skippedLines++;
      continue;
    }
    current.values.push(value);
  }
  return { format, keys, skippedLines };
}

/** `"Name"=data` or `@=data`; null when the line is not a value line. */
function parseValueLine(line: string, format: RegistryExport['format']): RegValue | 'deleted' | null {
  let name: string;
  let rest: string;
  if (line.startsWith('@=')) {
    name = '';
    rest = line.slice(2);
  } else if (line.startsWith('"')) {
    const parsed = readQuoted(line, 0);
    if (!parsed || line[parsed.end] !== '=') return null;
    name = parsed.text;
    rest = line.slice(parsed.end + 1);
  } else return null;

  rest = rest.trim();
  if (rest === '-') return 'deleted';
  if (rest.startsWith('"')) {
    const s = readQuoted(rest, 0);
    return s ? { name, type: 'REG_SZ', value: s.text } : null;
  }
  const dword = /^dword:([0-9a-f]{1,8})$/i.exec(rest);
  if (dword) return { name, type: 'REG_DWORD', value: parseInt(dword[1]!, 16) >>> 0 };
  const hex = /^hex(?:\(([0-9a-f]+)\))?:(.*)$/i.exec(rest);
  if (!hex) return null;
  const typeNumber = hex[1] === undefined ? 3 : parseInt(hex[1], 16);
  const bytes = hexBytes(hex[2]!);
  if (!bytes) return null;
  return typedValue(name, typeNumber, bytes, format === 'REGEDIT4' ? 'latin1' : 'utf-16le');
}

/** A registry value from its type number (winnt.h REG_*) and raw bytes: the form hex(N): and the live registry share. */
export function typedValue(name: string, typeNumber: number, bytes: Uint8Array, strings: 'utf-16le' | 'latin1' = 'utf-16le'): RegValue {
  const text = () => (strings === 'latin1' ? latin1(bytes) : decodeUtf16le(bytes));
  switch (typeNumber) {
    case 1:
      return { name, type: 'REG_SZ', value: text().replace(/\0+$/, '') };
    case 2:
      return { name, type: 'REG_EXPAND_SZ', value: text().replace(/\0+$/, '') };
    case 7:
      return { name, type: 'REG_MULTI_SZ', value: text().split('\0').filter((s) => s !== '') };
    case 4:
      if (bytes.length === 4) return { name, type: 'REG_DWORD', value: (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0 };
      break;
    case 5: // REG_DWORD_BIG_ENDIAN
      if (bytes.length === 4) return { name, type: 'REG_DWORD', value: ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0 };
      break;
    case 11:
      if (bytes.length === 8) {
        let v = 0n;
        for (let k = 7; k >= 0; k--) v = (v << 8n) | BigInt(bytes[k]!);
        return { name, type: 'REG_QWORD', value: v };
      }
      break;
  }
  return { name, type: typeNumber === 3 ? 'REG_BINARY' : typeNumber === 0 ? 'REG_NONE' : 'REG_OTHER', value: bytes, typeNumber };
}

function decodeUtf16le(bytes: Uint8Array): string {
  // The BOM bytes (FF FE) would be taken as a BOM by decodeText; a value never starts with one.
  const withBom = new Uint8Array(bytes.length + 2);
  withBom.set([0xff, 0xfe]);
  withBom.set(bytes, 2);
  return decodeText(withBom).text;
}

/** A quoted .reg string from `start` (the opening quote): `\\` and `\"` are the escapes regedit writes. */
function readQuoted(s: string, start: number): { text: string; end: number } | null {
  let out = '';
  for (let k = start + 1; k < s.length; k++) {
    const c = s[k]!;
    if (c === '\\' && k + 1 < s.length) {
      const n = s[k + 1]!;
      out += n === '\\' || n === '"' ? n : c + n;
      k++;
    } else if (c === '"') return { text: out, end: k + 1 };
    else out += c;
  }
  return null;
}

function hexBytes(list: string): Uint8Array | null {
  const parts = list.split(',').map((p) => p.trim()).filter((p) => p !== '');
  const out = new Uint8Array(parts.length);
  for (let k = 0; k < parts.length; k++) {
    if (!/^[0-9a-f]{1,2}$/i.test(parts[k]!)) return null;
    out[k] = parseInt(parts[k]!, 16);
  }
  return out;
}

/** A value by name, case-insensitive as the registry is. */
export function regValue(key: RegKey, name: string): RegValue | undefined {
  const lower = name.toLowerCase();
  return key.values.find((v) => v.name.toLowerCase() === lower);
}

function dwordOf(key: RegKey, name: string): number | null {
  const v = regValue(key, name);
  if (!v) return null;
  if (v.type === 'REG_DWORD') return v.value;
  if (v.type === 'REG_QWORD') return Number(v.value & 0xffffffffn);
  if ((v.type === 'REG_SZ' || v.type === 'REG_EXPAND_SZ') && /^\s*(?:0x[0-9a-f]+|\d+)\s*$/i.test(v.value)) return Number(v.value) >>> 0;
  return null;
}

function stringOf(key: RegKey, name: string): string | null {
  const v = regValue(key, name);
  if (!v) return null;
  if (v.type === 'REG_SZ' || v.type === 'REG_EXPAND_SZ') return v.value.trim() || null;
  if (v.type === 'REG_MULTI_SZ') return v.value.join(', ') || null;
  return null;
}

function bytesOf(v: RegValue | undefined): Uint8Array | null {
  return v && (v.type === 'REG_BINARY' || v.type === 'REG_NONE' || v.type === 'REG_OTHER') ? v.value : null;
}

/** A GUID in its registry/COM byte order (Data1-3 little-endian) as netsh prints it: {4dc3e181-e14b-...}. */
export function guidFromBytes(b: Uint8Array): string | null {
  if (b.length !== 16) return null;
  const h = (from: number, to: number, reverse: boolean) => {
    const slice = Array.from(b.subarray(from, to));
    if (reverse) slice.reverse();
    return slice.map((x) => x.toString(16).padStart(2, '0')).join('');
  };
  return `{${h(0, 4, true)}-${h(4, 6, true)}-${h(6, 8, true)}-${h(8, 10, false)}-${h(10, 16, false)}}`;
}

/** How a value reads in the UI and in evidence: DWORDs as regedit shows them, binary as hex. */
export function displayValue(v: RegValue): string {
  switch (v.type) {
    case 'REG_DWORD':
      return `${hex32(v.value)} (${v.value})`;
    case 'REG_QWORD':
      return `0x${v.value.toString(16).padStart(16, '0')} (${v.value})`;
    case 'REG_MULTI_SZ':
      return v.value.join(' | ');
    case 'REG_SZ':
    case 'REG_EXPAND_SZ':
      return v.value;
    default:
      return toHex(v.value).toLowerCase();
  }
}

const BINDING_KEY = /\\Services\\HTTP\\Parameters\\(SslBindingInfo|SslSniBindingInfo|SslCcsBindingInfo)\\([^\\]+)$/i;
const KIND_OF: Record<string, SslBinding['kind']> = { sslbindinginfo: 'ipport', sslsnibindinginfo: 'hostnameport', sslccsbindinginfo: 'ccs' };

/**
 * An export of a whole SYSTEM hive has several control sets; CurrentControlSet is the one in use,
 * else the first seen (ControlSet001 on most machines).
 */
function preferCurrent<T>(items: { id: string; path: string; item: T }[]): T[] {
  const chosen = new Map<string, { path: string; item: T }>();
  for (const x of items) {
    const had = chosen.get(x.id);
    if (!had || (!/\\CurrentControlSet\\/i.test(had.path) && /\\CurrentControlSet\\/i.test(x.path))) chosen.set(x.id, x);
  }
  return [...chosen.values()].map((x) => x.item);
}

/**
 * HTTP.SYS bindings from the SslBindingInfo (IP:port), SslSniBindingInfo (hostname:port) and
 * SslCcsBindingInfo (central store; UNCERTAIN key name, reference 5) keys. Absent DefaultFlags and
 * DefaultSslCertCheckMode mean 0, which is how HTTP.SYS reads them: no client-certificate
 * negotiation, revocation and usage checked.
 */
export function bindingsFromRegistry(reg: RegistryExport, source: string): SslBinding[] {
  const found: { id: string; path: string; item: SslBinding }[] = [];
  for (const key of reg.keys) {
    const m = BINDING_KEY.exec(key.path);
    if (!m) continue;
    const kind = KIND_OF[m[1]!.toLowerCase()]!;
    const name = m[2]!;
    found.push({ id: `${kind}\0${name.toLowerCase()}`, path: key.path, item: bindingOfKey(key, kind, name, source) });
  }
  return preferCurrent(found);
}

function bindingOfKey(key: RegKey, kind: SslBinding['kind'], name: string, source: string): SslBinding {
  const hashBytes = bytesOf(regValue(key, 'SslCertHash'));
  const hash = hashBytes ? toHex(hashBytes) : (stringOf(key, 'SslCertHash')?.replace(/\s+/g, '').toUpperCase() ?? null);
  // AppId's type is UNCERTAIN (reference 5): a 16-byte GUID in the samples seen, accepted as text too.
  const appIdBytes = bytesOf(regValue(key, 'AppId'));
  const appId = appIdBytes ? (guidFromBytes(appIdBytes) ?? toHex(appIdBytes).toLowerCase()) : stringOf(key, 'AppId');
  const flagsValue = dwordOf(key, 'DefaultFlags');
  const flags = flagsValue ?? 0;
  const decoded = decodeDefaultFlags(flags);
  const check = decodeCertCheckMode(dwordOf(key, 'DefaultSslCertCheckMode') ?? 0);

  const fields: SslBinding['fields'] = [{ label: 'Registry key', value: key.path }];
  for (const v of key.values) {
    let shown = displayValue(v);
    if (v.name.toLowerCase() === 'appid' && appId) shown = appId;
    if (v.name.toLowerCase() === 'defaultflags' && v.type === 'REG_DWORD') shown = `${hex32(v.value)} (${decoded.names.join(', ') || 'none set'})`;
    fields.push({ label: v.name || '(Default)', value: shown });
  }
  if (flagsValue === null) fields.push({ label: 'DefaultFlags', value: '(not set: 0, no flags)' });

  return {
    // The central store is addressed by port (netsh ccs=<port>); the subkey may carry an address too.
    key: kind === 'ccs' ? (/:(\d+)$/.exec(name)?.[1] ?? name) : name,
    kind,
    certificateHash: hash,
    appId,
    certificateStoreName: stringOf(key, 'SslCertStoreName'),
    ctlIdentifier: stringOf(key, 'DefaultSslCtlIdentifier'),
    ctlStoreName: stringOf(key, 'DefaultSslCtlStoreName'),
    verifyClientCertRevocation: check.verifyRevocation,
    usageCheck: check.usageCheck,
    dsMapperUsage: (flags & 0x1) !== 0,
    negotiateClientCertificate: (flags & 0x2) !== 0,
    disableTls12: (flags & 0x1000) !== 0,
    disableTls13: (flags & 0x40) !== 0,
    disableLegacyTls: (flags & 0x400) !== 0,
    defaultFlags: flags,
    flagNames: decoded.names,
    fields,
    source,
  };
}

const SCHANNEL_KEY = /\\Control\\SecurityProviders\\SCHANNEL$/i;
const PROTOCOL_KEY = /\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\([^\\]+)\\(Server|Client)$/i;

/** The OS the settings were read on, when known: decides SendTrustedIssuerList's default. */
export interface OsInfo {
  /** "10.0.17763", "6.1.7601" ([Environment]::OSVersion.Version). */
  version: string;
  /** "Windows Server 2019 Datacenter" (ProductName), when known. */
  caption?: string | null;
}

/**
 * True on Windows Server 2012 / Windows 8 (NT 6.2) and later, where an absent SendTrustedIssuerList
 * means 0; false on 2008 R2 / 7 and earlier, where it means 1 (reference 6); null when unknown.
 */
export function sendsNoIssuerListByDefault(os: OsInfo | null | undefined): boolean | null {
  const m = os ? /^(\d+)\.(\d+)/.exec(os.version) : null;
  if (!m) return null;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  return major > 6 || (major === 6 && minor >= 2);
}

/** Where the CA names come from when a list is sent (reference 6, WS2012 and later). */
const LIST_SOURCE =
  "the binding's CTL store (Ctl Store Name / sslctlstorename) when one is set, otherwise the machine's Client Authentication Issuers store when it holds certificates, otherwise Trusted Root Certification Authorities";
const LIMIT =
  'Schannel sends at most 16 KB of names and truncates a longer list (warning event 36885), so a client whose CA fell off the list offers no certificate (403.7).';

/** SendTrustedIssuerList in words: what the client will see (reference 6, KB 2802568, KB 933430). */
export function impliedIssuerList(sendTrustedIssuerList: number | null, os: OsInfo | null | undefined): string {
  const modern = sendsNoIssuerListByDefault(os);
  const none =
    'the server sends no CA names when it asks for a client certificate, so the client is offered every certificate it has (a browser lists them all; a client that picks automatically may pick a wrong one, which then fails with 403.16 or 403.7). The server still checks the certificate it gets against its trusted roots.';
  if (sendTrustedIssuerList === 0) return `SendTrustedIssuerList is 0: ${none}`;
  if (sendTrustedIssuerList !== null) {
    return `SendTrustedIssuerList is ${sendTrustedIssuerList}: the server sends the names of the CAs it trusts for client authentication, taken from ${LIST_SOURCE}. ${LIMIT}`;
  }
  if (modern === true) return `SendTrustedIssuerList is not set, which on Windows Server 2012 and later means 0: ${none}`;
  if (modern === false) {
    return `SendTrustedIssuerList is not set, which on Windows Server 2008 R2 and earlier means 1: the server sends the names of its Trusted Root Certification Authorities. ${LIMIT}`;
  }
  return `SendTrustedIssuerList is not set. On Windows Server 2012 and later that means 0: ${none} On Windows Server 2008 R2 and earlier it means 1: the server sends the names of its trusted roots, at most 16 KB of them.`;
}

/** ClientAuthTrustMode (WS2012+, reference 6's table). */
export function trustModeMeaning(mode: number | null): string {
  switch (mode ?? 0) {
    case 0:
      return `ClientAuthTrustMode ${mode === null ? 'is not set (0, Machine Trust)' : 'is 0 (Machine Trust)'}: the client certificate must be issued by a certificate in the trusted issuers list.`;
    case 1:
      return 'ClientAuthTrustMode is 1 (Exclusive Root Trust): the client certificate must chain to a root in the trusted issuer store (the CTL store) and be issued by an issuer in the trusted issuers list.';
    case 2:
      return 'ClientAuthTrustMode is 2 (Exclusive CA Trust): the client certificate must chain to an intermediate or root certificate in the trusted issuer store (the CTL store).';
    default:
      return `ClientAuthTrustMode is ${mode}, a value Windows does not document.`;
  }
}

/** EventLogging (KB 260729): 0x1 errors (default), 0x2 warnings, 0x4 informational. */
export function eventLoggingMeaning(value: number | null): string {
  const v = value ?? 1;
  const kinds = [v & 1 ? 'errors' : null, v & 2 ? 'warnings' : null, v & 4 ? 'informational events' : null].filter((k): k is string => k !== null);
  const what = kinds.length ? kinds.slice(0, -1).join(', ') + (kinds.length > 1 ? ' and ' : '') + kinds[kinds.length - 1] : 'nothing';
  const set = value === null ? 'EventLogging is not set (1)' : `EventLogging is ${hex32(v)}`;
  return v & 2
    ? `${set}: Schannel logs ${what}, so warning 36885 (CA list truncated) is logged.`
    : `${set}: Schannel logs ${what}; warning 36885 (CA list truncated) is not logged (add 0x2, then reboot).`;
}

/**
 * The Schannel settings that decide the CA list a server sends and which client certificates it
 * accepts (reference 6), or null when the export holds neither the SCHANNEL key nor its Protocols.
 */
export function schannelFromRegistry(reg: RegistryExport, source: string, options: { os?: OsInfo | null } = {}): SchannelSettings | null {
  const roots = preferCurrent(reg.keys.filter((k) => SCHANNEL_KEY.test(k.path)).map((k) => ({ id: 'schannel', path: k.path, item: k })));
  const protocolKeys = preferCurrent(
    reg.keys.flatMap((k) => {
      const m = PROTOCOL_KEY.exec(k.path);
      return m ? [{ id: `${m[1]!.toLowerCase()}\0${m[2]!.toLowerCase()}`, path: k.path, item: { key: k, protocol: m[1]!, side: m[2]! } }] : [];
    }),
  );
  const root = roots[0];
  if (!root && !protocolKeys.length) return null;
  const send = root ? dwordOf(root, 'SendTrustedIssuerList') : null;
  const trustMode = root ? dwordOf(root, 'ClientAuthTrustMode') : null;
  const eventLogging = root ? dwordOf(root, 'EventLogging') : null;
  const os = options.os ?? null;
  const protocols: SchannelSettings['protocols'] = protocolKeys.map(({ key, protocol, side }) => ({
    protocol,
    side: side.toLowerCase() === 'server' ? 'Server' : 'Client',
    enabled: dwordOf(key, 'Enabled'),
    disabledByDefault: dwordOf(key, 'DisabledByDefault'),
  }));
  const osText = os ? [os.caption, os.version].filter(Boolean).join(' ') : null;
  if (!root) {
    // Only SCHANNEL\Protocols was exported: the SCHANNEL key's values are unknown, never "not set".
    const missing = `the SCHANNEL key itself is not in this export (only its Protocols subkeys), so SendTrustedIssuerList, ClientAuthTrustMode and EventLogging are not in this export: export HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL to read them`;
    return {
      sendTrustedIssuerList: null,
      clientAuthTrustMode: null,
      eventLogging: null,
      keyInExport: false,
      protocols,
      impliedIssuerList: `Which CA names the server sends is unknown here: ${missing}.`,
      notes: [`ClientAuthTrustMode: not in this export.`, `EventLogging: not in this export.`],
      os: osText,
      source,
    };
  }
  return {
    sendTrustedIssuerList: send,
    clientAuthTrustMode: trustMode,
    eventLogging,
    protocols,
    impliedIssuerList: impliedIssuerList(send, os),
    notes: [trustModeMeaning(trustMode), eventLoggingMeaning(eventLogging)],
    os: osText,
    source,
  };
}

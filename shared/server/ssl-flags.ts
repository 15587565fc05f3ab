/**
 * The three bitfields that decide how a Windows server asks for client certificates. They are easy to
 * confuse, so each has its own table and decoder here:
 * - HTTP.SYS `DefaultFlags` (HTTP_SERVICE_CONFIG_SSL_FLAG_*, the SslBindingInfo registry value that
 *   netsh's switches show), reference section 5;
 * - HTTP.SYS `DefaultSslCertCheckMode` (HTTP_CERT_CHECK_MODE_*), reference section 5;
 * - IIS `<binding sslFlags="N">` in applicationHost.config (SNI, central store, ...), reference
 *   section 8. Not the same bits as DefaultFlags, and not `<access sslFlags>` either.
 */

export interface FlagBit {
  bit: number;
  /** The constant's name without its prefix: NEGOTIATE_CLIENT_CERT. */
  name: string;
  /** netsh http show sslcert's label for this switch, null when netsh shows none. */
  netshLabel: string | null;
  /** netsh http add|update sslcert's parameter, null when there is none. */
  netshParameter: string | null;
}

/** HTTP_SERVICE_CONFIG_SSL_FLAG_* (http.h; values from the SDK metadata, reference section 5's table). */
export const DEFAULT_FLAG_BITS: readonly FlagBit[] = [
  { bit: 0x1, name: 'USE_DS_MAPPER', netshLabel: 'DS Mapper Usage', netshParameter: 'dsmapperusage' },
  { bit: 0x2, name: 'NEGOTIATE_CLIENT_CERT', netshLabel: 'Negotiate Client Certificate', netshParameter: 'clientcertnegotiation' },
  { bit: 0x4, name: 'NO_RAW_FILTER', netshLabel: null, netshParameter: null },
  { bit: 0x8, name: 'REJECT', netshLabel: 'Reject Connections', netshParameter: 'reject' },
  { bit: 0x10, name: 'DISABLE_HTTP2', netshLabel: 'Disable HTTP2', netshParameter: 'disablehttp2' },
  { bit: 0x20, name: 'DISABLE_QUIC', netshLabel: 'Disable QUIC', netshParameter: 'disablequic' },
  { bit: 0x40, name: 'DISABLE_TLS13', netshLabel: 'Disable TLS1.3', netshParameter: 'disabletls13' },
  { bit: 0x80, name: 'DISABLE_OCSP_STAPLING', netshLabel: 'Disable OCSP Stapling', netshParameter: 'disableocspstapling' },
  { bit: 0x100, name: 'ENABLE_TOKEN_BINDING', netshLabel: 'Enable Token Binding', netshParameter: 'enabletokenbinding' },
  { bit: 0x200, name: 'LOG_EXTENDED_EVENTS', netshLabel: 'Log Extended Events', netshParameter: 'logextendedevents' },
  { bit: 0x400, name: 'DISABLE_LEGACY_TLS', netshLabel: 'Disable Legacy TLS Versions', netshParameter: 'disablelegacytls' },
  { bit: 0x800, name: 'ENABLE_SESSION_TICKET', netshLabel: 'Enable Session Ticket', netshParameter: 'enablesessionticket' },
  { bit: 0x1000, name: 'DISABLE_TLS12', netshLabel: 'Disable TLS1.2', netshParameter: 'disabletls12' },
  { bit: 0x2000, name: 'ENABLE_CLIENT_CORRELATION', netshLabel: null, netshParameter: null },
  { bit: 0x4000, name: 'DISABLE_SESSION_ID', netshLabel: 'Disable Session ID', netshParameter: 'disablesessionid' },
  // UNCERTAIN in the reference: only one generated binding has this constant; netsh shows the label.
  { bit: 0x8000, name: 'ENABLE_CACHE_CLIENT_HELLO', netshLabel: 'Enable Caching Client Hello', netshParameter: null },
];

export interface DecodedFlags {
  value: number;
  /** Set bits by name, lowest first; a bit without a name appears as 0x00010000. */
  names: string[];
  /** Bits no table row names. */
  unknownBits: number;
}

/** "0x00000042": how regedit and reg query print a DWORD. */
export function hex32(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}

function decodeBits(value: number, table: readonly { bit: number; name: string }[]): DecodedFlags {
  const v = value >>> 0;
  const names: string[] = [];
  let known = 0;
  for (const row of table) {
    known |= row.bit;
    if (v & row.bit) names.push(row.name);
  }
  const unknownBits = (v & ~known) >>> 0;
  for (let b = 0; b < 32; b++) {
    const bit = (1 << b) >>> 0;
    if (unknownBits & bit) names.push(hex32(bit));
  }
  return { value: v, names, unknownBits };
}

/** Name the set bits of an SslBindingInfo DefaultFlags value: 0x42 -> NEGOTIATE_CLIENT_CERT, DISABLE_TLS13. */
export function decodeDefaultFlags(value: number): DecodedFlags & { netshLabels: string[] } {
  const decoded = decodeBits(value, DEFAULT_FLAG_BITS);
  const netshLabels = DEFAULT_FLAG_BITS.filter((r) => decoded.value & r.bit && r.netshLabel).map((r) => r.netshLabel!);
  return { ...decoded, netshLabels };
}

/** The DefaultFlags bit of a netsh switch label (English), or null when the label is not a DefaultFlags switch. */
export function defaultFlagOfNetshLabel(label: string): number | null {
  const row = DEFAULT_FLAG_BITS.find((r) => r.netshLabel?.toLowerCase() === label.trim().toLowerCase());
  return row ? row.bit : null;
}

/** HTTP_CERT_CHECK_MODE_* (reference section 5; 0x8 and 0x10 only in generated headers). */
export const CERT_CHECK_MODE_BITS: readonly { bit: number; name: string }[] = [
  { bit: 0x1, name: 'NO_REVOCATION_CHECK' },
  { bit: 0x2, name: 'CACHED_REVOCATION_ONLY' },
  { bit: 0x4, name: 'USE_REVOCATION_FRESHNESS_TIME' },
  { bit: 0x8, name: 'CACHED_URLS' },
  { bit: 0x10, name: 'NO_AIA' },
  { bit: 0x10000, name: 'NO_USAGE_CHECK' },
];

/**
 * DefaultSslCertCheckMode: 0 (the default) checks revocation and usage of client certificates.
 * 0x1 is netsh's verifyclientcertrevocation=disable, 0x2 "using cached client certificate only",
 * 0x10000 usagecheck=disable.
 */
export function decodeCertCheckMode(value: number): DecodedFlags & { verifyRevocation: boolean; cachedRevocationOnly: boolean; usageCheck: boolean } {
  const decoded = decodeBits(value, CERT_CHECK_MODE_BITS);
  return {
    ...decoded,
    verifyRevocation: (decoded.value & 0x1) === 0,
    cachedRevocationOnly: (decoded.value & 0x2) !== 0,
    usageCheck: (decoded.value & 0x10000) === 0,
  };
}

/**
 * IIS `<binding protocol="https" sslFlags="N">` (IIS 8+, reference section 8): 0 is an IP:port
 * binding; values above 4 need IIS 10 version 1809 or later. A different bitfield from DefaultFlags:
 * 32 here is "Disable TLS 1.3 over TCP", 0x40 there. The names follow IIS's configuration schema
 * (UNCERTAIN: the reference gives the numbers and meanings, not the names).
 */
export const IIS_BINDING_SSL_FLAG_BITS: readonly { bit: number; name: string; meaning: string }[] = [
  { bit: 1, name: 'Sni', meaning: 'SNI binding (hostname:port)' },
  { bit: 2, name: 'CentralCertStore', meaning: 'certificate from the central certificate store' },
  { bit: 4, name: 'DisableHTTP2', meaning: 'HTTP/2 disabled' },
  { bit: 8, name: 'DisableOCSPStp', meaning: 'OCSP stapling disabled' },
  { bit: 16, name: 'DisableQUIC', meaning: 'QUIC disabled' },
  { bit: 32, name: 'DisableTLS13', meaning: 'TLS 1.3 over TCP disabled' },
  { bit: 64, name: 'DisableLegacyTLS', meaning: 'legacy TLS disabled' },
];

export function decodeIisBindingSslFlags(value: number): DecodedFlags & { sni: boolean; centralStore: boolean; disableTls13: boolean; meanings: string[] } {
  const decoded = decodeBits(value, IIS_BINDING_SSL_FLAG_BITS);
  return {
    ...decoded,
    sni: (decoded.value & 1) !== 0,
    centralStore: (decoded.value & 2) !== 0,
    disableTls13: (decoded.value & 32) !== 0,
    meanings: IIS_BINDING_SSL_FLAG_BITS.filter((r) => decoded.value & r.bit).map((r) => r.meaning),
  };
}

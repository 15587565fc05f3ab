/**
 * Names of the numbers a TLS stream carries, mapped once (STYLE.md: no numeric codes without names).
 * Sources: the IANA TLS parameters registry, RFC 5246 7.4 (TLS 1.2), RFC 8446 4 and B.3 (TLS 1.3),
 * RFC 8446 6 / B.2 for alerts (the table in reference/windows-formats.md section 9).
 */

export const CONTENT_TYPE = {
  changeCipherSpec: 20,
  alert: 21,
  handshake: 22,
  applicationData: 23,
  heartbeat: 24,
} as const;

export const CONTENT_TYPE_NAMES: Readonly<Record<number, string>> = {
  20: 'ChangeCipherSpec',
  21: 'Alert',
  22: 'Handshake',
  23: 'Application Data',
  24: 'Heartbeat',
};

/** Handshake message types (RFC 5246 7.4, RFC 8446 4 and B.3). */
export const HANDSHAKE = {
  helloRequest: 0,
  clientHello: 1,
  serverHello: 2,
  helloVerifyRequest: 3,
  newSessionTicket: 4,
  endOfEarlyData: 5,
  encryptedExtensions: 8,
  certificate: 11,
  serverKeyExchange: 12,
  certificateRequest: 13,
  serverHelloDone: 14,
  certificateVerify: 15,
  clientKeyExchange: 16,
  finished: 20,
  certificateUrl: 21,
  certificateStatus: 22,
  supplementalData: 23,
  keyUpdate: 24,
  compressedCertificate: 25,
  messageHash: 254,
} as const;

const HANDSHAKE_NAMES: Readonly<Record<number, string>> = {
  0: 'HelloRequest',
  1: 'ClientHello',
  2: 'ServerHello',
  3: 'HelloVerifyRequest',
  4: 'NewSessionTicket',
  5: 'EndOfEarlyData',
  6: 'HelloRetryRequest',
  8: 'EncryptedExtensions',
  11: 'Certificate',
  12: 'ServerKeyExchange',
  13: 'CertificateRequest',
  14: 'ServerHelloDone',
  15: 'CertificateVerify',
  16: 'ClientKeyExchange',
  20: 'Finished',
  21: 'CertificateURL',
  22: 'CertificateStatus',
  23: 'SupplementalData',
  24: 'KeyUpdate',
  25: 'CompressedCertificate',
  254: 'MessageHash',
};

export function handshakeName(type: number): string {
  return HANDSHAKE_NAMES[type] ?? `Handshake type ${type}`;
}

/** AlertDescription (RFC 8446 6, with the TLS 1.2 values RFC 5246 7.2 still defines). */
export const ALERT_NAMES: Readonly<Record<number, string>> = {
  0: 'close_notify',
  10: 'unexpected_message',
  20: 'bad_record_mac',
  21: 'decryption_failed',
  22: 'record_overflow',
  30: 'decompression_failure',
  40: 'handshake_failure',
  41: 'no_certificate',
  42: 'bad_certificate',
  43: 'unsupported_certificate',
  44: 'certificate_revoked',
  45: 'certificate_expired',
  46: 'certificate_unknown',
  47: 'illegal_parameter',
  48: 'unknown_ca',
  49: 'access_denied',
  50: 'decode_error',
  51: 'decrypt_error',
  60: 'export_restriction',
  70: 'protocol_version',
  71: 'insufficient_security',
  80: 'internal_error',
  86: 'inappropriate_fallback',
  90: 'user_canceled',
  100: 'no_renegotiation',
  109: 'missing_extension',
  110: 'unsupported_extension',
  111: 'certificate_unobtainable',
  112: 'unrecognized_name',
  113: 'bad_certificate_status_response',
  114: 'bad_certificate_hash_value',
  115: 'unknown_psk_identity',
  116: 'certificate_required',
  120: 'no_application_protocol',
};

/**
 * Values RFC 8446 B.2 (and the IANA registry) list only as reserved: alerts of older versions that
 * ALERT_NAMES still names plainly for the TLS 1.2 and earlier streams the decoder reads.
 */
export const RESERVED_ALERTS: ReadonlySet<number> = new Set([21, 30, 41, 60, 111, 114]);

/** The alerts Certbench's own TLS 1.3 client sends or acts on (RFC 8446 6.2). */
export const ALERT = {
  closeNotify: 0,
  unexpectedMessage: 10,
  badRecordMac: 20,
  recordOverflow: 22,
  handshakeFailure: 40,
  illegalParameter: 47,
  decodeError: 50,
  decryptError: 51,
  protocolVersion: 70,
  internalError: 80,
  userCanceled: 90,
  missingExtension: 109,
  certificateRequired: 116,
} as const;

export function alertName(code: number): string {
  return ALERT_NAMES[code] ?? `alert ${code}`;
}

export function alertLevelName(level: number): 'warning' | 'fatal' | 'unknown' {
  return level === 1 ? 'warning' : level === 2 ? 'fatal' : 'unknown';
}

/**
 * Alerts that name a certificate problem (RFC 8446 6.2): bad_certificate 42, unsupported_certificate
 * 43, certificate_revoked 44, certificate_expired 45, certificate_unknown 46, unknown_ca 48,
 * access_denied 49, and 116 certificate_required (TLS 1.3's "none was sent"). illegal_parameter (47)
 * sits among them by number but is about any field of any message, so it names no certificate problem.
 */
export function isCertificateRejectionAlert(code: number): boolean {
  return (code >= 42 && code <= 49 && code !== 47) || code === 116;
}

/**
 * Alerts a server ends the handshake with when it requires a client certificate and the client's
 * Certificate message was empty. RFC 8446 4.4.2.4 names certificate_required (116) for TLS 1.3; RFC
 * 5246 7.4.6 allows handshake_failure (40) under TLS 1.2, which OpenSSL and Java's JSSE send; stacks
 * differ there (measured against each in tests/integration/probe-servers.test.ts): GnuTLS sends
 * decode_error (50), Go's crypto/tls bad_certificate (42) under both versions; SSL 3.0 stacks sent
 * no_certificate (41). Only after an empty Certificate do these mean "a certificate is required".
 */
export function isMissingCertificateAlert(code: number): boolean {
  return code === 40 || code === 41 || code === 42 || code === 50 || code === 116;
}

const VERSION_NAMES: Readonly<Record<number, string>> = {
  0x0300: 'SSL 3.0',
  0x0301: 'TLS 1.0',
  0x0302: 'TLS 1.1',
  0x0303: 'TLS 1.2',
  0x0304: 'TLS 1.3',
};

export function versionName(version: number): string {
  return VERSION_NAMES[version] ?? `0x${version.toString(16).padStart(4, '0')}`;
}

/** ClientCertificateType (RFC 5246 7.4.4, RFC 8422 5.5). */
const CLIENT_CERTIFICATE_TYPES: Readonly<Record<number, string>> = {
  1: 'rsa_sign',
  2: 'dss_sign',
  3: 'rsa_fixed_dh',
  4: 'dss_fixed_dh',
  5: 'rsa_ephemeral_dh',
  6: 'dss_ephemeral_dh',
  20: 'fortezza_dms',
  64: 'ecdsa_sign',
  65: 'rsa_fixed_ecdh',
  66: 'ecdsa_fixed_ecdh',
  67: 'gost_sign256',
  68: 'gost_sign512',
};

export function certificateTypeName(code: number): string {
  return CLIENT_CERTIFICATE_TYPES[code] ?? `type ${code}`;
}

/** SignatureScheme (RFC 8446 4.2.3) and the TLS 1.2 hash/signature pairs it grew from (RFC 5246 7.4.1.4.1). */
const SIGNATURE_SCHEMES: Readonly<Record<number, string>> = {
  0x0201: 'rsa_pkcs1_sha1',
  0x0202: 'dsa_sha1',
  0x0203: 'ecdsa_sha1',
  0x0301: 'rsa_pkcs1_sha224',
  0x0302: 'dsa_sha224',
  0x0303: 'ecdsa_sha224',
  0x0401: 'rsa_pkcs1_sha256',
  0x0402: 'dsa_sha256',
  0x0403: 'ecdsa_secp256r1_sha256',
  0x0501: 'rsa_pkcs1_sha384',
  0x0502: 'dsa_sha384',
  0x0503: 'ecdsa_secp384r1_sha384',
  0x0601: 'rsa_pkcs1_sha512',
  0x0602: 'dsa_sha512',
  0x0603: 'ecdsa_secp521r1_sha512',
  0x0804: 'rsa_pss_rsae_sha256',
  0x0805: 'rsa_pss_rsae_sha384',
  0x0806: 'rsa_pss_rsae_sha512',
  0x0807: 'ed25519',
  0x0808: 'ed448',
  0x0809: 'rsa_pss_pss_sha256',
  0x080a: 'rsa_pss_pss_sha384',
  0x080b: 'rsa_pss_pss_sha512',
  0x081a: 'ecdsa_brainpoolP256r1tls13_sha256',
  0x081b: 'ecdsa_brainpoolP384r1tls13_sha384',
  0x081c: 'ecdsa_brainpoolP512r1tls13_sha512',
};

export function signatureSchemeName(code: number): string {
  return SIGNATURE_SCHEMES[code] ?? `0x${code.toString(16).padStart(4, '0')}`;
}

/** Extension types the probe reads or shows (IANA "TLS ExtensionType Values"). */
export const EXTENSION = {
  serverName: 0,
  supportedGroups: 10,
  signatureAlgorithms: 13,
  alpn: 16,
  extendedMasterSecret: 23,
  sessionTicket: 35,
  supportedVersions: 43,
  cookie: 44,
  certificateAuthorities: 47,
  oidFilters: 48,
  postHandshakeAuth: 49,
  signatureAlgorithmsCert: 50,
  keyShare: 51,
  renegotiationInfo: 0xff01,
} as const;

/** NamedGroup values the TLS 1.3 client offers key shares for (RFC 8446 4.2.7). */
export const GROUP = { secp256r1: 0x0017, secp384r1: 0x0018, secp521r1: 0x0019, x25519: 0x001d } as const;

const GROUP_NAMES: Readonly<Record<number, string>> = {
  0x0017: 'secp256r1',
  0x0018: 'secp384r1',
  0x0019: 'secp521r1',
  0x001d: 'x25519',
  0x001e: 'x448',
  0x0100: 'ffdhe2048',
  0x0101: 'ffdhe3072',
};

export function groupName(code: number): string {
  return GROUP_NAMES[code] ?? `group 0x${code.toString(16).padStart(4, '0')}`;
}

/** The AEAD parameters of a cipher suite: what decrypting its records needs. */
export interface AeadSuite {
  code: number;
  name: string;
  cipher: 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';
  keyLength: number;
  /** TLS 1.2 fixed IV length from the key block: 4 (GCM salt, RFC 5288 3) or 12 (ChaCha, RFC 7905 2). */
  fixedIvLength: number;
  /** Bytes of explicit nonce in each TLS 1.2 record: 8 for GCM, 0 for ChaCha. */
  explicitNonceLength: number;
  hash: 'sha256' | 'sha384';
  tls13: boolean;
}

const gcm128 = { cipher: 'aes-128-gcm', keyLength: 16, fixedIvLength: 4, explicitNonceLength: 8, hash: 'sha256' } as const;
const gcm256 = { cipher: 'aes-256-gcm', keyLength: 32, fixedIvLength: 4, explicitNonceLength: 8, hash: 'sha384' } as const;
const chacha = { cipher: 'chacha20-poly1305', keyLength: 32, fixedIvLength: 12, explicitNonceLength: 0, hash: 'sha256' } as const;

/**
 * The suites the probe offers: AEAD only, so no CBC record ever needs decrypting (tls-probe-notes.md).
 * RSA key exchange suites are kept for old IIS servers that offer nothing else.
 */
const AEAD_SUITES: readonly AeadSuite[] = [
  { code: 0x1301, name: 'TLS_AES_128_GCM_SHA256', ...gcm128, fixedIvLength: 12, explicitNonceLength: 0, tls13: true },
  { code: 0x1302, name: 'TLS_AES_256_GCM_SHA384', ...gcm256, fixedIvLength: 12, explicitNonceLength: 0, tls13: true },
  { code: 0x1303, name: 'TLS_CHACHA20_POLY1305_SHA256', ...chacha, tls13: true },
  { code: 0xc02b, name: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', ...gcm128, tls13: false },
  { code: 0xc02c, name: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', ...gcm256, tls13: false },
  { code: 0xc02f, name: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', ...gcm128, tls13: false },
  { code: 0xc030, name: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', ...gcm256, tls13: false },
  { code: 0xcca8, name: 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', ...chacha, tls13: false },
  { code: 0xcca9, name: 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', ...chacha, tls13: false },
  { code: 0xccaa, name: 'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256', ...chacha, tls13: false },
  { code: 0x009e, name: 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', ...gcm128, tls13: false },
  { code: 0x009f, name: 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', ...gcm256, tls13: false },
  { code: 0x009c, name: 'TLS_RSA_WITH_AES_128_GCM_SHA256', ...gcm128, tls13: false },
  { code: 0x009d, name: 'TLS_RSA_WITH_AES_256_GCM_SHA384', ...gcm256, tls13: false },
];

/** The TLS 1.3 suites (RFC 8446 B.4), in the order the own TLS 1.3 client offers them. */
export const TLS13_SUITES: readonly AeadSuite[] = AEAD_SUITES.filter((s) => s.tls13);

/** Output bytes of a suite's hash: the length of its TLS 1.3 secrets (RFC 8446 7.1). */
export function hashLength(hash: AeadSuite['hash']): number {
  return hash === 'sha256' ? 32 : 48;
}

export function aeadSuite(code: number): AeadSuite | null {
  return AEAD_SUITES.find((s) => s.code === code) ?? null;
}

export function cipherSuiteName(code: number): string {
  return aeadSuite(code)?.name ?? `0x${code.toString(16).padStart(4, '0')}`;
}

/** SHA-256 of "HelloRetryRequest": the ServerHello.random that marks a HelloRetryRequest (RFC 8446 4.1.3). */
export const HELLO_RETRY_REQUEST_RANDOM = new Uint8Array([
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
  0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
]);

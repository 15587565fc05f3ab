import { alertName, handshakeName, signatureSchemeName } from '../../../shared/tls/names';

/**
 * The numbers the post-handshake client sends and checks (IANA TLS parameters registry; RFC 8446
 * B.3, 6, 4.2.3, 4.2.7). Names come from the probe's shared decoder tables (shared/tls/names.ts),
 * so the timeline and alerts read the same whichever client produced them.
 */
export { alertName, handshakeName, signatureSchemeName };

export const HANDSHAKE = {
  client_hello: 1,
  server_hello: 2,
  new_session_ticket: 4,
  end_of_early_data: 5,
  encrypted_extensions: 8,
  certificate: 11,
  certificate_request: 13,
  certificate_verify: 15,
  finished: 20,
  key_update: 24,
  message_hash: 254,
} as const;

export const ALERT = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  record_overflow: 22,
  handshake_failure: 40,
  illegal_parameter: 47,
  decode_error: 50,
  decrypt_error: 51,
  protocol_version: 70,
  internal_error: 80,
  user_canceled: 90,
  missing_extension: 109,
  certificate_required: 116,
} as const;

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

/** Extension types the client sends or reads (RFC 8446 4.2, RFC 7301 ALPN). */
export const EXT = {
  server_name: 0,
  supported_groups: 10,
  signature_algorithms: 13,
  alpn: 16,
  cookie: 44,
  supported_versions: 43,
  certificate_authorities: 47,
  oid_filters: 48,
  post_handshake_auth: 49,
  signature_algorithms_cert: 50,
  key_share: 51,
} as const;

/** Record content types (RFC 8446 5.1). */
export const CONTENT = { change_cipher_spec: 20, alert: 21, handshake: 22, application_data: 23 } as const;

import { ALERT_NAMES, alertName } from './names';

/**
 * OpenSSL's error strings in words. Node passes them on as they are:
 * "C0B7E2F4C77F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:354:"
 * (OpenSSL 3: a thread id, the packed code, library, function, reason, then the source file and
 * line), or the older "error:14094410:SSL routines:ssl3_read_bytes:sslv3 alert handshake failure".
 * A helpdesk reader needs the reason, said plainly; never the memory address or the source path.
 */

/** Reasons worth saying differently (OpenSSL's ssl_err.c texts as Node prints them). */
const REASONS: Record<string, string> = {
  'wrong version number': 'the server does not speak TLS on this port (or answered with a TLS version the client does not allow)',
  'unsupported protocol': 'no TLS version in common with the server',
  'no protocols available': 'no TLS version in common with the server',
  'packet length too long': 'the server does not speak TLS on this port',
  'record layer failure': 'the server does not speak TLS on this port',
  'unexpected eof while reading': 'the server closed the connection without ending TLS properly (no close_notify)',
  'no shared cipher': 'no cipher suite in common with the server',
  'no cipher match': 'no cipher suite in common with the server',
  'dh key too small': "the server's Diffie-Hellman key is too small for this client",
  'unsafe legacy renegotiation disabled': 'the server asked to renegotiate without secure renegotiation (RFC 5746), which the client refuses',
  'excessive message size': 'a handshake message was larger than the TLS library accepts',
  'certificate verify failed': "the server's certificate chain did not verify",
  'tlsv1 alert inappropriate fallback': 'the server refused a fallback connection (alert inappropriate_fallback)',
};

const PACKED = /(?:^|\s)(?:[0-9A-F]{8,16}:)?error:([0-9A-F]{8}):([^:\n]*):([^:\n]*):([^:\n]+)(?::[^:\n]*\.[ch]:\d+:[^\n]*)?/i;

/** The reason of an OpenSSL error string, or null when the text holds none. */
export function opensslReason(text: string): { code: string; reason: string } | null {
  const m = PACKED.exec(text);
  return m ? { code: m[1]!.toUpperCase(), reason: m[4]!.trim() } : null;
}

/**
 * The TLS alert a peer sent, when the error is one: OpenSSL's SSL reason codes 1000+N are "alert N
 * received" (ssl.h SSL_AD_REASON_OFFSET), and its texts say "sslv3/tlsv1/tlsv13 alert <name>".
 */
export function opensslAlert(found: { code: string; reason: string }): number | null {
  const reasonCode = parseInt(found.code, 16) & 0xfff;
  if (reasonCode >= 1000 && reasonCode < 1256) return reasonCode - 1000;
  const name = /^(?:sslv3|tlsv1|tlsv13) alert (.+)$/.exec(found.reason)?.[1]?.replace(/ /g, '_');
  const code = name ? Object.entries(ALERT_NAMES).find(([, n]) => n === name)?.[0] : undefined;
  return code !== undefined ? Number(code) : null;
}

/**
 * An OpenSSL error in words: a peer's alert named as such ("sslv3 alert handshake failure" is the
 * server's alert 40), known reasons said plainly, other reasons as OpenSSL words them, without the
 * address, function or source path. Text that is not an OpenSSL error comes back unchanged.
 */
export function opensslWords(text: string): string {
  const found = opensslReason(text);
  if (!found) return text;
  if (REASONS[found.reason]) return REASONS[found.reason]!;
  const alert = opensslAlert(found);
  if (alert !== null) return `the server sent alert ${alertName(alert)} (${alert})`;
  return found.reason;
}

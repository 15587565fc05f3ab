import { describe, expect, it } from 'vitest';
import { toErrorData } from '../../shared/errors';
import { opensslReason, opensslWords } from '../../shared/tls/openssl-errors';

/**
 * OpenSSL's raw error strings, as Node 20 (OpenSSL 3) printed them on this machine: a TLS connect to
 * a plain HTTP port, a TLS 1.3-only connect to a TLS 1.2-only `openssl s_server`, and a private key
 * node:crypto could not decode. What reaches a user is the reason in words, never the thread id,
 * the packed code or the source path.
 */
const WRONG_VERSION = '805CA79C177F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:\n';
const PROTOCOL_ALERT = '807C4746E17F0000:error:0A00042E:SSL routines:ssl3_read_bytes:tlsv1 alert protocol version:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number 70\n';
const DECODER = 'error:1E08010C:DECODER routines::unsupported';

describe('OpenSSL error strings in words', () => {
  it('says the reason, the peer\'s alert by name and number, and nothing of the address or source', () => {
    expect(opensslWords(WRONG_VERSION)).toBe('the server does not speak TLS on this port (or answered with a TLS version the client does not allow)');
    expect(opensslWords(PROTOCOL_ALERT)).toBe('the server sent alert protocol_version (70)');
    expect(opensslWords(DECODER)).toBe('unsupported');
    expect(opensslReason(PROTOCOL_ALERT)).toEqual({ code: '0A00042E', reason: 'tlsv1 alert protocol version' });
    for (const raw of [WRONG_VERSION, PROTOCOL_ALERT, DECODER]) {
      const words = opensslWords(raw);
      expect(words).not.toMatch(/[0-9A-F]{8,}|\.c:\d+|deps\/openssl|routines/);
    }
  });

  it('leaves other text alone, and every one-line error of the CLI and the contract goes through it', () => {
    expect(opensslWords('connection refused by 127.0.0.1:1')).toBe('connection refused by 127.0.0.1:1');
    expect(toErrorData(new Error(WRONG_VERSION)).message).toBe('the server does not speak TLS on this port (or answered with a TLS version the client does not allow)');
  });
});

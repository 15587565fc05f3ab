import { describe, expect, it } from 'vitest';
import { keyStatusFromFiles } from '../../shared/verdict/key-status';
import type { KeySummary } from '../../shared/model/key';

const key = (over: Partial<KeySummary>): KeySummary => ({
  algorithm: 'RSA',
  bits: 2048,
  curve: null,
  encrypted: false,
  format: 'pkcs8',
  encryption: null,
  publicKeySha256: 'AB'.repeat(32),
  matchesCertificate: null,
  note: null,
  ...over,
});
const T = 'A'.repeat(40);

describe('what is known of a private key from the files opened', () => {
  it('present when a key matches, naming the file', () => {
    expect(keyStatusFromFiles(T, [{ name: 'alice.pfx', keys: [key({ format: 'pkcs12', matchesCertificate: T })] }])).toEqual({
      status: 'present',
      detail: 'Its private key was found in alice.pfx (PKCS#12, with the certificate).',
    });
  });
  it('unknown when no key was opened, or only keys that cannot be compared', () => {
    expect(keyStatusFromFiles(T, [{ name: 'a.pem', keys: [] }]).status).toBe('unknown');
    const enc = keyStatusFromFiles(T, [{ name: 'k.pem', keys: [key({ encrypted: true, publicKeySha256: null, note: 'encrypted: give its password' })] }]);
    expect(enc).toEqual({ status: 'unknown', detail: '1 private key(s) could not be compared (encrypted: give its password); give the password to check.' });
  });
  it('missing when keys were opened and none is its key', () => {
    expect(keyStatusFromFiles(T, [{ name: 'other.key', keys: [key({ matchesCertificate: 'B'.repeat(40) })] }])).toEqual({
      status: 'missing',
      detail: 'None of the 1 private key(s) opened matches its public key.',
    });
  });
});

import type forgeModule from 'node-forge/lib/forge.js';
import { latin1 } from '../../asn1/bytes';

/**
 * Symmetric decryption for password-protected containers. WebCrypto has no 3DES, DES or RC2, which
 * older Windows and OpenSSL PFX exports use, so node-forge's pure-JS ciphers do it (they work in the
 * renderer too). Padding is checked here, strictly (RFC 5652 6.3), not by forge, whose RC2 check is
 * loose: a wrong password must fail, not yield garbage.
 */
export type CipherName = 'aes' | '3des' | 'des' | 'rc2' | 'rc4';

/**
 * node-forge's ciphers load when an encrypted container is first opened (every reader awaits
 * loadCiphers() before decrypt: pbe.ts's schemes, read.ts's legacy PEM keys): a certificate or a
 * plain key never compiles them, which saves a command line's start the parse of forge.
 */
let forge: typeof forgeModule | null = null;
let loading: Promise<void> | null = null;

export function loadCiphers(): Promise<void> {
  loading ??= Promise.all([import('node-forge/lib/forge.js'), import('node-forge/lib/aes.js'), import('node-forge/lib/des.js'), import('node-forge/lib/rc2.js')]).then(([m]) => {
    forge = ((m as { default?: typeof forgeModule }).default ?? m) as typeof forgeModule;
  });
  return loading;
}

function loaded(): typeof forgeModule {
  if (!forge) throw new Error('internal: a container was decrypted before loadCiphers() finished');
  return forge;
}

/** Decrypt CBC data (or an RC4 stream) and strip PKCS#7 padding; null when the padding is wrong. */
export function decrypt(
  cipher: CipherName,
  key: Uint8Array,
  iv: Uint8Array,
  data: Uint8Array,
  rc2EffectiveBits = 128,
): Uint8Array | null {
  if (cipher === 'rc4') return rc4(key, data);
  const blockSize = cipher === 'aes' ? 16 : 8;
  if (data.length === 0 || data.length % blockSize !== 0 || iv.length !== blockSize) return null;
  const forge = loaded();
  let out: string;
  if (cipher === 'rc2') {
    const c = forge.rc2.createDecryptionCipher(latin1(key), rc2EffectiveBits);
    c.start(latin1(iv));
    c.update(forge.util.createBuffer(latin1(data)));
    if (!c.finish(() => true)) return null;
    out = c.output.getBytes();
  } else {
    const name = cipher === 'aes' ? 'AES-CBC' : cipher === '3des' ? '3DES-CBC' : 'DES-CBC';
    const c = forge.cipher.createDecipher(name, latin1(key));
    c.start({ iv: latin1(iv) });
    c.update(forge.util.createBuffer(latin1(data)));
    if (!c.finish(() => true)) return null;
    out = c.output.getBytes();
  }
  return unpad(fromBinary(out), blockSize);
}

function unpad(bytes: Uint8Array, blockSize: number): Uint8Array | null {
  if (bytes.length === 0 || bytes.length % blockSize !== 0) return null;
  const count = bytes[bytes.length - 1] ?? 0;
  if (count === 0 || count > blockSize) return null;
  for (let i = bytes.length - count; i < bytes.length; i++) if (bytes[i] !== count) return null;
  return bytes.subarray(0, bytes.length - count);
}

/** RC4 (pbeWithSHAAnd128BitRC4 / 40BitRC4): a stream cipher, so a wrong key is caught by parsing the result. */
function rc4(key: Uint8Array, data: Uint8Array): Uint8Array {
  const s = new Uint8Array(256);
  for (let i = 0; i < 256; i++) s[i] = i;
  let j = 0;
  for (let i = 0; i < 256; i++) {
    j = (j + (s[i] ?? 0) + (key[i % key.length] ?? 0)) & 0xff;
    [s[i], s[j]] = [s[j] ?? 0, s[i] ?? 0];
  }
  const out = new Uint8Array(data.length);
  let a = 0;
  let b = 0;
  for (let k = 0; k < data.length; k++) {
    a = (a + 1) & 0xff;
    b = (b + (s[a] ?? 0)) & 0xff;
    [s[a], s[b]] = [s[b] ?? 0, s[a] ?? 0];
    out[k] = (data[k] ?? 0) ^ (s[((s[a] ?? 0) + (s[b] ?? 0)) & 0xff] ?? 0);
  }
  return out;
}

/** forge works on "binary strings" (one char per byte): latin1 makes them, this undoes it. */
function fromBinary(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

import crypto from 'node:crypto';
import { CONTENT_TYPE, hashLength, type AeadSuite } from '../../../shared/tls/names';

/**
 * The one Node-side TLS crypto module: HKDF and HKDF-Expand-Label, the TLS 1.2 PRF and record
 * protection (open and seal), used by the passive recorder (opening records with the secrets Node's
 * `keylog` event hands out, NSS key log format, so the probe sees every message both ways without the
 * server's private key, tls-probe-notes.md) and by the own TLS 1.3 client (its key schedule and records):
 * - TLS 1.3 (RFC 8446 5.2, 5.3, 7.1, 7.3): key and IV by HKDF-Expand-Label over the traffic secrets,
 *   nonce = IV xor sequence number, additional data = the 5-byte record header, the true content type
 *   the last non-zero byte of the plaintext. node:crypto's hkdf always extracts first, so expand is
 *   written out with HMAC.
 * - TLS 1.2 (RFC 5246 5, 6.3, 6.2.3.3; RFC 5288 3; RFC 7905 2): key block = PRF(master secret,
 *   "key expansion", server_random + client_random); GCM nonce = 4-byte salt + 8-byte explicit nonce
 *   carried in the record; ChaCha20-Poly1305 nonce = IV xor sequence number; additional data =
 *   sequence number, type, version, plaintext length. Only AEAD suites are offered, so CBC never
 *   needs opening.
 */

export type HashName = AeadSuite['hash'];

/** RFC 5869 2.2 HKDF-Extract; an empty salt is HashLen zeros. */
export function hkdfExtract(hash: HashName, salt: Uint8Array, ikm: Uint8Array): Buffer {
  return crypto.createHmac(hash, salt.length ? salt : Buffer.alloc(hashLength(hash))).update(ikm).digest();
}

/** RFC 5869 2.3 HKDF-Expand. */
function hkdfExpand(hash: HashName, prk: Uint8Array, info: Uint8Array, length: number): Buffer {
  const out: Buffer[] = [];
  let previous: Buffer = Buffer.alloc(0);
  for (let i = 1, have = 0; have < length; i++) {
    previous = crypto.createHmac(hash, prk).update(previous).update(info).update(Buffer.of(i)).digest();
    out.push(previous);
    have += previous.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

/** RFC 8446 7.1 HKDF-Expand-Label(Secret, Label, Context, Length). */
export function expandLabel(hash: HashName, secret: Uint8Array, label: string, context: Uint8Array, length: number): Buffer {
  const full = Buffer.from(`tls13 ${label}`, 'latin1');
  const info = Buffer.concat([Buffer.of(length >> 8, length & 0xff, full.length), full, Buffer.of(context.length), Buffer.from(context)]);
  return hkdfExpand(hash, secret, info, length);
}

/** RFC 8446 7.2: the next application traffic secret after a KeyUpdate. */
export function nextTrafficSecret(hash: HashName, secret: Uint8Array): Buffer {
  return expandLabel(hash, secret, 'traffic upd', new Uint8Array(0), hashLength(hash));
}

/** Hash of the parts joined (a transcript hash, RFC 8446 4.4.1). */
export function hashOf(hash: HashName, parts: readonly Uint8Array[]): Buffer {
  const h = crypto.createHash(hash);
  for (const p of parts) h.update(p);
  return h.digest();
}

/** RFC 5246 5: PRF(secret, label, seed) = P_hash(secret, label + seed). */
export function prf12(hash: HashName, secret: Uint8Array, label: string, seed: Uint8Array, length: number): Buffer {
  const labelSeed = Buffer.concat([Buffer.from(label, 'latin1'), Buffer.from(seed)]);
  const out: Buffer[] = [];
  let a: Buffer = labelSeed;
  let have = 0;
  while (have < length) {
    a = crypto.createHmac(hash, secret).update(a).digest();
    const block = crypto.createHmac(hash, secret).update(a).update(labelSeed).digest();
    out.push(block);
    have += block.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

/** One direction's record protection: key, IV and the running sequence number. */
export interface RecordCipher {
  suite: AeadSuite;
  tls13: boolean;
  key: Buffer;
  iv: Buffer;
  seq: bigint;
  /** TLS 1.3 traffic secret, kept for KeyUpdate. */
  secret: Buffer | null;
}

export function tls13Cipher(suite: AeadSuite, secret: Uint8Array): RecordCipher {
  return {
    suite,
    tls13: true,
    key: expandLabel(suite.hash, secret, 'key', new Uint8Array(0), suite.keyLength),
    iv: expandLabel(suite.hash, secret, 'iv', new Uint8Array(0), 12),
    seq: 0n,
    secret: Buffer.from(secret),
  };
}

/** The client's and the server's TLS 1.2 write keys from the master secret (RFC 5246 6.3). */
export function tls12Ciphers(
  suite: AeadSuite,
  masterSecret: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
): { client: RecordCipher; server: RecordCipher } {
  const n = 2 * suite.keyLength + 2 * suite.fixedIvLength;
  const block = prf12(suite.hash, masterSecret, 'key expansion', Buffer.concat([Buffer.from(serverRandom), Buffer.from(clientRandom)]), n);
  let at = 0;
  const take = (len: number) => {
    const out = block.subarray(at, at + len);
    at += len;
    return Buffer.from(out);
  };
  const clientKey = take(suite.keyLength);
  const serverKey = take(suite.keyLength);
  const clientIv = take(suite.fixedIvLength);
  const serverIv = take(suite.fixedIvLength);
  return {
    client: { suite, tls13: false, key: clientKey, iv: clientIv, seq: 0n, secret: null },
    server: { suite, tls13: false, key: serverKey, iv: serverIv, seq: 0n, secret: null },
  };
}

function seqBytes(seq: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(seq);
  return b;
}

/** IV xor the 64-bit sequence number, left-padded to the IV's 12 bytes (RFC 8446 5.3, RFC 7905 2). */
function xorNonce(iv: Buffer, seq: bigint): Buffer {
  const nonce = Buffer.from(iv);
  const s = seqBytes(seq);
  for (let i = 0; i < 8; i++) nonce[4 + i] = nonce[4 + i]! ^ s[i]!;
  return nonce;
}

function aeadOpen(suite: AeadSuite, key: Buffer, nonce: Buffer, aad: Buffer, sealed: Uint8Array): Buffer | null {
  if (sealed.length < 16) return null;
  const ciphertext = sealed.subarray(0, sealed.length - 16);
  const tag = sealed.subarray(sealed.length - 16);
  try {
    if (suite.cipher === 'chacha20-poly1305') {
      const d = crypto.createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
      d.setAAD(aad, { plaintextLength: ciphertext.length });
      d.setAuthTag(tag);
      return Buffer.concat([d.update(ciphertext), d.final()]);
    }
    const d = crypto.createDecipheriv(suite.cipher, key, nonce, { authTagLength: 16 });
    d.setAAD(aad);
    d.setAuthTag(tag);
    return Buffer.concat([d.update(ciphertext), d.final()]);
  } catch {
    return null;
  }
}

/**
 * Open one protected record; advances the sequence number whether or not it opens (the peer counted
 * it too). Returns the true content type and plaintext, or null when authentication fails.
 */
export function openRecord(cipher: RecordCipher, header: Uint8Array, fragment: Uint8Array): { type: number; data: Uint8Array } | null {
  if (cipher.tls13) {
    const opened = openTls13Record(cipher, header, fragment);
    // A plaintext of padding only has no content type: the recorder counts it as not opened.
    return opened && opened.type !== 0 ? opened : null;
  }
  const seq = cipher.seq;
  cipher.seq += 1n;
  const type = header[0]!;
  const explicit = cipher.suite.explicitNonceLength;
  if (fragment.length < explicit + 16) return null;
  const nonce = explicit ? Buffer.concat([cipher.iv, Buffer.from(fragment.subarray(0, explicit))]) : xorNonce(cipher.iv, seq);
  const plainLength = fragment.length - explicit - 16;
  const aad = Buffer.concat([seqBytes(seq), Buffer.of(type, header[1]!, header[2]!, plainLength >> 8, plainLength & 0xff)]);
  const plain = aeadOpen(cipher.suite, cipher.key, nonce, aad, fragment.subarray(explicit));
  return plain ? { type, data: plain } : null;
}

/**
 * Open one TLS 1.3 record (RFC 8446 5.2, 5.4); advances the sequence number. The true content type
 * is the last non-zero byte after the padding is stripped; a plaintext of zeros only gives type 0
 * (RFC 8446 5.4: the receiver must then abort with unexpected_message). Null when authentication fails.
 */
export function openTls13Record(cipher: RecordCipher, header: Uint8Array, fragment: Uint8Array): { type: number; data: Uint8Array } | null {
  const seq = cipher.seq;
  cipher.seq += 1n;
  const plain = aeadOpen(cipher.suite, cipher.key, xorNonce(cipher.iv, seq), Buffer.from(header), fragment);
  if (!plain) return null;
  let end = plain.length;
  while (end > 0 && plain[end - 1] === 0) end--;
  if (end === 0) return { type: 0, data: new Uint8Array(0) };
  return { type: plain[end - 1]!, data: plain.subarray(0, end - 1) };
}

/** One whole TLS 1.3 record carrying `content` of `type` (RFC 8446 5.2): header, then AEAD output; advances the sequence number. */
export function sealTls13Record(cipher: RecordCipher, type: number, content: Uint8Array): Buffer {
  const seq = cipher.seq;
  cipher.seq += 1n;
  const inner = Buffer.concat([content, Buffer.of(type)]);
  const length = inner.length + 16;
  const header = Buffer.of(CONTENT_TYPE.applicationData, 3, 3, length >> 8, length & 0xff);
  // GCM and ChaCha20-Poly1305 share the AEAD interface; the cast picks node's typing for it.
  const c = crypto.createCipheriv(cipher.suite.cipher as 'aes-128-gcm', cipher.key, xorNonce(cipher.iv, seq), { authTagLength: 16 });
  c.setAAD(header);
  return Buffer.concat([header, c.update(inner), c.final(), c.getAuthTag()]);
}

/** Secrets from `keylog` lines, by client random (NSS key log format). */
export class KeyLog {
  private readonly byRandom = new Map<string, Map<string, Buffer>>();
  lines = 0;

  add(line: string): void {
    const [label, random, secret] = line.trim().split(/\s+/);
    if (!label || !random || !secret || !/^[0-9a-f]+$/i.test(random) || !/^[0-9a-f]+$/i.test(secret)) return;
    this.lines++;
    const key = random.toLowerCase();
    let entry = this.byRandom.get(key);
    if (!entry) {
      entry = new Map();
      this.byRandom.set(key, entry);
    }
    entry.set(label, Buffer.from(secret, 'hex'));
  }

  get(clientRandom: Uint8Array, label: string): Buffer | null {
    return this.byRandom.get(Buffer.from(clientRandom).toString('hex'))?.get(label) ?? null;
  }

  /** How many distinct handshakes logged a TLS 1.2 master secret (a renegotiation makes two). */
  get masterSecrets(): number {
    let n = 0;
    for (const e of this.byRandom.values()) if (e.has('CLIENT_RANDOM')) n++;
    return n;
  }
}

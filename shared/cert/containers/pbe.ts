import { md5, sha1 } from '@noble/hashes/legacy.js';
import { sha224, sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { pbkdf2 } from '@noble/hashes/pbkdf2.js';
import { hmac } from '@noble/hashes/hmac.js';
import type { CHash } from '@noble/hashes/utils.js';
import { DerError, TAG, children, contentOf, expectOid, hasTag, isTag, octets, smallInt, type Tlv } from '../../asn1/der';
import { subtle } from '../webcrypto';
import { decrypt, loadCiphers } from './ciphers';
import { Fault, type WorkBudget, count } from './fault';
import { HMAC_PRFS, OID, PBES1, PBES2_CIPHERS, PKCS12_PBE, type DigestName } from './oids';

/**
 * Password-based encryption of PKCS#12 bags and PKCS#8 keys: PKCS#12 PBE (RFC 7292 appendix B/C:
 * SHA-1 with 3DES, RC2, RC4), PBES2 with PBKDF2 (RFC 8018: OpenSSL 3's default, AES-256-CBC with
 * HMAC-SHA256) and PBES1. Every derivation is charged to a WorkBudget first. PBKDF2 runs natively
 * on WebCrypto where it can (off the main thread); the rest is JavaScript, under a tighter budget.
 */

export const HASHES: Readonly<Record<DigestName, CHash>> = {
  'SHA-1': sha1,
  'SHA-224': sha224,
  'SHA-256': sha256,
  'SHA-384': sha384,
  'SHA-512': sha512,
  MD5: md5,
};

/** A password in the two encodings the formats use; `null` (none given) and '' differ only for PKCS#12's BMPString. */
export interface Password {
  /** UTF-16BE with a two-byte terminator (RFC 7292 B.1); empty when no password at all. */
  bmp: Uint8Array;
  /** UTF-8 bytes (PBKDF2, PBKDF1). */
  utf8: Uint8Array;
}

export function passwordForms(password: string | null): Password {
  if (password === null) return { bmp: new Uint8Array(0), utf8: new Uint8Array(0) };
  const bmp = new Uint8Array(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) {
    const c = password.charCodeAt(i);
    bmp[2 * i] = c >> 8;
    bmp[2 * i + 1] = c & 0xff;
  }
  return { bmp, utf8: utf8Bytes(password) };
}

/** UTF-8 bytes of a string (TextEncoder is not part of the ECMAScript library shared/ compiles with). */
export function utf8Bytes(text: string): Uint8Array {
  const out: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return Uint8Array.from(out);
}

/** RFC 7292 appendix B.2: derive `n` bytes for purpose `id` (1 key, 2 IV, 3 MAC key). */
export function pkcs12Kdf(hash: CHash, password: Uint8Array, salt: Uint8Array, id: number, iterations: number, n: number): Uint8Array {
  const u = hash.outputLen;
  const v = hash.blockLen;
  const fill = (src: Uint8Array): Uint8Array => {
    if (src.length === 0) return new Uint8Array(0);
    const out = new Uint8Array(v * Math.ceil(src.length / v));
    for (let i = 0; i < out.length; i++) out[i] = src[i % src.length] ?? 0;
    return out;
  };
  const D = new Uint8Array(v).fill(id);
  const I = new Uint8Array([...fill(salt), ...fill(password)]);
  const out = new Uint8Array(n);
  for (let produced = 0; produced < n; ) {
    let A = hash.create().update(D).update(I).digest();
    for (let r = 1; r < iterations; r++) A = hash(A);
    out.set(A.subarray(0, Math.min(u, n - produced)), produced);
    produced += u;
    if (produced >= n) break;
    const B = new Uint8Array(v);
    for (let i = 0; i < v; i++) B[i] = A[i % u] ?? 0;
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        carry += (I[j + k] ?? 0) + (B[k] ?? 0);
        I[j + k] = carry & 0xff;
        carry >>= 8;
      }
    }
  }
  return out;
}

/** The hashes WebCrypto's PBKDF2 offers. */
const NATIVE_PBKDF2: ReadonlySet<DigestName> = new Set<DigestName>(['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512']);

/**
 * PBKDF2 (RFC 8018 5.2) of `dkLen` bytes: natively on WebCrypto where present and offering the hash,
 * charged to the native allowance; otherwise, or when the runtime refuses the input, in JavaScript
 * under the budget for blocking work.
 */
export async function pbkdf2Key(
  digest: DigestName,
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  dkLen: number,
  budget: WorkBudget,
): Promise<Uint8Array> {
  const blocks = Math.ceil(dkLen / HASHES[digest].outputLen);
  const native = NATIVE_PBKDF2.has(digest) ? subtle() : null;
  if (native) {
    budget.spendNative(iterations, blocks);
    try {
      const key = await native.importKey('raw', password, 'PBKDF2', false, ['deriveBits']);
      return new Uint8Array(await native.deriveBits({ name: 'PBKDF2', hash: digest, salt, iterations }, key, dkLen * 8));
    } catch {
      // A runtime that refuses this input: derive it below instead.
    }
  }
  budget.spend(iterations, blocks);
  return pbkdf2(HASHES[digest], password, salt, { c: iterations, dkLen });
}

export function hmacDigest(digest: DigestName, key: Uint8Array, data: Uint8Array): Uint8Array {
  return hmac(HASHES[digest], key, data);
}

/** What a parsed AlgorithmIdentifier for password-based encryption says. */
interface Scheme {
  description: string;
  iterations: number;
  run(password: Password, data: Uint8Array, budget: WorkBudget): Promise<Uint8Array | null>;
}

function algorithmParts(buf: Uint8Array, alg: Tlv): { id: string; params: Tlv | undefined } {
  if (!hasTag(alg, TAG.SEQUENCE)) throw new DerError('expected an algorithm identifier', alg.start);
  const parts = children(buf, alg);
  return { id: expectOid(buf, parts[0]), params: parts[1] };
}

/** Interpret a password-based-encryption AlgorithmIdentifier; throws Fault when unsupported. */
export function parseScheme(buf: Uint8Array, alg: Tlv): Scheme {
  const { id, params } = algorithmParts(buf, alg);
  const p12 = PKCS12_PBE[id];
  if (p12) {
    const [saltTlv, iterTlv] = seqChildren(buf, params, 'PBE parameters');
    const salt = octets(buf, needTlv(saltTlv, 'salt'));
    const iterations = iterTlv ? smallInt(buf, iterTlv, 'iteration count') : 1;
    return {
      description: `${p12.name} (${count(iterations)} iterations)`,
      iterations,
      async run(password, data, budget) {
        await loadCiphers();
        budget.spend(iterations, Math.ceil(p12.keyBytes / sha1.outputLen));
        const key = pkcs12Kdf(sha1, password.bmp, salt, 1, iterations, p12.keyBytes);
        let iv: Uint8Array = new Uint8Array(0);
        if (p12.cipher !== 'rc4') {
          budget.spend(iterations);
          iv = pkcs12Kdf(sha1, password.bmp, salt, 2, iterations, 8);
        }
        // Two-key 3DES is K1 K2 K1.
        const k = p12.cipher === '3des' && key.length === 16 ? new Uint8Array([...key, ...key.subarray(0, 8)]) : key;
        return decrypt(p12.cipher, k, iv, data, p12.effectiveBits);
      },
    };
  }
  if (id === OID.pbes2) return parsePbes2(buf, params);
  const p1 = PBES1[id];
  if (p1) {
    const [saltTlv, iterTlv] = seqChildren(buf, params, 'PBE parameters');
    const salt = contentOf(buf, needTlv(saltTlv, 'salt'));
    const iterations = smallInt(buf, iterTlv, 'iteration count');
    return {
      description: `${p1.name} (${count(iterations)} iterations)`,
      iterations,
      async run(password, data, budget) {
        await loadCiphers();
        budget.spend(iterations);
        const hash = HASHES[p1.hash === 'md5' ? 'MD5' : 'SHA-1'];
        let t: Uint8Array = hash(new Uint8Array([...password.utf8, ...salt]));
        for (let i = 1; i < iterations; i++) t = hash(t);
        return decrypt(p1.cipher, t.subarray(0, 8), t.subarray(8, 16), data, 64);
      },
    };
  }
  throw new Fault('bad-input', `is encrypted with ${id}, an algorithm Certbench cannot decrypt`);
}

function parsePbes2(buf: Uint8Array, params: Tlv | undefined): Scheme {
  const [kdfTlv, encTlv] = seqChildren(buf, params, 'PBES2 parameters');
  const kdf = algorithmParts(buf, needTlv(kdfTlv, 'key derivation'));
  const enc = algorithmParts(buf, needTlv(encTlv, 'encryption scheme'));
  const cipher = PBES2_CIPHERS[enc.id];
  if (kdf.id === OID.scrypt) {
    throw new Fault('bad-input', `is encrypted with PBES2 using scrypt and ${cipher?.name ?? enc.id}, which Certbench cannot decrypt yet`);
  }
  if (kdf.id !== OID.pbkdf2) throw new Fault('bad-input', `is encrypted with PBES2 using key derivation ${kdf.id}, which Certbench cannot decrypt`);
  const [saltTlv, iterTlv, ...rest] = seqChildren(buf, kdf.params, 'PBKDF2 parameters');
  if (!isTag(saltTlv, TAG.OCTET_STRING)) throw new Fault('bad-input', 'uses a PBKDF2 salt source Certbench cannot read');
  const salt = octets(buf, saltTlv);
  const iterations = smallInt(buf, iterTlv, 'iteration count');
  let keyLength: number | null = null;
  let prf: DigestName = 'SHA-1';
  for (const t of rest) {
    if (isTag(t, TAG.INTEGER)) keyLength = smallInt(buf, t, 'key length');
    else if (isTag(t, TAG.SEQUENCE)) {
      const prfId = algorithmParts(buf, t).id;
      const name = HMAC_PRFS[prfId];
      if (!name) throw new Fault('bad-input', `is encrypted with PBKDF2 using PRF ${prfId}, which Certbench cannot decrypt`);
      prf = name;
    }
  }
  if (!cipher) throw new Fault('bad-input', `is encrypted with PBES2 using cipher ${enc.id}, which Certbench cannot decrypt`);
  if (keyLength !== null && keyLength !== cipher.keyBytes) throw new Fault('bad-input', `has a PBES2 key length of ${keyLength} bytes for ${cipher.name} (damaged file?)`);
  if (!isTag(enc.params, TAG.OCTET_STRING)) throw new Fault('bad-input', `has no IV for ${cipher.name}`);
  const iv = octets(buf, enc.params);
  return {
    description: `PBES2 (PBKDF2-HMAC-${prf.replace('-', '')}, ${cipher.name}, ${count(iterations)} iterations)`,
    iterations,
    async run(password, data, budget) {
      await loadCiphers();
      const key = await pbkdf2Key(prf, password.utf8, salt, iterations, cipher.keyBytes, budget);
      return decrypt(cipher.cipher, key, iv, data);
    },
  };
}

function needTlv(t: Tlv | undefined, what: string): Tlv {
  if (!t) throw new DerError(`missing ${what}`);
  return t;
}

function seqChildren(buf: Uint8Array, t: Tlv | undefined, what: string): Tlv[] {
  if (!isTag(t, TAG.SEQUENCE)) throw new DerError(`missing ${what}`);
  return children(buf, t, 16);
}

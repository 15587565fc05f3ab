import crypto from 'node:crypto';
import { DER_NULL, encode, encodeOid, encodeSmallInt, octetString as octet, seq, set } from './der';

/**
 * A password-protected PKCS#12 (.pfx) written in-process (RFC 7292): the private key in a
 * pkcs8ShroudedKeyBag encrypted with PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC; node's encrypted
 * PKCS#8 export), the certificates in a plain SafeContents, and an HMAC-SHA256 integrity MAC keyed
 * by the PKCS#12 KDF. This is what `openssl pkcs12 -export -certpbe NONE` writes; Windows imports it
 * from Windows 10 1709 / Server 2019 on (older Windows needs 3DES/SHA-1 PFX files).
 */

const OID = {
  data: '1.2.840.113549.1.7.1',
  pkcs8ShroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
  sha256: '2.16.840.1.101.3.4.2.1',
} as const;

const MAC_ITERATIONS = 2048;

const explicit0 = (b: Uint8Array) => encode(0xa0, b);

/** The password as PKCS#12 wants it: BMPString (UTF-16BE) with a two-byte terminator (RFC 7292 B.1). */
function bmpPassword(password: string): Buffer {
  const out = Buffer.alloc(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) out.writeUInt16BE(password.charCodeAt(i), 2 * i);
  return out;
}

/** RFC 7292 B.2 key derivation with SHA-256 (u = 32, v = 64), for the MAC key (id 3). */
function pkcs12Kdf(password: Buffer, salt: Buffer, id: number, iterations: number, n: number): Buffer {
  const u = 32;
  const v = 64;
  const fill = (src: Buffer) => {
    const out = Buffer.alloc(src.length ? v * Math.ceil(src.length / v) : 0);
    for (let i = 0; i < out.length; i++) out[i] = src[i % src.length]!;
    return out;
  };
  const D = Buffer.alloc(v, id);
  const I = Buffer.concat([fill(salt), fill(password)]);
  const out: Buffer[] = [];
  for (let produced = 0; produced < n; produced += u) {
    let A = crypto.createHash('sha256').update(D).update(I).digest();
    for (let r = 1; r < iterations; r++) A = crypto.createHash('sha256').update(A).digest();
    out.push(A);
    const B = Buffer.alloc(v);
    for (let i = 0; i < v; i++) B[i] = A[i % u]!;
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        carry += I[j + k]! + B[k]!;
        I[j + k] = carry & 0xff;
        carry >>= 8;
      }
    }
  }
  return Buffer.concat(out).subarray(0, n);
}

function bmpString(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    out[2 * i] = text.charCodeAt(i) >> 8;
    out[2 * i + 1] = text.charCodeAt(i) & 0xff;
  }
  return encode(0x1e, out);
}

function attributes(localKeyId: Uint8Array, friendlyName: string | null): Uint8Array {
  const attrs = [seq(encodeOid(OID.localKeyId), set(octet(localKeyId)))];
  if (friendlyName) attrs.push(seq(encodeOid(OID.friendlyName), set(bmpString(friendlyName))));
  return set(...attrs);
}

function dataContentInfo(content: Uint8Array): Uint8Array {
  return seq(encodeOid(OID.data), explicit0(octet(content)));
}

/** PFX bytes holding the key, its certificate and the chain after it. */
export function writePfx(opts: { key: crypto.KeyObject; certificate: Uint8Array; chain: Uint8Array[]; password: string; friendlyName?: string }): Buffer {
  const localKeyId = crypto.createHash('sha1').update(opts.certificate).digest();
  const shrouded = opts.key.export({ type: 'pkcs8', format: 'der', cipher: 'aes-256-cbc', passphrase: opts.password });
  const keyBag = seq(encodeOid(OID.pkcs8ShroudedKeyBag), explicit0(new Uint8Array(shrouded)), attributes(localKeyId, opts.friendlyName ?? null));
  const certBag = (der: Uint8Array, withId: boolean) =>
    seq(
      encodeOid(OID.certBag),
      explicit0(seq(encodeOid(OID.x509Certificate), explicit0(octet(der)))),
      ...(withId ? [attributes(localKeyId, opts.friendlyName ?? null)] : []),
    );
  const certContents = seq(certBag(opts.certificate, true), ...opts.chain.map((c) => certBag(c, false)));
  const keyContents = seq(keyBag);
  const authSafe = seq(dataContentInfo(certContents), dataContentInfo(keyContents));

  const salt = crypto.randomBytes(16);
  const macKey = pkcs12Kdf(bmpPassword(opts.password), salt, 3, MAC_ITERATIONS, 32);
  const mac = crypto.createHmac('sha256', macKey).update(authSafe).digest();
  const macData = seq(seq(seq(encodeOid(OID.sha256), DER_NULL), octet(mac)), octet(salt), encodeSmallInt(MAC_ITERATIONS));
  return Buffer.from(seq(encodeSmallInt(3), dataContentInfo(authSafe), macData));
}

import crypto from 'node:crypto';
import { GROUP } from './tls13-names';

/**
 * The cryptography of a TLS 1.3 client (RFC 8446 5.2, 7.1, 7.3, 4.4.3, 4.4.4) on node:crypto:
 * HKDF-Extract and HKDF-Expand-Label (node's hkdf always extracts first, so expand is written
 * with HMAC, as tls-probe-notes.md records), record protection with AES-GCM and ChaCha20-Poly1305,
 * the (EC)DHE key shares and the CertificateVerify signatures.
 */

export type HashName = 'sha256' | 'sha384';

export interface CipherSuite {
  code: number;
  /** IANA name, which is also OpenSSL's for TLS 1.3. */
  name: string;
  aead: 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';
  keyLength: number;
  hash: HashName;
  hashLength: number;
}

export const CIPHER_SUITES: readonly CipherSuite[] = [
  { code: 0x1301, name: 'TLS_AES_128_GCM_SHA256', aead: 'aes-128-gcm', keyLength: 16, hash: 'sha256', hashLength: 32 },
  { code: 0x1302, name: 'TLS_AES_256_GCM_SHA384', aead: 'aes-256-gcm', keyLength: 32, hash: 'sha384', hashLength: 48 },
  { code: 0x1303, name: 'TLS_CHACHA20_POLY1305_SHA256', aead: 'chacha20-poly1305', keyLength: 32, hash: 'sha256', hashLength: 32 },
];

export function hkdfExtract(hash: HashName, salt: Buffer, ikm: Buffer): Buffer {
  const len = hash === 'sha256' ? 32 : 48;
  return crypto.createHmac(hash, salt.length ? salt : Buffer.alloc(len)).update(ikm).digest();
}

/** RFC 5869 2.3 HKDF-Expand. */
export function hkdfExpand(hash: HashName, prk: Buffer, info: Buffer, length: number): Buffer {
  const blocks: Buffer[] = [];
  let previous = Buffer.alloc(0);
  for (let i = 1, have = 0; have < length; i++) {
    previous = crypto.createHmac(hash, prk).update(previous).update(info).update(Buffer.of(i)).digest();
    blocks.push(previous);
    have += previous.length;
  }
  return Buffer.concat(blocks).subarray(0, length);
}

/** RFC 8446 7.1 HKDF-Expand-Label. */
export function expandLabel(hash: HashName, secret: Buffer, label: string, context: Buffer, length: number): Buffer {
  const full = Buffer.from(`tls13 ${label}`, 'latin1');
  const info = Buffer.concat([Buffer.of(length >> 8, length & 0xff, full.length), full, Buffer.of(context.length), context]);
  return hkdfExpand(hash, secret, info, length);
}

export function hashOf(hash: HashName, parts: readonly Uint8Array[]): Buffer {
  const h = crypto.createHash(hash);
  for (const p of parts) h.update(p);
  return h.digest();
}

/** RFC 8446 7.1 Derive-Secret(Secret, Label, Messages) with the transcript hash already computed. */
export function deriveSecret(suite: CipherSuite, secret: Buffer, label: string, transcriptHash: Buffer): Buffer {
  return expandLabel(suite.hash, secret, label, transcriptHash, suite.hashLength);
}

/** The key schedule of a full (EC)DHE handshake without PSK (RFC 8446 7.1). */
export class KeySchedule {
  private readonly emptyHash: Buffer;
  private handshakeSecret: Buffer | null = null;

  constructor(readonly suite: CipherSuite) {
    this.emptyHash = hashOf(suite.hash, []);
  }

  /** Client and server handshake traffic secrets from the shared secret and Hash(ClientHello..ServerHello). */
  handshake(sharedSecret: Buffer, helloHash: Buffer): { client: Buffer; server: Buffer } {
    const zeros = Buffer.alloc(this.suite.hashLength);
    const early = hkdfExtract(this.suite.hash, zeros, zeros);
    const derived = deriveSecret(this.suite, early, 'derived', this.emptyHash);
    this.handshakeSecret = hkdfExtract(this.suite.hash, derived, sharedSecret);
    return {
      client: deriveSecret(this.suite, this.handshakeSecret, 'c hs traffic', helloHash),
      server: deriveSecret(this.suite, this.handshakeSecret, 's hs traffic', helloHash),
    };
  }

  /** Application traffic secrets from Hash(ClientHello..server Finished). */
  application(serverFinishedHash: Buffer): { client: Buffer; server: Buffer } {
    if (!this.handshakeSecret) throw new Error('key schedule: handshake secret not derived yet');
    const derived = deriveSecret(this.suite, this.handshakeSecret, 'derived', this.emptyHash);
    const master = hkdfExtract(this.suite.hash, derived, Buffer.alloc(this.suite.hashLength));
    return {
      client: deriveSecret(this.suite, master, 'c ap traffic', serverFinishedHash),
      server: deriveSecret(this.suite, master, 's ap traffic', serverFinishedHash),
    };
  }

  /** RFC 8446 4.4.4: verify_data = HMAC(finished_key, Transcript-Hash(...)). */
  finished(baseKey: Buffer, transcriptHash: Buffer): Buffer {
    const key = expandLabel(this.suite.hash, baseKey, 'finished', Buffer.alloc(0), this.suite.hashLength);
    return crypto.createHmac(this.suite.hash, key).update(transcriptHash).digest();
  }

  /** RFC 8446 7.2: application_traffic_secret_N+1. */
  nextTrafficSecret(secret: Buffer): Buffer {
    return expandLabel(this.suite.hash, secret, 'traffic upd', Buffer.alloc(0), this.suite.hashLength);
  }
}

/** Largest TLSCiphertext.fragment (RFC 8446 5.2: 2^14 + 256). */
export const MAX_CIPHERTEXT = 16384 + 256;
/** Largest TLSInnerPlaintext content (RFC 8446 5.1: 2^14). */
export const MAX_PLAINTEXT = 16384;

/** One direction's record protection (RFC 8446 5.2, 5.3): key, IV and a sequence number. */
export class RecordProtection {
  private readonly key: Buffer;
  private readonly iv: Buffer;
  private seq = 0n;

  constructor(
    private readonly suite: CipherSuite,
    readonly secret: Buffer,
  ) {
    this.key = expandLabel(suite.hash, secret, 'key', Buffer.alloc(0), suite.keyLength);
    this.iv = expandLabel(suite.hash, secret, 'iv', Buffer.alloc(0), 12);
  }

  private nonce(): Buffer {
    const n = Buffer.from(this.iv);
    const s = Buffer.alloc(8);
    s.writeBigUInt64BE(this.seq);
    for (let i = 0; i < 8; i++) n[4 + i]! ^= s[i]!;
    this.seq += 1n;
    return n;
  }

  /** A whole TLSCiphertext record carrying `content` of `type`. */
  seal(type: number, content: Buffer): Buffer {
    const inner = Buffer.concat([content, Buffer.of(type)]);
    const header = Buffer.of(23, 3, 3, (inner.length + 16) >> 8, (inner.length + 16) & 0xff);
    // GCM and ChaCha20-Poly1305 share the AEAD interface; the cast picks node's typing for it.
    const cipher = crypto.createCipheriv(this.suite.aead as 'aes-128-gcm', this.key, this.nonce(), { authTagLength: 16 });
    cipher.setAAD(header);
    const body = Buffer.concat([cipher.update(inner), cipher.final(), cipher.getAuthTag()]);
    return Buffer.concat([header, body]);
  }

  /** Decrypt one record's payload; null when authentication fails. Strips the padding (RFC 8446 5.4). */
  open(header: Buffer, payload: Buffer): { type: number; content: Buffer } | null {
    if (payload.length < 17) return null;
    const decipher = crypto.createDecipheriv(this.suite.aead as 'aes-128-gcm', this.key, this.nonce(), { authTagLength: 16 });
    decipher.setAAD(header);
    decipher.setAuthTag(payload.subarray(payload.length - 16));
    let inner: Buffer;
    try {
      inner = Buffer.concat([decipher.update(payload.subarray(0, payload.length - 16)), decipher.final()]);
    } catch {
      return null;
    }
    let end = inner.length;
    while (end > 0 && inner[end - 1] === 0) end--;
    if (end === 0) return { type: 0, content: Buffer.alloc(0) };
    return { type: inner[end - 1]!, content: inner.subarray(0, end - 1) };
  }
}

/** An ephemeral key share for one group (RFC 8446 4.2.8). */
export interface KeyShare {
  group: number;
  publicKey: Buffer;
  /** The shared secret with the peer's share; throws on an invalid point. */
  agree(peer: Buffer): Buffer;
}

const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

export function makeKeyShare(group: number): KeyShare {
  if (group === GROUP.x25519) {
    const { publicKey, privateKey } = crypto.generateKeyPairSync('x25519');
    const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
    return {
      group,
      publicKey: Buffer.from(raw),
      agree(peer) {
        if (peer.length !== 32) throw new Error('X25519 key share is not 32 bytes');
        const peerKey = crypto.createPublicKey({ key: Buffer.concat([X25519_SPKI_PREFIX, peer]), format: 'der', type: 'spki' });
        const secret = crypto.diffieHellman({ privateKey, publicKey: peerKey });
        // RFC 8446 7.4.2: an all-zero X25519 result means a low-order point.
        if (secret.every((b) => b === 0)) throw new Error('X25519 shared secret is all zero');
        return secret;
      },
    };
  }
  const curve = { [GROUP.secp256r1]: 'prime256v1', [GROUP.secp384r1]: 'secp384r1', [GROUP.secp521r1]: 'secp521r1' }[group];
  if (!curve) throw new Error(`no key share for group ${group}`);
  const ecdh = crypto.createECDH(curve);
  const publicKey = ecdh.generateKeys();
  return {
    group,
    publicKey,
    // RFC 8446 7.4.2: the shared secret is the x coordinate; node's computeSecret returns exactly it.
    agree: (peer) => {
      if (peer[0] !== 4) throw new Error('EC key share is not an uncompressed point');
      return ecdh.computeSecret(peer);
    },
  };
}

const SERVER_CONTEXT = 'TLS 1.3, server CertificateVerify';
const CLIENT_CONTEXT = 'TLS 1.3, client CertificateVerify';

/** RFC 8446 4.4.3: 64 spaces, the context string, a zero byte and the transcript hash. */
export function certificateVerifyInput(side: 'server' | 'client', transcriptHash: Buffer): Buffer {
  return Buffer.concat([Buffer.alloc(64, 0x20), Buffer.from(side === 'server' ? SERVER_CONTEXT : CLIENT_CONTEXT, 'latin1'), Buffer.of(0), transcriptHash]);
}

interface SchemeParams {
  digest: string | null;
  pss: boolean;
  /** Key types (node's asymmetricKeyType) and EC curves that may use it. */
  keyType: 'ec' | 'rsa' | 'rsa-pss' | 'ed25519' | 'ed448';
  curve?: string;
}

/** The schemes usable in a TLS 1.3 CertificateVerify (rsa_pkcs1 is for certificates only, RFC 8446 4.2.3). */
const SCHEMES: Readonly<Record<number, SchemeParams>> = {
  0x0403: { digest: 'sha256', pss: false, keyType: 'ec', curve: 'prime256v1' },
  0x0503: { digest: 'sha384', pss: false, keyType: 'ec', curve: 'secp384r1' },
  0x0603: { digest: 'sha512', pss: false, keyType: 'ec', curve: 'secp521r1' },
  0x0804: { digest: 'sha256', pss: true, keyType: 'rsa' },
  0x0805: { digest: 'sha384', pss: true, keyType: 'rsa' },
  0x0806: { digest: 'sha512', pss: true, keyType: 'rsa' },
  0x0809: { digest: 'sha256', pss: true, keyType: 'rsa-pss' },
  0x080a: { digest: 'sha384', pss: true, keyType: 'rsa-pss' },
  0x080b: { digest: 'sha512', pss: true, keyType: 'rsa-pss' },
  0x0807: { digest: null, pss: false, keyType: 'ed25519' },
  0x0808: { digest: null, pss: false, keyType: 'ed448' },
};

/** What the client offers in signature_algorithms, most preferred first. */
export const OFFERED_SIGNATURE_SCHEMES: readonly number[] = [
  0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0809, 0x080a, 0x080b, 0x0807, 0x0808, 0x0401, 0x0501, 0x0601,
];

function signOptions(key: crypto.KeyObject, p: SchemeParams): crypto.SignKeyObjectInput | crypto.VerifyKeyObjectInput {
  if (p.pss) return { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: crypto.constants.RSA_PSS_SALTLEN_DIGEST };
  if (p.keyType === 'ec') return { key, dsaEncoding: 'der' };
  return { key };
}

function keyFits(key: crypto.KeyObject, p: SchemeParams): boolean {
  if (key.asymmetricKeyType !== p.keyType) return false;
  if (p.keyType === 'ec') return key.asymmetricKeyDetails?.namedCurve === p.curve;
  return true;
}

/** Verify a CertificateVerify signature with the public key of the peer's end-entity certificate. */
export function verifyCertificateVerify(certDer: Buffer, scheme: number, input: Buffer, signature: Buffer): { ok: boolean; reason: string | null } {
  const p = SCHEMES[scheme];
  if (!p) return { ok: false, reason: `signature scheme 0x${scheme.toString(16).padStart(4, '0')} is not allowed in a TLS 1.3 CertificateVerify` };
  let key: crypto.KeyObject;
  try {
    key = new crypto.X509Certificate(certDer).publicKey;
  } catch {
    return { ok: false, reason: "the server's certificate cannot be read" };
  }
  if (!keyFits(key, p)) return { ok: false, reason: `the server's ${describeKey(key)} key cannot make that signature` };
  try {
    return crypto.verify(p.digest, input, signOptions(key, p) as crypto.VerifyKeyObjectInput, signature)
      ? { ok: true, reason: null }
      : { ok: false, reason: 'the signature does not verify' };
  } catch (err) {
    return { ok: false, reason: `the signature cannot be checked (${(err as Error).message.split('\n')[0]})` };
  }
}

/** The first of the server's schemes that this private key can sign with, or null. */
export function chooseClientScheme(key: crypto.KeyObject, serverSchemes: readonly number[]): number | null {
  for (const s of serverSchemes) {
    const p = SCHEMES[s];
    if (p && keyFits(key, p)) return s;
  }
  return null;
}

export function signCertificateVerify(key: crypto.KeyObject, scheme: number, input: Buffer): Buffer {
  const p = SCHEMES[scheme];
  if (!p) throw new Error(`cannot sign with scheme ${scheme}`);
  return crypto.sign(p.digest, input, signOptions(key, p) as crypto.SignKeyObjectInput);
}

export function describeKey(key: crypto.KeyObject): string {
  const t = key.asymmetricKeyType ?? 'unknown';
  if (t === 'ec') return `EC ${key.asymmetricKeyDetails?.namedCurve ?? ''}`.trim();
  if (t === 'rsa' || t === 'rsa-pss') return `${t.toUpperCase()} ${key.asymmetricKeyDetails?.modulusLength ?? ''}`.trim();
  return t;
}

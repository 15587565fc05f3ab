import crypto from 'node:crypto';
import { GROUP, hashLength, type AeadSuite } from '../../../shared/tls/names';
import { expandLabel, hashOf, hkdfExtract } from './record-crypto';

/**
 * What the own TLS 1.3 client needs beyond the record crypto it shares with the recorder
 * (record-crypto.ts: HKDF-Expand-Label, record protection): the key schedule of a full (EC)DHE
 * handshake (RFC 8446 7.1, 4.4.4), the key shares (4.2.8) and the CertificateVerify signatures (4.4.3).
 */

/** RFC 8446 7.1 Derive-Secret(Secret, Label, Messages) with the transcript hash already computed. */
function deriveSecret(suite: AeadSuite, secret: Buffer, label: string, transcriptHash: Buffer): Buffer {
  return expandLabel(suite.hash, secret, label, transcriptHash, hashLength(suite.hash));
}

/** The key schedule of a full (EC)DHE handshake without PSK (RFC 8446 7.1). */
export class KeySchedule {
  private readonly emptyHash: Buffer;
  private handshakeSecret: Buffer | null = null;

  constructor(readonly suite: AeadSuite) {
    this.emptyHash = hashOf(suite.hash, []);
  }

  /** Client and server handshake traffic secrets from the shared secret and Hash(ClientHello..ServerHello). */
  handshake(sharedSecret: Buffer, helloHash: Buffer): { client: Buffer; server: Buffer } {
    const zeros = Buffer.alloc(hashLength(this.suite.hash));
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
    const master = hkdfExtract(this.suite.hash, derived, Buffer.alloc(hashLength(this.suite.hash)));
    return {
      client: deriveSecret(this.suite, master, 'c ap traffic', serverFinishedHash),
      server: deriveSecret(this.suite, master, 's ap traffic', serverFinishedHash),
    };
  }

  /** RFC 8446 4.4.4: verify_data = HMAC(finished_key, Transcript-Hash(...)). */
  finished(baseKey: Buffer, transcriptHash: Buffer): Buffer {
    const key = expandLabel(this.suite.hash, baseKey, 'finished', Buffer.alloc(0), hashLength(this.suite.hash));
    return crypto.createHmac(this.suite.hash, key).update(transcriptHash).digest();
  }
}

/** An ephemeral key share for one group (RFC 8446 4.2.8). */
export interface KeyShare {
  group: number;
  publicKey: Buffer;
  /** The shared secret with the peer's share; throws on an invalid point. */
  agree(peer: Uint8Array): Buffer;
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
export function verifyCertificateVerify(certDer: Buffer, scheme: number, input: Buffer, signature: Uint8Array): { ok: boolean; reason: string | null } {
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

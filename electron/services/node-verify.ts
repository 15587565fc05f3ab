import crypto from 'node:crypto';
import { setSha1Hex } from '../../shared/cert/thumbprint';
import { setSyncVerifier, type SyncVerifier } from '../../shared/cert/verify';

/**
 * node:crypto as the synchronous signature engine (and thumbprint hash) of the main process (shared/cert/verify.ts
 * SyncVerifier): the same OpenSSL `openssl verify` uses, called in-line instead of through
 * WebCrypto's thread-pool round trip per signature. Answers null (WebCrypto decides) on any error.
 */
const keys = new Map<string, crypto.KeyObject>();
/** The same key bytes are the same object for every certificate an issuer signed: found without hashing them. */
const keysBySpki = new WeakMap<Uint8Array, crypto.KeyObject>();

function keyOf(spki: Uint8Array): crypto.KeyObject {
  let key = keysBySpki.get(spki);
  if (key) return key;
  const id = Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength).toString('latin1');
  key = keys.get(id);
  if (!key) {
    if (keys.size > 20_000) keys.clear();
    key = crypto.createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    keys.set(id, key);
  }
  keysBySpki.set(spki, key);
  return key;
}

const HASH: Record<string, string> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };

export const nodeVerifier: SyncVerifier = {
  verify(p) {
    try {
      const key = keyOf(p.spki);
      const hash = p.hash ? HASH[p.hash] : null;
      if (p.hash && !hash) return null;
      switch (p.kind) {
        case 'rsa-pkcs1':
          return crypto.verify(hash, p.data, { key, padding: crypto.constants.RSA_PKCS1_PADDING }, p.signature);
        case 'rsa-pss':
          return crypto.verify(hash, p.data, { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: p.saltLength }, p.signature);
        case 'ecdsa':
          // RFC 5758 3.2: the certificate holds ECDSA-Sig-Value in DER, which is what dsaEncoding 'der' reads.
          return crypto.verify(hash, p.data, { key, dsaEncoding: 'der' }, p.signature);
        case 'ed25519':
          return crypto.verify(null, p.data, key, p.signature);
      }
    } catch {
      return null;
    }
  },
};

/** Install node:crypto for every chain the main process, the web mode and the CLI build. */
export function installNodeVerifier(): void {
  setSyncVerifier(nodeVerifier);
  // crypto.hash (Node 20.12+) hashes in one call, without a Hash object per certificate.
  setSha1Hex(typeof crypto.hash === 'function' ? (bytes) => crypto.hash('sha1', bytes, 'hex') : (bytes) => crypto.createHash('sha1').update(bytes).digest('hex'));
}

// Importing this module installs it: the services that build chains (chain, stores, and through
// stores diagnose and probe offers) and the chain CLI import it for that effect.
installNodeVerifier();

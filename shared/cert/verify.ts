import { DerError, TAG, children, readOid, readTlv, readSmallInt, contentOf } from '../asn1/der';
import type { X509View } from './x509';
import { CURVES } from './oids';
import { subtle } from './webcrypto';

/**
 * Signature checks on WebCrypto (shared/cert/webcrypto.ts), so the renderer can verify chains from a
 * bundle without the main process.
 */

const HASHES: Record<string, string> = {
  '1.3.14.3.2.26': 'SHA-1',
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
};

const RSA_PKCS1: Record<string, string> = {
  '1.2.840.113549.1.1.5': 'SHA-1',
  '1.2.840.113549.1.1.11': 'SHA-256',
  '1.2.840.113549.1.1.12': 'SHA-384',
  '1.2.840.113549.1.1.13': 'SHA-512',
};

const ECDSA: Record<string, string> = {
  '1.2.840.10045.4.1': 'SHA-1',
  '1.2.840.10045.4.3.2': 'SHA-256',
  '1.2.840.10045.4.3.3': 'SHA-384',
  '1.2.840.10045.4.3.4': 'SHA-512',
};

/**
 * A synchronous verifier the host may install (the main process installs node:crypto's, see
 * electron/services/node-verify.ts): WebCrypto's verify hops to a thread pool and back for every
 * signature, which dominates chain building over thousands of certificates. The crypto engine is a
 * parameter, as PKI.js's is; the renderer keeps WebCrypto. `verify` answers null when it cannot
 * check (then WebCrypto is asked) and never throws.
 */
export interface SyncVerifier {
  verify(p: { kind: 'rsa-pkcs1' | 'rsa-pss' | 'ecdsa' | 'ed25519'; hash: string | null; saltLength?: number; spki: Uint8Array; signature: Uint8Array; data: Uint8Array }): boolean | null;
}

let syncVerifier: SyncVerifier | null = null;

export function setSyncVerifier(v: SyncVerifier | null): void {
  syncVerifier = v;
}

/** Imported keys, reused across the many links that share an issuer (bounded). */
const keyCache = new Map<string, Promise<unknown>>();

function importCached(spki: X509View['spki'], algorithm: object): Promise<unknown> {
  const s = subtle();
  if (!s) return Promise.reject(new Error('no WebCrypto'));
  let key = JSON.stringify(algorithm) + ':';
  for (let i = 0; i < spki.der.length; i += 7) key += String.fromCharCode(spki.der[i]!);
  key += spki.der.length;
  let p = keyCache.get(key);
  if (!p) {
    if (keyCache.size > 20_000) keyCache.clear();
    p = s.importKey('spki', spki.der, algorithm, false, ['verify']);
    keyCache.set(key, p);
  }
  return p;
}

/**
 * Does `cert`'s signature verify with `issuerKey`? true/false when checked, null when this algorithm
 * cannot be checked here (say "not checked", never "invalid", for DSA or exotic curves).
 */
export async function verifySignature(cert: SignedData, issuerKey: X509View['spki']): Promise<boolean | null> {
  const oid = cert.signatureAlgorithm.oid;
  if (syncVerifier) {
    const quick = quickVerify(syncVerifier, cert, issuerKey);
    if (quick !== null) return quick;
  }
  const s = subtle();
  if (!s) return null;
  try {
    if (RSA_PKCS1[oid]) {
      const alg = { name: 'RSASSA-PKCS1-v1_5', hash: RSA_PKCS1[oid] };
      return await s.verify(alg, await importCached(issuerKey, alg), cert.signature, cert.tbs);
    }
    if (oid === '1.2.840.113549.1.1.10') {
      const pss = pssParams(cert.signatureAlgorithm.params);
      if (!pss) return null;
      const alg = { name: 'RSA-PSS', hash: pss.hash };
      return await s.verify({ name: 'RSA-PSS', saltLength: pss.saltLength }, await importCached(issuerKey, alg), cert.signature, cert.tbs);
    }
    if (ECDSA[oid]) {
      const curveOid = issuerKey.params ? readOid(issuerKey.params, readTlv(issuerKey.params, 0)) : '';
      const curve = CURVES[curveOid];
      if (!curve || !['P-256', 'P-384', 'P-521'].includes(curve.name)) return null;
      const size = Math.ceil(curve.bits / 8);
      const raw = ecdsaDerToRaw(cert.signature, size);
      if (!raw) return false;
      const key = await importCached(issuerKey, { name: 'ECDSA', namedCurve: curve.name });
      return await s.verify({ name: 'ECDSA', hash: ECDSA[oid] }, key, raw, cert.tbs);
    }
    if (oid === '1.3.101.112') {
      return await s.verify({ name: 'Ed25519' }, await importCached(issuerKey, { name: 'Ed25519' }), cert.signature, cert.tbs);
    }
    return null;
  } catch {
    // importKey rejects keys that do not fit the algorithm (an RSA issuer for an ECDSA signature):
    // that is a signature that does not verify with this key, not an unknown algorithm.
    return issuerKeyMatchesFamily(oid, issuerKey.algorithmOid) ? null : false;
  }
}

/** What a signature check reads: a certificate, or a CRL or OCSP response (same SIGNED shape, RFC 5280 4.1.1, 5.1.1). */
export type SignedData = Pick<X509View, 'signatureAlgorithm' | 'signature' | 'tbs'>;

function quickVerify(v: SyncVerifier, cert: SignedData, issuerKey: X509View['spki']): boolean | null {
  const oid = cert.signatureAlgorithm.oid;
  const base = { spki: issuerKey.der, signature: cert.signature, data: cert.tbs };
  if (RSA_PKCS1[oid]) return issuerKeyMatchesFamily(oid, issuerKey.algorithmOid) ? v.verify({ kind: 'rsa-pkcs1', hash: RSA_PKCS1[oid]!, ...base }) : null;
  if (ECDSA[oid]) {
    // Only the curves WebCrypto checks too, so both engines agree on what "cannot be checked" means.
    const curveOid = issuerKey.params ? readOid(issuerKey.params, readTlv(issuerKey.params, 0)) : '';
    const curve = CURVES[curveOid];
    if (!curve || !['P-256', 'P-384', 'P-521'].includes(curve.name) || issuerKey.algorithmOid !== '1.2.840.10045.2.1') return null;
    return v.verify({ kind: 'ecdsa', hash: ECDSA[oid]!, ...base });
  }
  if (oid === '1.2.840.113549.1.1.10') {
    const pss = pssParams(cert.signatureAlgorithm.params);
    return pss && issuerKeyMatchesFamily(oid, issuerKey.algorithmOid) ? v.verify({ kind: 'rsa-pss', hash: pss.hash, saltLength: pss.saltLength, ...base }) : null;
  }
  if (oid === '1.3.101.112' && issuerKey.algorithmOid === '1.3.101.112') return v.verify({ kind: 'ed25519', hash: null, ...base });
  return null;
}

function issuerKeyMatchesFamily(sigOid: string, keyOid: string): boolean {
  if (RSA_PKCS1[sigOid] || sigOid === '1.2.840.113549.1.1.10') return keyOid.startsWith('1.2.840.113549.1.1.');
  if (ECDSA[sigOid]) return keyOid === '1.2.840.10045.2.1';
  if (sigOid === '1.3.101.112') return keyOid === '1.3.101.112';
  return true;
}

/** RSASSA-PSS-params (RFC 4055 3.1): defaults SHA-1 and salt 20. */
function pssParams(params: Uint8Array | null): { hash: string; saltLength: number } | null {
  let hash = 'SHA-1';
  let saltLength = 20;
  if (!params) return { hash, saltLength };
  const seq = readTlv(params, 0);
  for (const field of children(params, seq, 4)) {
    if (field.tag === 0xa0) {
      const alg = readTlv(params, field.content, field.end);
      const [oidTlv] = children(params, alg, 2);
      const h = oidTlv ? HASHES[readOid(params, oidTlv)] : undefined;
      if (!h) return null;
      hash = h;
    } else if (field.tag === 0xa2) {
      const n = readSmallInt(params, readTlv(params, field.content, field.end));
      if (n === null) return null;
      saltLength = n;
    }
  }
  return { hash, saltLength };
}

/** ECDSA-Sig-Value SEQUENCE { r, s } to the fixed-width r||s WebCrypto expects. */
function ecdsaDerToRaw(sig: Uint8Array, size: number): Uint8Array | null {
  try {
    const seq = readTlv(sig, 0);
    if (seq.tag !== TAG.SEQUENCE || seq.end !== sig.length) return null;
    const [r, s] = children(sig, seq, 2);
    if (!r || !s || r.tag !== TAG.INTEGER || s.tag !== TAG.INTEGER) return null;
    const out = new Uint8Array(size * 2);
    for (const [i, part] of [r, s].entries()) {
      let bytes = contentOf(sig, part);
      while (bytes.length > size && bytes[0] === 0) bytes = bytes.subarray(1);
      if (bytes.length > size) return null;
      out.set(bytes, (i + 1) * size - bytes.length);
    }
    return out;
  } catch (err) {
    if (err instanceof DerError) return null;
    throw err;
  }
}

import { hex } from '@peculiar/utils';
import { curves, loadCurves } from './curves';
import type { KeyFormat, KeySummary } from '../../model/key';
import { toHex } from '../../asn1/bytes';
import { DerError, TAG, bitStringBytes, bytesOf, children, contentOf, context, expectOid, isTag, octets, parseOne, smallInt, unsignedInt, type Tlv } from '../../asn1/der';
import { DER_NULL, encodeBitString, encodeOid, encodeUnsigned, seq } from '../../asn1/encode';
import { CURVES, PUBLIC_KEY_ALGORITHMS } from '../oids';
import { sha256Hex } from '../thumbprint';
import { Fault, type WorkBudget } from './fault';
import { OID } from './oids';
import { parseScheme, passwordForms } from './pbe';

/**
 * Private keys in every encoding a user brings (PKCS#8, PKCS#1, SEC1, encrypted PKCS#8, PKCS#12
 * bags), reduced at once to a KeySummary: the algorithm, size, and the SHA-256 of the public key
 * derived from the private key, which is how a key is matched to its certificate. Private key bytes
 * stay inside this module's functions; nothing returned holds them.
 */

/** What a plaintext private key says about itself. */
export interface KeyFacts {
  algorithm: string;
  bits: number | null;
  curve: string | null;
  /** SubjectPublicKeyInfo DER derived from the private key; null when it cannot be derived. */
  spki: Uint8Array | null;
  note: string | null;
}


export const ENCRYPTED_NOTE = 'encrypted: give its password to match it to a certificate';

export function summarizeKey(
  facts: KeyFacts | null,
  format: KeyFormat,
  encryption: string | null,
  note: string | null = null,
): KeySummary {
  return {
    algorithm: facts?.algorithm ?? null,
    bits: facts?.bits ?? null,
    curve: facts?.curve ?? null,
    encrypted: encryption !== null,
    format,
    encryption,
    publicKeySha256: facts?.spki ? sha256Hex(facts.spki) : null,
    matchesCertificate: null,
    note: note ?? facts?.note ?? null,
  };
}

function seqOf(buf: Uint8Array, t: Tlv | undefined, what: string): Tlv[] {
  if (!isTag(t, TAG.SEQUENCE)) throw new DerError(`${what} is not a SEQUENCE`);
  return children(buf, t, 64);
}

/** PKCS#1 RSAPrivateKey: version, n, e, d, p, q, ... */
export function pkcs1Facts(buf: Uint8Array, tlv: Tlv): KeyFacts {
  const parts = seqOf(buf, tlv, 'RSA private key');
  const [version, n, e] = parts;
  smallInt(buf, version, 'RSA key version');
  // version, n, e, d, p, q, dP, dQ, qInv (OpenSSL's DSA key is a SEQUENCE of six INTEGERs: not RSA).
  if (parts.length < 9 || !parts.every((p) => isTag(p, TAG.INTEGER) || isTag(p, TAG.SEQUENCE))) {
    throw new DerError('not an RSA private key (PKCS#1 needs nine integers)');
  }
  const modulus = unsignedInt(buf, n);
  const exponent = unsignedInt(buf, e);
  const publicKey = seq(encodeUnsigned(modulus), encodeUnsigned(exponent));
  const spki = seq(seq(encodeOid(OID.rsaEncryption), DER_NULL), encodeBitString(publicKey));
  return { algorithm: 'RSA', bits: bitLength(modulus), curve: null, spki, note: null };
}

/** SEC1 ECPrivateKey: version 1, private scalar, [0] curve, [1] public point. */
export function sec1Facts(buf: Uint8Array, tlv: Tlv, outerCurveOid: string | null = null): KeyFacts {
  const parts = seqOf(buf, tlv, 'EC private key');
  if (smallInt(buf, parts[0], 'EC key version') !== 1) throw new DerError('EC private key version is not 1');
  if (!isTag(parts[1], TAG.OCTET_STRING)) throw new DerError('EC private key has no private scalar');
  const scalar = contentOf(buf, parts[1]);
  let curveOid = outerCurveOid;
  let point: Uint8Array | null = null;
  for (const p of parts.slice(2)) {
    if (isTag(p, context(0))) {
      const inner = children(buf, p)[0];
      if (isTag(inner, TAG.OID)) curveOid = expectOid(buf, inner);
    } else if (isTag(p, context(1))) {
      const inner = children(buf, p)[0];
      if (inner) point = bitStringBytes(buf, inner, true);
    }
  }
  return ecFacts(curveOid, scalar, point);
}

function ecFacts(curveOid: string | null, scalar: Uint8Array, point: Uint8Array | null): KeyFacts {
  if (!curveOid) {
    return { algorithm: 'ECC', bits: null, curve: null, spki: null, note: 'cannot match: the key names no curve (explicit parameters are not supported)' };
  }
  const known = CURVES[curveOid];
  const name = known?.name ?? curveOid;
  const base = { algorithm: 'ECC', bits: known?.bits ?? null, curve: name };
  const impl = known ? curves().ec[known.name] : undefined;
  let uncompressed: Uint8Array | null = point && point[0] === 0x04 ? point : null;
  try {
    if (!uncompressed && impl && point) uncompressed = impl.Point.fromBytes(point).toBytes(false);
    if (!uncompressed && impl) uncompressed = impl.getPublicKey(fixedLength(scalar, impl.lengths.secretKey ?? scalar.length), false);
  } catch {
    return { ...base, spki: null, note: 'cannot match: the EC private key is not valid for its curve' };
  }
  if (!uncompressed) {
    const note = point
      ? `cannot match: Certbench cannot decompress points on ${name}`
      : 'cannot match: the key file carries no public key';
    return { ...base, spki: null, note };
  }
  const spki = seq(seq(encodeOid(OID.ecPublicKey), encodeOid(curveOid)), encodeBitString(uncompressed));
  return { ...base, spki, note: null };
}

/** PKCS#8 PrivateKeyInfo / OneAsymmetricKey (RFC 5958). */
export function pkcs8Facts(buf: Uint8Array, tlv: Tlv): KeyFacts {
  const parts = seqOf(buf, tlv, 'PKCS#8 key');
  const version = smallInt(buf, parts[0], 'PKCS#8 version');
  if (version > 1) throw new DerError('unknown PKCS#8 version');
  const algParts = seqOf(buf, parts[1], 'key algorithm');
  const algId = expectOid(buf, algParts[0]);
  const params = algParts[1];
  if (!isTag(parts[2], TAG.OCTET_STRING)) throw new DerError('PKCS#8 key has no private key');
  const inner = octets(buf, parts[2]);
  const publicKeyTlv = parts.slice(3).find((p) => isTag(p, context(1)));
  const embeddedPublic = publicKeyTlv ? bitStringBytes(buf, publicKeyTlv, true) : null;
  const name = PUBLIC_KEY_ALGORITHMS[algId] ?? algId;

  if (algId === OID.rsaEncryption || algId === OID.rsaPss) {
    const facts = pkcs1Facts(inner, parseOne(inner, 'ber'));
    if (algId === OID.rsaPss && parts[1] && facts.spki) {
      // Keep the PSS parameters as the key states them: the certificate carries the same AlgorithmIdentifier.
      const publicKey = children(facts.spki, parseOne(facts.spki))[1];
      if (publicKey) facts.spki = seq(bytesOf(buf, parts[1]), bytesOf(facts.spki, publicKey));
      facts.algorithm = 'RSA-PSS';
    }
    return facts;
  }
  if (algId === OID.ecPublicKey) {
    const curveOid = isTag(params, TAG.OID) ? expectOid(buf, params) : null;
    return sec1Facts(inner, parseOne(inner, 'ber'), curveOid);
  }
  if (algId === OID.ed25519 || algId === OID.ed448 || algId === OID.x25519 || algId === OID.x448) {
    const seedTlv = parseOne(inner, 'ber');
    if (!isTag(seedTlv, TAG.OCTET_STRING)) throw new DerError('curve private key is not an OCTET STRING');
    const seed = contentOf(inner, seedTlv);
    const bitsByAlg: Record<string, number> = { Ed25519: 256, Ed448: 456, X25519: 256, X448: 448 };
    let pub = embeddedPublic;
    if (!pub) {
      try {
        const c = curves();
        if (algId === OID.ed25519) pub = c.ed25519.getPublicKey(seed);
        else if (algId === OID.ed448) pub = c.ed448.getPublicKey(seed);
        else if (algId === OID.x25519) pub = c.x25519.getPublicKey(seed);
        else pub = c.x448.getPublicKey(seed);
      } catch {
        return { algorithm: name, bits: bitsByAlg[name] ?? null, curve: null, spki: null, note: `cannot match: the ${name} private key is malformed` };
      }
    }
    return { algorithm: name, bits: bitsByAlg[name] ?? null, curve: null, spki: seq(seq(encodeOid(algId)), encodeBitString(pub)), note: null };
  }
  if (algId === OID.dsa && isTag(params, TAG.SEQUENCE)) {
    const [p, , g] = children(buf, params, 8);
    const x = unsignedInt(inner, parseOne(inner, 'ber'));
    const pBytes = unsignedInt(buf, p);
    if (bitLength(pBytes) > 16384) {
      return { algorithm: 'DSA', bits: bitLength(pBytes), curve: null, spki: null, note: 'cannot match: the DSA parameters are implausibly large' };
    }
    const y = modPow(toBig(unsignedInt(buf, g)), toBig(x), toBig(pBytes));
    const spki = seq(seq(encodeOid(OID.dsa), bytesOf(buf, params)), encodeBitString(encodeUnsigned(fromBig(y))));
    return { algorithm: 'DSA', bits: bitLength(pBytes), curve: null, spki, note: null };
  }
  return { algorithm: name, bits: null, curve: null, spki: null, note: `cannot match: Certbench cannot derive the public key of ${name} keys` };
}

/**
 * EncryptedPrivateKeyInfo: described without a password; decrypted (and then summarised like any
 * PKCS#8 key) when one is given. A wrong password is a Fault, so the user hears it.
 */
export async function encryptedPkcs8Summary(
  buf: Uint8Array,
  tlv: Tlv,
  password: string | null,
  budget: WorkBudget,
  format: KeyFormat = 'pkcs8-encrypted',
): Promise<KeySummary> {
  await loadCurves();
  const [alg, data] = seqOf(buf, tlv, 'encrypted key');
  if (!alg || !isTag(data, TAG.OCTET_STRING)) throw new DerError('encrypted key is incomplete');
  let scheme;
  try {
    scheme = parseScheme(buf, alg);
  } catch (err) {
    if (!(err instanceof Fault)) throw err;
    const algId = expectOid(buf, children(buf, alg)[0]);
    return summarizeKey(null, format, algId, `cannot match: the key ${err.message}`);
  }
  if (password === null) return summarizeKey(null, format, scheme.description, ENCRYPTED_NOTE);
  const plain = await scheme.run(passwordForms(password), octets(buf, data), budget);
  const facts = plain ? plaintextFacts(plain) : null;
  if (!facts) throw new Fault('wrong-password', 'wrong password (could not decrypt the encrypted private key)');
  return summarizeKey(facts, format, scheme.description);
}

/** Facts from decrypted PKCS#8 bytes, then wipe them; null when they are not a key (wrong password). */
export function plaintextFacts(plain: Uint8Array): KeyFacts | null {
  try {
    return pkcs8Facts(plain, parseOne(plain, 'ber'));
  } catch {
    return null;
  } finally {
    plain.fill(0);
  }
}

function fixedLength(bytes: Uint8Array, length: number): Uint8Array {
  let i = 0;
  while (bytes.length - i > length && bytes[i] === 0) i++;
  const trimmed = bytes.subarray(i);
  if (trimmed.length >= length) return trimmed;
  const out = new Uint8Array(length);
  out.set(trimmed, length - trimmed.length);
  return out;
}

function bitLength(unsigned: Uint8Array): number {
  let i = 0;
  while (i < unsigned.length && unsigned[i] === 0) i++;
  if (i === unsigned.length) return 0;
  return (unsigned.length - i - 1) * 8 + (32 - Math.clz32(unsigned[i] ?? 0));
}

function toBig(bytes: Uint8Array): bigint {
  return bytes.length ? BigInt(`0x${toHex(bytes)}`) : 0n;
}

function fromBig(n: bigint): Uint8Array {
  let h = n.toString(16);
  if (h.length % 2) h = `0${h}`;
  return hex.decode(h);
}

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  if (mod <= 1n) return 0n;
  let result = 1n;
  base %= mod;
  while (exp > 0n) {
    if (exp & 1n) result = (result * base) % mod;
    base = (base * base) % mod;
    exp >>= 1n;
  }
  return result;
}

import type { KeySummary } from '../../model/key';
import { bytesEqual } from '../../asn1/bytes';
import { DerError, TAG, children, contentOf, context, expectOid, isTag, octets, parseOne, smallInt, type Tlv } from '../../asn1/der';
import { Fault, LIMITS, WorkBudget, count } from './fault';
import { plaintextFacts, summarizeKey, pkcs8Facts } from './keys';
import { loadCurves } from './curves';
import { DIGESTS, OID } from './oids';
import { HASHES, hmacDigest, parseScheme, passwordForms, pkcs12Kdf, type Password } from './pbe';

/**
 * PKCS#12 / PFX (RFC 7292): certificates and private keys, password-protected. Handles OpenSSL 3's
 * default (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC, SHA-256 MAC), the legacy exports of Windows and
 * OpenSSL 1.x (pbeWithSHAAnd3-KeyTripleDES-CBC, pbeWithSHAAnd40BitRC2-CBC, SHA-1 MAC), files without
 * a MAC or encryption, empty and absent passwords, and BER (indefinite lengths, chunked OCTET
 * STRINGs). Iteration counts and item counts are bounded before any work is done.
 */

export interface Pkcs12Result {
  certificates: Uint8Array[];
  keys: KeySummary[];
}

export async function readPkcs12(buf: Uint8Array, tlv: Tlv, password: string | undefined): Promise<Pkcs12Result> {
  await loadCurves();
  const [versionTlv, authSafe, macData] = children(buf, tlv, 4);
  const version = smallInt(buf, versionTlv, 'PFX version');
  if (version !== 3) throw new Fault('bad-input', `is PKCS#12 version ${version}; only version 3 exists`);
  if (!isTag(authSafe, TAG.SEQUENCE)) throw new DerError('PFX has no authSafe');
  const [typeTlv, explicit] = children(buf, authSafe, 4);
  const type = expectOid(buf, typeTlv);
  if (type === OID.signedData) {
    throw new Fault('bad-input', 'is a PKCS#12 protected by a signature (public-key integrity mode), which Certbench cannot open');
  }
  if (type !== OID.data || !isTag(explicit, context(0))) throw new DerError('PFX authSafe is not data');
  const dataTlv = children(buf, explicit, 2)[0];
  if (!isTag(dataTlv, TAG.OCTET_STRING)) throw new DerError('PFX authSafe content is not an OCTET STRING');
  const authSafeBytes = octets(buf, dataTlv);

  const budget = new WorkBudget('PKCS#12');
  const given = password ?? null;
  // Passwords to try: the one given, else the two encodings of "no password" (an empty BMPString
  // with its terminator, as OpenSSL writes for "", and zero bytes, as some exporters write for none).
  const candidates: (string | null)[] = given === null ? ['', null] : [given, '', null];

  let chosen: Password | null = null;
  if (macData) {
    const mac = parseMac(buf, macData);
    for (const candidate of candidates) {
      // The empty-password tries after a given password are a courtesy: skip them when costly.
      if (candidate !== given && given !== null && !budget.canSpend(mac.iterations)) break;
      budget.spend(mac.iterations);
      const pw = passwordForms(candidate);
      const key = pkcs12Kdf(HASHES[mac.digest], pw.bmp, mac.salt, 3, mac.iterations, HASHES[mac.digest].outputLen);
      if (bytesEqual(hmacDigest(mac.digest, key, authSafeBytes), mac.value)) {
        chosen = pw;
        break;
      }
    }
    if (!chosen) {
      if (given === null) throw new Fault('password-required', 'is password-protected (PKCS#12); give its password');
      throw new Fault('wrong-password', 'wrong password (the PKCS#12 integrity check failed)');
    }
  }

  const ctx: Ctx = { budget, certificates: [], keys: [], items: 0 };
  const contentInfos = children(authSafeBytes, authenticatedSafe(authSafeBytes), LIMITS.maxItems + 1);
  if (contentInfos.length > LIMITS.maxItems) throw tooManyBags();
  for (const ci of contentInfos) {
    await readContentInfo(authSafeBytes, ci, chosen ? [chosen] : candidates.map(passwordForms), given, ctx);
  }
  return { certificates: ctx.certificates, keys: ctx.keys };
}

function authenticatedSafe(bytes: Uint8Array): Tlv {
  const t = parseOne(bytes, 'ber');
  if (!isTag(t, TAG.SEQUENCE)) throw new DerError('PFX AuthenticatedSafe is not a SEQUENCE');
  return t;
}

interface Ctx {
  budget: WorkBudget;
  certificates: Uint8Array[];
  keys: KeySummary[];
  items: number;
}

interface Mac {
  digest: keyof typeof HASHES;
  value: Uint8Array;
  salt: Uint8Array;
  iterations: number;
}

function parseMac(buf: Uint8Array, macData: Tlv): Mac {
  const [digestInfo, saltTlv, iterTlv] = children(buf, macData, 4);
  if (!isTag(digestInfo, TAG.SEQUENCE) || !isTag(saltTlv, TAG.OCTET_STRING)) throw new DerError('PFX MAC is malformed');
  const [alg, valueTlv] = children(buf, digestInfo, 4);
  if (!isTag(alg, TAG.SEQUENCE) || !isTag(valueTlv, TAG.OCTET_STRING)) throw new DerError('PFX MAC is malformed');
  const algId = expectOid(buf, children(buf, alg, 4)[0]);
  const digest = DIGESTS[algId];
  if (!digest || digest === 'MD5') throw new Fault('bad-input', `has a PKCS#12 MAC with ${algId}, which Certbench cannot check`);
  const iterations = iterTlv ? smallInt(buf, iterTlv, 'MAC iteration count') : 1;
  return { digest, value: contentOf(buf, valueTlv), salt: contentOf(buf, saltTlv), iterations };
}

/** One ContentInfo of the AuthenticatedSafe: plain data or password-encrypted data, each holding SafeContents. */
async function readContentInfo(buf: Uint8Array, ci: Tlv, passwords: Password[], given: string | null, ctx: Ctx): Promise<void> {
  const [typeTlv, explicit] = children(buf, ci, 4);
  const type = expectOid(buf, typeTlv);
  if (type === OID.data) {
    if (!isTag(explicit, context(0))) throw new DerError('PFX data has no content');
    const inner = children(buf, explicit, 2)[0];
    if (!isTag(inner, TAG.OCTET_STRING)) throw new DerError('PFX data is not an OCTET STRING');
    const bytes = octets(buf, inner);
    await readSafeContents(bytes, parseOne(bytes, 'ber'), passwords, given, ctx, 0);
    return;
  }
  if (type === OID.envelopedData) {
    throw new Fault('bad-input', 'is a PKCS#12 encrypted to a certificate (public-key privacy mode), which Certbench cannot open');
  }
  if (type !== OID.encryptedData) throw new DerError(`PFX holds content of type ${type}`);
  if (!isTag(explicit, context(0))) throw new DerError('PFX encrypted data has no content');
  const encryptedData = children(buf, explicit, 2)[0];
  if (!isTag(encryptedData, TAG.SEQUENCE)) throw new DerError('PFX EncryptedData is not a SEQUENCE');
  const [, eci] = children(buf, encryptedData, 4);
  if (!isTag(eci, TAG.SEQUENCE)) throw new DerError('PFX EncryptedContentInfo is missing');
  const [, alg, encrypted] = children(buf, eci, 4);
  if (!alg) throw new DerError('PFX encryption algorithm is missing');
  if (!encrypted) return; // nothing encrypted: an empty bag set
  if (!isTag(encrypted, context(0))) throw new DerError('PFX encrypted content is malformed');
  const scheme = parseScheme(buf, alg);
  const data = octets(buf, encrypted);
  for (const pw of passwords) {
    const plain = await scheme.run(pw, data, ctx.budget);
    if (!plain) continue;
    let tlv: Tlv;
    try {
      tlv = parseOne(plain, 'ber');
      if (!isTag(tlv, TAG.SEQUENCE)) continue;
    } catch {
      continue; // decrypted to garbage: the wrong password (possible without a MAC)
    }
    await readSafeContents(plain, tlv, [pw], given, ctx, 0);
    return;
  }
  throw noPassword(given, `could not decrypt the certificates: ${scheme.description}`);
}

function noPassword(given: string | null, what: string): Fault {
  if (given === null) return new Fault('password-required', 'is password-protected (PKCS#12); give its password');
  return new Fault('wrong-password', `wrong password (${what})`);
}

async function readSafeContents(buf: Uint8Array, tlv: Tlv, passwords: Password[], given: string | null, ctx: Ctx, depth: number): Promise<void> {
  if (depth > LIMITS.maxNesting) throw new Fault('too-large', `nests PKCS#12 bags more than ${LIMITS.maxNesting} deep`);
  if (!isTag(tlv, TAG.SEQUENCE)) throw new DerError('SafeContents is not a SEQUENCE');
  const bags = children(buf, tlv, LIMITS.maxItems + 1);
  if (ctx.items + bags.length > LIMITS.maxItems) throw tooManyBags();
  for (const bag of bags) {
    ctx.items += 1;
    const [idTlv, explicit] = children(buf, bag, 4);
    const bagId = expectOid(buf, idTlv);
    if (!isTag(explicit, context(0))) throw new DerError('SafeBag has no value');
    const value = children(buf, explicit, 2)[0];
    if (!value) throw new DerError('SafeBag has no value');
    switch (bagId) {
      case OID.certBag: {
        const [certType, certExplicit] = children(buf, value, 4);
        if (expectOid(buf, certType) !== OID.x509Certificate) break; // SDSI certificates: not X.509
        if (!isTag(certExplicit, context(0))) throw new DerError('certBag has no value');
        const certOctets = children(buf, certExplicit, 2)[0];
        if (!isTag(certOctets, TAG.OCTET_STRING)) throw new DerError('certBag value is not an OCTET STRING');
        if (ctx.certificates.length >= LIMITS.maxCertificates) {
          throw new Fault('too-large', `holds more than ${count(LIMITS.maxCertificates)} certificates; Certbench reads at most that many per file`);
        }
        ctx.certificates.push(octets(buf, certOctets).slice());
        break;
      }
      case OID.keyBag:
        await addKey(ctx, async () => summarizeKey(pkcs8Facts(buf, value), 'pkcs12', null));
        break;
      case OID.pkcs8ShroudedKeyBag: {
        const [alg, data] = children(buf, value, 4);
        if (!alg || !isTag(data, TAG.OCTET_STRING)) throw new DerError('shrouded key bag is malformed');
        const scheme = parseScheme(buf, alg);
        const encrypted = octets(buf, data);
        await addKey(ctx, async () => {
          for (const pw of passwords) {
            const plain = await scheme.run(pw, encrypted, ctx.budget);
            const facts = plain ? plaintextFacts(plain) : null;
            if (facts) return summarizeKey(facts, 'pkcs12', scheme.description);
          }
          throw noPassword(given, `could not decrypt the private key: ${scheme.description}`);
        });
        break;
      }
      case OID.safeContentsBag:
        await readSafeContents(buf, value, passwords, given, ctx, depth + 1);
        break;
      default:
        // CRL and secret bags carry nothing Certbench shows.
        break;
    }
  }
}

function tooManyBags(): Fault {
  return new Fault('too-large', `holds more than ${count(LIMITS.maxItems)} PKCS#12 bags; Certbench reads at most that many per file`);
}

async function addKey(ctx: Ctx, make: () => Promise<KeySummary>): Promise<void> {
  if (ctx.keys.length >= LIMITS.maxKeys) {
    throw new Fault('too-large', `holds more than ${count(LIMITS.maxKeys)} private keys; Certbench reads at most that many per file`);
  }
  ctx.keys.push(await make());
}


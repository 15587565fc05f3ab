import { CONTAINER_FORMATS, type ContainerFormat } from '../../model/formats';
import type { KeySummary } from '../../model/key';
import { CertbenchError, formatBytes } from '../../errors';
import { DerError, TAG, context, hasTag, readHeader, readOid, readTlv, type Tlv } from '../../asn1/der';
import { Fault, LIMITS, WorkBudget, count } from './fault';
import { ENCRYPTED_NOTE, encryptedPkcs8Summary, pkcs1Facts, pkcs8Facts, sec1Facts, summarizeKey, type KeyFacts } from './keys';
import { OID } from './oids';
import { readPkcs12 } from './pkcs12';
import { loadCurves } from './curves';
import { loadCiphers } from './ciphers';
import { readPkcs7 } from './pkcs7';
import { CertificateIndex, matchKeys } from './spki';
import { bareBase64, bytesToText, decodeBody, legacyEncryption, pemBlocks, type PemBlock } from './text';

export { CONTAINER_FORMATS, type ContainerFormat };

export interface ContainerResult {
  format: ContainerFormat;
  /** DER of each certificate, byte for byte as the file holds it, in file order. */
  certificates: Uint8Array[];
  /** Private keys, summarised (never their bytes); matched against this file's certificates. */
  keys: KeySummary[];
}

export interface ContainerOptions {
  /** Password for a PKCS#12 or an encrypted private key; never logged or returned. */
  password?: string;
  maxBytes: number;
}

/** The kinds of DER this module tells apart by their first elements. */
export type DerKind = 'certificate' | 'pkcs7' | 'pkcs12' | 'pkcs8' | 'pkcs8-encrypted' | 'pkcs1' | 'sec1' | 'spki' | 'csr';

const KIND_LABEL: Record<DerKind, string> = {
  certificate: 'certificate',
  pkcs7: 'PKCS#7',
  pkcs12: 'PKCS#12',
  pkcs8: 'private key',
  'pkcs8-encrypted': 'encrypted private key',
  pkcs1: 'RSA private key',
  sec1: 'EC private key',
  spki: 'public key',
  csr: 'certificate request',
};

/**
 * Read any certificate or key container a user brings: DER or PEM certificates, bare base64,
 * PKCS#7 (.p7b, DER or PEM), PKCS#12 (.pfx/.p12, with `password`), private keys in PKCS#8, PKCS#1,
 * SEC1 and encrypted PKCS#8. Throws a CertbenchError whose one-line message starts with `name`.
 */
export async function readContainer(name: string, bytes: Uint8Array, options: ContainerOptions): Promise<ContainerResult> {
  if (bytes.byteLength > options.maxBytes) {
    throw new CertbenchError(
      'too-large',
      `${name}: file is ${formatBytes(bytes.byteLength)}; certificate files are at most ${formatBytes(options.maxBytes)}`,
    );
  }
  if (bytes.byteLength === 0) throw new CertbenchError('bad-input', `${name}: file is empty`);
  try {
    const result = await (bytes[0] === TAG.SEQUENCE ? readDer(bytes, options, 'der') : readText(bytes, options));
    const index = new CertificateIndex();
    index.add(result.certificates);
    return { ...result, keys: matchKeys(result.keys, index) };
  } catch (err) {
    if (err instanceof Fault) throw new CertbenchError(err.code, `${name}: ${err.message}`);
    if (err instanceof CertbenchError) throw err;
    if (err instanceof DerError) throw new CertbenchError('bad-input', `${name}: damaged file (${err.message})`);
    // Anything else is a bug or a library's surprise: still one line that names the file.
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new CertbenchError('bad-input', `${name}: cannot read (${message || 'unexpected error'})`);
  }
}

/** Tell DER kinds apart from their first few elements; tolerant of truncation (headers only). */
export function sniffDer(buf: Uint8Array): DerKind | null {
  try {
    const header = (offset: number) => readHeader(buf, offset, buf.length, 'ber');
    const outer = header(0);
    if (outer.tag !== TAG.SEQUENCE) return null;
    const c1 = header(outer.content);
    const next = (h: Tlv) => {
      if (h.end < 0) throw new DerError('indefinite');
      return header(h.end);
    };
    if (hasTag(c1, TAG.INTEGER)) {
      const v = c1.end - c1.content === 1 ? buf[c1.content] : -1;
      const c2 = next(c1);
      if (v === 3 && hasTag(c2, TAG.SEQUENCE)) return 'pkcs12';
      if ((v === 0 || v === 1) && hasTag(c2, TAG.SEQUENCE)) return 'pkcs8';
      if ((v === 0 || v === 1) && hasTag(c2, TAG.INTEGER)) return 'pkcs1';
      if (v === 1 && hasTag(c2, TAG.OCTET_STRING)) return 'sec1';
      return null;
    }
    if (hasTag(c1, TAG.OID)) {
      const t = readTlv(buf, c1.start, buf.length, 'ber');
      return t.tag === TAG.OID && readOid(buf, t) === OID.signedData ? 'pkcs7' : null;
    }
    if (hasTag(c1, TAG.SEQUENCE)) {
      const c11 = header(c1.content);
      if (hasTag(c11, context(0))) return 'certificate';
      if (hasTag(c11, TAG.OID)) {
        const c2 = next(c1);
        if (hasTag(c2, TAG.OCTET_STRING)) return 'pkcs8-encrypted';
        if (hasTag(c2, TAG.BIT_STRING)) return 'spki';
        return null;
      }
      if (hasTag(c11, TAG.INTEGER)) {
        const c12 = next(c11);
        if (!hasTag(c12, TAG.SEQUENCE)) return null;
        const c121 = header(c12.content);
        if (hasTag(c121, TAG.OID)) return 'certificate';
        if (hasTag(c121, TAG.SET) || hasTag(c121, TAG.SEQUENCE)) return 'csr';
      }
    }
  } catch {
    return null;
  }
  return null;
}

type Found = ContainerResult;

async function readDer(bytes: Uint8Array, options: ContainerOptions, certFormat: 'der' | 'base64'): Promise<Found> {
  const kind = sniffDer(bytes);
  // Unknown shapes go to the certificate parser, as before, which explains what is wrong with them.
  if (kind === null || kind === 'certificate') return { format: certFormat, certificates: [bytes], keys: [] };
  if (kind === 'spki') throw new Fault('bad-input', 'holds a public key (SubjectPublicKeyInfo), not a certificate');
  if (kind === 'csr') throw new Fault('bad-input', 'holds a certificate request (CSR), not a certificate');
  const tlv = wholeTlv(bytes, kind);
  switch (kind) {
    case 'pkcs7': {
      const certificates = readPkcs7(bytes, tlv);
      if (!certificates.length) throw new Fault('bad-input', 'holds a PKCS#7 bundle with no certificates');
      return { format: 'pkcs7', certificates, keys: [] };
    }
    case 'pkcs12': {
      const r = await readPkcs12(bytes, tlv, options.password);
      if (!r.certificates.length && !r.keys.length) throw new Fault('bad-input', 'holds an empty PKCS#12 (no certificates, no keys)');
      return { format: 'pkcs12', ...r };
    }
    case 'pkcs8-encrypted':
      return { format: 'key', certificates: [], keys: [await encryptedPkcs8Summary(bytes, tlv, options.password ?? null, new WorkBudget('encrypted key'))] };
    default:
      await loadCurves();
      return { format: 'key', certificates: [], keys: [plainKey(bytes, tlv, kind)] };
  }
}

/** The whole outer element, with a clear line when the file is cut short or has bytes after it. */
function wholeTlv(bytes: Uint8Array, kind: DerKind): Tlv {
  const label = KIND_LABEL[kind];
  let tlv: Tlv;
  try {
    tlv = readTlv(bytes, 0, bytes.length, 'ber');
  } catch (err) {
    const declared = readHeader(bytes, 0, bytes.length, 'ber').end;
    if (declared > bytes.length) {
      throw new Fault('bad-input', `truncated ${label}: the file has ${count(bytes.length)} of the ${count(declared)} bytes it declares`);
    }
    throw new Fault('bad-input', `damaged ${label} (${err instanceof Error ? err.message : 'cannot decode'})`);
  }
  if (tlv.end !== bytes.length) {
    throw new Fault('bad-input', `${count(bytes.length - tlv.end)} unexpected bytes after the ${label} (damaged file?)`);
  }
  return tlv;
}

function plainKey(buf: Uint8Array, tlv: Tlv, kind: 'pkcs8' | 'pkcs1' | 'sec1'): KeySummary {
  try {
    if (kind === 'pkcs8') return summarizeKey(pkcs8Facts(buf, tlv), 'pkcs8', null);
    if (kind === 'pkcs1') return summarizeKey(pkcs1Facts(buf, tlv), 'pkcs1', null);
    return summarizeKey(sec1Facts(buf, tlv), 'sec1', null);
  } catch (err) {
    if (err instanceof DerError) throw new Fault('bad-input', `damaged ${KIND_LABEL[kind]} (${err.message})`);
    throw err;
  }
}

const CERT_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);
const PKCS7_LABELS = new Set(['PKCS7', 'PKCS #7 SIGNED DATA', 'CMS']);
const KEY_LABELS: Readonly<Record<string, 'pkcs8' | 'pkcs1' | 'sec1' | 'pkcs8-encrypted'>> = {
  'PRIVATE KEY': 'pkcs8',
  'RSA PRIVATE KEY': 'pkcs1',
  'EC PRIVATE KEY': 'sec1',
  'ENCRYPTED PRIVATE KEY': 'pkcs8-encrypted',
};

async function readText(bytes: Uint8Array, options: ContainerOptions): Promise<Found> {
  const text = bytesToText(bytes);
  const blocks = pemBlocks(text);
  if (!blocks.length) {
    const der = bareBase64(text);
    if (der && der[0] === TAG.SEQUENCE && sniffDer(der) !== null) return readDer(der, options, 'base64');
    if (/-----BEGIN CERTIFICATE-----/.test(text)) throw new Fault('bad-input', 'PEM certificate has no END line (truncated file)');
    if (/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(text)) throw new Fault('bad-input', 'PEM private key has no END line (truncated file)');
    throw new Fault('bad-input', 'not a certificate (neither PEM nor DER X.509)');
  }

  const certificates: Uint8Array[] = [];
  const keys: KeySummary[] = [];
  const others: string[] = [];
  let plainCerts = 0;
  let bundles = 0;
  const budget = new WorkBudget('encrypted key');
  for (const block of blocks) {
    if (CERT_LABELS.has(block.label)) {
      const der = decodeBody(block.body);
      if (!der) throw new Fault('bad-input', `certificate block ${certificates.length + 1} is not valid base64 (damaged or truncated PEM)`);
      // `certutil -encode` of a .p7b writes a PKCS#7 under a CERTIFICATE label.
      if (sniffDer(der) === 'pkcs7') {
        bundles += 1;
        pushCerts(certificates, readPkcs7(der, wholeTlv(der, 'pkcs7')));
      } else {
        plainCerts += 1;
        pushCerts(certificates, [block.label === 'TRUSTED CERTIFICATE' ? firstElement(der) : der]);
      }
    } else if (PKCS7_LABELS.has(block.label)) {
      const der = decodeBody(block.body);
      if (!der) throw new Fault('bad-input', `PKCS#7 block is not valid base64 (damaged or truncated PEM)`);
      bundles += 1;
      pushCerts(certificates, readPkcs7(der, wholeTlv(der, 'pkcs7')));
    } else if (KEY_LABELS[block.label]) {
      if (keys.length >= LIMITS.maxKeys) {
        throw new Fault('too-large', `holds more than ${count(LIMITS.maxKeys)} private keys; Certbench reads at most that many per file`);
      }
      keys.push(await pemKey(block, KEY_LABELS[block.label]!, keys.length + 1, options.password ?? null, budget));
    } else {
      others.push(block.label);
    }
  }
  if (certificates.length) return { format: plainCerts === 0 && bundles > 0 ? 'pkcs7' : 'pem', certificates, keys };
  if (keys.length) return { format: 'key', certificates, keys };
  if (bundles) throw new Fault('bad-input', 'holds a PKCS#7 bundle with no certificates');
  throw new Fault('bad-input', `holds a PEM "${others[0]}" block, not a certificate`);
}

function pushCerts(into: Uint8Array[], more: Uint8Array[]): void {
  if (into.length + more.length > LIMITS.maxCertificates) {
    throw new Fault('too-large', `holds more than ${count(LIMITS.maxCertificates)} certificates; Certbench reads at most that many per file`);
  }
  into.push(...more);
}

/** OpenSSL's TRUSTED CERTIFICATE is the certificate followed by its trust settings: keep the certificate. */
function firstElement(der: Uint8Array): Uint8Array {
  try {
    return der.subarray(0, readTlv(der, 0, der.length, 'ber').end);
  } catch {
    return der;
  }
}

async function pemKey(block: PemBlock, kind: 'pkcs8' | 'pkcs1' | 'sec1' | 'pkcs8-encrypted', n: number, password: string | null, budget: WorkBudget): Promise<KeySummary> {
  await loadCurves();
  const der = decodeBody(block.body);
  if (!der) throw new Fault('bad-input', `private key block ${n} is not valid base64 (damaged or truncated PEM)`);
  const legacy = legacyEncryption(block);
  if (legacy) await loadCiphers();
  try {
    if (legacy) {
      const format = kind === 'pkcs8-encrypted' ? 'pkcs8' : kind;
      if (password === null) return summarizeKey(null, format, legacy.description, ENCRYPTED_NOTE);
      const plain = legacy.decrypt(password, der);
      let facts: KeyFacts | null = null;
      if (plain) {
        try {
          const tlv = readTlv(plain, 0, plain.length, 'ber');
          facts = kind === 'sec1' ? sec1Facts(plain, tlv) : kind === 'pkcs1' ? pkcs1Facts(plain, tlv) : pkcs8Facts(plain, tlv);
        } catch {
          facts = null;
        } finally {
          plain.fill(0);
        }
      }
      if (!facts) throw new Fault('wrong-password', 'wrong password (could not decrypt the encrypted private key)');
      return summarizeKey(facts, format, legacy.description);
    }
    const tlv = readTlv(der, 0, der.length, 'ber');
    if (kind === 'pkcs8-encrypted') return await encryptedPkcs8Summary(der, tlv, password, budget);
    if (kind === 'pkcs8') return summarizeKey(pkcs8Facts(der, tlv), 'pkcs8', null);
    if (kind === 'pkcs1') return summarizeKey(pkcs1Facts(der, tlv), 'pkcs1', null);
    return summarizeKey(sec1Facts(der, tlv), 'sec1', null);
  } catch (err) {
    if (err instanceof DerError) throw new Fault('bad-input', `private key block ${n} is damaged (${err.message})`);
    throw err;
  }
}


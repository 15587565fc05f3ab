import { TAG, context, readHeader, readOid, type Tlv } from '../asn1/der';
import { latin1 } from '../asn1/bytes';
import { PUBLIC_KEY_ALGORITHMS } from '../cert/oids';
import { OID, PBES1, PKCS12_PBE } from '../cert/containers/oids';

/**
 * The bundle's last line of defence: never private keys, never PFX, never passwords, and a
 * test scans every exported bundle for key material. Export runs every entry through this before
 * anything is written, and refuses the bundle on any hit. It looks for:
 * - PEM private-key armour of any label (`-----BEGIN [RSA |EC |ENCRYPTED |OPENSSH |DSA ]PRIVATE KEY-----`,
 *   RFC 7468 section 10-11, OpenSSL's traditional forms), OpenSSH's binary magic and PuTTY key files;
 * - base64 anywhere in text (PEM bodies, JSON strings with escaped line breaks, a blob pasted in a
 *   command's output) that decodes to PKCS#8 PrivateKeyInfo or EncryptedPrivateKeyInfo (RFC 5958),
 *   a PKCS#12 PFX (RFC 7292), a PKCS#1 RSAPrivateKey (RFC 8017 A.1.2), a SEC1 ECPrivateKey
 *   (RFC 5915) or OpenSSL's DSA key; base64 that decodes to text (PowerShell's -EncodedCommand is
 *   UTF-16LE base64) is scanned again, two levels deep;
 * - the same DER structures raw, anywhere in binary data.
 *
 * Recognition is by structure, read with the project's DER reader (headers only, so a key cut short
 * by an output limit still counts): the first elements must be exactly those of one of the forms
 * above, with the algorithm or encryption OIDs of shared/cert/containers. Certificates, public keys
 * (SubjectPublicKeyInfo), signatures and CMS never match: their first elements differ.
 *
 * Linear in the input: one pass over the text for base64 runs, a native indexOf for 0x30 bytes, and
 * a few header reads per candidate. Limits (said here so nobody relies on more): hex-encoded keys,
 * keys split across two files, Windows CAPI/CNG key blobs (MachineKeys files) and keys encrypted
 * with something other than PKCS#5/PKCS#12 password encryption are not recognised; bundles never
 * contain those because nothing in the export reads key files.
 */

/** Where a hit was found and what it is, one line each ("probes/1.json: PKCS#8 PrivateKeyInfo (RSA) in base64 at byte 1234"). */
export function scanForKeyMaterial(path: string, bytes: Uint8Array): string[] {
  const hits: string[] = [];
  scan(path, bytes, 0, hits);
  return hits;
}

/** Base64 nested this deep (base64 text inside base64 text) is still decoded and scanned. */
const MAX_DEPTH = 2;
/** The smallest private key structure (an X25519 PKCS#8 key) is 48 bytes; shorter base64 runs are skipped. */
const MIN_KEY_BYTES = 40;
/** Bytes decoded per candidate to recognise its structure (an RSA-16384 modulus header is well inside). */
const PREFIX_BYTES = 4096;
const SHORT_PREFIX_BYTES = 256;

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const BEGIN = ascii('-----BEGIN ');
/** The armour's label after BEGIN: anything ending in "PRIVATE KEY" (RFC 7468 PKCS#8 forms, OpenSSL's traditional RSA/EC/DSA, OpenSSH). */
const ARMOUR_LABEL = /^([A-Z0-9 ]{0,40})PRIVATE KEY-----/;
const OPENSSH_B64 = ascii('b3BlbnNzaC1rZXktdjE'); // base64 of "openssh-key-v1" (OpenSSH PROTOCOL.key)
const OPENSSH_RAW = ascii('openssh-key-v1\0');
const PUTTY = ascii('PuTTY-User-Key-File-');

/** Every offset where `needle` occurs (native indexOf for its first byte, then a compare). */
function* occurrences(hay: Uint8Array, needle: Uint8Array): Generator<number> {
  const first = needle[0]!;
  for (let i = hay.indexOf(first); i >= 0 && i + needle.length <= hay.length; i = hay.indexOf(first, i + 1)) {
    let k = 1;
    while (k < needle.length && hay[i + k] === needle[k]) k++;
    if (k === needle.length) yield i;
  }
}

function scan(path: string, bytes: Uint8Array, depth: number, hits: string[]): void {
  for (const i of occurrences(bytes, BEGIN)) {
    const label = ARMOUR_LABEL.exec(latin1(bytes, i + BEGIN.length, Math.min(bytes.length, i + BEGIN.length + 60)));
    if (label) hits.push(`${path}: PEM private key armour "-----BEGIN ${label[0]}" at byte ${i}`);
  }
  for (const i of occurrences(bytes, PUTTY)) hits.push(`${path}: PuTTY private key file header at byte ${i}`);
  for (const i of occurrences(bytes, OPENSSH_RAW)) hits.push(`${path}: OpenSSH private key (binary) at byte ${i}`);
  for (const i of occurrences(bytes, OPENSSH_B64)) hits.push(`${path}: OpenSSH private key in base64 at byte ${i}`);
  scanBase64(path, bytes, depth, hits);
  scanDer(path, bytes, hits);
}

/** Raw DER: every SEQUENCE tag whose first elements are those of a private key container. */
function scanDer(path: string, bytes: Uint8Array, hits: string[]): void {
  for (let i = bytes.indexOf(0x30); i >= 0 && i < bytes.length - 1; ) {
    const found = keyStructureAt(bytes, i);
    if (found) {
      hits.push(`${path}: ${found.kind} (DER) at byte ${i}`);
      i = bytes.indexOf(0x30, Math.max(i + 1, Math.min(found.end, bytes.length)));
    } else i = bytes.indexOf(0x30, i + 1);
  }
}

// --- base64 -----------------------------------------------------------------------------------------

/** Sextet per character code: 0-63 for base64 (standard alphabet), SKIP for separators, -1 ends a run. */
const SKIP = 64;
const PAD = 65;
const SEXTET = new Int8Array(128).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('').forEach((c, i) => (SEXTET[c.charCodeAt(0)] = i));
for (const c of [' ', '\t', '\r', '\n']) SEXTET[c.charCodeAt(0)] = SKIP;
SEXTET['='.charCodeAt(0)] = PAD;
const BACKSLASH = 0x5c;

/**
 * Collect runs of base64 characters, dropping line breaks, spaces and the JSON escapes \n \r \t
 * (a PEM body inside a JSON string), and look for DER structures inside each run at every place one
 * can start: a DER SEQUENCE encodes as "M" followed by A-I, at any alignment of the text.
 */
function scanBase64(path: string, text: Uint8Array, depth: number, hits: string[]): void {
  const n = text.length;
  const sx = new Uint8Array(Math.min(n, 1 << 26));
  let len = 0;
  let runStart = 0;
  const flush = (endOffset: number) => {
    if (len * 6 >= MIN_KEY_BYTES * 8) examineRun(path, text, sx, len, runStart, endOffset, depth, hits);
    len = 0;
  };
  for (let i = 0; i < n; i++) {
    const c = text[i]!;
    let v = c < 128 ? SEXTET[c]! : -1;
    if (v === -1 && c === BACKSLASH) {
      const next = text[i + 1];
      if (next === 0x6e || next === 0x72 || next === 0x74) {
        // JSON's \n, \r, \t between PEM lines: a separator, not the letter n/r/t.
        i++;
        continue;
      }
      if (next === 0x2f) {
        i++; // JSON's \/ is a "/"
        v = 63;
      }
    }
    if (v === SKIP) continue;
    if (v === PAD) {
      // Padding ends a run (what follows is another blob or text).
      flush(i);
      continue;
    }
    if (v < 0) {
      flush(i);
      continue;
    }
    if (len === 0) runStart = i;
    if (len < sx.length) sx[len++] = v;
  }
  flush(n);
}

function examineRun(path: string, text: Uint8Array, sx: Uint8Array, len: number, runStart: number, runEnd: number, depth: number, hits: string[]): void {
  const head = new Uint8Array(9);
  for (let k = 0; k + 12 <= len; k++) {
    // "M" then A-I: 0x30 and a length octet below 0x90 (short form, or 1-16 length octets).
    if (sx[k] !== 12 || sx[k + 1]! > 8) continue;
    decodeInto(sx, k, 12, head);
    if (!plausibleStart(head, 0)) continue;
    const avail = Math.floor(((len - k) * 6) / 8);
    // A short prefix settles most candidates (certificates, public keys); only an RSA key needs its
    // modulus skipped to see the next integers.
    let prefix = new Uint8Array(Math.min(avail, SHORT_PREFIX_BYTES));
    decodeInto(sx, k, Math.ceil((prefix.length * 8) / 6), prefix);
    let found = keyStructureAt(prefix, 0);
    if (!found && avail > prefix.length && startsLikeRsaKey(prefix)) {
      prefix = new Uint8Array(Math.min(avail, PREFIX_BYTES));
      decodeInto(sx, k, Math.ceil((prefix.length * 8) / 6), prefix);
      found = keyStructureAt(prefix, 0);
    }
    if (!found) continue;
    hits.push(`${path}: ${found.kind} in base64 at byte ${originalOffset(text, runStart, k)}`);
    // Skip what the hit covers: its inner structures are the same key.
    k += Math.max(0, Math.floor((Math.min(found.end, avail) * 8) / 6) - 1);
  }
  // Base64 of text (PowerShell -EncodedCommand, a script or PEM encoded again): decode and scan that.
  if (depth < MAX_DEPTH && len >= 64) {
    const probe = new Uint8Array(12);
    decodeInto(sx, 0, 16, probe);
    const utf16 = looksLikeUtf16le(probe);
    if (utf16 || looksLikeAscii(probe)) {
      const decoded = new Uint8Array(Math.floor((len * 6) / 8));
      decodeInto(sx, 0, len, decoded);
      scan(`${path} (base64 ${utf16 ? 'UTF-16' : 'text'} at byte ${runStart}-${runEnd})`, utf16 ? utf16leLowBytes(decoded) : decoded, depth + 1, hits);
    }
  }
}

/** Decode `count` sextets from `sx[from]` into `out` (as many whole bytes as fit). */
function decodeInto(sx: Uint8Array, from: number, count: number, out: Uint8Array): void {
  let acc = 0;
  let bits = 0;
  let o = 0;
  const end = Math.min(sx.length, from + count);
  for (let i = from; i < end && o < out.length; i++) {
    acc = ((acc << 6) | sx[i]!) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
}

/** Byte offset in the text of the k-th base64 character of the run that starts at `runStart`. */
function originalOffset(text: Uint8Array, runStart: number, k: number): number {
  let seen = 0;
  for (let i = runStart; i < text.length; i++) {
    const c = text[i]!;
    const v = c < 128 ? SEXTET[c]! : -1;
    if (v >= 0 && v < 64) {
      if (seen === k) return i;
      seen++;
    }
  }
  return runStart;
}

function looksLikeUtf16le(b: Uint8Array): boolean {
  for (let i = 0; i + 1 < b.length; i += 2) if (b[i + 1] !== 0 || b[i]! < 0x09 || b[i]! > 0x7e) return false;
  return true;
}

function looksLikeAscii(b: Uint8Array): boolean {
  for (const c of b) if (c > 0x7e || (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d)) return false;
  return true;
}

/** UTF-16LE text as one byte per character (non-Latin-1 characters become "?"): what the scan reads. */
function utf16leLowBytes(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = b[2 * i + 1] === 0 ? b[2 * i]! : 0x3f;
  return out;
}

// --- DER structures ---------------------------------------------------------------------------------

/** The header at `offset` or null; BER rules (Windows PFX exports use indefinite lengths). */
function headerAt(buf: Uint8Array, offset: number): Tlv | null {
  if (offset < 0 || offset + 2 > buf.length) return null;
  try {
    return readHeader(buf, offset, buf.length, 'ber');
  } catch {
    return null;
  }
}

/** Cheap first look: SEQUENCE, then an INTEGER or a SEQUENCE. Lets text (where '0' is 0x30) pass quickly. */
function plausibleStart(buf: Uint8Array, offset: number): boolean {
  if (buf[offset] !== 0x30 || offset + 2 >= buf.length) return false;
  const l = buf[offset + 1]!;
  let c = offset + 2;
  if (l > 0x80) {
    if (l > 0x84) return false;
    c += l & 0x7f;
  }
  if (c >= buf.length) return false;
  const t = buf[c];
  return t === TAG.INTEGER || t === TAG.SEQUENCE;
}

/** SEQUENCE { INTEGER 0|1, INTEGER ... }: the start of PKCS#1 (and DSA) keys. */
function startsLikeRsaKey(buf: Uint8Array): boolean {
  const outer = headerAt(buf, 0);
  const c1 = outer && headerAt(buf, outer.content);
  if (!c1 || c1.tag !== TAG.INTEGER || c1.end - c1.content !== 1 || buf[c1.content]! > 1) return false;
  return headerAt(buf, c1.end)?.tag === TAG.INTEGER;
}

const PBE_OIDS = new Set<string>([OID.pbes2, ...Object.keys(PBES1), ...Object.keys(PKCS12_PBE)]);

/** Which private key container starts at `offset` (by its first elements), with where it ends; null when none. */
export function keyStructureAt(buf: Uint8Array, offset: number): { kind: string; end: number } | null {
  if (!plausibleStart(buf, offset)) return null;
  const outer = headerAt(buf, offset);
  if (!outer || outer.tag !== TAG.SEQUENCE) return null;
  const end = outer.end < 0 ? buf.length : outer.end;
  const c1 = headerAt(buf, outer.content);
  if (!c1 || c1.end < 0) return null;

  if (c1.tag === TAG.SEQUENCE) {
    // EncryptedPrivateKeyInfo: { AlgorithmIdentifier (a password-based encryption), OCTET STRING }.
    const alg = headerAt(buf, c1.content);
    if (!alg || alg.tag !== TAG.OID || alg.end > buf.length) return null;
    const algOid = oidText(buf, alg);
    if (!algOid || !PBE_OIDS.has(algOid)) return null;
    // The encryption OID as the first element of the first element is proof enough when the data
    // is cut before the encrypted octets.
    const data = headerAt(buf, c1.end);
    if (c1.end < buf.length && (!data || (data.tag | 0x20) !== (TAG.OCTET_STRING | 0x20))) return null;
    return { kind: 'PKCS#8 EncryptedPrivateKeyInfo', end };
  }
  if (c1.tag !== TAG.INTEGER || c1.end - c1.content !== 1 || c1.end > buf.length) return null;
  const version = buf[c1.content]!;
  const c2 = headerAt(buf, c1.end);
  if (!c2) return null;

  if (version === 3 && c2.tag === TAG.SEQUENCE) {
    // PFX: { version 3, authSafe ContentInfo { data | signedData, [0] ... }, macData? }.
    const type = headerAt(buf, c2.content);
    if (!type || type.tag !== TAG.OID || type.end > buf.length) return null;
    const t = oidText(buf, type);
    if (t !== OID.data && t !== OID.signedData) return null;
    const explicit = headerAt(buf, type.end);
    if (explicit && explicit.tag !== context(0)) return null;
    return { kind: 'PKCS#12 PFX', end };
  }
  if ((version === 0 || version === 1) && c2.tag === TAG.SEQUENCE && c2.end >= 0) {
    // PrivateKeyInfo: { version, AlgorithmIdentifier, OCTET STRING privateKey, ... }.
    const alg = headerAt(buf, c2.content);
    if (!alg || alg.tag !== TAG.OID || alg.end > buf.length) return null;
    const algOid = oidText(buf, alg);
    if (!algOid) return null;
    const name = PUBLIC_KEY_ALGORITHMS[algOid] ?? algOid;
    // Large parameters (DSA's p, q, g) can push the key octets past what was decoded: then a known
    // key algorithm in that place is proof enough.
    const key = headerAt(buf, c2.end);
    if (c2.end >= buf.length ? !PUBLIC_KEY_ALGORITHMS[algOid] : !key || (key.tag | 0x20) !== (TAG.OCTET_STRING | 0x20)) return null;
    return { kind: `PKCS#8 PrivateKeyInfo (${name})`, end };
  }
  if ((version === 0 || version === 1) && c2.tag === TAG.INTEGER && c2.end >= 0) {
    // RSAPrivateKey { version, n, e, d, p, q, ... } or OpenSSL's DSA { 0, p, q, g, y, x }.
    const ints = [c1, c2];
    let h: Tlv | null = c2;
    while (ints.length < 9 && h && h.end >= 0 && h.end < Math.min(end, buf.length)) {
      h = headerAt(buf, h.end);
      if (!h || h.tag !== TAG.INTEGER) break;
      ints.push(h);
    }
    const size = (t: Tlv) => t.end - t.content;
    if (ints.length >= 4 && size(c2) >= 64 && size(ints[2]!) <= 16 && size(ints[3]!) >= 32) return { kind: 'PKCS#1 RSAPrivateKey', end };
    const complete = outer.end >= 0 && outer.end <= buf.length;
    if (version === 0 && complete && ints.length === 6 && ints[5]!.end === outer.end && size(c2) >= 64 && size(ints[2]!) >= 20 && size(ints[2]!) <= 33 && size(ints[5]!) >= 20 && size(ints[5]!) <= 33) {
      return { kind: 'DSA private key (OpenSSL)', end };
    }
    return null;
  }
  if (version === 1 && c2.tag === TAG.OCTET_STRING && c2.end >= 0) {
    // ECPrivateKey { 1, OCTET STRING scalar, [0] curve?, [1] public key? } with at least one of the two.
    const scalar = c2.end - c2.content;
    if (scalar < 16 || scalar > 72) return null;
    const next = headerAt(buf, c2.end);
    if (!next || (next.tag !== context(0) && next.tag !== context(1))) return null;
    return { kind: 'SEC1 ECPrivateKey', end };
  }
  return null;
}

function oidText(buf: Uint8Array, tlv: Tlv): string | null {
  if (tlv.contentEnd - tlv.content < 3 || tlv.contentEnd > buf.length) return null;
  try {
    return readOid(buf, tlv);
  } catch {
    return null;
  }
}

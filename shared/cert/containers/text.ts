import { base64 } from '@peculiar/utils';
import { md5 } from '@noble/hashes/legacy.js';
import { hex } from '@peculiar/utils';
import { latin1 } from '../../asn1/bytes';
import { decrypt, type CipherName } from './ciphers';
import { Fault, LIMITS, count } from './fault';
import { utf8Bytes } from './pbe';

/**
 * Text forms: PEM blocks (many per file, junk between them, CRLF, RFC 1421 headers) and base64
 * without armour (a Windows "Base-64 encoded X.509" .cer whose lines were kept but whose BEGIN/END
 * were lost, or a blob pasted from a ticket). UTF-16 files (Notepad's "Unicode") are read too.
 */

export interface PemBlock {
  label: string;
  headers: Record<string, string>;
  /** Base64 body with whitespace removed; validated by `decodeBody`. */
  body: string;
}

const PEM_BEGIN = /-----BEGIN ([A-Z0-9 #]{1,64})-----/g;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Bytes as text: UTF-16 when a byte-order mark says so, otherwise one char per byte (PEM is ASCII). */
export function bytesToText(bytes: Uint8Array): string {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    const little = bytes[0] === 0xff;
    let out = '';
    const chars: number[] = [];
    for (let i = 2; i + 1 < bytes.length; i += 2) {
      chars.push(little ? (bytes[i] ?? 0) | ((bytes[i + 1] ?? 0) << 8) : ((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
      if (chars.length === 0x8000) out += String.fromCharCode(...chars.splice(0));
    }
    return out + String.fromCharCode(...chars);
  }
  return latin1(bytes);
}

/** The one PEM writer (RFC 7468 2): base64 in 64-character lines between BEGIN and END, a newline after each line. */
export function toPem(label: string, der: Uint8Array): string {
  const lines = base64.encode(der).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.map((l) => `${l}\n`).join('')}-----END ${label}-----\n`;
}

/**
 * Every PEM block in file order. Linear in the text: a backtracking regex over BEGIN ... END would be
 * quadratic on a hostile file full of BEGIN lines without END (16 MB of them would hang the app).
 */
export function pemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  const noEnd = new Set<string>();
  PEM_BEGIN.lastIndex = 0;
  for (let m = PEM_BEGIN.exec(text); m; m = PEM_BEGIN.exec(text)) {
    const label = m[1] ?? '';
    if (noEnd.has(label)) continue;
    const endMarker = `-----END ${label}-----`;
    const bodyStart = m.index + m[0].length;
    const end = text.indexOf(endMarker, bodyStart);
    if (end === -1) {
      noEnd.add(label); // no END for this label anywhere after here: never search for it again
      continue;
    }
    PEM_BEGIN.lastIndex = end + endMarker.length;
    if (blocks.length >= LIMITS.maxItems) {
      throw new Fault('too-large', `holds more than ${count(LIMITS.maxItems)} PEM blocks; Certbench reads at most that many per file`);
    }
    blocks.push(parseBlock(label, text.slice(bodyStart, end)));
  }
  return blocks;
}

function parseBlock(label: string, inner: string): PemBlock {
  const lines = inner.split(/\r?\n|\r/);
  const headers: Record<string, string> = {};
  // RFC 1421 headers ("Proc-Type: 4,ENCRYPTED", "DEK-Info: AES-256-CBC,<iv>") come first, then a blank line.
  let i = 0;
  while (i < lines.length && lines[i]?.trim() === '') i++;
  if (/^[A-Za-z-]+:/.test(lines[i] ?? '')) {
    while (i < lines.length && (lines[i] ?? '').trim() !== '') {
      const h = /^([A-Za-z-]+):\s*(.*)$/.exec(lines[i] ?? '');
      if (h?.[1]) headers[h[1]] = h[2] ?? '';
      i++;
    }
  }
  return { label, headers, body: lines.slice(i).join('').replace(/[\t ]+/g, '') };
}

/** Decode a base64 body, or null when it is not valid base64. */
export function decodeBody(body: string): Uint8Array | null {
  if (!BASE64.test(body) || body.length % 4 !== 0 || body.length === 0) return null;
  try {
    return base64.decode(body);
  } catch {
    return null;
  }
}

/**
 * Base64 without armour: the whole text (less whitespace and a UTF-8 byte-order mark) is base64 of
 * DER. Null when the text is anything else.
 */
export function bareBase64(text: string): Uint8Array | null {
  const body = text.replace(/^\uFEFF|^\u00EF\u00BB\u00BF/, '').replace(/[\s]+/g, '');
  if (body.length < 16 || !body.startsWith('M')) return null; // DER SEQUENCE (0x30) encodes as "M"
  return decodeBody(body);
}

/**
 * OpenSSL's legacy PEM encryption ("Proc-Type: 4,ENCRYPTED" + "DEK-Info"), written by
 * `openssl rsa -aes256 -traditional` and by OpenSSL 1.x `genrsa -aes256`.
 */
const LEGACY_CIPHERS: Readonly<Record<string, { cipher: CipherName; keyBytes: number }>> = {
  'AES-128-CBC': { cipher: 'aes', keyBytes: 16 },
  'AES-192-CBC': { cipher: 'aes', keyBytes: 24 },
  'AES-256-CBC': { cipher: 'aes', keyBytes: 32 },
  'DES-EDE3-CBC': { cipher: '3des', keyBytes: 24 },
  'DES-CBC': { cipher: 'des', keyBytes: 8 },
};

export function legacyEncryption(block: PemBlock): { description: string; decrypt: (password: string, data: Uint8Array) => Uint8Array | null } | null {
  if (!/ENCRYPTED/i.test(block.headers['Proc-Type'] ?? '')) return null;
  const [algName = '', ivHex = ''] = (block.headers['DEK-Info'] ?? '').split(',').map((s) => s.trim());
  const description = `legacy OpenSSL PEM encryption (${algName || 'unknown cipher'})`;
  const alg = LEGACY_CIPHERS[algName.toUpperCase()];
  return {
    description,
    decrypt(password, data) {
      if (!alg) throw new Fault('bad-input', `is encrypted with ${description}, which Certbench cannot decrypt`);
      if (!/^[0-9A-Fa-f]+$/.test(ivHex)) throw new Fault('bad-input', 'has a PEM DEK-Info without a valid IV');
      const iv = hex.decode(ivHex);
      const salt = iv.subarray(0, 8);
      const pw = utf8Bytes(password);
      // EVP_BytesToKey with MD5 and one round.
      const key: number[] = [];
      let prev: Uint8Array = new Uint8Array(0);
      while (key.length < alg.keyBytes) {
        prev = md5(new Uint8Array([...prev, ...pw, ...salt]));
        key.push(...prev);
      }
      return decrypt(alg.cipher, Uint8Array.from(key.slice(0, alg.keyBytes)), iv, data);
    },
  };
}

import type { KeySummary } from '../../model/key';

const FORMAT_NAMES: Record<KeySummary['format'], string> = {
  pkcs8: 'PKCS#8',
  pkcs1: 'PKCS#1',
  sec1: 'SEC1',
  'pkcs8-encrypted': 'encrypted PKCS#8',
  pkcs12: 'in PKCS#12',
};

/** What a key is, in words: "RSA 2048 bits, PKCS#8" or "ECC 256 bits (P-256), SEC1". */
export function describeKey(key: KeySummary): string {
  const what = key.algorithm
    ? `${key.algorithm}${key.bits ? ` ${key.bits} bits` : ''}${key.curve ? ` (${key.curve})` : ''}`
    : 'encrypted key';
  const encrypted = key.encryption ? `, encrypted with ${key.encryption}` : '';
  return `${what}, ${FORMAT_NAMES[key.format]}${encrypted}`;
}

/**
 * One line per key, as the CLI prints it and the UI can show it:
 * "Private key: RSA 2048 bits, PKCS#8, matches certificate <thumbprint>".
 */
export function formatKeyLine(key: KeySummary): string {
  let match: string;
  if (key.matchesCertificate) match = `matches certificate ${key.matchesCertificate}`;
  else if (key.publicKeySha256) match = 'matches none of the certificates given';
  else match = key.note ?? 'cannot match: its public key cannot be derived';
  return `Private key: ${describeKey(key)}, ${match}`;
}

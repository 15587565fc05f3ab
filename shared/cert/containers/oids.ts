/** Object identifiers of the container formats (RFC 7292 PKCS#12, RFC 5652 CMS, RFC 8018 PKCS#5, RFC 5958). */
export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  encryptedData: '1.2.840.113549.1.7.6',

  keyBag: '1.2.840.113549.1.12.10.1.1',
  pkcs8ShroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  crlBag: '1.2.840.113549.1.12.10.1.4',
  secretBag: '1.2.840.113549.1.12.10.1.5',
  safeContentsBag: '1.2.840.113549.1.12.10.1.6',
  x509Certificate: '1.2.840.113549.1.9.22.1',

  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  scrypt: '1.3.6.1.4.1.11591.4.11',

  rsaEncryption: '1.2.840.113549.1.1.1',
  rsaPss: '1.2.840.113549.1.1.10',
  ecPublicKey: '1.2.840.10045.2.1',
  dsa: '1.2.840.10040.4.1',
  ed25519: '1.3.101.112',
  ed448: '1.3.101.113',
  x25519: '1.3.101.110',
  x448: '1.3.101.111',
} as const;

/** PKCS#12 password-based encryption (RFC 7292 appendix C): key length, cipher and IV length. */
export const PKCS12_PBE: Readonly<Record<string, { name: string; cipher: 'rc4' | '3des' | 'rc2'; keyBytes: number; effectiveBits?: number }>> = {
  '1.2.840.113549.1.12.1.1': { name: 'pbeWithSHAAnd128BitRC4', cipher: 'rc4', keyBytes: 16 },
  '1.2.840.113549.1.12.1.2': { name: 'pbeWithSHAAnd40BitRC4', cipher: 'rc4', keyBytes: 5 },
  '1.2.840.113549.1.12.1.3': { name: 'pbeWithSHAAnd3-KeyTripleDES-CBC', cipher: '3des', keyBytes: 24 },
  '1.2.840.113549.1.12.1.4': { name: 'pbeWithSHAAnd2-KeyTripleDES-CBC', cipher: '3des', keyBytes: 16 },
  '1.2.840.113549.1.12.1.5': { name: 'pbeWithSHAAnd128BitRC2-CBC', cipher: 'rc2', keyBytes: 16, effectiveBits: 128 },
  '1.2.840.113549.1.12.1.6': { name: 'pbeWithSHAAnd40BitRC2-CBC', cipher: 'rc2', keyBytes: 5, effectiveBits: 40 },
};

/** PKCS#5 v1.5 PBES1 (PBKDF1): hash and cipher. */
export const PBES1: Readonly<Record<string, { name: string; hash: 'md5' | 'sha1'; cipher: 'des' | 'rc2' }>> = {
  '1.2.840.113549.1.5.3': { name: 'pbeWithMD5AndDES-CBC', hash: 'md5', cipher: 'des' },
  '1.2.840.113549.1.5.6': { name: 'pbeWithMD5AndRC2-CBC', hash: 'md5', cipher: 'rc2' },
  '1.2.840.113549.1.5.10': { name: 'pbeWithSHA1AndDES-CBC', hash: 'sha1', cipher: 'des' },
  '1.2.840.113549.1.5.11': { name: 'pbeWithSHA1AndRC2-CBC', hash: 'sha1', cipher: 'rc2' },
};

/** PBES2 encryption schemes (RFC 8018 B.2, NIST AES). */
export const PBES2_CIPHERS: Readonly<Record<string, { name: string; cipher: 'aes' | '3des' | 'des'; keyBytes: number }>> = {
  '2.16.840.1.101.3.4.1.2': { name: 'AES-128-CBC', cipher: 'aes', keyBytes: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'AES-192-CBC', cipher: 'aes', keyBytes: 24 },
  '2.16.840.1.101.3.4.1.42': { name: 'AES-256-CBC', cipher: 'aes', keyBytes: 32 },
  '1.2.840.113549.3.7': { name: 'DES-EDE3-CBC', cipher: '3des', keyBytes: 24 },
  '1.3.14.3.2.7': { name: 'DES-CBC', cipher: 'des', keyBytes: 8 },
};

/** Digests used by PBKDF2 PRFs and PKCS#12 MACs. */
export type DigestName = 'SHA-1' | 'SHA-224' | 'SHA-256' | 'SHA-384' | 'SHA-512' | 'MD5';

export const HMAC_PRFS: Readonly<Record<string, DigestName>> = {
  '1.2.840.113549.2.7': 'SHA-1',
  '1.2.840.113549.2.8': 'SHA-224',
  '1.2.840.113549.2.9': 'SHA-256',
  '1.2.840.113549.2.10': 'SHA-384',
  '1.2.840.113549.2.11': 'SHA-512',
};

export const DIGESTS: Readonly<Record<string, DigestName>> = {
  '1.3.14.3.2.26': 'SHA-1',
  '2.16.840.1.101.3.4.2.4': 'SHA-224',
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
  '1.2.840.113549.2.5': 'MD5',
};

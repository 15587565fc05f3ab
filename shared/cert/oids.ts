/**
 * Names for the object identifiers a helpdesk user meets. Words follow what the Windows certificate
 * dialog shows, so a user comparing the two sees the same labels.
 */

/** Extended Key Usage purposes (RFC 5280 4.2.1.12 and Microsoft's OIDs under 1.3.6.1.4.1.311). */
export const EKU_NAMES: Readonly<Record<string, string>> = {
  '2.5.29.37.0': 'Any Purpose',
  '1.3.6.1.5.5.7.3.1': 'Server Authentication',
  '1.3.6.1.5.5.7.3.2': 'Client Authentication',
  '1.3.6.1.5.5.7.3.3': 'Code Signing',
  '1.3.6.1.5.5.7.3.4': 'Secure Email',
  '1.3.6.1.5.5.7.3.5': 'IP security end system',
  '1.3.6.1.5.5.7.3.6': 'IP security tunnel termination',
  '1.3.6.1.5.5.7.3.7': 'IP security user',
  '1.3.6.1.5.5.7.3.8': 'Time Stamping',
  '1.3.6.1.5.5.7.3.9': 'OCSP Signing',
  '1.3.6.1.5.5.7.3.17': 'IP security IKE intermediate',
  '1.3.6.1.5.2.3.4': 'KDC Authentication (PKINIT client)',
  '1.3.6.1.5.2.3.5': 'KDC Authentication',
  '1.3.6.1.4.1.311.20.2.2': 'Smart Card Logon',
  '1.3.6.1.4.1.311.10.3.4': 'Encrypting File System',
  '1.3.6.1.4.1.311.10.3.4.1': 'File Recovery',
  '1.3.6.1.4.1.311.10.3.12': 'Document Signing',
  '1.3.6.1.4.1.311.10.3.1': 'Microsoft Trust List Signing',
  '1.3.6.1.4.1.311.21.5': 'Private Key Archival',
  '1.3.6.1.4.1.311.21.6': 'Key Recovery Agent',
  '1.3.6.1.4.1.311.20.2.1': 'Certificate Request Agent',
  '1.3.6.1.4.1.311.10.3.13': 'Lifetime Signing',
  '1.3.6.1.4.1.311.54.1.2': 'Remote Desktop Authentication',
  '1.3.6.1.4.1.311.64.1.1': 'Server Trust (Domain Name System)',
};

export const EKU_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
export const EKU_ANY = '2.5.29.37.0';

/** Attribute types of distinguished names; short names per RFC 4514 section 3, then common extras. */
export const NAME_ATTRIBUTE_SHORT: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.6': 'C',
  '2.5.4.9': 'STREET',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
  // Not in RFC 4514's table; OpenSSL and Windows print these names, and users recognise them.
  '2.5.4.5': 'SERIALNUMBER',
  '2.5.4.4': 'SN',
  '2.5.4.42': 'G',
  '2.5.4.12': 'T',
  '2.5.4.97': 'organizationIdentifier',
  '1.2.840.113549.1.9.1': 'E',
};

export const EXTENSION_NAMES: Readonly<Record<string, string>> = {
  '2.5.29.14': 'Subject Key Identifier',
  '2.5.29.15': 'Key Usage',
  '2.5.29.17': 'Subject Alternative Name',
  '2.5.29.18': 'Issuer Alternative Name',
  '2.5.29.19': 'Basic Constraints',
  '2.5.29.30': 'Name Constraints',
  '2.5.29.31': 'CRL Distribution Points',
  '2.5.29.32': 'Certificate Policies',
  '2.5.29.33': 'Policy Mappings',
  '2.5.29.35': 'Authority Key Identifier',
  '2.5.29.36': 'Policy Constraints',
  '2.5.29.37': 'Enhanced Key Usage',
  '2.5.29.54': 'Inhibit Any Policy',
  '1.3.6.1.5.5.7.1.1': 'Authority Information Access',
  '1.3.6.1.5.5.7.1.3': 'Qualified Certificate Statements',
  '1.3.6.1.4.1.11129.2.4.2': 'Signed Certificate Timestamps',
  '1.3.6.1.5.5.7.1.24': 'TLS Feature',
  '2.16.840.1.113730.1.1': 'Netscape Certificate Type',
  '1.3.6.1.4.1.311.20.2': 'Certificate Template Name',
  '1.3.6.1.4.1.311.21.7': 'Certificate Template Information',
  '1.3.6.1.4.1.311.21.10': 'Application Policies',
  '1.3.6.1.4.1.311.21.1': 'CA Version',
  '1.3.6.1.4.1.311.21.2': 'Previous CA Certificate Hash',
  '1.3.6.1.4.1.311.25.2': 'NTDS CA Security',
};

export const SIGNATURE_ALGORITHM_NAMES: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.4': 'md5RSA',
  '1.2.840.113549.1.1.5': 'sha1RSA',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.113549.1.1.11': 'sha256RSA',
  '1.2.840.113549.1.1.12': 'sha384RSA',
  '1.2.840.113549.1.1.13': 'sha512RSA',
  '1.2.840.10045.4.1': 'sha1ECDSA',
  '1.2.840.10045.4.3.2': 'sha256ECDSA',
  '1.2.840.10045.4.3.3': 'sha384ECDSA',
  '1.2.840.10045.4.3.4': 'sha512ECDSA',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
  '1.2.840.10040.4.3': 'sha1DSA',
};

export const PUBLIC_KEY_ALGORITHMS: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.1': 'RSA',
  '1.2.840.113549.1.1.10': 'RSA-PSS',
  '1.2.840.10045.2.1': 'ECC',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
  '1.3.101.110': 'X25519',
  '1.2.840.10040.4.1': 'DSA',
};

/** Named curves with their field size, so "ECC 256 bits (P-256)" can be shown like Windows does. */
export const CURVES: Readonly<Record<string, { name: string; bits: number }>> = {
  '1.2.840.10045.3.1.7': { name: 'P-256', bits: 256 },
  '1.3.132.0.34': { name: 'P-384', bits: 384 },
  '1.3.132.0.35': { name: 'P-521', bits: 521 },
  '1.3.132.0.10': { name: 'secp256k1', bits: 256 },
  '1.3.36.3.3.2.8.1.1.7': { name: 'brainpoolP256r1', bits: 256 },
  '1.3.36.3.3.2.8.1.1.11': { name: 'brainpoolP384r1', bits: 384 },
  '1.3.36.3.3.2.8.1.1.13': { name: 'brainpoolP512r1', bits: 512 },
};

/** RFC 5280 4.2.1.3 bit order. */
export const KEY_USAGE_BITS = [
  'Digital Signature',
  'Non-Repudiation',
  'Key Encipherment',
  'Data Encipherment',
  'Key Agreement',
  'Certificate Signing',
  'CRL Signing',
  'Encipher Only',
  'Decipher Only',
] as const;

export function ekuName(oid: string): string {
  return EKU_NAMES[oid] ?? oid;
}

/** Certificate policies a user may recognise (CA/Browser Forum and RFC 5280's anyPolicy). */
export const POLICY_NAMES: Readonly<Record<string, string>> = {
  '2.5.29.32.0': 'All issuance policies',
  '2.23.140.1.2.1': 'Domain validated (CA/B Forum)',
  '2.23.140.1.2.2': 'Organization validated (CA/B Forum)',
  '2.23.140.1.2.3': 'Individual validated (CA/B Forum)',
  '2.23.140.1.1': 'Extended validation (CA/B Forum)',
  '1.3.6.1.4.1.311.21.8': 'Microsoft enterprise OID arc',
};

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TAG, context } from '../../shared/asn1/der';
import { encode, encodeOid, seq } from '../../shared/asn1/encode';
import { issueCertificate } from '../../electron/services/lab/pki';
import { OpensslPki, requireOpenssl } from './openssl-pki';
import { OID, build, ca, cn, ext, leaf, name, newKey } from './x509-build';

/**
 * Every kind of certificate the tests have, as DER, for the reader differential test
 * (tests/integration/der-reader-vs-pkijs.test.ts): the recorded fixtures, the lab's certificates (EC P-256,
 * P-384, RSA, Ed25519), certificates built byte by byte with many extensions and odd names, and
 * OpenSSL-issued ones when openssl is installed.
 */

const here = path.dirname(fileURLToPath(import.meta.url));

export interface CorpusEntry {
  label: string;
  der: Uint8Array;
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(path.join(dir, d.name)) : [path.join(dir, d.name)]));
}

/** Certificates in the recorded fixtures: PEM blocks and base64 DER strings ("MII...") in any file. */
export function fixtureCertificates(): CorpusEntry[] {
  const out: CorpusEntry[] = [];
  const seen = new Set<string>();
  for (const file of walk(path.join(here, '..', 'fixtures'))) {
    const text = fs.readFileSync(file, 'latin1');
    const pem = [...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map((m) => m[1]!.replace(/\s+/g, ''));
    const bare = [...text.matchAll(/"(MII[A-Za-z0-9+/=]{200,})"/g)].map((m) => m[1]!);
    for (const b64 of [...pem, ...bare]) {
      if (seen.has(b64)) continue;
      seen.add(b64);
      out.push({ label: `${path.relative(path.join(here, '..'), file)} #${out.length}`, der: new Uint8Array(Buffer.from(b64, 'base64')) });
    }
  }
  return out;
}

const ia5 = (s: string) => encode(TAG.IA5_STRING, new Uint8Array(Buffer.from(s, 'latin1')));
const uriName = (u: string) => encode(0x86, new Uint8Array(Buffer.from(u, 'latin1')));

/** CRL Distribution Points with one full-name URI each (RFC 5280 4.2.1.13). */
function crlDp(...urls: string[]) {
  return ext.raw('2.5.29.31', seq(...urls.map((u) => seq(encode(context(0), encode(context(0), uriName(u)))))));
}

/** Authority Information Access: OCSP and caIssuers URIs (RFC 5280 4.2.2.1). */
function aia(ocsp: string, caIssuers: string) {
  return ext.raw('1.3.6.1.5.5.7.1.1', seq(seq(encodeOid('1.3.6.1.5.5.7.48.1'), uriName(ocsp)), seq(encodeOid('1.3.6.1.5.5.7.48.2'), uriName(caIssuers))));
}

/** Certificates built in-process: key types, names in every string type, many extensions, edge years. */
export function builtCertificates(): CorpusEntry[] {
  const out: CorpusEntry[] = [];
  const add = (label: string, der: Uint8Array) => out.push({ label, der: new Uint8Array(der) });
  for (const keyAlgorithm of ['ec-p256', 'ec-p384', 'rsa-2048', 'ed25519'] as const) {
    const root = issueCertificate({ subject: [['C', 'US'], ['O', 'Lab'], ['CN', `Lab root ${keyAlgorithm}`]], ca: true, keyAlgorithm });
    add(`lab root ${keyAlgorithm}`, root.der);
    add(
      `lab leaf ${keyAlgorithm}`,
      issueCertificate({ subject: [['CN', 'alice']], issuer: root, keyAlgorithm, eku: ['clientAuth', 'serverAuth'], dnsNames: ['a.test'], ipAddresses: ['10.0.0.1', '2001:db8::1'] }).der,
    );
  }
  const root = ca(name([[OID.C, { printable: 'DE' }], [OID.O, 'Müller & Söhne'], [OID.CN, { bmp: 'Wurzel CA' }]]));
  add('built root (BMP, UTF-8 names)', root.der);
  const inter = ca(cn('Issuing CA', [OID.OU, { ia5: 'pki' }]), root, {
    pathLen: 0,
    extensions: [
      ext.policies([OID.anyPolicy, { oid: '1.2.3.4.5', qualifiers: [[OID.cps, ia5('https://pki.test/cps')]] }]),
      ext.nameConstraints([{ dns: 'test' }, { ip: '10.0.0.0/8' }], [{ email: 'bad.test' }]),
      crlDp('http://pki.test/root.crl', 'ldap://pki.test/cn=root'),
      aia('http://ocsp.pki.test', 'http://pki.test/root.cer'),
    ],
  });
  add('built intermediate (policies, name constraints, CRL DP, AIA)', inter.der);
  add(
    'built leaf (SAN of every kind, multi-valued RDN)',
    leaf(name([[[OID.O, 'Contoso'], [OID.OU, 'Helpdesk']], [OID.CN, 'bob'], [OID.email, { ia5: 'bob@contoso.test' }]]), inter, {
      san: [{ dns: 'bob.test' }, { email: 'bob@contoso.test' }, { uri: 'https://bob.test/' }, { ip: '192.0.2.7' }, { ip: 'fe80::1' }, { dir: cn('Bob') }, { upn: 'bob@contoso.test' }],
      extensions: [crlDp('http://pki.test/inter.crl'), aia('http://ocsp.pki.test/inter', 'http://pki.test/inter.cer'), ext.raw('1.2.3.4.99', seq(), true)],
    }).der,
  );
  // RFC 5280 4.1.2.5: UTCTime for 1950 through 2049, GeneralizedTime from 2050 (and before 1950).
  const edges: [string, string, string][] = [
    ['1950-01-01T00:00:00Z', '2049-12-31T23:59:59Z', 'UTCTime 1950 and 2049'],
    ['2049-12-31T23:59:59Z', '2050-01-01T00:00:00Z', 'UTCTime 2049, GeneralizedTime 2050'],
    ['1949-12-31T23:59:59Z', '9999-12-31T23:59:59Z', 'GeneralizedTime 1949 and 9999'],
  ];
  for (const [from, to, label] of edges) add(`built ${label}`, build({ subject: cn(label), notBefore: new Date(from), notAfter: new Date(to) }).der);
  add('built v1 RSA', build({ subject: cn('v1'), key: newKey('rsa2048', 0), v1: true }).der);
  return out;
}

/** OpenSSL-issued certificates (the standard test PKI plus CRL/OCSP URLs and policies), or none without openssl. */
export function opensslCertificates(): CorpusEntry[] {
  if (requireOpenssl()) return [];
  const pki = new OpensslPki('certbench-diff-');
  try {
    const root = pki.issue('root', { subject: '/C=US/O=Diff/CN=Diff Root', keyAlgorithm: 'rsa2048', extensions: ['basicConstraints = critical, CA:true', 'keyUsage = critical, keyCertSign, cRLSign'] });
    const inter = pki.issue('inter', {
      subject: '/C=US/O=Diff/CN=Diff Issuing',
      issuer: root,
      keyAlgorithm: 'ec384',
      extensions: [
        'basicConstraints = critical, CA:true, pathlen:0',
        'keyUsage = critical, keyCertSign, cRLSign',
        'crlDistributionPoints = URI:http://crl.diff.test/root.crl',
        'authorityInfoAccess = OCSP;URI:http://ocsp.diff.test, caIssuers;URI:http://diff.test/root.cer',
        'certificatePolicies = 2.5.29.32.0, 1.3.6.1.4.1.311.21.10',
      ],
    });
    const client = pki.issue('client', {
      subject: '/C=US/O=Contoso, Ltd/OU=Helpdesk/CN=alice/emailAddress=alice@contoso.test',
      issuer: inter,
      extensions: ['basicConstraints = CA:false', 'keyUsage = critical, digitalSignature', 'extendedKeyUsage = clientAuth, 1.3.6.1.4.1.311.20.2.2', 'subjectAltName = DNS:alice.test, IP:10.1.2.3, IP:2001:db8::1, email:alice@contoso.test, URI:https://alice.test/'],
    });
    return [root, inter, client].map((c) => ({ label: `openssl ${c.name}`, der: new Uint8Array(fs.readFileSync(c.derPath)) }));
  } finally {
    pki.cleanup();
  }
}

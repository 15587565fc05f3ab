import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Certificates for the e2e tests, generated per run with the system's openssl (argument arrays, no
 * shell). Expectations are read back from openssl too, so the tests compare the UI with an
 * independent tool instead of with numbers copied into the test.
 *
 * openssl 3.0's `x509 -req` has no -not_before/-not_after (added in 3.4), and faketime is not
 * installed, so the expired certificate is signed by `openssl ca` with -startdate/-enddate.
 */
export interface Fixtures {
  dir: string;
  /** Root CA as DER, the way Windows' "DER encoded binary X.509 (.CER)" export writes it. */
  rootCer: string;
  /** Root CA as PEM. */
  rootPem: string;
  /** Client certificate: EKU clientAuth, SAN DNS + IP + email, long OU to check wrapping. */
  clientPem: string;
  /** Expired last year (client EKU), signed by the root. */
  expiredPem: string;
  /** EKU serverAuth only: must be flagged as not usable for client authentication. */
  serverPem: string;
  /** Client certificate followed by the root: one file, two certificates. */
  chainPem: string;
  /** The client certificate followed by its private key (unencrypted PKCS#8), as many exports are. */
  clientWithKeyPem: string;
  /** Plain text that is not a certificate. */
  notesTxt: string;
  /** The client certificate's DER cut short. */
  truncatedCer: string;
  /** 17 MB: above the 16 MB input limit. */
  hugePem: string;
}

export const CLIENT_SAN = { dns: 'alice.example.test', ip: '10.20.30.40', email: 'alice@example.test' };
export const CLIENT_CN = 'alice.client.example.test';
export const ROOT_CN = 'Certbench Test Root CA';
export const SERVER_CN = 'intranet.example.test';
export const EXPIRED_CN = 'bob.expired.example.test';

export function openssl(args: string[], cwd?: string): string {
  return execFileSync('openssl', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function writeExtFile(file: string, lines: string[]): void {
  fs.writeFileSync(file, `[v3]\n${lines.join('\n')}\n`);
}

export function makeFixtures(): Fixtures {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-e2e-'));
  const p = (name: string) => path.join(dir, name);

  // Root CA (RSA 2048, 10 years).
  openssl([
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '3650',
    '-keyout', p('root.key'), '-out', p('root.pem'),
    '-subj', `/C=US/O=Contoso\\, Ltd/OU=PKI/CN=${ROOT_CN}`,
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  openssl(['x509', '-in', p('root.pem'), '-outform', 'DER', '-out', p('root-ca.cer')]);

  const issue = (name: string, subj: string, keyArgs: string[], ext: string[]) => {
    openssl(['req', '-new', ...keyArgs, '-nodes', '-keyout', p(`${name}.key`), '-out', p(`${name}.csr`), '-subj', subj]);
    writeExtFile(p(`${name}.ext`), ext);
    openssl([
      'x509', '-req', '-in', p(`${name}.csr`), '-CA', p('root.pem'), '-CAkey', p('root.key'),
      '-CAserial', p('root.srl'), '-CAcreateserial', '-days', '365', '-sha256',
      '-extfile', p(`${name}.ext`), '-extensions', 'v3', '-out', p(`${name}.pem`),
    ]);
  };

  // Client certificate (EC P-256) with several OUs (each is capped at 64 characters) so the long DN
  // exercises wrapping.
  issue(
    'client',
    `/C=US/ST=Washington/L=Redmond/O=Contoso\\, Ltd/OU=Helpdesk Operations/OU=Mutual TLS Onboarding Programme/OU=Finance Line of Business Applications/CN=${CLIENT_CN}`,
    ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=clientAuth',
      `subjectAltName=DNS:${CLIENT_SAN.dns},IP:${CLIENT_SAN.ip},email:${CLIENT_SAN.email}`,
      'subjectKeyIdentifier=hash',
      'authorityKeyIdentifier=keyid',
    ],
  );

  // Server-only certificate (RSA): EKU serverAuth and nothing else.
  issue('server', `/C=US/O=Contoso\\, Ltd/CN=${SERVER_CN}`, ['-newkey', 'rsa:2048'], [
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth',
    `subjectAltName=DNS:${SERVER_CN}`,
  ]);

  // Expired certificate through `openssl ca`, which takes explicit validity dates.
  fs.mkdirSync(p('newcerts'));
  fs.writeFileSync(p('index.txt'), '');
  fs.writeFileSync(p('serial'), '4E0001\n');
  fs.writeFileSync(
    p('ca.cnf'),
    [
      '[ca]',
      'default_ca = local',
      '[local]',
      `database = ${p('index.txt')}`,
      `new_certs_dir = ${p('newcerts')}`,
      `serial = ${p('serial')}`,
      `certificate = ${p('root.pem')}`,
      `private_key = ${p('root.key')}`,
      'default_md = sha256',
      'policy = any',
      'unique_subject = no',
      'email_in_dn = no',
      '[any]',
      'commonName = supplied',
      'organizationName = optional',
      'countryName = optional',
      '[v3]',
      'basicConstraints = CA:FALSE',
      'keyUsage = critical,digitalSignature',
      'extendedKeyUsage = clientAuth',
      '',
    ].join('\n'),
  );
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', p('expired.key'), '-out', p('expired.csr'), '-subj', `/C=US/O=Contoso\\, Ltd/CN=${EXPIRED_CN}`]);
  const lastYear = new Date().getUTCFullYear() - 1;
  openssl([
    'ca', '-batch', '-notext', '-config', p('ca.cnf'), '-extensions', 'v3', '-in', p('expired.csr'),
    '-startdate', `${lastYear - 1}0101000000Z`, '-enddate', `${lastYear}0101000000Z`, '-out', p('expired.pem'),
  ]);

  fs.writeFileSync(p('chain.pem'), fs.readFileSync(p('client.pem'), 'utf8') + fs.readFileSync(p('root.pem'), 'utf8'));
  fs.writeFileSync(p('client-with-key.pem'), fs.readFileSync(p('client.pem'), 'utf8') + fs.readFileSync(p('client.key'), 'utf8'));
  fs.writeFileSync(p('notes.txt'), 'Ticket 4711: user cannot log on to the finance portal (HTTP 403.7).\nNot a certificate.\n');
  openssl(['x509', '-in', p('client.pem'), '-outform', 'DER', '-out', p('client.der')]);
  const der = fs.readFileSync(p('client.der'));
  fs.writeFileSync(p('truncated.cer'), der.subarray(0, Math.floor(der.length / 2)));
  fs.writeFileSync(p('huge.pem'), Buffer.alloc(17 * 1024 * 1024, 0x41));

  return {
    dir,
    rootCer: p('root-ca.cer'),
    rootPem: p('root.pem'),
    clientPem: p('client.pem'),
    expiredPem: p('expired.pem'),
    serverPem: p('server.pem'),
    chainPem: p('chain.pem'),
    clientWithKeyPem: p('client-with-key.pem'),
    notesTxt: p('notes.txt'),
    truncatedCer: p('truncated.cer'),
    hugePem: p('huge.pem'),
  };
}

/** What openssl says about the (first) certificate in a file. */
export interface OpensslFacts {
  sha1: string;
  serial: string;
  subject: string;
  issuer: string;
}

export function opensslFacts(file: string): OpensslFacts {
  const inform = file.endsWith('.cer') || file.endsWith('.der') ? ['-inform', 'DER'] : [];
  const value = (args: string[]) => {
    const out = openssl(['x509', '-in', file, ...inform, '-noout', ...args]).trim();
    return out.slice(out.indexOf('=') + 1).trim();
  };
  return {
    sha1: value(['-fingerprint', '-sha1']).replace(/:/g, '').toUpperCase(),
    serial: value(['-serial']).toUpperCase(),
    subject: value(['-subject', '-nameopt', 'RFC2253']),
    issuer: value(['-issuer', '-nameopt', 'RFC2253']),
  };
}

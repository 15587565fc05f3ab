import { OpensslPki, type Issued } from '../../helpers/openssl-pki';
import { Containers } from '../../helpers/openssl-containers';

/**
 * A three-level PKI for the certificate view's e2e tests, made per run with the real openssl
 * (tests/helpers/openssl-pki.ts: `openssl ca`, argument arrays, no shell): a root, an issuing CA,
 * and below it a client certificate (with the extensions a helpdesk user asks about), a server-only
 * certificate, one expired 35 days ago, one that starts in 10 days, and a PFX of the client
 * certificate with its key and chain behind a password. None of them is in the system's trust.
 */
export interface ChainFixtures {
  dir: string;
  root: Issued;
  intermediate: Issued;
  client: Issued;
  serverOnly: Issued;
  expired: Issued;
  future: Issued;
  /** client + key + intermediate + root, PKCS#12 with PFX_PASSWORD. */
  pfx: string;
  /** A second root, and the issuing CA cross-signed by it (same name, same key): a second path. */
  crossRoot: Issued;
  crossIntermediate: Issued;
  /** The client's private key, encrypted PKCS#8 with KEY_PASSWORD, in a file of its own. */
  encryptedKey: string;
  cleanup: () => void;
}

export const ROOT_CN = 'Certbench E2E Root CA';
export const ISSUING_CN = 'Certbench E2E Issuing CA';
export const CROSS_ROOT_CN = 'Certbench E2E Partner Root';
export const CLIENT_CN = 'alice.contoso.test';
export const SERVER_CN = 'www.contoso.test';
export const EXPIRED_CN = 'old-client.contoso.test';
export const FUTURE_CN = 'future-client.contoso.test';
/** The issuing CA's DN as RFC 4514 writes it (most specific first), as the missing-issuer box shows it. */
export const ISSUING_DN = `CN=${ISSUING_CN},O=Certbench Test,C=US`;
export const CA_ISSUERS_URL = 'http://pki.contoso.test/certs/issuing-ca.crt';
export const OCSP_URL = 'http://ocsp.contoso.test';
export const CRL_URL = 'http://pki.contoso.test/crl/issuing-ca.crl';
export const CPS_URL = 'https://pki.contoso.test/cps.html';
export const TEMPLATE_OID = '1.3.6.1.4.1.311.21.8.7312214.4157321.1234567.101';
export const UNKNOWN_EXTENSION_OID = '1.3.6.1.4.1.55555.7.1';
/** A throwaway password for a throwaway PFX (passed as `pass:` to openssl only, in a temp folder). */
export const PFX_PASSWORD = 'Correct-Horse-42';
export const KEY_PASSWORD = 'Battery-Staple-7';

const DAY = 86_400_000;

export function makeChainFixtures(): ChainFixtures {
  const pki = new OpensslPki('certbench-e2e-chain-');
  const root = pki.issue('root', {
    subject: `/C=US/O=Certbench Test/CN=${ROOT_CN}`,
    extensions: ['basicConstraints = critical, CA:true', 'keyUsage = critical, keyCertSign, cRLSign'],
    keyAlgorithm: 'rsa2048',
  });
  const intermediate = pki.issue('intermediate', {
    subject: `/C=US/O=Certbench Test/CN=${ISSUING_CN}`,
    issuer: root,
    extensions: [
      'basicConstraints = critical, CA:true, pathlen:0',
      'keyUsage = critical, keyCertSign, cRLSign',
      'nameConstraints = critical, permitted;DNS:.contoso.test, permitted;email:contoso.test, excluded;DNS:legacy.contoso.test',
    ],
  });
  const client = pki.issue('client', {
    subject: `/C=US/O=Contoso, Ltd/OU=Helpdesk Operations/OU=Finance Line of Business Applications/CN=${CLIENT_CN}`,
    issuer: intermediate,
    extensions: [
      'basicConstraints = CA:false',
      'keyUsage = critical, digitalSignature',
      'extendedKeyUsage = clientAuth',
      `subjectAltName = DNS:${CLIENT_CN}, email:alice@contoso.test`,
      `authorityInfoAccess = caIssuers;URI:${CA_ISSUERS_URL}, OCSP;URI:${OCSP_URL}`,
      `crlDistributionPoints = URI:${CRL_URL}`,
      'certificatePolicies = @policy',
      '1.3.6.1.4.1.311.21.7 = ASN1:SEQUENCE:template',
      `${UNKNOWN_EXTENSION_OID} = ASN1:UTF8String:Certbench e2e`,
      // Sections referenced above; they come last, after every line of [v3].
      '[policy]',
      'policyIdentifier = 2.23.140.1.2.3',
      `CPS.1 = "${CPS_URL}"`,
      '[template]',
      `oid = OID:${TEMPLATE_OID}`,
      'major = INT:100',
      'minor = INT:4',
    ],
  });
  const serverOnly = pki.issue('server-only', {
    subject: `/C=US/O=Contoso, Ltd/CN=${SERVER_CN}`,
    issuer: intermediate,
    extensions: ['basicConstraints = CA:false', 'extendedKeyUsage = serverAuth', 'keyUsage = critical, digitalSignature, keyEncipherment', `subjectAltName = DNS:${SERVER_CN}`],
    keyAlgorithm: 'rsa2048',
  });
  const expired = pki.issue('expired', {
    subject: `/C=US/O=Contoso, Ltd/CN=${EXPIRED_CN}`,
    issuer: intermediate,
    start: new Date(Date.now() - 400 * DAY),
    end: new Date(Date.now() - 35 * DAY - 3600_000),
    extensions: ['basicConstraints = CA:false', 'keyUsage = critical, digitalSignature', 'extendedKeyUsage = clientAuth'],
  });
  const future = pki.issue('future', {
    subject: `/C=US/O=Contoso, Ltd/CN=${FUTURE_CN}`,
    issuer: intermediate,
    start: new Date(Date.now() + 10 * DAY - 3600_000),
    end: new Date(Date.now() + 400 * DAY),
    extensions: ['basicConstraints = CA:false', 'keyUsage = critical, digitalSignature', 'extendedKeyUsage = clientAuth'],
  });
  const containers = new Containers(pki);
  const pfx = containers.pfx('client.pfx', client, PFX_PASSWORD, [], [intermediate, root]);
  const encryptedKey = containers.path('client-encrypted.key');
  containers.run(['pkey', '-in', client.keyPath, '-aes256', '-passout', `pass:${KEY_PASSWORD}`, '-out', encryptedKey]);
  const crossRoot = pki.issue('cross-root', {
    subject: `/C=US/O=Certbench Test/CN=${CROSS_ROOT_CN}`,
    extensions: ['basicConstraints = critical, CA:true', 'keyUsage = critical, keyCertSign, cRLSign'],
  });
  const crossIntermediate = pki.issue('intermediate-cross', {
    subject: `/C=US/O=Certbench Test/CN=${ISSUING_CN}`,
    issuer: crossRoot,
    reuseKeyOf: intermediate,
    extensions: ['basicConstraints = critical, CA:true, pathlen:0', 'keyUsage = critical, keyCertSign, cRLSign'],
  });
  return { dir: pki.dir, root, intermediate, client, serverOnly, expired, future, pfx, crossRoot, crossIntermediate, encryptedKey, cleanup: () => pki.cleanup() };
}

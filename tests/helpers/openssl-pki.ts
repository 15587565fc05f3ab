import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A per-run test PKI made with the real `openssl` command (developers' guide: real inputs,
 * certificates generated per run). `openssl ca` is used for every issuance because OpenSSL 3.0's
 * `x509 -req` cannot set a start date, and expired / not-yet-valid certificates are needed.
 */
export interface Issued {
  name: string;
  certPem: string;
  keyPath: string;
  pemPath: string;
  derPath: string;
}

export interface IssueOptions {
  subject: string;
  /** Issuer; omitted means self-signed. */
  issuer?: Issued;
  /** openssl ca dates: YYYYMMDDHHMMSSZ. */
  start?: Date;
  end?: Date;
  /** Extension lines for the v3 section, e.g. "extendedKeyUsage = clientAuth". */
  extensions?: string[];
  keyAlgorithm?: 'rsa2048' | 'ec256' | 'ec384';
  /** Reuse another certificate's key pair (cross-signed CAs share one key under two certificates). */
  reuseKeyOf?: Issued;
}

export function requireOpenssl(): string | null {
  try {
    execFileSync('openssl', ['version'], { stdio: 'pipe' });
    return null;
  } catch {
    return 'openssl is not installed (apt-get install openssl)';
  }
}

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

export class OpensslPki {
  readonly dir: string;
  private serial = 0x1000;

  constructor(prefix = 'certbench-pki-') {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  }

  private run(args: string[], input?: string): string {
    return execFileSync('openssl', args, { cwd: this.dir, input, stdio: ['pipe', 'pipe', 'pipe'] }).toString();
  }

  issue(name: string, opts: IssueOptions): Issued {
    const base = path.join(this.dir, name);
    const keyPath = `${base}.key`;
    const alg = opts.keyAlgorithm ?? 'ec256';
    if (opts.reuseKeyOf) fs.copyFileSync(opts.reuseKeyOf.keyPath, keyPath);
    else if (alg === 'rsa2048') this.run(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', keyPath]);
    else this.run(['genpkey', '-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${alg === 'ec384' ? 'P-384' : 'P-256'}`, '-out', keyPath]);
    this.run(['req', '-new', '-key', keyPath, '-subj', opts.subject, '-out', `${base}.csr`]);

    const caDir = path.join(this.dir, `ca-${name}`);
    fs.mkdirSync(path.join(caDir, 'new'), { recursive: true });
    fs.writeFileSync(path.join(caDir, 'index.txt'), '');
    this.serial += 1;
    fs.writeFileSync(path.join(caDir, 'serial'), `${this.serial.toString(16).toUpperCase()}\n`);
    const cfg = path.join(caDir, 'ca.cnf');
    fs.writeFileSync(
      cfg,
      [
        '[ca]',
        'default_ca = cb',
        '[cb]',
        `dir = ${caDir}`,
        `database = ${path.join(caDir, 'index.txt')}`,
        `new_certs_dir = ${path.join(caDir, 'new')}`,
        `serial = ${path.join(caDir, 'serial')}`,
        'default_md = sha256',
        'policy = any',
        'unique_subject = no',
        'email_in_dn = yes',
        'preserve = yes',
        '[any]',
        'countryName = optional',
        'stateOrProvinceName = optional',
        'localityName = optional',
        'organizationName = optional',
        'organizationalUnitName = optional',
        'commonName = optional',
        'emailAddress = optional',
        'domainComponent = optional',
        '[v3]',
        'subjectKeyIdentifier = hash',
        ...(opts.issuer ? ['authorityKeyIdentifier = keyid'] : []),
        ...(opts.extensions ?? []),
        '',
      ].join('\n'),
    );
    const start = opts.start ?? new Date(Date.now() - 3600_000);
    const end = opts.end ?? new Date(Date.now() + 365 * 86_400_000);
    const args = ['ca', '-batch', '-config', cfg, '-extensions', 'v3', '-notext', '-in', `${base}.csr`, '-out', `${base}.pem`];
    args.push('-startdate', stamp(start), '-enddate', stamp(end));
    if (opts.issuer) args.push('-cert', opts.issuer.pemPath, '-keyfile', opts.issuer.keyPath);
    else args.push('-selfsign', '-keyfile', keyPath);
    this.run(args);
    this.run(['x509', '-in', `${base}.pem`, '-outform', 'DER', '-out', `${base}.der`]);
    return { name, certPem: fs.readFileSync(`${base}.pem`, 'utf8'), keyPath, pemPath: `${base}.pem`, derPath: `${base}.der` };
  }

  /** What openssl itself says about a certificate, to compare against our parser. */
  facts(pemPath: string): { sha1: string; sha256: string; serial: string; subject: string; issuer: string } {
    const out = this.run(['x509', '-in', pemPath, '-noout', '-fingerprint', '-sha1', '-serial', '-nameopt', 'RFC2253', '-subject', '-issuer']);
    const sha256 = this.run(['x509', '-in', pemPath, '-noout', '-fingerprint', '-sha256']);
    const get = (re: RegExp, text = out) => (text.match(re)?.[1] ?? '').trim();
    return {
      sha1: get(/SHA1 Fingerprint=([0-9A-F:]+)/i).replace(/:/g, ''),
      sha256: get(/SHA256 Fingerprint=([0-9A-F:]+)/i, sha256).replace(/:/g, ''),
      serial: get(/serial=([0-9A-F]+)/),
      subject: get(/subject=(.*)/),
      issuer: get(/issuer=(.*)/),
    };
  }

  write(name: string, data: string | Uint8Array): string {
    const p = path.join(this.dir, name);
    fs.writeFileSync(p, data);
    return p;
  }

  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The standard set most tests need: root, intermediate, client, server-only, expired, future. */
export function standardPki(pki = new OpensslPki()) {
  const day = 86_400_000;
  const root = pki.issue('root', {
    subject: '/C=US/O=Certbench Test/CN=Certbench Test Root',
    extensions: ['basicConstraints = critical, CA:true', 'keyUsage = critical, keyCertSign, cRLSign'],
    keyAlgorithm: 'rsa2048',
  });
  const intermediate = pki.issue('intermediate', {
    subject: '/C=US/O=Certbench Test/CN=Certbench Test Issuing CA',
    issuer: root,
    extensions: ['basicConstraints = critical, CA:true, pathlen:0', 'keyUsage = critical, keyCertSign, cRLSign'],
  });
  const client = pki.issue('client', {
    subject: '/C=US/O=Contoso, Ltd/OU=Helpdesk/CN=alice',
    issuer: intermediate,
    extensions: [
      'basicConstraints = CA:false',
      'keyUsage = critical, digitalSignature',
      'extendedKeyUsage = clientAuth, 1.3.6.1.4.1.311.20.2.2',
      'subjectAltName = DNS:alice.contoso.test, IP:10.1.2.3, IP:2001:db8::1, email:alice@contoso.test',
    ],
  });
  const serverOnly = pki.issue('server-only', {
    subject: '/CN=www.contoso.test',
    issuer: intermediate,
    extensions: ['extendedKeyUsage = serverAuth', 'keyUsage = critical, digitalSignature, keyEncipherment', 'subjectAltName = DNS:www.contoso.test'],
    keyAlgorithm: 'rsa2048',
  });
  const expired = pki.issue('expired', {
    subject: '/CN=old-client',
    issuer: intermediate,
    start: new Date(Date.now() - 400 * day),
    end: new Date(Date.now() - 35 * day),
    extensions: ['extendedKeyUsage = clientAuth'],
  });
  const future = pki.issue('future', {
    subject: '/CN=future-client',
    issuer: intermediate,
    start: new Date(Date.now() + 10 * day),
    end: new Date(Date.now() + 400 * day),
    extensions: ['extendedKeyUsage = clientAuth'],
  });
  return { pki, root, intermediate, client, serverOnly, expired, future };
}

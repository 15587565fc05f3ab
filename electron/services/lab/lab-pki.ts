import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../net/free-port';
import { issueCertificate, type LabCertificate } from './pki';
import { writePfx } from './pfx';
import { buildCrl } from './revocation-pki';

/**
 * The lab's PKI, kept in the lab folder so a user imports the client PFX once and it keeps working
 * across lab starts: a root, an issuing intermediate, a server certificate for localhost and
 * 127.0.0.1, a client certificate (RSA 2048, what Windows and every browser accept), its PFX with a
 * random password, an unrelated CA, and many filler CAs whose names make a CA list over 16 KB.
 * Regenerated when a file is missing or a certificate is within a week of expiring.
 *
 * The issuing CA and the client certificate name a CRL the lab itself serves (lab-crl.ts), on a
 * port chosen when the PKI is made and kept with it (the address is signed into the certificates,
 * so it cannot follow a port chosen per start): a certificate with no CRL or OCSP address at all
 * fails on IIS with revocation checking on (CRYPT_E_NO_REVOCATION_CHECK, 403.16), so Diagnose warns
 * revocation.no-address about it, and a demo of the lab would warn about the lab itself. The CRLs
 * are signed once, valid until their CA expires (the PKI is remade before that).
 */

/** 2: the issuing CA and the client certificate carry the lab's CRL address (layout 1 had none). */
const LAYOUT_VERSION = 2;
/** Filler CA names: about 150 bytes each, so 140 of them put the list well over 16,384 bytes. */
const FILLER_CAS = 140;

export interface LabFiles {
  root: string;
  intermediate: string;
  /** Intermediate then root: what a server needs to verify the client, and what a client may send. */
  chain: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  clientPfx: string;
  otherCa: string;
  /** Root, intermediate and every filler CA: the large CA list. */
  largeCaList: string;
  /** The root's CRL (it lists nothing): what the issuing CA's revocation check reads. */
  rootCrl: string;
  /** The issuing CA's CRL (it lists nothing): what the client certificate's revocation check reads. */
  issuingCrl: string;
}

/** The CRL paths the lab's CRL server answers (lab-crl.ts), as signed into the certificates. */
export const LAB_CRL_PATHS = { root: '/certbench-lab/root-ca.crl', issuing: '/certbench-lab/issuing-ca.crl' } as const;

export interface LabPki {
  folder: string;
  /** The 127.0.0.1 port of the CRL addresses in the issuing CA and client certificates. */
  crlPort: number;
  password: string;
  clientSubject: string;
  files: LabFiles;
  pem: { root: string; intermediate: string; server: string; serverKey: string; client: string; clientKey: string; otherCa: string; fillers: string[] };
}

/** CERTBENCH_DATA_DIR/lab, default ~/.config/certbench/lab. */
export function labFolder(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.CERTBENCH_DATA_DIR ? path.resolve(env.CERTBENCH_DATA_DIR) : path.join(os.homedir(), '.config', 'certbench');
  return path.join(base, 'lab');
}

function filesIn(folder: string): LabFiles {
  const f = (name: string) => path.join(folder, name);
  return {
    root: f('root-ca.pem'),
    intermediate: f('issuing-ca.pem'),
    chain: f('ca-chain.pem'),
    serverCert: f('server.pem'),
    serverKey: f('server.key'),
    clientCert: f('client.pem'),
    clientKey: f('client.key'),
    clientPfx: f('client.pfx'),
    otherCa: f('other-ca.pem'),
    largeCaList: f('large-ca-list.pem'),
    rootCrl: f('root-ca.crl'),
    issuingCrl: f('issuing-ca.crl'),
  };
}

interface Meta {
  version: number;
  password: string;
  clientSubject: string;
  fillers: number;
  crlPort: number;
}

/** Load the lab's PKI from its folder, or make a new one there. */
export async function ensureLabPki(folder: string, now = new Date()): Promise<LabPki> {
  return loadLabPki(folder, now) ?? (await createLabPki(folder));
}

function readPemBlocks(file: string): string[] {
  return fs.readFileSync(file, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
}

function loadLabPki(folder: string, now: Date): LabPki | null {
  const files = filesIn(folder);
  try {
    const meta = JSON.parse(fs.readFileSync(path.join(folder, 'lab.json'), 'utf8')) as Meta;
    if (meta.version !== LAYOUT_VERSION || typeof meta.password !== 'string' || !Number.isInteger(meta.crlPort)) return null;
    if (!fs.existsSync(files.rootCrl) || !fs.existsSync(files.issuingCrl)) return null;
    const soon = now.getTime() + 7 * 86_400_000;
    for (const file of [files.root, files.intermediate, files.serverCert, files.clientCert, files.otherCa]) {
      const cert = new crypto.X509Certificate(fs.readFileSync(file));
      if (new Date(cert.validTo).getTime() < soon || new Date(cert.validFrom).getTime() > now.getTime()) return null;
    }
    if (!fs.existsSync(files.clientPfx)) return null;
    const serverKey = fs.readFileSync(files.serverKey, 'utf8');
    const clientKey = fs.readFileSync(files.clientKey, 'utf8');
    crypto.createPrivateKey(serverKey);
    crypto.createPrivateKey(clientKey);
    const large = readPemBlocks(files.largeCaList);
    if (large.length !== meta.fillers + 2) return null;
    return {
      folder,
      crlPort: meta.crlPort,
      password: meta.password,
      clientSubject: meta.clientSubject,
      files,
      pem: {
        root: fs.readFileSync(files.root, 'utf8'),
        intermediate: fs.readFileSync(files.intermediate, 'utf8'),
        server: fs.readFileSync(files.serverCert, 'utf8'),
        serverKey,
        client: fs.readFileSync(files.clientCert, 'utf8'),
        clientKey,
        otherCa: fs.readFileSync(files.otherCa, 'utf8'),
        fillers: large.slice(2),
      },
    };
  } catch {
    return null;
  }
}

async function createLabPki(folder: string): Promise<LabPki> {
  fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
  const files = filesIn(folder);
  // Free now; kept with the PKI (lab.json), since the certificates carry it.
  const crlPort = await freePort();
  const crlBase = `http://127.0.0.1:${crlPort}`;
  const root = issueCertificate({ subject: [['C', 'US'], ['O', 'Certbench Lab'], ['CN', 'Certbench Lab Root CA']], ca: true });
  const intermediate = issueCertificate({ subject: [['C', 'US'], ['O', 'Certbench Lab'], ['CN', 'Certbench Lab Issuing CA']], ca: true, issuer: root, crlUrls: [`${crlBase}${LAB_CRL_PATHS.root}`] });
  const server = issueCertificate({
    subject: [['O', 'Certbench Lab'], ['CN', 'localhost']],
    issuer: intermediate,
    eku: ['serverAuth'],
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1', '::1'],
  });
  const clientSubject: [string, string][] = [['C', 'US'], ['O', 'Certbench Lab'], ['OU', 'Helpdesk'], ['CN', 'lab-client']];
  const client = issueCertificate({ subject: clientSubject, issuer: intermediate, eku: ['clientAuth'], keyAlgorithm: 'rsa-2048', crlUrls: [`${crlBase}${LAB_CRL_PATHS.issuing}`] });
  const otherCa = issueCertificate({ subject: [['C', 'US'], ['O', 'Unrelated Example Org'], ['CN', 'Unrelated Example Root CA']], ca: true });
  const fillerKey = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const fillers: LabCertificate[] = [];
  for (let i = 1; i <= FILLER_CAS; i++) {
    const n = String(i).padStart(3, '0');
    fillers.push(
      issueCertificate({
        subject: [
          ['C', 'US'],
          ['L', 'Redmond'],
          ['O', `Certbench Lab Filler Organisation ${n}`],
          ['OU', 'Certification Authorities and Trust Services'],
          ['CN', `Certbench Lab Filler Root CA ${n}`],
        ],
        ca: true,
        key: fillerKey,
      }),
    );
  }
  const password = `lab-${crypto.randomBytes(9).toString('base64url')}`;
  const secret = { mode: 0o600 } as const;
  fs.writeFileSync(files.root, root.pem);
  fs.writeFileSync(files.intermediate, intermediate.pem);
  fs.writeFileSync(files.chain, intermediate.pem + root.pem);
  fs.writeFileSync(files.serverCert, server.pem + intermediate.pem);
  fs.writeFileSync(files.serverKey, server.keyPem, secret);
  fs.writeFileSync(files.clientCert, client.pem + intermediate.pem);
  fs.writeFileSync(files.clientKey, client.keyPem, secret);
  fs.writeFileSync(files.otherCa, otherCa.pem);
  const now = Date.now();
  const crlWindow = (ca: LabCertificate) => ({ thisUpdate: new Date(now - 3_600_000), nextUpdate: new Date(new crypto.X509Certificate(ca.der).validTo) });
  fs.writeFileSync(files.rootCrl, buildCrl({ issuer: root, ...crlWindow(root) }));
  fs.writeFileSync(files.issuingCrl, buildCrl({ issuer: intermediate, ...crlWindow(intermediate) }));
  fs.writeFileSync(files.largeCaList, [root.pem, intermediate.pem, ...fillers.map((f) => f.pem)].join(''));
  fs.writeFileSync(
    files.clientPfx,
    await writePfx({ key: client.key, certificate: client.der, chain: [intermediate.der, root.der], password, friendlyName: 'Certbench lab client' }),
    secret,
  );
  const meta: Meta = { version: LAYOUT_VERSION, password, clientSubject: readableSubject(clientSubject), fillers: FILLER_CAS, crlPort };
  fs.writeFileSync(path.join(folder, 'lab.json'), `${JSON.stringify(meta, null, 2)}\n`, secret);
  return {
    folder,
    crlPort,
    password,
    clientSubject: meta.clientSubject,
    files,
    pem: {
      root: root.pem,
      intermediate: intermediate.pem,
      server: server.pem + intermediate.pem,
      serverKey: server.keyPem,
      client: client.pem + intermediate.pem,
      clientKey: client.keyPem,
      otherCa: otherCa.pem,
      fillers: fillers.map((f) => f.pem),
    },
  };
}

/** RFC 4514 order: most specific first. */
function readableSubject(attrs: [string, string][]): string {
  return attrs
    .slice()
    .reverse()
    .map(([t, v]) => `${t}=${v}`)
    .join(',');
}

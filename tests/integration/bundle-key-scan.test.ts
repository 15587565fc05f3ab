import crypto from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanForKeyMaterial } from '../../shared/bundle/key-scan';
import { Containers, toWindowsBer } from '../helpers/openssl-containers';
import { requireOpenssl, standardPki } from '../helpers/openssl-pki';

/**
 * A bundle carries never private keys, never PFX, never passwords, and a test scans every exported
 * bundle for key material. The scanner must find real keys in every form users and tools write them (generated here
 * with node:crypto and the real openssl), and must stay silent on certificates, public keys and noise,
 * or every bundle would be refused.
 */
const missing = requireOpenssl();
if (missing && process.env.CI === 'true') throw new Error(missing);

const enc = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
const hitsOf = (name: string, bytes: Uint8Array | string) => scanForKeyMaterial(name, typeof bytes === 'string' ? enc(bytes) : bytes);

/** A deterministic byte stream (xorshift32), so a noise test that passes once passes always. */
function noise(n: number, seed = 0x9e3779b9): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

describe('key material scan: node:crypto keys in every encoding', () => {
  const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ed = crypto.generateKeyPairSync('ed25519');
  const x25519 = crypto.generateKeyPairSync('x25519');

  const cases: [string, Uint8Array | string][] = [
    ['RSA PKCS#8 PEM', rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string],
    ['RSA PKCS#1 PEM', rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string],
    ['EC SEC1 PEM', ec.privateKey.export({ type: 'sec1', format: 'pem' }) as string],
    ['encrypted PKCS#8 PEM', rsa.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }) as string],
    ['RSA PKCS#8 DER', new Uint8Array(rsa.privateKey.export({ type: 'pkcs8', format: 'der' }))],
    ['RSA PKCS#1 DER', new Uint8Array(rsa.privateKey.export({ type: 'pkcs1', format: 'der' }))],
    ['EC SEC1 DER', new Uint8Array(ec.privateKey.export({ type: 'sec1', format: 'der' }))],
    ['EC PKCS#8 DER', new Uint8Array(ec.privateKey.export({ type: 'pkcs8', format: 'der' }))],
    ['Ed25519 PKCS#8 DER', new Uint8Array(ed.privateKey.export({ type: 'pkcs8', format: 'der' }))],
    ['X25519 PKCS#8 DER', new Uint8Array(x25519.privateKey.export({ type: 'pkcs8', format: 'der' }))],
    ['encrypted PKCS#8 DER', new Uint8Array(ec.privateKey.export({ type: 'pkcs8', format: 'der', cipher: 'aes-128-cbc', passphrase: 'pw' }))],
  ];

  it.each(cases)('%s is found on its own', (_name, data) => {
    expect(hitsOf('key', data).length).toBeGreaterThan(0);
  });

  it.each(cases)('%s is found inside other data (DER in binary noise, PEM in text)', (_name, data) => {
    const body = typeof data === 'string' ? enc(data) : data;
    const wrapped = new Uint8Array([...noise(5000, 7), ...body, ...noise(3000, 11)]);
    const hits = hitsOf('blob.bin', wrapped);
    expect(hits.length).toBeGreaterThan(0);
    expect(hits[0]).toMatch(/^blob\.bin: /);
  });

  it('finds base64 keys without armour: in a JSON string (PEM body with escaped line breaks), glued to text, and as a bare blob', () => {
    const pem = ec.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const body = pem.replace(/-----[A-Z ]+-----/g, '').trim();
    // The armour removed: only the base64 remains, with JSON's \n escapes between its lines.
    const json = JSON.stringify({ note: 'pasted from a ticket', blob: body });
    expect(json).toContain('\\n');
    expect(hitsOf('report.json', json).join('\n')).toMatch(/report\.json: PKCS#8 PrivateKeyInfo \(ECC\) in base64 at byte \d+/);
    const der = rsa.privateKey.export({ type: 'pkcs1', format: 'der' });
    expect(hitsOf('out.txt', `key=${der.toString('base64')} end`).join('\n')).toMatch(/PKCS#1 RSAPrivateKey in base64/);
    expect(hitsOf('out.txt', `prefixwithoutspace${der.toString('base64')}`).join('\n')).toMatch(/PKCS#1 RSAPrivateKey in base64/);
    const edDer = ed.privateKey.export({ type: 'pkcs8', format: 'der' });
    expect(hitsOf('tiny.txt', `"k": "${edDer.toString('base64')}"`).join('\n')).toMatch(/PKCS#8 PrivateKeyInfo \(Ed25519\)/);
  });

  it('finds a key hidden in a PowerShell -EncodedCommand (UTF-16LE base64 of a script that holds a PEM key)', () => {
    const pem = ec.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const script = `$k = @'\n${pem}'@\nSet-Content -Path C:\\temp\\k.pem -Value $k`;
    const encoded = Buffer.from(script, 'utf16le').toString('base64');
    const commands = JSON.stringify([{ file: 'powershell.exe', args: ['-NoProfile', '-EncodedCommand', encoded] }]);
    const hits = hitsOf('commands/commands.json', commands);
    expect(hits.join('\n')).toMatch(/commands\/commands\.json \(base64 UTF-16 at byte \d+-\d+\): PEM private key armour/);
  });

  it('names the armour it found, one line per hit', () => {
    const hits = hitsOf('fixes/x.ps1', `a\n${rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string}\nb\n-----BEGIN OPENSSH PRIVATE KEY-----\n`);
    expect(hits.some((h) => h.includes('"-----BEGIN RSA PRIVATE KEY-----"'))).toBe(true);
    expect(hits.some((h) => h.includes('"-----BEGIN OPENSSH PRIVATE KEY-----"'))).toBe(true);
    for (const h of hits) expect(h).not.toContain('\n');
  });
});

describe.skipIf(missing !== null)('key material scan: files made by openssl', () => {
  let s: ReturnType<typeof standardPki>;
  let c: Containers;
  beforeAll(() => {
    s = standardPki();
    c = new Containers(s.pki);
  });
  afterAll(() => fs.rmSync(s.pki.dir, { recursive: true, force: true }));

  it('finds PKCS#12 from `openssl pkcs12 -export` (with and without a password, DER, Windows BER, base64 in JSON)', () => {
    for (const password of ['secret', '']) {
      const pfx = new Uint8Array(fs.readFileSync(c.pfx(`client-${password || 'none'}.pfx`, s.client, password, [], [s.intermediate])));
      expect(hitsOf('a.pfx', pfx).join('\n')).toMatch(/a\.pfx: PKCS#12 PFX \(DER\) at byte 0/);
      expect(hitsOf('win.pfx', toWindowsBer(pfx)).join('\n')).toMatch(/PKCS#12 PFX \(DER\) at byte 0/);
      const json = JSON.stringify({ upload: { fileName: 'client.pfx', dataBase64: Buffer.from(pfx).toString('base64') } }, null, 2);
      expect(hitsOf('report.json', json).join('\n')).toMatch(/report\.json: PKCS#12 PFX in base64/);
    }
  });

  it('finds the keys openssl writes: genpkey PEM and DER, traditional RSA/EC/DSA PEM, encrypted PEM', () => {
    const rsaPem = fs.readFileSync(s.root.keyPath, 'latin1');
    expect(hitsOf('root.key', rsaPem).length).toBeGreaterThan(0);
    // OpenSSL 3 writes an EC key as SEC1 with -outform DER, and as PKCS#8 through pkcs8 -topk8.
    const der = c.run(['pkey', '-in', s.client.keyPath, '-outform', 'DER']);
    expect(hitsOf('client.der', new Uint8Array(der)).join('\n')).toMatch(/client\.der: SEC1 ECPrivateKey \(DER\) at byte 0/);
    const p8 = c.run(['pkcs8', '-topk8', '-nocrypt', '-in', s.client.keyPath, '-outform', 'DER']);
    expect(hitsOf('client.p8', new Uint8Array(p8)).join('\n')).toMatch(/client\.p8: PKCS#8 PrivateKeyInfo \(ECC\) \(DER\) at byte 0/);
    const traditional = c.run(['ec', '-in', s.client.keyPath, '-outform', 'PEM']).toString('latin1');
    expect(traditional).toContain('BEGIN EC PRIVATE KEY');
    expect(hitsOf('ec.pem', traditional).length).toBeGreaterThanOrEqual(2); // the armour and the SEC1 body
    const encrypted = c.run(['pkey', '-in', s.root.keyPath, '-aes256', '-passout', 'pass:pw']).toString('latin1');
    expect(hitsOf('enc.pem', encrypted).some((h) => h.includes('"-----BEGIN ENCRYPTED PRIVATE KEY-----"'))).toBe(true);
    expect(hitsOf('enc.pem', encrypted).some((h) => h.includes('PKCS#8 EncryptedPrivateKeyInfo in base64'))).toBe(true);
    const dsaParams = c.path('dsa.params');
    c.run(['genpkey', '-genparam', '-algorithm', 'DSA', '-pkeyopt', 'dsa_paramgen_bits:2048', '-out', dsaParams]);
    const dsaKey = c.run(['genpkey', '-paramfile', dsaParams]);
    const dsaTraditional = c.run(['dsa', '-outform', 'DER'], dsaKey);
    expect(hitsOf('dsa.der', new Uint8Array(dsaTraditional)).join('\n')).toMatch(/dsa\.der: DSA private key \(OpenSSL\) \(DER\) at byte 0/);
    expect(hitsOf('dsa.pem', c.run(['pkey', '-traditional'], dsaKey)).join('\n')).toMatch(/"-----BEGIN DSA PRIVATE KEY-----"/);
    expect(hitsOf('dsa8.pem', dsaKey).join('\n')).toMatch(/PKCS#8 PrivateKeyInfo \(DSA\) in base64/);
  });

  it('stays silent on certificates (PEM, DER, base64 in JSON), a P7B, public keys and CSRs', () => {
    const certs = [s.root, s.intermediate, s.client, s.serverOnly];
    for (const cert of certs) {
      expect(hitsOf('c.pem', cert.certPem)).toEqual([]);
      expect(hitsOf('c.der', new Uint8Array(fs.readFileSync(cert.derPath)))).toEqual([]);
    }
    const summaries = JSON.stringify(certs.map((x) => ({ derBase64: fs.readFileSync(x.derPath).toString('base64'), pem: x.certPem })), null, 2);
    expect(hitsOf('stores.json', summaries)).toEqual([]);
    expect(hitsOf('b.p7b', new Uint8Array(fs.readFileSync(c.p7b('b.p7b', certs, 'DER'))))).toEqual([]);
    const pub = c.run(['pkey', '-in', s.root.keyPath, '-pubout']).toString('latin1');
    expect(hitsOf('pub.pem', pub)).toEqual([]);
    expect(hitsOf('pub.der', c.spkiDer(s.client.keyPath))).toEqual([]);
    const csr = c.run(['req', '-new', '-key', s.client.keyPath, '-subj', '/CN=csr', '-outform', 'DER']);
    expect(hitsOf('req.der', new Uint8Array(csr))).toEqual([]);
  });
});

describe('key material scan: noise and speed', () => {
  it('finds nothing in 4 MB of deterministic random bytes, nor in their base64', () => {
    const bytes = noise(4 * 1024 * 1024);
    expect(hitsOf('random.bin', bytes)).toEqual([]);
    const b64 = Buffer.from(bytes.subarray(0, 1024 * 1024)).toString('base64').replace(/(.{76})/g, '$1\n');
    expect(hitsOf('random.txt', b64)).toEqual([]);
  });

  it('scans 8 MB of bundle-like JSON (certificates in base64, text, numbers) in well under a second per MB', () => {
    const cert = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const rows: string[] = [];
    let size = 0;
    for (let i = 0; size < 8 * 1024 * 1024; i++) {
      const row = JSON.stringify({ i, subject: `CN=client-${i},OU=Unit ${i % 50},O=Contoso`, notAfter: '2030-01-01T00:00:00.000Z', derBase64: cert.repeat(8), path: `/srv/certs/${i}.pem` });
      rows.push(row);
      size += row.length;
    }
    const text = `[${rows.join(',\n')}]`;
    const started = performance.now();
    expect(hitsOf('stores.json', text)).toEqual([]);
    const ms = performance.now() - started;
    expect(ms).toBeLessThan(4000);
  });
});

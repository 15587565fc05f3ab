import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import fs from 'node:fs';
import { createHash } from 'node:crypto';
import { CertbenchError } from '../../shared/errors';
import { readContainer, certificateSpkiDer, formatKeyLine, LIMITS, type ContainerResult } from '../../shared/cert/containers';
import { readCertificateFile } from '../../shared/cert/reader';
import { inspectFiles } from '../../shared/cert/inspect';
import { KeySummarySchema } from '../../shared/model/key';
import { WorkBudget } from '../../shared/cert/containers/fault';
import { encode, encodeOid, seq } from '../../shared/asn1/encode';
import { requireOpenssl, standardPki, type Issued } from '../helpers/openssl-pki';
import { Containers, replaceIntegers, requireLegacyProvider, toWindowsBer } from '../helpers/openssl-containers';

const missing = requireOpenssl();
if (missing && process.env.CI === 'true') throw new Error(missing);
const noLegacy = missing ?? requireLegacyProvider();
if (noLegacy && process.env.CI === 'true') throw new Error(noLegacy);
const MAX = 16 * 1024 * 1024;
const now = new Date();

const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex').toUpperCase();

/** Read, expecting success. */
function read(name: string, bytes: Uint8Array | string, password?: string): Promise<ContainerResult> {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  return readContainer(name, data, { maxBytes: MAX, password });
}

/** Read, expecting a CertbenchError; returns it. */
async function failure(name: string, bytes: Uint8Array | string, password?: string): Promise<CertbenchError> {
  try {
    await read(name, bytes, password);
  } catch (err) {
    expect(err).toBeInstanceOf(CertbenchError);
    expect((err as Error).message).not.toContain('\n');
    return err as CertbenchError;
  }
  throw new Error(`${name}: expected an error`);
}

describe.skipIf(missing !== null)('containers made by openssl', () => {
  let s: ReturnType<typeof standardPki>;
  let c: Containers;
  let rsaClient: Issued;
  let stranger: Issued;
  const thumbs = (r: ContainerResult) => r.certificates.map((d) => createHash('sha1').update(d).digest('hex').toUpperCase());

  beforeAll(() => {
    s = standardPki();
    c = new Containers(s.pki);
    rsaClient = s.pki.issue('rsa-client', {
      subject: '/CN=bob',
      issuer: s.intermediate,
      extensions: ['extendedKeyUsage = clientAuth'],
      keyAlgorithm: 'rsa2048',
    });
    stranger = s.pki.issue('stranger', { subject: '/CN=stranger' });
  });
  afterAll(() => s.pki.cleanup());

  describe('PKCS#12 / PFX', () => {
    it("reads OpenSSL 3's default PFX (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC, SHA-256 MAC) with its chain", async () => {
      const file = c.pfx('alice.pfx', s.client, 'secret', [], [s.intermediate, s.root]);
      const info = c.pfxInfo(file, 'secret');
      expect(info).toContain('MAC: sha256');
      expect(info).toMatch(/PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256/);

      const r = await read('alice.pfx', c.read('alice.pfx'), 'secret');
      expect(r.format).toBe('pkcs12');
      expect(thumbs(r).sort()).toEqual([c.sha1(s.client), c.sha1(s.intermediate), c.sha1(s.root)].sort());
      expect(r.keys).toEqual([
        {
          algorithm: 'ECC',
          bits: 256,
          curve: 'P-256',
          encrypted: true,
          format: 'pkcs12',
          encryption: 'PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC, 2,048 iterations)',
          publicKeySha256: sha256Hex(c.spkiDer(s.client.keyPath)),
          matchesCertificate: c.sha1(s.client),
          note: null,
        },
      ]);
    });

    it.skipIf(noLegacy !== null)('reads a legacy PFX (openssl -legacy: RC2-40 certificates, 3DES key, SHA-1 MAC), as older Windows exports', async () => {
      const file = c.pfx('legacy.pfx', rsaClient, 'secret', ['-legacy'], [s.intermediate]);
      const info = c.pfxInfo(file, 'secret', true);
      expect(info).toContain('MAC: sha1');
      expect(info).toContain('pbeWithSHA1And40BitRC2-CBC');
      expect(info).toContain('pbeWithSHA1And3-KeyTripleDES-CBC');

      const r = await read('legacy.pfx', c.read('legacy.pfx'), 'secret');
      expect(thumbs(r).sort()).toEqual([c.sha1(rsaClient), c.sha1(s.intermediate)].sort());
      expect(r.keys).toMatchObject([
        {
          algorithm: 'RSA',
          bits: 2048,
          encryption: 'pbeWithSHAAnd3-KeyTripleDES-CBC (2,048 iterations)',
          publicKeySha256: sha256Hex(c.spkiDer(rsaClient.keyPath)),
          matchesCertificate: c.sha1(rsaClient),
        },
      ]);
    });

    it('reads a 3DES PFX made without -legacy (-certpbe/-keypbe PBE-SHA1-3DES -macalg sha1)', async () => {
      const file = c.pfx('3des.pfx', rsaClient, 'secret', ['-certpbe', 'PBE-SHA1-3DES', '-keypbe', 'PBE-SHA1-3DES', '-macalg', 'sha1']);
      expect(c.pfxInfo(file, 'secret')).toMatch(/PKCS7 Encrypted data: pbeWithSHA1And3-KeyTripleDES-CBC/);
      const r = await read('3des.pfx', c.read('3des.pfx'), 'secret');
      expect(thumbs(r)).toEqual([c.sha1(rsaClient)]);
      expect(r.keys[0]).toMatchObject({ algorithm: 'RSA', bits: 2048, matchesCertificate: c.sha1(rsaClient) });
    });

    it.skipIf(noLegacy !== null)('reads a PFX whose certificates AND key are RC2-40 (pbeWithSHAAnd40BitRC2-CBC)', async () => {
      const file = c.pfx('rc2.pfx', s.client, 'secret', ['-legacy', '-certpbe', 'PBE-SHA1-RC2-40', '-keypbe', 'PBE-SHA1-RC2-40', '-macalg', 'sha1']);
      const info = c.pfxInfo(file, 'secret', true);
      expect(info.match(/pbeWithSHA1And40BitRC2-CBC/g)?.length).toBe(2);
      const r = await read('rc2.pfx', c.read('rc2.pfx'), 'secret');
      expect(thumbs(r)).toEqual([c.sha1(s.client)]);
      expect(r.keys[0]).toMatchObject({
        algorithm: 'ECC',
        encryption: 'pbeWithSHAAnd40BitRC2-CBC (2,048 iterations)',
        matchesCertificate: c.sha1(s.client),
      });
    });

    it('reads a PFX with an empty password, with no password given or "" given', async () => {
      c.pfx('empty.pfx', s.client, '');
      for (const pw of [undefined, '']) {
        const r = await read('empty.pfx', c.read('empty.pfx'), pw);
        expect(thumbs(r)).toEqual([c.sha1(s.client)]);
        expect(r.keys[0]?.matchesCertificate).toBe(c.sha1(s.client));
      }
    });

    it('reads a PFX with no password at all (no encryption, no MAC)', async () => {
      const file = c.pfx('open.pfx', s.client, '', ['-keypbe', 'NONE', '-certpbe', 'NONE', '-nomac']);
      expect(c.pfxInfo(file, '')).toContain('MAC is absent');
      const r = await read('open.pfx', c.read('open.pfx'));
      expect(thumbs(r)).toEqual([c.sha1(s.client)]);
      expect(r.keys[0]).toMatchObject({ encrypted: false, encryption: null, matchesCertificate: c.sha1(s.client) });
    });

    it('accepts a password typed for a PFX that has none', async () => {
      c.pfx('empty2.pfx', s.client, '');
      expect(thumbs(await read('empty2.pfx', c.read('empty2.pfx'), 'not-needed'))).toEqual([c.sha1(s.client)]);
    });

    it('reads a PFX without MAC (certificates plain, key encrypted), and tells a wrong password from garbage', async () => {
      const file = c.pfx('nomac.pfx', s.client, 'secret', ['-nomac']);
      expect(c.pfxInfo(file, 'secret')).toMatch(/MAC is absent[\s\S]*Shrouded Keybag: PBES2/);
      expect(thumbs(await read('nomac.pfx', c.read('nomac.pfx'), 'secret'))).toEqual([c.sha1(s.client)]);
      const e = await failure('nomac.pfx', c.read('nomac.pfx'), 'wrong');
      expect(e.code).toBe('wrong-password');
      expect(e.message).toBe(
        'nomac.pfx: wrong password (could not decrypt the private key: PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC, 2,048 iterations))',
      );
      expect((await failure('nomac.pfx', c.read('nomac.pfx'))).message).toBe('nomac.pfx: is password-protected (PKCS#12); give its password');
    });

    it('reads a non-ASCII password the way OpenSSL writes it (BMPString for the MAC, UTF-8 for PBKDF2)', async () => {
      c.pfx('umlaut.pfx', s.client, 'pässwörd€');
      expect(thumbs(await read('umlaut.pfx', c.read('umlaut.pfx'), 'pässwörd€'))).toEqual([c.sha1(s.client)]);
      expect((await failure('umlaut.pfx', c.read('umlaut.pfx'), 'passwort')).code).toBe('wrong-password');
    });

    it.skipIf(noLegacy !== null)('reads a PFX re-encoded in BER the way Windows writes it (indefinite lengths, chunked OCTET STRING)', async () => {
      c.pfx('win.pfx', rsaClient, 'secret', ['-legacy']);
      const ber = toWindowsBer(c.read('win.pfx'));
      expect(ber[1]).toBe(0x80);
      const r = await read('win.pfx', ber, 'secret');
      expect(thumbs(r)).toEqual([c.sha1(rsaClient)]);
      expect(r.keys[0]?.matchesCertificate).toBe(c.sha1(rsaClient));
    });

    it('says "wrong password" in one line naming the file', async () => {
      c.pfx('alice-wrong.pfx', s.client, 'secret');
      const e = await failure('alice.pfx', c.read('alice-wrong.pfx'), 'Secret');
      expect(e.message).toBe('alice.pfx: wrong password (the PKCS#12 integrity check failed)');
      expect(e.code).toBe('wrong-password');
    });

    it('says the PFX needs a password when none was given', async () => {
      c.pfx('alice-pw.pfx', s.client, 'secret');
      const e = await failure('alice.pfx', c.read('alice-pw.pfx'));
      expect(e.message).toBe('alice.pfx: is password-protected (PKCS#12); give its password');
      expect(e.code).toBe('password-required');
    });

    it('says a truncated PFX is truncated, in one line', async () => {
      c.pfx('cut.pfx', s.client, 'secret');
      const whole = c.read('cut.pfx');
      const e = await failure('alice.pfx', whole.subarray(0, 1000), 'secret');
      expect(e.message).toBe(`alice.pfx: truncated PKCS#12: the file has 1,000 of the ${whole.length.toLocaleString('en-US')} bytes it declares`);
    });

    // 5,000,000 was allowed before the JavaScript budget was cut: about 10 seconds of a blocked process.
    for (const [iterations, text] of [[2_000_000_000, '2,000,000,000'], [5_000_000, '5,000,000']] as const) {
      it(`refuses a hostile MAC iteration count (${text}) at once, before doing the work`, async () => {
        c.pfx('hostile.pfx', s.client, 'secret');
        const hostile = replaceIntegers(c.read('hostile.pfx'), 2048, iterations);
        const started = performance.now();
        const e = await failure('hostile.pfx', hostile, 'secret');
        expect(performance.now() - started).toBeLessThan(5000); // the refused work would take 10 s or more; loose for loaded CI
        expect(e.code).toBe('too-large');
        expect(e.message).toBe(
          `hostile.pfx: refused: the PKCS#12 asks for ${text} key-derivation iterations; Certbench allows at most 1,000,000 (a hostile file could hang the app)`,
        );
      });
    }

    it('runs PBKDF2 on WebCrypto: opens a PFX with more iterations than JavaScript may run, which it refuses quickly without WebCrypto', async () => {
      c.pfx('iter.pfx', s.client, 'secret', ['-iter', '1500000', '-nomaciter']);
      expect(thumbs(await read('iter.pfx', c.read('iter.pfx'), 'secret'))).toEqual([c.sha1(s.client)]);
      vi.stubGlobal('crypto', undefined);
      try {
        const started = performance.now();
        const e = await failure('iter.pfx', c.read('iter.pfx'), 'secret');
        expect(performance.now() - started).toBeLessThan(5000); // the refused work would take 10 s or more; loose for loaded CI
        expect(e.code).toBe('too-large');
        expect(e.message).toBe(
          'iter.pfx: refused: the PKCS#12 asks for 1,500,000 key-derivation iterations; Certbench allows at most 1,000,000 (a hostile file could hang the app)',
        );
      } finally {
        vi.unstubAllGlobals();
      }
    });

    it('refuses a hostile PBKDF2 iteration count in a PFX without MAC', async () => {
      c.pfx('hostile-nomac.pfx', s.client, 'secret', ['-nomac']);
      const hostile = replaceIntegers(c.read('hostile-nomac.pfx'), 2048, 10_000_001);
      const started = performance.now();
      const e = await failure('hostile.pfx', hostile, 'secret');
      expect(performance.now() - started).toBeLessThan(5000); // the refused work would take 10 s or more; loose for loaded CI
      expect(e.message).toMatch(/^hostile\.pfx: refused: the PKCS#12 asks for 10,000,001 key-derivation iterations/);
    });

    it('keeps readCertificateFile working: certificates of a PFX without password, keys ignored', async () => {
      c.pfx('plain.pfx', s.client, '');
      const r = await readCertificateFile('plain.pfx', c.read('plain.pfx'), MAX);
      expect(r.format).toBe('pkcs12');
      expect(r.certificates).toHaveLength(1);
      await expect(readCertificateFile('k.pem', new Uint8Array(fs.readFileSync(s.client.keyPath)), MAX)).rejects.toThrow(
        'k.pem: holds a private key but no certificate',
      );
    });
  });

  describe('PKCS#7 / P7B', () => {
    it('reads a DER .p7b (as Windows exports "PKCS #7 Certificates") byte for byte', async () => {
      c.p7b('chain.p7b', [s.client, s.intermediate, s.root], 'DER');
      const r = await read('chain.p7b', c.read('chain.p7b'));
      expect(r.format).toBe('pkcs7');
      expect(thumbs(r).sort()).toEqual([c.sha1(s.client), c.sha1(s.intermediate), c.sha1(s.root)].sort());
      expect(r.certificates.map((d) => Buffer.from(d).toString('base64')).sort()).toEqual(
        [s.client, s.intermediate, s.root].map((i) => fs.readFileSync(i.derPath).toString('base64')).sort(),
      );
      expect(r.keys).toEqual([]);
    });

    it('reads a PEM .p7b ("-----BEGIN PKCS7-----") with CRLF line ends and junk around it', async () => {
      c.p7b('chain-pem.p7b', [s.client, s.intermediate], 'PEM');
      const text = `Exported by a helpdesk script\r\n${fs.readFileSync(c.path('chain-pem.p7b'), 'utf8').replace(/\n/g, '\r\n')}trailing notes\r\n`;
      expect(text).toContain('-----BEGIN PKCS7-----');
      const r = await read('chain.p7b', text);
      expect(r.format).toBe('pkcs7');
      expect(thumbs(r).sort()).toEqual([c.sha1(s.client), c.sha1(s.intermediate)].sort());
    });

    it('reads a PKCS#7 under a CERTIFICATE label (certutil -encode of a .p7b) and as bare base64', async () => {
      c.p7b('chain2.p7b', [s.client, s.root], 'DER');
      const b64 = Buffer.from(c.read('chain2.p7b')).toString('base64');
      const armoured = `-----BEGIN CERTIFICATE-----\r\n${b64.replace(/.{64}/g, '$&\r\n')}\r\n-----END CERTIFICATE-----\r\n`;
      expect(thumbs(await read('chain.cer', armoured)).sort()).toEqual([c.sha1(s.client), c.sha1(s.root)].sort());
      const bare = await read('chain.txt', b64.replace(/.{76}/g, '$&\n'));
      expect(bare.format).toBe('pkcs7');
      expect(bare.certificates).toHaveLength(2);
    });

    it('says an empty P7B holds no certificates, and a truncated one is truncated', async () => {
      const whole = (c.p7b('one.p7b', [s.client], 'DER'), c.read('one.p7b'));
      expect((await failure('one.p7b', whole.subarray(0, 300))).message).toMatch(/^one\.p7b: truncated PKCS#7: the file has 300 of the [\d,]+ bytes it declares$/);
      c.run(['crl2pkcs7', '-nocrl', '-outform', 'DER', '-out', c.path('empty.p7b')]);
      expect((await failure('empty.p7b', c.read('empty.p7b'))).message).toBe('empty.p7b: holds a PKCS#7 bundle with no certificates');
    });
  });

  describe('base64 without armour, PEM variants', () => {
    it('reads a .cer saved as bare base64 text (CRLF, 64-char lines)', async () => {
      const b64 = fs.readFileSync(s.client.derPath).toString('base64').replace(/.{64}/g, '$&\r\n');
      const r = await read('client.cer', b64);
      expect(r.format).toBe('base64');
      expect(thumbs(r)).toEqual([c.sha1(s.client)]);
    });

    it('reads a PEM saved by Notepad as UTF-16 ("Unicode") with a byte-order mark', async () => {
      const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s.client.certPem.replace(/\n/g, '\r\n'), 'utf16le')]);
      const r = await read('client.pem', new Uint8Array(utf16));
      expect(r.format).toBe('pem');
      expect(thumbs(r)).toEqual([c.sha1(s.client)]);
    });

    it('reads certificate and key in one PEM and matches them', async () => {
      const r = await read('both.pem', `${rsaClient.certPem}${fs.readFileSync(rsaClient.keyPath, 'utf8')}`);
      expect(r.format).toBe('pem');
      expect(r.keys[0]).toMatchObject({ algorithm: 'RSA', bits: 2048, format: 'pkcs8', matchesCertificate: c.sha1(rsaClient) });
    });
  });

  describe('private keys', () => {
    const keyCases: [string, () => [string[], KeyExpect]][] = [];
    type KeyExpect = { algorithm: string; bits: number; curve: string | null; format: string };
    // Each case: openssl arguments writing key file `out` from the issued key, and what must be reported.
    keyCases.push(
      ['PKCS#8 RSA (PRIVATE KEY)', () => [['pkey', '-in', 'rsa-client.key', '-out', 'k.p8.pem'], { algorithm: 'RSA', bits: 2048, curve: null, format: 'pkcs8' }]],
      ['PKCS#1 RSA (RSA PRIVATE KEY)', () => [['pkey', '-in', 'rsa-client.key', '-traditional', '-out', 'k.p1.pem'], { algorithm: 'RSA', bits: 2048, curve: null, format: 'pkcs1' }]],
      ['SEC1 EC (EC PRIVATE KEY)', () => [['pkey', '-in', 'client.key', '-traditional', '-out', 'k.sec1.pem'], { algorithm: 'ECC', bits: 256, curve: 'P-256', format: 'sec1' }]],
      // (OpenSSL 3.0's `pkey -outform DER` writes SEC1 for EC keys; `pkcs8 -topk8 -nocrypt` writes PKCS#8.)
      ['DER PKCS#8 EC', () => [['pkcs8', '-topk8', '-nocrypt', '-in', 'client.key', '-outform', 'DER', '-out', 'k.p8.der'], { algorithm: 'ECC', bits: 256, curve: 'P-256', format: 'pkcs8' }]],
      ['DER PKCS#1 RSA', () => [['pkey', '-in', 'rsa-client.key', '-traditional', '-outform', 'DER', '-out', 'k.p1.der'], { algorithm: 'RSA', bits: 2048, curve: null, format: 'pkcs1' }]],
      ['DER SEC1 EC', () => [['pkey', '-in', 'client.key', '-traditional', '-outform', 'DER', '-out', 'k.sec1.der'], { algorithm: 'ECC', bits: 256, curve: 'P-256', format: 'sec1' }]],
    );
    for (const [title, make] of keyCases) {
      it(`${title}: algorithm, size, and the public key openssl derives`, async () => {
        const [args, expected] = make();
        c.run(args);
        const out = args[args.length - 1]!;
        const isRsa = expected.algorithm === 'RSA';
        const issued = isRsa ? rsaClient : s.client;
        const r = await read(out, c.read(out));
        expect(r.format).toBe('key');
        expect(r.certificates).toEqual([]);
        expect(r.keys).toHaveLength(1);
        expect(r.keys[0]).toMatchObject({ ...expected, encrypted: false, encryption: null, note: null });
        expect(r.keys[0]!.publicKeySha256).toBe(sha256Hex(c.spkiDer(c.path(out))));
        expect(r.keys[0]!.publicKeySha256).toBe(sha256Hex(certificateSpkiDer(new Uint8Array(fs.readFileSync(issued.derPath)))));
      });
    }

    it('reports an encrypted PKCS#8 key as encrypted, with its algorithm, without a password', async () => {
      c.run(['pkcs8', '-topk8', '-in', rsaClient.keyPath, '-v2', 'aes-256-cbc', '-passout', 'pass:keypw', '-out', 'enc.pem']);
      const r = await read('enc.pem', c.read('enc.pem'));
      expect(r.format).toBe('key');
      expect(r.keys).toEqual([
        {
          algorithm: null,
          bits: null,
          curve: null,
          encrypted: true,
          format: 'pkcs8-encrypted',
          encryption: 'PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC, 2,048 iterations)',
          publicKeySha256: null,
          matchesCertificate: null,
          note: 'encrypted: give its password to match it to a certificate',
        },
      ]);
      expect(formatKeyLine(r.keys[0]!)).toBe(
        'Private key: encrypted key, encrypted PKCS#8, encrypted with PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC, 2,048 iterations), encrypted: give its password to match it to a certificate',
      );
    });

    it('decrypts an encrypted PKCS#8 key when given its password, and says "wrong password" otherwise', async () => {
      c.run(['pkcs8', '-topk8', '-in', rsaClient.keyPath, '-v2', 'aes-256-cbc', '-passout', 'pass:keypw', '-out', 'enc2.pem']);
      const r = await read('enc2.pem', c.read('enc2.pem'), 'keypw');
      expect(r.keys[0]).toMatchObject({ algorithm: 'RSA', bits: 2048, encrypted: true, publicKeySha256: sha256Hex(c.spkiDer(rsaClient.keyPath)) });
      const e = await failure('enc2.pem', c.read('enc2.pem'), 'nope');
      expect(e.message).toBe('enc2.pem: wrong password (could not decrypt the encrypted private key)');
      expect(e.code).toBe('wrong-password');
    });

    it('reads PKCS#8 keys encrypted with PKCS#12 3DES (-v1 PBE-SHA1-3DES), in DER too', async () => {
      c.run(['pkcs8', '-topk8', '-in', s.client.keyPath, '-v1', 'PBE-SHA1-3DES', '-passout', 'pass:pw', '-outform', 'DER', '-out', 'enc3.der']);
      expect((await read('enc3.der', c.read('enc3.der'))).keys[0]).toMatchObject({ encrypted: true, encryption: 'pbeWithSHAAnd3-KeyTripleDES-CBC (2,048 iterations)' });
      expect((await read('enc3.der', c.read('enc3.der'), 'pw')).keys[0]).toMatchObject({ algorithm: 'ECC', curve: 'P-256', publicKeySha256: sha256Hex(c.spkiDer(s.client.keyPath)) });
    });

    const encryptedVariants: [string[], string][] = [
      [['-v2', 'des3', '-v2prf', 'hmacWithSHA1'], 'PBES2 (PBKDF2-HMAC-SHA1, DES-EDE3-CBC, 2,048 iterations)'],
      [['-v2', 'aes-128-cbc', '-v2prf', 'hmacWithSHA512'], 'PBES2 (PBKDF2-HMAC-SHA512, AES-128-CBC, 2,048 iterations)'],
      [['-provider', 'legacy', '-provider', 'default', '-v1', 'PBE-SHA1-RC2-40'], 'pbeWithSHAAnd40BitRC2-CBC (2,048 iterations)'],
      [['-provider', 'legacy', '-provider', 'default', '-v1', 'PBE-MD5-DES'], 'pbeWithMD5AndDES-CBC (2,048 iterations)'],
      [['-provider', 'legacy', '-provider', 'default', '-v1', 'PBE-SHA1-RC2-64'], 'pbeWithSHA1AndRC2-CBC (2,048 iterations)'],
    ];
    for (const [options, description] of encryptedVariants) {
      it.skipIf(options.includes('legacy') && noLegacy !== null)(`decrypts PKCS#8 keys encrypted with ${description}`, async () => {
        const out = `v-${description.replace(/[^A-Za-z0-9]+/g, '-')}.pem`;
        c.run(['pkcs8', '-topk8', '-in', rsaClient.keyPath, ...options, '-passout', 'pass:pw', '-out', out]);
        expect((await read(out, c.read(out))).keys[0]).toMatchObject({ encrypted: true, encryption: description, publicKeySha256: null });
        expect((await read(out, c.read(out), 'pw')).keys[0]).toMatchObject({ algorithm: 'RSA', encryption: description, publicKeySha256: sha256Hex(c.spkiDer(rsaClient.keyPath)) });
      });
    }

    it('reads legacy OpenSSL PEM encryption (Proc-Type/DEK-Info)', async () => {
      c.run(['pkey', '-in', rsaClient.keyPath, '-traditional', '-aes256', '-passout', 'pass:old', '-out', 'legacy-enc.pem']);
      expect((await read('l.pem', c.read('legacy-enc.pem'))).keys[0]).toMatchObject({ format: 'pkcs1', encrypted: true, encryption: 'legacy OpenSSL PEM encryption (AES-256-CBC)' });
      expect((await read('l.pem', c.read('legacy-enc.pem'), 'old')).keys[0]).toMatchObject({ algorithm: 'RSA', bits: 2048, publicKeySha256: sha256Hex(c.spkiDer(rsaClient.keyPath)) });
      expect((await failure('l.pem', c.read('legacy-enc.pem'), 'x')).code).toBe('wrong-password');
    });

    it('derives the public key of an Ed25519 key (PKCS#8 v1 carries none) and matches its certificate', async () => {
      c.run(['genpkey', '-algorithm', 'ED25519', '-out', 'ed.key']);
      c.run(['req', '-x509', '-key', 'ed.key', '-subj', '/CN=ed', '-days', '5', '-out', 'ed.pem']);
      const r = await read('ed.pem+key', `${fs.readFileSync(c.path('ed.pem'), 'utf8')}${fs.readFileSync(c.path('ed.key'), 'utf8')}`);
      const certSha1 = createHash('sha1').update(r.certificates[0]!).digest('hex').toUpperCase();
      expect(r.keys[0]).toMatchObject({ algorithm: 'Ed25519', bits: 256, publicKeySha256: sha256Hex(c.spkiDer(c.path('ed.key'))), matchesCertificate: certSha1 });
    });

    it('derives the public point of an EC key saved without it (openssl ec -no_public)', async () => {
      c.run(['ec', '-in', s.client.keyPath, '-no_public', '-out', 'nopub.pem']);
      const r = await read('nopub.pem', c.read('nopub.pem'));
      expect(r.keys[0]).toMatchObject({ algorithm: 'ECC', format: 'sec1', publicKeySha256: sha256Hex(c.spkiDer(s.client.keyPath)) });
    });

    it('reports P-384 keys with their curve', async () => {
      const p384 = s.pki.issue('p384', { subject: '/CN=p384', keyAlgorithm: 'ec384' });
      const r = await read('p384.pem', `${p384.certPem}${fs.readFileSync(p384.keyPath, 'utf8')}`);
      expect(r.keys[0]).toMatchObject({ algorithm: 'ECC', bits: 384, curve: 'P-384', matchesCertificate: c.sha1(p384) });
    });

    it('says when a key matches none of the certificates given', async () => {
      const r = await read('mixed.pem', `${s.client.certPem}${fs.readFileSync(stranger.keyPath, 'utf8')}`);
      expect(r.keys[0]).toMatchObject({ matchesCertificate: null, publicKeySha256: sha256Hex(c.spkiDer(stranger.keyPath)) });
      expect(formatKeyLine(r.keys[0]!)).toBe('Private key: ECC 256 bits (P-256), PKCS#8, matches none of the certificates given');
    });

    it('matches keys to certificates across the files of one request (cert.pem + key.pem)', async () => {
      const files = [
        { name: 'key.pem', bytes: new Uint8Array(fs.readFileSync(rsaClient.keyPath)) },
        { name: 'cert.pem', bytes: new Uint8Array(fs.readFileSync(rsaClient.pemPath)) },
        { name: 'other.key', bytes: new Uint8Array(fs.readFileSync(stranger.keyPath)) },
      ];
      const [key, cert, other] = await inspectFiles(files, now, MAX);
      expect(cert!.certificates[0]!.thumbprintSha1).toBe(c.sha1(rsaClient));
      expect(key!.keys[0]!.matchesCertificate).toBe(c.sha1(rsaClient));
      expect(formatKeyLine(key!.keys[0]!)).toBe(`Private key: RSA 2048 bits, PKCS#8, matches certificate ${c.sha1(rsaClient)}`);
      expect(other!.keys[0]!.matchesCertificate).toBeNull();
    });

    it('never returns key material: only the KeySummary fields, nothing that holds the private key', async () => {
      c.pfx('material.pfx', rsaClient, 'secret');
      const der = c.run(['pkey', '-in', rsaClient.keyPath, '-outform', 'DER']);
      const results = [await read('material.pfx', c.read('material.pfx'), 'secret'), await read('k.der', new Uint8Array(der))];
      const privateExponent = c.run(['rsa', '-in', rsaClient.keyPath, '-noout', '-text']).toString();
      const firstPrime = /prime1:\s*([0-9a-f:\s]+)/.exec(privateExponent)?.[1]?.replace(/[\s:]/g, '').slice(2, 40) ?? 'x';
      for (const r of results) {
        for (const k of r.keys) expect(KeySummarySchema.strict().parse(k)).toEqual(k);
        const json = JSON.stringify(r.keys);
        expect(json).not.toContain(Buffer.from(der).toString('base64').slice(40, 80));
        expect(json.toLowerCase()).not.toContain(firstPrime);
      }
    });
  });

  describe('bounds', () => {
    it(`refuses more than ${LIMITS.maxItems.toLocaleString('en-US')} PEM blocks in one line`, async () => {
      const text = s.root.certPem.repeat(LIMITS.maxItems + 1);
      const e = await failure('many.pem', text);
      expect(e.code).toBe('too-large');
      expect(e.message).toBe('many.pem: holds more than 10,000 PEM blocks; Certbench reads at most that many per file');
    });
  });

  describe('hostile text', () => {
    it('answers quickly for 16 MB of PEM BEGIN lines without END (no quadratic scan)', async () => {
      const text = '-----BEGIN CERTIFICATE-----\nAAAA\n'.repeat(Math.floor((MAX - 100) / 33));
      const started = performance.now();
      expect((await failure('begins.pem', text)).message).toBe('begins.pem: PEM certificate has no END line (truncated file)');
      // A quadratic scan of these 500,000 BEGIN lines takes hours; the bound is loose so a loaded
      // CI machine never flakes, and still fails long before a hang would be noticed.
      expect(performance.now() - started).toBeLessThan(30_000);
    });
  });

  describe('bounds on PKCS#12 contents', () => {
    // A PFX without MAC or encryption holding `n` secret bags, built by hand (openssl cannot).
    const pfxWithBags = (n: number) => {
      const bag = seq(encodeOid('1.2.840.113549.1.12.10.1.5'), encode(0xa0, seq(encodeOid('1.2.3.4'), encode(0xa0, encode(0x04, Uint8Array.of(1))))));
      const safeContents = seq(...Array.from({ length: n }, () => bag));
      const data = (inner: Uint8Array) => seq(encodeOid('1.2.840.113549.1.7.1'), encode(0xa0, encode(0x04, inner)));
      return seq(encode(0x02, Uint8Array.of(3)), data(seq(data(safeContents))));
    };

    it('refuses more than 10,000 bags in one line, and reads an empty PFX as empty', async () => {
      const e = await failure('bags.pfx', pfxWithBags(LIMITS.maxItems + 1));
      expect(e.code).toBe('too-large');
      expect(e.message).toBe('bags.pfx: holds more than 10,000 PKCS#12 bags; Certbench reads at most that many per file');
      expect((await failure('few.pfx', pfxWithBags(3))).message).toBe('few.pfx: holds an empty PKCS#12 (no certificates, no keys)');
    });
  });

  describe('work budget', () => {
    it('charges iterations times hash blocks and refuses past the total, in one line', () => {
      const budget = new WorkBudget('PKCS#12', 100, 250);
      budget.spend(100);
      budget.spend(50, 2);
      expect(budget.canSpend(100)).toBe(false);
      expect(() => budget.spend(100)).toThrow('refused: the PKCS#12 needs more than 250 key-derivation rounds in all (a hostile file could hang the app)');
      expect(() => budget.spend(101)).toThrow('refused: the PKCS#12 asks for 101 key-derivation iterations; Certbench allows at most 100');
      expect(() => budget.spend(0)).toThrow('the PKCS#12 asks for 0 key-derivation iterations (damaged file?)');
      expect(LIMITS.maxIterations).toBe(1_000_000);
      expect(LIMITS.maxTotalIterations).toBe(1_000_000);
    });

    it('counts native (WebCrypto) PBKDF2 apart from JavaScript work, with its own limits', () => {
      const budget = new WorkBudget('PKCS#12', 100, 250, 1000, 2500);
      budget.spendNative(1000, 2);
      expect(budget.canSpend(250)).toBe(true);
      expect(() => budget.spendNative(1001)).toThrow('refused: the PKCS#12 asks for 1,001 key-derivation iterations; Certbench allows at most 1,000');
      expect(() => budget.spendNative(501)).toThrow('refused: the PKCS#12 needs more than 2,500 key-derivation rounds in all (a hostile file could hang the app)');
      expect(LIMITS.maxNativeIterations).toBe(10_000_000);
      expect(LIMITS.maxNativeTotalIterations).toBe(20_000_000);
    });
  });

  describe('robustness: mutated PFX and P7B bytes', () => {
    const mutants = (name: string, make: () => Uint8Array, password?: string) =>
      it(`${name}: never throws anything but a one-line CertbenchError, and never returns an empty success`, async () => {
        const original = make();
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.tuple(fc.nat(original.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
            fc.nat(original.length),
            fc.boolean(),
            async (flips, cut, doCut) => {
              const bytes = new Uint8Array(original);
              for (const [i, v] of flips) bytes[i] = v;
              const input = doCut ? bytes.subarray(0, cut) : bytes;
              try {
                const r = await readContainer(name, input, { maxBytes: MAX, password });
                expect(r.certificates.length + r.keys.length).toBeGreaterThan(0);
              } catch (err) {
                expect(err).toBeInstanceOf(CertbenchError);
                expect((err as Error).message).toMatch(new RegExp(`^${name.replace('.', '\\.')}: [^\\n]+$`));
              }
            },
          ),
          { numRuns: 300 },
        );
      });
    mutants('m.pfx', () => (c.pfx('m.pfx', s.client, 'secret'), c.read('m.pfx')), 'secret');
    mutants('n.pfx', () => (c.pfx('n.pfx', s.client, '', ['-keypbe', 'NONE', '-certpbe', 'NONE', '-nomac']), c.read('n.pfx')));
    if (noLegacy === null) mutants('l.pfx', () => (c.pfx('l.pfx', rsaClient, 'secret', ['-legacy', '-nomac']), c.read('l.pfx')), 'secret');
    mutants('m.p7b', () => (c.p7b('m.p7b', [s.client, s.intermediate], 'DER'), c.read('m.p7b')));
  });
});

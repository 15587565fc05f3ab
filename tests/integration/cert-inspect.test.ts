import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { inspectFileBytes } from '../../shared/cert/inspect';
import { formatCertificateText } from '../../shared/cert/format-text';
import { OpensslPki, requireOpenssl, standardPki } from '../helpers/openssl-pki';

const missing = requireOpenssl();
if (missing && process.env.CI === 'true') throw new Error(missing);
const MAX = 16 * 1024 * 1024;
const now = new Date();

describe.skipIf(missing !== null)('inspecting certificate files made by openssl', () => {
  let s: ReturnType<typeof standardPki>;
  beforeAll(() => {
    s = standardPki();
  });
  afterAll(() => s.pki.cleanup());

  const inspect = (name: string, bytes: Uint8Array | string) =>
    inspectFileBytes(name, typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes, now, MAX);
  const file = (p: string) => new Uint8Array(fs.readFileSync(p));

  it('shows the same subject, issuer, serial and fingerprints as openssl for a client certificate', async () => {
    const facts = s.pki.facts(s.client.pemPath);
    const r = await inspect('client.pem', file(s.client.pemPath));
    expect(r.error).toBeNull();
    expect(r.format).toBe('pem');
    const c = r.certificates[0]!;
    expect(c.subject.rfc4514).toBe(facts.subject);
    expect(c.issuer.rfc4514).toBe(facts.issuer);
    expect(c.serialNumber).toBe(facts.serial);
    expect(c.thumbprintSha1).toBe(facts.sha1);
    expect(c.fingerprintSha256).toBe(facts.sha256);
    expect(c.subject.commonName).toBe('alice');
    expect(c.subject.windows).toBe('CN=alice, OU=Helpdesk, O="Contoso, Ltd", C=US');
  });

  it('names the EKUs, key usage, SANs and key the way Windows does', async () => {
    const c = (await inspect('client.pem', file(s.client.pemPath))).certificates[0]!;
    expect(c.extendedKeyUsage?.map((e) => e.name)).toEqual(['Client Authentication', 'Smart Card Logon']);
    expect(c.keyUsage).toEqual(['Digital Signature']);
    expect(c.subjectAltNames).toEqual([
      { type: 'dns', value: 'alice.contoso.test' },
      { type: 'ip', value: '10.1.2.3' },
      { type: 'ip', value: '2001:db8::1' },
      { type: 'email', value: 'alice@contoso.test' },
    ]);
    expect(c.publicKey).toMatchObject({ algorithm: 'ECC', bits: 256, curve: 'P-256' });
    expect(c.basicConstraints).toEqual({ ca: false, pathLength: null, critical: false });
    expect(c.selfSigned.value).toBe(false);
    expect(c.validity.status).toBe('valid');
  });

  it('agrees with Node native X509Certificate on validity dates and key type', async () => {
    const native = new X509Certificate(fs.readFileSync(s.root.pemPath));
    const c = (await inspect('root.pem', file(s.root.pemPath))).certificates[0]!;
    expect(new Date(c.notBefore).getTime()).toBe(new Date(native.validFrom).getTime());
    expect(new Date(c.notAfter).getTime()).toBe(new Date(native.validTo).getTime());
    expect(c.publicKey).toMatchObject({ algorithm: 'RSA', bits: 2048 });
    expect(c.basicConstraints).toEqual({ ca: true, pathLength: null, critical: true });
    expect(c.keyUsage).toEqual(['Certificate Signing', 'CRL Signing']);
  });

  it('proves a root is self-signed by its signature, and reports path length on an intermediate', async () => {
    const root = (await inspect('root.pem', file(s.root.pemPath))).certificates[0]!;
    expect(root.selfSigned).toEqual({ namesMatch: true, signatureVerifies: true, value: true });
    const inter = (await inspect('intermediate.pem', file(s.intermediate.pemPath))).certificates[0]!;
    expect(inter.selfSigned.value).toBe(false);
    expect(inter.basicConstraints).toMatchObject({ ca: true, pathLength: 0 });
  });

  it('does not call a certificate self-signed when only its names match (KB 2802568 trap)', async () => {
    const pki = new OpensslPki();
    try {
      const ca = pki.issue('lookalike-ca', { subject: '/CN=Lookalike', extensions: ['basicConstraints = critical, CA:true'] });
      const twin = pki.issue('twin', { subject: '/CN=Lookalike', issuer: ca });
      const c = (await inspect('twin.pem', file(twin.pemPath))).certificates[0]!;
      expect(c.selfSigned).toEqual({ namesMatch: true, signatureVerifies: false, value: false });
      expect(formatCertificateText('twin.pem', c, now)).toContain('does not verify with its own key');
    } finally {
      pki.cleanup();
    }
  });

  it('reads DER .cer files and gives the same thumbprint as the PEM', async () => {
    const der = await inspect('client.cer', file(s.client.derPath));
    const pem = await inspect('client.pem', file(s.client.pemPath));
    expect(der.format).toBe('der');
    expect(der.certificates[0]!.thumbprintSha1).toBe(pem.certificates[0]!.thumbprintSha1);
  });

  it('marks expired and not-yet-valid certificates', async () => {
    expect((await inspect('e.pem', file(s.expired.pemPath))).certificates[0]!.validity.status).toBe('expired');
    expect((await inspect('f.pem', file(s.future.pemPath))).certificates[0]!.validity.status).toBe('not-yet-valid');
    const text = formatCertificateText('e.pem', (await inspect('e.pem', file(s.expired.pemPath))).certificates[0]!, now);
    expect(text).toMatch(/Status\s+EXPIRED \(expired 3[4-6] day\(s\) ago\)/);
  });

  it('finds every certificate in a PEM bundle with junk, CRLF line ends and a key around them', async () => {
    const bundle = [
      'Bag Attributes: friendlyName: alice',
      s.client.certPem.replace(/\n/g, '\r\n'),
      fs.readFileSync(s.client.keyPath, 'utf8'),
      'some notes',
      s.intermediate.certPem,
    ].join('\n');
    const r = await inspect('bundle.pem', bundle);
    expect(r.error).toBeNull();
    expect(r.certificates.map((c) => c.subject.commonName)).toEqual(['alice', 'Certbench Test Issuing CA']);
  });

  it('reads a file holding only a private key as a key, not an error (keys: tests/unit/cert-containers.test.ts)', async () => {
    const r = await inspect('key.pem', fs.readFileSync(s.client.keyPath, 'utf8'));
    expect(r.error).toBeNull();
    expect(r.format).toBe('key');
    expect(r.certificates).toEqual([]);
    expect(r.keys).toMatchObject([{ algorithm: 'ECC', bits: 256, curve: 'P-256', format: 'pkcs8', encrypted: false }]);
  });

  describe('bad input gets one clear line naming the file', () => {
    const cases: [string, () => Uint8Array | string, RegExp][] = [
      ['empty.pem', () => '', /^empty\.pem: file is empty$/],
      ['notes.txt', () => 'hello, this is not a certificate\n', /^notes\.txt: not a certificate \(neither PEM nor DER X\.509\)$/],
      ['trunc.der', () => file(s.client.derPath).subarray(0, 200), /^trunc\.der: truncated DER: the file has 200 of the \d+ bytes/],
      ['trail.der', () => new Uint8Array([...file(s.client.derPath), 1, 2, 3]), /^trail\.der: 3 unexpected bytes after the certificate/],
      ['nobody.pem', () => s.client.certPem.replace(/-----END CERTIFICATE-----\n?/, ''), /^nobody\.pem: PEM certificate has no END line/],
      ['bad64.pem', () => s.client.certPem.replace(/^(-----BEGIN CERTIFICATE-----\n.{10})/, '$1!!!!'), /^bad64\.pem: certificate block 1 is not valid base64/],
      ['big.pem', () => new Uint8Array(MAX + 3 * 1024 * 1024 + 1), /^big\.pem: file is 19\.0 MB; certificate files are at most 16 MB$/],
      ['csr.pem', () => fs.readFileSync(`${s.pki.dir}/client.csr`, 'utf8'), /^csr\.pem: holds a PEM "CERTIFICATE REQUEST" block, not a certificate$/],
    ];
    for (const [name, make, expected] of cases) {
      it(name, async () => {
        const r = await inspect(name, make());
        expect(r.certificates).toEqual([]);
        expect(r.error?.message).toMatch(expected);
        expect(r.error?.message).not.toContain('\n');
      });
    }
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspectFileBytes } from '../../shared/cert/inspect';
import { escapeRfc4514 } from '../../shared/cert/names';
import { requireOpenssl } from '../helpers/openssl-pki';

const missing = requireOpenssl();
if (missing && process.env.CI === 'true') throw new Error(missing);
const MAX = 16 * 1024 * 1024;

function makeSelfSigned(): Uint8Array {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-fuzz-'));
  try {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    fs.writeFileSync(path.join(dir, 'k.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    execFileSync('openssl', ['req', '-x509', '-key', 'k.pem', '-subj', '/CN=fuzz', '-days', '5', '-outform', 'DER', '-out', 'c.der'], {
      cwd: dir,
      stdio: 'pipe',
    });
    return new Uint8Array(fs.readFileSync(path.join(dir, 'c.der')));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(missing !== null)('robustness of the certificate reader', () => {
  const der = missing ? new Uint8Array() : makeSelfSigned();

  it('never throws and answers quickly for mutated DER (byte flips, cuts, insertions)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(der.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat(der.length),
        fc.boolean(),
        async (flips, cut, doCut) => {
          const bytes = new Uint8Array(der);
          for (const [i, v] of flips) bytes[i] = v;
          const input = doCut ? bytes.subarray(0, cut) : bytes;
          const started = performance.now();
          const r = await inspectFileBytes('mutant.der', input, new Date(), MAX);
          expect(performance.now() - started).toBeLessThan(250); // generous bound against GC pauses on a loaded CI machine
          // Either certificates or exactly one one-line error, never both, never neither.
          expect(r.error === null).toBe(r.certificates.length > 0);
          if (r.error) expect(r.error.message).toMatch(/^mutant\.der: [^\n]+$/);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('agrees with Node on every unmutated-but-reparsed thumbprint', async () => {
    const r = await inspectFileBytes('ok.der', der, new Date(), MAX);
    const native = new X509Certificate(der);
    expect(r.certificates[0]!.thumbprintSha1).toBe(native.fingerprint.replace(/:/g, ''));
    expect(r.certificates[0]!.fingerprintSha256).toBe(native.fingerprint256.replace(/:/g, ''));
  });

  it('never throws on arbitrary text posing as PEM', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 400 }), async (body) => {
        const text = `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
        const r = await inspectFileBytes('x.pem', new TextEncoder().encode(text), new Date(), MAX);
        expect(r.error === null).toBe(r.certificates.length > 0);
      }),
      { numRuns: 300 },
    );
  });
});

describe('RFC 4514 escaping', () => {
  it('escapes the special characters so the DN string splits back into the same values', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), (value) => {
        const escaped = escapeRfc4514(value);
        // Unescaped separators never remain: every , + ; is preceded by a backslash.
        expect(/(^|[^\\])(\\\\)*[,+;]/.test(escaped.replace(/\\[,+;"<>\\#= ]/g, ''))).toBe(false);
      }),
    );
    expect(escapeRfc4514('Acme, Inc.')).toBe('Acme\\, Inc.');
    expect(escapeRfc4514(' lead')).toBe('\\ lead');
    expect(escapeRfc4514('trail ')).toBe('trail\\ ');
    expect(escapeRfc4514('#hash')).toBe('\\#hash');
    expect(escapeRfc4514('a+b;c<d>"e"\\')).toBe('a\\+b\\;c\\<d\\>\\"e\\"\\\\');
  });
});

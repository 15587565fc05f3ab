import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { children, contentOf, isConstructed, isTag, readTlv, TAG, type Tlv } from '../../shared/asn1/der';
import { encode } from '../../shared/asn1/encode';
import type { Issued, OpensslPki } from './openssl-pki';

/**
 * Containers made per run with the real `openssl` (argument arrays, never a shell string): PFX in
 * OpenSSL 3's default and legacy encodings, P7B, keys in every encoding. Passwords are given as
 * `pass:` arguments only here, in throwaway test directories.
 */
export class Containers {
  constructor(readonly pki: OpensslPki) {}

  run(args: string[], input?: string | Uint8Array): Buffer {
    return execFileSync('openssl', args, { cwd: this.pki.dir, input, stdio: ['pipe', 'pipe', 'pipe'] });
  }

  path(name: string): string {
    return path.join(this.pki.dir, name);
  }

  read(name: string): Uint8Array {
    return new Uint8Array(fs.readFileSync(this.path(name)));
  }

  /** `openssl pkcs12 -export` of a certificate with its key and optional chain; extra options as given. */
  pfx(name: string, leaf: Issued, password: string, extra: string[] = [], chain: Issued[] = []): string {
    const args = ['pkcs12', '-export', '-in', leaf.pemPath, '-inkey', leaf.keyPath, '-out', this.path(name), '-passout', `pass:${password}`];
    if (chain.length) {
      const chainFile = this.path(`${name}.chain.pem`);
      fs.writeFileSync(chainFile, chain.map((c) => c.certPem).join(''));
      args.push('-certfile', chainFile);
    }
    this.run([...args, ...extra]);
    return this.path(name);
  }

  /** What `openssl pkcs12 -info` says about a PFX's algorithms (to prove the file is what a test claims). */
  pfxInfo(file: string, password: string, legacy = false): string {
    const args = ['pkcs12', '-in', file, '-info', '-noout', '-passin', `pass:${password}`];
    if (legacy) args.push('-legacy');
    // OpenSSL 3.0 prints the algorithm lines on stderr.
    const r = spawnSync('openssl', args, { cwd: this.pki.dir, encoding: 'utf8' });
    return `${r.stdout}${r.stderr}`;
  }

  /** A P7B of the given certificates, DER or PEM ("-----BEGIN PKCS7-----"). */
  p7b(name: string, certs: Issued[], outform: 'DER' | 'PEM'): string {
    const bundle = this.path(`${name}.certs.pem`);
    fs.writeFileSync(bundle, certs.map((c) => c.certPem).join(''));
    this.run(['crl2pkcs7', '-nocrl', '-certfile', bundle, '-outform', outform, '-out', this.path(name)]);
    return this.path(name);
  }

  /** SubjectPublicKeyInfo DER openssl derives from a key file. */
  spkiDer(keyPath: string, passin?: string): Uint8Array {
    const args = ['pkey', '-in', keyPath, '-pubout', '-outform', 'DER'];
    if (passin !== undefined) args.push('-passin', `pass:${passin}`);
    return new Uint8Array(this.run(args));
  }

  /** SHA-1 fingerprint of a certificate file, uppercase hex (openssl's own). */
  sha1(cert: Issued): string {
    return this.pki.facts(cert.pemPath).sha1;
  }
}

/**
 * Re-encode a DER PFX the way Windows writes PKCS#12: indefinite lengths on the outer SEQUENCEs and
 * the authSafe OCTET STRING split into a constructed string of small pieces. The MAC covers the
 * OCTET STRING's content octets, which do not change, so the file stays valid.
 */
export function toWindowsBer(der: Uint8Array, piece = 200): Uint8Array {
  const pfx = readTlv(der, 0);
  const [version, authSafe, mac] = children(der, pfx);
  const [type, explicit] = children(der, authSafe!);
  const octet = children(der, explicit!)[0]!;
  const data = contentOf(der, octet);
  const pieces: Uint8Array[] = [];
  for (let i = 0; i < data.length; i += piece) pieces.push(encode(0x04, data.subarray(i, i + piece)));
  const indefinite = (tag: number, ...parts: Uint8Array[]) => Uint8Array.from([tag, 0x80, ...parts.flatMap((p) => [...p]), 0, 0]);
  const rawOf = (t: Tlv) => der.subarray(t.start, t.end);
  return indefinite(0x30, rawOf(version!), indefinite(0x30, rawOf(type!), indefinite(0xa0, indefinite(0x24, ...pieces))), rawOf(mac!));
}

/**
 * Rebuild DER with every INTEGER equal to `from` replaced by `to`, descending into OCTET STRINGs
 * that hold DER (a PFX's authSafe and SafeContents). Used to make a PFX asking for a hostile
 * iteration count without waiting for openssl to run that many.
 */
export function replaceIntegers(der: Uint8Array, from: number, to: number): Uint8Array {
  const encInt = (n: number) => {
    const bytes: number[] = [];
    let v = n;
    do {
      bytes.unshift(v & 0xff);
      v = Math.floor(v / 256);
    } while (v > 0);
    if ((bytes[0] ?? 0) & 0x80) bytes.unshift(0);
    return encode(0x02, Uint8Array.from(bytes));
  };
  const walk = (buf: Uint8Array, t: Tlv): Uint8Array => {
    const body = contentOf(buf, t);
    if (isTag(t, TAG.INTEGER) && body.length <= 6) {
      let v = 0;
      for (const b of body) v = v * 256 + b;
      return v === from ? encInt(to) : buf.subarray(t.start, t.end);
    }
    if (isConstructed(t)) return encode(t.tag, ...children(buf, t).map((c) => walk(buf, c)));
    if (isTag(t, TAG.OCTET_STRING) && body[0] === TAG.SEQUENCE) {
      try {
        const inner = readTlv(body, 0, body.length, 'ber');
        if (inner.end === body.length) return encode(0x04, walk(body, inner));
      } catch {
        // not DER inside: keep as is
      }
    }
    return buf.subarray(t.start, t.end);
  };
  return walk(der, readTlv(der, 0, der.length, 'ber'));
}


/**
 * Legacy PFX tests (RC2, `-legacy`, PBES1) need OpenSSL 3 with its legacy provider, which Debian
 * ships in libssl3. Null when present, else what to install.
 */
export function requireLegacyProvider(): string | null {
  const r = spawnSync('openssl', ['list', '-providers', '-provider', 'legacy'], { encoding: 'utf8' });
  return r.status === 0 && /legacy/i.test(r.stdout) ? null : 'the OpenSSL 3 legacy provider is missing (apt-get install openssl libssl3)';
}

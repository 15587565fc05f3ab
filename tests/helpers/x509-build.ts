import crypto from 'node:crypto';
import { concat } from '../../shared/asn1/bytes';
import { TAG, context } from '../../shared/asn1/der';
import { DER_NULL, encode, encodeBitString, encodeOid, encodeUnsigned, seq } from '../../shared/asn1/encode';

/**
 * Certificates built in-process, byte for byte, for path-validation tests: every field
 * and extension is chosen by the test (critical unknown extensions, names in other string types,
 * policy trees, 1,000-entry name constraints, MD5 or DSA signatures), which `openssl ca` cannot do.
 * Keys and signatures come from node:crypto; the DER is written with shared/asn1/encode.
 */

export type KeyKind = 'ec256' | 'rsa1024' | 'rsa2048' | 'dsa';

export interface TestKey {
  kind: KeyKind;
  privateKey: crypto.KeyObject;
  spki: Uint8Array;
}

const keyCache = new Map<KeyKind, TestKey[]>();

/** A key pair; `reuse` picks from a small per-kind cache so RSA and DSA generation is paid once. */
export function newKey(kind: KeyKind = 'ec256', reuse?: number): TestKey {
  const cached = keyCache.get(kind) ?? [];
  keyCache.set(kind, cached);
  if (reuse !== undefined && cached[reuse]) return cached[reuse]!;
  const pair =
    kind === 'ec256'
      ? crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : kind === 'dsa'
        ? crypto.generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 })
        : crypto.generateKeyPairSync('rsa', { modulusLength: kind === 'rsa1024' ? 1024 : 2048 });
  const key = { kind, privateKey: pair.privateKey, spki: new Uint8Array(pair.publicKey.export({ type: 'spki', format: 'der' })) };
  if (reuse !== undefined) cached[reuse] = key;
  return key;
}

/** Signature algorithms by hash for each key kind (RFC 5758, RFC 3279, RFC 8017). */
const SIG_OIDS: Record<string, string> = {
  'ec256:sha256': '1.2.840.10045.4.3.2',
  'ec256:sha1': '1.2.840.10045.4.1',
  'rsa:sha256': '1.2.840.113549.1.1.11',
  'rsa:sha1': '1.2.840.113549.1.1.5',
  'rsa:md5': '1.2.840.113549.1.1.4',
  'dsa:sha256': '2.16.840.1.101.3.4.3.2',
};

export type Hash = 'sha256' | 'sha1' | 'md5';

function sigAlgorithm(key: TestKey, hash: Hash): Uint8Array {
  const family = key.kind.startsWith('rsa') ? 'rsa' : key.kind;
  const oid = SIG_OIDS[`${family}:${hash}`];
  if (!oid) throw new Error(`no signature algorithm for ${key.kind} with ${hash}`);
  return family === 'rsa' ? seq(encodeOid(oid), DER_NULL) : seq(encodeOid(oid));
}

/** An attribute value: a plain string is a UTF8String; { printable } a PrintableString; { ia5 } an IA5String. */
export type AttrValue = string | { printable: string } | { ia5: string } | { bmp: string };
/** A Name, most specific last as in DER order: [['2.5.4.6', 'US'], ['2.5.4.3', 'Root']]; an inner array is a multi-valued RDN. */
export type NameSpec = ([string, AttrValue] | [string, AttrValue][])[];

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

function attrValue(v: AttrValue): Uint8Array {
  if (typeof v === 'string') return encode(TAG.UTF8_STRING, utf8(v));
  if ('printable' in v) return encode(TAG.PRINTABLE_STRING, utf8(v.printable));
  if ('ia5' in v) return encode(TAG.IA5_STRING, utf8(v.ia5));
  return encode(TAG.BMP_STRING, new Uint8Array(Buffer.from(v.bmp, 'utf16le').swap16()));
}

export function name(spec: NameSpec): Uint8Array {
  return seq(
    ...spec.map((rdn) => {
      const members = (Array.isArray(rdn[0]) ? rdn : [rdn]) as [string, AttrValue][];
      return encode(TAG.SET, ...members.map(([oid, v]) => seq(encodeOid(oid), attrValue(v))));
    }),
  );
}

export const cn = (text: string, ...more: [string, AttrValue][]): Uint8Array => name([...more, ['2.5.4.3', text]]);

export interface Extension {
  oid: string;
  critical?: boolean;
  value: Uint8Array;
}

const bool = (b: boolean) => Uint8Array.of(TAG.BOOLEAN, 1, b ? 0xff : 0);
const int = (n: number) => encodeUnsigned(n === 0 ? Uint8Array.of(0) : Uint8Array.from(Buffer.from(n.toString(16).padStart(2 * Math.ceil(n.toString(16).length / 2), '0'), 'hex')));

/** Extension values (RFC 5280 4.2.1.x). */
export const ext = {
  basicConstraints(ca: boolean, pathLen?: number, critical = true): Extension {
    return { oid: '2.5.29.19', critical, value: seq(...(ca ? [bool(true)] : []), ...(pathLen !== undefined ? [int(pathLen)] : [])) };
  },
  keyUsage(bits: number[], critical = true): Extension {
    const bytes = new Uint8Array(2);
    for (const b of bits) bytes[b >> 3]! |= 0x80 >> (b & 7);
    const used = bits.some((b) => b >= 8) ? bytes : bytes.subarray(0, 1);
    return { oid: '2.5.29.15', critical, value: encode(TAG.BIT_STRING, Uint8Array.of(0), used) };
  },
  eku(oids: string[], critical = false): Extension {
    return { oid: '2.5.29.37', critical, value: seq(...oids.map(encodeOid)) };
  },
  ski(id: Uint8Array): Extension {
    return { oid: '2.5.29.14', value: encode(TAG.OCTET_STRING, id) };
  },
  aki(id: Uint8Array, issuerOfIssuer?: Uint8Array, serial?: number): Extension {
    const parts = [encode(0x80, id)];
    if (issuerOfIssuer) parts.push(encode(0xa1, encode(0xa4, issuerOfIssuer)), encode(0x82, Uint8Array.of(serial ?? 1)));
    return { oid: '2.5.29.35', value: seq(...parts) };
  },
  san(names: GeneralNameSpec[], critical = false): Extension {
    return { oid: '2.5.29.17', critical, value: seq(...names.map(generalName)) };
  },
  nameConstraints(permitted: GeneralNameSpec[], excluded: GeneralNameSpec[] = [], critical = true): Extension {
    const subtrees = (list: GeneralNameSpec[]) => list.map((g) => seq(generalName(g)));
    return {
      oid: '2.5.29.30',
      critical,
      value: seq(...(permitted.length ? [encode(context(0), ...subtrees(permitted))] : []), ...(excluded.length ? [encode(context(1), ...subtrees(excluded))] : [])),
    };
  },
  policies(list: (string | { oid: string; qualifiers: [string, Uint8Array][] })[], critical = false): Extension {
    return {
      oid: '2.5.29.32',
      critical,
      value: seq(
        ...list.map((p) =>
          typeof p === 'string' ? seq(encodeOid(p)) : seq(encodeOid(p.oid), seq(...p.qualifiers.map(([q, v]) => seq(encodeOid(q), v)))),
        ),
      ),
    };
  },
  policyMappings(pairs: [string, string][], critical = true): Extension {
    return { oid: '2.5.29.33', critical, value: seq(...pairs.map(([a, b]) => seq(encodeOid(a), encodeOid(b)))) };
  },
  policyConstraints(c: { requireExplicitPolicy?: number; inhibitPolicyMapping?: number }, critical = true): Extension {
    const parts: Uint8Array[] = [];
    if (c.requireExplicitPolicy !== undefined) parts.push(concat([Uint8Array.of(0x80), int(c.requireExplicitPolicy).subarray(1)]));
    if (c.inhibitPolicyMapping !== undefined) parts.push(concat([Uint8Array.of(0x81), int(c.inhibitPolicyMapping).subarray(1)]));
    return { oid: '2.5.29.36', critical, value: seq(...parts) };
  },
  inhibitAnyPolicy(n: number, critical = true): Extension {
    return { oid: '2.5.29.54', critical, value: int(n) };
  },
  raw(oid: string, value: Uint8Array, critical = false): Extension {
    return { oid, critical, value };
  },
};

export type GeneralNameSpec =
  | { dns: string }
  | { email: string }
  | { uri: string }
  | { ip: string }
  | { dir: Uint8Array }
  | { upn: string }
  | { otherName: string; value: Uint8Array };

function ipBytes(text: string): Uint8Array {
  const [addr, bits] = text.split('/');
  const v4 = /^\d+\.\d+\.\d+\.\d+$/.test(addr!);
  let bytes: number[];
  if (v4) bytes = addr!.split('.').map(Number);
  else {
    const [h, t] = addr!.split('::');
    const hs = h ? h.split(':') : [];
    const ts = t !== undefined && t !== '' ? t.split(':') : [];
    const groups = t === undefined ? hs : [...hs, ...Array(8 - hs.length - ts.length).fill('0'), ...ts];
    bytes = groups.flatMap((g) => [(parseInt(g, 16) >> 8) & 0xff, parseInt(g, 16) & 0xff]);
  }
  if (bits === undefined) return Uint8Array.from(bytes);
  const n = Number(bits);
  const mask = bytes.map((_, i) => (i * 8 + 8 <= n ? 0xff : i * 8 >= n ? 0 : (0xff << (8 - (n - i * 8))) & 0xff));
  return Uint8Array.from([...bytes, ...mask]);
}

export function generalName(g: GeneralNameSpec): Uint8Array {
  if ('dns' in g) return encode(0x82, utf8(g.dns));
  if ('email' in g) return encode(0x81, utf8(g.email));
  if ('uri' in g) return encode(0x86, utf8(g.uri));
  if ('ip' in g) return encode(0x87, ipBytes(g.ip));
  if ('dir' in g) return encode(0xa4, g.dir);
  if ('upn' in g) return encode(0xa0, encodeOid('1.3.6.1.4.1.311.20.2.3'), encode(context(0), encode(TAG.UTF8_STRING, utf8(g.upn))));
  return encode(0xa0, encodeOid(g.otherName), encode(context(0), g.value));
}

export interface Built {
  der: Uint8Array;
  subject: Uint8Array;
  key: TestKey;
  ski: Uint8Array;
}

export interface BuildOptions {
  subject: Uint8Array;
  /** The issuing certificate; omitted: self-signed. */
  issuer?: Built;
  /** Override the issuer name written (defaults to the issuer's subject). */
  issuerName?: Uint8Array;
  key?: TestKey;
  /** Sign with this key instead of the issuer's (a forged or cross-signed link). */
  signingKey?: TestKey;
  hash?: Hash;
  notBefore?: Date;
  notAfter?: Date;
  extensions?: Extension[];
  /** Leave out the default SKI/AKI pair. */
  noKeyIds?: boolean;
  /** Override the SKI written. */
  ski?: Uint8Array;
  /** Override the AKI key id written. */
  akiId?: Uint8Array;
  /** Version 1 (no extensions at all). */
  v1?: boolean;
}

let serial = 0x100;
const DAY = 86_400_000;

function time(d: Date): Uint8Array {
  const iso = d.toISOString();
  const y = d.getUTCFullYear();
  if (y >= 1950 && y < 2050) return encode(TAG.UTC_TIME, utf8(`${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`));
  return encode(TAG.GENERALIZED_TIME, utf8(`${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`));
}

/** Build and sign one certificate. */
export function build(o: BuildOptions): Built {
  const key = o.key ?? newKey('ec256');
  const signer = o.signingKey ?? o.issuer?.key ?? key;
  const hash = o.hash ?? 'sha256';
  const ski = o.ski ?? new Uint8Array(crypto.createHash('sha1').update(key.spki).digest());
  const alg = sigAlgorithm(signer, hash);
  const extensions: Extension[] = [];
  if (!o.noKeyIds) {
    extensions.push(ext.ski(ski));
    extensions.push(ext.aki(o.akiId ?? (o.issuer ? o.issuer.ski : ski)));
  }
  extensions.push(...(o.extensions ?? []));
  const serialBytes = Uint8Array.of(0x01, (serial >> 8) & 0xff, serial++ & 0xff);
  const notBefore = o.notBefore ?? new Date(Date.now() - DAY);
  const notAfter = o.notAfter ?? new Date(Date.now() + 365 * DAY);
  const tbs = seq(
    ...(o.v1 ? [] : [encode(context(0), encodeUnsigned(Uint8Array.of(2)))]),
    encodeUnsigned(serialBytes),
    alg,
    o.issuerName ?? o.issuer?.subject ?? o.subject,
    seq(time(notBefore), time(notAfter)),
    o.subject,
    key.spki,
    ...(o.v1 ? [] : [encode(context(3), seq(...extensions.map((e) => seq(encodeOid(e.oid), ...(e.critical ? [bool(true)] : []), encode(TAG.OCTET_STRING, e.value)))))]),
  );
  const signature = new Uint8Array(crypto.sign(hash, tbs, signer.privateKey));
  const der = seq(tbs, alg, encodeBitString(signature));
  return { der, subject: o.subject, key, ski };
}

/** KeyUsage bit numbers (RFC 5280 4.2.1.3). */
export const KU = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6 } as const;

/** A CA certificate with the usual extensions: Basic Constraints cA, keyCertSign and cRLSign. */
export function ca(subject: string | Uint8Array, issuer?: Built, more: Partial<BuildOptions> & { pathLen?: number } = {}): Built {
  return build({
    subject: typeof subject === 'string' ? cn(subject) : subject,
    issuer,
    ...more,
    extensions: [ext.basicConstraints(true, more.pathLen), ext.keyUsage([KU.keyCertSign, KU.cRLSign]), ...(more.extensions ?? [])],
  });
}

/** A client certificate: digitalSignature, clientAuth, optional SANs. */
export function leaf(subject: string | Uint8Array, issuer: Built, more: Partial<BuildOptions> & { san?: GeneralNameSpec[]; eku?: string[] | null } = {}): Built {
  const eku = more.eku === undefined ? ['1.3.6.1.5.5.7.3.2'] : more.eku;
  return build({
    subject: typeof subject === 'string' ? cn(subject) : subject,
    issuer,
    ...more,
    extensions: [
      ext.basicConstraints(false, undefined, false),
      ext.keyUsage([KU.digitalSignature]),
      ...(eku ? [ext.eku(eku)] : []),
      ...(more.san ? [ext.san(more.san)] : []),
      ...(more.extensions ?? []),
    ],
  });
}

export const OID = {
  clientAuth: '1.3.6.1.5.5.7.3.2',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  anyEku: '2.5.29.37.0',
  anyPolicy: '2.5.29.32.0',
  cps: '1.3.6.1.5.5.7.2.1',
  C: '2.5.4.6',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  CN: '2.5.4.3',
  email: '1.2.840.113549.1.9.1',
} as const;

export { DAY };

import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toHex } from '../../shared/asn1/bytes';
import { DerError } from '../../shared/asn1/der';
import * as ext from '../../shared/cert/extensions';
import { readName } from '../../shared/cert/names';
import { KEY_USAGE_BITS } from '../../shared/cert/oids';
import { describePublicKey } from '../../shared/cert/summarize';
import { parseX509 } from '../../shared/cert/x509';

/**
 * The same facts of one certificate read twice: by Certbench's fast DER reader (shared/asn1/der.ts,
 * shared/cert/x509.ts, names.ts, extensions.ts, as the listing and the certificate view use them) and
 * by pkijs' Certificate.fromBER, each reduced to plain data so the two can be compared with toEqual.
 * pkijs' values are formatted (IP addresses as text, key usage bits as names) but never decoded by
 * Certbench code.
 */

export interface Fields {
  version: number;
  serial: string;
  issuer: string;
  subject: string;
  notBefore: number;
  notAfter: number;
  spkiAlgorithm: string;
  extensions: string[];
  /** Only with `deep`: RDN values, key size and the decoded extensions both readers decode. */
  issuerRdns?: string[];
  subjectRdns?: string[];
  keyBits?: number | null;
  decoded?: Record<string, unknown>;
}

export type Reading = { ok: true; fields: Fields } | { ok: false; why: string };

/** The extensions both readers decode (RFC 5280 4.2.1.x, 4.2.2.1). */
const DECODED = {
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  eku: '2.5.29.37',
  san: '2.5.29.17',
  ski: '2.5.29.14',
  aki: '2.5.29.35',
  crlDp: '2.5.29.31',
  aia: '1.3.6.1.5.5.7.1.1',
  policies: '2.5.29.32',
} as const;

const REFUSED = 'refused';

/** One extension decoded by Certbench, or REFUSED when its decoder throws (the view then shows it raw with a problem). */
function oursExtension(oid: string, value: Uint8Array): unknown {
  try {
    switch (oid) {
      case DECODED.basicConstraints:
        return ext.decodeBasicConstraints(value);
      case DECODED.keyUsage:
        return ext.decodeKeyUsage(value);
      case DECODED.eku:
        return ext.decodeEku(value).map((e) => e.oid);
      case DECODED.san:
        return ext.decodeGeneralNames(value).map((n) => `${n.type}:${n.value}`);
      case DECODED.ski:
        return ext.decodeSubjectKeyId(value);
      case DECODED.aki:
        return ext.decodeAuthorityKeyId(value).keyId;
      case DECODED.crlDp:
        return ext.decodeCrlDistributionPoints(value);
      case DECODED.aia:
        return ext.decodeAuthorityInfoAccess(value);
      case DECODED.policies:
        return ext.decodeCertificatePolicies(value).map((p) => [p.oid, ...p.cps]);
    }
  } catch (err) {
    if (err instanceof DerError) return REFUSED;
    throw err;
  }
  return undefined;
}

export function readOurs(der: Uint8Array, deep: boolean): Reading {
  try {
    const view = parseX509(der);
    // The listing reads both names (summarize.ts); a name that cannot be read refuses the file.
    const issuer = readName(view.issuer);
    const subject = readName(view.subject);
    const fields: Fields = {
      version: view.version,
      serial: toHex(view.serial),
      issuer: toHex(view.issuer),
      subject: toHex(view.subject),
      notBefore: view.notBefore.getTime(),
      notAfter: view.notAfter.getTime(),
      spkiAlgorithm: view.spki.algorithmOid,
      extensions: view.extensions.map((e) => `${e.oid}|${e.critical}|${toHex(e.value)}`),
    };
    if (deep) {
      fields.issuerRdns = issuer.attributes.map((a) => `${a.oid}=${a.value}`);
      fields.subjectRdns = subject.attributes.map((a) => `${a.oid}=${a.value}`);
      fields.keyBits = describePublicKey(view.spki).bits;
      fields.decoded = {};
      for (const e of view.extensions) {
        const value = oursExtension(e.oid, e.value);
        if (value !== undefined) fields.decoded[e.oid] = value;
      }
    }
    return { ok: true, fields };
  } catch (err) {
    if (err instanceof DerError) return { ok: false, why: err.message };
    throw err;
  }
}

const hex = (b: ArrayBuffer | Uint8Array): string => toHex(b instanceof Uint8Array ? b : new Uint8Array(b));

function pkijsGeneralName(n: pkijs.GeneralName): string {
  switch (n.type) {
    case 1:
      return `email:${n.value as string}`;
    case 2:
      return `dns:${n.value as string}`;
    case 6:
      return `uri:${n.value as string}`;
    case 7:
      return `ip:${ext.ipText((n.value as asn1js.OctetString).valueBlock.valueHexView)}`;
    case 8:
      return `registered-id:${n.value as string}`;
    case 4:
      try {
        // Certbench's RFC 4514 writer formats the name pkijs found; a name it cannot read is marked.
        return `directory:${readName(new Uint8Array((n.value as pkijs.RelativeDistinguishedNames).valueBeforeDecode)).rfc4514}`;
      } catch {
        return 'directory:(unreadable)';
      }
    case 0:
      return otherName(n.value as asn1js.Constructed);
    default:
      return `other:[${n.type}]`;
  }
}

/** otherName (RFC 5280 4.2.1.6): Microsoft's UPN as its text, any other by its type OID, as Certbench shows them. */
function otherName(block: asn1js.Constructed): string {
  const [typeId, explicit] = block.valueBlock.value;
  const oid = typeId instanceof asn1js.ObjectIdentifier ? typeId.valueBlock.toString() : 'unknown';
  const inner = explicit instanceof asn1js.Constructed ? explicit.valueBlock.value[0] : undefined;
  const text = inner && 'valueBlock' in inner ? (inner.valueBlock as { value?: unknown }).value : undefined;
  return oid === '1.3.6.1.4.1.311.20.2.3' && typeof text === 'string' ? `upn:${text}` : `other:${oid}`;
}

/** The same extension decoded by pkijs (ExtensionValueFactory), REFUSED where pkijs marks it badly formatted. */
function pkijsExtension(e: pkijs.Extension): unknown {
  if (!(Object.values(DECODED) as string[]).includes(e.extnID)) return undefined;
  const parsed = e.parsedValue as (Record<string, unknown> & { parsingError?: string }) | null | undefined;
  if (parsed === null || parsed === undefined || parsed.parsingError) return REFUSED;
  switch (e.extnID) {
    case DECODED.basicConstraints: {
      const bc = parsed as unknown as pkijs.BasicConstraints;
      const len = bc.pathLenConstraint;
      return { ca: bc.cA, pathLength: len === undefined ? null : typeof len === 'number' ? len : len.valueBlock.valueDec };
    }
    case DECODED.keyUsage: {
      const bits = parsed as unknown as asn1js.BitString;
      if (!(bits instanceof asn1js.BitString)) return REFUSED;
      const bytes = bits.valueBlock.valueHexView;
      const total = bytes.length * 8 - bits.valueBlock.unusedBits;
      return KEY_USAGE_BITS.filter((_, i) => i < total && (((bytes[i >> 3] ?? 0) >> (7 - (i & 7))) & 1) === 1);
    }
    case DECODED.eku:
      return (parsed as unknown as pkijs.ExtKeyUsage).keyPurposes;
    case DECODED.san:
      return (parsed as unknown as pkijs.AltName).altNames.map(pkijsGeneralName);
    case DECODED.ski: {
      const octets = parsed as unknown as asn1js.OctetString;
      return octets instanceof asn1js.OctetString ? hex(octets.valueBlock.valueHexView) : REFUSED;
    }
    case DECODED.aki: {
      const id = (parsed as unknown as pkijs.AuthorityKeyIdentifier).keyIdentifier;
      return id ? hex(id.valueBlock.valueHexView) : null;
    }
    case DECODED.crlDp:
      return (parsed as unknown as pkijs.CRLDistributionPoints).distributionPoints.flatMap((dp) =>
        Array.isArray(dp.distributionPoint) ? dp.distributionPoint.map((n) => pkijsGeneralName(n).replace(/^[a-z-]+:/, '')) : [],
      );
    case DECODED.aia: {
      const out = { ocsp: [] as string[], caIssuers: [] as string[] };
      for (const ad of (parsed as unknown as pkijs.InfoAccess).accessDescriptions) {
        const value = pkijsGeneralName(ad.accessLocation).replace(/^[a-z-]+:/, '');
        if (ad.accessMethod === '1.3.6.1.5.5.7.48.1') out.ocsp.push(value);
        else if (ad.accessMethod === '1.3.6.1.5.5.7.48.2') out.caIssuers.push(value);
      }
      return out;
    }
    case DECODED.policies:
      return (parsed as unknown as pkijs.CertificatePolicies).certificatePolicies.map((p) => [
        p.policyIdentifier,
        ...(p.policyQualifiers ?? [])
          .filter((q) => q.policyQualifierId === '1.3.6.1.5.5.7.2.1')
          .map((q) => String((q.qualifier as asn1js.IA5String).valueBlock.value)),
      ]);
  }
  return undefined;
}

function rdnValues(names: pkijs.RelativeDistinguishedNames): string[] {
  return names.typesAndValues.map((tv) => {
    const value = tv.value as asn1js.BaseStringBlock | asn1js.AsnType;
    const text = 'valueBlock' in value && typeof (value.valueBlock as { value?: unknown }).value === 'string' ? (value.valueBlock as { value: string }).value : `#${hex(value.toBER()).toLowerCase()}`;
    return `${tv.type}=${text}`;
  });
}

const CURVE_BITS: Record<string, number> = { '1.2.840.10045.3.1.7': 256, '1.3.132.0.34': 384, '1.3.132.0.35': 521 };

function pkijsKeyBits(spki: pkijs.PublicKeyInfo, ours: number | null): number | null {
  const key = spki.parsedKey;
  if (key instanceof pkijs.RSAPublicKey) {
    const m = key.modulus.valueBlock.valueHexView;
    let i = 0;
    while (i < m.length && m[i] === 0) i++;
    return i === m.length ? 0 : (m.length - i - 1) * 8 + (32 - Math.clz32(m[i]!));
  }
  const params = spki.algorithm.algorithmParams as asn1js.AsnType | undefined;
  if (spki.algorithm.algorithmId === '1.2.840.10045.2.1' && params instanceof asn1js.ObjectIdentifier) {
    return CURVE_BITS[params.valueBlock.toString()] ?? null;
  }
  // Ed25519 and the like have a fixed size pkijs does not state.
  return ours;
}

export function readPkijs(der: Uint8Array, deep: boolean, oursKeyBits: number | null = null): Reading {
  let cert: pkijs.Certificate;
  try {
    cert = pkijs.Certificate.fromBER(der as Uint8Array<ArrayBuffer>);
  } catch (err) {
    return { ok: false, why: err instanceof Error ? err.message : String(err) };
  }
  const exts = cert.extensions ?? [];
  const fields: Fields = {
    version: cert.version + 1,
    serial: hex(cert.serialNumber.valueBlock.valueHexView),
    issuer: hex(cert.issuer.valueBeforeDecode),
    subject: hex(cert.subject.valueBeforeDecode),
    notBefore: cert.notBefore.value.getTime(),
    notAfter: cert.notAfter.value.getTime(),
    spkiAlgorithm: cert.subjectPublicKeyInfo.algorithm.algorithmId,
    extensions: exts.map((e) => `${e.extnID}|${e.critical}|${hex(e.extnValue.valueBlock.valueHexView)}`),
  };
  if (deep) {
    fields.issuerRdns = rdnValues(cert.issuer);
    fields.subjectRdns = rdnValues(cert.subject);
    fields.keyBits = pkijsKeyBits(cert.subjectPublicKeyInfo, oursKeyBits);
    fields.decoded = {};
    for (const e of exts) {
      const value = pkijsExtension(e);
      if (value !== undefined) fields.decoded[e.extnID] = value;
    }
  }
  return { ok: true, fields };
}

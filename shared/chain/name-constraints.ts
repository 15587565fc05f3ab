import { latin1 } from '../asn1/bytes';
import { DerError, TAG, bytesOf, children, contentOf, readOid, readString, readTlv, type Tlv } from '../asn1/der';
import { MAX_GENERAL_NAMES, ipText } from '../cert/extensions';
import { canonicalName, nameWithin, type CanonicalName } from './name-compare';

/**
 * RFC 5280 4.2.1.10 and 6.1.3 (b, c) name constraints for every name form a certificate carries:
 * dNSName, rfc822Name, uniformResourceIdentifier (its host), iPAddress (v4 and v6 with masks),
 * directoryName (the subject and any directoryName in subjectAltName), the subject's emailAddress
 * attributes as rfc822Name, and the UPN otherName Windows uses for smart-card logon. Forms Certbench
 * cannot compare (other otherNames, x400Address, ediPartyName, registeredID) fail the certificate
 * when the CA constrains that form, as 4.2.1.10 requires ("MUST either process the constraint or
 * reject the certificate").
 *
 * Nothing is dropped silently: a list longer than the bounds below, or more comparisons than
 * MAX_COMPARISONS, makes the check fail with "too many names to check", never "no constraints".
 */

/** Bound on the subtrees of one list and on the names of one certificate (hostile input): the reader's. */
export const MAX_NAMES = MAX_GENERAL_NAMES;
/** Bound on name x subtree comparisons for one CA and one certificate below it. */
export const MAX_COMPARISONS = 1 << 20;

export class TooManyNames extends Error {}

type Form = 'dns' | 'email' | 'uri' | 'ip' | 'directory' | 'upn' | 'other-name' | 'x400' | 'edi-party' | 'registered-id';

/** Words as the chain checks have always said them: "DNS "x" is outside the permitted dns names". */
const FORM_WORD: Record<Form, string> = {
  dns: 'dns',
  email: 'email',
  uri: 'uri',
  ip: 'ip',
  directory: 'directory',
  upn: 'upn',
  'other-name': 'otherName',
  x400: 'x400Address',
  'edi-party': 'ediPartyName',
  'registered-id': 'registeredID',
};

export interface ConstraintName {
  form: Form;
  /** Text as a user reads it ("10.0.0.0/8", ".contoso.test", "O=Contoso,C=US"). */
  text: string;
  /** iPAddress: address then mask (constraints) or the address (names). */
  bytes?: Uint8Array;
  dn?: CanonicalName;
}

export interface ParsedNameConstraints {
  permitted: ConstraintName[];
  excluded: ConstraintName[];
  /** Why the extension cannot be applied as written (min/max set, malformed iPAddress length). */
  unusable: string | null;
}

const UPN_OID = '1.3.6.1.4.1.311.20.2.3';

function generalName(buf: Uint8Array, t: Tlv): ConstraintName {
  switch (t.tag) {
    case 0x81:
      return { form: 'email', text: latin1(buf, t.content, t.end) };
    case 0x82:
      return { form: 'dns', text: latin1(buf, t.content, t.end) };
    case 0x86:
      return { form: 'uri', text: latin1(buf, t.content, t.end) };
    case 0x87: {
      const bytes = contentOf(buf, t);
      return { form: 'ip', text: ipText(bytes), bytes };
    }
    case 0x88:
      return { form: 'registered-id', text: readOid(buf, t) };
    case 0xa3:
      return { form: 'x400', text: 'x400Address' };
    case 0xa5:
      return { form: 'edi-party', text: 'ediPartyName' };
    case 0xa4: {
      const inner = readTlv(buf, t.content, t.end);
      const der = bytesOf(buf, inner);
      const dn = canonicalName(der);
      return { form: 'directory', text: directoryText(der), dn };
    }
    case 0xa0: {
      const [typeId, explicit] = children(buf, t, 2);
      const oid = typeId && typeId.tag === TAG.OID ? readOid(buf, typeId) : 'unknown';
      if (oid === UPN_OID && explicit) {
        const inner = readTlv(buf, explicit.content, explicit.end);
        const text = readString(buf, inner);
        if (text !== null) return { form: 'upn', text };
      }
      return { form: 'other-name', text: `otherName ${oid}` };
    }
    default:
      throw new DerError(`unknown GeneralName tag 0x${t.tag.toString(16)}`, t.start);
  }
}

function directoryText(der: Uint8Array): string {
  // Only for the words; comparison uses the canonical form.
  const seq = readTlv(der, 0);
  const parts: string[] = [];
  for (const set of children(der, seq, 256)) {
    for (const atv of children(der, set, 64)) {
      const [typeTlv, valueTlv] = children(der, atv, 2);
      if (typeTlv && valueTlv) parts.push(`${readOid(der, typeTlv)}=${readString(der, valueTlv) ?? '#'}`);
    }
  }
  return parts.reverse().join(',');
}

function boundedChildren(buf: Uint8Array, parent: Tlv, what: string): Tlv[] {
  try {
    return children(buf, parent, MAX_NAMES);
  } catch (err) {
    if (err instanceof DerError && /^more than/.test(err.message)) throw new TooManyNames(`too many names to check: ${what} holds more than ${MAX_NAMES}`);
    throw err;
  }
}

/** The Name Constraints extension value (RFC 5280 4.2.1.10). Throws TooManyNames or DerError. */
export function parseNameConstraints(value: Uint8Array): ParsedNameConstraints {
  const seq = readTlv(value, 0);
  if (seq.tag !== TAG.SEQUENCE || seq.end !== value.length) throw new DerError('Name Constraints is not one SEQUENCE', 0);
  const out: ParsedNameConstraints = { permitted: [], excluded: [], unusable: null };
  for (const t of children(value, seq, 2)) {
    const list = t.tag === 0xa0 ? out.permitted : t.tag === 0xa1 ? out.excluded : null;
    if (!list) throw new DerError('unexpected field in Name Constraints', t.start);
    for (const subtree of boundedChildren(value, t, t.tag === 0xa0 ? 'permittedSubtrees' : 'excludedSubtrees')) {
      const [base, ...rest] = children(value, subtree, 3);
      if (!base) throw new DerError('empty GeneralSubtree', subtree.start);
      // RFC 5280 4.2.1.10: "minimum MUST be zero, and maximum MUST be absent".
      if (rest.some((r) => r.tag === 0x81 || (r.tag === 0x80 && !(r.end - r.content === 1 && value[r.content] === 0)))) {
        out.unusable = 'a subtree sets minimum or maximum, which RFC 5280 4.2.1.10 forbids';
      }
      const name = generalName(value, base);
      if (name.form === 'ip' && name.bytes!.length !== 8 && name.bytes!.length !== 32) {
        out.unusable = `an iPAddress constraint is ${name.bytes!.length} bytes, not an address and mask (8 or 32, RFC 5280 4.2.1.10)`;
      }
      list.push(name);
    }
  }
  return out;
}

/** subjectAltName's names (RFC 5280 4.2.1.6). Throws TooManyNames or DerError. */
export function parseAltNames(value: Uint8Array): ConstraintName[] {
  const seq = readTlv(value, 0);
  if (seq.tag !== TAG.SEQUENCE || seq.end !== value.length) throw new DerError('subjectAltName is not one SEQUENCE', 0);
  return boundedChildren(value, seq, 'subjectAltName').map((t) => generalName(value, t));
}

const EMAIL_ATTRIBUTE = '1.2.840.113549.1.9.1';

/** The names of one certificate that constraints apply to: SAN entries, the subject DN, its emailAddress values. */
export function constrainedNames(subjectDer: Uint8Array, altNames: ConstraintName[]): ConstraintName[] {
  const out = [...altNames];
  const subject = canonicalName(subjectDer);
  if (subject.rdns.length) {
    out.push({ form: 'directory', text: directoryText(subjectDer), dn: subject });
    // RFC 5280 4.2.1.10: emailAddress attributes of the subject are constrained as rfc822Name.
    const seq = readTlv(subjectDer, 0);
    for (const set of children(subjectDer, seq, 256)) {
      for (const atv of children(subjectDer, set, 64)) {
        const [typeTlv, valueTlv] = children(subjectDer, atv, 2);
        if (typeTlv && valueTlv && readOid(subjectDer, typeTlv) === EMAIL_ATTRIBUTE) {
          const text = readString(subjectDer, valueTlv);
          if (text !== null) out.push({ form: 'email', text });
        }
      }
    }
  }
  return out;
}

/**
 * The names that break `nc`, in words; empty when every name is allowed. Throws TooManyNames when
 * the comparisons would exceed MAX_COMPARISONS.
 */
export function nameConstraintViolations(nc: ParsedNameConstraints, names: ConstraintName[]): string[] {
  if (names.length * (nc.permitted.length + nc.excluded.length) > MAX_COMPARISONS) {
    throw new TooManyNames(`too many names to check: ${names.length} names against ${nc.permitted.length + nc.excluded.length} constraints exceeds the ${MAX_COMPARISONS.toLocaleString('en-US')} comparisons Certbench allows`);
  }
  const out: string[] = [];
  for (const name of names) {
    const permitted = nc.permitted.filter((p) => sameForm(p, name));
    const excluded = nc.excluded.filter((p) => sameForm(p, name));
    if (!permitted.length && !excluded.length) continue;
    if (!comparable(name.form)) {
      out.push(`${label(name)}: the CA constrains ${FORM_WORD[name.form]} names, which Certbench cannot compare, so the certificate must be rejected (RFC 5280 4.2.1.10)`);
      continue;
    }
    if (permitted.length && !permitted.some((p) => within(name, p, 'permitted'))) {
      out.push(`${label(name)} is outside the permitted ${FORM_WORD[name.form]} names (${shortList(permitted)})`);
    }
    const hit = excluded.find((p) => within(name, p, 'excluded'));
    if (hit) out.push(`${label(name)} falls in the excluded ${FORM_WORD[name.form]} names (${hit.text})`);
  }
  return out;
}

function shortList(list: ConstraintName[]): string {
  const shown = list.slice(0, 5).map((p) => p.text || '(empty)');
  return list.length > 5 ? `${shown.join(', ')} and ${list.length - 5} more` : shown.join(', ');
}

function sameForm(c: ConstraintName, n: ConstraintName): boolean {
  if (c.form === n.form) return c.form !== 'other-name' || c.text === n.text;
  return false;
}

function comparable(form: Form): boolean {
  return form === 'dns' || form === 'email' || form === 'uri' || form === 'ip' || form === 'directory' || form === 'upn';
}

function label(name: ConstraintName): string {
  return `${FORM_WORD[name.form].toUpperCase()} "${name.text}"`;
}

function within(name: ConstraintName, c: ConstraintName, kind: 'permitted' | 'excluded'): boolean {
  switch (name.form) {
    case 'dns':
      return dnsWithin(name.text, c.text, kind);
    case 'email':
    case 'upn':
      return mailboxWithin(name.text, c.text);
    case 'uri': {
      const host = uriHost(name.text);
      // A URI without a host name (urn:, an IP literal) cannot be shown to be inside a subtree: it
      // fails a permitted list, and is not excluded by a host constraint.
      return host !== null && uriHostWithin(host, c.text);
    }
    case 'ip':
      return ipWithin(name.bytes!, c.bytes!);
    case 'directory':
      return nameWithin(name.dn!, c.dn!);
    default:
      return false;
  }
}

/**
 * dNSName (RFC 5280 4.2.1.10): adding labels on the left satisfies the constraint ("www.example.com"
 * is within "example.com", "example1.com" is not); a leading dot, as CAs often write, means
 * subdomains only. A wildcard name is treated as every name it could stand for: inside a permitted
 * subtree only when all are, excluded when any could be.
 */
function dnsWithin(name: string, base: string, kind: 'permitted' | 'excluded'): boolean {
  const n = name.toLowerCase().replace(/\.$/, '');
  const b = base.toLowerCase().replace(/\.$/, '');
  if (b === '' || b === '.') return true;
  if (kind === 'excluded' && n.startsWith('*.')) {
    const rest = n.slice(2);
    // "*.example.com" could be "foo.example.com", so an excluded "foo.example.com" catches it.
    const trimmed = b.replace(/^\./, '');
    if (trimmed.endsWith(`.${rest}`) && !trimmed.slice(0, -rest.length - 1).includes('.')) return true;
  }
  if (b.startsWith('.')) return n.endsWith(b);
  return n === b || n.endsWith(`.${b}`);
}

/**
 * rfc822Name (RFC 5280 4.2.1.10): "user@host" means that mailbox, "host" every mailbox at that host,
 * ".host" every mailbox at any host in that domain. Host parts compare caseless, the local part exactly.
 */
function mailboxWithin(email: string, base: string): boolean {
  const at = email.lastIndexOf('@');
  if (at < 0) return false;
  const local = email.slice(0, at);
  const host = email.slice(at + 1).toLowerCase();
  if (base.includes('@')) {
    const bat = base.lastIndexOf('@');
    return base.slice(0, bat) === local && base.slice(bat + 1).toLowerCase() === host;
  }
  const b = base.toLowerCase();
  if (b === '') return true;
  return b.startsWith('.') ? host.endsWith(b) : host === b;
}

/** The host of a URI with an authority (RFC 3986 3.2.2); null when there is none or it is an IP literal. */
function uriHost(uri: string): string | null {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(uri);
  const host = m?.[1];
  if (!host || host.startsWith('[') || /^\d+\.\d+\.\d+\.\d+$/.test(host)) return null;
  return host.toLowerCase().replace(/\.$/, '');
}

/** URI constraints (RFC 5280 4.2.1.10): ".example.com" is any host below it; "example.com" that host only. */
function uriHostWithin(host: string, base: string): boolean {
  const b = base.toLowerCase().replace(/\.$/, '');
  if (b === '') return true;
  return b.startsWith('.') ? host.endsWith(b) : host === b;
}

/** iPAddress (RFC 5280 4.2.1.10): v4 against 8-byte, v6 against 32-byte address+mask; never across families. */
function ipWithin(addr: Uint8Array, constraint: Uint8Array): boolean {
  const n = addr.length;
  if ((n !== 4 && n !== 16) || constraint.length !== n * 2) return false;
  for (let i = 0; i < n; i++) {
    const mask = constraint[n + i]!;
    if ((addr[i]! & mask) !== (constraint[i]! & mask)) return false;
  }
  return true;
}

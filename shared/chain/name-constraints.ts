import type { GeneralName } from '../model/certificate';
import type { NameConstraints } from '../cert/extensions';

/**
 * RFC 5280 4.2.1.10 name constraints for the name forms a client-authentication chain meets: DNS
 * names, e-mail addresses, IP ranges and directory names. Returns the names that break a
 * constraint, in words; an empty list means the certificate's names are allowed.
 */
export function nameConstraintViolations(
  nc: NameConstraints,
  names: { subject: { type: string; value: string }[]; subjectRfc4514: string; altNames: GeneralName[] },
): string[] {
  const out: string[] = [];
  const candidates: GeneralName[] = [...names.altNames];
  if (names.subjectRfc4514) candidates.push({ type: 'directory', value: names.subjectRfc4514 });
  // RFC 5280: an e-mail address in the subject DN (emailAddress) is constrained like rfc822Name.
  for (const a of names.subject) if (a.type === 'E') candidates.push({ type: 'email', value: a.value });

  for (const name of candidates) {
    const permittedOfType = nc.permitted.filter((p) => p.type === name.type);
    if (permittedOfType.length && !permittedOfType.some((p) => matches(p, name))) {
      out.push(`${label(name)} is outside the permitted ${name.type} names (${permittedOfType.map((p) => p.value).join(', ')})`);
    }
    const excluded = nc.excluded.find((p) => p.type === name.type && matches(p, name));
    if (excluded) out.push(`${label(name)} falls in the excluded ${name.type} names (${excluded.value})`);
  }
  return out;
}

function label(name: GeneralName): string {
  return `${name.type.toUpperCase()} "${name.value}"`;
}

function matches(constraint: GeneralName, name: GeneralName): boolean {
  switch (name.type) {
    case 'dns':
      return dnsWithin(name.value, constraint.value);
    case 'email':
      return emailWithin(name.value, constraint.value);
    case 'ip':
      return ipWithin(name.value, constraint.value);
    case 'directory':
      return directoryWithin(name.value, constraint.value);
    case 'uri': {
      const host = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?([^:/?#]+)/i.exec(name.value)?.[1];
      return host !== undefined && dnsWithin(host, constraint.value.replace(/^\./, ''));
    }
    default:
      return false;
  }
}

/** "host.example.com" is within "example.com"; a leading dot means subdomains only. */
function dnsWithin(host: string, base: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  const b = base.toLowerCase().replace(/\.$/, '');
  if (b === '') return true;
  if (b.startsWith('.')) return h.endsWith(b);
  return h === b || h.endsWith(`.${b}`);
}

/** "user@host" constraint = that mailbox; "host" = any mailbox there; ".host" = its subdomains. */
function emailWithin(email: string, base: string): boolean {
  const e = email.toLowerCase();
  const b = base.toLowerCase();
  if (b.includes('@')) return e === b;
  const host = e.slice(e.lastIndexOf('@') + 1);
  return b.startsWith('.') ? host.endsWith(b) : host === b;
}

function ipWithin(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const a = ipBytes(ip);
  const b = base ? ipBytes(base) : null;
  const bits = Number(bitsText);
  if (!a || !b || a.length !== b.length || !Number.isInteger(bits)) return false;
  for (let i = 0; i < bits; i++) {
    const mask = 0x80 >> (i % 8);
    if (((a[i >> 3] ?? 0) & mask) !== ((b[i >> 3] ?? 0) & mask)) return false;
  }
  return true;
}

function ipBytes(text: string): number[] | null {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(text)) return text.split('.').map(Number);
  if (!text.includes(':')) return null;
  const [head, tail] = text.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8) return null;
  return groups.flatMap((g) => {
    const v = parseInt(g, 16);
    return [(v >> 8) & 0xff, v & 0xff];
  });
}

/** A directory name is within a base when the base's RDNs are its leading (least specific) RDNs. */
function directoryWithin(dn: string, base: string): boolean {
  const split = (s: string) => s.split(/(?<!\\),/).map((r) => r.trim().toLowerCase()).filter(Boolean).reverse();
  const d = split(dn);
  const b = split(base);
  return b.every((rdn, i) => d[i] === rdn);
}

/**
 * Text machinery of the bundle redactor (redact.ts): finding many learned values in text at once
 * (a trie walked from each position, leftmost-longest, whole words only), recognising IPv4/IPv6
 * addresses and Windows SIDs anywhere, and reading distinguished names written in text (RFC 4514,
 * Windows' "CN=a, O=b" and OpenSSL's "/CN=a/O=b"). Pure; shared by learning and applying so both
 * see exactly the same values.
 */

/** ASCII-only case folding: the same length as the input, so offsets stay valid (DNS names are ASCII-case-insensitive). */
export function fold(s: string): string {
  return /[A-Z]/.test(s) ? s.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s;
}

/** Letters, digits and anything non-ASCII count as word characters for whole-word matching. */
export function isWordChar(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code >= 0x80;
}

const foldCode = (c: number) => (c >= 0x41 && c <= 0x5a ? c + 32 : c);

interface Node {
  next: Map<number, Node>;
  /** The replacement when a learned value ends here. */
  value: string | null;
}

/**
 * Many literal values found in one pass: from each position, walk the trie as far as the text
 * matches and take the longest value that stands as a whole word (no letter or digit glued on
 * either side, checked only where the value itself begins or ends with one). Linear in the text
 * times the longest match, whatever the number of values.
 */
export class LiteralMatcher {
  private readonly root: Node = { next: new Map(), value: null };
  private count = 0;

  add(key: string, replacement: string): void {
    let node = this.root;
    for (let i = 0; i < key.length; i++) {
      const c = foldCode(key.charCodeAt(i));
      let child = node.next.get(c);
      if (!child) {
        child = { next: new Map(), value: null };
        node.next.set(c, child);
      }
      node = child;
    }
    node.value = replacement;
    this.count++;
  }

  get size(): number {
    return this.count;
  }

  /** The text with every whole-word occurrence replaced; `pieces` receives replaced spans as fixed. */
  replace(text: string, out: Piece[]): void {
    if (this.count === 0) {
      out.push({ text, fixed: false });
      return;
    }
    let plainFrom = 0;
    const n = text.length;
    for (let i = 0; i < n; ) {
      const first = foldCode(text.charCodeAt(i));
      let node = this.root.next.get(first);
      if (!node || (isWordChar(first) && i > 0 && isWordChar(text.charCodeAt(i - 1)))) {
        i++;
        continue;
      }
      let best = -1;
      let bestValue: string | null = null;
      let j = i + 1;
      for (;;) {
        if (node.value !== null) {
          const lastWord = isWordChar(text.charCodeAt(j - 1));
          if (!lastWord || j >= n || !isWordChar(text.charCodeAt(j))) {
            best = j;
            bestValue = node.value;
          }
        }
        if (j >= n) break;
        const child: Node | undefined = node.next.get(foldCode(text.charCodeAt(j)));
        if (!child) break;
        node = child;
        j++;
      }
      if (best < 0 || bestValue === null) {
        i++;
        continue;
      }
      if (i > plainFrom) out.push({ text: text.slice(plainFrom, i), fixed: false });
      out.push({ text: bestValue, fixed: true });
      i = best;
      plainFrom = best;
    }
    if (plainFrom < n) out.push({ text: text.slice(plainFrom), fixed: false });
  }
}

/**
 * The other spellings of a name with spaces that URL paths use: percent-encoded (AD CS publishes
 * "http://pki.contoso.com/CertEnroll/Contoso%20Issuing%20CA.crl" for the CA "Contoso Issuing CA")
 * and slugs with '-' or '_' ("contoso-issuing-ca.crl"). Redaction replaces these too and the proof
 * searches them, both from this one list.
 */
export function spaceSpellings(value: string): string[] {
  return value.includes(' ') ? ['%20', '-', '_'].map((sep) => value.split(' ').join(sep)) : [];
}

/** A span of text: `fixed` spans are pseudonyms already and are never matched again. */
export interface Piece {
  text: string;
  fixed: boolean;
}

/** Run `stage` over the pieces not yet fixed. */
export function mapPieces(pieces: Piece[], stage: (text: string, out: Piece[]) => void): Piece[] {
  const out: Piece[] = [];
  for (const p of pieces) {
    if (p.fixed || p.text.length === 0) out.push(p);
    else stage(p.text, out);
  }
  return out;
}

/** A stage from a global regex: each match's replacement (null keeps it as it is) becomes a fixed piece. */
export function regexStage(re: RegExp, replacement: (m: RegExpExecArray) => string | null): (text: string, out: Piece[]) => void {
  return (text, out) => {
    re.lastIndex = 0;
    let from = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      const r = replacement(m);
      if (r === null) continue;
      if (m.index > from) out.push({ text: text.slice(from, m.index), fixed: false });
      out.push({ text: r, fixed: true });
      from = m.index + m[0].length;
    }
    if (from < text.length) out.push({ text: text.slice(from), fixed: false });
  };
}

// --- IP addresses -----------------------------------------------------------------------------------

/** Dotted quads not glued to more dots and digits (so OIDs like 1.3.6.1.5.5.7.3.2 are left alone). */
export const IPV4 = /(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w]|\.\d)/g;
/** IPv6 candidates (validated by canonicalIpv6): hex groups and colons, optionally ending in a dotted quad. */
export const IPV6 = /(?<![\w:.])(?:[0-9a-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9a-f]{0,4})(?![\w:])/gi;

/** X.500 object identifiers with four arcs (2.5.4.3 commonName, 2.5.29.17 subjectAltName) look like addresses: not redacted. */
const X500_OID = /^2\.5\.(?:4|29)\.\d+$/;

/** Addresses that identify nothing (unspecified, loopback, broadcast) and say a lot in a binding: kept. */
export function keepIpv4(ip: string): boolean {
  return X500_OID.test(ip) || ip.startsWith('0.') || ip.startsWith('127.') || ip === '255.255.255.255';
}

/** The address as eight 4-digit groups (so "2001:db8::1" and "2001:0db8:0:0:0:0:0:1" are one), or null when not IPv6. */
export function canonicalIpv6(text: string): string | null {
  let s = text.toLowerCase();
  let tail: string[] = [];
  const v4 = /^(.*:)((?:\d{1,3}\.){3}\d{1,3})$/.exec(s);
  if (v4) {
    const octets = v4[2]!.split('.').map(Number);
    if (octets.some((o) => o > 255)) return null;
    tail = [((octets[0]! << 8) | octets[1]!).toString(16), ((octets[2]! << 8) | octets[3]!).toString(16)];
    s = v4[1]!.endsWith('::') ? v4[1]! : v4[1]!.slice(0, -1);
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groups = (x: string) => (x === '' ? [] : x.split(':'));
  const valid = (g: string[]) => g.every((x) => /^[0-9a-f]{1,4}$/.test(x));
  let all: string[];
  if (halves.length === 2) {
    const a = groups(halves[0]!);
    const b = [...groups(halves[1]!), ...tail];
    if (!valid(a) || !valid(b) || a.length + b.length > 7) return null;
    all = [...a, ...Array<string>(8 - a.length - b.length).fill('0'), ...b];
  } else {
    all = [...groups(s), ...tail];
    if (all.length !== 8 || !valid(all)) return null;
  }
  return all.map((g) => g.padStart(4, '0')).join(':');
}

const KEEP_V6 = new Set(['0000:0000:0000:0000:0000:0000:0000:0000', '0000:0000:0000:0000:0000:0000:0000:0001']);

export function keepIpv6(canonical: string): boolean {
  return KEEP_V6.has(canonical);
}

// --- Windows SIDs -----------------------------------------------------------------------------------

/**
 * Domain and machine account SIDs (S-1-5-21-a-b-c-RID: a-b-c names the domain) and IIS app pool SIDs
 * (S-1-5-82-..., a hash of the pool's name, so it names the pool). Well-known SIDs (S-1-5-18,
 * S-1-5-32-544, service SIDs S-1-5-80-...) identify nothing and are kept.
 */
export const SID = /\bS-1-5-(21|82)-(\d+)-(\d+)-(\d+)(?:-(\d+))?(?:-(\d+))?\b/g;

// --- distinguished names in text --------------------------------------------------------------------

/** Attribute types whose values are redacted with 'subjects' (C, the country, is kept). */
export const DN_TYPES = ['CN', 'O', 'OU', 'L', 'ST', 'S', 'E', 'EMAIL', 'EMAILADDRESS', 'DC', 'UID', 'SERIALNUMBER', 'STREET', 'TITLE', 'G', 'GN', 'GIVENNAME', 'SN', 'SURNAME', 'I', 'INITIALS', 'POSTALCODE'];
/** A DN in text counts only when it has one of these (so "S=3" in prose is not a name). */
const STRONG_TYPES = new Set(['CN', 'O', 'OU', 'E', 'EMAIL', 'EMAILADDRESS', 'DC', 'UID']);
const TYPE_SET = new Set([...DN_TYPES, 'C']);

/** One attribute of a DN found in text: where its value is, and the value unescaped. */
export interface DnValue {
  type: string;
  /** Offsets of the value as written (quotes and escapes included). */
  start: number;
  end: number;
  value: string;
  /**
   * Set when the value was cut at " (": the value with the parenthesised part, for names like
   * "Contoso (Europe)" (the cut is right for "CN=alice (THUMBPRINT)", as messages write it).
   */
  extended?: { value: string; end: number };
}

const DN_START = /(?:^|(?<=[\s,;+/"'([:=]))(CN|O|OU|L|ST|S|E|EMAIL|EMAILADDRESS|DC|UID|SERIALNUMBER|STREET|TITLE|G|GN|GIVENNAME|SN|SURNAME|I|INITIALS|POSTALCODE|C)\s*=/gi;

/**
 * Every DN attribute value written in `text`: a run of TYPE=value pairs separated by "," "+" ";"
 * or "/" (OpenSSL's one-line form), with RFC 4514 escapes and Windows' quoted values. A run counts
 * only when it has a strong type (CN, O, OU, E, DC, UID) so prose like "S=3" is not a name.
 */
export function dnValuesInText(text: string): DnValue[] {
  const out: DnValue[] = [];
  DN_START.lastIndex = 0;
  for (let m = DN_START.exec(text); m; m = DN_START.exec(text)) {
    const slash = m.index > 0 && text[m.index - 1] === '/';
    const run: DnValue[] = [];
    let pos = m.index;
    for (;;) {
      const head = /^\s*([A-Za-z]+)\s*=/.exec(text.slice(pos, pos + 24));
      if (!head || !TYPE_SET.has(head[1]!.toUpperCase())) break;
      const type = head[1]!.toUpperCase();
      const v = readDnValue(text, pos + head[0].length, slash);
      run.push({ type, ...v });
      pos = v.end;
      const sep = text[pos];
      if (sep === ',' || sep === '+' || sep === ';' || (slash && sep === '/')) {
        pos++;
        continue;
      }
      break;
    }
    if (run.some((r) => STRONG_TYPES.has(r.type))) out.push(...run.filter((r) => r.type !== 'C'));
    DN_START.lastIndex = Math.max(pos, m.index + 1);
  }
  return out;
}

function readDnValue(text: string, from: number, slash: boolean): Omit<DnValue, 'type'> {
  let i = from;
  while (text[i] === ' ') i++;
  const start = i;
  if (text[i] === '"') {
    // Windows' quoted form: O="Contoso, Ltd" (a doubled or escaped quote stays inside).
    let value = '';
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\' && i + 1 < text.length) i++;
      value += text[i];
      i++;
    }
    return { start, end: Math.min(text.length, i + 1), value };
  }
  let value = '';
  while (i < text.length) {
    const c = text[i]!;
    if (c === ',' || c === '+' || c === ';' || c === '\n' || c === '\r' || c === '"' || (slash && c === '/')) break;
    if (c === ' ' && /^ +\(/.test(text.slice(i, i + 8))) {
      const close = text.indexOf(')', i);
      const newline = text.indexOf('\n', i);
      const end = trimEnd(text, start, i);
      if (close > 0 && (newline < 0 || close < newline)) {
        return { start, end, value: value.trimEnd(), extended: { value: value + text.slice(i, close + 1), end: close + 1 } };
      }
      return { start, end, value: value.trimEnd() };
    }
    if (c === '\\' && i + 1 < text.length) {
      const hex = /^[0-9a-fA-F]{2}/.exec(text.slice(i + 1, i + 3));
      if (hex && !/^[,+;"\\<>=# ]/.test(text[i + 1]!)) {
        value += String.fromCharCode(parseInt(hex[0], 16));
        i += 3;
      } else {
        value += text[i + 1];
        i += 2;
      }
      continue;
    }
    value += c;
    i++;
  }
  return { start, end: trimEnd(text, start, i), value: value.trimEnd() };
}

function trimEnd(text: string, start: number, end: number): number {
  let e = end;
  while (e > start && text[e - 1] === ' ') e--;
  return e;
}

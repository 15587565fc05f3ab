import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { CertbenchError } from '../errors';

/**
 * A small element tree over fast-xml-parser's ordered output, with the 1-based line each element
 * starts on (captureMetaData gives the offset in the original text, CRLF included), so findings can
 * point at the line of applicationHost.config a user opens in Notepad.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Offset of the element's "<" in the text, when the parser gave it. */
  start: number | null;
  /** 1-based line of the element's "<", when known. */
  line: number | null;
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  captureMetaData: true,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  trimValues: true,
});
const META = XMLParser.getMetaDataSymbol() as unknown as symbol;

/** Offsets where each line starts; line(offset) is a binary search over them. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lineAt(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

type OrderedNode = Record<string, unknown>;

function convert(nodes: unknown, starts: number[]): XmlElement[] {
  if (!Array.isArray(nodes)) return [];
  const out: XmlElement[] = [];
  for (const raw of nodes as OrderedNode[]) {
    const name = Object.keys(raw).find((k) => k !== ':@' && k !== '#text' && !k.startsWith('?') && !k.startsWith('!'));
    if (!name) continue;
    const attrsRaw = (raw[':@'] ?? {}) as Record<string, unknown>;
    // No prototype: an attribute is only what the file wrote ("constructor" finds nothing).
    const attrs: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [k, v] of Object.entries(attrsRaw)) attrs[k] = String(v);
    const meta = (raw as Record<symbol, { startIndex?: number } | undefined>)[META];
    const start = meta?.startIndex ?? null;
    out.push({ name, attrs, children: convert(raw[name], starts), start, line: start === null ? null : lineAt(starts, start) });
  }
  return out;
}

/**
 * Parse XML text into elements. Malformed input is one line naming the source and the line
 * ("web.config: not well-formed XML at line 12: ..."), never a parser stack.
 */
export function parseXmlTree(text: string, source: string): XmlElement[] {
  const checked = XMLValidator.validate(text);
  if (checked !== true) {
    throw new CertbenchError('bad-input', `${source}: not well-formed XML at line ${checked.err.line}: ${checked.err.msg}`);
  }
  let ordered: unknown;
  try {
    ordered = parser.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new CertbenchError('bad-input', `${source}: not well-formed XML: ${message}`);
  }
  return convert(ordered, lineStarts(text));
}

export const childrenNamed = (el: XmlElement | undefined, name: string): XmlElement[] => (el ? el.children.filter((c) => c.name === name) : []);
export const childNamed = (el: XmlElement | undefined, name: string): XmlElement | undefined => el?.children.find((c) => c.name === name);

/** Follow a path of child names ("security", "authentication", ...), taking the first match each step. */
export function descend(el: XmlElement | undefined, ...names: string[]): XmlElement | undefined {
  let at = el;
  for (const n of names) at = childNamed(at, n);
  return at;
}

/**
 * The element's opening tag as written, whitespace collapsed, for evidence. Attributes that may hold
 * secrets (a mapping's password, a one-to-one mapping's certificate) are removed even though opening
 * tags of the sections we quote do not carry them: evidence ends up in bundles.
 */
export function openingTag(text: string, el: XmlElement, max = 600): string {
  if (el.start === null) return `<${el.name}>`;
  let quote = '';
  let end = -1;
  const limit = Math.min(text.length, el.start + 8192);
  for (let i = el.start; i < limit; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '>') {
      end = i;
      break;
    }
  }
  const tag = end < 0 ? `<${el.name} …>` : text.slice(el.start, end + 1);
  const clean = tag.replace(/\s(?:password|certificate)\s*=\s*(?:"[^"]*"|'[^']*')/gi, '').replace(/\s+/g, ' ');
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

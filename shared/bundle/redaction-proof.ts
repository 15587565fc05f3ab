import { latin1 } from '../asn1/bytes';
import { utf8Bytes } from '../cert/containers/pbe';
import { LiteralMatcher, mapPieces, regexStage, spaceSpellings, type Piece } from './redact-text';

/**
 * Redaction proven, not assumed: after a redacted bundle is built, every entry name and
 * every byte of every entry, and the base64 and hex runs that decode inside them (PowerShell's
 * -EncodedCommand, a certificate pasted in a script, a hex dump), are searched for every original
 * value the redactor replaced and for the DER of every certificate the export left out. Any hit
 * refuses the export with the entry named, as the key scan does (key-scan.ts).
 *
 * Matching follows the redactor's own rule: a value counts where it stands as a whole word, case
 * folded (ASCII), so "alice" is found in "CONTOSO\\alice" but not in "malice". Pseudonyms are masked
 * first (an original "host" must not be found inside the pseudonym "host-1"). Values are searched
 * as written, JSON-escaped and HTML-escaped, as URL paths spell names with spaces ("Contoso%20Issuing%20CA",
 * "contoso-issuing-ca"), in UTF-8 and, inside decoded runs, UTF-16LE as well.
 * Certificates are matched by the last 32 bytes of their DER (signature bytes: unique to each).
 *
 * Everything is searched as latin1 strings of bytes, so the search is linear in the bundle's size
 * whatever the number of values (one trie, key-scan's approach of one pass per entry).
 */

export interface RedactionProofInput {
  /** Values the redactor replaced, with their kind ("host name", "IIS site name", ...). */
  originals: readonly { value: string; kind: string }[];
  /** Every pseudonym given (masked before searching). */
  pseudonyms: readonly string[];
  /** DER of every certificate the export left out. */
  leftOut: readonly Uint8Array[];
  /** DER of certificates the export keeps and says so: their decoded bytes are not searched for names. */
  kept?: readonly Uint8Array[];
}

/** One line per hit: "fixes/x.ps1: still holds the IIS site name "Shop" (in base64 at byte 120)". */
export function proveRedaction(entries: Iterable<readonly [string, Uint8Array]>, input: RedactionProofInput): string[] {
  const prover = makeProver(input);
  const hits: string[] = [];
  for (const [name, bytes] of entries) {
    const inName = prover.findValue(latin1(utf8Bytes(name)));
    if (inName) hits.push(`${name}: its name holds the ${inName.kind} "${inName.value}"`);
    const hit = prover.findInEntry(bytes);
    if (hit) hits.push(`${name}: still holds ${hit}`);
  }
  return hits;
}

const jsonKeys = regexStage(/"[A-Za-z_][A-Za-z0-9_]*":/g, (m) => m[0]);

/** Runs shorter than this are not decoded (thumbprints and serial numbers are left as they are). */
const MIN_BASE64 = 32;
const MIN_HEX = 48;
const TAIL = 32;

function jsonEscaped(v: string): string {
  return JSON.stringify(v).slice(1, -1);
}

function htmlEscaped(v: string): string {
  return v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function utf16le(v: string): string {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    out += String.fromCharCode(c & 0xff, c >> 8);
  }
  return out;
}

function hexOf(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

function makeProver(input: RedactionProofInput) {
  const values = new LiteralMatcher();
  const byForm = new Map<string, { value: string; kind: string }>();
  const addForm = (form: string, o: { value: string; kind: string }) => {
    if (form.length < 3 || byForm.has(form.toLowerCase())) return;
    byForm.set(form.toLowerCase(), o);
    values.add(form, form);
  };
  for (const o of input.originals) {
    for (const form of new Set([o.value, jsonEscaped(o.value), htmlEscaped(o.value), ...spaceSpellings(o.value)])) {
      const bytes = latin1(utf8Bytes(form));
      addForm(bytes, o);
      addForm(utf16le(form), o);
    }
  }
  const masks = new LiteralMatcher();
  for (const p of input.pseudonyms) {
    if (p.length < 3) continue;
    masks.add(latin1(utf8Bytes(p)), '\u0000');
    masks.add(utf16le(p), '\u0000');
  }

  const tails = new Map<string, number>();
  input.leftOut.forEach((der, i) => {
    if (der.length >= TAIL * 2) tails.set(latin1(der.subarray(der.length - TAIL)), i);
  });
  const hexTails = [...tails.keys()].map((t) => hexOf(Uint8Array.from(t, (c) => c.charCodeAt(0))));
  const kept = new Set((input.kept ?? []).filter((d) => d.length >= TAIL).map((d) => latin1(d.subarray(d.length - TAIL))));

  /** The first original standing as a whole word in `text` (pseudonyms masked), or null. */
  const findValue = (text: string): { value: string; kind: string } | null => {
    if (values.size === 0 || !text) return null;
    // JSON keys ("host":) are Certbench's own words, never data; pseudonyms are redaction's output.
    let masked = mapPieces([{ text, fixed: false }], jsonKeys);
    if (masks.size) masked = mapPieces(masked, (t, out) => masks.replace(t, out));
    for (const piece of masked) {
      if (piece.fixed) continue;
      const found: Piece[] = [];
      values.replace(piece.text, found);
      const hit = found.find((f) => f.fixed);
      if (hit) return byForm.get(hit.text.toLowerCase()) ?? null;
    }
    return null;
  };

  const findCertificate = (text: string): number | null => {
    for (const [tail, i] of tails) if (text.includes(tail)) return i;
    return null;
  };

  const describeCert = (i: number) => `the DER of a certificate the export left out (certificate ${i + 1} of ${input.leftOut.length})`;

  /** A hit in one entry, in words, or null. */
  const findInEntry = (bytes: Uint8Array): string | null => {
    const text = latin1(bytes);
    const v = findValue(text);
    if (v) return `the ${v.kind} "${v.value}"`;
    const c = findCertificate(text);
    if (c !== null) return describeCert(c);
    const lower = hexTails.length ? text.toLowerCase().replace(/[\s:]/g, '') : '';
    const h = hexTails.findIndex((t) => lower.includes(t));
    if (h >= 0) return `${describeCert(h)} (as hex)`;
    for (const run of decodedRuns(text)) {
      const tail = run.bytes.length >= TAIL ? latin1(run.bytes.subarray(run.bytes.length - TAIL)) : '';
      // A certificate the export keeps (and says so) may carry names: not searched.
      if (kept.has(tail)) continue;
      const decoded = latin1(run.bytes);
      const dc = findCertificate(decoded);
      if (dc !== null) return `${describeCert(dc)} (in ${run.how} at byte ${run.at})`;
      const dv = findValue(decoded);
      if (dv) return `the ${dv.kind} "${dv.value}" (in ${run.how} at byte ${run.at})`;
    }
    return null;
  };

  return { findValue, findInEntry };
}

const B64 = new Int16Array(128).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('').forEach((c, i) => (B64[c.charCodeAt(0)] = i));
// URL-safe base64 (RFC 4648 section 5) decodes the same.
B64['-'.charCodeAt(0)] = 62;
B64['_'.charCodeAt(0)] = 63;

/**
 * Base64 runs (line breaks, spaces and JSON's \n escapes inside a run are skipped, as PEM bodies in
 * JSON have them) and hex runs, decoded. Runs of text that happen to be base64 letters decode to
 * noise, which is harmless: only whole-word values and 32-byte certificate tails are looked for.
 */
function* decodedRuns(text: string): Generator<{ bytes: Uint8Array; how: string; at: number }> {
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c >= 128 || B64[c]! < 0) {
      i++;
      continue;
    }
    const start = i;
    const sextets: number[] = [];
    let hexOnly = true;
    while (i < n) {
      const d = text.charCodeAt(i);
      if (d < 128 && B64[d]! >= 0) {
        sextets.push(B64[d]!);
        if (!((d >= 48 && d <= 57) || (d >= 97 && d <= 102) || (d >= 65 && d <= 70))) hexOnly = false;
        i++;
      } else if (d === 10 || d === 13 || d === 32 || d === 9) {
        // A line break or space inside a run continues it only when more base64 follows.
        let j = i;
        while (j < n && (text.charCodeAt(j) === 10 || text.charCodeAt(j) === 13 || text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
        if (j < n && text.charCodeAt(j) < 128 && B64[text.charCodeAt(j)]! >= 0 && sextets.length % 4 === 0) i = j;
        else break;
      } else if (d === 92 && (text[i + 1] === 'n' || text[i + 1] === 'r') && sextets.length % 4 === 0) {
        i += 2;
      } else break;
    }
    if (hexOnly && sextets.length >= MIN_HEX) {
      const hex = text.slice(start, i).replace(/[^0-9A-Fa-f]/g, '');
      const out = new Uint8Array(hex.length >> 1);
      for (let k = 0; k < out.length; k++) out[k] = parseInt(hex.slice(2 * k, 2 * k + 2), 16);
      yield { bytes: out, how: 'hex', at: start };
    }
    if (sextets.length >= MIN_BASE64) {
      const out = new Uint8Array(Math.floor((sextets.length * 6) / 8));
      let acc = 0;
      let bits = 0;
      let o = 0;
      for (const s of sextets) {
        acc = ((acc << 6) | s) & 0xffffff;
        bits += 6;
        if (bits >= 8) {
          bits -= 8;
          out[o++] = (acc >> bits) & 0xff;
        }
      }
      yield { bytes: out, how: 'base64', at: start };
    }
    while (i < n && text[i] === '=') i++;
  }
}

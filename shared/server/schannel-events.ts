// One file because the four exports of the same System-log events (Get-WinEvent JSON, Event Viewer
// CSV, wevtutil/Event Viewer XML, Event Viewer's copied text) feed one SchannelEvent model: they share
// the event-id meanings, the alert names and the time normalisation, and parseSchannelEvents tells them
// apart by content, so every format it may choose is defined next to it.
import { XMLParser } from 'fast-xml-parser';
import { CertbenchError, formatBytes } from '../errors';
import type { SchannelEvent, SchannelEventSummary } from '../model/server';
import { ALERT_NAMES, RESERVED_ALERTS } from '../tls/names';
import { promptOf, stripPasteNoise } from './paste-noise';
import { splitLines } from './text-decode';

/** The commands that print Schannel events. */
const EVENT_COMMAND = /\b(?:Get-WinEvent|Get-EventLog|wevtutil)\b/i;

/**
 * Schannel System-log events (reference section 9) from the exports a user has:
 * - Get-WinEvent ... | Select Id,TimeCreated,LevelDisplayName,Message,Properties | ConvertTo-Json
 *   (PowerShell 5.1 writes dates as "/Date(ms)/" and one event as an object, not an array);
 * - Event Viewer "Save All Events As..." CSV (Level,Date and Time,Source,Event ID,Task Category, then
 *   the message, quoted over several lines);
 * - XML: `wevtutil qe System /f:xml` (events one after another with no root element) or Event
 *   Viewer's `<Events><Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">`;
 * - the text Event Viewer copies for one event ("Log Name: System / Source: Schannel / ...").
 * Events of other providers in the same export are left out.
 */

export const MAX_EVENT_CHARS = 64 * 1024 * 1024;
/** How many events a summary keeps to show; counts cover all of them. */
export const MAX_RECENT_EVENTS = 200;

/**
 * TLS AlertDescription as reference section 9's table names them: the one table in ../tls/names, with
 * the values RFC 8446 B.2 keeps only as reserved spelled with the registry's `_RESERVED` suffix.
 */
export const TLS_ALERTS: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(ALERT_NAMES).map(([code, name]) => [code, RESERVED_ALERTS.has(Number(code)) ? `${name}_RESERVED` : name]),
);

export function alertName(code: number): string {
  return TLS_ALERTS[code] ?? `unknown alert ${code}`;
}

/** What each event id means for client-certificate authentication (reference section 9). */
const MEANINGS: Readonly<Record<number, string>> = {
  36870: "The server could not open its certificate's private key (missing, damaged, or not readable by SYSTEM), so handshakes on that binding fail.",
  36871: 'Schannel could not create a TLS credential; handshakes that need it fail.',
  36874: 'A client offered no cipher suite this server accepts; the handshake failed before any certificate was asked for.',
  36877: 'A client certificate did not validate on this server (chain, revocation or usage); the error code in the event says why.',
  36878: 'A client certificate is not suitable for, or could not be mapped to, a Windows account.',
  36879: 'A client certificate is not suitable for, or could not be mapped to, a Windows account.',
  36880: 'A TLS handshake completed (logged only when EventLogging includes 0x4).',
  36882: "This machine, as a TLS client, did not trust a server's certificate; not the IIS client-certificate case.",
  36885: 'The list of trusted CAs this server sends when it asks for a client certificate passed 16 KB and was cut, so a client may find none of its issuers and offer no certificate (403.7).',
  36886: 'No default server credential exists; IIS manages its own certificates, so this does not affect IIS.',
  36887: 'The other side sent a fatal TLS alert and ended the handshake; the alert number says what it rejected.',
  36888: 'This machine sent a fatal TLS alert and ended the handshake; the alert number says what it rejected.',
};

export function eventMeaning(id: number): string {
  return MEANINGS[id] ?? 'A Schannel event this tool does not interpret.';
}

/** Old and new message forms of 36887 and 36888 (reference 9). */
const ALERT_PATTERNS = [/fatal alert was received:\s*(\d+)/i, /fatal (?:alert|error) code is\s*(\d+)/i];

function alertOf(id: number, message: string, data: { name: string | null; value: string }[]): SchannelEvent['alert'] {
  if (id !== 36887 && id !== 36888) return null;
  let code: number | null = null;
  for (const re of ALERT_PATTERNS) {
    const m = re.exec(message);
    if (m) {
      code = Number(m[1]);
      break;
    }
  }
  if (code === null) {
    // EventData: named AlertDesc in the new format; in the old one the alert is the first value.
    const named = data.find((d) => d.name?.toLowerCase() === 'alertdesc');
    const first = named ?? data.find((d) => d.name === null);
    if (first && /^\s*\d{1,3}\s*$/.test(first.value)) code = Number(first.value);
  }
  if (code === null) {
    // A localized message without its data: the one alert number in it, if exactly one.
    const codes = new Set((message.split(/\r?\n\s*\r?\n/)[0] ?? '').match(/\b\d{1,3}\b/g)?.map(Number).filter((n) => TLS_ALERTS[n] !== undefined && n > 0));
    if (codes && codes.size === 1) code = [...codes][0]!;
  }
  return code === null || code > 255 ? null : { code, description: alertName(code) };
}

const LEVELS: Readonly<Record<number, string>> = { 0: 'Information', 1: 'Critical', 2: 'Error', 3: 'Warning', 4: 'Information', 5: 'Verbose' };

function levelText(v: unknown): string | null {
  if (typeof v === 'number') return LEVELS[v] ?? String(v);
  if (typeof v === 'string' && v.trim()) return /^\d+$/.test(v.trim()) ? (LEVELS[Number(v)] ?? v.trim()) : v.trim();
  return null;
}

/**
 * A time as ISO 8601: "/Date(1700000000000)/" (PowerShell 5.1's ConvertTo-Json), ISO with or
 * without zone, or Event Viewer's en-US ("11/14/2023 10:13:20 PM") or German ("14.11.2023 22:13:20")
 * local time, which stays without a zone because the export does not say which. Anything else is
 * kept as written.
 */
export function normalizeEventTime(v: unknown): string | null {
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return normalizeEventTime(o.value ?? o.DateTime ?? null);
  }
  if (typeof v !== 'string' || !v.trim()) return null;
  const s = v.trim();
  const ms = /^\/?Date\((-?\d+)(?:[+-]\d{4})?\)\/?$/.exec(s);
  if (ms) return new Date(Number(ms[1])).toISOString();
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(s)) {
    if (/(?:Z|[+-]\d{2}:?\d{2})$/i.test(s)) {
      const t = Date.parse(s.replace(' ', 'T'));
      return Number.isNaN(t) ? s : new Date(t).toISOString();
    }
    return s.replace(' ', 'T');
  }
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AP]M)?$/i.exec(s);
  if (us) {
    let h = Number(us[4]) % (us[7] ? 12 : 24);
    if (us[7]?.toUpperCase() === 'PM') h += 12;
    return local(us[3]!, us[1]!, us[2]!, h, us[5]!, us[6]);
  }
  const de = /^(\d{1,2})\.(\d{1,2})\.(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(s);
  if (de) return local(de[3]!, de[2]!, de[1]!, Number(de[4]), de[5]!, de[6]);
  return s;
}

function local(y: string, mo: string, d: string, h: number, mi: string, sec: string | undefined): string {
  const p = (n: string | number) => String(n).padStart(2, '0');
  return `${y}-${p(mo)}-${p(d)}T${p(h)}:${p(mi)}:${p(sec ?? 0)}`;
}

function makeEvent(id: number, time: string | null, level: string | null, message: string, data: { name: string | null; value: string }[]): SchannelEvent {
  const event: SchannelEvent = { id, time, level, message: message.trim(), alert: alertOf(id, message, data), meaning: eventMeaning(id) };
  return data.length ? { ...event, data: data.map((d) => (d.name ? `${d.name}=${d.value}` : d.value)) } : event;
}

const isSchannel = (provider: unknown) => typeof provider !== 'string' || !provider.trim() || /schannel/i.test(provider);

function intOf(v: unknown): number | null {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^\s*\d+\s*$/.test(v)) return Number(v);
  if (v && typeof v === 'object' && '#text' in v) return intOf((v as Record<string, unknown>)['#text']);
  return null;
}

/**
 * Events from parsed Get-WinEvent JSON: an array, one object (PowerShell 5.1 does not wrap a single
 * result), or { events: [...] } (the live script). Get-EventLog's EventID/TimeGenerated/
 * ReplacementStrings are accepted too.
 */
export function eventsFromJsonValue(value: unknown): SchannelEvent[] {
  const holder = value && typeof value === 'object' && !Array.isArray(value) && 'events' in value ? (value as { events: unknown }).events : value;
  const items = holder === null || holder === undefined ? [] : Array.isArray(holder) ? holder : [holder];
  const out: SchannelEvent[] = [];
  for (const item of items) {
    if (!item || typeof item !== 'object') continue;
    const o = item as Record<string, unknown>;
    const id = intOf(o.Id ?? o.EventID ?? o.EventId ?? o.id);
    if (id === null || !isSchannel(o.ProviderName ?? o.Source)) continue;
    const rawProps = o.Properties ?? o.ReplacementStrings ?? [];
    const props = Array.isArray(rawProps) ? rawProps : [rawProps];
    const data = props
      .map((p) => (p && typeof p === 'object' && 'Value' in p ? (p as { Value: unknown }).Value : p))
      // Too shallow a ConvertTo-Json -Depth leaves the type name instead of the value.
      .filter((v) => v !== null && v !== undefined && typeof v !== 'object' && !/^System\.Diagnostics\./.test(String(v)))
      .map((v) => ({ name: null, value: String(v) }));
    out.push(makeEvent(id, normalizeEventTime(o.TimeCreated ?? o.TimeGenerated ?? o.TimeWritten), levelText(o.LevelDisplayName ?? o.EntryType ?? o.Level), typeof o.Message === 'string' ? o.Message : '', data));
  }
  return out;
}

const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  trimValues: true,
  isArray: (name) => name === 'Event' || name === 'Data',
});

function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (v && typeof v === 'object' && '#text' in v) return textOf((v as Record<string, unknown>)['#text']);
  return '';
}

function attr(v: unknown, name: string): string | null {
  if (v && typeof v === 'object') {
    const a = (v as Record<string, unknown>)[`@_${name}`];
    return typeof a === 'string' ? a : null;
  }
  return null;
}

function eventsFromXml(text: string, source: string): SchannelEvent[] {
  // wevtutil prints one <Event> after another with no root: give it one.
  // Event exports never declare a DTD; refusing one keeps entity expansion out of the parser.
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new CertbenchError('bad-input', `${source}: event XML with a DOCTYPE is not an Event Viewer or wevtutil export`);
  const body = text.replace(/^\s*<\?xml[^>]*\?>/i, '');
  const wrapped = /<Events[\s>]/.test(body) ? body : `<Events>${body}</Events>`;
  let doc: Record<string, unknown>;
  try {
    doc = xmlParser.parse(wrapped) as Record<string, unknown>;
  } catch (err) {
    throw new CertbenchError('bad-input', `${source}: the event XML could not be read (${err instanceof Error ? err.message : 'parse error'})`);
  }
  const root = doc.Events as Record<string, unknown> | undefined;
  const events = (root && typeof root === 'object' ? root.Event : undefined) as unknown[] | undefined;
  const out: SchannelEvent[] = [];
  for (const ev of events ?? []) {
    if (!ev || typeof ev !== 'object') continue;
    const e = ev as Record<string, unknown>;
    const sys = (e.System ?? {}) as Record<string, unknown>;
    const id = intOf(sys.EventID);
    if (id === null || !isSchannel(attr(sys.Provider, 'Name') ?? attr(sys.Provider, 'EventSourceName'))) continue;
    const rendering = (e.RenderingInfo ?? {}) as Record<string, unknown>;
    const rawData = ((e.EventData as Record<string, unknown> | undefined)?.Data ?? []) as unknown[];
    const data = rawData.map((d) => ({ name: attr(d, 'Name'), value: textOf(d) }));
    let message = textOf(rendering.Message);
    // Without RenderingInfo (wevtutil without /rd or /f:RenderedXml) the insertion strings are all there is.
    if (!message) message = data.filter((d) => d.value !== '').map((d) => (d.name ? `${d.name}: ${d.value}` : d.value)).join('; ');
    out.push(makeEvent(id, normalizeEventTime(attr(sys.TimeCreated, 'SystemTime')), levelText(textOf(rendering.Level)) ?? levelText(textOf(sys.Level)), message, data));
  }
  return out;
}

/** RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks (Event Viewer's messages do). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  const delimiter = /[,\r\n]/g;
  const nextDelimiter = (from: number) => {
    delimiter.lastIndex = from;
    return delimiter.exec(text)?.index ?? text.length;
  };
  const n = text.length;
  let i = 0;
  for (;;) {
    let value = '';
    if (text.charCodeAt(i) === 34) {
      // Quoted: copy up to each quote; a doubled quote is a literal one.
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) {
          value += text.slice(j);
          i = n;
          break;
        }
        value += text.slice(j, q);
        if (text.charCodeAt(q + 1) === 34) {
          value += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
    }
    // Unquoted text, or anything after a closing quote (kept, leniently), up to the delimiter.
    const end = nextDelimiter(i);
    value += text.slice(i, end);
    i = end;
    row.push(value);
    if (i >= n) {
      rows.push(row);
      break;
    }
    if (text.charCodeAt(i) === 44) {
      i++;
      continue;
    }
    rows.push(row);
    row = [];
    i += text.charCodeAt(i) === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
    if (i >= n) break;
  }
  return rows.filter((r) => r.length > 1 || (r[0] ?? '').trim() !== '');
}

/** Event Viewer's CSV headers in English and German (German constructed, UNCERTAIN). */
const CSV_COLUMNS = {
  level: ['level', 'ebene'],
  time: ['date and time', 'datum und uhrzeit'],
  source: ['source', 'quelle'],
  id: ['event id', 'ereignis-id'],
  message: ['message', 'general', 'meldung', 'allgemein'],
};

function eventsFromCsv(text: string, source: string): SchannelEvent[] {
  const rows = parseCsv(text);
  const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
  const col = (names: string[]) => header.findIndex((h) => names.includes(h));
  const idCol = col(CSV_COLUMNS.id);
  if (idCol < 0) throw new CertbenchError('bad-input', `${source}: a CSV without an "Event ID" column is not an Event Viewer export`);
  const levelCol = col(CSV_COLUMNS.level);
  const timeCol = col(CSV_COLUMNS.time);
  const sourceCol = col(CSV_COLUMNS.source);
  const named = col(CSV_COLUMNS.message);
  // Event Viewer writes the message as a sixth column without a header of its own.
  const messageCol = named >= 0 ? named : header.length - (header[header.length - 1] === '' ? 1 : 0);
  const out: SchannelEvent[] = [];
  for (const row of rows.slice(1)) {
    const id = intOf(row[idCol]);
    if (id === null || (sourceCol >= 0 && !isSchannel(row[sourceCol]))) continue;
    const message = row.slice(messageCol).join(',');
    out.push(makeEvent(id, normalizeEventTime(timeCol >= 0 ? row[timeCol] : null), levelText(levelCol >= 0 ? row[levelCol] : null), message, []));
  }
  return out;
}

const DETAIL_LABEL = /^\s*(Log Name|Source|Date|Event ID|Task Category|Level|Keywords|User|Computer|Description|OpCode|Protokollname|Quelle|Datum|Ereignis-ID|Aufgabenkategorie|Ebene|Schl\u00fcsselw\u00f6rter|Benutzer|Computer|Beschreibung):\s*(.*)$/i;

/** Event Viewer's "Copy details as text" form (reference 9's verbatim 36870 example). */
function eventsFromDetails(text: string): SchannelEvent[] {
  const out: SchannelEvent[] = [];
  let head: Record<string, string> | null = null;
  let message: string[] = [];
  const flush = () => {
    if (!head) return;
    const id = intOf(head['event id'] ?? head['ereignis-id']);
    if (id !== null && isSchannel(head.source ?? head.quelle)) {
      out.push(makeEvent(id, normalizeEventTime(head.date ?? head.datum), levelText(head.level ?? head.ebene), message.join('\n'), []));
    }
  };
  let inMessage = false;
  for (const line of splitLines(text)) {
    if (/^\s*(Log Name|Protokollname):/i.test(line)) {
      flush();
      head = {};
      message = [];
      inMessage = false;
    }
    if (!head) continue;
    const m = inMessage ? null : DETAIL_LABEL.exec(line);
    if (m) {
      head[m[1]!.toLowerCase()] = m[2]!.trim();
      if (/^(description|beschreibung)$/i.test(m[1]!)) inMessage = true;
      if (/^(description|beschreibung)$/i.test(m[1]!) && m[2]!.trim()) message.push(m[2]!.trim());
      continue;
    }
    inMessage = true;
    message.push(line);
  }
  flush();
  return out;
}

/**
 * Schannel events from an export's text (decode the bytes with decodeText first), in any of the forms
 * above. Text that is none of them is a one-line bad-input error naming `source`.
 */
export function parseSchannelEvents(text: string, source: string): SchannelEvent[] {
  if (text.length > MAX_EVENT_CHARS) throw new CertbenchError('too-large', `${source}: larger than the ${formatBytes(MAX_EVENT_CHARS)} an event export can be here (${text.length} characters)`);
  // Pasted with the prompt that printed it (`PS C:\> Get-WinEvent ... | ConvertTo-Json`): the paste
  // stage keeps that command's output only. Text without a prompt row is taken as it is.
  const raw = text.replace(/^\uFEFF/, '');
  const pastedWithPrompt = splitLines(raw.trimStart().slice(0, 2048)).some((row) => promptOf(row) !== null);
  const body = (pastedWithPrompt ? stripPasteNoise(raw, { command: EVENT_COMMAND }).text : raw).trim();
  if (!body) throw new CertbenchError('bad-input', `${source}: the event export is empty`);
  if (body.startsWith('[') || body.startsWith('{')) {
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      throw new CertbenchError('bad-input', `${source}: starts like JSON but is not valid JSON (a truncated Get-WinEvent export?)`);
    }
    return eventsFromJsonValue(value);
  }
  if (body.startsWith('<')) return eventsFromXml(body, source);
  const firstLine = body.slice(0, body.search(/\r|\n|$/));
  if (/^\s*(Log Name|Protokollname):/i.test(firstLine)) return eventsFromDetails(body);
  if (firstLine.includes(',')) return eventsFromCsv(body, source);
  throw new CertbenchError('bad-input', `${source}: not a Schannel event export (expected Get-WinEvent JSON, Event Viewer CSV or XML, or wevtutil XML)`);
}

function timeKey(e: SchannelEvent): number {
  const t = e.time ? Date.parse(e.time) : NaN;
  return Number.isNaN(t) ? -Infinity : t;
}

/** Counts by id (most frequent first) and the newest MAX_RECENT_EVENTS events, newest first. */
export function summarizeEvents(events: SchannelEvent[], source: string): SchannelEventSummary {
  const counts = new Map<number, number>();
  for (const e of events) counts.set(e.id, (counts.get(e.id) ?? 0) + 1);
  const byId = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([id, count]) => ({ id, count, meaning: eventMeaning(id) }));
  // Stable sort: events without a readable time keep the export's order (newest first in Event Viewer and Get-WinEvent).
  const recent = events
    .map((e, i) => ({ e, i, t: timeKey(e) }))
    .sort((a, b) => (a.t === b.t ? a.i - b.i : b.t - a.t))
    .slice(0, MAX_RECENT_EVENTS)
    .map((x) => x.e);
  return { source, total: events.length, byId, recent };
}

/** One line for evidence: "2023-11-14T22:13:20.000Z Error 36887: A fatal alert was received ...". */
export function eventLine(e: SchannelEvent): string {
  const first = e.message.split(/\r?\n/).find((l) => l.trim()) ?? '';
  return [e.time, e.level, `${e.id}:`, first.trim() || (e.alert ? `alert ${e.alert.code} ${e.alert.description}` : '')].filter(Boolean).join(' ');
}

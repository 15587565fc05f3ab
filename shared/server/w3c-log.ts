// One file because the streaming reader's per-record counters and the summary they feed share one
// bounded state (capped maps, timeline buckets, the current #Fields: layout).
import { CertbenchError } from '../errors';
import type { W3cLogStats } from '../model/server';
import { promptOf } from './paste-noise';
import { decodeUtf8, encodeUtf8 } from './text-decode';
import { ByteFields, ByteLines, COLON, CR, HASH } from './w3c-log-bytes';
import { decodeWin32Status } from './win32-status';

/**
 * IIS W3C logs (reference section 7), read as a stream in bounded memory: a day's log of a busy site
 * is hundreds of MB, and the user wants to know about the few hundred 403.7s in it. Fields are found
 * by the `#Fields:` header, never by position (a new header can appear mid-file when logging settings
 * change, and sites add s-sitename, cs-host... as field note 001 item 11 shows). Every map is capped,
 * so a log with millions of distinct client addresses costs the same memory as one with ten.
 *
 * Over 400 lines: the per-record statistics, their bounds and the summary they end in are one state
 * machine; the byte-level line and field reader is apart, in w3c-log-bytes.ts.
 */

/** A W3C line is a few hundred bytes; anything longer than this is not a log record and is skipped unread. */
export const MAX_LOG_LINE = 64 * 1024;
/** Distinct keys kept per breakdown (URLs, clients, statuses); the rest is counted under "(other)". */
export const MAX_KEYS = 1000;
/** At most this many timeline buckets come out, whatever the span. */
export const MAX_BUCKETS = 200;
/** The 500-then-403.7 pattern: how close the 403.7 must follow, and how many examples are kept. */
export const PATTERN_WINDOW_SECONDS = 120;
export const MAX_PATTERN_EXAMPLES = 100;

/**
 * pfirewall.log is a W3C extended log too (`#Version: 1.5`, `#Software: Microsoft Windows Firewall`,
 * `#Fields: date time action protocol src-ip dst-ip src-port dst-port ...`): its rows would count as
 * malformed IIS records, so it is refused by name instead.
 */
export const FIREWALL_LOG = /^#Software:\s*Microsoft Windows Firewall|^#Fields:[^\r\n]*\bsrc-ip\b[^\r\n]*\bdst-ip\b/im;
export const FIREWALL_LOG_MESSAGE =
  'a Windows Firewall log (pfirewall.log: "#Software: Microsoft Windows Firewall", fields src-ip dst-ip ...), not an IIS W3C log; attach the IIS log from %SystemDrive%\\inetpub\\logs\\LogFiles\\W3SVC<site id> (u_ex*.log)';

/** The sub-statuses of a client certificate failure (reference 7, KB 943891). */
export const CLIENT_CERT_STATUSES = ['403.7', '403.12', '403.13', '403.16', '403.17'] as const;

/** IIS 8+ default logExtFileFlags (reference 7), assumed for records before any #Fields header. */
const DEFAULT_FIELDS = 'date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken';
const MAX_FIELDS = 256;
/** Distinct per-bucket timeline keys kept before the bucket width is widened. */
const MAX_TIMELINE_KEYS = 4096;
/** Clients with a 500/64 waiting for a 403.7; the oldest are forgotten first. */
const MAX_PENDING = 10_000;
/** Bucket widths in minutes, each a multiple of the one before, so counts merge exactly. */
const LADDER = [1, 5, 15, 30, 60, 180, 360, 720, 1440, 10080];
const OTHER = '(other)';

/**
 * A counter with at most `cap` keys. When full, the less frequent half is folded into "(other)":
 * the frequent keys (the client hammering a URL with 403.7) survive, the long tail of one-off
 * addresses does not cost memory. Counts of a key that comes back after being folded start again.
 */
export class BoundedCounter {
  private readonly map = new Map<string, number>();
  private other = 0;
  constructor(private readonly cap = MAX_KEYS) {}

  add(key: string, n = 1): void {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.set(key, v + n);
      return;
    }
    if (this.map.size >= this.cap) this.prune();
    this.map.set(key, n);
  }

  private prune(): void {
    const entries = [...this.map.entries()].sort((a, b) => b[1] - a[1]);
    const keep = Math.floor(this.cap / 2);
    for (const [k, v] of entries.slice(keep)) {
      this.other += v;
      this.map.delete(k);
    }
  }

  get size(): number {
    return this.map.size;
  }

  /** The `n` most frequent keys, then "(other)" for everything else (folded away or below the top n). */
  top(n = Infinity): { key: string; count: number }[] {
    const sorted = [...this.map.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const out = sorted.slice(0, n).map(([key, count]) => ({ key, count }));
    const rest = this.other + sorted.slice(n).reduce((sum, [, count]) => sum + count, 0);
    if (rest) out.push({ key: OTHER, count: rest });
    return out;
  }
}

interface FailureAgg {
  count: number;
  byUrl: BoundedCounter;
  byClient: BoundedCounter;
  first: number;
  last: number;
}

interface Bucket {
  total: number;
  clientCertFailures: number;
  status500: number;
}

/** Where each value the statistics need sits in the current #Fields order (-1: not logged). */
const SLOT = { date: 0, time: 1, client: 2, url: 3, status: 4, sub: 5, win32: 6 } as const;
const SLOT_FIELDS: Record<string, number> = {
  date: SLOT.date,
  time: SLOT.time,
  'c-ip': SLOT.client,
  'cs-uri-stem': SLOT.url,
  'sc-status': SLOT.status,
  'sc-substatus': SLOT.sub,
  'sc-win32-status': SLOT.win32,
};

interface Columns {
  count: number;
  /** (column, slot) pairs of the columns the statistics read. */
  wanted: Int16Array;
  has: boolean[];
}

function columnsOf(names: string[]): Columns {
  const wanted: number[] = [];
  const has = [false, false, false, false, false, false, false];
  names.forEach((n, i) => {
    // Own keys only: a hostile "#Fields: constructor" must not find Object.prototype.constructor.
    const k = Object.hasOwn(SLOT_FIELDS, n) ? SLOT_FIELDS[n] : undefined;
    if (k !== undefined && !has[k]) {
      wanted.push(i, k);
      has[k] = true;
    }
  });
  return { count: names.length, wanted: Int16Array.from(wanted), has };
}

const parseFields = (header: string) =>
  header
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, MAX_FIELDS)
    .map((f) => f.toLowerCase());

/** Seconds since the epoch of "YYYY-MM-DD" (cached by the caller): NaN when not a date. */
function dayStart(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return NaN;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isFinite(ms) ? ms / 1000 : NaN;
}

/** The decimal digit at b[i], NaN when that byte is not one. */
const digit = (b: Uint8Array, i: number) => {
  const d = b[i]! - 48;
  return d >= 0 && d <= 9 ? d : NaN;
};

/**
 * hh:mm:ss at b[at, to) (W3C allows fractions after it; IIS writes whole seconds). Read from the bytes:
 * this runs per line. A value whose first 8 bytes are not all ASCII cannot be a time either way.
 */
function secondsOfDay(b: Uint8Array, at: number, to: number): number {
  if (to - at < 8 || b[at + 2] !== COLON || b[at + 5] !== COLON) return NaN;
  const h = digit(b, at) * 10 + digit(b, at + 1);
  const m = digit(b, at + 3) * 10 + digit(b, at + 4);
  const s = digit(b, at + 6) * 10 + digit(b, at + 7);
  if (!(h <= 23 && m <= 59 && s <= 60)) return NaN;
  return h * 3600 + m * 60 + s;
}

/** ISO 8601 in UTC, to the second (W3C log times are UTC, reference 7). */
const iso = (sec: number) => new Date(sec * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

const FAILURE_SUBSTATUSES = new Set(CLIENT_CERT_STATUSES.map((s) => s.slice(4)));

/**
 * A line of more bytes than this holds more than MAX_LOG_LINE characters whatever they are (UTF-8
 * spends at most 3 bytes per UTF-16 unit), plus its CR and LF.
 */
export const MAX_LINE_BYTES = 3 * MAX_LOG_LINE + 2;
/** Values up to this many bytes are remembered as bytes to skip a lookup when the next line repeats them. */
const CACHED_VALUE_BYTES = 32;

/** Streaming statistics over one W3C log: push UTF-8 bytes (or text) in any chunk sizes, then end(). */
export class W3cLogAnalyzer {
  private readonly fixedWidth: number | null;
  private readonly reader = new ByteLines(
    MAX_LINE_BYTES,
    (b, start, end, n, base) => this.line(b, start, end, n, base),
    () => {
      // Not a log line: count it once and drop everything up to the next newline without keeping it.
      this.lines++;
      this.malformed++;
    },
  );
  /** A high surrogate that ended the last text pushed: its low half comes with the next. */
  private heldSurrogate = '';
  private lines = 0;
  private records = 0;
  private malformed = 0;
  private fieldHeaders = 0;
  private cols: Columns = columnsOf(parseFields(DEFAULT_FIELDS));
  private headerDate = NaN;
  /** The previous record's date value and its day: a log holds one or two dates in millions of lines. */
  private readonly lastDate = new Uint8Array(CACHED_VALUE_BYTES);
  private lastDateLen = -1;
  private lastDay = NaN;
  private first = Infinity;
  private last = -Infinity;
  /** status -> substatus ("" when not logged) -> count; few in practice, capped for hostile input. */
  private readonly statuses = new Map<string, Map<string, { n: number }>>();
  /** The counters of `statuses` by status and digit sub-status as one number (countStatus); as many as there are counters. */
  private readonly cellByCode = new Map<number, { n: number }>();
  /** The previous record's code and counter: runs of "200 0" skip even the map. */
  private lastCode = -1;
  private lastCodeCell: { n: number } | null = null;
  private statusKeys = 0;
  private statusOther = 0;
  /** Where the values of the current record lie (SLOT order), reused for every line. */
  private readonly vals = new ByteFields(7);
  private lastBucketKey = NaN;
  private lastBucket: Bucket | null = null;
  /** The seconds lastBucket spans, [from, to). */
  private lastBucketFrom = 0;
  private lastBucketTo = 0;
  private readonly failures = new Map<string, FailureAgg>();
  private readonly win32 = new BoundedCounter();
  private width: number;
  private timeline = new Map<number, Bucket>();
  private readonly pending = new Map<string, { t: number; url: string; line: number }>();
  private readonly examples: W3cLogStats['pattern500Then4037'] = [];
  private patternTotal = 0;

  constructor(
    private readonly source: string,
    opts: { bucketMinutes?: number } = {},
  ) {
    const asked = opts.bucketMinutes;
    this.fixedWidth = asked !== undefined && Number.isInteger(asked) && asked >= 1 ? asked : null;
    this.width = this.fixedWidth ?? 1;
  }

  /** Feed the next piece of text; lines may be split anywhere, CRLF or LF. */
  push(chunk: string): void {
    let text = this.heldSurrogate + chunk;
    this.heldSurrogate = '';
    const last = text.charCodeAt(text.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) {
      this.heldSurrogate = text.slice(-1);
      text = text.slice(0, -1);
    }
    this.reader.push(encodeUtf8(text));
  }

  /** Feed the next piece of the log as UTF-8 bytes (createUtf8ByteStream); lines may be split anywhere. */
  pushBytes(chunk: Uint8Array): void {
    this.reader.push(chunk);
  }

  /** The line b[start, end) (its newline excluded), which holds `n` spaces (positions at reader.spaces[base...]). */
  private line(b: Uint8Array, start: number, end: number, n: number, base: number): void {
    this.lines++;
    if (end > start && b[end - 1] === CR) end--;
    if (end - start > MAX_LOG_LINE && decodeUtf8(b, start, end).length > MAX_LOG_LINE) {
      this.malformed++;
      return;
    }
    if (end === start) return;
    if (b[start] === HASH) {
      this.directive(decodeUtf8(b, start, end));
      return;
    }
    const { wanted, count } = this.cols;
    if (!this.vals.place(b, start, end, this.reader.spaces, base, n, count, wanted)) {
      // Tolerate tabs, doubled or trailing spaces before calling the line malformed; the fields, joined
      // by single spaces, are then read like any line.
      const text = decodeUtf8(b, start, end);
      const parts = text.trim().split(/[ \t]+/);
      if (parts.length === count) {
        const normal = encodeUtf8(parts.join(' '));
        this.vals.place(normal, 0, normal.length, this.reader.single, 0, this.reader.spacesOf(normal, 0, normal.length), count, wanted);
      } else {
        // A pasted prompt row ("PS C:\> Get-Content u_ex261117.log") is not a damaged record.
        if (promptOf(text) === null) this.malformed++;
        return;
      }
    }
    this.record();
  }

  private record(): void {
    const v = this.vals;
    const b = v.buf;
    const has = this.cols.has;
    let status = 0;
    if (has[SLOT.status]) {
      const at = v.at[SLOT.status]!;
      if (v.to[SLOT.status]! - at !== 3 || !(digit(b, at) >= 1 && digit(b, at + 1) >= 0 && digit(b, at + 2) >= 0)) {
        this.malformed++;
        return;
      }
      status = b[at]! * 100 + b[at + 1]! * 10 + b[at + 2]! - 48 * 111;
    }
    this.records++;

    // Time: date + time columns, or the #Date header's day when the log has time only.
    let t = NaN;
    if (has[SLOT.time]) {
      const day = has[SLOT.date] ? this.day() : this.headerDate;
      t = day + secondsOfDay(b, v.at[SLOT.time]!, v.to[SLOT.time]!);
    }
    const timed = t === t; // not NaN
    if (timed) {
      if (t < this.first) this.first = t;
      if (t > this.last) this.last = t;
    }

    if (status) this.countStatus(status);
    const is403 = status === 403;
    // Only a 403's sub-status and win32 status and a 500's client become text (a few lines in a hundred).
    const sub = is403 ? (v.empty(SLOT.sub) ? '' : v.text(SLOT.sub)) : '';
    const isFailure = is403 && FAILURE_SUBSTATUSES.has(sub);

    if (isFailure) {
      const key = `403.${sub}`;
      let agg = this.failures.get(key);
      if (!agg) {
        agg = { count: 0, byUrl: new BoundedCounter(), byClient: new BoundedCounter(), first: Infinity, last: -Infinity };
        this.failures.set(key, agg);
      }
      agg.count++;
      agg.byUrl.add(v.text(SLOT.url));
      agg.byClient.add(v.text(SLOT.client));
      if (timed) {
        if (t < agg.first) agg.first = t;
        if (t > agg.last) agg.last = t;
      }
    }
    if (is403 && !v.empty(SLOT.win32)) this.win32.add(`${sub ? `403.${sub}` : '403'}|${v.text(SLOT.win32)}`);
    if (timed) this.count(t, isFailure, status === 500);

    // Field note 001 item 11: a 500 with sc-win32-status 64 (the connection went away while IIS was
    // renegotiating for the certificate) and then a 403.7 from the same client.
    if (timed && (status === 500 || (is403 && sub === '7')) && !v.empty(SLOT.client)) {
      const client = v.text(SLOT.client);
      if (status === 500) {
        if (v.is(SLOT.win32, '64')) {
          this.pending.delete(client);
          this.pending.set(client, { t, url: v.text(SLOT.url), line: this.lines });
          if (this.pending.size > MAX_PENDING) this.pending.delete(this.pending.keys().next().value!);
        }
      } else {
        const p = this.pending.get(client);
        if (p && t >= p.t && t - p.t <= PATTERN_WINDOW_SECONDS) {
          this.pending.delete(client);
          this.patternTotal++;
          if (this.examples.length < MAX_PATTERN_EXAMPLES) {
            this.examples.push({ client, url: p.url, at500: iso(p.t), at403: iso(t), line500: p.line, line403: this.lines, url403: v.text(SLOT.url) });
          }
        }
      }
    }
  }

  /** Seconds since the epoch of the record's day (the date column). */
  private day(): number {
    const v = this.vals;
    if (v.same(SLOT.date, this.lastDate, this.lastDateLen)) return this.lastDay;
    const day = dayStart(v.text(SLOT.date));
    this.lastDateLen = v.copy(SLOT.date, this.lastDate);
    this.lastDay = day;
    return day;
  }

  private countStatus(status: number): void {
    const v = this.vals;
    const noSub = v.empty(SLOT.sub);
    // Nearly every line is a status with a sub-status of a few digits: its counter is found by a number
    // made from the bytes, with no string made. Other sub-statuses take the text path below.
    const digits = noSub ? 0 : v.digits(SLOT.sub);
    const code = digits < 0 ? -1 : status * 50_000 + digits;
    if (code >= 0 && code === this.lastCode) {
      this.lastCodeCell!.n++;
      return;
    }
    if (code >= 0) {
      const known = this.cellByCode.get(code);
      if (known) {
        known.n++;
        this.lastCode = code;
        this.lastCodeCell = known;
        return;
      }
    }
    const key = String(status);
    const sub = noSub ? '' : v.text(SLOT.sub);
    let inner = this.statuses.get(key);
    if (!inner) {
      if (this.statusKeys >= MAX_KEYS) {
        this.statusOther++;
        return;
      }
      inner = new Map();
      this.statuses.set(key, inner);
    }
    let cell = inner.get(sub);
    if (!cell) {
      if (this.statusKeys >= MAX_KEYS) {
        this.statusOther++;
        return;
      }
      cell = { n: 0 };
      inner.set(sub, cell);
      this.statusKeys++;
    }
    cell.n++;
    if (code >= 0) this.cellByCode.set(code, cell);
  }

  private directive(text: string): void {
    if (FIREWALL_LOG.test(text)) throw new CertbenchError('bad-input', `${this.source}: ${FIREWALL_LOG_MESSAGE}`);
    if (/^#Fields:/i.test(text)) {
      this.fieldHeaders++;
      // #Date comes before #Fields in IIS's header block (reference 7), so it is kept across it.
      this.cols = columnsOf(parseFields(text.slice(8)));
    } else if (/^#Date:/i.test(text)) {
      this.headerDate = dayStart(text.slice(6).trim().slice(0, 10));
    }
    // #Software, #Version, #Remark: nothing to keep.
  }

  private count(t: number, failure: boolean, is500: boolean): void {
    // The same bucket as the record before (the usual case): two comparisons, no division.
    const last = this.lastBucket;
    if (last && t >= this.lastBucketFrom && t < this.lastBucketTo) {
      last.total++;
      if (failure) last.clientCertFailures++;
      if (is500) last.status500++;
      return;
    }
    let k = Math.floor(t / 60 / this.width);
    let b = k === this.lastBucketKey ? this.lastBucket : this.timeline.get(k);
    // Not recursive, so the JIT can inline it into the per-record path.
    while (!b && this.timeline.size >= MAX_TIMELINE_KEYS) {
      this.widen(this.nextWidth(this.width));
      k = Math.floor(t / 60 / this.width);
      b = this.timeline.get(k);
    }
    if (!b) {
      b = { total: 0, clientCertFailures: 0, status500: 0 };
      this.timeline.set(k, b);
    }
    this.lastBucketKey = k;
    this.lastBucket = b;
    this.lastBucketFrom = k * this.width * 60;
    this.lastBucketTo = (k + 1) * this.width * 60;
    b.total++;
    if (failure) b.clientCertFailures++;
    if (is500) b.status500++;
  }

  private nextWidth(w: number): number {
    if (this.fixedWidth !== null) return w * 2;
    return LADDER.find((x) => x > w) ?? w * 2;
  }

  /** Merge the per-bucket counts into wider buckets (the new width is a multiple of the old). */
  private widen(to: number): void {
    const merged = new Map<number, Bucket>();
    for (const [k, b] of this.timeline) {
      const nk = Math.floor((k * this.width) / to);
      const m = merged.get(nk);
      if (m) {
        m.total += b.total;
        m.clientCertFailures += b.clientCertFailures;
        m.status500 += b.status500;
      } else merged.set(nk, { ...b });
    }
    this.timeline = merged;
    this.width = to;
    this.lastBucketKey = NaN;
    this.lastBucket = null;
  }

  private buckets(): W3cLogStats['timeline'] {
    if (!this.timeline.size) return { bucketMinutes: this.width, buckets: [] };
    const keys = [...this.timeline.keys()];
    const span = (w: number) => Math.floor((Math.max(...keys) * this.width) / w) - Math.floor((Math.min(...keys) * this.width) / w) + 1;
    let w = this.width;
    while (span(w) > MAX_BUCKETS) w = this.nextWidth(w);
    if (w !== this.width) this.widen(w);
    const lo = Math.min(...this.timeline.keys());
    const hi = Math.max(...this.timeline.keys());
    const buckets: W3cLogStats['timeline']['buckets'] = [];
    for (let k = lo; k <= hi; k++) {
      const b = this.timeline.get(k);
      buckets.push({ start: iso(k * w * 60), total: b?.total ?? 0, clientCertFailures: b?.clientCertFailures ?? 0, status500: b?.status500 ?? 0 });
    }
    return { bucketMinutes: w, buckets };
  }

  private statusCounts(): W3cLogStats['statusCounts'] {
    const out: W3cLogStats['statusCounts'] = [];
    for (const [status, inner] of this.statuses) for (const [sub, cell] of inner) out.push({ status: sub ? `${status}.${sub}` : status, count: cell.n });
    out.sort((a, b) => b.count - a.count || (a.status < b.status ? -1 : 1));
    if (this.statusOther) out.push({ status: OTHER, count: this.statusOther });
    return out;
  }

  /** Finish: the last line may lack its newline. `totalBytes` is the size of what was read. */
  end(totalBytes: number): W3cLogStats {
    if (this.heldSurrogate) this.push('\ufffd');
    this.reader.end();
    const timeline = this.buckets();
    const clientCertFailures: W3cLogStats['clientCertFailures'] = [];
    for (const status of CLIENT_CERT_STATUSES) {
      const agg = this.failures.get(status);
      if (!agg) continue;
      clientCertFailures.push({
        status,
        count: agg.count,
        byUrl: agg.byUrl.top(20),
        byClient: agg.byClient.top(20),
        firstSeen: Number.isFinite(agg.first) ? iso(agg.first) : null,
        lastSeen: Number.isFinite(agg.last) ? iso(agg.last) : null,
      });
    }
    const win32Statuses = this.win32
      .top()
      .filter((e) => e.key !== OTHER)
      .map(({ key, count }) => {
        const [status = '', win32 = ''] = key.split('|');
        const d = decodeWin32Status(win32);
        return { status, win32, meaning: d.meaning ? `${d.text}: ${d.meaning}` : d.text, count };
      });
    return {
      source: this.source,
      bytes: totalBytes,
      lines: this.lines,
      records: this.records,
      malformed: this.malformed,
      fieldHeaders: this.fieldHeaders,
      firstTime: Number.isFinite(this.first) ? iso(this.first) : null,
      lastTime: Number.isFinite(this.last) ? iso(this.last) : null,
      statusCounts: this.statusCounts(),
      clientCertFailures,
      timeline,
      pattern500Then4037: this.examples,
      pattern500Then4037Total: this.patternTotal,
      win32Statuses,
    };
  }
}

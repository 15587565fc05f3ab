import { CertbenchError } from '../errors';
import type { W3cLogStats } from '../model/server';
import { promptOf } from './paste-noise';
import { decodeWin32Status } from './win32-status';

/**
 * IIS W3C logs (reference section 7), read as a stream in bounded memory: a day's log of a busy site
 * is hundreds of MB, and the user wants to know about the few hundred 403.7s in it. Fields are found
 * by the `#Fields:` header, never by position (a new header can appear mid-file when logging settings
 * change, and sites add s-sitename, cs-host... as field note 001 item 11 shows). Every map is capped,
 * so a log with millions of distinct client addresses costs the same memory as one with ten.
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
  /** Column index -> slot (or -1). */
  slot: Int8Array;
  has: boolean[];
}

function columnsOf(names: string[]): Columns {
  const slot = new Int8Array(names.length).fill(-1);
  const has = [false, false, false, false, false, false, false];
  names.forEach((n, i) => {
    // Own keys only: a hostile "#Fields: constructor" must not find Object.prototype.constructor.
    const k = Object.hasOwn(SLOT_FIELDS, n) ? SLOT_FIELDS[n] : undefined;
    if (k !== undefined && !has[k]) {
      slot[i] = k;
      has[k] = true;
    }
  });
  return { count: names.length, slot, has };
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

const digit = (s: string, i: number) => {
  const d = s.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : NaN;
};

/** hh:mm:ss (W3C allows fractions after it; IIS writes whole seconds). Read by char codes: this runs per line. */
function secondsOfDay(time: string): number {
  if (time.length < 8 || time.charCodeAt(2) !== 58 || time.charCodeAt(5) !== 58) return NaN;
  const h = digit(time, 0) * 10 + digit(time, 1);
  const m = digit(time, 3) * 10 + digit(time, 4);
  const s = digit(time, 6) * 10 + digit(time, 7);
  if (!(h <= 23 && m <= 59 && s <= 60)) return NaN;
  return h * 3600 + m * 60 + s;
}

const isStatus = (v: string) => v.length === 3 && digit(v, 0) >= 1 && digit(v, 1) >= 0 && digit(v, 2) >= 0;

/** ISO 8601 in UTC, to the second (W3C log times are UTC, reference 7). */
const iso = (sec: number) => new Date(sec * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

const empty = (v: string | undefined) => v === undefined || v === '' || v === '-';

const FAILURE_SUBSTATUSES = new Set(CLIENT_CERT_STATUSES.map((s) => s.slice(4)));

/** Streaming statistics over one W3C log: push decoded text in any chunk sizes, then end(). */
export class W3cLogAnalyzer {
  private readonly fixedWidth: number | null;
  private carry = '';
  private skipping = false;
  private lines = 0;
  private records = 0;
  private malformed = 0;
  private fieldHeaders = 0;
  private cols: Columns = columnsOf(parseFields(DEFAULT_FIELDS));
  private headerDate = NaN;
  private lastDate = '';
  private lastDay = NaN;
  private first = Infinity;
  private last = -Infinity;
  /** status -> substatus ("" when not logged) -> count; few in practice, capped for hostile input. */
  private readonly statuses = new Map<string, Map<string, { n: number }>>();
  private lastStatus = '';
  private lastSub = '';
  private lastCell: { n: number } | null = null;
  private statusKeys = 0;
  private statusOther = 0;
  /** The values of the current record (SLOT order), reused for every line. */
  private readonly vals: string[] = ['-', '-', '-', '-', '-', '-', '-'];
  private lastBucketKey = NaN;
  private lastBucket: Bucket | null = null;
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

  /** Feed the next piece of decoded text; lines may be split anywhere, CRLF or LF. */
  push(chunk: string): void {
    let pos = 0;
    if (this.skipping) {
      const nl = chunk.indexOf('\n');
      if (nl < 0) return;
      this.skipping = false;
      pos = nl + 1;
    }
    if (this.carry) {
      const nl = chunk.indexOf('\n', pos);
      if (nl < 0) {
        this.keepPartial(this.carry + chunk.slice(pos));
        return;
      }
      const line = this.carry + chunk.slice(pos, nl);
      this.carry = '';
      this.line(line, 0, line.length);
      pos = nl + 1;
    }
    // Lines are read in place (start/end offsets into the chunk): no string per line is made.
    for (let nl = chunk.indexOf('\n', pos); nl >= 0; nl = chunk.indexOf('\n', pos)) {
      this.line(chunk, pos, nl);
      pos = nl + 1;
    }
    if (pos < chunk.length) this.keepPartial(chunk.slice(pos));
  }

  private keepPartial(rest: string): void {
    if (rest.length > MAX_LOG_LINE) {
      // Not a log line: count it once and drop everything up to the next newline without keeping it.
      this.lines++;
      this.malformed++;
      this.carry = '';
      this.skipping = true;
    } else this.carry = rest;
  }

  /** Split s[start, end) on single spaces into the slots; false when the field count does not match. */
  private fields(s: string, start: number, end: number): boolean {
    const { slot, count } = this.cols;
    const vals = this.vals;
    let pos = start;
    let col = 0;
    for (;;) {
      let sp = s.indexOf(' ', pos);
      if (sp < 0 || sp > end) sp = end;
      if (col < count) {
        const k = slot[col]!;
        if (k >= 0) vals[k] = s.slice(pos, sp);
      }
      col++;
      if (sp >= end) break;
      pos = sp + 1;
    }
    if (col === count) return true;
    // Tolerate tabs, doubled or trailing spaces before calling the line malformed.
    const parts = s.slice(start, end).trim().split(/[ \t]+/);
    if (parts.length !== count) return false;
    for (let c = 0; c < count; c++) {
      const k = slot[c]!;
      if (k >= 0) vals[k] = parts[c]!;
    }
    return true;
  }

  private line(s: string, start: number, end: number): void {
    this.lines++;
    if (end > start && s.charCodeAt(end - 1) === 13) end--;
    if (end - start > MAX_LOG_LINE) {
      this.malformed++;
      return;
    }
    if (end === start) return;
    if (s.charCodeAt(start) === 35) {
      this.directive(s.slice(start, end));
      return;
    }
    const vals = this.vals;
    vals.fill('-');
    const has = this.cols.has;
    if (!this.fields(s, start, end)) {
      // A pasted prompt row ("PS C:\> Get-Content u_ex261117.log") is not a damaged record.
      if (promptOf(s.slice(start, end)) === null) this.malformed++;
      return;
    }
    const status = has[SLOT.status] ? vals[SLOT.status]! : '';
    if (has[SLOT.status] && !isStatus(status)) {
      this.malformed++;
      return;
    }
    this.records++;

    // Time: date + time columns, or the #Date header's day when the log has time only.
    let t = NaN;
    if (has[SLOT.time]) {
      let day = this.headerDate;
      if (has[SLOT.date]) {
        const d = vals[SLOT.date]!;
        if (d !== this.lastDate) {
          this.lastDate = d;
          this.lastDay = dayStart(d);
        }
        day = this.lastDay;
      }
      t = day + secondsOfDay(vals[SLOT.time]!);
    }
    const timed = t === t; // not NaN
    if (timed) {
      if (t < this.first) this.first = t;
      if (t > this.last) this.last = t;
    }

    const rawSub = vals[SLOT.sub]!;
    const sub = empty(rawSub) ? '' : rawSub;
    if (status) this.countStatus(status, sub);
    const client = vals[SLOT.client]!;
    const url = vals[SLOT.url]!;
    const win32 = vals[SLOT.win32]!;
    const is403 = status === '403';
    const isFailure = is403 && FAILURE_SUBSTATUSES.has(sub);

    if (isFailure) {
      const key = `403.${sub}`;
      let agg = this.failures.get(key);
      if (!agg) {
        agg = { count: 0, byUrl: new BoundedCounter(), byClient: new BoundedCounter(), first: Infinity, last: -Infinity };
        this.failures.set(key, agg);
      }
      agg.count++;
      agg.byUrl.add(url);
      agg.byClient.add(client);
      if (timed) {
        if (t < agg.first) agg.first = t;
        if (t > agg.last) agg.last = t;
      }
    }
    if (is403 && !empty(win32)) this.win32.add(`${sub ? `403.${sub}` : '403'}|${win32}`);
    if (timed) this.count(t, isFailure, status === '500');

    // Field note 001 item 11: a 500 with sc-win32-status 64 (the connection went away while IIS was
    // renegotiating for the certificate) and then a 403.7 from the same client.
    if (timed && (status === '500' || (is403 && sub === '7')) && !empty(client)) {
      if (status === '500') {
        if (win32 === '64') {
          this.pending.delete(client);
          this.pending.set(client, { t, url, line: this.lines });
          if (this.pending.size > MAX_PENDING) this.pending.delete(this.pending.keys().next().value!);
        }
      } else {
        const p = this.pending.get(client);
        if (p && t >= p.t && t - p.t <= PATTERN_WINDOW_SECONDS) {
          this.pending.delete(client);
          this.patternTotal++;
          if (this.examples.length < MAX_PATTERN_EXAMPLES) {
            this.examples.push({ client, url: p.url, at500: iso(p.t), at403: iso(t), line500: p.line, line403: this.lines, url403: url });
          }
        }
      }
    }
  }

  private countStatus(status: string, sub: string): void {
    // Most lines repeat the previous status (a run of 200 0): skip the map lookups for them.
    if (status === this.lastStatus && sub === this.lastSub && this.lastCell) {
      this.lastCell.n++;
      return;
    }
    let inner = this.statuses.get(status);
    if (!inner) {
      if (this.statusKeys >= MAX_KEYS) {
        this.statusOther++;
        return;
      }
      inner = new Map();
      this.statuses.set(status, inner);
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
    this.lastStatus = status;
    this.lastSub = sub;
    this.lastCell = cell;
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
    const k = Math.floor(t / 60 / this.width);
    let b = k === this.lastBucketKey ? this.lastBucket : this.timeline.get(k);
    if (!b) {
      if (this.timeline.size >= MAX_TIMELINE_KEYS) {
        this.widen(this.nextWidth(this.width));
        this.count(t, failure, is500);
        return;
      }
      b = { total: 0, clientCertFailures: 0, status500: 0 };
      this.timeline.set(k, b);
    }
    this.lastBucketKey = k;
    this.lastBucket = b;
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
    if (this.carry && !this.skipping) this.line(this.carry, 0, this.carry.length);
    this.carry = '';
    this.skipping = false;
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

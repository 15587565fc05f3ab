import type { W3cLogStats } from '../../../../shared/model/server';

/**
 * Geometry of the log chart (log statistics over time), kept apart from the
 * SVG so scales, bar heights and time labels are tested as numbers. Three lanes share one time axis,
 * each with its own scale: a handful of 403.7s beside thousands of requests would be invisible
 * on a common scale, and "when did the failures start?" is the question the chart answers.
 */

export type Bucket = W3cLogStats['timeline']['buckets'][number];
export type SeriesKey = 'total' | 'failures' | 'status500';

/** `label` for the legend, `lane` for the lane's own label (it must fit the left margin). */
export const SERIES: { key: SeriesKey; label: string; lane: string; field: keyof Omit<Bucket, 'start'> }[] = [
  { key: 'total', label: 'All requests', lane: 'All requests', field: 'total' },
  { key: 'failures', label: 'Client-certificate failures (403.7, 403.13, 403.16, 403.17)', lane: 'Certificate failures', field: 'clientCertFailures' },
  { key: 'status500', label: 'Server errors (500)', lane: '500 errors', field: 'status500' },
];

/** More bars than this become thinner than a pixel at the page's width: adjacent buckets are added up. */
export const MAX_BARS = 240;

/** Add up adjacent buckets so at most `maxBars` remain; the bucket width grows by the same factor. */
export function mergeBuckets(buckets: Bucket[], bucketMinutes: number, maxBars = MAX_BARS): { buckets: Bucket[]; bucketMinutes: number } {
  if (buckets.length <= maxBars) return { buckets, bucketMinutes };
  const factor = Math.ceil(buckets.length / maxBars);
  const merged: Bucket[] = [];
  for (let i = 0; i < buckets.length; i += factor) {
    const group = buckets.slice(i, i + factor);
    merged.push({
      start: group[0]!.start,
      total: sum(group, 'total'),
      clientCertFailures: sum(group, 'clientCertFailures'),
      status500: sum(group, 'status500'),
    });
  }
  return { buckets: merged, bucketMinutes: bucketMinutes * factor };
}

function count(n: number, one: string): string {
  return `${n.toLocaleString('en-US')} ${one}${n === 1 ? '' : 's'}`;
}

function sum(group: Bucket[], field: keyof Omit<Bucket, 'start'>): number {
  return group.reduce((n, b) => n + b[field], 0);
}

/** The smallest 1, 2 or 5 times a power of ten that is at least `n` (1 for an empty lane). */
export function niceMax(n: number): number {
  if (!(n > 1)) return 1;
  const power = 10 ** Math.floor(Math.log10(n));
  for (const m of [1, 2, 5, 10]) if (m * power >= n) return m * power;
  return 10 * power;
}

/** "08:15" in UTC (IIS writes W3C times in UTC), with the day when asked: "Mar 17 08:15". */
export function formatUtc(iso: string, withDate: boolean): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  if (!withDate) return time;
  const day = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(d);
  return `${day} ${time}`;
}

/** "Mar 17 08:01:15" in UTC: for single events, where the seconds tell what came first. */
export function formatUtcSeconds(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${formatUtc(iso, true)}:${pad(d.getUTCSeconds())}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function utcDay(iso: string): string {
  return iso.slice(0, 10);
}

/** "15 minutes", "1 hour", "2 days". */
export function durationWords(minutes: number): string {
  if (minutes % 1440 === 0) return minutes === 1440 ? '1 day' : `${minutes / 1440} days`;
  if (minutes % 60 === 0) return minutes === 60 ? '1 hour' : `${minutes / 60} hours`;
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

const TICK_STEPS_MINUTES = [1, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080];

/**
 * Which buckets get a time label: at round times (every 15 min, hour, 6 hours, day...) so labels
 * read like a clock, at most `maxTicks` of them. The first label and each one on a new day carry the date.
 */
export function timeTicks(buckets: Bucket[], bucketMinutes: number, maxTicks = 8): { index: number; label: string }[] {
  if (buckets.length === 0) return [];
  const spanMinutes = buckets.length * bucketMinutes;
  const step = TICK_STEPS_MINUTES.find((s) => s >= bucketMinutes && spanMinutes / s <= maxTicks) ?? Math.ceil(spanMinutes / maxTicks);
  const stepBuckets = Math.max(1, Math.round(step / bucketMinutes));
  let indices = buckets
    .map((b, i) => ({ i, t: new Date(b.start).getTime() }))
    .filter(({ t }) => Number.isFinite(t) && Math.round(t / 60_000) % step === 0)
    .map(({ i }) => i);
  // Fewer than two round times (odd bucket starts) or too many: evenly spaced labels instead.
  if ((indices.length < 2 && buckets.length > 1) || indices.length > maxTicks) {
    indices = [];
    for (let i = 0; i < buckets.length; i += stepBuckets) indices.push(i);
  }
  const multiDay = utcDay(buckets[0]!.start) !== utcDay(buckets[buckets.length - 1]!.start) || spanMinutes > 1440;
  let lastDay = '';
  return indices.map((index) => {
    const iso = buckets[index]!.start;
    const day = utcDay(iso);
    const withDate = lastDay === '' || (multiDay && day !== lastDay);
    lastDay = day;
    return { index, label: formatUtc(iso, withDate) };
  });
}

export interface ChartBar {
  index: number;
  x: number;
  y: number;
  width: number;
  height: number;
  value: number;
}

export interface ChartLane {
  key: SeriesKey;
  label: string;
  top: number;
  height: number;
  /** The lane's scale: the value a full-height bar stands for. */
  max: number;
  /** The lane's sum over the whole log. */
  total: number;
  bars: ChartBar[];
}

export interface ChartColumn {
  index: number;
  x: number;
  width: number;
  start: string;
  title: string;
}

export interface ChartLayout {
  width: number;
  height: number;
  plotLeft: number;
  plotRight: number;
  axisY: number;
  bucketMinutes: number;
  lanes: ChartLane[];
  ticks: { x: number; label: string }[];
  columns: ChartColumn[];
  merged: boolean;
}

export const CHART = { width: 960, left: 170, right: 12, top: 10, laneHeight: 62, laneGap: 16, axis: 30 };

/**
 * Bars for each lane and bucket. A bucket with at least one event is never drawn thinner than 2
 * units, so one 403.7 among thousands of requests still shows.
 */
export function layoutChart(timeline: W3cLogStats['timeline'], maxBars = MAX_BARS): ChartLayout {
  const { buckets, bucketMinutes } = mergeBuckets(timeline.buckets, Math.max(1, timeline.bucketMinutes), maxBars);
  const plotLeft = CHART.left;
  const plotRight = CHART.width - CHART.right;
  const plotWidth = plotRight - plotLeft;
  const n = Math.max(1, buckets.length);
  const slot = plotWidth / n;
  const barWidth = slot >= 4 ? slot * 0.78 : Math.max(0.6, slot - 0.4);
  const lanes = SERIES.map((s, li): ChartLane => {
    const top = CHART.top + li * (CHART.laneHeight + CHART.laneGap);
    const values = buckets.map((b) => b[s.field]);
    const max = niceMax(Math.max(0, ...values));
    const bars = values.flatMap((value, index) => {
      if (value <= 0) return [];
      const height = Math.max(2, (value / max) * CHART.laneHeight);
      return [{ index, value, x: plotLeft + index * slot + (slot - barWidth) / 2, width: barWidth, height, y: top + CHART.laneHeight - height }];
    });
    return { key: s.key, label: s.label, top, height: CHART.laneHeight, max, total: values.reduce((a, v) => a + v, 0), bars };
  });
  const axisY = CHART.top + SERIES.length * (CHART.laneHeight + CHART.laneGap) - CHART.laneGap;
  const ticks = timeTicks(buckets, bucketMinutes).map((t) => ({ x: plotLeft + t.index * slot, label: t.label }));
  const columns = buckets.map((b, index) => ({
    index,
    x: plotLeft + index * slot,
    width: slot,
    start: b.start,
    title: `${bucketRange(b.start, bucketMinutes)} UTC: ${count(b.total, 'request')}, ${count(b.clientCertFailures, 'client-certificate failure')}, ${count(b.status500, 'server error')} (500)`,
  }));
  return {
    width: CHART.width,
    height: axisY + CHART.axis,
    plotLeft,
    plotRight,
    axisY,
    bucketMinutes,
    lanes,
    ticks,
    columns,
    merged: buckets.length !== timeline.buckets.length,
  };
}

/** "Mar 17 08:00–08:15" (the end on the same day is written without its date). */
export function bucketRange(startIso: string, bucketMinutes: number): string {
  const start = new Date(startIso);
  if (Number.isNaN(start.getTime())) return startIso;
  const end = new Date(start.getTime() + bucketMinutes * 60_000);
  const sameDay = utcDay(start.toISOString()) === utcDay(end.toISOString());
  return `${formatUtc(start.toISOString(), true)}–${formatUtc(end.toISOString(), !sameDay)}`;
}

/** The chart in one paragraph, for its <desc> (screen readers) and as the line under its title. */
export function chartDescription(timeline: W3cLogStats['timeline']): string {
  const { buckets, bucketMinutes } = timeline;
  if (buckets.length === 0) return 'No timed requests in this log.';
  const total = sum(buckets, 'total');
  const failures = sum(buckets, 'clientCertFailures');
  const errors = sum(buckets, 'status500');
  const first = formatUtc(buckets[0]!.start, true);
  const last = bucketRange(buckets[buckets.length - 1]!.start, bucketMinutes);
  let text = `Requests per ${durationWords(bucketMinutes)} from ${first} to ${last} UTC: ${count(total, 'request')}, ${count(failures, 'client-certificate failure')}, ${count(errors, 'server error')} (500).`;
  if (failures > 0) {
    const peak = buckets.reduce((best, b) => (b.clientCertFailures > best.clientCertFailures ? b : best));
    const firstFailure = buckets.find((b) => b.clientCertFailures > 0)!;
    text += ` Failures start ${formatUtc(firstFailure.start, true)}; most (${peak.clientCertFailures.toLocaleString('en-US')}) ${bucketRange(peak.start, bucketMinutes)}.`;
  }
  return text;
}

import { describe, expect, it } from 'vitest';
import {
  bucketRange,
  CHART,
  chartDescription,
  durationWords,
  formatUtc,
  formatUtcSeconds,
  layoutChart,
  mergeBuckets,
  niceMax,
  timeTicks,
  type Bucket,
} from '../../renderer/src/ui/server/log-chart-scale';

/**
 * The Server side page's log chart as numbers: lane scales, bar heights (one 403.7 among thousands
 * of requests must still show), time labels at round UTC times, and the sentence screen readers get.
 */

function buckets(n: number, minutes: number, start = '2026-03-17T08:00:00.000Z', fill: (i: number) => Partial<Bucket> = () => ({})): Bucket[] {
  const t0 = Date.parse(start);
  return Array.from({ length: n }, (_, i) => ({
    start: new Date(t0 + i * minutes * 60_000).toISOString(),
    total: 0,
    clientCertFailures: 0,
    status500: 0,
    ...fill(i),
  }));
}

describe('niceMax', () => {
  it('rounds up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 1, 3, 7, 10, 11, 120, 480, 501, 1000, 4321].map(niceMax)).toEqual([1, 1, 5, 10, 10, 20, 200, 500, 1000, 1000, 5000]);
  });
});

describe('mergeBuckets', () => {
  it('keeps buckets that fit and adds up adjacent ones that do not', () => {
    const few = buckets(10, 5, undefined, () => ({ total: 1 }));
    expect(mergeBuckets(few, 5, 240)).toEqual({ buckets: few, bucketMinutes: 5 });

    const many = buckets(500, 1, undefined, (i) => ({ total: 2, clientCertFailures: i === 499 ? 1 : 0, status500: i % 100 === 0 ? 1 : 0 }));
    const merged = mergeBuckets(many, 1, 240);
    expect(merged.bucketMinutes).toBe(3);
    expect(merged.buckets).toHaveLength(167);
    // Nothing is lost in the merge: the totals the user reads stay the log's totals.
    const sum = (k: keyof Omit<Bucket, 'start'>) => merged.buckets.reduce((n, b) => n + b[k], 0);
    expect([sum('total'), sum('clientCertFailures'), sum('status500')]).toEqual([1000, 1, 5]);
    expect(merged.buckets[0]!.start).toBe(many[0]!.start);
  });
});

describe('layoutChart', () => {
  it('gives each lane its own scale so a single failure still shows beside thousands of requests', () => {
    const b = buckets(12, 15, undefined, (i) => ({ total: 1000 + i * 100, clientCertFailures: i === 5 ? 1 : 0, status500: i === 6 ? 3 : 0 }));
    const layout = layoutChart({ bucketMinutes: 15, buckets: b });
    const [total, failures, errors] = layout.lanes;
    expect(total!.max).toBe(5000);
    expect(failures!.max).toBe(1);
    expect(errors!.max).toBe(5);
    expect(total!.bars).toHaveLength(12);
    // One 403.7: the only bar of its lane, full height of the lane (it is the lane's maximum).
    expect(failures!.bars).toEqual([expect.objectContaining({ index: 5, value: 1, height: CHART.laneHeight })]);
    expect(errors!.bars[0]!.height).toBeCloseTo((3 / 5) * CHART.laneHeight);
    expect(failures!.total).toBe(1);
    // Bars sit on their lane's baseline, inside the plot.
    for (const lane of layout.lanes) {
      for (const bar of lane.bars) {
        expect(bar.y + bar.height).toBeCloseTo(lane.top + lane.height);
        expect(bar.x).toBeGreaterThanOrEqual(layout.plotLeft);
        expect(bar.x + bar.width).toBeLessThanOrEqual(layout.plotRight + 1e-9);
      }
    }
  });

  it('never draws a non-zero bucket thinner than 2 units, and draws nothing for zero', () => {
    const b = buckets(4, 60, undefined, (i) => ({ total: i === 0 ? 100_000 : 1 }));
    const lane = layoutChart({ bucketMinutes: 60, buckets: b }).lanes[0]!;
    expect(lane.bars.map((x) => x.height)).toEqual([CHART.laneHeight, 2, 2, 2]);
    expect(layoutChart({ bucketMinutes: 60, buckets: b }).lanes[1]!.bars).toEqual([]);
  });

  it('titles each column with its time and all three counts', () => {
    const b = buckets(2, 15, undefined, () => ({ total: 1234, clientCertFailures: 7, status500: 2 }));
    const layout = layoutChart({ bucketMinutes: 15, buckets: b });
    expect(layout.columns[1]!.title).toBe('Mar 17 08:15–08:30 UTC: 1,234 requests, 7 client-certificate failures, 2 server errors (500)');
    const one = layoutChart({ bucketMinutes: 15, buckets: buckets(1, 15, undefined, () => ({ total: 1, clientCertFailures: 1, status500: 1 })) });
    expect(one.columns[0]!.title).toBe('Mar 17 08:00–08:15 UTC: 1 request, 1 client-certificate failure, 1 server error (500)');
  });

  it('merges a long log to the bar limit and says the wider bucket', () => {
    const layout = layoutChart({ bucketMinutes: 1, buckets: buckets(1440, 1, undefined, () => ({ total: 1 })) }, 240);
    expect(layout.merged).toBe(true);
    expect(layout.bucketMinutes).toBe(6);
    expect(layout.lanes[0]!.bars).toHaveLength(240);
  });
});

describe('time labels', () => {
  it('labels round UTC times, the first with its date', () => {
    const ticks = timeTicks(buckets(24, 15, '2026-03-17T08:00:00Z'), 15);
    expect(ticks.map((t) => t.label)).toEqual(['Mar 17 08:00', '09:00', '10:00', '11:00', '12:00', '13:00']);
    expect(ticks.map((t) => t.index)).toEqual([0, 4, 8, 12, 16, 20]);
  });

  it('names the day again when a label falls on a new day', () => {
    const ticks = timeTicks(buckets(48, 60, '2026-03-17T00:00:00Z'), 60);
    expect(ticks.length).toBeLessThanOrEqual(8);
    expect(ticks[0]!.label).toBe('Mar 17 00:00');
    expect(ticks.map((t) => t.label)).toContain('Mar 18 00:00');
    expect(ticks.map((t) => t.label)).toContain('06:00');
  });

  it('falls back to evenly spaced labels when no bucket starts at a round time', () => {
    const ticks = timeTicks(buckets(10, 7, '2026-03-17T08:03:00Z'), 7, 5);
    expect(ticks.length).toBeGreaterThan(1);
    expect(ticks.length).toBeLessThanOrEqual(5);
    expect(ticks[0]).toEqual({ index: 0, label: 'Mar 17 08:03' });
  });

  it('formats in UTC whatever the machine zone is', () => {
    expect(formatUtc('2026-03-17T23:59:00+02:00', false)).toBe('21:59');
    expect(formatUtcSeconds('2026-03-17T08:01:15Z')).toBe('Mar 17 08:01:15');
    expect(bucketRange('2026-03-17T23:45:00Z', 30)).toBe('Mar 17 23:45–Mar 18 00:15');
    expect(durationWords(15)).toBe('15 minutes');
    expect(durationWords(60)).toBe('1 hour');
    expect(durationWords(1440)).toBe('1 day');
  });
});

describe('chartDescription', () => {
  it('says the span, the totals, and when the failures start and peak', () => {
    const b = buckets(8, 15, '2026-03-17T08:00:00Z', (i) => ({ total: 10, clientCertFailures: [0, 0, 1, 4, 2, 0, 0, 0][i]!, status500: i === 2 ? 1 : 0 }));
    expect(chartDescription({ bucketMinutes: 15, buckets: b })).toBe(
      'Requests per 15 minutes from Mar 17 08:00 to Mar 17 09:45–10:00 UTC: 80 requests, 7 client-certificate failures, 1 server error (500). Failures start Mar 17 08:30; most (4) Mar 17 08:45–09:00.',
    );
    expect(chartDescription({ bucketMinutes: 15, buckets: [] })).toBe('No timed requests in this log.');
  });
});

import { useId } from 'react';
import type { W3cLogStats } from '../../../../shared/model/server';
import { chartDescription, durationWords, layoutChart, SERIES } from './log-chart-scale';

/**
 * One log's requests over time as inline SVG (no chart library: the CSP allows only 'self', and
 * three rows of bars need none): all requests, client-certificate failures and 500s, one lane
 * each on a shared UTC time axis. Hovering a column names its time and all three counts.
 */
export function LogChart({ timeline, source }: { timeline: W3cLogStats['timeline']; source: string }) {
  const id = useId();
  const layout = layoutChart(timeline);
  const description = chartDescription(timeline);
  const title = `Requests over time in ${source}, per ${durationWords(layout.bucketMinutes)} (UTC)`;
  return (
    <figure className="log-chart" data-testid="log-chart">
      <div className="log-legend" aria-hidden="true">
        {SERIES.map((s) => (
          <span key={s.key} className="log-legend-item">
            <span className={`log-swatch is-${s.key}`} />
            {s.label}
          </span>
        ))}
        <span className="log-legend-item muted">Each row has its own scale; times are UTC, as IIS writes them.</span>
      </div>
      <svg
        className="log-chart-svg"
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        data-bucket-minutes={layout.bucketMinutes}
      >
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{description}</desc>
        {layout.lanes.map((lane) => (
          <g key={lane.key} className={`log-lane is-${lane.key}`} data-testid="log-lane" data-series={lane.key} data-total={lane.total}>
            <text className="log-lane-label" x={8} y={lane.top + 14}>
              {SERIES.find((s) => s.key === lane.key)!.lane}
            </text>
            <text className="log-lane-total" x={8} y={lane.top + 32}>
              {lane.total.toLocaleString('en-US')} in all
            </text>
            <line className="log-grid" x1={layout.plotLeft} x2={layout.plotRight} y1={lane.top} y2={lane.top} />
            <text className="log-scale" x={layout.plotLeft - 6} y={lane.top + 4} textAnchor="end">
              {lane.max.toLocaleString('en-US')}
            </text>
            <text className="log-scale" x={layout.plotLeft - 6} y={lane.top + lane.height} textAnchor="end">
              0
            </text>
            <line className="log-baseline" x1={layout.plotLeft} x2={layout.plotRight} y1={lane.top + lane.height} y2={lane.top + lane.height} />
            {lane.bars.map((bar) => (
              <rect
                key={bar.index}
                className="log-bar"
                x={bar.x}
                y={bar.y}
                width={bar.width}
                height={bar.height}
                data-testid="log-bar"
                data-series={lane.key}
                data-count={bar.value}
                data-start={layout.columns[bar.index]!.start}
              />
            ))}
          </g>
        ))}
        <g className="log-axis">
          {layout.ticks.map((t, i) => (
            <g key={i}>
              <line className="log-tick" x1={t.x} x2={t.x} y1={layout.axisY} y2={layout.axisY + 5} />
              <text className="log-tick-label" x={t.x} y={layout.axisY + 19} textAnchor={i === 0 && t.x - layout.plotLeft < 30 ? 'start' : 'middle'}>
                {t.label}
              </text>
            </g>
          ))}
        </g>
        {/* Transparent columns over all three lanes: hover names the time and every count. */}
        <g className="log-columns">
          {layout.columns.map((c) => (
            <rect key={c.index} className="log-column" x={c.x} y={0} width={c.width} height={layout.axisY}>
              <title>{c.title}</title>
            </rect>
          ))}
        </g>
      </svg>
      <figcaption className="log-chart-caption" data-testid="log-chart-caption">
        {description}
        {layout.merged && ` Shown per ${durationWords(layout.bucketMinutes)} to fit the width.`}
      </figcaption>
    </figure>
  );
}

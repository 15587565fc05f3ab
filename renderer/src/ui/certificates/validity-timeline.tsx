import { formatLocalDate, formatLocalDateTime } from '../../lib/dates';
import { validityWords } from '../../lib/validity';

/**
 * Validity as a bar from "valid from" to "valid to" with today marked on it, so "is it still
 * valid, and for how long" is seen rather than computed. Today outside the span sits at the edge
 * it has passed, with the distance in words.
 */
export function ValidityTimeline({ notBefore, notAfter, now }: { notBefore: string; notAfter: string; now: Date }) {
  const words = validityWords(notBefore, notAfter, now);
  const percent = Math.round(words.position * 1000) / 10;
  // Near an end the label hangs inwards from the marker, elsewhere it is centred on it: it never leaves the bar.
  const align = percent < 20 ? 'start' : percent > 80 ? 'end' : 'center';
  return (
    <div className={`timeline is-${words.status}`} data-testid="validity-timeline" data-status={words.status}>
      <div className="timeline-ends">
        <span className="timeline-end">
          <span className="timeline-end-label">Valid from</span>
          <time dateTime={notBefore} title={formatLocalDateTime(notBefore)} data-testid="timeline-start">
            {formatLocalDate(notBefore)}
          </time>
        </span>
        <span className="timeline-end is-right">
          <span className="timeline-end-label">Valid to</span>
          <time dateTime={notAfter} title={formatLocalDateTime(notAfter)} data-testid="timeline-end">
            {formatLocalDate(notAfter)}
          </time>
        </span>
      </div>
      <div className="timeline-track" aria-hidden="true">
        <div className="timeline-elapsed" style={{ width: `${percent}%` }} />
        {/* Shifted by its own width in proportion, so at either end it stays inside the bar. */}
        <div className="timeline-marker" style={{ left: `${percent}%`, transform: `translateX(-${percent}%)` }} />
      </div>
      <div className="timeline-today-row">
        <span className={`timeline-today is-${align}`} style={{ left: `${percent}%` }} data-testid="timeline-today">
          <strong>Today</strong>: {words.today}
        </span>
      </div>
    </div>
  );
}

import { useState } from 'react';
import type { SchannelEvent, SchannelEventSummary } from '../../../../shared/model/server';
import { formatLocalDateTime } from '../../lib/dates';
import { alertWords, plural } from './server-words';

/** Characters of a message shown before "More" (Schannel messages run to several sentences). */
const SHORT = 140;

/**
 * Schannel System-log events (reference item 9): how many of each id with what it means for client
 * certificates, then the most recent ones with their TLS alert named (RFC 8446 section 6).
 */
export function EventsView({ summary }: { summary: SchannelEventSummary }) {
  return (
    <div className="server-card" data-testid="events-view" data-source={summary.source}>
      <p className="server-card-head">
        <strong>{summary.source}</strong>
        <span className="muted"> · {plural(summary.total, 'Schannel event')}</span>
      </p>
      <div className="table-scroll">
        <table className="data-table server-table" data-testid="event-counts">
          <caption className="server-caption">By event id</caption>
          <thead>
            <tr>
              <th scope="col">Event id</th>
              <th scope="col">What it means</th>
              <th scope="col" className="is-num">
                Count
              </th>
            </tr>
          </thead>
          <tbody>
            {summary.byId.map((e) => (
              <tr key={e.id} data-testid="event-count" data-id={e.id} data-count={e.count}>
                <td className="mono is-id">{e.id}</td>
                <td>{e.meaning}</td>
                <td className="is-num">{e.count.toLocaleString('en-US')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {summary.recent.length > 0 && (
        <div className="table-scroll">
          <table className="data-table server-table events-table" data-testid="recent-events">
            <caption className="server-caption">Most recent {summary.recent.length === 1 ? 'event' : `${summary.recent.length} events`}, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Id</th>
                <th scope="col">TLS alert</th>
                <th scope="col">Message</th>
              </tr>
            </thead>
            <tbody>
              {summary.recent.map((e, i) => (
                <EventRow key={i} event={e} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function EventRow({ event }: { event: SchannelEvent }) {
  const [open, setOpen] = useState(false);
  const long = event.message.length > SHORT;
  const text = open || !long ? event.message : `${event.message.slice(0, SHORT).trimEnd()}…`;
  return (
    <tr data-testid="recent-event" data-id={event.id} className={event.level?.toLowerCase() === 'error' ? 'is-error-level' : ''}>
      <td className="events-time">{event.time ? formatLocalDateTime(event.time) : <span className="muted">No time</span>}</td>
      <td className="mono is-id" title={event.level ?? undefined}>
        {event.id}
      </td>
      <td>{event.alert ? <span className="mono">{alertWords(event.alert)}</span> : <span className="muted">None</span>}</td>
      <td>
        <span className="events-message" data-testid="event-message">
          {text}
        </span>
        {long && (
          <button type="button" className="link-button" aria-expanded={open} onClick={() => setOpen((o) => !o)} data-testid="event-more">
            {open ? 'Less' : 'More'}
          </button>
        )}
      </td>
    </tr>
  );
}

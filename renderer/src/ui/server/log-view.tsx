import { useState } from 'react';
import { formatBytes } from '../../../../shared/errors';
import type { W3cLogStats } from '../../../../shared/model/server';
import { formatUtc, formatUtcSeconds } from './log-chart-scale';
import { LogChart } from './log-chart';
import { displayStatus, isClientCertStatus, plural, statusWords, win32MeaningWords } from './server-words';

/** Rows a breakdown shows before "Show all" (the busiest first). */
const TOP = 8;

/**
 * One W3C log (reference item 7): when the failures happened (chart), which statuses, which URLs
 * and clients failed with 403.x, the 500-then-403.7 pattern of field note 001 item 11, and the
 * sc-win32-status values seen with them, decoded.
 */
export function LogView({ log }: { log: W3cLogStats }) {
  const span = log.firstTime && log.lastTime ? `${formatUtc(log.firstTime, true)} to ${formatUtc(log.lastTime, true)} UTC` : 'no timed records';
  return (
    <div className="server-card log-view" data-testid="log-view" data-source={log.source}>
      <p className="server-card-head">
        <strong>{log.source}</strong>
        <span className="muted">
          {' '}
          · {formatBytes(log.bytes)} · {plural(log.records, 'request')} · {span}
        </span>
      </p>
      {(log.malformed > 0 || log.fieldHeaders > 1) && (
        <p className="server-explain">
          {log.malformed > 0 && <>{plural(log.malformed, 'line')} did not match the #Fields header and {log.malformed === 1 ? 'was' : 'were'} skipped. </>}
          {log.fieldHeaders > 1 && <>The logging settings changed inside this file ({log.fieldHeaders} #Fields headers); each part was read by its own header.</>}
        </p>
      )}
      {log.timeline.buckets.length > 0 ? <LogChart timeline={log.timeline} source={log.source} /> : <p className="muted">No timed requests to chart.</p>}

      <div className="log-grid-2">
        <StatusTable log={log} />
        <div className="log-failures" data-testid="log-failures">
          <h4 className="server-h4">Client-certificate failures</h4>
          {log.clientCertFailures.length === 0 ? (
            <p className="muted" data-testid="log-no-failures">
              No 403.7, 403.13, 403.16 or 403.17 in this log.
            </p>
          ) : (
            log.clientCertFailures.map((f) => <FailureBreakdown key={f.status} stats={f} />)
          )}
        </div>
      </div>

      {log.pattern500Then4037.length > 0 && <PatternTable rows={log.pattern500Then4037} />}
      {log.win32Statuses.length > 0 && (
        <div className="table-scroll">
          <table className="data-table server-table" data-testid="win32-statuses">
            <caption className="server-caption">Windows error codes logged with these failures (sc-win32-status)</caption>
            <thead>
              <tr>
                <th scope="col">Status</th>
                <th scope="col">sc-win32-status</th>
                <th scope="col">Meaning</th>
                <th scope="col" className="is-num">
                  Count
                </th>
              </tr>
            </thead>
            <tbody>
              {log.win32Statuses.map((w, i) => (
                <tr key={i} data-testid="win32-status" data-win32={w.win32}>
                  <td>{displayStatus(w.status)}</td>
                  <td className="mono">{w.win32}</td>
                  <td>{win32MeaningWords(w.win32, w.meaning)}</td>
                  <td className="is-num">{w.count.toLocaleString('en-US')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function StatusTable({ log }: { log: W3cLogStats }) {
  const [all, setAll] = useState(false);
  const rows = all ? log.statusCounts : log.statusCounts.slice(0, TOP + 4);
  return (
    <div className="log-statuses">
      <h4 className="server-h4">Status codes</h4>
      <table className="data-table server-table" data-testid="status-counts">
        <thead>
          <tr>
            <th scope="col">Status</th>
            <th scope="col">Meaning</th>
            <th scope="col" className="is-num">
              Requests
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((s) => (
            <tr key={s.status} className={isClientCertStatus(displayStatus(s.status)) ? 'is-flagged' : ''} data-testid="status-count" data-status={displayStatus(s.status)} data-count={s.count}>
              <td className="mono">{displayStatus(s.status)}</td>
              <td>{statusWords(s.status)}</td>
              <td className="is-num">{s.count.toLocaleString('en-US')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {log.statusCounts.length > rows.length && (
        <button type="button" className="link-button" onClick={() => setAll(true)}>
          Show all {log.statusCounts.length} statuses
        </button>
      )}
    </div>
  );
}

function FailureBreakdown({ stats }: { stats: W3cLogStats['clientCertFailures'][number] }) {
  const when =
    stats.firstSeen && stats.lastSeen
      ? stats.firstSeen === stats.lastSeen
        ? `at ${formatUtcSeconds(stats.firstSeen)} UTC`
        : `${formatUtcSeconds(stats.firstSeen)} to ${formatUtcSeconds(stats.lastSeen)} UTC`
      : null;
  return (
    <div className="log-failure" data-testid="log-failure" data-status={stats.status} data-count={stats.count}>
      <p className="log-failure-head">
        <strong className="text-bad">{stats.status}</strong> {statusWords(stats.status)}: <strong>{plural(stats.count, 'time')}</strong>
        {when && <span className="muted"> · {when}</span>}
      </p>
      <div className="log-breakdowns">
        <Breakdown title="By URL" rows={stats.byUrl} testId="failure-by-url" />
        <Breakdown title="By client" rows={stats.byClient} testId="failure-by-client" />
      </div>
    </div>
  );
}

function Breakdown({ title, rows, testId }: { title: string; rows: { key: string; count: number }[]; testId: string }) {
  const [all, setAll] = useState(false);
  const shown = all ? rows : rows.slice(0, TOP);
  return (
    <table className="data-table server-table log-breakdown" data-testid={testId}>
      <thead>
        <tr>
          <th scope="col">{title}</th>
          <th scope="col" className="is-num">
            Count
          </th>
        </tr>
      </thead>
      <tbody>
        {shown.map((r) => (
          <tr key={r.key}>
            <td className="mono">{r.key}</td>
            <td className="is-num">{r.count.toLocaleString('en-US')}</td>
          </tr>
        ))}
        {rows.length > shown.length && (
          <tr>
            <td colSpan={2}>
              <button type="button" className="link-button" onClick={() => setAll(true)}>
                Show all {rows.length}
              </button>
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

function PatternTable({ rows }: { rows: W3cLogStats['pattern500Then4037'] }) {
  return (
    <div className="log-pattern" data-testid="log-pattern">
      <h4 className="server-h4">A 500 (win32 status 64), then a 403.7 for the same client</h4>
      <p className="server-explain">
        The connection dropped while IIS was asking for the certificate after the request, then the retry had none. Asking for the certificate in the
        handshake (Negotiate Client Certificate on the binding) avoids it.
      </p>
      <div className="table-scroll">
        <table className="data-table server-table log-pattern-table">
          <thead>
            <tr>
              <th scope="col">Client</th>
              <th scope="col">URL</th>
              <th scope="col">500 with status 64 at</th>
              <th scope="col">Then 403.7 at</th>
              <th scope="col" className="is-num">
                Log line
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={i} data-testid="pattern-row" data-client={r.client}>
                <td className="mono">{r.client}</td>
                <td className="mono">{r.url}</td>
                <td>{formatUtcSeconds(r.at500)}</td>
                <td>{formatUtcSeconds(r.at403)}</td>
                <td className="is-num">{r.line500}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

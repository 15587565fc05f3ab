import { Fragment, useId, useState } from 'react';
import type { ProbeAttempt, TimelineEntry } from '../../../../shared/model/probe';
import { ChevronIcon, LockIcon } from '../common/icons';
import { CertificateRequestPanel } from './certificate-request-panel';
import { formatCount, formatMs, groupTimeline, parseMessage, type ParsedMessage } from './probe-words';

/**
 * One connection as a sequence diagram, the way a decrypted Wireshark trace reads in the field
 * notes: the client's lane on the left, the server's on the right, one arrow per TLS message, and
 * the messages that travelled in the same TCP read or write banded together with their time once.
 * Encrypted messages carry a lock (the probe decrypted them with its own session keys); alerts that
 * end a connection badly are red; the CertificateRequest opens what it asks for.
 */
export function SequenceDiagram({ attempt, server }: { attempt: ProbeAttempt; server: string }) {
  const groups = groupTimeline(attempt.timeline);
  const [openRequest, setOpenRequest] = useState(false);
  const panelId = useId();
  const request = attempt.clientAuth.certificateRequest;
  const anyEncrypted = attempt.timeline.some((e) => e.encrypted);
  // The panel opens under the first CertificateRequest arrow (the one the attempt reports).
  const firstRequestIndex = attempt.timeline.findIndex((e) => parseMessage(e).kind === 'certificate-request');

  return (
    <div className="seq" data-testid="seq-diagram" data-kind={attempt.kind ?? ''}>
      <div className="seq-legend" aria-hidden={!anyEncrypted}>
        {anyEncrypted && (
          <span>
            <LockIcon size={13} /> sent encrypted; Certbench decrypted it with the keys of its own connection.
          </span>
        )}
        {attempt.client === 'powershell' ? (
          <span data-testid="seq-sslstream-note">Moments .NET&apos;s SslStream reported (its certificate callback, the handshake, the request, the answer): not a packet capture.</span>
        ) : (
          <span>Messages in one band travelled in the same TCP packet.</span>
        )}
      </div>
      <div className="seq-heads" aria-hidden="true">
        <span className="seq-time-head">Time</span>
        <span className="seq-lane-head is-client">
          Client <small>{attempt.client === 'powershell' ? 'PowerShell (.NET SslStream)' : 'Certbench'}</small>
        </span>
        <span className="seq-lane-head is-server">
          Server <small>{server}</small>
        </span>
      </div>
      <ol className="seq-body" aria-label={`Messages of "${attempt.label}", in order`}>
        {groups.map((g, gi) => {
          const holdsPanel = request !== null && openRequest && g.entries.some((e) => e.index === firstRequestIndex);
          return (
            <Fragment key={gi}>
              <li className={`seq-group${g.event ? ' is-event' : ''}${g.entries.length > 1 ? ' is-band' : ''} from-${g.from}`} data-testid="seq-group">
                <span className="seq-time">{formatMs(g.ms)}</span>
                <div className="seq-arrows">
                  {g.entries.map(({ entry, index }) => (
                    <Arrow
                      key={index}
                      entry={entry}
                      attempt={attempt}
                      request={
                        index === firstRequestIndex && request
                          ? { open: openRequest, panelId, count: request.caNames.length, toggle: () => setOpenRequest((o) => !o) }
                          : null
                      }
                    />
                  ))}
                </div>
              </li>
              {holdsPanel && (
                <li className="seq-panel-row">
                  <span className="seq-time" />
                  <div className="seq-panel-cell">
                    <CertificateRequestPanel request={request} id={panelId} />
                  </div>
                </li>
              )}
            </Fragment>
          );
        })}
      </ol>
    </div>
  );
}

interface RequestToggle {
  open: boolean;
  panelId: string;
  count: number;
  toggle: () => void;
}

function Arrow({ entry, attempt, request }: { entry: TimelineEntry; attempt: ProbeAttempt; request: RequestToggle | null }) {
  const m = parseMessage(entry);
  const testAttrs = {
    'data-testid': 'seq-message',
    'data-message': m.kind === 'event' ? 'event' : m.name,
    'data-kind': m.kind,
    'data-from': entry.from,
    'data-encrypted': String(entry.encrypted),
    'data-bad': String(m.bad),
  };
  if (m.kind === 'event') {
    return (
      <div className={`seq-event${m.bad ? ' is-bad' : ''}`} {...testAttrs}>
        <span>{m.name}</span>
      </div>
    );
  }
  const label = <Label entry={entry} m={m} attempt={attempt} />;
  return (
    <div className={`seq-arrow to-${entry.from === 'client' ? 'server' : 'client'} is-${m.kind}${m.bad ? ' is-bad' : ''}`} {...testAttrs}>
      {request ? (
        <button
          type="button"
          className={`seq-label seq-request-button${request.open ? ' is-open' : ''}`}
          data-testid="seq-cert-request"
          aria-expanded={request.open}
          aria-controls={request.panelId}
          onClick={request.toggle}
        >
          {label}
          <span className="seq-request-hint">
            {request.open ? 'Hide' : 'Show'} the {formatCount(request.count)} CA name{request.count === 1 ? '' : 's'} and the size
            <ChevronIcon size={14} />
          </span>
        </button>
      ) : (
        <div className="seq-label">{label}</div>
      )}
      <div className="seq-line" aria-hidden="true" />
    </div>
  );
}

function Label({ entry, m, attempt }: { entry: TimelineEntry; m: ParsedMessage; attempt: ProbeAttempt }) {
  const iis = m.kind === 'http-response' && attempt.http && attempt.http.status === m.status && attempt.http.subStatus !== null ? `IIS ${attempt.http.status}.${attempt.http.subStatus}` : null;
  return (
    <span className="seq-label-text">
      {entry.encrypted && (
        <span className="seq-lock" title="Sent encrypted; shown decrypted">
          <LockIcon size={13} />
          <span className="visually-hidden">encrypted: </span>
        </span>
      )}
      {(m.kind === 'http-request' || m.kind === 'http-response') && <span className="seq-tag is-http">{m.name}</span>}
      {m.kind === 'alert' && <span className={`seq-tag ${m.bad ? 'is-bad' : 'is-quiet'}`}>Alert</span>}
      <span className="seq-name">{m.kind === 'http-request' || m.kind === 'http-response' || m.kind === 'alert' ? m.detail : m.name}</span>
      {m.kind !== 'http-request' && m.kind !== 'http-response' && m.kind !== 'alert' && m.detail && <span className="seq-detail">{m.detail}</span>}
      {m.kind === 'alert' && !m.bad && <span className="seq-detail">normal end of the connection</span>}
      {iis && <span className="seq-tag is-bad">{iis}</span>}
      {m.kind === 'hello-request' && <span className="seq-tag is-renegotiation">server asks to renegotiate</span>}
      {entry.encrypted && <span className="seq-decrypted">decrypted</span>}
      {entry.bytes !== undefined && <span className="seq-bytes">{formatCount(entry.bytes)} B</span>}
    </span>
  );
}

import { useId, useRef, useState, type KeyboardEvent } from 'react';
import type { ProbeAttempt } from '../../../../shared/model/probe';
import { groupHex } from '../../lib/hex';
import { CheckIcon, CrossIcon, QuestionIcon } from '../common/icons';
import { capitalise, describeAttempt, formatMs } from './probe-words';
import { SequenceDiagram } from './sequence-diagram';
import { SslStreamView } from './sslstream-view';
import './probe.css';

/**
 * Every connection the probe made, each as a tab that already says how it went ("TLS 1.3: the
 * server never asked for a certificate; HTTP 403.7" above "TLS 1.2: the server asked only after
 * the request, by renegotiation ..."), so the attempts read side by side before any diagram is
 * opened; the selected one's sequence diagram is below (WAI-ARIA tabs: arrows, Home, End).
 */
export function AttemptsView({ attempts, initial, server }: { attempts: ProbeAttempt[]; initial: number; server: string }) {
  const [selected, setSelected] = useState(Math.min(initial, attempts.length - 1));
  const list = useRef<HTMLDivElement>(null);
  // Unique per view: the Probe and Diagnose pages both show attempts, and ids must not repeat in one document.
  const uid = useId();
  const current = attempts[selected];

  const onKey = (e: KeyboardEvent) => {
    const n = attempts.length;
    const next = e.key === 'ArrowDown' || e.key === 'ArrowRight' ? (selected + 1) % n : e.key === 'ArrowUp' || e.key === 'ArrowLeft' ? (selected - 1 + n) % n : e.key === 'Home' ? 0 : e.key === 'End' ? n - 1 : -1;
    if (next < 0) return;
    e.preventDefault();
    setSelected(next);
    list.current?.querySelectorAll<HTMLElement>('[role="tab"]')[next]?.focus();
  };

  return (
    <section className="probe-section" aria-labelledby={`${uid}-title`}>
      <div className="probe-section-head">
        <h3 className="probe-section-title" id={`${uid}-title`}>
          How each connection went
        </h3>
        {attempts.length > 1 && <span className="muted">Select one to see its messages below.</span>}
      </div>
      <div className="attempt-tabs" role="tablist" aria-label="Connections the probe made" aria-orientation="vertical" ref={list} onKeyDown={onKey}>
        {attempts.map((a, i) => {
          const w = describeAttempt(a);
          return (
            <button
              key={i}
              type="button"
              role="tab"
              id={`${uid}-tab-${i}`}
              aria-controls={`${uid}-panel`}
              aria-selected={i === selected}
              tabIndex={i === selected ? 0 : -1}
              className={`attempt-tab is-${w.tone}${i === selected ? ' is-selected' : ''}`}
              data-testid="attempt-tab"
              data-kind={a.kind ?? ''}
              data-tone={w.tone}
              onClick={() => setSelected(i)}
            >
              <span className="attempt-icon" aria-hidden="true">
                {w.tone === 'good' ? <CheckIcon size={16} /> : w.tone === 'bad' ? <CrossIcon size={16} /> : <QuestionIcon size={16} />}
              </span>
              <span className="attempt-text">
                <span className="attempt-label">{a.label}</span>
                <span className="attempt-sentence" data-testid="attempt-sentence">
                  {w.sentence}
                </span>
              </span>
              <span className={`attempt-badge is-${w.tone}`} data-testid="attempt-badge">
                {w.badge}
              </span>
            </button>
          );
        })}
      </div>

      {current && (
        <div className="attempt-panel" role="tabpanel" id={`${uid}-panel`} aria-labelledby={`${uid}-tab-${selected}`} data-testid="attempt-panel" data-kind={current.kind ?? ''}>
          <AttemptFacts attempt={current} />
          {current.sslStream && <SslStreamView details={current.sslStream} />}
          {current.reused && (
            // No connection was made for this attempt: the first connection's answer stands for it, and its messages are drawn.
            <p className="muted" data-testid="attempt-reused">
              {current.reused.note}. The messages below are the first connection's.
            </p>
          )}
          {current.timeline.length > 0 ? (
            // Keyed by attempt: an opened CA panel belongs to that attempt's diagram only.
            <SequenceDiagram key={selected} attempt={current.reused ? { ...current, timeline: current.timeline.filter((e) => e.message !== current.reused?.note) } : current} server={server} />
          ) : (
            <p className="muted">No message was exchanged on this connection.</p>
          )}
        </div>
      )}
    </section>
  );
}

function AttemptFacts({ attempt: a }: { attempt: ProbeAttempt }) {
  // The error is said once: an unknown mode's reason and the ending often repeat it word for word.
  const notError = (text: string | null) => text !== null && text !== a.error;
  const facts: [string, string][] = [['Protocol', a.tls.version ? `${a.tls.version}${a.tls.cipher ? `, ${a.tls.cipher}` : ''}` : 'no TLS session']];
  if (notError(a.clientAuth.reason)) facts.push(['How the certificate was asked', capitalise(a.clientAuth.reason!)]);
  else if (!a.clientAuth.reason) facts.push(['How the certificate was asked', a.clientAuth.mode]);
  if (notError(a.ending)) facts.push(['Ended', capitalise(a.ending)]);
  if (a.durationMs !== undefined) facts.push(['Took', formatMs(a.durationMs)]);
  if (a.clientCertificate.presented || a.clientCertificate.thumbprint) {
    facts.push([
      'Client certificate',
      `${a.clientCertificate.presented ? 'sent' : 'not sent'}${a.clientCertificate.accepted === true ? ', accepted' : a.clientCertificate.accepted === false ? ', not accepted' : ''}${a.clientCertificate.thumbprint ? `; thumbprint ${groupHex(a.clientCertificate.thumbprint)}` : ''}`,
    ]);
  }
  return (
    <dl className="attempt-facts" data-testid="attempt-facts">
      {facts.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
      {a.error && (
        <div className="is-bad">
          <dt>Error</dt>
          <dd data-testid="attempt-error">{capitalise(a.error)}</dd>
        </div>
      )}
    </dl>
  );
}

import { useId, useState } from 'react';
import type { OpenedBundle } from '../../../../shared/model/bundle';
import type { ProbeAttempt, ProbeResult } from '../../../../shared/model/probe';
import { formatLocalDateTime } from '../../lib/dates';
import { CertificateDialogProvider } from '../certificates/certificate-dialog';
import { FindingsList } from '../certificates/findings-list';
import { CheckIcon, CrossIcon, QuestionIcon } from '../common/icons';
import { BundleBanner } from '../common/bundle-banner';
import { ProgressBar } from '../common/progress-bar';
import { Tabs } from '../common/tabs';
import { probeLabels } from '../diagnose/report-words';
import { useBundleView } from '../shell/bundle-view';
import { AttemptsView } from './attempts-view';
import { OffersTable } from './offers-table';
import { ProbeForm } from './probe-form';
import type { ProbeRequest } from './probe-request';
import { capitalise, describeAttempt, formatMs, httpWords, preferredAttempt, probeHeadline } from './probe-words';
import { noProbeSentence, targetUrl } from './bundle-probes';
import { ServerChain } from './server-chain';
import { useProbe, type OffersState } from './use-probe';
import './probe.css';

/**
 * The Probe area: connect to a server as a browser would, and show, decrypted, whether
 * and when it asks for a client certificate, with which CA names, what it answered, and which local
 * certificates a browser would offer. `request` comes from the Lab's "Probe this".
 */
export function ProbeArea({ request }: { request: ProbeRequest | null }) {
  const { bundle } = useBundleView();
  return (
    <CertificateDialogProvider>
      {bundle && <BundleProbes key={`${bundle.file}|${bundle.manifest.createdAt}`} bundle={bundle} />}
      {/* Kept mounted while a bundle is shown: closing it brings back this machine's probe as it was. */}
      <ProbePane request={request} hidden={bundle !== null} />
    </CertificateDialogProvider>
  );
}

/**
 * The probes an opened bundle holds, read-only: the same summary, findings, connections
 * and server chain, one tab a probe, and no form: probing from here would ask this machine's
 * network, not the bundle's host.
 */
function BundleProbes({ bundle }: { bundle: OpenedBundle }) {
  const id = useId();
  const [selected, setSelected] = useState(0);
  const probes = bundle.report.probes;
  const labels = probeLabels(probes);
  const index = Math.min(selected, probes.length - 1);
  const probe = probes[index];
  return (
    <main className="pane" data-testid="probe-bundle-pane">
      <div className="pane-inner">
        <BundleBanner />
        {!probe ? (
          <p className="bundle-empty" data-testid="probe-bundle-empty">
            {noProbeSentence(bundle)}
          </p>
        ) : (
          <>
            <p className="muted probe-bundle-lead" data-testid="probe-bundle-lead">
              {bundle.manifest.host} probed {targetUrl(probe)} when this bundle was collected{probes.length > 1 ? ` (${probes.length} probes, one tab each)` : ''}.
            </p>
            {probes.length > 1 && (
              <div data-testid="probe-bundle-tabs">
                <Tabs tabs={labels.map((l, i) => ({ id: String(i), label: l }))} selected={String(index)} onSelect={(v) => setSelected(Number(v))} label="Probes" idPrefix={`${id}-probe`} />
              </div>
            )}
            <div role={probes.length > 1 ? 'tabpanel' : undefined} id={`${id}-probe-panel-${index}`} aria-labelledby={probes.length > 1 ? `${id}-probe-tab-${index}` : undefined}>
              <ProbeResultView key={`${index}|${probe.startedAt}`} result={probe} url={targetUrl(probe)} offers={null} extraNote={null} fromBundle />
            </div>
          </>
        )}
      </div>
    </main>
  );
}

function ProbePane({ request, hidden }: { request: ProbeRequest | null; hidden: boolean }) {
  const { probe, offers, extraNote, run, cancel } = useProbe();
  const running = probe.state === 'running';
  return (
    <main className="pane" data-testid="probe-pane" hidden={hidden}>
      <div className="pane-inner">
        <p className="intro">
          Connect to a server the way a browser does and see, decrypted, whether and when it asks for a client certificate, which
          certificate authorities it names, and what it answers. Optionally present a client certificate to see whether it gets through.
        </p>
        <ProbeForm prefill={request} running={running} onRun={(input) => void run(input)} onCancel={cancel} />
        {probe.state === 'running' && <ProgressBar progress={probe.progress} what="Probing the server" testId="probe-progress" />}
        {probe.state === 'failed' && (
          <p className="probe-error is-main" role="alert" data-testid="probe-error">
            {capitalise(probe.message)}
          </p>
        )}
        {probe.state === 'done' && <ProbeResultView result={probe.result} url={probe.url} offers={offers} extraNote={extraNote} />}
      </div>
    </main>
  );
}

function ProbeResultView({
  result,
  url,
  offers,
  extraNote,
  fromBundle = false,
}: {
  result: ProbeResult;
  url: string;
  /** Null for a bundle's probe: which certificates a browser would offer depends on this machine's stores. */
  offers: OffersState | null;
  extraNote: string | null;
  fromBundle?: boolean;
}) {
  const withCert = result.attempts.find((a) => a.kind === 'client-certificate' || a.kind === 'post-handshake-client-certificate' || a.clientCertificate.presented);
  // Attempts another connection answered (a forced version the first one negotiated) were not connections.
  const connections = result.attempts.filter((a) => !a.reused).length;
  const headline = probeHeadline(result);
  const tone = headline.tone;
  const initial = withCert ? result.attempts.indexOf(withCert) : preferredAttempt(result.attempts, result.clientAuth.attempt);
  const server = `${result.target.host}:${result.target.port}`;
  if (result.error) {
    // No TLS handshake on any connection: one line says why; the connections show how far they got.
    return (
      <div className="probe-result" data-testid="probe-result" data-mode={result.clientAuth.mode}>
        <p className="probe-error is-main" role="alert" data-testid="probe-error">
          {capitalise(result.error)}
        </p>
        <AttemptsView key={result.startedAt} attempts={result.attempts} initial={0} server={server} />
      </div>
    );
  }
  return (
    <div className="probe-result" data-testid="probe-result" data-mode={result.clientAuth.mode}>
      <section className={`probe-summary is-${tone}`} aria-label="What the probe found">
        <span className="probe-summary-icon" aria-hidden="true">
          {tone === 'good' ? <CheckIcon size={22} /> : tone === 'bad' ? <CrossIcon size={22} /> : <QuestionIcon size={22} />}
        </span>
        <div className="probe-summary-text">
          <p className="probe-summary-sentence" data-testid="probe-headline">
            {headline.text}
          </p>
          {/* The mechanism, second. A success box shows only the successful connection: the other connections' 403s are in the details below. */}
          {tone !== 'good' && result.summary && (
            <p className="probe-summary-detail" data-testid="probe-summary">
              {result.summary}
            </p>
          )}
          {withCert && <CertificateOutcome attempt={withCert} />}
          <p className="probe-summary-meta" data-testid="probe-summary-meta">
            {url} · {connections} connection{connections === 1 ? '' : 's'} in {formatMs(result.durationMs)} · started{' '}
            {fromBundle ? formatLocalDateTime(result.startedAt) : new Date(result.startedAt).toLocaleTimeString()}
          </p>
        </div>
      </section>

      {tone === 'good' && result.summary && (
        <p className="probe-summary-detail" data-testid="probe-summary">
          How the connections went: {result.summary}
        </p>
      )}
      <section className="probe-section" aria-labelledby="probe-findings-title">
        <h3 className="probe-section-title" id="probe-findings-title">
          Findings
        </h3>
        {result.findings.length > 0 ? <FindingsList findings={result.findings} /> : <p className="muted">Nothing wrong was seen on the wire.</p>}
      </section>

      <AttemptsView key={result.startedAt} attempts={result.attempts} initial={initial} server={server} />
      <ServerChain certificates={result.serverCertificates} judged={result.serverChain ?? null} />
      {offers && <OffersTable offers={offers} extraNote={extraNote} />}
    </div>
  );
}

/** The answer to "does my certificate get through?", in one line under the summary. */
function CertificateOutcome({ attempt }: { attempt: ProbeAttempt }) {
  const c = attempt.clientCertificate;
  const result = attempt.http ? httpWords(attempt.http) : describeAttempt(attempt).outcome;
  const text = !c.presented
    ? `The client certificate was not sent: the server did not ask for it on this connection (${result}).`
    : c.accepted === true
      ? `The client certificate was sent and accepted: ${result}.`
      : c.accepted === false
        ? `The client certificate was sent and not accepted: ${result}.`
        : `The client certificate was sent; the server's answer does not say whether it was accepted: ${result}.`;
  return (
    <p className={`probe-cert-outcome is-${c.accepted === true ? 'good' : c.accepted === false || !c.presented ? 'bad' : 'neutral'}`} data-testid="client-cert-outcome" data-accepted={String(c.accepted)}>
      {text}
    </p>
  );
}

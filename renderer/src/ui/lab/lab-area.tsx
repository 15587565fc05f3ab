import type { LabScenario, LabState } from '../../../../shared/model/lab';
import { CopyButton } from '../common/copy-button';
import { ProbeIcon, WarningIcon } from '../common/icons';
import { ProgressBar } from '../common/progress-bar';
import type { ProbeRequest } from '../probe/probe-request';
import { RevocationCases } from './revocation-cases';
import { useLab } from './use-lab';
import './lab.css';

export type ProbeThis = (request: Omit<ProbeRequest, 'nonce'>) => void;

/**
 * The Lab area (the same lab servers as `certbench lab`): start local servers that
 * ask for a client certificate the ways servers in the field do, then probe each with one click,
 * with the lab's client certificate at hand.
 */
export function LabArea({ onProbe }: { onProbe: ProbeThis }) {
  const { lab, busy, error, start, stop } = useLab();
  const running = lab?.running === true;
  return (
    <main className="pane" data-testid="lab-pane">
      <div className="pane-inner">
        <p className="intro">
          The lab starts small HTTPS servers on this computer (127.0.0.1 only) that ask for a client certificate the ways real servers
          do: in the handshake, by renegotiation after the request as IIS does, after a TLS 1.3 handshake, or with a CA list that is too
          large, empty or wrong; and one that checks revocation, with certificates that are good, revoked or cannot be checked. It makes its
          own test certificates, so you can reproduce a 403.7 or a 403.13 and practise reading the probe without touching a real server.
        </p>

        <div className="toolbar">
          <button type="button" className="button primary" data-testid="lab-start" disabled={busy !== null} onClick={() => void start()}>
            {running ? 'Restart lab' : 'Start lab'}
          </button>
          <button type="button" className="button secondary" data-testid="lab-stop" disabled={!running || busy !== null} onClick={() => void stop()}>
            {busy?.what === 'stop' ? 'Stopping…' : 'Stop lab'}
          </button>
          <LabStatusPill lab={lab} />
        </div>

        {busy?.what === 'start' && <ProgressBar progress={busy.progress} what="Starting the lab" testId="lab-progress" />}
        {error && (
          <p className="lab-error" role="alert" data-testid="lab-error">
            {error}
          </p>
        )}

        {running && lab && (
          <>
            <ScenarioTable lab={lab} onProbe={onProbe} />
            <LabFiles lab={lab} />
            {lab.revocation && <RevocationCases revocation={lab.revocation} serverUrl={lab.scenarios.find((s) => s.name === 'revocation')?.url ?? null} />}
          </>
        )}
        {lab && !running && !busy && (
          <p className="muted" data-testid="lab-stopped">
            The lab is not running. Its test certificates live in <code className="lab-path">{lab.folder}</code>: made at the first start, reused
            after that.
          </p>
        )}
      </div>
    </main>
  );
}

function LabStatusPill({ lab }: { lab: LabState | null }) {
  if (!lab) return <span className="lab-status">Reading the lab&apos;s status…</span>;
  const up = lab.scenarios.filter((s) => s.available).length;
  const down = lab.scenarios.length - up;
  return (
    <span className={`lab-status ${lab.running ? 'is-running' : 'is-stopped'}`} data-testid="lab-status" data-running={String(lab.running)}>
      <span className="lab-status-dot" aria-hidden="true" />
      {lab.running ? `Running: ${up} server${up === 1 ? '' : 's'}${down > 0 ? `, ${down} unavailable` : ''}` : 'Stopped'}
    </span>
  );
}

/** Scroll the revocation certificates' heading to just below the sticky top bar. */
function showRevocationCases(): void {
  const heading = document.getElementById('lab-revocation-title');
  if (!heading) return;
  const bar = document.querySelector('.top-bar')?.getBoundingClientRect().height ?? 0;
  window.scrollTo({ top: heading.getBoundingClientRect().top + window.scrollY - bar - 8 });
}

function caWords(s: LabScenario): string {
  if (s.caNames === 0) return 'Sends no CA names';
  return `Sends ${s.caNames} CA name${s.caNames === 1 ? '' : 's'} (${s.caNamesBytes.toLocaleString('en-US')} bytes)`;
}

function ScenarioTable({ lab, onProbe }: { lab: LabState; onProbe: ProbeThis }) {
  return (
    <section className="lab-section" aria-labelledby="lab-scenarios-title">
      <h3 className="lab-section-title" id="lab-scenarios-title">
        Scenarios
      </h3>
      <div className="lab-table-wrap">
        <table className="lab-table" data-testid="lab-scenarios">
          <thead>
            <tr>
              <th scope="col">Scenario</th>
              <th scope="col">What it demonstrates</th>
              <th scope="col">Address</th>
            </tr>
          </thead>
          <tbody>
            {lab.scenarios.map((s) => (
              <tr key={s.name} data-testid="lab-scenario" data-scenario={s.name} data-available={String(s.available)} className={s.available ? '' : 'is-unavailable'}>
                <td className="lab-scenario-name">
                  <strong>{s.title}</strong>
                  <code className="lab-scenario-id">{s.name}</code>
                  <span className="lab-scenario-meta" data-testid="lab-scenario-ca" data-ca-names={s.caNames} data-ca-bytes={s.caNamesBytes}>
                    {caWords(s)}
                  </span>
                  <span className="lab-scenario-meta">{s.server}</span>
                </td>
                <td className="lab-demonstrates">{s.demonstrates}</td>
                <td className="lab-address">
                  {s.available && s.url ? (
                    <>
                      <code className="lab-url" data-testid="lab-url">
                        {s.url}
                      </code>
                      <span className="lab-url-actions">
                        <CopyButton value={s.url} what={`the address of ${s.name}`} />
                        <button
                          type="button"
                          className="button secondary small"
                          data-testid="lab-probe-this"
                          onClick={() =>
                            onProbe({
                              url: s.url!,
                              // The revocation server trusts only its own CA: the lab's PFX would get a 403.16 there (its cases are listed below).
                              clientPfx: lab.clientPfx && s.name !== 'revocation' ? { path: lab.clientPfx.path, password: lab.clientPfx.password } : null,
                              context: `Lab scenario "${s.title}": ${s.demonstrates}`,
                            })
                          }
                        >
                          <ProbeIcon size={15} />
                          Probe this
                        </button>
                        {s.name === 'revocation' && lab.revocation && (
                          // Its certificates are in their own section further down the page: take the user there.
                          <button type="button" className="button secondary small" data-testid="lab-revocation-jump" onClick={showRevocationCases}>
                            Its certificates
                          </button>
                        )}
                      </span>
                    </>
                  ) : (
                    <p className="lab-unavailable" data-testid="lab-unavailable">
                      <WarningIcon size={15} />
                      <span>
                        <strong>Not available.</strong> {s.reason ?? 'The service gave no reason.'}
                      </span>
                    </p>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function PathRow({ label, value, what, testId }: { label: string; value: string; what: string; testId: string }) {
  return (
    <div className="lab-file">
      <dt>{label}</dt>
      <dd>
        <code className="lab-path" data-testid={testId}>
          {value}
        </code>
        <CopyButton value={value} what={what} />
      </dd>
    </div>
  );
}

function LabFiles({ lab }: { lab: LabState }) {
  return (
    <div className="lab-files-grid">
      {lab.clientPfx && (
        <section className="lab-section lab-card" aria-labelledby="lab-client-title" data-testid="lab-client">
          <h3 className="lab-section-title" id="lab-client-title">
            Client certificate
          </h3>
          <p className="muted">
            Issued by the lab&apos;s issuing CA to <code className="lab-inline">{lab.clientPfx.subject}</code>. Choose the .pfx on the Probe page with
            this password to see it accepted, or import it into a browser.
          </p>
          <dl className="lab-file-list">
            <PathRow label="PFX file" value={lab.clientPfx.path} what="the client PFX path" testId="lab-pfx-path" />
            <PathRow label="PFX password" value={lab.clientPfx.password} what="the client PFX password" testId="lab-pfx-password" />
            {lab.clientFiles && (
              <>
                <PathRow label="Certificate (PEM)" value={lab.clientFiles.certificate} what="the client certificate path" testId="lab-client-cert" />
                <PathRow label="Private key (PEM)" value={lab.clientFiles.key} what="the client key path" testId="lab-client-key" />
              </>
            )}
          </dl>
        </section>
      )}
      {lab.caFiles && (
        <section className="lab-section lab-card" aria-labelledby="lab-ca-title" data-testid="lab-ca-files">
          <h3 className="lab-section-title" id="lab-ca-title">
            CA files
          </h3>
          <p className="muted">The lab&apos;s CAs as PEM files, to trust them in a browser or open them on the Certificates page.</p>
          <dl className="lab-file-list">
            <PathRow label="Root CA" value={lab.caFiles.root} what="the lab root CA path" testId="lab-ca-root" />
            <PathRow label="Issuing CA" value={lab.caFiles.intermediate} what="the lab issuing CA path" testId="lab-ca-intermediate" />
            <PathRow label="Chain (issuing + root)" value={lab.caFiles.chain} what="the lab CA chain path" testId="lab-ca-chain" />
            <PathRow label="Unrelated CA (wrong list)" value={lab.caFiles.otherCa} what="the unrelated CA path" testId="lab-ca-other" />
          </dl>
          <p className="muted lab-folder">
            Lab folder: <code className="lab-path">{lab.folder}</code>
          </p>
        </section>
      )}
    </div>
  );
}

import { useId, useState } from 'react';
import { capitalise, plainText } from '../common/words';
import { formatBytes } from '../../../../shared/errors';
import type { KeyStatus } from '../../../../shared/model/chain';
import type { DiagnoseReport } from '../../../../shared/model/diagnose';
import type { ServerEvidence } from '../../../../shared/model/server';
import { CertificateDialogProvider } from '../certificates/certificate-dialog';
import { ChainSection } from '../certificates/chain-section';
import { VerdictBanner } from '../certificates/verdict-banner';
import { CheckIcon, CrossIcon, ServerIcon } from '../common/icons';
import { Tabs } from '../common/tabs';
import { answerSentence } from '../keys/access-answer';
import { AclTable } from '../keys/acl-table';
import { ownerLine } from '../keys/acl-words';
import { CopyRow } from '../keys/copy-row';
import { AttemptsView } from '../probe/attempts-view';
import { preferredAttempt } from '../probe/probe-words';
import { inputErrorWords, kindWords } from '../server/server-words';
import { useNavigation } from '../shell/navigation';
import { displayName } from '../stores/store-rows';
import { probeLabels } from './report-words';
import './findings.css';

type TabId = 'probes' | 'certificate' | 'key' | 'server';

/**
 * The evidence behind the findings, one tab per source: each probe's connections with
 * the Probe page's own view, the certificate's verdict and chain, the private key's place and who
 * may read it, and a short account of the server side with a way to its own page. An empty tab
 * says what to give so it fills, never a blank.
 */
export function EvidenceTabs({ report, fromBundle }: { report: DiagnoseReport; fromBundle: boolean }) {
  const id = useId();
  const [tab, setTab] = useState<TabId>('probes');
  const tabs: { id: TabId; label: string }[] = [
    { id: 'probes', label: `Probes${report.probes.length ? ` (${report.probes.length})` : ''}` },
    { id: 'certificate', label: 'Certificate' },
    { id: 'key', label: 'Private key' },
    { id: 'server', label: 'Server side' },
  ];
  return (
    <section className="diag-evidence" aria-labelledby={`${id}-title`} data-testid="diag-evidence">
      <h3 className="diag-section-title" id={`${id}-title`}>
        The evidence
      </h3>
      <div data-testid="evidence-tabs">
        <Tabs tabs={tabs} selected={tab} onSelect={setTab} label="Evidence" idPrefix={`${id}-ev`} />
      </div>
      <div className="diag-evidence-panel" role="tabpanel" id={`${id}-ev-panel-${tab}`} aria-labelledby={`${id}-ev-tab-${tab}`} data-testid="evidence-panel" data-tab={tab}>
        {tab === 'probes' && <ProbesTab report={report} fromBundle={fromBundle} />}
        {tab === 'certificate' && <CertificateTab report={report} fromBundle={fromBundle} />}
        {tab === 'key' && <KeyTab report={report} fromBundle={fromBundle} />}
        {tab === 'server' && <ServerTab server={report.server} fromBundle={fromBundle} />}
      </div>
    </section>
  );
}

function Empty({ children, testId }: { children: string; testId: string }) {
  return (
    <p className="diag-empty" data-testid={testId}>
      {children}
    </p>
  );
}

function ProbesTab({ report, fromBundle }: { report: DiagnoseReport; fromBundle: boolean }) {
  const id = useId();
  const [selected, setSelected] = useState(0);
  const probes = report.probes;
  if (probes.length === 0) {
    const step = report.steps.find((s) => s.name === 'probe');
    return (
      <Empty testId="probes-empty">
        {fromBundle
          ? `No probe is in this bundle${step ? ` (${step.note})` : ''}.`
          : `No probe was made${step && step.status !== 'skipped' ? ` (${step.note})` : ''}: give the server address above and diagnose again to see whether and when the server asks for a certificate.`}
      </Empty>
    );
  }
  const labels = probeLabels(probes);
  const index = Math.min(selected, probes.length - 1);
  const probe = probes[index]!;
  const server = `${probe.target.host}:${probe.target.port}`;
  return (
    <div className="diag-probes">
      {probes.length > 1 && (
        <div data-testid="probe-subtabs">
          <Tabs tabs={labels.map((l, i) => ({ id: String(i), label: l }))} selected={String(index)} onSelect={(v) => setSelected(Number(v))} label="Probes" idPrefix={`${id}-probe`} />
        </div>
      )}
      <div className="diag-probe" role={probes.length > 1 ? 'tabpanel' : undefined} id={`${id}-probe-panel-${index}`} data-testid="diag-probe" data-label={labels[index]}>
        <p className="diag-probe-summary" data-testid="diag-probe-summary">
          {probe.summary ?? `The server's way of asking for a certificate: ${probe.clientAuth.mode}.`}
        </p>
        <p className="muted diag-probe-meta">
          https://{server}
          {probe.target.path} · {probe.attempts.length} connection{probe.attempts.length === 1 ? '' : 's'} · {new Date(probe.startedAt).toLocaleString()}
        </p>
        {probe.error && (
          <p className="error-line" role="alert">
            {probe.error}
          </p>
        )}
        {probe.attempts.length > 0 ? (
          // Keyed by probe: each keeps its own selected connection.
          <AttemptsView key={`${index}:${probe.startedAt}`} attempts={probe.attempts} initial={preferredAttempt(probe.attempts, probe.clientAuth.attempt)} server={server} />
        ) : (
          <p className="muted">No connection was made.</p>
        )}
      </div>
    </div>
  );
}

/** What the key step found, as the verdict banner's key line. */
function keyStatusOf(report: DiagnoseReport): KeyStatus {
  const k = report.key?.location;
  if (!k) {
    const step = report.steps.find((s) => s.name === 'key');
    return { status: 'unknown', detail: step?.note ?? 'the private key was not looked up in this diagnosis' };
  }
  if (k.status === 'present') return { status: 'present', detail: k.path ? `private key file found: ${k.path}` : 'private key found' };
  if (k.status === 'missing') return { status: 'missing', detail: k.detail ?? 'the key is associated but its file is gone' };
  if (k.status === 'none') return { status: 'missing', detail: k.detail ?? 'no private key is associated with this certificate' };
  return { status: 'unknown', detail: k.detail ?? 'whether a private key exists could not be told' };
}

function CertificateTab({ report, fromBundle }: { report: DiagnoseReport; fromBundle: boolean }) {
  const c = report.certificate;
  if (!c) {
    return (
      <Empty testId="certificate-empty">
        {fromBundle
          ? 'No client certificate was given when this bundle was made.'
          : 'No client certificate was given: choose the certificate users present (a .pfx or one from this machine’s stores) above and diagnose again.'}
      </Empty>
    );
  }
  const s = c.summary;
  return (
    <CertificateDialogProvider>
      <div className="diag-certificate" data-testid="diag-certificate">
        <VerdictBanner verdict={c.verdict} keyStatus={keyStatusOf(report)} />
        <dl className="findkey diag-facts">
          <div className="findkey-row">
            <dt>Certificate</dt>
            <dd data-testid="diag-cert-subject">{displayName(s.subject)}</dd>
          </div>
          <div className="findkey-row">
            <dt>Issued by</dt>
            <dd>{s.selfSigned.value ? 'itself (self-signed)' : displayName(s.issuer)}</dd>
          </div>
          <div className="findkey-row">
            <dt>Valid</dt>
            <dd>
              {new Date(s.notBefore).toLocaleDateString()} to {new Date(s.notAfter).toLocaleDateString()} ({s.validity.status.replace(/-/g, ' ')})
            </dd>
          </div>
          <CopyRow label="Thumbprint" value={s.thumbprintSha1} what="thumbprint" testId="diag-cert-thumbprint" />
          <div className="findkey-row">
            <dt>Came from</dt>
            <dd>{plainText(c.source)}</dd>
          </div>
        </dl>
        {c.chain ? <ChainSection chain={c.chain} /> : <p className="muted">The chain was not built (see "What was checked").</p>}
      </div>
    </CertificateDialogProvider>
  );
}

function KeyTab({ report, fromBundle }: { report: DiagnoseReport; fromBundle: boolean }) {
  const k = report.key;
  if (!k) {
    const step = report.steps.find((s) => s.name === 'key');
    return (
      <Empty testId="key-empty">
        {fromBundle
          ? `The private key was not looked at for this bundle${step ? `: ${step.note}` : ''}.`
          : step?.note
            ? `The private key was not looked at: ${step.note}.`
            : 'The private key was not looked at: choose the client certificate (one from this machine’s stores) and, to check who may read it, the account the site runs as.'}
      </Empty>
    );
  }
  const loc = k.location;
  return (
    <div className="diag-key" data-testid="diag-key" data-key-status={loc.status}>
      {k.access && (
        <div className={`verdict is-${k.access.answer.canRead ? 'good' : 'bad'}`} data-testid="diag-access" data-can-read={String(k.access.answer.canRead)}>
          <div className="verdict-head">
            <span className="verdict-icon" aria-hidden="true">
              {k.access.answer.canRead ? <CheckIcon size={22} /> : <CrossIcon size={22} />}
            </span>
            <div className="verdict-text">
              <p className="verdict-sentence" data-testid="diag-access-sentence">
                {answerSentence(k.access.answer)}
              </p>
              <p className="access-decided">{capitalise(k.access.answer.decidedBy)}</p>
            </div>
          </div>
        </div>
      )}
      <dl className="findkey">
        <div className="findkey-row">
          <dt>Private key</dt>
          <dd data-testid="diag-key-status">
            {loc.status === 'present' ? 'Found' : loc.status === 'missing' ? 'Associated, but missing' : loc.status === 'none' ? 'None associated' : 'Not known'}
            {loc.detail ? ` — ${loc.detail}` : ''}
          </dd>
        </div>
        {loc.path && <CopyRow label="Key file" value={loc.path} what="private key path" testId="diag-key-path" />}
        {(loc.provider || loc.container) && (
          <div className="findkey-row">
            <dt>Held by</dt>
            <dd>{[loc.provider, loc.container ? `container ${loc.container}` : null].filter(Boolean).join(' · ')}</dd>
          </div>
        )}
      </dl>
      {k.acl && (
        <>
          <h4 className="sub-heading">
            Who may use the file: <span className="key-owner">{ownerLine(k.acl)}</span>
          </h4>
          <AclTable acl={k.acl} testId="diag-acl-table" caption="Permissions of the private key file" />
        </>
      )}
      {k.aclNote && (
        <p className={k.acl ? 'muted' : 'error-line'} role="note" data-testid="diag-acl-note">
          {k.aclNote}
        </p>
      )}
      {!k.access && <p className="muted">No account was given, so nobody’s access was checked: name the app pool or service account above to see whether it can read the key.</p>}
    </div>
  );
}

const ORIGIN_WORD: Record<ServerEvidence['origin'], string> = {
  live: 'Read from this machine',
  files: 'Read from the files you attached',
  mixed: 'Read from this machine and from the files you attached',
  none: 'No server-side evidence was available',
};

function ServerTab({ server, fromBundle }: { server: ServerEvidence; fromBundle: boolean }) {
  const { go } = useNavigation();
  const apps = server.iis.reduce((n, c) => n + c.sites.reduce((m, s) => m + s.applications.length, 0), 0);
  const records = server.logs.reduce((n, l) => n + l.records, 0);
  const facts: [string, string][] = [
    ['HTTP.SYS bindings', String(server.bindings.length)],
    ['Schannel settings', server.schannel ? (server.schannel.keyInExport === false ? 'read (only SCHANNEL\\Protocols: SendTrustedIssuerList not in this export)' : server.schannel.sendTrustedIssuerList === null ? 'read (SendTrustedIssuerList not set)' : `read (SendTrustedIssuerList = ${server.schannel.sendTrustedIssuerList})`) : 'not read'],
    ['IIS configuration', server.iis.length ? `${server.iis.length} file${server.iis.length === 1 ? '' : 's'}, ${apps} application${apps === 1 ? '' : 's'}` : 'not read'],
    ['W3C logs', server.logs.length ? `${server.logs.length} log${server.logs.length === 1 ? '' : 's'}, ${records.toLocaleString()} requests` : 'none'],
    ['Schannel events', server.events.length ? String(server.events.reduce((n, e) => n + e.total, 0)) : 'none'],
  ];
  return (
    <div className="diag-server" data-testid="diag-server" data-origin={server.origin}>
      <div className="diag-server-head">
        <p className="diag-server-origin">
          <ServerIcon size={18} />
          <span data-testid="diag-server-origin">{ORIGIN_WORD[server.origin]}.</span>
        </p>
        <button type="button" className="button secondary small" data-testid="open-server-side" onClick={() => go('server')}>
          Open in Server side
        </button>
      </div>
      {server.origin === 'none' && !fromBundle && (
        <p className="diag-empty" data-testid="server-empty">
          Attach the server&apos;s evidence above (netsh http show sslcert output, applicationHost.config, logs), or run Certbench on the Windows server with &quot;Also read this machine&apos;s IIS / HTTP.SYS settings&quot; ticked.
        </p>
      )}
      {server.inputs.length > 0 && (
        <div className="table-scroll">
          <table className="data-table" data-testid="diag-server-inputs">
            <caption className="visually-hidden">What was read</caption>
            <thead>
              <tr>
                <th scope="col">Input</th>
                <th scope="col">Recognised as</th>
                <th scope="col">Size</th>
                <th scope="col">Result</th>
              </tr>
            </thead>
            <tbody>
              {server.inputs.map((i, n) => (
                <tr key={`${i.name}:${n}`} data-testid="diag-server-input" data-kind={i.kind}>
                  <td className="mono">{i.name}</td>
                  <td>{kindWords(i.kind, server.iis.find((c) => c.source === i.name)?.kind)}</td>
                  <td>{formatBytes(i.bytes)}</td>
                  <td>{i.error ? <span className="diag-bad">{inputErrorWords(i.name, i.error)}</span> : 'used'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {server.origin !== 'none' && (
        <dl className="findkey diag-facts" data-testid="diag-server-facts">
          {facts.map(([k, v]) => (
            <div className="findkey-row" key={k}>
              <dt>{k}</dt>
              <dd data-testid={k === 'HTTP.SYS bindings' ? 'diag-server-bindings' : undefined}>{v}</dd>
            </div>
          ))}
        </dl>
      )}
      {server.notes.length > 0 && (
        <ul className="plain-list diag-notes" aria-label="What could not be read">
          {server.notes.map((n) => (
            <li key={n} className="muted">
              {n}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

import { useId, useState, type ReactNode } from 'react';
import type { Finding } from '../../../../shared/findings/catalogue';
import type { ServerEvidence } from '../../../../shared/model/server';
import { FindingsList } from '../certificates/findings-list';
import { CopyButton } from '../common/copy-button';
import { useNavigation } from '../shell/navigation';
import { BindingsTable } from './bindings-table';
import { EventsView } from './events-view';
import { IisConfigView } from './iis-tree';
import { LogView } from './log-view';
import { STORE_EXPORT_COMMAND } from '../../../../shared/server/store-export';
import { SchannelCard } from './schannel-card';
import { ServerStoresCard } from './server-stores-card';
import { hasServerData, plural } from './server-words';

type SectionId = 'findings' | 'bindings' | 'schannel' | 'stores' | 'iis' | 'logs' | 'events';

/** How to get each kind of evidence a reading lacked: what to attach, and the command that makes it. */
const HOW_TO: Record<Exclude<SectionId, 'findings'>, { what: string; how: string; command: string | null }> = {
  bindings: {
    what: 'HTTP.SYS bindings',
    how: 'In an administrator prompt on the server, save the bindings and attach the file:',
    command: 'netsh http show sslcert > sslcert.txt',
  },
  schannel: {
    what: 'Schannel settings (which CA names the server sends)',
    how: 'Export the SCHANNEL registry key and attach the .reg file:',
    command: 'reg export "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL" schannel.reg',
  },
  stores: {
    what: "The server's certificate stores (a non-self-signed certificate in Trusted Root, expired roots, the 16 KB limit)",
    // The Store column names each certificate's store; RawData carries its bytes, so the checks are exact
    // in any Windows language. Windows PowerShell's `>` writes UTF-16LE: Certbench reads that as is.
    how: 'In PowerShell on the server, export Trusted Root, Intermediate and Client Authentication Issuers and attach stores.json (certutil -store Root output works too, with fewer checks):',
    command: STORE_EXPORT_COMMAND,
  },
  iis: {
    what: 'IIS sites and applications',
    how: 'Attach C:\\Windows\\System32\\inetsrv\\config\\applicationHost.config, and the web.config of the application that answers 403.7.',
    command: null,
  },
  logs: {
    what: 'Request history',
    how: 'Attach an IIS log of the day it failed, from C:\\inetpub\\logs\\LogFiles\\W3SVC<site id>\\. Bigger than 16 MB? Run:',
    command: 'certbench diagnose --attach u_exYYMMDD.log',
  },
  events: {
    what: 'Schannel events',
    how: 'In Event Viewer, filter the System log on the source Schannel and use "Save Filtered Log File As" (.xml or .csv), or in PowerShell:',
    command:
      "Get-WinEvent -FilterHashtable @{LogName='System'; ProviderName='Schannel'} -MaxEvents 1000 | Select-Object Id, TimeCreated, LevelDisplayName, Message | ConvertTo-Json | Out-File -Encoding utf8 schannel-events.json",
  },
};

/** Findings shown before "Show all": the worst first, so the page's tables stay within reach. */
const FIRST_FINDINGS = 4;
const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

function ServerFindings({ findings }: { findings: Finding[] }) {
  const [all, setAll] = useState(false);
  const sorted = [...findings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  const shown = all ? sorted : sorted.slice(0, FIRST_FINDINGS);
  return (
    <>
      <FindingsList findings={shown} />
      {sorted.length > shown.length && (
        <button type="button" className="button secondary small server-more" data-testid="server-findings-more" onClick={() => setAll(true)}>
          Show {sorted.length - shown.length} more finding{sorted.length - shown.length === 1 ? '' : 's'}
        </button>
      )}
    </>
  );
}

function Section({ id, title, count, children }: { id: SectionId; title: string; count?: string; children: ReactNode }) {
  const uid = useId();
  return (
    <section className="server-section" aria-labelledby={`${uid}-title`} data-testid={`server-section-${id}`} data-section={id}>
      <h3 className="server-section-title" id={`${uid}-title`}>
        {title}
        {count && <span className="server-count"> {count}</span>}
      </h3>
      {children}
    </section>
  );
}

/**
 * Everything one server:analyze answer holds, in the order a 403.7 is worked through: what was read
 * and what could not be, the findings, then bindings, Schannel, IIS, logs and events, and last what
 * is missing with how to get it. The same view shows live readings, a last diagnosis and bundles.
 */
export function EvidenceView({
  evidence,
  readOnly,
  header,
  emptyText = 'Nothing in this reading describes the server yet. Attach one of the files listed below.',
  files = [],
}: {
  evidence: ServerEvidence;
  readOnly: boolean;
  header: ReactNode;
  /** The attached files, handed to Diagnose by "Diagnose with these files". */
  files?: File[];
  /** What to say when nothing describes the server (a bundle cannot be added to: it says so). */
  emptyText?: string;
}) {
  const storeCertificates = evidence.storeCertificates ?? [];
  const missing = (['bindings', 'schannel', 'stores', 'iis', 'logs', 'events'] as const).filter((k) =>
    // certutil text gives a store without certificates: the JSON export is still worth asking for.
    k === 'schannel' ? evidence.schannel === null : k === 'stores' ? storeCertificates.length === 0 : evidence[k].length === 0,
  );
  const anything = hasServerData(evidence);
  return (
    <div className="server-evidence" data-testid="server-evidence" data-origin={evidence.origin}>
      {header}
      {evidence.notes.length > 0 && <UnreadNotes notes={evidence.notes} />}
      {!anything && (
        <p className="server-empty" data-testid="server-nothing">
          {emptyText}
        </p>
      )}
      {evidence.findings.length > 0 && <FindingsSection findings={evidence.findings} readOnly={readOnly} files={files} />}
      {anything && evidence.findings.length === 0 && (
        <p className="server-good" data-testid="server-no-findings">
          Nothing wrong was found in what was read.
        </p>
      )}
      <EvidenceSections evidence={evidence} storeCertificates={storeCertificates} />
      {missing.length > 0 && !readOnly && <MissingEvidence missing={missing} />}
    </div>
  );
}

/** "What could not be read": a file refused or a part of one left out, each in one line. */
function UnreadNotes({ notes }: { notes: string[] }) {
  return (
    <div className="server-notes-box" role="note" data-testid="server-notes">
      <p className="server-notes-title">What could not be read</p>
      <ul className="server-notes">
        {notes.map((n, i) => (
          <li key={i} data-testid="server-note">
            {n}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The server's findings and, live, the way to Diagnose with the files attached here. */
function FindingsSection({ findings, readOnly, files }: { findings: ServerEvidence['findings']; readOnly: boolean; files: File[] }) {
  const { go } = useNavigation();
  return (
    <Section id="findings" title="Findings" count={`(${findings.length})`}>
      <ServerFindings findings={findings} />
      {!readOnly && (
        <p className="server-diagnose">
          <button type="button" className="button secondary small" data-testid="server-open-diagnose" onClick={() => go('findings')}>
            {files.length ? `Diagnose with ${files.length === 1 ? 'this file' : `these ${files.length} files`}` : 'Open Diagnose'}
          </button>
          <span className="muted">Diagnose puts the server&apos;s evidence together with a probe of the site and the client certificate{files.length ? '; the files go with you' : ''}.</span>
        </p>
      )}
    </Section>
  );
}

/** One section per kind of evidence read: bindings, Schannel, stores, IIS, logs, events. */
function EvidenceSections({ evidence, storeCertificates }: { evidence: ServerEvidence; storeCertificates: NonNullable<ServerEvidence['storeCertificates']> }) {
  return (
    <>
      {evidence.bindings.length > 0 && (
        <Section id="bindings" title="HTTP.SYS bindings" count={`(${evidence.bindings.length})`}>
          <BindingsTable bindings={evidence.bindings} findings={evidence.findings} />
        </Section>
      )}
      {evidence.schannel && (
        <Section id="schannel" title="Schannel: the CA list sent with the certificate request">
          <SchannelCard schannel={evidence.schannel} />
        </Section>
      )}
      {(evidence.stores?.length ?? 0) > 0 && (
        <Section id="stores" title="Server's certificate stores" count={`(${evidence.stores.length})`}>
          <ServerStoresCard stores={evidence.stores} certificates={storeCertificates} />
        </Section>
      )}
      {evidence.iis.length > 0 && (
        <Section id="iis" title="IIS sites and applications" count={evidence.iis.length > 1 ? `(${plural(evidence.iis.length, 'file')})` : undefined}>
          {evidence.iis.map((c, i) => (
            <IisConfigView key={`${c.source}:${i}`} config={c} findings={evidence.findings} />
          ))}
        </Section>
      )}
      {evidence.logs.length > 0 && (
        <Section id="logs" title="IIS logs" count={`(${evidence.logs.length})`}>
          {evidence.logs.map((l, i) => (
            <LogView key={`${l.source}:${i}`} log={l} />
          ))}
        </Section>
      )}
      {evidence.events.length > 0 && (
        <Section id="events" title="Schannel events">
          {evidence.events.map((e, i) => (
            <EventsView key={`${e.source}:${i}`} summary={e} />
          ))}
        </Section>
      )}
    </>
  );
}

/** What is not in this reading yet, each with how to get it (and the command, with Copy). */
function MissingEvidence({ missing }: { missing: (keyof typeof HOW_TO)[] }) {
  return (
    <div className="server-missing" data-testid="server-missing">
      <p className="server-notes-title">Not in this reading yet: attach these to see more</p>
      <ul>
        {missing.map((k) => (
          <li key={k} data-testid="server-missing-item" data-section={k}>
            <strong>{HOW_TO[k].what}.</strong> {HOW_TO[k].how}
            {HOW_TO[k].command && (
              <span className="server-command">
                <code>{HOW_TO[k].command}</code>
                <CopyButton value={HOW_TO[k].command!} what={`the command for ${HOW_TO[k].what}`} />
              </span>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

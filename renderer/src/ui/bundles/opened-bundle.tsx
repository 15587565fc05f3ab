import { useState, type ReactNode } from 'react';
import type { OpenedBundle } from '../../../../shared/model/bundle';
import { formatBytes } from '../../../../shared/errors';
import { formatLocalDateTime } from '../../lib/dates';
import { FindingsIcon } from '../common/icons';
import { useNavigation } from '../shell/navigation';
import { clip, count, filesWords, osWords, redactionWords } from './bundle-words';

/** Files listed before "Show all": a bundle of 2,000 certificates has 2,000 certs/ entries. */
const FILES_SHOWN = 12;

/**
 * The bundle that is open, summarised from its manifest: whose machine, when, which Certbench,
 * what was redacted and collected, the files it holds, the commands it recorded and what was not
 * understood. The screens that show it read-only are one click away.
 */
export function OpenedBundleSummary({ bundle }: { bundle: OpenedBundle }) {
  const navigation = useNavigation();
  const [allFiles, setAllFiles] = useState(false);
  const m = bundle.manifest;
  const files = allFiles ? m.files : m.files.slice(0, FILES_SHOWN);
  const failedCommands = bundle.commands.filter((c) => c.error !== null || (c.exitCode !== null && c.exitCode !== 0)).length;
  return (
    <section className="bundles-card bundles-opened" aria-labelledby="bundles-opened-title" data-testid="bundle-summary">
      <div className="bundles-card-head">
        <h3 className="bundles-card-title" id="bundles-opened-title">
          Open bundle: <span className="bundles-file">{bundle.file}</span>
        </h3>
        <button type="button" className="button primary small" onClick={() => navigation.go('findings')} data-testid="bundle-show-diagnose">
          <FindingsIcon size={15} />
          Show on Diagnose
        </button>
      </div>
      <p className="bundles-report-summary" data-testid="bundle-summary-report" title={bundle.report.summary}>
        {clip(bundle.report.summary, 300)} <span className="muted">({count(bundle.report.findings.length, 'finding')})</span>
      </p>
      <dl className="bundles-facts">
        <Fact label="Host" testId="bundle-fact-host">
          {m.host}
        </Fact>
        <Fact label="Collected" testId="bundle-fact-time">
          <span title={m.createdAt}>{formatLocalDateTime(m.createdAt)}</span>
        </Fact>
        <Fact label="Operating system" testId="bundle-fact-os">
          {osWords(m.os)}
        </Fact>
        <Fact label="Written by" testId="bundle-fact-app">
          Certbench {m.appVersion} (bundle format {m.formatVersion})
        </Fact>
        <Fact label="Redacted" testId="bundle-fact-redactions">
          {redactionWords(m.redactions)}
        </Fact>
        <Fact label="Commands recorded" testId="bundle-fact-commands">
          {count(bundle.commands.length, 'command')}
          {failedCommands > 0 && <span className="muted"> ({failedCommands} failed or could not start)</span>}
        </Fact>
      </dl>

      <div className="bundles-opened-columns">
        <div className="bundles-opened-column">
          <h4 className="bundles-sub-title">What was collected</h4>
          <ul className="bundles-collected" data-testid="bundle-summary-collected">
            {m.collected.length > 0 ? m.collected.map((c, i) => <li key={i}>{clip(c, 300)}</li>) : <li className="muted">The manifest lists nothing.</li>}
          </ul>
        </div>
        <div className="bundles-opened-column">
          <h4 className="bundles-sub-title">Files ({filesWords(m.files, formatBytes)})</h4>
          <table className="bundles-table bundles-files" data-testid="bundle-files">
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col" className="is-number">
                  Size
                </th>
              </tr>
            </thead>
            <tbody>
              {files.map((f) => (
                <tr key={f.path} data-testid="bundle-file-row">
                  <td>
                    <code className="bundles-path" title={`SHA-256 ${f.sha256}`}>
                      {f.path}
                    </code>
                  </td>
                  <td className="is-number">{formatBytes(f.bytes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {m.files.length > FILES_SHOWN && (
            <button type="button" className="link-button" onClick={() => setAllFiles((v) => !v)} data-testid="bundle-files-toggle">
              {allFiles ? 'Show fewer' : `Show all ${m.files.length.toLocaleString('en-US')} files`}
            </button>
          )}
          <h4 className="bundles-sub-title">Not understood</h4>
          {bundle.ignored.length > 0 ? (
            <>
              <p className="muted">Present in the zip but not read by this Certbench; not shown anywhere:</p>
              <ul className="bundles-ignored" data-testid="bundle-ignored">
                {bundle.ignored.map((name) => (
                  <li key={name}>
                    <code>{name}</code>
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <p className="muted" data-testid="bundle-ignored-none">
              Every entry of the zip was read.
            </p>
          )}
        </div>
      </div>
    </section>
  );
}

function Fact({ label, testId, children }: { label: string; testId: string; children: ReactNode }) {
  return (
    <div className="bundles-fact">
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}

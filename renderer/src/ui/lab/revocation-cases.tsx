import type { LabState } from '../../../../shared/model/lab';
import { CopyButton } from '../common/copy-button';
import { capitalise } from '../common/words';

type RevocationLab = NonNullable<LabState['revocation']>;

/**
 * What a helpdesk user should see for each case when it is checked (the answer Certbench gives, in the
 * words the chain box starts with), beside what the lab service says the certificate is for. A case
 * the service adds later still shows, with its name as the title.
 */
const CASE_TITLES: Readonly<Record<string, { title: string; expect: string }>> = {
  good: { title: 'Good', expect: 'Good per OCSP, and its CA good per CRL; the scenario’s server accepts it' },
  revoked: { title: 'Revoked', expect: 'Revoked (keyCompromise) per CRL; the scenario’s server answers 403.13' },
  'delta-revoked': { title: 'Revoked in the delta CRL', expect: 'Revoked (keyCompromise) per delta CRL, though the full CRL does not list it; the scenario’s server answers 403.13' },
  unreachable: { title: 'CRL unreachable', expect: 'Could not check: timeout' },
  'stale-crl': { title: 'Stale CRL', expect: 'Could not check: the CRL is out of date' },
  'ocsp-unknown': { title: 'OCSP unknown', expect: 'Unknown: the responder does not know it' },
  'oversized-crl': { title: 'Oversized CRL', expect: 'Could not check: the CRL is over 20 MB' },
  'redirect-loop': { title: 'Redirect loop', expect: 'Could not check: too many redirects' },
};

/** The folder all the case files are in (they are written side by side), so each row names only its files. */
function folderOf(file: string): string {
  const i = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return i > 0 ? file.slice(0, i) : file;
}

function baseName(file: string): string {
  return file.slice(folderOf(file).length + 1) || file;
}

/** One file on one line: what it is, its name, and a copy button that copies the whole path. */
function FileLine({ label, file, what }: { label: string; file: string; what: string }) {
  return (
    <span className="lab-url-actions">
      <span className="lab-scenario-meta">{label}</span>
      <code className="lab-inline" title={file}>
        {baseName(file)}
      </code>
      <CopyButton value={file} what={what} />
    </span>
  );
}

/**
 * The revocation scenario's certificates, one row per case: what it is for, what a check says, and
 * its files, with how to use them on the Certificates page and in Diagnose.
 */
export function RevocationCases({ revocation, serverUrl }: { revocation: RevocationLab; serverUrl: string | null }) {
  return (
    <section className="lab-section" aria-labelledby="lab-revocation-title" data-testid="lab-revocation">
      <h3 className="lab-section-title" id="lab-revocation-title">
        Revocation certificates
      </h3>
      <p className="muted">
        The revocation scenario has a CA of its own that publishes its CRLs and answers OCSP at <code className="lab-inline">{revocation.crlOcspUrl}</code>,
        with one client certificate per case. To see a case: open its <strong>chain</strong> file on the Certificates page and tick{' '}
        <strong>Check revocation</strong> in the chain settings; or, in Diagnose, give its certificate and key
        {serverUrl ? (
          <>
            {' '}
            with the server address <code className="lab-inline">{serverUrl}</code>
          </>
        ) : null}{' '}
        (Check revocation is on there by default).
      </p>
      <div className="lab-file-list lab-card" data-testid="lab-revocation-cas">
        <span className="lab-url-actions">
          <span className="lab-scenario-meta">Folder of these files:</span>
          <code className="lab-path" data-testid="lab-revocation-folder">
            {folderOf(revocation.root)}
          </code>
          <CopyButton value={folderOf(revocation.root)} what="the revocation files folder" />
        </span>
        <FileLine label="Its root CA:" file={revocation.root} what="the path of the revocation root CA" />
        <FileLine label="Its issuing CA:" file={revocation.ca} what="the path of the revocation issuing CA" />
      </div>
      <div className="lab-table-wrap">
        <table className="lab-table" data-testid="lab-revocation-cases">
          <thead>
            <tr>
              <th scope="col">Case</th>
              <th scope="col">What it is for</th>
              <th scope="col">Files</th>
            </tr>
          </thead>
          <tbody>
            {revocation.cases.map((c) => {
              const words = CASE_TITLES[c.name];
              return (
                <tr key={c.name} data-testid="lab-revocation-case" data-case={c.name}>
                  <td className="lab-scenario-name">
                    <strong>{words?.title ?? c.name}</strong>
                    <code className="lab-scenario-id">{c.name}</code>
                  </td>
                  <td className="lab-demonstrates">
                    {capitalise(c.says)}.
                    {words && <span className="lab-scenario-meta">Checked, it reads: {words.expect}.</span>}
                  </td>
                  <td className="lab-address">
                    <div className="lab-file-list">
                      <FileLine label="Chain:" file={c.chain} what={`the path of the ${c.name} chain file`} />
                      <FileLine label="Certificate:" file={c.certificate} what={`the path of the ${c.name} certificate file`} />
                      <FileLine label="Key:" file={c.key} what={`the path of the ${c.name} key file`} />
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

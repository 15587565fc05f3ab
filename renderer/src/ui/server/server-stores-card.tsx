import { useState } from 'react';
import { CA_NAMES_LIMIT, caNameBytes } from '../../../../shared/findings/stores';
import type { Store, StoreCertificate } from '../../../../shared/model/store';
import { formatLocalDate } from '../../lib/dates';
import { plural, shortHash } from './server-words';

/** Certificates listed before "Show all": the flagged ones come first, so they are always in view. */
const FIRST_ROWS = 8;

/** What one server store holds that matters for client certificates (reference section 6). */
function figures(certs: StoreCertificate[]) {
  const nonSelfSigned = certs.filter((c) => !c.summary.selfSigned.value);
  const expired = certs.filter((c) => c.summary.validity.status === 'expired');
  const nameBytes = certs.reduce((sum, c) => sum + (caNameBytes(c) ?? 0), 0);
  return { nonSelfSigned, expired, nameBytes };
}

function conclusion(store: Store, certs: StoreCertificate[]): string {
  // certutil text: a count and what it prints, no certificate bytes (the service says so in store.error).
  if (!certs.length && store.error) {
    return `${plural(store.certificateCount, 'certificate')} listed as text: the findings come from what certutil prints. For exact figures, attach the PowerShell export (its command is under "Not in this reading yet").`;
  }
  if (!certs.length) return `${plural(store.certificateCount, 'certificate')}.`;
  if (store.role === 'root' && store.trusted) {
    const f = figures(certs);
    const problems = [
      f.nonSelfSigned.length ? `${plural(f.nonSelfSigned.length, 'certificate')} that ${f.nonSelfSigned.length === 1 ? 'is' : 'are'} not self-signed (KB 2802568: 403.7 / 403.16)` : null,
      f.expired.length ? `${f.expired.length} expired` : null,
      f.nameBytes > CA_NAMES_LIMIT ? `names past the 16 KB limit (KB 933430)` : null,
    ].filter(Boolean);
    return problems.length ? `This Root store holds ${problems.join(', ')}.` : 'Every certificate here is a self-signed root in date, and their names fit in 16 KB.';
  }
  if (/\\ClientAuthIssuer(?:#\d+)?$/i.test(store.id)) {
    return `${plural(certs.length, 'certificate')}: on Windows Server 2012 and later Schannel sends these names instead of Trusted Root's, unless the binding names its own CTL store.`;
  }
  return `${plural(certs.length, 'certificate')}.`;
}

function StoreBlock({ store, certificates }: { store: Store; certificates: StoreCertificate[] }) {
  const [all, setAll] = useState(false);
  const certs = certificates.filter((c) => c.storeId === store.id);
  const judged = store.role === 'root' && store.trusted && certs.length > 0;
  const f = figures(certs);
  const flagged = (c: StoreCertificate) => judged && (!c.summary.selfSigned.value || c.summary.validity.status === 'expired');
  const ordered = [...certs].sort((a, b) => Number(flagged(b)) - Number(flagged(a)));
  const shown = all ? ordered : ordered.slice(0, FIRST_ROWS);
  return (
    <div className="server-card" data-testid="server-store" data-id={store.id} data-role={store.role}>
      <p className="server-card-head">
        <strong>{store.label}</strong>
        <span className="muted"> · {plural(store.certificateCount, 'certificate')}</span>
      </p>
      <p className="server-conclusion" data-testid="server-store-conclusion">
        {conclusion(store, certs)}
      </p>
      {judged && (
        <dl className="server-settings">
          <div className={`server-setting${f.nonSelfSigned.length ? ' is-warn' : ''}`} data-testid="server-store-figure" data-name="non-self-signed" data-count={f.nonSelfSigned.length}>
            <dt>
              Not self-signed <span className="server-raw">{f.nonSelfSigned.length}</span>
            </dt>
            <dd>{f.nonSelfSigned.length ? 'Move them to Intermediate Certification Authorities.' : 'None: good.'}</dd>
          </div>
          <div className={`server-setting${f.expired.length ? ' is-warn' : ''}`} data-testid="server-store-figure" data-name="expired" data-count={f.expired.length}>
            <dt>
              Expired <span className="server-raw">{f.expired.length}</span>
            </dt>
            <dd>{f.expired.length ? 'They anchor nothing but still count toward the CA list.' : 'None.'}</dd>
          </div>
          <div className={`server-setting${f.nameBytes > CA_NAMES_LIMIT ? ' is-warn' : ''}`} data-testid="server-store-figure" data-name="name-bytes" data-count={f.nameBytes}>
            <dt>
              CA names <span className="server-raw">{f.nameBytes.toLocaleString('en-US')} bytes</span>
            </dt>
            <dd>Schannel&apos;s limit is {CA_NAMES_LIMIT.toLocaleString('en-US')} bytes.</dd>
          </div>
        </dl>
      )}
      {certs.length > 0 && (
        <div className="table-scroll">
          <table className="data-table server-table" data-testid="server-store-certificates">
            <caption className="server-caption">{judged && (f.nonSelfSigned.length || f.expired.length) ? 'Certificates, flagged ones first' : 'Certificates'}</caption>
            <thead>
              <tr>
                <th scope="col">Subject</th>
                <th scope="col">Thumbprint</th>
                <th scope="col">Expires</th>
                <th scope="col">Self-signed</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((c, i) => (
                <tr key={`${c.summary.thumbprintSha1}:${i}`} data-testid="server-store-certificate" data-thumbprint={c.summary.thumbprintSha1} data-flagged={flagged(c)}>
                  <td>{c.summary.subject.commonName ?? c.summary.subject.rfc4514}</td>
                  <td className="mono" title={c.summary.thumbprintSha1}>
                    {shortHash(c.summary.thumbprintSha1)}
                  </td>
                  <td className={c.summary.validity.status === 'expired' ? 'text-bad' : undefined}>
                    {formatLocalDate(c.summary.notAfter)}
                    {c.summary.validity.status === 'expired' ? ' (expired)' : ''}
                  </td>
                  <td className={judged && !c.summary.selfSigned.value ? 'text-bad' : undefined}>{c.summary.selfSigned.value ? 'Yes' : 'No'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {ordered.length > shown.length && (
            <button type="button" className="button secondary small server-more" data-testid="server-store-more" onClick={() => setAll(true)}>
              Show all {ordered.length} certificates
            </button>
          )}
        </div>
      )}
      {store.error && certs.length > 0 && <p className="server-source">{store.error}</p>}
      <p className="server-source">Read from {store.location}</p>
    </div>
  );
}

/**
 * The server's own certificate stores, as attached: per store what Schannel makes of it
 * (a non-self-signed certificate in Root, expired roots, the CA names' size against 16 KB), and the
 * certificates with the flagged ones first. certutil text has no certificates to list: its card says so.
 */
export function ServerStoresCard({ stores, certificates }: { stores: Store[]; certificates: StoreCertificate[] }) {
  return (
    <>
      {stores.map((s) => (
        <StoreBlock key={s.id} store={s} certificates={certificates} />
      ))}
    </>
  );
}

import { Fragment, useState } from 'react';
import type { Finding } from '../../../../shared/findings/catalogue';
import type { SslBinding } from '../../../../shared/model/server';
import { ChevronIcon } from '../common/icons';
import { CopyButton } from '../common/copy-button';
import { defaultFlagsWords, negotiationWords, samePath, shortHash, storeWords, tls13Words } from './server-words';

const TLS13_CLASH =
  'TLS 1.3 is allowed while the certificate is asked for only after the request: TLS 1.3 has no renegotiation, so TLS 1.3 clients get a reset or a 500 instead of a certificate prompt.';

const KIND_WORDS: Record<SslBinding['kind'], string> = { ipport: 'IP:port', hostnameport: 'Host name (SNI)', ccs: 'Central certificate store' };

/**
 * HTTP.SYS SSL bindings (netsh http show sslcert; reference items 4-5), one row each. The column a
 * 403.7 hangs on, whether the certificate is asked for in the handshake, is red when it is not;
 * every raw field is one click away.
 */
export function BindingsTable({ bindings, findings }: { bindings: SslBinding[]; findings: Finding[] }) {
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const toggle = (i: number) =>
    setOpen((s) => {
      const next = new Set(s);
      if (next.has(i)) next.delete(i);
      else next.add(i);
      return next;
    });
  const anyOff = bindings.some((b) => b.negotiateClientCertificate === false);
  return (
    <>
      {anyOff && (
        <p className="server-explain" data-testid="bindings-explain">
          <strong className="text-bad">No</strong> in <em>Asks for client certificate in the handshake</em> means IIS asks for the certificate only after
          the request, by TLS 1.2 renegotiation: TLS 1.3 clients and many proxies then end with a 403.7 or a reset connection.
        </p>
      )}
      <div className="table-scroll">
        <table className="data-table server-table bindings-table" data-testid="bindings-table">
          <BindingsHead />
          <tbody>
            {bindings.map((b, i) => {
              const related = findings.filter((f) => samePath(f.params?.binding, b.key));
              return (
                <Fragment key={`${b.key}:${i}`}>
                  <BindingRow binding={b} related={related} expanded={open.has(i)} onToggle={() => toggle(i)} />
                  {open.has(i) && <BindingDetail binding={b} related={related} />}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}

function BindingsHead() {
  return (
    <thead>
      <tr>
        <th scope="col">Binding</th>
        <th scope="col">Certificate</th>
        <th scope="col">Store</th>
        <th scope="col" className="is-wrap" title="netsh: Negotiate Client Certificate">
          Asks for client certificate in the handshake
        </th>
        <th scope="col" title="netsh: Disable TLS1.3">
          TLS 1.3
        </th>
        <th scope="col" title="netsh: Ctl Store Name: the store whose CAs are sent as the CA list">
          CTL store
        </th>
        <th scope="col" title="The SslBindingInfo DefaultFlags registry value">
          DefaultFlags
        </th>
        <th scope="col">
          <span className="visually-hidden">All fields</span>
        </th>
      </tr>
    </thead>
  );
}

const negotiateOf = (b: SslBinding): 'unknown' | 'yes' | 'no' => (b.negotiateClientCertificate === null ? 'unknown' : b.negotiateClientCertificate ? 'yes' : 'no');

/** One binding in a row: its key and findings badge, certificate hash, store, negotiation, TLS 1.3, CTL store, flags. */
function BindingRow({ binding: b, related, expanded, onToggle }: { binding: SslBinding; related: Finding[]; expanded: boolean; onToggle: () => void }) {
  const negotiation = negotiationWords(b.negotiateClientCertificate);
  const tls13 = tls13Words(b.disableTls13);
  const flags = defaultFlagsWords(b);
  const negotiate = negotiateOf(b);
  // TLS 1.3 has no renegotiation: with the certificate asked only after the request, TLS 1.3 clients fail (reference item 8).
  const tls13Clash = negotiate === 'no' && b.disableTls13 === false;
  return (
    <tr className={negotiate === 'no' ? 'is-flagged' : ''} data-testid="binding-row" data-key={b.key} data-negotiate={negotiate}>
      <td>
        <span className="mono server-key">{b.key}</span>
        <span className="server-sub">{KIND_WORDS[b.kind]}</span>
        {related.length > 0 && (
          <button
            type="button"
            className={`mini-badge server-finding-badge ${related.some((f) => f.severity === 'error') ? 'is-deny' : 'is-not-yet-valid'}`}
            data-testid="binding-findings"
            title={related.map((f) => f.title).join('\n')}
            onClick={onToggle}
          >
            {related.length === 1 ? '1 finding' : `${related.length} findings`}
          </button>
        )}
      </td>
      <td>{b.certificateHash ? <BindingHash hash={b.certificateHash} bindingKey={b.key} /> : <span className="muted">None</span>}</td>
      <td>{storeWords(b.certificateStoreName)}</td>
      <td className={`server-negotiate is-${negotiate}`} title={negotiation.title} data-testid="binding-negotiate">
        {negotiation.text}
      </td>
      <td className={tls13Clash ? 'server-tls13-clash' : b.disableTls13 ? 'text-strong' : ''} title={tls13Clash ? TLS13_CLASH : tls13.title} data-testid="binding-tls13">
        {tls13.text}
      </td>
      <td>{b.ctlStoreName ?? <span className="muted">None</span>}</td>
      <td title={flags.title} data-testid="binding-flags">
        <span className="mono">{flags.text}</span>
        {b.flagNames.length > 0 && <span className="server-sub has-title">{b.flagNames.length === 1 ? '1 flag set' : `${b.flagNames.length} flags set`}</span>}
      </td>
      <td className="server-expand-cell">
        <button
          type="button"
          className={`server-expand${expanded ? ' is-open' : ''}`}
          aria-expanded={expanded}
          aria-label={`${expanded ? 'Hide' : 'Show'} all fields of ${b.key}`}
          title="All fields as read"
          data-testid="binding-expand"
          onClick={onToggle}
        >
          <ChevronIcon size={16} />
        </button>
      </td>
    </tr>
  );
}

/** The certificate hash in full (two lines of 20) where the window has room, shortened otherwise; Copy copies it whole either way. */
function BindingHash({ hash, bindingKey }: { hash: string; bindingKey: string }) {
  return (
    <span className="server-hash">
      <span className="mono" title={hash} data-testid="binding-hash">
        <span className="hash-full">
          <span>{hash.toUpperCase().slice(0, 20)}</span>
          <span>{hash.toUpperCase().slice(20)}</span>
        </span>
        <span className="hash-short" aria-hidden="true">
          {shortHash(hash)}
        </span>
      </span>
      <CopyButton value={hash} what={`the certificate hash of ${bindingKey}`} />
    </span>
  );
}

/** The expanded row: the binding's findings, every field as read, DefaultFlags decoded, and the source. */
function BindingDetail({ binding: b, related }: { binding: SslBinding; related: Finding[] }) {
  const flags = defaultFlagsWords(b);
  return (
    <tr className="server-detail-row" data-testid="binding-detail">
      <td colSpan={8}>
        {related.length > 0 && (
          <ul className="server-related">
            {related.map((f, j) => (
              <li key={j} className={`is-${f.severity}`}>
                {f.title} <code>{f.id}</code>
              </li>
            ))}
          </ul>
        )}
        <dl className="server-fields">
          {b.fields.map((f, j) => (
            <Fragment key={j}>
              <dt>{f.label}</dt>
              <dd className="mono">{f.value}</dd>
            </Fragment>
          ))}
          {b.defaultFlags !== null && (
            <>
              <dt>DefaultFlags (decoded)</dt>
              <dd>{flags.title}</dd>
            </>
          )}
        </dl>
        <p className="server-source">Read from {b.source}</p>
      </td>
    </tr>
  );
}

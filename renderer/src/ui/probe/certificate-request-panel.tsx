import type { CertificateRequestInfo } from '../../../../shared/model/probe';
import { CopyButton } from '../common/copy-button';
import { formatCount } from './probe-words';
import { SizeGauge } from './size-gauge';

const CARRIED_BY: Record<CertificateRequestInfo['carriedBy'], string> = {
  handshake: 'in the first handshake',
  renegotiation: 'in a renegotiation after the HTTP request',
  'post-handshake': 'after the TLS 1.3 handshake (post-handshake authentication)',
};

/**
 * What the server's CertificateRequest asks for (RFC 5246 7.4.4, RFC 8446 4.3.2): the CA names a
 * client certificate must chain to (RFC 4514, in the order sent), how big that list is against the
 * Windows limits, and which certificate types and signature algorithms it accepts.
 */
export function CertificateRequestPanel({ request, id }: { request: CertificateRequestInfo; id: string }) {
  const count = request.caNames.length;
  return (
    <section className="ca-panel" id={id} data-testid="ca-panel" aria-label="What the CertificateRequest asks for">
      <div className="ca-panel-head">
        <h4 className="ca-panel-title">
          CA names sent by the server <span className="ca-count" data-testid="ca-count">({formatCount(count)})</span>
        </h4>
        {count > 0 && <CopyButton value={request.caNames.join('\n')} what="the CA names, one per line" />}
      </div>
      <p className="ca-panel-lead">
        Sent {CARRIED_BY[request.carriedBy]}. A browser offers only certificates issued under one of these names
        {count === 0 ? '; this list is empty, so the client may offer any certificate it has.' : '.'}
      </p>

      <SizeGauge bytes={request.caNamesBytes} />
      <p className="ca-panel-facts" data-testid="ca-message-size">
        The whole CertificateRequest message is {formatCount(request.messageBytes)} bytes, carried in {formatCount(request.records)} TLS record
        {request.records === 1 ? '' : 's'}.
      </p>

      {count > 0 && (
        <ol className="ca-names" data-testid="ca-names">
          {request.caNames.map((name, i) => (
            <li key={`${i}:${name}`} className="ca-name" data-testid="ca-name">
              {name || '(empty name)'}
            </li>
          ))}
        </ol>
      )}

      <dl className="ca-panel-lists">
        <div>
          <dt>Certificate types</dt>
          <dd data-testid="certificate-types">
            {request.certificateTypes.length > 0 ? request.certificateTypes.join(', ') : <span className="muted">not in TLS 1.3 (the signature algorithms decide)</span>}
          </dd>
        </div>
        <div>
          <dt>Signature algorithms ({request.signatureAlgorithms.length})</dt>
          <dd data-testid="signature-algorithms" className="ca-algorithms">
            {request.signatureAlgorithms.length > 0 ? request.signatureAlgorithms.map((s) => <code key={s}>{s}</code>) : <span className="muted">none listed</span>}
          </dd>
        </div>
      </dl>
    </section>
  );
}

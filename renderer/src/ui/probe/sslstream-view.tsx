import type { SslStreamDetails } from '../../../../shared/model/probe';
import { offerSummary } from '../../../../shared/probe/offer';
import { groupHex } from '../../lib/hex';
import { OffersTable } from './offers-table';
import { capitalise, formatMs } from './probe-words';

/**
 * What the Windows TLS client (.NET SslStream in PowerShell, Schannel on Windows) saw beside the
 * common facts of its connection: which runtime and TLS stack, each time it was asked for a
 * certificate with the issuers Windows handed over, which personal certificates it would offer for
 * them and why not the others, and its failure in Schannel's (or OpenSSL's) own terms.
 */
export function SslStreamView({ details: d }: { details: SslStreamDetails }) {
  const asked = d.selectionCalls.filter((c) => c.serverKnown || c.issuers.length > 0);
  return (
    <div className="sslstream" data-testid="sslstream-details">
      <p className="sslstream-runtime">
        Made by <strong>{d.runtime}</strong>
        {d.certificateStore ? `, with the certificate from ${d.certificateStore}` : ''}.
      </p>
      {asked.length === 0 ? (
        <p className="muted">Its certificate callback was never called with the server&apos;s certificate: the server did not ask this client for one.</p>
      ) : (
        asked.map((c, i) => (
          <div key={i} className="sslstream-call" data-testid="sslstream-call">
            <p>
              At {formatMs(c.ms)}, {c.when === 'after-request' ? 'after the HTTP request' : 'during the handshake'}, the server asked for a certificate naming{' '}
              {c.issuers.length === 0 ? 'no CA (any certificate may be offered)' : `${c.issuers.length} CA${c.issuers.length === 1 ? '' : 's'}`}; the client answered{' '}
              {c.answered ? <code>{groupHex(c.answered)}</code> : 'with no certificate'}.
            </p>
            {c.issuers.length > 0 && (
              <ul className="sslstream-issuers" aria-label="Acceptable issuers as Windows handed them over">
                {c.issuers.slice(0, 50).map((n, j) => (
                  <li key={j} data-testid="sslstream-issuer">
                    {n}
                  </li>
                ))}
                {c.issuers.length > 50 && <li className="muted">… and {c.issuers.length - 50} more</li>}
              </ul>
            )}
          </div>
        ))
      )}
      {d.failure && (
        <p className="sslstream-failure" data-testid="sslstream-failure">
          {d.tlsStack === 'schannel' ? 'Schannel' : '.NET'} said <strong>{d.failure.name ?? 'an error'}</strong>
          {d.failure.code ? ` (${d.failure.code})` : ''}: {d.failure.words}.
        </p>
      )}
      {d.serverCertificateErrors && <p className="muted">The server&apos;s certificate, as .NET judged it: {d.serverCertificateErrors} (the probe goes on regardless).</p>}
      {d.notes.map((n, i) => (
        <p key={i} className="muted">
          {capitalise(n.replace(/\.+$/, ''))}.
        </p>
      ))}
      {asked.length > 0 && (
        <OffersTable
          title="Which personal certificates this client would offer for those CA names"
          testId="sslstream-offers"
          offers={{ state: 'done', summary: offerSummary({ caNames: asked[asked.length - 1]!.issuers }, d.offers), decisions: d.offers }}
          extraNote={null}
        />
      )}
    </div>
  );
}

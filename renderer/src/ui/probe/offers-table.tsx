import { useId } from 'react';
import type { OfferDecision } from '../../../../shared/probe/offer';
import { groupHex } from '../../lib/hex';
import { CheckIcon, CrossIcon } from '../common/icons';
import { ProgressBar } from '../common/progress-bar';
import type { OffersState } from './use-probe';
import { plainText } from '../common/words';

/**
 * "Would a browser offer my certificate to this server?": each local certificate with
 * its source and thumbprint, a tick or a cross, and the reasons in words (shared/probe/offer.ts,
 * the same rule as the CLI). Offered ones come first: they are what the user will be asked about.
 */
export function OffersTable({
  offers,
  extraNote,
  title = "Which of this machine's certificates a browser would offer",
  testId = 'offers',
}: {
  offers: OffersState;
  extraNote: string | null;
  title?: string;
  testId?: string;
}) {
  const titleId = useId();
  return (
    <section className="probe-section" aria-labelledby={titleId} data-testid={testId}>
      <h3 className="probe-section-title" id={titleId}>
        {title}
      </h3>
      {offers.state === 'running' && <ProgressBar progress={offers.progress} what="Matching local certificates" testId="offers-progress" />}
      {offers.state === 'failed' && (
        <p className="probe-error" role="alert" data-testid="offers-error">
          {offers.message}
        </p>
      )}
      {offers.state === 'done' && (
        <>
          <p className="offers-summary" data-testid="offers-summary">
            {offers.summary}
          </p>
          {extraNote && <p className="muted offers-note">{extraNote}</p>}
          {offers.decisions.length === 0 ? (
            <p className="muted">No certificate for client authentication was found in this machine&apos;s personal stores or added folders.</p>
          ) : (
            <div className="offers-scroll">
              <table className="offers-table" data-testid="offers-table">
                <thead>
                  <tr>
                    <th scope="col">Certificate</th>
                    <th scope="col">Where it is</th>
                    <th scope="col">Would be offered</th>
                    <th scope="col">Why</th>
                  </tr>
                </thead>
                <tbody>
                  {[...offers.decisions]
                    .sort((a, b) => Number(b.wouldOffer) - Number(a.wouldOffer))
                    .map((d) => (
                      <OfferRow key={`${d.thumbprint}:${d.source}`} d={d} />
                    ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}

function OfferRow({ d }: { d: OfferDecision }) {
  return (
    <tr className={d.wouldOffer ? 'is-offered' : 'is-not-offered'} data-testid="offer-row" data-offered={String(d.wouldOffer)} data-thumbprint={d.thumbprint}>
      <td>
        <span className="offer-name">{d.commonName ?? d.subject}</span>
        {d.commonName && <span className="offer-subject">{d.subject}</span>}
        <span className="offer-thumbprint" title="SHA-1 thumbprint">
          {groupHex(d.thumbprint)}
        </span>
      </td>
      <td className="offer-source">{plainText(d.source)}</td>
      <td>
        <span className={`offer-mark ${d.wouldOffer ? 'is-yes' : 'is-no'}`}>
          {d.wouldOffer ? <CheckIcon size={15} /> : <CrossIcon size={15} />}
          {d.wouldOffer ? 'Yes' : 'No'}
        </span>
      </td>
      <td>
        {d.matchedCa && (
          <p className="offer-matched" data-testid="offer-matched-ca">
            Issued under <span className="offer-ca">{d.matchedCa}</span>, a CA the server named.
          </p>
        )}
        {d.wouldOffer && !d.matchedCa && <p>It has Client Authentication, a private key and is valid; the server named no CA to narrow the choice.</p>}
        {(d.notes ?? []).map((n, i) => (
          <p key={`note-${i}`} className="offer-note" data-testid="offer-note">
            {n.charAt(0).toUpperCase() + n.slice(1)}.
          </p>
        ))}
        {d.reasons.length > 0 && (
          <ul className="offer-reasons">
            {d.reasons.map((r, i) => (
              <li key={i}>{r.charAt(0).toUpperCase() + r.slice(1)}.</li>
            ))}
          </ul>
        )}
      </td>
    </tr>
  );
}

import { useState } from 'react';
import type { ChainPath, ChainReport } from '../../../../shared/model/chain';
import { ChainDiagram } from './chain-diagram';
import { useCertificateDialog } from './use-certificate-dialog';
import './certificates.css';

/** `who`: whose roots decided, "this machine" unless the chain was judged by an opened bundle's stores. */
const STATUS: Record<ChainPath['status'], { word: string; why: (who: string) => string }> = {
  valid: { word: 'Valid', why: (who) => `complete up to a root ${who} trusts` },
  untrusted: { word: 'Untrusted', why: (who) => `complete, but it ends in a root ${who} does not trust` },
  incomplete: { word: 'Incomplete', why: () => 'an issuing CA certificate is missing: open its file, or install it where the certificate is used' },
  invalid: { word: 'Invalid', why: () => 'a check failed on a certificate of the chain (marked ✗ below)' },
  unverified: { word: 'Unverified', why: () => 'a signature uses an algorithm Certbench cannot verify (marked ? below), so the chain is not accepted' },
};

function StatusLine({ path, testId, trustedBy }: { path: ChainPath; testId: string; trustedBy: string }) {
  const s = STATUS[path.status];
  return (
    <p className="chain-status-line">
      <span className={`chain-status is-${path.status}`} data-testid={testId} data-status={path.status}>
        {s.word}
      </span>
      <span className="chain-status-why">{s.why(trustedBy)}</span>
    </p>
  );
}

/** What the chain was judged with, when it is not the default (client auth, Windows' anchors, any policy). */
function judgedFor(chain: ChainReport): string | null {
  const parts: string[] = [];
  if (chain.purpose === 'client-auth-strict') parts.push('strict client mode');
  if (chain.purpose === 'server-auth') parts.push('server authentication');
  if (chain.anchors === 'rfc5280') parts.push('RFC 5280 trust anchors');
  if (chain.policies?.length) parts.push(`required policies ${chain.policies.join(', ')}`);
  return parts.length ? `Judged with ${parts.join('; ')}.` : null;
}

/**
 * "Certification path", as Windows calls it, but drawn and explained: the best path's status in
 * words, the picture, and the other candidate paths (cross-signed CAs) on request.
 */
export function ChainSection({ chain, trustedBy = 'this machine' }: { chain: ChainReport; trustedBy?: string }) {
  const open = useCertificateDialog();
  const [showAlternatives, setShowAlternatives] = useState(false);
  const others = chain.alternatives.length;
  return (
    <section className="card-section chain-section" data-testid="chain-section" aria-label="Certification path">
      <h4 className="section-title">Certification path</h4>
      <StatusLine path={chain.best} testId="chain-status" trustedBy={trustedBy} />
      {judgedFor(chain) && (
        <p className="muted chain-judged" data-testid="chain-judged">
          {judgedFor(chain)}
        </p>
      )}
      <ChainDiagram path={chain.best} onOpen={open} />
      {others > 0 && (
        <div className="alternatives">
          <button
            type="button"
            className="link-button"
            data-testid="alternatives-toggle"
            aria-expanded={showAlternatives}
            onClick={() => setShowAlternatives((v) => !v)}
          >
            {others} other path{others === 1 ? '' : 's'} considered · {showAlternatives ? 'hide' : 'show'}
          </button>
          {showAlternatives && (
            <ol className="alternative-list" data-testid="alternatives">
              {chain.alternatives.map((p, i) => (
                <li key={i} className="alternative">
                  <p className="alternative-title">Other path {i + 1}</p>
                  <StatusLine path={p} testId="alternative-status" trustedBy={trustedBy} />
                  <ChainDiagram path={p} onOpen={open} />
                </li>
              ))}
            </ol>
          )}
        </div>
      )}
    </section>
  );
}

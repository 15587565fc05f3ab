import type { CertificateSummary } from '../../../../shared/model/certificate';
import type { ChainLink } from '../../../../shared/model/chain';
import type { ProbeResult } from '../../../../shared/model/probe';
import { serverChainSentence } from '../../../../shared/probe/report-lines';
import { validityWords } from '../../lib/validity';
import { useCertificateDialog } from '../certificates/use-certificate-dialog';
import { CheckIcon, ChevronIcon, WarningIcon } from '../common/icons';

const SOURCE = "the server's handshake";

/** A chain link for the shared certificate dialog: it summarises the DER itself, checks are not run here. */
function asLink(c: CertificateSummary, index: number): ChainLink {
  return {
    thumbprintSha1: c.thumbprintSha1,
    subject: c.subject.rfc4514,
    issuer: c.issuer.rfc4514,
    commonName: c.subject.commonName,
    notBefore: c.notBefore,
    notAfter: c.notAfter,
    sources: [SOURCE],
    role: index === 0 ? 'leaf' : c.selfSigned.value ? 'root' : 'intermediate',
    derBase64: c.derBase64,
    status: 'unknown',
    checks: [],
  };
}

/**
 * The server's certificates in the order it sent them (RFC 8446 4.4.2: its own first, then what
 * it chose to send of its chain). Small cards; a click opens the full certificate in the same dialog
 * the Certificates page uses.
 */
export function ServerChain({ certificates, judged = null }: { certificates: CertificateSummary[]; judged?: ProbeResult['serverChain'] }) {
  const open = useCertificateDialog();
  const now = new Date();
  return (
    <section className="probe-section" aria-labelledby="probe-server-chain-title">
      <h3 className="probe-section-title" id="probe-server-chain-title">
        The server&apos;s certificates, as sent
      </h3>
      {certificates.length === 0 ? (
        <p className="muted">The server sent no certificate the probe could read.</p>
      ) : (
        <>
        {judged && (
          <div className={`server-chain-verdict is-${judged.status === 'valid' ? 'good' : 'bad'}`} data-testid="server-chain-verdict" data-status={judged.status}>
            <p>{serverChainSentence(judged)}</p>
            {judged.problems.length > 0 && (
              <ul>
                {judged.problems.map((p, i) => (
                  <li key={i}>{p}</li>
                ))}
              </ul>
            )}
          </div>
        )}
        <ol className="server-chain" data-testid="server-chain">
          {certificates.map((c, i) => {
            const words = validityWords(c.notBefore, c.notAfter, now);
            const name = c.subject.commonName ?? (c.subject.rfc4514 || '(empty subject)');
            return (
              <li key={`${c.thumbprintSha1}:${i}`}>
                <button type="button" className="server-cert" data-testid="server-cert" title="Show this certificate's details" onClick={() => open(asLink(c, i))}>
                  <span className="server-cert-role">{i === 0 ? "Server's certificate" : c.selfSigned.value ? 'Root CA' : `CA certificate ${i}`}</span>
                  <span className="server-cert-name">
                    {name}
                    <ChevronIcon size={14} />
                  </span>
                  <span className="server-cert-issuer">{c.selfSigned.value ? 'Self-signed' : `Issued by ${c.issuer.commonName ?? c.issuer.rfc4514}`}</span>
                  <span className={`server-cert-validity is-${words.status}`}>
                    {words.status === 'valid' ? <CheckIcon size={13} /> : <WarningIcon size={13} />}
                    {words.sentence}
                  </span>
                </button>
              </li>
            );
          })}
        </ol>
        </>
      )}
    </section>
  );
}

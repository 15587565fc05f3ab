import { useId, useState } from 'react';
import type { CertificateSummary, ValidityStatus } from '../../../../shared/model/certificate';
import { validityWords } from '../../lib/validity';
import { CheckIcon, WarningIcon } from '../common/icons';
import { Asn1Tree } from './asn1-tree';
import { CertificateFields } from './certificate-fields';
import { ChainSection } from './chain-section';
import type { TargetAnalysis } from './use-chain-analysis';
import { ValidityTimeline } from './validity-timeline';
import { VerdictBanner } from './verdict-banner';
import './certificates.css';

const BADGE_TEXT: Record<ValidityStatus, string> = {
  valid: 'Valid',
  expired: 'Expired',
  'not-yet-valid': 'Not yet valid',
};

/** A title a user recognises: the CN, else the most specific part of the subject. */
function cardTitle(c: CertificateSummary): string {
  if (c.subject.commonName) return c.subject.commonName;
  const first = c.subject.attributes[0];
  return first ? `${first.type}=${first.value}` : '(certificate with an empty subject)';
}

type View = 'details' | 'asn1';

/**
 * Everything a helpdesk user needs from one certificate, most decisive first: the verdict and its
 * findings, the chain as a picture, validity on a timeline, then every field, and the raw ASN.1 one
 * click away. `analysis` is set for the certificates that are judged (not roots, not CAs next to a leaf).
 */
export function CertificateCard({
  cert,
  now,
  position,
  analysis,
  trustedBy,
}: {
  cert: CertificateSummary;
  now: Date;
  position?: string;
  analysis?: TargetAnalysis;
  /** Whose roots the chain was judged by, when not this machine's (an opened bundle's host). */
  trustedBy?: string;
}) {
  const words = validityWords(cert.notBefore, cert.notAfter, now);
  // Revocation checked and revoked: the badge must not say "Valid" in green above "Not usable: revoked".
  const revoked = analysis?.state === 'done' && analysis.chain.best.links[0]?.revocation?.status === 'revoked';
  const title = cardTitle(cert);
  const isCa = cert.basicConstraints?.ca === true;
  const problems = cert.extensions.filter((x) => x.problem);
  const [view, setView] = useState<View>('details');
  const tabs = useId();

  return (
    <article className="cert-card" data-testid="cert-card" aria-label={`Certificate ${title}`}>
      <header className="cert-head">
        <div className="cert-title-block">
          {position && <div className="cert-position">{position}</div>}
          <h3 className="cert-title" data-testid="cert-title">
            {title}
          </h3>
          <p className="cert-issued-by" data-testid="issued-by">
            {cert.selfSigned.value ? 'Self-signed' : `Issued by ${cert.issuer.commonName ?? (cert.issuer.rfc4514 || '(empty issuer name)')}`}
          </p>
          <p className="cert-validity-line">
            <span className={`validity-badge is-${revoked ? 'expired' : words.status}`} data-testid="validity-badge" data-status={revoked ? 'revoked' : words.status}>
              {words.status === 'valid' && !revoked ? <CheckIcon size={14} /> : <WarningIcon size={14} />}
              {revoked ? 'Revoked' : BADGE_TEXT[words.status]}
            </span>
            <span className="validity-sentence" data-testid="validity-sentence">
              {revoked ? `${words.sentence} by its dates, but its CA has revoked it` : words.sentence}
            </span>
          </p>
        </div>
        {isCa && <span className="kind-tag">Certification authority</span>}
      </header>

      {problems.length > 0 && (
        <div className="note is-bad" data-testid="extension-problems" role="note">
          <WarningIcon size={16} />
          <div>
            <strong>
              {problems.length === 1 ? 'One extension could not be read' : `${problems.length} extensions could not be read`}:
            </strong>
            <ul className="plain-list">
              {problems.map((x, i) => (
                <li key={`${x.oid}:${i}`}>{x.problem}</li>
              ))}
            </ul>
          </div>
        </div>
      )}

      {analysis && <AnalysisBlock analysis={analysis} isCa={isCa} trustedBy={trustedBy} />}

      <section className="card-section" aria-label="Validity">
        <h4 className="section-title">Validity</h4>
        <ValidityTimeline notBefore={cert.notBefore} notAfter={cert.notAfter} now={now} />
      </section>

      <div className="card-tabs" role="tablist" aria-label={`Views of ${title}`}>
        <TabButton id={`${tabs}-details`} controls={`${tabs}-panel`} selected={view === 'details'} testId="tab-details" onSelect={() => setView('details')}>
          Details
        </TabButton>
        <TabButton id={`${tabs}-asn1`} controls={`${tabs}-panel`} selected={view === 'asn1'} testId="tab-asn1" onSelect={() => setView('asn1')}>
          Raw ASN.1
        </TabButton>
      </div>
      <div className="card-panel" id={`${tabs}-panel`} role="tabpanel" aria-labelledby={`${tabs}-${view}`}>
        {view === 'details' ? <CertificateFields cert={cert} /> : <Asn1Tree derBase64={cert.derBase64} />}
      </div>
    </article>
  );
}

function TabButton({
  id,
  controls,
  selected,
  testId,
  onSelect,
  children,
}: {
  id: string;
  controls: string;
  selected: boolean;
  testId: string;
  onSelect: () => void;
  children: string;
}) {
  return (
    <button
      type="button"
      role="tab"
      id={id}
      aria-controls={controls}
      aria-selected={selected}
      className={`card-tab${selected ? ' is-selected' : ''}`}
      data-testid={testId}
      onClick={onSelect}
    >
      {children}
    </button>
  );
}

/** Verdict and chain, or a calm line while they are computed or when they could not be. */
function AnalysisBlock({ analysis, isCa, trustedBy }: { analysis: TargetAnalysis; isCa: boolean; trustedBy?: string }) {
  if (analysis.state === 'pending') {
    return (
      <p className="analysis-pending" data-testid="analysis-pending" role="status">
        {isCa ? 'Checking the chain…' : 'Checking the chain and whether it can log on…'}
      </p>
    );
  }
  if (analysis.state === 'failed') {
    return (
      <p className="note is-bad" data-testid="analysis-error" role="alert">
        <WarningIcon size={16} />
        <span>The chain could not be checked: {analysis.message}</span>
      </p>
    );
  }
  return (
    <>
      {/* A CA is not used to log on itself: its chain matters, a client-authentication verdict would mislead. */}
      {!isCa && (
        <div className="card-section">
          <VerdictBanner verdict={analysis.verdict} keyStatus={analysis.key} />
        </div>
      )}
      <ChainSection chain={analysis.chain} trustedBy={trustedBy} />
    </>
  );
}

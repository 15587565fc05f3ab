import { bySeverity } from '../findings/catalogue';
import type { ChainPath, Verdict } from '../model/chain';
import type { Revocation } from '../model/revocation';
import { revocationFindings, type RevocationFindingOptions } from './findings';

/**
 * A judged chain with each link's revocation answer set and the revocation findings joined to the
 * verdict: what `chain --revocation`, the certificate view and Diagnose all show. A revoked link
 * makes the certificate unusable; the other answers add findings without changing the verdict.
 */
export function withRevocation<T extends { chain: { best: ChainPath }; verdict: Verdict }>(result: T, answers: Revocation[], opts: RevocationFindingOptions = {}): T {
  // A revoked link fails, and so does the path (RFC 5280 6.1.3 a.3: the certificate is not revoked).
  const links = result.chain.best.links.map((l, i) => {
    const revocation = answers[i];
    if (!revocation) return l;
    return revocation.status === 'revoked' ? { ...l, status: 'fail' as const, revocation } : { ...l, revocation };
  });
  const revoked = links.find((l) => l.revocation?.status === 'revoked');
  const best: ChainPath = revoked
    ? { ...result.chain.best, links, status: 'invalid', problems: [...result.chain.best.problems, `"${revoked.commonName ?? revoked.subject}" is ${revoked.revocation!.text}.`] }
    : { ...result.chain.best, links };
  const added = revocationFindings(links, opts);
  const verdict: Verdict = {
    ...result.verdict,
    findings: [...result.verdict.findings, ...added].sort(bySeverity),
    ...(revoked ? { usable: false, sentence: `Not usable: ${revoked.role === 'leaf' ? 'the certificate' : `the CA "${revoked.commonName ?? revoked.subject}" above it`} is ${revoked.revocation!.text}.` } : {}),
  };
  return { ...result, chain: { ...result.chain, best }, verdict };
}

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
  const links = result.chain.best.links.map((l, i) => (answers[i] ? { ...l, revocation: answers[i] } : l));
  const best = { ...result.chain.best, links };
  const added = revocationFindings(links, opts);
  const revoked = links.find((l) => l.revocation?.status === 'revoked');
  const verdict: Verdict = {
    ...result.verdict,
    findings: [...result.verdict.findings, ...added].sort(bySeverity),
    ...(revoked ? { usable: false, sentence: `Not usable: ${revoked.role === 'leaf' ? 'the certificate' : `the CA "${revoked.commonName ?? revoked.subject}" above it`} is ${revoked.revocation!.text}.` } : {}),
  };
  return { ...result, chain: { ...result.chain, best }, verdict };
}

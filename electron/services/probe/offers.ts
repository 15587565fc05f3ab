import { base64 } from '@peculiar/utils';
import type { Res } from '../../../shared/contract';
import { analyzeChains, type PoolItem } from '../../../shared/chain/analyze';
import { clientAuthVerdict } from '../../../shared/verdict/client-auth';
import { briefVerdict, keyStatusOfStoreCertificate } from '../../../shared/verdict/store-verdicts';
import type { KeyStatus } from '../../../shared/model/chain';
import type { CertificateSummary } from '../../../shared/model/certificate';
import type { CertificateRequestInfo } from '../../../shared/model/probe';
import type { StoreCertificate } from '../../../shared/model/store';
import { decideOffers, offerSummary, type OfferCandidate } from '../../../shared/probe/offer';
import type { StoresService } from '../stores';
import type { SystemTrustSource } from '../system-trust';
import type { Work } from '../work';

/** A certificate the user opened in a file, judged alongside the local stores. */
export interface OfferInput {
  summary: CertificateSummary;
  source: string;
  key: KeyStatus;
}

/** Store roles whose certificates a browser or Windows would consider offering (not CA stores). */
const PERSONAL_ROLES = new Set(['personal', 'other', 'trusted-people']);

/**
 * Which local certificates (stores and folders, plus files the user opened) would be
 * offered to the server the probe saw, and why not the others. Chains are built over every store
 * certificate, so an issuer named by the server counts wherever it sits up the chain.
 */
export async function probeOffers(
  certificateRequest: CertificateRequestInfo | null,
  extras: OfferInput[],
  ctx: Work,
  deps: { stores: StoresService; trust: SystemTrustSource; at: Date },
): Promise<Res<'probe:offers'>> {
  const at = deps.at;
  // Unjudged: only the candidates' chains are built below, so only the store certificates in those
  // chains get their signatures checked (not every root of the machine's bundle).
  const { listing: l } = await deps.stores.listing(ctx, { refresh: false, judge: false });
  // The same pool the Local stores verdicts are judged over (stores with their trust, the system's
  // roots), so a row here and the same certificate's row and card there give one verdict.
  const storeOf = (c: StoreCertificate) => l.stores.find((s) => s.id === c.storeId);
  const candidates: OfferCandidate[] = l.certificates
    .filter((c) => c.summary.basicConstraints?.ca !== true && PERSONAL_ROLES.has(storeOf(c)?.role ?? 'other'))
    .map((c) => ({ summary: c.summary, source: storeOf(c)?.label ?? c.storeId, key: keyStatusOfStoreCertificate(c, storeOf(c)), issuers: [] }));
  for (const extra of extras) candidates.push({ summary: extra.summary, source: extra.source, key: extra.key, issuers: [] });
  // No certificate that could be offered (a machine with only CA stores): no chain to build, no pool to decode.
  if (!candidates.length) return { summary: offerSummary(certificateRequest, []), decisions: [] };
  const pool: PoolItem[] = l.certificates
    .filter((c) => c.summary.derBase64)
    .map((c) => ({ der: base64.decode(c.summary.derBase64), source: storeOf(c)?.label ?? c.storeId, trusted: storeOf(c)?.trusted ?? false }));
  pool.push(...(await deps.trust.roots()).items);
  for (const extra of extras) pool.push({ der: base64.decode(extra.summary.derBase64), source: extra.source, trusted: false });
  const { results } = await analyzeChains(
    pool,
    candidates.map((c) => ({ thumbprint: c.summary.thumbprintSha1, key: c.key })),
    at,
    (done, total) => ctx.progress({ done, total, label: 'Matching local certificates' }),
  );
  const byThumbprint = new Map(results.map((r) => [r.thumbprint, r]));
  for (const c of candidates) {
    const r = byThumbprint.get(c.summary.thumbprintSha1);
    c.issuers = r ? r.chain.best.links.slice(1).map((l) => l.subject) : [];
    // Each candidate's own key status decides its verdict (a certificate may sit in two stores).
    if (r) c.verdict = briefVerdict(clientAuthVerdict(c.summary, r.chain, c.key, at));
  }
  const decisions = decideOffers(certificateRequest, candidates, at);
  return { summary: offerSummary(certificateRequest, decisions), decisions };
}

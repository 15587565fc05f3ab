import { base64 } from '@peculiar/utils';
import type { ParsedReq, Res } from '../../../shared/contract';
import { analyzeChains, type PoolItem } from '../../../shared/chain/analyze';
import type { KeyStatus } from '../../../shared/model/chain';
import type { StoreCertificate } from '../../../shared/model/store';
import { decideOffers, offerSummary, type OfferCandidate } from '../../../shared/probe/offer';
import type { HandlerContext } from '../../handlers';
import { listing } from '../stores';

/** Store roles whose certificates a browser or Windows would consider offering (not CA stores). */
const PERSONAL_ROLES = new Set(['personal', 'other', 'trusted-people']);

function keyStatusOf(c: StoreCertificate): KeyStatus {
  switch (c.key.status) {
    case 'present':
      return { status: 'present', detail: c.key.path ? `key file ${c.key.path}` : 'key present' };
    case 'missing':
      return { status: 'missing', detail: c.key.detail ?? 'the associated key is missing' };
    case 'none':
      return { status: 'missing', detail: 'no private key is associated' };
    default:
      return { status: 'unknown', detail: c.key.detail ?? 'key not known' };
  }
}

/**
 * `probe:offers`: which local certificates (stores and folders, plus files the user opened) would be
 * offered to the server the probe saw, and why not the others. Chains are built over every store
 * certificate, so an issuer named by the server counts wherever it sits up the chain.
 */
export async function probeOffers(request: ParsedReq<'probe:offers'>, ctx: Pick<HandlerContext, 'progress' | 'signal'>): Promise<Res<'probe:offers'>> {
  const at = new Date();
  const { listing: l } = await listing(ctx, { refresh: false });
  const pool: PoolItem[] = l.certificates.map((c) => ({ der: base64.decode(c.summary.derBase64), source: c.storeId, trusted: false }));
  const candidates: OfferCandidate[] = l.certificates
    .filter((c) => c.summary.basicConstraints?.ca !== true && PERSONAL_ROLES.has(l.stores.find((s) => s.id === c.storeId)?.role ?? 'other'))
    .map((c) => ({ summary: c.summary, source: l.stores.find((s) => s.id === c.storeId)?.label ?? c.storeId, key: keyStatusOf(c), issuers: [] }));
  for (const extra of request.extra) {
    pool.push({ der: base64.decode(extra.summary.derBase64), source: extra.source, trusted: false });
    candidates.push({ summary: extra.summary, source: extra.source, key: extra.key, issuers: [] });
  }
  const { results } = await analyzeChains(
    pool,
    candidates.map((c) => ({ thumbprint: c.summary.thumbprintSha1, key: c.key })),
    at,
    (done, total) => ctx.progress({ done, total, label: 'Matching local certificates' }),
  );
  const issuersOf = new Map(results.map((r) => [r.thumbprint, r.chain.best.links.slice(1).map((l) => l.subject)]));
  for (const c of candidates) c.issuers = issuersOf.get(c.summary.thumbprintSha1) ?? [];
  const decisions = decideOffers(request.certificateRequest, candidates, at);
  return { summary: offerSummary(request.certificateRequest, decisions), decisions };
}

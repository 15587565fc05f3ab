import { finding, type Finding } from '../findings/catalogue';
import type { ChainLink } from '../model/chain';
import type { Revocation } from '../model/revocation';
import { METHOD_WORDS, revocationSentence } from './words';

/**
 * The revocation findings of one chain, from each link's answer: the ONE function the CLI, the
 * certificate view and Diagnose call, so all three say the same. `serverChecksRevocation` (known
 * from the binding's evidence) turns "could not check" and "no address" into errors: such a server
 * refuses what it cannot check (CRYPT_E_REVOCATION_OFFLINE, 0x80092013).
 */
export interface RevocationFindingOptions {
  serverChecksRevocation?: boolean;
}

type Link = Pick<ChainLink, 'subject' | 'thumbprintSha1' | 'role'> & { revocation?: Revocation | undefined };

function who(l: Link): string {
  return l.role === 'leaf' ? `The certificate "${l.subject}"` : `The CA "${l.subject}" above the certificate`;
}

function params(l: Link, url?: string): Record<string, string> {
  return { subject: l.subject, thumbprint: l.thumbprintSha1, ...(url ? { revocationUrl: url } : {}) };
}

/** One evidence row per source tried: the kind short (views print it as a label), the address and what it said in the text. */
function sourceEvidence(r: Revocation) {
  return r.sources.map((s) => ({ kind: METHOD_WORDS[s.method], text: `${s.url}: ${s.detail}${s.nextUpdate && s.failure !== 'stale' ? ` (next update ${s.nextUpdate})` : ''}` }));
}

function forLink(l: Link, r: Revocation, opts: RevocationFindingOptions): Finding[] {
  const out: Finding[] = [];
  const evidence = sourceEvidence(r);
  const strict = opts.serverChecksRevocation === true;
  if (r.status === 'revoked') {
    out.push(finding('revocation.revoked', `${who(l)} is revoked`, `${revocationSentence(r)}. A server that checks revocation refuses it; only a new certificate helps.`, evidence, { params: params(l, r.settledBy?.url) }));
  }
  const staleSources = r.sources.filter((s) => s.failure === 'stale' && s.method !== 'ocsp');
  const settled = r.status === 'good' || r.status === 'revoked';
  if (staleSources.length && (!settled || staleSources.some((s) => s.method === 'delta-crl'))) {
    const s = staleSources[0]!;
    out.push(finding('revocation.stale-crl', `The ${METHOD_WORDS[s.method]} for "${l.subject}" is out of date`, `${s.detail}. The CA has not published a newer one at ${s.url}; servers that check revocation fail the check until it does.`, evidence, { params: params(l, s.url) }));
  }
  const realFailures = r.sources.filter((s) => s.outcome === 'failed' && s.failure !== 'stale');
  const onlyUnfetched = !r.sources.length && r.addresses.notFetched.length > 0;
  // No source tried and nothing unfetched: the issuer is missing, which the chain's own finding (chain.incomplete) says.
  if (r.status === 'could-not-check' && (realFailures.length || onlyUnfetched)) {
    out.push(
      finding('revocation.unreachable', `This machine could not check revocation of "${l.subject}"`, `${revocationSentence(r)}.${strict ? ' This server checks revocation, so it refuses the certificate while the check fails.' : ''}`, evidence, {
        severity: strict ? 'error' : onlyUnfetched ? 'info' : 'warning',
        params: params(l, realFailures[0]?.url),
      }),
    );
  }
  if (r.status === 'not-checked' && l.role !== 'root' && l.role !== 'anchor') {
    out.push(finding('revocation.no-address', `"${l.subject}" names no CRL or OCSP address`, `${who(l)} has neither a CRL distribution point nor an OCSP address, so nobody can check whether it is revoked.`, [], { severity: strict ? 'error' : 'warning', params: params(l) }));
  }
  const unknown = r.sources.find((s) => s.method === 'ocsp' && s.outcome === 'unknown');
  if (unknown) out.push(finding('revocation.ocsp-unknown', `The OCSP responder does not know "${l.subject}"`, `The responder at ${unknown.url} answered "unknown" for it: it is not among the certificates the responder serves.`, evidence, { params: params(l, unknown.url) }));
  return out;
}

export function revocationFindings(links: Link[], opts: RevocationFindingOptions = {}): Finding[] {
  return links.flatMap((l) => (l.revocation ? forLink(l, l.revocation, opts) : []));
}

import type { Revocation, RevocationAddresses, RevocationSource } from '../model/revocation';
import type { Judgement } from './judge';
import { printable } from './pkix';
import { METHOD_WORDS, reasonName, utcMinute } from './words';

interface Tried {
  source: RevocationSource;
  judgement: Judgement;
}

export type AnswerKind = 'checked' | 'root' | 'anchor' | 'no-issuer' | 'cancelled';

function base(addresses: RevocationAddresses, tried: Tried[]): Omit<Revocation, 'status' | 'text'> {
  return { revokedAt: null, reasonCode: null, reason: null, settledBy: null, sources: tried.map((t) => t.source), addresses };
}

function per(s: RevocationSource): string {
  return `per ${METHOD_WORDS[s.method]} ${s.url}`;
}

function couldNot(addresses: RevocationAddresses, tried: Tried[], words: string): Revocation {
  return { status: 'could-not-check', text: `could not check: ${words}`, ...base(addresses, tried) };
}

function notChecked(addresses: RevocationAddresses, words: string): Revocation {
  return { status: 'not-checked', text: `not checked: ${words}`, ...base(addresses, []) };
}

/** The first failure in words, with how many more failed. */
function failureWords(tried: Tried[]): string {
  const failures = tried.filter((t) => t.judgement.outcome === 'failed');
  const first = failures[0]!.source;
  const more = failures.length > 1 ? `; ${failures.length - 1} other source(s) failed too` : '';
  return `${first.detail} at ${first.url} (${METHOD_WORDS[first.method]})${more}`;
}

function revoked(addresses: RevocationAddresses, tried: Tried[], t: Tried): Revocation {
  const at = t.judgement.revokedAt;
  const reason = reasonName(t.judgement.reasonCode);
  const when = at ? `revoked on ${utcMinute(at)}` : 'revoked';
  return {
    status: 'revoked',
    text: `${when}${reason ? ` (${reason})` : ''} ${per(t.source)}`,
    ...base(addresses, tried),
    revokedAt: at?.toISOString() ?? null,
    reasonCode: t.judgement.reasonCode,
    reason,
    settledBy: { method: t.source.method, url: t.source.url },
  };
}

/**
 * The link's answer from the sources tried, in the order tried (shared/revocation/check.ts):
 * revoked anywhere wins; then the first good, unless its delta CRL could not be read (then the
 * full CRL alone is not current: could not check); then an OCSP "unknown"; else the failures.
 */
export function linkAnswer(addresses: RevocationAddresses, tried: Tried[], kind: AnswerKind): Revocation {
  const answer = decide(addresses, tried, kind);
  return { ...answer, text: printable(answer.text) };
}

function decide(addresses: RevocationAddresses, tried: Tried[], kind: AnswerKind): Revocation {
  if (kind === 'root') return notChecked(addresses, 'root (a root is trusted by being in the trusted store, not by a revocation check)');
  if (kind === 'anchor') return notChecked(addresses, 'trust anchor (trusted as given)');
  if (kind === 'no-issuer') return couldNot(addresses, [], "the issuer's certificate is not in the chain, so no CRL or OCSP answer can be verified");
  const hit = tried.find((t) => t.judgement.outcome === 'revoked');
  if (hit) return revoked(addresses, tried, hit);
  const goodIndex = tried.findIndex((t) => t.judgement.outcome === 'good');
  if (goodIndex >= 0) {
    const good = tried[goodIndex]!;
    // A delta the fetcher would not fetch (not-fetched: a fetcher of tests, or a scheme it does not speak) is not counted.
    const deltas = tried.slice(goodIndex + 1).filter((t) => t.source.method === 'delta-crl' && t.source.failure !== 'not-fetched');
    if (good.source.method === 'crl' && deltas.length && deltas.every((d) => d.judgement.outcome === 'failed')) return couldNot(addresses, tried, `the delta CRL: ${failureWords(deltas)}`);
    const deltaGood = deltas.find((d) => d.judgement.outcome === 'good');
    return { status: 'good', text: `good ${per(good.source)}${deltaGood ? ` and delta CRL ${deltaGood.source.url}` : ''}`, ...base(addresses, tried), settledBy: { method: good.source.method, url: good.source.url } };
  }
  const unknown = tried.find((t) => t.judgement.outcome === 'unknown');
  if (unknown) return { status: 'unknown', text: `unknown: the OCSP responder ${unknown.source.url} does not know this certificate`, ...base(addresses, tried) };
  if (kind === 'cancelled') return couldNot(addresses, tried, 'the check was cancelled');
  if (tried.length) return couldNot(addresses, tried, failureWords(tried));
  const named = [...addresses.crl, ...addresses.ocsp];
  if (!named.length) return notChecked(addresses, 'the certificate names no CRL or OCSP address');
  return couldNot(addresses, tried, `the certificate names only addresses Certbench does not fetch (${addresses.notFetched.map((n) => n.url).join(', ')}); Windows would try them`);
}

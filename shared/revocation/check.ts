import { linkAnswer } from './answer';
import { parseX509, type X509View } from '../cert/x509';
import type { Revocation, RevocationFailure, RevocationSource } from '../model/revocation';
import { fetchable, revocationAddresses } from './addresses';
import { parseCrl } from './crl';
import type { Judgement } from './judge';
import { judgeCrl } from './judge-crl';
import { judgeOcsp } from './judge-ocsp';
import { buildOcspRequest, parseOcspResponse } from './ocsp';
import { RevocationParseError, oneLine, printable } from './pkix';

/**
 * One link's revocation, the way Windows orders it (CertGetCertificateChain with revocation
 * checking): OCSP first when the certificate names a responder, the CRL next; the first fresh,
 * valid answer settles the link. Fetching is a parameter (electron/services/revocation holds the
 * network), so this file stays pure and a test can answer with prepared bytes.
 */

export type FetchResult =
  | { ok: true; bytes: Uint8Array; durationMs: number }
  | { ok: false; failure: RevocationFailure; detail: string; bytes: number | null; durationMs: number };

export interface RevocationFetcher {
  /**
   * `namedBy` says where the address came from: a certificate of the chain, or the freshestCRL of a
   * full CRL whose signature and dates were just verified (RFC 5280 5.2.6: where AD CS names its
   * delta CRLs; certificates name only the full CRL). Nothing else is asked for.
   */
  fetch(request: { url: string; kind: 'crl' | 'ocsp'; body?: Uint8Array; namedBy?: 'certificate' | 'verified-crl' }): Promise<FetchResult>;
}

export interface LinkToCheck {
  der: Uint8Array;
  role: 'leaf' | 'intermediate' | 'root' | 'anchor';
  /** The next link's certificate (null when the chain stops before the issuer). */
  issuerDer: Uint8Array | null;
}

type Method = RevocationSource['method'];

function source(url: string, method: Method, j: Judgement, fetched: FetchResult): RevocationSource {
  return {
    url,
    method,
    outcome: j.outcome,
    failure: j.failure,
    detail: printable(j.detail),
    bytes: fetched.ok ? fetched.bytes.length : fetched.bytes,
    thisUpdate: j.thisUpdate?.toISOString() ?? null,
    nextUpdate: j.nextUpdate?.toISOString() ?? null,
    durationMs: Math.round(fetched.durationMs),
  };
}

async function judged(fetched: FetchResult, judge: (bytes: Uint8Array) => Promise<Judgement>): Promise<Judgement> {
  if (!fetched.ok) return { outcome: 'failed', failure: fetched.failure, detail: fetched.detail, thisUpdate: null, nextUpdate: null, revokedAt: null, reasonCode: null };
  try {
    return await judge(fetched.bytes);
  } catch (err) {
    const detail = err instanceof RevocationParseError ? err.message : `could not be read (${oneLine(err)})`;
    return { outcome: 'failed', failure: 'parse', detail, thisUpdate: null, nextUpdate: null, revokedAt: null, reasonCode: null };
  }
}

interface Tried {
  source: RevocationSource;
  judgement: Judgement;
}

async function tryOcsp(url: string, cert: X509View, issuer: X509View, at: Date, fetcher: RevocationFetcher): Promise<Tried> {
  const fetched = await fetcher.fetch({ url, kind: 'ocsp', body: buildOcspRequest(cert, issuer) });
  const j = await judged(fetched, (bytes) => judgeOcsp(parseOcspResponse(bytes), cert, issuer, at));
  return { source: source(url, 'ocsp', j, fetched), judgement: j };
}

async function tryCrl(url: string, method: 'crl' | 'delta-crl', cert: X509View, issuer: X509View, at: Date, fetcher: RevocationFetcher, namedBy: 'certificate' | 'verified-crl' = 'certificate'): Promise<Tried & { freshest: string[] }> {
  const fetched = await fetcher.fetch({ url, kind: 'crl', namedBy });
  let freshest: string[] = [];
  const j = await judged(fetched, (bytes) => {
    const crl = parseCrl(bytes);
    freshest = crl.freshest;
    return judgeCrl(crl, cert, issuer, url, at, method === 'delta-crl');
  });
  return { source: source(url, method, j, fetched), judgement: j, freshest };
}

/**
 * A full CRL's "good" may be overturned by its delta (RFC 5280 5.2.4): the first delta that answers
 * decides. Its addresses: the certificate's freshestCRL, then the full CRL's own (5.2.6), which is
 * where AD CS names its delta CRLs; `full` is only ever a CRL whose signature and dates verified.
 */
async function withDelta(full: Tried & { freshest: string[] }, deltaUrls: string[], cert: X509View, issuer: X509View, at: Date, fetcher: RevocationFetcher): Promise<Tried[]> {
  const urls = [...new Set([...deltaUrls, ...full.freshest])].filter((u) => fetchable(u) === null);
  const out: Tried[] = [full];
  for (const url of urls) {
    const delta = await tryCrl(url, 'delta-crl', cert, issuer, at, fetcher, deltaUrls.includes(url) ? 'certificate' : 'verified-crl');
    out.push(delta);
    if (delta.judgement.outcome !== 'failed') break;
  }
  return out;
}

export async function checkLink(link: LinkToCheck, at: Date, fetcher: RevocationFetcher, signal?: { readonly aborted: boolean }): Promise<Revocation> {
  const cert = parseX509(link.der);
  const addresses = revocationAddresses(cert);
  if (link.role === 'root' || link.role === 'anchor') return linkAnswer(addresses, [], link.role);
  if (!link.issuerDer) return linkAnswer(addresses, [], 'no-issuer');
  const issuer = parseX509(link.issuerDer);
  const tried: Tried[] = [];
  const settled = (t: Tried) => t.judgement.outcome === 'good' || t.judgement.outcome === 'revoked';
  for (const url of addresses.ocsp.filter((u) => fetchable(u) === null)) {
    if (signal?.aborted) break;
    const t = await tryOcsp(url, cert, issuer, at, fetcher);
    tried.push(t);
    if (settled(t)) return linkAnswer(addresses, tried, 'checked');
  }
  for (const url of addresses.crl.filter((u) => fetchable(u) === null)) {
    if (signal?.aborted) break;
    const t = await tryCrl(url, 'crl', cert, issuer, at, fetcher);
    if (t.judgement.outcome === 'good') {
      tried.push(...(await withDelta(t, addresses.deltaCrl, cert, issuer, at, fetcher)));
      return linkAnswer(addresses, tried, 'checked');
    }
    tried.push(t);
    if (settled(t)) return linkAnswer(addresses, tried, 'checked');
  }
  return linkAnswer(addresses, tried, signal?.aborted ? 'cancelled' : 'checked');
}

/** Every link of a path, leaf first; each link's issuer is the next one. */
export async function checkPath(links: { der: Uint8Array; role: LinkToCheck['role'] }[], at: Date, fetcher: RevocationFetcher, onLink?: (done: number, total: number) => void, signal?: { readonly aborted: boolean }): Promise<Revocation[]> {
  const out: Revocation[] = [];
  for (const [i, l] of links.entries()) {
    onLink?.(i, links.length);
    out.push(await checkLink({ der: l.der, role: l.role, issuerDer: links[i + 1]?.der ?? null }, at, fetcher, signal));
  }
  onLink?.(links.length, links.length);
  return out;
}

import type { ChainPath } from '../../../shared/model/chain';
import type { Revocation } from '../../../shared/model/revocation';
import { fetchable, revocationAddresses } from '../../../shared/revocation/addresses';
import { parseX509 } from '../../../shared/cert/x509';
import type { Work } from '../work';
import { createRevocationFetcher, DEFAULT_TIMEOUT_MS } from './fetcher';

/**
 * Revocation checking as a service (built once in createServices): a check fetches only the
 * addresses in the certificates of the path it is given, with a fresh per-check cache, reports
 * each address on Work's progress and stops when Work's signal fires.
 */
export interface RevocationCheckOptions {
  at: Date;
  /** Per address, redirects included; Diagnose passes netsh's URL Retrieval Timeout when known. */
  timeoutMs?: number;
  maxBytes?: number;
}

export interface RevocationService {
  /** One answer per link of `path`, leaf first. */
  checkPath(path: ChainPath, options: RevocationCheckOptions, work: Work): Promise<Revocation[]>;
  defaultTimeoutMs: number;
}

function derOf(b64: string): Uint8Array {
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

export function createRevocationService(): RevocationService {
  return {
    defaultTimeoutMs: DEFAULT_TIMEOUT_MS,
    async checkPath(path, options, work) {
      const links = path.links.map((l) => ({ der: derOf(l.derBase64), role: l.role }));
      const allowed = new Set<string>();
      for (const l of links) {
        const a = revocationAddresses(parseX509(l.der));
        for (const url of [...a.crl, ...a.deltaCrl, ...a.ocsp]) if (fetchable(url) === null) allowed.add(url);
      }
      let fetched = 0;
      const fetcher = createRevocationFetcher({
        allowed,
        timeoutMs: options.timeoutMs,
        maxBytes: options.maxBytes,
        signal: work.signal,
        // A delta CRL a full CRL names is fetched on top of the certificates' addresses.
        onFetch: (url) => work.progress({ done: fetched, total: Math.max(allowed.size, ++fetched), label: `Checking revocation: ${url}` }),
      });
      // PKI.js comes in with the engine, on the first check only (nothing at start needs it).
      const { checkPath } = await import('../../../shared/revocation/check');
      return checkPath(links, options.at, fetcher, undefined, work.signal);
    },
  };
}

import type { Req } from '../../../../shared/contract';
import { keyStatusOfStoreCertificate } from '../../../../shared/verdict/store-verdicts';
import type { Store, StoreCertificate } from '../../../../shared/model/store';

/** Bounds of one request: a chain is short, and cross-signed CAs add a few candidates per level. */
const MAX_DEPTH = 8;
const MAX_POOL = 300;

/** The one key-status mapping (shared/verdict/store-verdicts.ts), under the name this folder used. */
export const keyStatusOfStore = keyStatusOfStoreCertificate;

/** Names compared as RFC 5280 7.1 roughly does (case and spaces), so no candidate issuer is left out of the pool. */
function looseDn(dn: string): string {
  return dn.toLowerCase().replace(/\s+/g, ' ').replace(/\s*([,=+])\s*/g, '$1');
}

/**
 * The chain:analyze request for one store certificate: the certificate and, level by level, every
 * store certificate whose subject is an issuer name met so far (the candidates a chain builder
 * would look at), each with its store as the source and the store's trust. Only these cross the
 * bridge, not all 5,000.
 */
export function storeChainRequest(
  target: StoreCertificate,
  all: StoreCertificate[],
  stores: Store[],
  options: { useSystemTrust?: boolean; at?: string } = {},
): Req<'chain:analyze'> {
  const bySubject = new Map<string, StoreCertificate[]>();
  for (const c of all) {
    const k = looseDn(c.summary.subject.rfc4514);
    const list = bySubject.get(k);
    if (list) list.push(c);
    else bySubject.set(k, [c]);
  }
  const storeById = new Map(stores.map((s) => [s.id, s]));
  const pool: StoreCertificate[] = [target];
  const inPool = new Set([target]);
  let level = [target];
  for (let depth = 0; depth < MAX_DEPTH && level.length && pool.length < MAX_POOL; depth++) {
    const next: StoreCertificate[] = [];
    for (const c of level) {
      if (c.summary.selfSigned.value) continue;
      for (const issuer of bySubject.get(looseDn(c.summary.issuer.rfc4514)) ?? []) {
        if (inPool.has(issuer) || pool.length >= MAX_POOL) continue;
        inPool.add(issuer);
        pool.push(issuer);
        next.push(issuer);
      }
    }
    level = next;
  }
  return {
    pool: pool.map((c) => ({ derBase64: c.summary.derBase64, source: storeById.get(c.storeId)?.label ?? c.storeId, trusted: storeById.get(c.storeId)?.trusted ?? false })),
    targets: [{ thumbprint: target.summary.thumbprintSha1, key: keyStatusOfStoreCertificate(target, storeById.get(target.storeId)) }],
    // A bundle's listing is judged by its own trusted stores at the time it was made, not by this machine's roots today.
    useSystemTrust: options.useSystemTrust ?? true,
    ...(options.at ? { at: options.at } : {}),
  };
}

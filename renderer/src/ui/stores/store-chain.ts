import type { Req } from '../../../../shared/contract';
import type { KeyStatus } from '../../../../shared/model/chain';
import type { Store, StoreCertificate } from '../../../../shared/model/store';

/** Bounds of one request: a chain is short, and cross-signed CAs add a few candidates per level. */
const MAX_DEPTH = 8;
const MAX_POOL = 300;

/**
 * What a store says about a certificate's key, in the verdict's terms: a store that holds no key
 * for it is a definite "missing" (unlike an opened file, where the key may simply not be opened).
 */
export function keyStatusOfStore(cert: StoreCertificate, store: Store | undefined): KeyStatus {
  const where = store?.label ?? cert.storeId;
  const k = cert.key;
  switch (k.status) {
    case 'present':
      return { status: 'present', detail: k.path ? `private key file ${k.path}` : `private key held by ${k.provider ?? where}` };
    case 'missing':
      return { status: 'missing', detail: k.detail ?? `${where} lists a private key, but its file is gone` };
    case 'none':
      return { status: 'missing', detail: `${where} holds no private key for it` };
    default:
      return { status: 'unknown', detail: k.detail ?? `${where} cannot tell whether it has a private key` };
  }
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
    const list = bySubject.get(c.summary.subject.rfc4514);
    if (list) list.push(c);
    else bySubject.set(c.summary.subject.rfc4514, [c]);
  }
  const storeById = new Map(stores.map((s) => [s.id, s]));
  const pool: StoreCertificate[] = [target];
  const inPool = new Set([target]);
  let level = [target];
  for (let depth = 0; depth < MAX_DEPTH && level.length && pool.length < MAX_POOL; depth++) {
    const next: StoreCertificate[] = [];
    for (const c of level) {
      if (c.summary.selfSigned.value) continue;
      for (const issuer of bySubject.get(c.summary.issuer.rfc4514) ?? []) {
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
    targets: [{ thumbprint: target.summary.thumbprintSha1, key: keyStatusOfStore(target, storeById.get(target.storeId)) }],
    // A bundle's listing is judged by its own trusted stores at the time it was made, not by this machine's roots today.
    useSystemTrust: options.useSystemTrust ?? true,
    ...(options.at ? { at: options.at } : {}),
  };
}

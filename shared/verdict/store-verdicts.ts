import { base64 } from '@peculiar/utils';
import { DerError } from '../asn1/der';
import { buildChain } from '../chain/build';
import { CertPool } from '../chain/pool';
import type { PoolItem } from '../chain/analyze';
import type { KeyStatus, Verdict, VerdictBrief } from '../model/chain';
import type { Store, StoreCertificate } from '../model/store';
import { clientAuthVerdict } from './client-auth';

/**
 * What a store says about a certificate's key, in the verdict's terms: a store that holds no key
 * for it is a definite "missing" (unlike an opened file, where the key may simply not be opened).
 * One mapping for the Local stores table, the store certificate's card, Probe's offers and Diagnose.
 */
export function keyStatusOfStoreCertificate(cert: StoreCertificate, store: Pick<Store, 'label'> | undefined): KeyStatus {
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

/** The verdict in the few words a table row, a chip and a probe row carry (no evidence). */
export function briefVerdict(v: Verdict): VerdictBrief {
  return { usable: v.usable, sentence: v.sentence, findings: v.findings.map((f) => ({ id: f.id, severity: f.severity, title: f.title })) };
}

/**
 * THE client-authentication verdict of every store certificate (one verdict everywhere),
 * by the one function (clientAuthVerdict) over one pool: every store certificate, trusted where its
 * store is, plus `extraTrust` (the system's trusted roots). The card that opens a row builds the
 * same chain from the same stores and gets the same answer. Chains are built once per certificate;
 * the key status is per store (a certificate can be in My with its key and in Root without).
 */
export async function judgeStoreCertificates(
  stores: Store[],
  certificates: StoreCertificate[],
  at: Date,
  extraTrust: PoolItem[] = [],
): Promise<StoreCertificate[]> {
  const byId = new Map(stores.map((s) => [s.id, s]));
  const pool = new CertPool();
  const entries = new Map<StoreCertificate, ReturnType<CertPool['add']> | null>();
  for (const c of certificates) {
    let entry: ReturnType<CertPool['add']> | null = null;
    if (c.summary.derBase64) {
      try {
        entry = pool.add(base64.decode(c.summary.derBase64), byId.get(c.storeId)?.label ?? c.storeId, byId.get(c.storeId)?.trusted ?? false);
      } catch (err) {
        if (!(err instanceof DerError)) throw err;
      }
    }
    entries.set(c, entry);
  }
  for (const t of extraTrust) {
    try {
      pool.add(t.der, t.source, t.trusted);
    } catch (err) {
      if (!(err instanceof DerError)) throw err;
    }
  }
  const chains = new Map<string, Awaited<ReturnType<typeof buildChain>>>();
  const out: StoreCertificate[] = [];
  for (const c of certificates) {
    const entry = entries.get(c);
    const key = keyStatusOfStoreCertificate(c, byId.get(c.storeId));
    let chain = null;
    if (entry) {
      chain = chains.get(entry.thumbprint) ?? null;
      if (!chain) {
        chain = await buildChain(pool, entry, { at, purpose: 'client-auth' });
        chains.set(entry.thumbprint, chain);
      }
    }
    out.push({ ...c, clientAuth: briefVerdict(clientAuthVerdict(c.summary, chain, key, at)) });
  }
  return out;
}

import { base64 } from '@peculiar/utils';
import { DerError } from '../asn1/der';
import { summarizeCertificate } from '../cert/summarize';
import type { ChainReport, KeyStatus, Verdict } from '../model/chain';
import { clientAuthVerdict } from '../verdict/client-auth';
import { buildChain, type AnchorMode, type Purpose } from './build';
import { CertPool } from './pool';

export interface PoolItem {
  der: Uint8Array;
  source: string;
  trusted: boolean;
}

export interface AnalyzedTarget {
  thumbprint: string;
  chain: ChainReport;
  verdict: Verdict;
}

/** How chains are judged: the purpose (client authentication unless said), anchors and policies. */
export interface JudgeOptions {
  purpose?: Exclude<Purpose, 'server-auth' | 'any'>;
  anchors?: AnchorMode;
  /** user-initial-policy-set (RFC 5280 6.1.1 c); empty: any policy. */
  policies?: string[];
}

/**
 * Chains and client-authentication verdicts for `targets` over one pool. Pure shared code: the main
 * process adds the system's trust store to the pool, the renderer can run it on a bundle's
 * certificates. Malformed pool members are skipped and counted, never fatal.
 */
export async function analyzeChains(
  items: PoolItem[],
  targets: { thumbprint: string; key: KeyStatus }[],
  at: Date,
  onProgress?: (done: number, total: number) => void,
  options: JudgeOptions = {},
): Promise<{ results: AnalyzedTarget[]; skipped: number; poolSize: number }> {
  const pool = new CertPool();
  let skipped = 0;
  for (const item of items) {
    try {
      pool.add(item.der, item.source, item.trusted);
    } catch (err) {
      if (!(err instanceof DerError)) throw err;
      skipped++;
    }
  }
  const results: AnalyzedTarget[] = [];
  for (const [i, t] of targets.entries()) {
    onProgress?.(i, targets.length);
    const entry = pool.get(t.thumbprint);
    if (!entry) continue;
    const chain = await buildChain(pool, entry, { at, purpose: options.purpose ?? 'client-auth', anchors: options.anchors, policies: options.policies });
    const summary = await summarizeCertificate(t.thumbprint, entry.view.der, at);
    results.push({ thumbprint: entry.thumbprint, chain, verdict: clientAuthVerdict(summary, chain, t.key, at) });
  }
  onProgress?.(targets.length, targets.length);
  return { results, skipped, poolSize: pool.size };
}

/**
 * The chain of a server's certificate as the probe saw it (RFC 5280 6.1 with serverAuth EKU nesting,
 * Windows anchors by default): `items` are the handshake's certificates plus trust anchors, `leaf`
 * the server's own. Null when the leaf cannot be read.
 */
export async function analyzeServerChain(items: PoolItem[], leafDer: Uint8Array, at: Date, options: { anchors?: AnchorMode; policies?: string[] } = {}): Promise<ChainReport | null> {
  const pool = new CertPool();
  for (const item of items) {
    try {
      pool.add(item.der, item.source, item.trusted);
    } catch (err) {
      if (!(err instanceof DerError)) throw err;
    }
  }
  let leaf;
  try {
    leaf = pool.add(leafDer, 'server');
  } catch (err) {
    if (err instanceof DerError) return null;
    throw err;
  }
  return buildChain(pool, leaf, { at, purpose: 'server-auth', ...options });
}

/** Certificates that are not CAs: what a user means by "my certificate" among the files opened. */
export function endEntityThumbprints(items: PoolItem[]): string[] {
  const pool = new CertPool();
  const out: string[] = [];
  for (const item of items) {
    try {
      const e = pool.add(item.der, item.source, item.trusted);
      if (!e.basicConstraints?.ca && !out.includes(e.thumbprint)) out.push(e.thumbprint);
    } catch (err) {
      if (!(err instanceof DerError)) throw err;
    }
  }
  return out;
}

/** Every readable certificate, each once, in the order given. */
export function allThumbprints(items: PoolItem[]): string[] {
  const pool = new CertPool();
  const out: string[] = [];
  for (const item of items) {
    try {
      const e = pool.add(item.der, item.source, item.trusted);
      if (!out.includes(e.thumbprint)) out.push(e.thumbprint);
    } catch (err) {
      if (!(err instanceof DerError)) throw err;
    }
  }
  return out;
}

export function poolItemFromBase64(derBase64: string, source: string, trusted: boolean): PoolItem {
  return { der: base64.decode(derBase64), source, trusted };
}

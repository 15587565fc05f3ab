import { useEffect, useMemo, useRef, useState } from 'react';
import type { Res } from '../../../../shared/contract';
import type { ChainReport, KeyStatus, Verdict } from '../../../../shared/model/chain';
import { call } from '../../api/client';
import { planAnalysis } from './chain-request';
import type { ChainSettings } from './chain-settings';
import type { FileOutcome, WorkProgress } from './use-inspect-queue';

/** What a target's card shows on top: its chain and verdict, or why they are not there yet. */
export type TargetAnalysis =
  | { state: 'pending'; key: KeyStatus }
  | { state: 'done'; key: KeyStatus; chain: ChainReport; verdict: Verdict }
  | { state: 'failed'; key: KeyStatus; message: string };

export interface ChainAnalysis {
  /** By thumbprint; only targets have an entry (roots and CAs next to a leaf do not). */
  targets: Map<string, TargetAnalysis>;
  progress: WorkProgress | null;
  trust: Res<'chain:analyze'>['trust'] | null;
  leftOut: number;
}

interface Outcome {
  signature: string;
  results: Map<string, { chain: ChainReport; verdict: Verdict }>;
  trust: Res<'chain:analyze'>['trust'] | null;
  error: string | null;
}

const EMPTY: Outcome = { signature: '', results: new Map(), trust: null, error: null };

/**
 * Chains and verdicts for everything opened, asked of `chain:analyze` once the inspect
 * queue is idle, and asked again whenever the opened certificates or keys change (files added,
 * a PFX opened with its password, Clear). A run still going when the files change is abandoned.
 */
export function useChainAnalysis(files: FileOutcome[], idle: boolean, settings?: ChainSettings): ChainAnalysis {
  const plan = useMemo(() => planAnalysis(files, settings), [files, settings]);
  const planRef = useRef(plan);
  planRef.current = plan;
  const [outcome, setOutcome] = useState<Outcome>(EMPTY);
  const [progress, setProgress] = useState<WorkProgress | null>(null);

  useEffect(() => {
    const current = planRef.current;
    if (!idle || current.signature === outcome.signature) return;
    if (current.request.targets.length === 0) {
      setOutcome({ ...EMPTY, signature: current.signature });
      return;
    }
    const abort = new AbortController();
    const total = current.request.targets.length;
    const label = (done: number) => `Checking chains: ${Math.min(done + 1, total)} of ${total} certificate${total === 1 ? '' : 's'}`;
    setProgress({ done: 0, total, fraction: 0, label: label(0) });
    void call('chain:analyze', current.request, {
      signal: abort.signal,
      onProgress: (e) => {
        if (abort.signal.aborted || !e.total) return;
        setProgress({ done: e.done, total: e.total, fraction: e.done / e.total, label: label(e.done) });
      },
    }).then((r) => {
      if (abort.signal.aborted) return;
      setProgress(null);
      setOutcome(
        r.ok
          ? { signature: current.signature, results: new Map(r.value.results.map((x) => [x.thumbprint, x])), trust: r.value.trust, error: null }
          : { signature: current.signature, results: new Map(), trust: null, error: r.error.message },
      );
    });
    return () => {
      abort.abort();
      setProgress(null);
    };
  }, [idle, plan.signature, outcome.signature]);

  const targets = useMemo(() => {
    const map = new Map<string, TargetAnalysis>();
    for (const [thumbprint, key] of plan.keys) {
      const result = outcome.results.get(thumbprint);
      if (result) map.set(thumbprint, { state: 'done', key, chain: result.chain, verdict: result.verdict });
      else if (outcome.signature === plan.signature) {
        map.set(thumbprint, { state: 'failed', key, message: outcome.error ?? 'the service returned no chain for this certificate' });
      }
      else map.set(thumbprint, { state: 'pending', key });
    }
    return map;
  }, [plan, outcome]);

  return { targets, progress, trust: outcome.trust, leftOut: plan.leftOut };
}

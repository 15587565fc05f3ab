import { useCallback, useEffect, useRef } from 'react';

/** One request in flight: its abort signal, and whether it is still the latest one asked for. */
export interface LatestRequest {
  signal: AbortSignal;
  /** False once a newer request started or the hook was reset: its answer must be dropped. */
  isLatest: () => boolean;
}

/**
 * Only the latest answer counts: a page that asks again (another key, a new probe, a
 * new diagnosis) must never show the answer to an earlier question that arrives late. `start`
 * aborts the one before and returns the new one; `cancel` aborts it (its answer still arrives,
 * as a cancellation); `reset` aborts it and drops its answer; unmounting aborts it.
 */
export function useLatestRequest() {
  const ticket = useRef(0);
  const abort = useRef<AbortController | null>(null);

  useEffect(() => () => abort.current?.abort(), []);

  const start = useCallback((): LatestRequest => {
    abort.current?.abort();
    const mine = ++ticket.current;
    const controller = new AbortController();
    abort.current = controller;
    return { signal: controller.signal, isLatest: () => mine === ticket.current };
  }, []);
  const cancel = useCallback(() => abort.current?.abort(), []);
  const reset = useCallback(() => {
    abort.current?.abort();
    ticket.current++;
  }, []);

  return { start, cancel, reset };
}

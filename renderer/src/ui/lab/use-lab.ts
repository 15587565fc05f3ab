import { useCallback, useEffect, useRef, useState } from 'react';
import type { LabState } from '../../../../shared/model/lab';
import { call } from '../../api/client';
import type { WorkProgress } from '../certificates/use-inspect-queue';

/** How often a running lab's status is read again (its servers can stop under it, e.g. Apache). */
const REFRESH_MS = 10_000;

/** "handshake" → the scenario's words in the progress bar; the service labels its steps by scenario name. */
function stepLabel(label: string, done: number, total: number): string {
  if (label === 'test PKI') return 'Making the test PKI (root, issuing CA, server and client certificates)';
  if (label === 'running') return 'Lab running';
  return `Starting server ${Math.min(done, total - 1)} of ${total - 1}: ${label}`;
}

export type LabBusy = { what: 'start'; progress: WorkProgress } | { what: 'stop' } | null;

/**
 * The lab's state as the service has it (lab:status on mount and every 10 s while running), and
 * Start / Stop with a progress bar. The lab runs in the service's process, so it outlives this page:
 * reading the status first shows a lab started earlier (or by `certbench lab` in the same process).
 */
export function useLab() {
  const [lab, setLab] = useState<LabState | null>(null);
  const [busy, setBusy] = useState<LabBusy>(null);
  const [error, setError] = useState<string | null>(null);
  const busyRef = useRef(false);

  const refresh = useCallback(async () => {
    const r = await call('lab:status', {});
    if (busyRef.current) return; // a start or stop answers with its own state
    if (r.ok) setLab(r.value);
    else setError(r.error.message);
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const running = lab?.running === true;
  useEffect(() => {
    if (!running) return;
    const timer = window.setInterval(() => void refresh(), REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [running, refresh]);

  const start = useCallback(async () => {
    busyRef.current = true;
    setError(null);
    setBusy({ what: 'start', progress: { done: 0, total: 1, fraction: 0, label: 'Starting the lab' } });
    const r = await call(
      'lab:start',
      {},
      {
        onProgress: (e) => {
          const total = Math.max(1, e.total ?? 1);
          setBusy({ what: 'start', progress: { done: e.done, total, fraction: Math.min(1, e.done / total), label: stepLabel(e.label, e.done, total) } });
        },
      },
    );
    busyRef.current = false;
    setBusy(null);
    if (r.ok) setLab(r.value);
    else setError(`The lab did not start: ${r.error.message}`);
  }, []);

  const stop = useCallback(async () => {
    busyRef.current = true;
    setError(null);
    setBusy({ what: 'stop' });
    const r = await call('lab:stop', {});
    busyRef.current = false;
    setBusy(null);
    if (!r.ok) setError(`The lab did not stop: ${r.error.message}`);
    await refresh();
  }, [refresh]);

  return { lab, busy, error, start, stop, refresh };
}

import { useCallback, useEffect, useRef, useState } from 'react';
import type { Req, Res } from '../../../../shared/contract';
import type { BundleManifest } from '../../../../shared/model/bundle';
import { call } from '../../api/client';
import type { WorkProgress } from '../certificates/use-inspect-queue';
import { zipBlob } from './bundle-bytes';
import { exportProgress } from './bundle-words';

/** One bundle exported in this session: enough to download it again or open it, without the base64. */
export interface ExportedBundle {
  /** Unique within the session (a second export in the same second may have the same file name). */
  id: number;
  fileName: string;
  path: string;
  bytes: number;
  /** When the export finished, ISO. */
  at: string;
  manifest: BundleManifest;
  blob: Blob;
}

export type ExportState =
  | { state: 'idle' }
  | { state: 'running'; progress: WorkProgress; indeterminate: boolean }
  | { state: 'failed'; message: string }
  | { state: 'done'; bundle: ExportedBundle };

/**
 * Runs bundle:export, one at a time, with its progress, and keeps every bundle exported in this
 * session (newest first) as a Blob: the answer's base64 is dropped as soon as it is decoded, so a
 * few exports do not hold their zips twice.
 */
export function useBundleExport() {
  const [current, setCurrent] = useState<ExportState>({ state: 'idle' });
  const [exported, setExported] = useState<ExportedBundle[]>([]);
  const abort = useRef<AbortController | null>(null);
  const nextId = useRef(1);

  useEffect(() => () => abort.current?.abort(), []);

  const cancel = useCallback(() => abort.current?.abort(), []);

  const run = useCallback(async (request: Req<'bundle:export'>) => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setCurrent({ state: 'running', ...exportProgress({ done: 0, total: null, label: request.report ? 'report' : 'diagnosing' }) });
    const result = await call('bundle:export', request, {
      signal: controller.signal,
      onProgress: (e) => {
        // 'done' arrives just before the answer; the bar keeps its last stage until the result shows.
        if (abort.current === controller && e.label !== 'done') setCurrent({ state: 'running', ...exportProgress(e) });
      },
    });
    if (abort.current !== controller) return; // a newer export took over
    abort.current = null;
    if (!result.ok) {
      setCurrent({ state: 'failed', message: controller.signal.aborted ? 'Export cancelled; no bundle was written.' : result.error.message });
      return;
    }
    let bundle: ExportedBundle;
    try {
      bundle = toExported(result.value, nextId.current++);
    } catch (err) {
      setCurrent({ state: 'failed', message: `The bundle was written to ${result.value.path} but its copy here is damaged (${err instanceof Error ? err.message : String(err)}).` });
      return;
    }
    setExported((list) => [bundle, ...list]);
    setCurrent({ state: 'done', bundle });
  }, []);

  return { current, exported, run, cancel };
}

function toExported(value: Res<'bundle:export'>, id: number): ExportedBundle {
  return {
    id,
    fileName: value.fileName,
    path: value.path,
    bytes: value.bytes,
    at: new Date().toISOString(),
    manifest: value.manifest,
    blob: zipBlob(value.zipBase64),
  };
}

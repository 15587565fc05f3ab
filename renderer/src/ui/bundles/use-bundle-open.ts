import { useCallback, useEffect, useRef, useState } from 'react';
import type { Req } from '../../../../shared/contract';
import { call } from '../../api/client';
import type { WorkProgress } from '../certificates/use-inspect-queue';
import { useBundleView } from '../shell/bundle-view';
import { bundleFileProblem } from './bundle-bytes';
import { openErrorLine } from './bundle-words';
import { readUpload } from '../../lib/read-upload';

export type OpenState =
  | { state: 'idle' }
  | { state: 'opening'; name: string; progress: WorkProgress }
  | { state: 'failed'; name: string; message: string };

/**
 * Opens a bundle (a chosen or dropped file, or one exported in this session by its saved path) with
 * bundle:open and hands it to the shared bundle view, which shows it read-only on Diagnose. A refusal
 * (newer format, corrupt or truncated zip, zip bomb, path traversal) stays here as one line.
 */
export function useBundleOpen() {
  const view = useBundleView();
  const [state, setState] = useState<OpenState>({ state: 'idle' });
  const abort = useRef<AbortController | null>(null);

  useEffect(() => () => abort.current?.abort(), []);

  const send = useCallback(
    async (name: string, request: () => Promise<Req<'bundle:open'>>) => {
      abort.current?.abort();
      const controller = new AbortController();
      abort.current = controller;
      const opening = (label: string): OpenState => ({ state: 'opening', name, progress: { done: 0, total: 0, fraction: 0, label } });
      setState(opening(`Reading ${name}`));
      let req: Req<'bundle:open'>;
      try {
        req = await request();
      } catch (err) {
        if (abort.current === controller) setState({ state: 'failed', name, message: err instanceof Error ? err.message : String(err) });
        return;
      }
      const result = await call('bundle:open', req, {
        signal: controller.signal,
        onProgress: (e) => {
          if (abort.current === controller && e.label && e.label !== 'done') setState(opening(`${name}: ${e.label}`));
        },
      });
      if (abort.current !== controller) return;
      abort.current = null;
      if (!result.ok) {
        setState({ state: 'failed', name, message: openErrorLine(name, result.error.message) });
        return;
      }
      setState({ state: 'idle' });
      view.open(result.value);
    },
    [view],
  );

  /** A file the user chose or dropped: refused here when too large, else sent as bytes. */
  const openFile = useCallback(
    (file: File) => {
      const problem = bundleFileProblem(file);
      if (problem) {
        abort.current?.abort();
        abort.current = null;
        setState({ state: 'failed', name: file.name, message: problem });
        return Promise.resolve();
      }
      return send(file.name, async () => {
        // The bundle's own size limit was checked above, in its own words.
        return readUpload(file, 'bundles', Number.MAX_SAFE_INTEGER);
      });
    },
    [send],
  );

  /** A bundle this Certbench wrote, by where it saved it (the service reads it from disk). */
  const openPath = useCallback((name: string, path: string) => send(name, async () => ({ name, path })), [send]);

  const dismiss = useCallback(() => setState((s) => (s.state === 'failed' ? { state: 'idle' } : s)), []);

  return { state, openFile, openPath, dismiss };
}

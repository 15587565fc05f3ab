import { useCallback, useEffect, useState } from 'react';
import type { Attachment } from '../../../../shared/contract';
import type { ServerEvidence } from '../../../../shared/model/server';
import { call } from '../../api/client';
import type { WorkProgress } from '../certificates/use-inspect-queue';
import { useEvidenceFiles, type AttachedFile } from '../shell/evidence-files';
import { useLatestRequest } from '../common/use-latest-request';
import { useAnnounce } from '../shell/announcer';
import { readUpload, type Upload } from '../../lib/read-upload';

export type { AttachedFile } from '../shell/evidence-files';
export { tooBigMessage } from '../shell/evidence-files';

export type RunState =
  | { state: 'idle' }
  | { state: 'running'; progress: WorkProgress; indeterminate: boolean }
  | { state: 'failed'; message: string };

/** What the page shows: the last answer of server:analyze and what it was asked to read. */
export interface Analysis {
  evidence: ServerEvidence;
  files: string[];
  live: boolean;
  at: string;
}

/**
 * The evidence the page analyses: the files attached so far (every add or remove analyses them all
 * again, so rules that need two of them, such as a binding and a site's sslFlags, see both) and,
 * once asked, this machine's live configuration. One request at a time; a new one cancels the last.
 */
export function useServerAnalysis() {
  const { files, add, remove, clear: clearFiles } = useEvidenceFiles();
  const [live, setLive] = useState(false);
  const [run, setRun] = useState<RunState>({ state: 'idle' });
  const [analysis, setAnalysis] = useState<Analysis | null>(null);
  const [refused, setRefused] = useState<string[]>([]);
  const latest = useLatestRequest();
  const announce = useAnnounce();


  const analyse = useCallback(async (attached: AttachedFile[], withLive: boolean) => {
    const controller = latest.start();
    const current = controller.isLatest;
    if (attached.length === 0 && !withLive) {
      setRun({ state: 'idle' });
      setAnalysis(null);
      return;
    }

    const attachments: Attachment[] = [];
    for (const [i, { file }] of attached.entries()) {
      setRun({ state: 'running', indeterminate: false, progress: { done: i, total: attached.length, fraction: i / attached.length / 2, label: `Reading ${i + 1} of ${attached.length}: ${file.name}` } });
      let upload: Upload;
      try {
        upload = await readUpload(file, 'evidence files');
      } catch (err) {
        if (current()) setRun({ state: 'failed', message: `${err instanceof Error ? err.message : String(err)}. Remove it from the list and try again.` });
        return;
      }
      if (!current()) return;
      if (controller.signal.aborted) {
        setRun({ state: 'failed', message: 'Cancelled.' });
        return;
      }
      attachments.push(upload);
    }

    const first = withLive ? "Reading this machine's configuration" : `Analysing ${attached.length === 1 ? attached[0]!.file.name : `${attached.length} files`}`;
    setRun({ state: 'running', indeterminate: true, progress: { done: 0, total: 1, fraction: 0, label: first } });
    const result = await call(
      'server:analyze',
      { attachments, live: withLive },
      {
        signal: controller.signal,
        onProgress: (e) => {
          if (!current()) return;
          const known = e.total !== null && e.total > 0;
          const fraction = known ? Math.min(1, e.done / e.total!) : 0;
          setRun({ state: 'running', indeterminate: !known, progress: { done: e.done, total: e.total ?? 1, fraction, label: e.label || first } });
        },
      },
    );
    if (!current()) return;
    if (!result.ok) {
      setRun({ state: 'failed', message: controller.signal.aborted ? 'Cancelled.' : result.error.message });
      return;
    }
    setRun({ state: 'idle' });
    setAnalysis({ evidence: result.value, files: attached.map((a) => a.file.name), live: withLive, at: new Date().toISOString() });
    const n = result.value.findings.length;
    announce(`Server evidence read: ${n === 0 ? 'no findings' : `${n} finding${n === 1 ? '' : 's'}`}.`);
  }, [announce]);

  // Every change of the list (here, on Diagnose, or brought back after a reload) is analysed again, all files together.
  useEffect(() => {
    void analyse(files, live);
  }, [files, live, analyse]);

  /** Add files (from the picker or a drop): too-big files and files beyond the limit are refused in one line each. */
  const addFiles = useCallback((incoming: File[]) => setRefused(add(incoming)), [add]);

  const removeFile = useCallback(
    (key: string) => {
      setRefused([]);
      remove(key);
    },
    [remove],
  );

  const readLive = useCallback(() => {
    setLive(true);
    setRefused([]);
  }, []);

  const clear = useCallback(() => {
    latest.reset();
    clearFiles();
    setLive(false);
    setRefused([]);
    setRun({ state: 'idle' });
    setAnalysis(null);
  }, [clearFiles]);

  const cancel = latest.cancel;

  return { files, live, run, analysis, refused, addFiles, removeFile, readLive, clear, cancel };
}

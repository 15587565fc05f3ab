import { useCallback, useRef, useState } from 'react';
import type { DiagnoseRequest } from '../../../../shared/contract';
import type { DiagnoseReport } from '../../../../shared/model/diagnose';
import { call } from '../../api/client';
import type { WorkProgress } from '../certificates/use-inspect-queue';
import { useLastReport } from '../shell/report-context';
import { diagnoseRequest, inputSummary, withoutSecrets, type CertificateChoice, type DiagnoseFormValues, type ReadFile } from './diagnose-request';
import { useLatestRequest } from '../common/use-latest-request';
import { useAnnounce } from '../shell/announcer';
import { readUpload } from '../../lib/read-upload';

export type DiagnoseState =
  | { state: 'idle' }
  | { state: 'running'; progress: WorkProgress; indeterminate: boolean }
  | { state: 'failed'; message: string }
  | { state: 'done'; report: DiagnoseReport };

/**
 * The progress line in words that stand alone. The service reports each stage ("Probing the
 * server", done = the stage's index) and then, within a stage, the probe's own steps ("Default
 * (TLS 1.2 or 1.3, as the server prefers)", done between two indexes); a step is shown after its
 * stage's name, so the line never reads as a bare TLS setting.
 */
export function progressWords(stage: { index: number; label: string } | null, done: number, label: string): { stage: { index: number; label: string }; text: string } {
  const index = Math.floor(done);
  if (!stage || stage.index !== index) return { stage: { index, label }, text: label };
  return { stage, text: label === stage.label ? label : `${stage.label}: ${label}` };
}

async function readFile(file: File, what: string): Promise<ReadFile> {
  return readUpload(file, what);
}

async function readValues(values: DiagnoseFormValues<File>): Promise<DiagnoseFormValues<ReadFile>> {
  const c = values.certificate;
  let certificate: CertificateChoice<ReadFile>;
  if (c.kind === 'file') {
    certificate = { kind: 'file', file: await readFile(c.file, 'certificate files'), keyFile: c.keyFile ? await readFile(c.keyFile, 'key files') : null, password: c.password };
  } else {
    certificate = c;
  }
  const attachments = await Promise.all(values.attachments.map((f) => readFile(f, 'evidence files')));
  return { ...values, certificate, attachments };
}

/**
 * One diagnosis at a time (a new one cancels the last): read the chosen files, call
 * findings:diagnose with progress, keep the report for the Bundles page (without passwords).
 */
export function useDiagnose() {
  const last = useLastReport();
  // After a reload the last diagnosis is shown again (kept for the session by the shell).
  const [diagnosis, setDiagnosis] = useState<DiagnoseState>(() => (last.report ? { state: 'done', report: last.report } : { state: 'idle' }));
  const latest = useLatestRequest();
  const announce = useAnnounce();
  const stage = useRef<{ index: number; label: string } | null>(null);
  const setLastReport = last.set;


  const cancel = latest.cancel;

  const run = useCallback(
    async (values: DiagnoseFormValues<File>) => {
      const controller = latest.start();
      const live = controller.isLatest;
      stage.current = null;
      setDiagnosis({ state: 'running', indeterminate: true, progress: { done: 0, total: 0, fraction: 0, label: 'Reading the files you chose' } });

      let request: DiagnoseRequest;
      try {
        request = diagnoseRequest(await readValues(values));
      } catch (err) {
        if (live()) setDiagnosis({ state: 'failed', message: err instanceof Error ? err.message : String(err) });
        return;
      }
      if (!live()) return;
      setDiagnosis({ state: 'running', indeterminate: true, progress: { done: 0, total: 0, fraction: 0, label: 'Starting the diagnosis' } });

      const result = await call('findings:diagnose', request, {
        signal: controller.signal,
        onProgress: (e) => {
          if (!live() || e.label === 'done') return;
          // Steps report their own progress; a step without a total is shown as a moving bar.
          const total = e.total ?? 0;
          const fraction = total > 0 ? Math.min(1, e.done / total) : 0;
          const words = progressWords(stage.current, e.done, e.label);
          stage.current = words.stage;
          setDiagnosis({ state: 'running', indeterminate: total <= 0, progress: { done: e.done, total, fraction, label: words.text } });
        },
      });
      if (!live()) return;
      if (!result.ok) {
        setDiagnosis({ state: 'failed', message: controller.signal.aborted ? 'Diagnosis cancelled; nothing was changed.' : result.error.message });
        return;
      }
      setDiagnosis({ state: 'done', report: result.value });
      announce(`Diagnosis finished. ${result.value.summary}`);
      setLastReport(result.value, withoutSecrets(request), inputSummary(values));
    },
    [setLastReport, announce],
  );

  return { diagnosis, run, cancel };
}

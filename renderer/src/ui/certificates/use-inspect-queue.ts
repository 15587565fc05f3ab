import { useCallback, useEffect, useRef, useState } from 'react';
import type { InspectedFileResult } from '../../../../shared/contract';
import { encodeBase64 } from '../../lib/base64';
import { loadSession, saveSession } from '../../lib/session';
import { base64ToBytes } from '../bundles/bundle-bytes';
import { inspectFile } from './inspect-file';

/**
 * Opened files kept for a reload (F5, the desktop window's reload): only files that hold nothing
 * secret (certificates, chains; no private key, no PKCS#12, nothing that asked for a password).
 * The others are counted, so the page can say they need opening again.
 */
interface KeptFiles {
  files: { name: string; lastModified: number; dataBase64: string }[];
  leftOut: number;
}
const SESSION_KEY = 'opened-files';
/** Past this, opened files are not kept for a reload (sessionStorage holds about 5 MB in all). */
const KEEP_LIMIT_BYTES = 1024 * 1024;

function publicOnly(outcome: InspectedFileResult): boolean {
  return outcome.error === null && outcome.keys.length === 0 && outcome.format !== 'pkcs12' && outcome.certificates.length > 0;
}

/** One file's outcome as the result list shows it; `key` keeps React rows stable across repeats. */
export interface FileOutcome extends InspectedFileResult {
  key: string;
}

/** One "open" or "drop" action: its files, in the order the user chose them. */
export interface Batch {
  id: number;
  files: FileOutcome[];
}

export interface WorkProgress {
  /** Files finished in this run, and the run's total so far (grows if more files are queued). */
  done: number;
  total: number;
  /** 0..1 across the whole run, including the current file's share. */
  fraction: number;
  label: string;
}

/**
 * Files are inspected one at a time from a queue, so a second drop while the first is still
 * running simply extends the run, and the progress bar counts across both ("Reading 3 of 12").
 * Results appear file by file as they arrive.
 */
export function useInspectQueue() {
  const [batches, setBatches] = useState<Batch[]>([]);
  const [progress, setProgress] = useState<WorkProgress | null>(null);
  // A password rides on its queue item only until that one request is sent (never in state).
  const queue = useRef<{ batchId: number; file: File; password?: string; replaceKey?: string }[]>([]);
  // The File behind each row, so a row can be read again with a password.
  const sources = useRef(new Map<string, { batchId: number; file: File }>());
  const [reopening, setReopening] = useState<ReadonlySet<string>>(new Set());
  const running = useRef(false);
  const nextBatch = useRef(1);
  const nextKey = useRef(1);
  // Bumped by clear(): a file finishing after a Clear belongs to nothing and is dropped.
  const generation = useRef(0);
  const abort = useRef<AbortController | null>(null);
  const { keep, forget, leftOutAfterReload } = useKeptForReload();

  const run = useCallback(async () => {
    if (running.current) return;
    running.current = true;
    const gen = generation.current;
    let done = 0;
    try {
      while (queue.current.length > 0 && gen === generation.current) {
        const item = queue.current.shift()!;
        const total = done + 1 + queue.current.length;
        const label = `Reading ${done + 1} of ${total}: ${item.file.name}`;
        const base = done;
        setProgress({ done, total, fraction: done / total, label });
        abort.current = new AbortController();
        const outcome = await inspectFile(item.file, {
          signal: abort.current.signal,
          password: item.password,
          onFraction: (f) => {
            if (gen !== generation.current) return;
            const t = base + 1 + queue.current.length;
            setProgress({ done: base, total: t, fraction: (base + f) / t, label: `Reading ${base + 1} of ${t}: ${item.file.name}` });
          },
        });
        delete item.password;
        if (gen !== generation.current) break;
        if (item.replaceKey) {
          // Same key: the row stays where it is and its password field keeps its place.
          const row: FileOutcome = { ...outcome, key: item.replaceKey };
          void keep(row.key, item.file, outcome);
          setBatches((bs) => bs.map((b) => (b.id === item.batchId ? { ...b, files: b.files.map((f) => (f.key === row.key ? row : f)) } : b)));
          setReopening((s) => without(s, row.key));
        } else {
          const row: FileOutcome = { ...outcome, key: `f${nextKey.current++}` };
          void keep(row.key, item.file, outcome);
          sources.current.set(row.key, { batchId: item.batchId, file: item.file });
          setBatches((bs) => bs.map((b) => (b.id === item.batchId ? { ...b, files: [...b.files, row] } : b)));
        }
        done += 1;
      }
    } finally {
      abort.current = null;
      running.current = false;
      if (gen === generation.current) setProgress(null);
    }
    // Files queued after a Clear started a new generation while the old loop was unwinding.
    if (queue.current.length > 0) void run();
  }, [keep]);

  const addFiles = useCallback(
    (files: readonly File[]) => {
      if (files.length === 0) return;
      const id = nextBatch.current++;
      // In the order opened: a file opened later joins the end, so the details being read do not move (the compact list shows it at once).
      setBatches((bs) => [...bs, { id, files: [] }]);
      for (const file of files) queue.current.push({ batchId: id, file });
      void run();
    },
    [run],
  );

  /** Read one row's file again with a password (PKCS#12, encrypted key); the row is replaced in place. */
  const reopen = useCallback(
    (key: string, password: string) => {
      const source = sources.current.get(key);
      if (!source) return;
      setReopening((s) => new Set(s).add(key));
      queue.current.push({ ...source, password, replaceKey: key });
      void run();
    },
    [run],
  );

  useRestoreAfterReload(addFiles);

  const clear = useCallback(() => {
    generation.current += 1;
    forget();
    queue.current = [];
    sources.current.clear();
    setReopening(new Set());
    abort.current?.abort();
    setBatches([]);
    setProgress(null);
  }, [forget]);

  useEffect(() => () => abort.current?.abort(), []);

  return { batches, progress, reopening, addFiles, reopen, clear, leftOutAfterReload };
}

function without(set: ReadonlySet<string>, key: string): ReadonlySet<string> {
  const next = new Set(set);
  next.delete(key);
  return next;
}

/** What a reload brings back (see KeptFiles), in the order opened; rows that hold secrets are only counted. */
function useKeptForReload() {
  const kept = useRef(new Map<string, { name: string; lastModified: number; dataBase64: string } | null>());
  const [leftOutAfterReload] = useState(() => loadSession<KeptFiles>(SESSION_KEY)?.leftOut ?? 0);
  const keep = useCallback(async (key: string, file: File, outcome: InspectedFileResult) => {
    if (publicOnly(outcome) && file.size <= KEEP_LIMIT_BYTES) {
      try {
        kept.current.set(key, { name: file.name, lastModified: file.lastModified, dataBase64: encodeBase64(new Uint8Array(await file.arrayBuffer())) });
      } catch {
        kept.current.set(key, null);
      }
    } else kept.current.set(key, null);
    const all = [...kept.current.values()];
    const files = all.filter((f) => f !== null);
    let total = 0;
    const fitting = files.filter((f) => (total += f.dataBase64.length) <= KEEP_LIMIT_BYTES * 2);
    saveSession(SESSION_KEY, all.length ? { files: fitting, leftOut: all.length - fitting.length } : null);
  }, []);
  const forget = useCallback(() => {
    kept.current.clear();
    saveSession(SESSION_KEY, null);
  }, []);
  return { keep, forget, leftOutAfterReload };
}

/** After a reload: the files kept for this session are opened again, as one batch. */
function useRestoreAfterReload(addFiles: (files: readonly File[]) => void) {
  const restored = useRef(false);
  useEffect(() => {
    if (restored.current) return;
    restored.current = true;
    const session = loadSession<KeptFiles>(SESSION_KEY);
    if (!session?.files.length) return;
    addFiles(session.files.map((f) => new File([base64ToBytes(f.dataBase64).slice().buffer as ArrayBuffer], f.name, { lastModified: f.lastModified })));
  }, [addFiles]);
}

import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { MAX_ATTACHMENTS, MAX_INPUT_FILE_BYTES } from '../../../../shared/contract';
import { formatBytes } from '../../../../shared/errors';
import { encodeBase64 } from '../../lib/base64';
import { base64ToBytes } from '../bundles/bundle-bytes';
import { loadSession, saveSession } from '../../lib/session';
import { bigFileCommand } from '../server/server-words';

/** One evidence file the user attached; `key` keeps list rows stable and tells repeats apart. */
export interface AttachedFile {
  key: string;
  file: File;
}

/** What is kept for a reload: evidence files are server configuration and logs, not secrets. */
interface KeptFile {
  key: string;
  name: string;
  lastModified: number;
  dataBase64: string;
}

const SESSION_KEY = 'server-evidence';
/** Past this, the files are not kept for a reload (sessionStorage holds about 5 MB in all). */
const KEEP_LIMIT_BYTES = 2 * 1024 * 1024;

/** The one-line refusal of a file bigger than the page takes, with the command that streams it. */
export function tooBigMessage(name: string, bytes: number): string {
  return `${name} is too big for this page (${formatBytes(bytes)}; the limit is ${formatBytes(MAX_INPUT_FILE_BYTES)} per file). For a big log run: ${bigFileCommand(name)}`;
}

/** The same file attached twice (picked, then dropped: the drop's copy has another time): name and size decide. */
function sameFile(a: File, b: File): boolean {
  return a.name === b.name && a.size === b.size;
}

export interface EvidenceFiles {
  files: AttachedFile[];
  /** Adds what fits; returns one line per file refused (too big, too many). */
  add: (incoming: File[]) => string[];
  remove: (key: string) => void;
  clear: () => void;
}

const EvidenceFilesContext = createContext<EvidenceFiles>({ files: [], add: () => [], remove: () => {}, clear: () => {} });

/**
 * The server's evidence files, one list for the window: what is attached on Server side is what
 * Diagnose sends, and the reverse, whichever page the user attached them on or went to first. Kept
 * for the session so a reload brings them back.
 */
export function EvidenceFilesProvider({ children }: { children: ReactNode }) {
  const [files, setFiles] = useState<AttachedFile[]>(() =>
    (loadSession<KeptFile[]>(SESSION_KEY) ?? []).map((k) => ({ key: k.key, file: new File([base64ToBytes(k.dataBase64).slice().buffer as ArrayBuffer], k.name, { lastModified: k.lastModified }) })),
  );
  const nextKey = useRef(files.reduce((n, f) => Math.max(n, Number(f.key.slice(1)) || 0), 0) + 1);
  const filesRef = useRef(files);
  filesRef.current = files;

  useEffect(() => {
    let current = true;
    const total = files.reduce((n, f) => n + f.file.size, 0);
    if (total > KEEP_LIMIT_BYTES) {
      saveSession(SESSION_KEY, null);
      return;
    }
    void Promise.all(files.map(async (f) => ({ key: f.key, name: f.file.name, lastModified: f.file.lastModified, dataBase64: encodeBase64(new Uint8Array(await f.file.arrayBuffer())) })))
      .then((kept) => {
        if (current) saveSession(SESSION_KEY, kept.length ? kept : null);
      })
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [files]);

  const add = useCallback((incoming: File[]) => {
    const have = filesRef.current;
    const refusals: string[] = [];
    const accepted: AttachedFile[] = [];
    for (const file of incoming) {
      if (file.size > MAX_INPUT_FILE_BYTES) refusals.push(tooBigMessage(file.name, file.size));
      else if (have.some((f) => sameFile(f.file, file)) || accepted.some((f) => sameFile(f.file, file))) continue;
      else if (have.length + accepted.length >= MAX_ATTACHMENTS) refusals.push(`${file.name}: one analysis reads at most ${MAX_ATTACHMENTS} files; remove some first.`);
      else accepted.push({ key: `f${nextKey.current++}`, file });
    }
    if (accepted.length) {
      const next = [...have, ...accepted];
      filesRef.current = next;
      setFiles(next);
    }
    return refusals;
  }, []);
  const remove = useCallback((key: string) => {
    const next = filesRef.current.filter((f) => f.key !== key);
    filesRef.current = next;
    setFiles(next);
  }, []);
  const clear = useCallback(() => {
    filesRef.current = [];
    setFiles([]);
  }, []);

  const value = useMemo(() => ({ files, add, remove, clear }), [files, add, remove, clear]);
  return <EvidenceFilesContext.Provider value={value}>{children}</EvidenceFilesContext.Provider>;
}

export function useEvidenceFiles(): EvidenceFiles {
  return useContext(EvidenceFilesContext);
}

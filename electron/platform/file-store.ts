import fs from 'node:fs';
import path from 'node:path';
import { certificateSpkiDer, readContainer, thumbprint } from '../../shared/cert/containers';
import { sha256Hex } from '../../shared/cert/thumbprint';
import { summarizeCertificate } from '../../shared/cert/summarize';
import { formatBytes } from '../../shared/errors';
import type { KeyLocation, StoreCertificate } from '../../shared/model/store';

/**
 * Certificates and keys kept as files: the system bundle, anchor folders and folders the
 * user adds, on any OS. Every file is read by content with readContainer (PEM, DER, base64, PKCS#7,
 * PKCS#12 without a password, private keys); key files are matched to certificates by public key,
 * across the files of one store, giving KeyLocation { status: 'present', providerKind: 'file', path }.
 * Everything is bounded: files per folder, bytes per file and per folder, folder depth.
 */

export const FOLDER_LIMITS = {
  /** Files looked at per folder (recursively). */
  maxFiles: 2000,
  /** Bytes per file: certificate and key files are small; larger files are skipped, not read. */
  maxFileBytes: 1024 * 1024,
  /** Bytes read per folder in all. */
  maxTotalBytes: 64 * 1024 * 1024,
  /** Sub-folder depth below the folder itself. */
  maxDepth: 3,
  /** A system bundle may be larger than one certificate file. */
  maxBundleBytes: 8 * 1024 * 1024,
};

export interface FileInput {
  path: string;
  bytes: Uint8Array;
}

export interface FolderScan {
  files: FileInput[];
  /** Files not read and why, one line each (too large, permission denied, limits reached). */
  problems: string[];
  /** Files or folders left out because a limit was reached. */
  truncated: boolean;
}

/** Collect the regular files of a folder, bounded; symlinked files are followed, folder loops are not. */
export function scanFolder(dir: string, limits = FOLDER_LIMITS, signal?: AbortSignal): FolderScan {
  const files: FileInput[] = [];
  const problems: string[] = [];
  let total = 0;
  let truncated = false;
  const seenDirs = new Set<string>();
  const walk = (d: string, depth: number) => {
    if (signal?.aborted || truncated) return;
    let real: string;
    try {
      real = fs.realpathSync(d);
    } catch {
      return;
    }
    if (seenDirs.has(real)) return;
    seenDirs.add(real);
    let names: string[];
    try {
      names = fs.readdirSync(d).sort();
    } catch (err) {
      problems.push(`${d}: cannot list (${(err as NodeJS.ErrnoException).code === 'EACCES' ? 'permission denied' : (err as NodeJS.ErrnoException).code ?? 'error'})`);
      return;
    }
    for (const name of names) {
      if (signal?.aborted) return;
      const p = path.join(d, name);
      let st: fs.Stats;
      try {
        st = fs.statSync(p);
      } catch {
        continue; // dangling symlink
      }
      if (st.isDirectory()) {
        if (depth < limits.maxDepth) walk(p, depth + 1);
        continue;
      }
      if (!st.isFile() || st.size === 0) continue;
      if (files.length >= limits.maxFiles) {
        truncated = true;
        problems.push(`only the first ${limits.maxFiles} files were read`);
        return;
      }
      if (st.size > limits.maxFileBytes) {
        problems.push(`${p}: skipped, ${formatBytes(st.size)} is larger than a certificate file (${formatBytes(limits.maxFileBytes)})`);
        continue;
      }
      if (total + st.size > limits.maxTotalBytes) {
        truncated = true;
        problems.push(`stopped after ${formatBytes(total)} read`);
        return;
      }
      try {
        files.push({ path: p, bytes: new Uint8Array(fs.readFileSync(p)) });
        total += st.size;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        problems.push(`${p}: ${code === 'EACCES' ? 'permission denied' : `cannot read (${code ?? 'error'})`}`);
      }
    }
  };
  walk(dir, 0);
  return { files, problems, truncated };
}

export interface FileStoreResult {
  certificates: StoreCertificate[];
  /** Files that hold something Certbench could not use here (password-protected PFX, encrypted keys, damaged files). */
  notes: string[];
}

const NONE: KeyLocation = { status: 'none', provider: null, providerKind: null, container: null, uniqueName: null, path: null, exportable: null, detail: null };

/**
 * Turn files into store certificates: each certificate once per store (by thumbprint, first file
 * wins), its key located by public key among all the files given. Files that are not certificates
 * or keys are ignored (a folder may hold anything); password-protected and encrypted ones are noted.
 */
export async function certificatesFromFiles(
  storeId: string,
  files: FileInput[],
  at: Date,
  options: { maxBytes: number; progress?: (done: number, total: number, label: string) => void; signal?: AbortSignal },
): Promise<FileStoreResult> {
  const certs: { der: Uint8Array; file: string; thumbprint: string }[] = [];
  const keys: { file: string; publicKeySha256: string | null; matches: string | null; encrypted: boolean }[] = [];
  const notes: string[] = [];
  for (const [i, f] of files.entries()) {
    if (options.signal?.aborted) break;
    options.progress?.(i, files.length, f.path);
    try {
      const read = await readContainer(f.path, f.bytes, { maxBytes: options.maxBytes });
      for (const der of read.certificates) certs.push({ der, file: f.path, thumbprint: thumbprint(der) });
      for (const k of read.keys) keys.push({ file: f.path, publicKeySha256: k.publicKeySha256, matches: k.matchesCertificate, encrypted: k.encrypted });
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'password-required' || code === 'wrong-password') notes.push(`${f.path}: password-protected, not read (open it in the certificate view with its password)`);
    }
  }

  // Keys to certificates by public key: a key in the certificate's own file first (readContainer
  // matched those), then any key file of the store. One key may serve several certificates
  // (renewals that kept the key), so the lookup goes from each certificate to the keys.
  const keyFileByHash = new Map<string, string>();
  const sameFileKey = new Set<string>();
  let unmatchedEncrypted = 0;
  for (const k of keys) {
    if (k.publicKeySha256 && !keyFileByHash.has(k.publicKeySha256)) keyFileByHash.set(k.publicKeySha256, k.file);
    if (k.matches) sameFileKey.add(`${k.file}\n${k.matches}`);
    if (k.encrypted && !k.publicKeySha256) unmatchedEncrypted += 1;
  }
  if (unmatchedEncrypted) notes.push(`${unmatchedEncrypted} encrypted private key file(s) cannot be matched to a certificate without the password`);
  const keyFileOf = (c: { der: Uint8Array; file: string; thumbprint: string }): string | undefined => {
    if (sameFileKey.has(`${c.file}\n${c.thumbprint}`)) return c.file;
    try {
      return keyFileByHash.get(sha256Hex(certificateSpkiDer(c.der)));
    } catch {
      return undefined;
    }
  };

  const seen = new Set<string>();
  const out: StoreCertificate[] = [];
  for (const c of certs) {
    if (seen.has(c.thumbprint) || options.signal?.aborted) continue;
    seen.add(c.thumbprint);
    let summary;
    try {
      summary = await summarizeCertificate(c.file, c.der, at);
    } catch (err) {
      notes.push(`${c.file}: ${(err as Error).message.replace(`${c.file}: `, '')}`);
      continue;
    }
    const keyFile = keys.length ? keyFileOf(c) : undefined;
    const key: KeyLocation = keyFile
      ? { ...NONE, status: 'present', providerKind: 'file', path: keyFile, detail: keyFile === c.file ? 'the private key is in the same file' : null }
      : unmatchedEncrypted
        ? { ...NONE, status: 'unknown', detail: 'encrypted key files in this folder could not be matched without their password' }
        : NONE;
    out.push({ storeId, friendlyName: null, summary, key, file: c.file, trustFlags: null });
  }
  options.progress?.(files.length, files.length, 'done');
  return { certificates: out, notes };
}

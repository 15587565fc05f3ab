import { scriptFileText } from '../../../../shared/scripts/script-file';

/**
 * Save a Blob as a file the way a web page can, in Electron and in the browser alike: a Blob URL on
 * a temporary link with `download` (no Node, no native dialog API in the renderer). The URL is
 * revoked once the download has started.
 */
export function saveBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Save text as a file (a script, a report): saveBlob with a text Blob; a .ps1 gets the BOM Windows PowerShell 5.1 needs. */
export function saveText(fileName: string, text: string, type = 'text/plain;charset=utf-8'): void {
  saveBlob(fileName, new Blob([scriptFileText(fileName, text)], { type }));
}

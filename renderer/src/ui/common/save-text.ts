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

/** Save text as a file (a script, a report): saveBlob with a text Blob. */
export function saveText(fileName: string, text: string, type = 'text/plain;charset=utf-8'): void {
  saveBlob(fileName, new Blob([text], { type }));
}

import { useState, type DragEvent } from 'react';

/** Whether a drag carries files from the file manager (not text or a link dragged within the page). */
function hasFiles(e: DragEvent): boolean {
  return Array.from(e.dataTransfer?.types ?? []).includes('Files');
}

/**
 * Files dropped on an element: the drop is ours (the window would otherwise open the file), and
 * `dragging` says a file drag is over it. Enter and leave are counted because they also fire for
 * each child the pointer crosses; drags without files are left alone. `onFiles` gets the dropped
 * files and the DataTransfer, for callers that ask its items more (a folder on the certificates page).
 */
export function useFileDrop(onFiles: (files: File[], data: DataTransfer) => void) {
  const [depth, setDepth] = useState(0);
  return {
    dragging: depth > 0,
    handlers: {
      onDragEnter: (e: DragEvent) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        setDepth((d) => d + 1);
      },
      onDragOver: (e: DragEvent) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
      },
      onDragLeave: (e: DragEvent) => {
        if (!hasFiles(e)) return;
        setDepth((d) => Math.max(0, d - 1));
      },
      onDrop: (e: DragEvent) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        setDepth(0);
        onFiles(Array.from(e.dataTransfer.files), e.dataTransfer);
      },
    },
  };
}

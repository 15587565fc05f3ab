import type { RefObject } from 'react';

/** Certificate files the pickers offer; the service decides by content, so this is only a convenience. */
export const CERTIFICATE_FILE_TYPES = '.pem,.crt,.cer,.der,.txt,.pfx,.p12,.p7b,.p7c,.key';

/**
 * The file input behind an "Open ..." button: hidden, labelled for screen readers, and emptied after
 * each choice so choosing the same file again is seen again.
 */
export function HiddenFileInput({
  inputRef,
  accept,
  testId,
  label,
  multiple = false,
  onFiles,
}: {
  inputRef: RefObject<HTMLInputElement | null>;
  accept: string;
  testId: string;
  label: string;
  multiple?: boolean;
  onFiles: (files: File[]) => void;
}) {
  return (
    <input
      ref={inputRef}
      type="file"
      multiple={multiple}
      accept={accept}
      hidden
      data-testid={testId}
      aria-label={label}
      onChange={(e) => {
        const files = Array.from(e.target.files ?? []);
        e.target.value = '';
        if (files.length) onFiles(files);
      }}
    />
  );
}

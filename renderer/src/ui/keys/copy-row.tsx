import { CopyButton } from '../common/copy-button';

/** One "label: monospace value [Copy]" row of a findkey list (key folder, file, path, backup). */
export function CopyRow({ label, value, what, testId }: { label: string; value: string; what: string; testId: string }) {
  return (
    <div className="findkey-row">
      <dt>{label}</dt>
      <dd>
        <span className="mono" data-testid={testId}>
          {value}
        </span>
        <CopyButton value={value} what={what} />
      </dd>
    </div>
  );
}

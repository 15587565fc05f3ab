import type { WorkProgress } from '../certificates/use-inspect-queue';

/** Determinate progress with the words of what is happening ("Reading 3 of 12: name.pem"). */
export function ProgressBar({
  progress,
  what = 'Reading certificate files',
  testId = 'progress',
}: {
  progress: WorkProgress;
  /** The progressbar's accessible name: which work this bar measures. */
  what?: string;
  testId?: string;
}) {
  const percent = Math.round(Math.max(0, Math.min(1, progress.fraction)) * 100);
  return (
    <div className="progress" data-testid={testId} role="status" aria-live="polite">
      <div className="progress-label">
        <span className="progress-text" data-testid={`${testId}-label`}>
          {progress.label}
        </span>
        <span className="progress-percent" aria-hidden="true">
          {percent}%
        </span>
      </div>
      <div
        className="progress-track"
        role="progressbar"
        aria-label={what}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
      >
        <div className="progress-fill" style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}

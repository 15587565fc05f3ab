import type { WorkProgress } from '../certificates/use-inspect-queue';

/**
 * Progress with the words of what is happening ("Reading 3 of 12: name.pem"). Indeterminate when
 * the whole is not known (work reported part by part, each with its own total): a moving bar and
 * no percentage, since a part's 100% is not the end.
 */
export function ProgressBar({
  progress,
  what = 'Reading certificate files',
  testId = 'progress',
  indeterminate = false,
}: {
  progress: WorkProgress;
  /** The progressbar's accessible name: which work this bar measures. */
  what?: string;
  testId?: string;
  indeterminate?: boolean;
}) {
  const percent = Math.round(Math.max(0, Math.min(1, progress.fraction)) * 100);
  if (indeterminate) {
    return (
      <div className="progress" data-testid={testId} role="status" aria-live="polite">
        <div className="progress-label">
          <span className="progress-text" data-testid={`${testId}-label`}>
            {progress.label}
          </span>
        </div>
        <div className="progress-track" role="progressbar" aria-label={what}>
          <div className="progress-fill is-indeterminate" />
        </div>
      </div>
    );
  }
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

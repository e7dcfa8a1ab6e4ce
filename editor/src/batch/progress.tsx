import type { BatchRun } from './batch-api.ts';

/** Lines done of the total, as a bar a screen reader reads. */
export function Progress({ run }: { run: BatchRun }) {
  const { done, total, fraction } = run.progress;
  return (
    <div
      className="batch-progress" role="progressbar" aria-label={`Progress of ${run.id}`}
      aria-valuemin={0} aria-valuemax={total} aria-valuenow={done} aria-valuetext={`${done} of ${total} lines done`}
    >
      <div className="batch-progress-fill" style={{ width: `${Math.round(fraction * 100)}%` }} />
    </div>
  );
}

import { exact } from './format.ts';

/** How much of a pool its deployments hold (or of the compute local models use): the filled part is taken, the rest is left. */
export function UsageBar({ allocated, tpm, label, says }: { allocated: number; tpm: number; label: string; says?: string }) {
  const used = tpm > 0 ? Math.min(100, (allocated / tpm) * 100) : 100;
  const text = says ?? `${exact(allocated)} of ${exact(tpm)} tokens a minute allocated, ${exact(Math.max(0, tpm - allocated))} left`;
  return (
    <div
      className={`usage-bar${used >= 100 ? ' full' : used >= 80 ? ' high' : ''}`}
      role="meter"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={tpm}
      aria-valuenow={Math.min(allocated, tpm)}
      aria-valuetext={text}
      title={text}
    >
      <div className="usage-fill" style={{ width: `${used}%` }} />
    </div>
  );
}

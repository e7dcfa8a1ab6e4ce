/** A monitor's state: none yet, enabled (sampling and checking), or disabled (kept, doing nothing). */
export function MonitorStateTag({ state }: { state: 'none' | 'enabled' | 'disabled' }) {
  const kind = state === 'enabled' ? 'ok' : state === 'disabled' ? 'warn' : '';
  return <span className={`tag ${kind}`}>{state === 'none' ? 'no monitor' : state}</span>;
}

import type { TrafficSplit } from './deployments-api.ts';

/** `v2 90% · v3 10%`: which versions a flow deployment serves, as relative shares. */
export function TrafficSummary({ traffic }: { traffic: TrafficSplit[] }) {
  // The server picks by weight / total, so show the shares a caller actually sees.
  const total = traffic.reduce((s, t) => s + t.weight, 0) || 1;
  return (
    <span className="traffic-summary" aria-label="Traffic">
      {traffic.map((t) => (
        <span key={t.version} className={`tag ${t.weight > 0 ? 'ok' : ''}`}>
          v{t.version} {Math.round((t.weight / total) * 1000) / 10}%
        </span>
      ))}
    </span>
  );
}

import { metric } from './format.ts';

/** A run's metrics (its aggregation nodes' numbers), one a row. */
export function MetricsTable({ metrics }: { metrics: Record<string, number> }) {
  const names = Object.keys(metrics);
  if (!names.length) return <p className="muted">No metrics: the flow has no aggregation nodes, or they have not run yet.</p>;
  return (
    <table className="list compact batch-metrics" aria-label="Metrics">
      <tbody>
        {names.map((k) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td className="num" data-testid={`metric-${k}`} title={String(metrics[k])}>
              {metric(metrics[k])}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

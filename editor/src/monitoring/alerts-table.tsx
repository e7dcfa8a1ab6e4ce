import { hours, num, pct, when } from './format.ts';
import type { Alert } from './monitoring-api.ts';

const value = (a: Alert, n: number) => (a.metric === 'pass_rate' ? pct(n) : num(n));

function Delivery({ delivery }: { delivery: string | null }) {
  if (delivery === null) return <span className="muted">no webhook</span>;
  const kind = delivery === 'sent' ? 'ok' : delivery === 'failed' ? 'bad' : 'run';
  return <span className={`tag ${kind}`}>{delivery}</span>;
}

/** The alerts raised in the window, newest first. */
export function AlertsTable({ alerts }: { alerts: Alert[] }) {
  if (!alerts.length) return <p className="muted">No alerts in the window.</p>;
  return (
    <table className="list compact" aria-label="Alerts">
      <thead>
        <tr>
          <th>Time</th>
          <th>Evaluator</th>
          <th className="num">Value / threshold</th>
          <th className="num">Samples</th>
          <th>Window</th>
          <th>Delivery</th>
        </tr>
      </thead>
      <tbody>
        {alerts.map((a) => (
          <tr key={a.id} data-testid="alert-row" data-alert={a.id}>
            <td title={a.at}>{when(a.at)}</td>
            <td>{a.evaluator}</td>
            <td className="num" title={`${a.metric} ${a.value} below ${a.threshold}`}>
              <span data-testid="alert-value">{value(a, a.value)}</span> <span className="muted">/ {value(a, a.threshold)}</span>
            </td>
            <td className="num" data-testid="alert-samples">{a.samples}</td>
            <td>{hours(a.window_hours)}</td>
            <td>
              <Delivery delivery={a.delivery} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

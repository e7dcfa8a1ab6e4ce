import { num, pct } from './format.ts';
import type { Metric } from './monitoring-api.ts';

/** Whether an evaluator keeps the monitor's pass rate over the window (nothing scored: unknown). */
function Verdict({ m, passRate }: { m: Metric; passRate: number }) {
  if (m.pass_rate === null) return <span className="tag">no scores</span>;
  return m.pass_rate >= passRate ? <span className="tag ok">passing</span> : <span className="tag bad">below</span>;
}

/** Each evaluator's scores over the window: mean against its per-call threshold, pass rate against the monitor's. */
export function MetricsTable({ metrics, passRate }: { metrics: Metric[]; passRate: number }) {
  return (
    <table className="list compact" aria-label="Evaluator metrics">
      <thead>
        <tr>
          <th>Evaluator</th>
          <th className="num">Scored</th>
          <th className="num">Missing</th>
          <th className="num">Mean / threshold</th>
          <th className="num">Pass rate / required</th>
          <th>Status</th>
        </tr>
      </thead>
      <tbody>
        {metrics.map((m) => (
          <tr key={m.evaluator} data-testid={`metric-${m.evaluator}`}>
            <th scope="row">{m.evaluator}</th>
            <td className="num" data-testid="metric-count">{m.count}</td>
            <td className="num" data-testid="metric-missing" title="calls the evaluator could not score">{m.missing}</td>
            <td className="num">
              <span data-testid="metric-mean" title={m.mean === null ? 'nothing scored' : String(m.mean)}>{num(m.mean)}</span>
              <span className="muted"> / {num(m.threshold)}</span>
            </td>
            <td className="num">
              <span data-testid="metric-pass-rate" title={m.pass_rate === null ? 'nothing scored' : String(m.pass_rate)}>{pct(m.pass_rate)}</span>
              <span className="muted"> / {pct(passRate)}</span>
            </td>
            <td>
              <Verdict m={m} passRate={passRate} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

import { useLoad } from '../components/ui.tsx';
import { href } from '../shell/router.ts';
import { batchApi, type Comparison } from './batch-api.ts';
import { fields, metric, runLabel, signed } from './format.ts';
import { BatchHead, LoadState } from './page-parts.tsx';

type Side = Comparison['lines'][number]['a'];
const text = (s: Side) => (!s ? '—' : s.error ? `error: ${s.error.message}` : fields(s.outputs));

/** `#/batch-runs/compare/<a>/<b>`: two runs' metrics with their deltas (b − a), and their lines paired by number. */
export function CompareView({ a, b }: { a: string; b: string }) {
  const c = useLoad(() => batchApi.compare(a, b), [a, b]);
  const d = c.data;
  return (
    <div className="page-pad batch">
      <BatchHead title="Compare runs" />
      <LoadState error={c.error} loaded={!!d} />
      {d && (
        <section className="card" aria-labelledby="compare-metrics">
          <h2 id="compare-metrics">Metrics</h2>
          <table className="list compact" aria-label="Metrics compared">
            <thead>
              <tr>
                <th>Metric</th>
                <th className="num">
                  A: <a href={href('batch-runs', d.a.id)}>{runLabel(d.a)}</a>
                </th>
                <th className="num">
                  B: <a href={href('batch-runs', d.b.id)}>{runLabel(d.b)}</a>
                </th>
                <th className="num">B − A</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row">lines succeeded</th>
                <td className="num">{d.a.summary.succeeded} / {d.a.summary.total}</td>
                <td className="num">{d.b.summary.succeeded} / {d.b.summary.total}</td>
                <td className="num">{signed(d.b.summary.succeeded - d.a.summary.succeeded)}</td>
              </tr>
              {Object.entries(d.metrics).map(([k, m]) => (
                <tr key={k} data-testid={`compare-${k}`}>
                  <th scope="row">{k}</th>
                  <td className="num">{metric(m.a)}</td>
                  <td className="num">{metric(m.b)}</td>
                  <td className={`num ${m.delta === null || m.delta === 0 ? '' : m.delta > 0 ? 'up' : 'down'}`}>{signed(m.delta)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {d && (
        <section className="card" aria-labelledby="compare-lines">
          <h2 id="compare-lines">Lines</h2>
          <table className="list compact batch-lines" aria-label="Lines compared">
            <thead>
              <tr>
                <th className="num">Line</th>
                <th>A</th>
                <th>B</th>
              </tr>
            </thead>
            <tbody>
              {d.lines.map((l) => {
                const differs = text(l.a) !== text(l.b);
                return (
                  <tr key={l.line_number} data-testid={`compare-line-${l.line_number}`} className={differs ? 'differs' : ''}>
                    <td className="num">
                      {l.line_number}
                      {differs && <span className="tag warn">differs</span>}
                    </td>
                    <td className="batch-cell">{text(l.a)}</td>
                    <td className="batch-cell">{text(l.b)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}

import { useLoad } from '../components/ui.tsx';
import { plural } from '../components/plural.ts';
import { href } from '../shell/router.ts';
import { monitorState, num, pct, when } from './format.ts';
import { monitoringApi, type Alert, type MonitorConfig } from './monitoring-api.ts';
import { MonitorStateTag } from './state-tag.tsx';

interface Row {
  name: string;
  kind: 'flow' | 'model';
  monitor: MonitorConfig | null;
  latest?: Alert;
}

/** Each deployment's monitor (or none) and its latest alert. */
async function loadRows(): Promise<Row[]> {
  const [deployments, alerts] = await Promise.all([monitoringApi.deployments(), monitoringApi.alerts(undefined, 1000)]);
  const views = await Promise.all(deployments.map((d) => monitoringApi.view(d.name)));
  return deployments.map((d, i) => ({ name: d.name, kind: d.kind, monitor: views[i]!.monitor, latest: alerts.find((a) => a.deployment === d.name) }));
}

function LatestAlert({ alert }: { alert?: Alert }) {
  if (!alert) return <span className="muted">none in 30 days</span>;
  return (
    <span title={`${alert.evaluator} ${alert.metric} ${alert.value} below ${alert.threshold} over ${plural(alert.samples, 'call', 'calls')}`}>
      {when(alert.at)} · {alert.evaluator} {pct(alert.value)} &lt; {pct(alert.threshold)}
    </span>
  );
}

export function MonitorList() {
  const rows = useLoad(loadRows, []);
  return (
    <div className="page-pad monitoring">
      <div className="page-head">
        <h1>Monitoring</h1>
      </div>
      <p className="muted">
        A monitor samples a deployment's calls, scores them off the request path with evaluators, and checks the share that pass against the pass rate
        over its window. Below it, an alert is raised and posted to the webhook connection, if one is set.
      </p>
      {rows.error && (
        <p className="error-text" role="alert">
          {rows.error.message}
        </p>
      )}
      {!rows.data && !rows.error && <div className="loading">Loading…</div>}
      {rows.data && rows.data.length === 0 && (
        <div className="card empty-card">
          <h2>No deployments yet</h2>
          <p className="muted">
            Deploy a flow or a model on the <a href={href('deployments')}>Deployments</a> page, then give it a monitor here.
          </p>
        </div>
      )}
      {rows.data && rows.data.length > 0 && (
        <table className="list compact" aria-label="Monitors by deployment">
          <thead>
            <tr>
              <th>Deployment</th>
              <th>Kind</th>
              <th>Monitor</th>
              <th className="num">Sampling</th>
              <th>Evaluators</th>
              <th>Latest alert</th>
            </tr>
          </thead>
          <tbody>
            {rows.data.map((r) => (
              <tr key={r.name} data-testid={`monitor-row-${r.name}`}>
                <td>
                  <a href={href('monitoring', r.name)}>{r.name}</a>
                </td>
                <td>{r.kind}</td>
                <td>
                  <MonitorStateTag state={monitorState(r.monitor)} />
                </td>
                <td className="num">{r.monitor ? pct(r.monitor.sampling_rate) : '—'}</td>
                <td>{r.monitor ? r.monitor.evaluators.map((e) => `${e.evaluator ?? e.flow} ≥ ${num(e.threshold)}`).join(', ') : '—'}</td>
                <td>
                  <LatestAlert alert={r.latest} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

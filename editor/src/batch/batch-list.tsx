import { useState } from 'react';
import { StatusTag, useLoad } from '../components/ui.tsx';
import { formatTime } from '../deployments/deployments-api.ts';
import { href, navigate } from '../shell/router.ts';
import { batchApi } from './batch-api.ts';
import { metric, shortId } from './format.ts';
import { NewBatchForm } from './new-batch-form.tsx';
import { Progress } from './progress.tsx';

/** `#/batch-runs`: the runs, newest first; two ticked are compared. */
export function BatchList() {
  const runs = useLoad(() => batchApi.list(), []);
  const [creating, setCreating] = useState(false);
  const [picked, setPicked] = useState<string[]>([]);
  const toggle = (id: string, on: boolean) => setPicked((p) => (on ? [...p.filter((x) => x !== id), id].slice(-2) : p.filter((x) => x !== id)));
  return (
    <div className="page-pad batch">
      <div className="page-head">
        <h1>Batch runs</h1>
        <span className="spacer" />
        <button type="button" disabled={picked.length !== 2} onClick={() => navigate('batch-runs', 'compare', picked[0]!, picked[1]!)}>
          Compare {picked.length === 2 ? 'the two' : '(tick two)'}
        </button>
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          New batch run
        </button>
      </div>
      <p className="muted">
        A flow run once per line of a JSONL file, its columns mapped to the flow's inputs; an evaluation run reads an earlier run's outputs as{' '}
        <code>{'${run.outputs.x}'}</code>. The flow's aggregation nodes give the run's metrics.
      </p>
      {runs.error && (
        <p className="error-text" role="alert">
          {runs.error.message}
        </p>
      )}
      {!runs.data && !runs.error && <div className="loading">Loading…</div>}
      {runs.data && runs.data.length === 0 && <p className="muted">No batch runs yet.</p>}
      {runs.data && runs.data.length > 0 && (
        <table className="list compact" aria-label="Batch runs">
          <thead>
            <tr>
              <th>Compare</th>
              <th>Run</th>
              <th>Flow</th>
              <th>Status</th>
              <th>Lines</th>
              <th>Metrics</th>
              <th>Started</th>
            </tr>
          </thead>
          <tbody>
            {runs.data.map((r) => (
              <tr key={r.id} data-testid={`batch-row-${r.id}`}>
                <td>
                  <input type="checkbox" aria-label={`Compare ${r.id}`} checked={picked.includes(r.id)} onChange={(e) => toggle(r.id, e.target.checked)} />
                </td>
                <td>
                  <a href={href('batch-runs', r.id)}>{shortId(r.id)}</a>
                  {r.run && <span className="muted"> · evaluates {shortId(r.run)}</span>}
                </td>
                <td>
                  {r.flow} <span className="muted">{r.version === null ? 'draft' : `v${r.version}`}</span>
                </td>
                <td>
                  <StatusTag status={r.status} />
                </td>
                <td className="batch-lines-cell">
                  <Progress run={r} />
                  <span>
                    {r.summary.succeeded} ok · {r.summary.failed} failed · {r.summary.total}
                  </span>
                </td>
                <td>{Object.entries(r.metrics).map(([k, v]) => `${k} ${metric(v)}`).join(', ') || '—'}</td>
                <td>{formatTime(r.started_at ?? r.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {creating && <NewBatchForm runs={runs.data ?? []} onClose={() => setCreating(false)} onStarted={(id) => navigate('batch-runs', id)} />}
    </div>
  );
}

import { useEffect, useRef, useState } from 'react';
import { api } from '../api/client.ts';
import type { RunDetail } from '../api/types.ts';
import { CodeBlock, Modal, StatusTag, useLoad } from '../components/ui.tsx';
import { deploymentsApi, formatTime } from './deployments-api.ts';

const ms = (n: number | null) => (n === null ? '—' : n < 1000 ? `${n} ms` : `${(n / 1000).toFixed(2)} s`);

/**
 * The last calls of a deployment. `awaited` is the run id of a call just made from this page: the
 * server records runs in group commits a few milliseconds after answering, so look again briefly
 * until it shows.
 */
export function RecentRuns({ name, awaited, tick }: { name: string; awaited?: string; tick: number }) {
  const runs = useLoad(() => deploymentsApi.runs(name), [name, awaited, tick]);
  const [open, setOpen] = useState<string>();
  const tries = useRef(0);
  useEffect(() => {
    tries.current = 0;
  }, [awaited, tick]);
  useEffect(() => {
    if (!awaited || runs.loading || !runs.data || runs.data.some((r) => r.id === awaited) || tries.current >= 10) return;
    tries.current += 1;
    const t = setTimeout(runs.reload, 300);
    return () => clearTimeout(t);
  });
  return (
    <section className="card" aria-label="Recent runs">
      <div className="row">
        <h2>Recent runs</h2>
        <span className="spacer" />
        <button type="button" className="ghost small" onClick={runs.reload}>
          Refresh
        </button>
      </div>
      {runs.error && <p className="error-text">{runs.error.message}</p>}
      {runs.data && !runs.data.length && <p className="muted">No runs yet: calls to the endpoint appear here.</p>}
      {!!runs.data?.length && (
        <table className="list compact" aria-label="Recent runs of this deployment">
          <thead>
            <tr>
              <th>Run</th>
              <th>Status</th>
              <th>Version</th>
              <th>Duration</th>
              <th>Started</th>
            </tr>
          </thead>
          <tbody>
            {runs.data.map((r) => (
              <tr key={r.id} data-testid={`run-${r.id}`}>
                <td>
                  <button type="button" className="link mono" onClick={() => setOpen(r.id)} title="Show the run's record">
                    {r.id.slice(0, 8)}
                  </button>
                </td>
                <td>
                  <StatusTag status={r.status} />
                  {r.error && <span className="error-text run-error"> {r.error.message}</span>}
                </td>
                <td>{r.version === null ? '—' : `v${r.version}`}</td>
                <td>{ms(r.duration_ms)}</td>
                <td className="muted">{formatTime(r.started_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open && <RunRecord id={open} onClose={() => setOpen(undefined)} />}
    </section>
  );
}

/** One run as stored: inputs, outputs or error, and each node's status and time. */
export function RunRecord({ id, onClose }: { id: string; onClose: () => void }) {
  const run = useLoad(() => api<RunDetail>(`/api/runs/${encodeURIComponent(id)}`), [id]);
  const r = run.data;
  return (
    <Modal title={`Run ${id}`} onClose={onClose} actions={<button onClick={onClose}>Close</button>}>
      {run.error && <p className="error-text">{run.error.message}</p>}
      {r && (
        <div className="stack">
          <div className="row wrap">
            <StatusTag status={r.status} />
            <span>
              {r.flow} {r.version !== null && `v${r.version}`}
            </span>
            <span className="muted">{ms(r.duration_ms)}</span>
            <span className="muted">{formatTime(r.started_at)}</span>
          </div>
          <div className="field-label">Inputs</div>
          <CodeBlock code={JSON.stringify(r.inputs, null, 2)} />
          <div className="field-label">{r.error ? 'Error' : 'Outputs'}</div>
          <CodeBlock code={JSON.stringify(r.error ?? r.outputs, null, 2)} />
          {!!r.trace?.length && (
            <table className="list compact">
              <thead>
                <tr>
                  <th>Node</th>
                  <th>Status</th>
                  <th>Time</th>
                </tr>
              </thead>
              <tbody>
                {r.trace.map((t) => (
                  <tr key={t.node}>
                    <td>
                      {t.node} <span className="muted">{t.type}</span>
                    </td>
                    <td>
                      <StatusTag status={t.status} />
                    </td>
                    <td>{t.duration_ms === undefined ? '—' : ms(t.duration_ms)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </Modal>
  );
}

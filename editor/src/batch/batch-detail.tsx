import { useState } from 'react';
import { notifyError } from '../components/toast.tsx';
import { StatusTag, useLoad } from '../components/ui.tsx';
import { href } from '../shell/router.ts';
import { ACTIVE, batchApi, type BatchRun } from './batch-api.ts';
import { duration, runLabel, shortId } from './format.ts';
import { LinesTable } from './lines-table.tsx';
import { MetricsTable } from './metrics-table.tsx';
import { BatchHead, LoadState } from './page-parts.tsx';
import { Progress } from './progress.tsx';
import { evaluationsOf, useBatch } from './use-batch.ts';

function Summary({ run }: { run: BatchRun }) {
  const s = run.summary;
  return (
    <dl className="batch-summary">
      {(
        [
          ['Lines', s.total, 'total'],
          ['Succeeded', s.succeeded, 'succeeded'],
          ['Failed', s.failed, 'failed'],
          ['Duration', duration(s.duration_ms), 'duration'],
          ['Concurrency', run.concurrency, 'concurrency'],
        ] as const
      ).map(([label, value, id]) => (
        <div key={id}>
          <dt>{label}</dt>
          <dd data-testid={`summary-${id}`}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function CancelButton({ id, onCancelled }: { id: string; onCancelled: () => void }) {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button" className="danger" disabled={busy}
      onClick={async () => {
        setBusy(true);
        await batchApi.cancel(id).then(onCancelled, notifyError);
        setBusy(false);
      }}
    >
      Cancel run
    </button>
  );
}

/** `#/batch-runs/<id>`: progress while it runs, its summary and metrics, and its lines with any evaluation runs' results beside them. */
export function BatchDetail({ id }: { id: string }) {
  const b = useBatch(id);
  const run = b.run;
  const done = run && !ACTIVE.includes(run.status);
  const evals = useLoad(() => (done ? evaluationsOf(id) : Promise.resolve([])), [id, done]);
  return (
    <div className="page-pad batch">
      <BatchHead title={run ? runLabel(run) : id}>
        {run && <StatusTag status={run.status} />}
        <span className="spacer" />
        {run && !done && <CancelButton id={id} onCancelled={b.reload} />}
      </BatchHead>
      <LoadState error={b.error} loaded={!!run} />
      {run && (
        <section className="card" aria-label="Summary">
          <Progress run={run} />
          <Summary run={run} />
          {run.run && (
            <p className="muted">
              Evaluates the run <a href={href('batch-runs', run.run)}>{shortId(run.run)}</a>.
            </p>
          )}
          {run.error && <p className="error-text">{run.error.message}</p>}
        </section>
      )}
      {run && (
        <section className="card" aria-labelledby="batch-metrics">
          <h2 id="batch-metrics">Metrics</h2>
          <MetricsTable metrics={run.metrics} />
        </section>
      )}
      {run && (
        <section className="card" aria-labelledby="batch-lines">
          <h2 id="batch-lines">Lines</h2>
          <LinesTable lines={b.lines} evaluations={evals.data ?? []} />
          {b.next !== null && (
            <button type="button" className="small more" onClick={() => void b.more().catch(notifyError)}>
              Load more lines
            </button>
          )}
        </section>
      )}
    </div>
  );
}

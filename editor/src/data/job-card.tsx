import { useState } from 'react';
import { api } from '../api/client.ts';
import { StatusTag } from '../components/ui.tsx';
import { notifyError } from '../components/toast.tsx';
import { formatBytes, formatDuration, plural } from './format.ts';
import { indexPath, isLive, type FileOutcome, type JobView } from './types.ts';
import { useJobFeed } from './use-job-feed.ts';

/** One ingestion job, live while it runs: files, chunks, percent, rate, ETA and each file's outcome. */
export function JobCard({ job, onDone }: { job: JobView; onDone?: (v: JobView) => void }) {
  const { view, waiting, error } = useJobFeed(job, onDone);
  const [cancelling, setCancelling] = useState(false);
  const live = isLive(view.status);

  const cancel = async () => {
    setCancelling(true);
    try {
      await api(indexPath(view.index, 'jobs', encodeURIComponent(view.id)), { method: 'DELETE' });
    } catch (err) {
      notifyError(err);
    } finally {
      setCancelling(false);
    }
  };

  return (
    <div className="card job-card" data-testid="job-card" data-job={view.id} data-status={view.status} aria-label={`ingestion job ${view.id}`}>
      <div className="row">
        <strong>{view.kind === 'reindex' ? 'Re-index' : 'Adding files'}</strong>
        <StatusTag status={view.status} />
        <span className="muted mono">{view.id}</span>
        <span className="spacer" />
        {live && (
          <button className="small danger" onClick={cancel} disabled={cancelling} aria-label="Cancel job">
            Cancel
          </button>
        )}
      </div>
      <div className="progress" role="progressbar" aria-label="Ingestion progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={view.percent}>
        <div className={`progress-fill ${view.status}`} style={{ width: `${view.percent}%` }} />
      </div>
      <div className="job-stats" data-testid="job-stats">
        <span>
          {view.percent.toFixed(1)}%
        </span>
        <span>
          files {view.files.done}/{view.files.total}
          {view.files.failed > 0 && <span className="error-text"> ({view.files.failed} failed)</span>}
        </span>
        <span>{plural(view.chunks, 'chunk')}</span>
        <span>
          {formatBytes(view.bytes.done)} / {formatBytes(view.bytes.total)}
        </span>
        {view.rate && (
          <span>
            {view.rate.chunks_per_s} chunks/s · {view.rate.mb_per_min} MB/min
          </span>
        )}
        {live && <span>ETA {formatDuration(view.eta_s)}</span>}
      </div>
      {view.current && live && <div className="muted">reading {view.current}…</div>}
      {waiting && <div className="warn-text">waiting: {waiting}</div>}
      {error && <div className="error-text">{error}</div>}
      {view.error && <div className="error-text">{view.error}</div>}
      {!live && <JobSummary view={view} />}
      {view.results.length > 0 && <OutcomeList results={view.results} />}
    </div>
  );
}

function JobSummary({ view }: { view: JobView }) {
  const count = (s: FileOutcome['status']) => view.results.filter((r) => r.status === s).length;
  const parts = (['added', 'replaced', 'unchanged', 'failed'] as const).filter((s) => count(s) > 0).map((s) => `${count(s)} ${s}`);
  return (
    <div className="job-summary" data-testid="job-summary">
      {view.status === 'succeeded' ? 'Done' : view.status === 'cancelled' ? 'Cancelled' : 'Stopped'}
      {parts.length > 0 && `: ${parts.join(', ')}`}
    </div>
  );
}

const OUTCOME_KIND: Record<FileOutcome['status'], string> = { added: 'ok', replaced: 'accent', unchanged: '', failed: 'bad', pending: 'run' };

export function OutcomeList({ results }: { results: FileOutcome[] }) {
  return (
    <ul className="outcomes" aria-label="File outcomes">
      {results.map((r) => (
        <li key={r.name} data-testid="file-outcome" data-file={r.name} data-outcome={r.status}>
          <span className={`tag ${OUTCOME_KIND[r.status]}`}>{r.status}</span>
          <span className="mono">{r.name}</span>
          {r.chunks !== null && r.status !== 'failed' && <span className="muted">{plural(r.chunks, 'chunk')}</span>}
          {r.error && (
            <span className="error-text">
              {r.error.message} <span className="muted">({r.error.code})</span>
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}

import { useState } from 'react';
import { api } from '../api/client.ts';
import { StatusTag, useLoad } from '../components/ui.tsx';
import { notifyError } from '../components/toast.tsx';
import { formatTime } from './format.ts';
import { OutcomeList } from './job-card.tsx';
import { indexPath, isLive, type JobView } from './types.ts';

/** Every job of the index, newest first; a queued or running one can be cancelled. */
export function JobsPanel({ index, version, onChanged }: { index: string; version: number; onChanged: () => void }) {
  const jobs = useLoad(() => api<{ data: JobView[] }>(indexPath(index, 'jobs')), [index, version]);
  const [open, setOpen] = useState<string | null>(null);

  const cancel = async (id: string) => {
    try {
      await api(indexPath(index, 'jobs', encodeURIComponent(id)), { method: 'DELETE' });
      onChanged();
    } catch (err) {
      notifyError(err);
    }
  };

  if (jobs.error) return <div className="error-text">{jobs.error.message}</div>;
  const list = jobs.data?.data;
  if (!list) return <div className="muted">Loading jobs…</div>;
  if (!list.length) return <div className="empty-note">No jobs yet.</div>;
  return (
    <table className="list" aria-label="Jobs">
      <thead>
        <tr>
          <th>Job</th><th>Kind</th><th>Status</th><th>Files</th><th>Chunks</th><th>Started</th><th>Finished</th><th />
        </tr>
      </thead>
      <tbody>
        {list.map((j) => (
          <JobRow key={j.id} job={j} open={open === j.id} onToggle={() => setOpen(open === j.id ? null : j.id)} onCancel={() => cancel(j.id)} />
        ))}
      </tbody>
    </table>
  );
}

function JobRow({ job: j, open, onToggle, onCancel }: { job: JobView; open: boolean; onToggle: () => void; onCancel: () => void }) {
  return (
    <>
      <tr className="clickable" data-testid="job-row" data-status={j.status} onClick={onToggle}>
        <td className="mono">{j.id}</td>
        <td>{j.kind}</td>
        <td><StatusTag status={j.status} /></td>
        <td>
          {j.files.done}/{j.files.total}
          {j.files.failed > 0 && <span className="error-text"> · {j.files.failed} failed</span>}
        </td>
        <td>{j.chunks}</td>
        <td className="muted">{formatTime(j.started_at ?? j.created_at)}</td>
        <td className="muted">{formatTime(j.finished_at)}</td>
        <td>
          {isLive(j.status) && (
            <button
              className="small danger"
              aria-label={`Cancel job ${j.id}`}
              onClick={(e) => {
                e.stopPropagation();
                onCancel();
              }}
            >
              Cancel
            </button>
          )}
        </td>
      </tr>
      {open && (
        <tr>
          <td colSpan={8}>
            {j.error && <div className="error-text">{j.error}</div>}
            {j.results.length ? <OutcomeList results={j.results} /> : <span className="muted">No file has finished.</span>}
          </td>
        </tr>
      )}
    </>
  );
}

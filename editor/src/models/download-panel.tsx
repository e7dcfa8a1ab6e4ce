import { useEffect, useRef, useState } from 'react';
import { api, ApiError } from '../api/client.ts';
import { formatBytes } from './model-format.ts';
import type { ModelInfo, PullJob } from './model-types.ts';

const POLL_MS = 500;

/**
 * A model whose weights are not on this machine: Download (a pull job on the server) with its
 * progress, and, when it fails (an offline machine), the server's words on what to do instead.
 */
export function DownloadPanel({ model, onDone }: { model: ModelInfo; onDone: () => void }) {
  const [job, setJob] = useState<PullJob | null>(model.pull);
  const [error, setError] = useState<string>();
  const running = job?.state === 'running';
  const done = useRef(onDone);
  done.current = onDone;

  useEffect(() => {
    if (!running) return;
    let live = true;
    const t = setTimeout(async () => {
      try {
        const next = await api<PullJob>(`/api/models/${encodeURIComponent(model.id)}/pull`);
        if (!live) return;
        setJob(next);
        if (next.state === 'done') done.current();
      } catch (err) {
        if (live) setError((err as Error).message);
      }
    }, POLL_MS);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [job, running, model.id]);

  const start = async () => {
    setError(undefined);
    try {
      setJob(await api<PullJob>(`/api/models/${encodeURIComponent(model.id)}/pull`, { method: 'POST' }));
    } catch (err) {
      // Someone else started it: follow theirs.
      if (err instanceof ApiError && err.code === 'pull_in_progress') setJob((j) => j ?? { ...model.pull!, state: 'running' });
      setError((err as Error).message);
    }
  };

  const total = job?.total ?? model.download_bytes;
  const pct = job && total ? Math.min(100, Math.round((job.received / total) * 100)) : 0;
  return (
    <section className="card download-panel" aria-label="Download">
      <h2>{model.availability === 'missing' ? 'Model file missing' : 'Not on this machine yet'}</h2>
      <p className="muted">
        {model.availability === 'missing'
          ? 'The file this model was registered from is gone. Download it again, or register the file anew with weir models add.'
          : `Its weights${model.download_bytes ? ` (${formatBytes(model.download_bytes)})` : ''} are downloaded once from Hugging Face into the server's data folder; deploy it afterwards.`}
      </p>
      {running && (
        <div className="download-progress" data-testid="download-progress">
          <progress max={100} value={pct} aria-label={`Downloading ${model.id}`} />
          <span className="small-text">
            {pct}% · {formatBytes(job.received)}
            {total ? ` of ${formatBytes(total)}` : ''}
          </span>
        </div>
      )}
      {job?.state === 'failed' && (
        <p className="error-text" role="alert" data-testid="download-error">
          Download failed: {job.error?.message}
        </p>
      )}
      {error && !running && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      <div className="row">
        <button type="button" className="primary" disabled={running} onClick={() => void start()}>
          {running ? 'Downloading…' : job?.state === 'failed' ? 'Try the download again' : `Download${model.download_bytes ? ` (${formatBytes(model.download_bytes)})` : ''}`}
        </button>
        <span className="muted small-text">
          or on the server: <code>weir models pull {model.id}</code>
        </span>
      </div>
    </section>
  );
}

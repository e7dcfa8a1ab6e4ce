import { useEffect, useRef, useState } from 'react';
import { api, readSse } from '../api/client.ts';
import { indexPath, isLive, type FileOutcome, type JobView } from './types.ts';

export interface JobFeed {
  view: JobView;
  /** Why the job is not moving (another process holds the index), while it says so. */
  waiting: string | null;
  /** The event stream broke; the view is the last one fetched. */
  error: string | null;
}

/**
 * Follows a job's SSE events until `done`. The stream opens with the job as it stands, so
 * following a job late (or again after a reload) loses nothing.
 */
export function useJobFeed(initial: JobView, onDone?: (v: JobView) => void): JobFeed {
  const [feed, setFeed] = useState<JobFeed>({ view: initial, waiting: null, error: null });
  const doneRef = useRef(onDone);
  doneRef.current = onDone;
  const { index, id } = initial;
  const live = isLive(initial.status);

  useEffect(() => {
    if (!live) return;
    const ctl = new AbortController();
    let finished = false;
    const path = indexPath(index, 'jobs', encodeURIComponent(id), 'events');
    readSse(path, { signal: ctl.signal }, (m) => {
      let data: unknown;
      try {
        data = JSON.parse(m.data);
      } catch {
        return;
      }
      if (m.event === 'progress') setFeed((f) => ({ ...f, view: data as JobView, waiting: null }));
      else if (m.event === 'waiting') setFeed((f) => ({ ...f, waiting: (data as { reason: string }).reason }));
      else if (m.event === 'file') setFeed((f) => ({ ...f, view: withOutcome(f.view, data as FileOutcome) }));
      else if (m.event === 'done') {
        finished = true;
        setFeed({ view: data as JobView, waiting: null, error: null });
        doneRef.current?.(data as JobView);
      }
    })
      .then(async () => {
        // The stream ended without `done` (server restarting): show the job as the server has it.
        if (finished || ctl.signal.aborted) return;
        const view = await api<JobView>(indexPath(index, 'jobs', encodeURIComponent(id)));
        setFeed({ view, waiting: null, error: isLive(view.status) ? 'lost the live progress; reload to follow again' : null });
        if (!isLive(view.status)) doneRef.current?.(view);
      })
      .catch((err: Error) => {
        if (ctl.signal.aborted || err.name === 'AbortError') return;
        setFeed((f) => ({ ...f, error: err.message }));
      });
    return () => ctl.abort();
  }, [index, id, live]);

  return feed;
}

function withOutcome(view: JobView, o: FileOutcome): JobView {
  if (view.results.some((r) => r.name === o.name)) return view;
  return { ...view, results: [...view.results, o] };
}

import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import type { Page, RunSummary } from '../api/types.ts';
import { useEditor } from '../canvas/store.ts';
import { notify } from '../components/toast.tsx';
import { StatusTag } from '../components/ui.tsx';
import '../styles/run.css';
import { formatMs, formatStarted, formatUsage, shortId } from './format.ts';
import { valuesFromInputs } from './input-values.ts';
import { closeRun, openRun } from './run-actions.ts';
import { useRunStore } from './run-store.ts';

const PAGE = 20;

interface Listing {
  rows: RunSummary[];
  next?: Record<string, string> | null;
  loading: boolean;
  error?: string;
}

function runsPath(flow: string, cursor?: Record<string, string> | null): string {
  const q = new URLSearchParams({ flow, limit: String(PAGE), ...(cursor ?? {}) });
  return `/api/runs?${q}`;
}

/** Which run is on the canvas, and the ways out of it. */
function OpenRunBar({ flow }: { flow: string }) {
  const runId = useEditor((s) => s.run?.id);
  const detail = useRunStore((s) => (s.detail?.id === runId ? s.detail : undefined));
  const streaming = useRunStore((s) => s.streaming);
  if (!runId) return <p className="muted run-open-bar">Click a run to re-open its trace on the canvas; select a node to see what it did.</p>;
  const takeInputs = () => {
    if (!detail) return;
    const s = useRunStore.getState();
    s.setValues(flow, valuesFromInputs(useEditor.getState().doc.inputs, detail.inputs ?? {}, s.values[flow] ?? {}));
    notify('info', 'The run form now holds this run\'s inputs.');
  };
  return (
    <div className="row wrap run-open-bar">
      <span>On the canvas: run <code title={runId}>{shortId(runId)}</code></span>
      {detail && <span className="muted">started {formatStarted(detail.started_at)}</span>}
      <span className="spacer" />
      {detail && <button className="small" onClick={takeInputs} title="Fill the run form with this run's inputs">Use its inputs</button>}
      <button className="small" onClick={closeRun} disabled={!!streaming}>Close</button>
    </div>
  );
}

/** The flow's runs, newest first; a click re-opens one on the canvas with its node details. */
export function RunHistory() {
  const flow = useEditor((s) => s.name);
  // Keyed by flow so another flow's rows and cursor never show while its first page loads.
  return <HistoryList key={flow} flow={flow} />;
}

function HistoryList({ flow }: { flow: string }) {
  const finished = useRunStore((s) => s.finished);
  const openId = useEditor((s) => s.run?.id);
  const streaming = useRunStore((s) => s.streaming);
  const [list, setList] = useState<Listing>({ rows: [], loading: true });

  const load = useCallback(
    async (cursor: Record<string, string> | null | undefined, append: boolean, live: () => boolean = () => true) => {
      setList((l) => ({ ...l, loading: true, error: undefined }));
      try {
        const page = await api<Page<RunSummary>>(runsPath(flow, cursor));
        if (!live()) return;
        setList((l) => ({ rows: append ? [...l.rows, ...page.data.filter((r) => !l.rows.some((x) => x.id === r.id))] : page.data, next: page.next, loading: false }));
      } catch (err) {
        if (live()) setList((l) => ({ ...l, loading: false, error: (err as Error).message }));
      }
    },
    [flow],
  );

  // A run that just finished (or a flow switch) refreshes the first page.
  useEffect(() => {
    if (!flow) return;
    let alive = true;
    void load(undefined, false, () => alive);
    return () => {
      alive = false;
    };
  }, [flow, finished, load]);

  const open = (id: string) => {
    if (id !== openId) void openRun(flow, id);
  };

  return (
    <div className="run-history">
      <OpenRunBar flow={flow} />
      {list.error && <p className="error-text">Could not list the runs: {list.error} <button className="small" onClick={() => void load(undefined, false)}>Retry</button></p>}
      {!list.loading && !list.error && list.rows.length === 0 && <p className="muted">No runs of this flow yet.</p>}
      {list.rows.length > 0 && (
        <table className="list run-table">
          <thead>
            <tr><th>Status</th><th>Started</th><th>Duration</th><th>Mode</th><th>Version</th><th>Tokens</th><th>Run</th></tr>
          </thead>
          <tbody>
            {list.rows.map((r) => (
              <tr key={r.id} className={`clickable${r.id === openId ? ' open' : ''}`} tabIndex={0} aria-selected={r.id === openId}
                onClick={() => open(r.id)} onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), open(r.id))}
                title={streaming ? 'A run is in progress' : 'Open this run on the canvas'}>
                <td><StatusTag status={r.status} /></td>
                <td title={r.started_at}>{formatStarted(r.started_at)}</td>
                <td>{r.status === 'running' ? <span className="muted">running</span> : formatMs(r.duration_ms)}</td>
                <td>{r.deployment ? <span>deployment <code>{r.deployment}</code></span> : r.mode}</td>
                <td>{r.version != null ? `v${r.version}` : <span className="muted">–</span>}</td>
                <td className="muted">{formatUsage(r.usage) || '–'}</td>
                <td><code className="muted" title={r.id}>{shortId(r.id)}</code></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="row run-history-foot">
        {list.loading && <span className="muted">Loading…</span>}
        {!list.loading && list.next && <button className="small" onClick={() => void load(list.next, true)}>Load more</button>}
        <span className="spacer" />
        <button className="small ghost" onClick={() => void load(undefined, false)} disabled={list.loading}>Refresh</button>
      </div>
    </div>
  );
}

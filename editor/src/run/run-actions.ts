import { api, ApiError, readSse } from '../api/client.ts';
import type { FlowDoc, RunDetail } from '../api/types.ts';
import { useEditor } from '../canvas/store.ts';
import { notify, notifyError } from '../components/toast.tsx';
import { applyRunEvent, startRun, type RunEventJson, type RunView } from '../flow/run-state.ts';
import { useRunStore } from './run-store.ts';
import { runViewFromTrace, traceRows } from './trace-view.ts';

/**
 * Run streams live here, outside any component, so closing the drawer or switching its tab does not
 * abort a run (aborting the request cancels the run on the server).
 */
interface Live {
  flow: string;
  controller: AbortController;
  id?: string;
  view: RunView;
}
let live: Live | undefined;

const enc = encodeURIComponent;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Shows a run on the canvas, unless the user has since opened another flow there. */
function paint(l: Live, view: RunView): void {
  l.view = view;
  if (live === l && useEditor.getState().name === l.flow) useEditor.getState().setRun(view);
}

function onEvent(l: Live, data: string): void {
  let e: RunEventJson;
  try {
    e = JSON.parse(data) as RunEventJson;
  } catch {
    return;
  }
  if (e.type === 'run.started' && e.runId) l.id = e.runId;
  paint(l, applyRunEvent(l.view, e));
}

const isAbort = (err: unknown) => (err as Error)?.name === 'AbortError';

/** Ends a view whose stream stopped without a run.finished (aborted, or the connection dropped). */
function endView(view: RunView, status: 'cancelled' | 'failed', code: string, message: string): RunView {
  if (view.status !== 'running' && view.status !== 'starting') return view;
  return applyRunEvent(view, { type: 'run.finished', status, error: { code, message } });
}

/** Saves the draft, then runs it with these inputs, streaming node states onto the canvas. */
export async function runFlow(flow: string, inputs: Record<string, unknown>): Promise<void> {
  const store = useRunStore.getState();
  if (store.streaming) return;
  store.patch({ streaming: flow, cancelling: false, detail: undefined, opened: false, detailError: undefined, startError: undefined });
  store.setServerErrors(flow, {});
  const editor = useEditor.getState();
  // The draft runs, so the canvas shows the draft (not a version or a diff left open).
  if (editor.viewing) editor.setMarks(undefined, undefined);
  await editor.flush();
  const saved = useEditor.getState();
  if (saved.save === 'error') {
    useRunStore.getState().patch({ streaming: undefined, startError: { flow, code: 'save_failed', message: `the draft could not be saved: ${saved.saveError ?? 'unknown error'}` } });
    return;
  }
  const l: Live = { flow, controller: new AbortController(), view: startRun(saved.doc.nodes.map((n) => n.name)) };
  live = l;
  paint(l, l.view);
  try {
    await readSse(`/api/flows/${enc(flow)}/runs`, { method: 'POST', body: { inputs }, signal: l.controller.signal }, (m) => onEvent(l, m.data));
    paint(l, endView(l.view, 'failed', 'stream_ended', 'the connection closed before the run finished'));
  } catch (err) {
    if (isAbort(err)) paint(l, endView(l.view, 'cancelled', 'cancelled', 'cancelled from the studio'));
    else if (!l.id) failedToStart(l, err);
    else paint(l, endView(l.view, 'failed', err instanceof ApiError ? err.code : 'network_error', (err as Error).message));
  } finally {
    if (live === l) live = undefined;
    const s = useRunStore.getState();
    s.patch({ streaming: undefined, cancelling: false, finished: s.finished + 1 });
  }
  if (l.id) await loadDetail(l.id);
}

/** The server refused the run (bad inputs, an invalid draft): no node ran, so the canvas shows none. */
function failedToStart(l: Live, err: unknown): void {
  if (useEditor.getState().name === l.flow) useEditor.getState().setRun(undefined);
  const e = err instanceof ApiError ? err : new ApiError(0, 'error', String((err as Error)?.message ?? err));
  const store = useRunStore.getState();
  store.patch({ startError: { flow: l.flow, code: e.code, message: e.message, param: e.param ?? undefined } });
  const field = e.param?.match(/^inputs\.(.+)$/)?.[1];
  if (field) store.setServerErrors(l.flow, { [field]: e.message });
}

/** Asks the server to cancel the streaming run; its stream then ends with run.finished "cancelled". */
export async function cancelRun(): Promise<void> {
  const l = live;
  const store = useRunStore.getState();
  if (!l || store.cancelling) return;
  store.patch({ cancelling: true });
  // Before run.started there is no id to cancel by; dropping the request cancels the run server-side.
  if (!l.id) return l.controller.abort();
  try {
    await api(`/api/runs/${enc(l.id)}`, { method: 'DELETE' });
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 'run_not_running')) notifyError(err);
  }
  // A node that ignores its abort signal could keep the stream open: stop waiting for it after a while.
  setTimeout(() => live === l && l.controller.abort(), 3000);
}

/** Fetches a finished run's trace. Runs are written in small batches, so a just-finished one may lag. */
async function fetchDetail(id: string): Promise<RunDetail> {
  for (let i = 0; ; i++) {
    try {
      const d = await api<RunDetail>(`/api/runs/${enc(id)}`);
      if (d.status !== 'running' || i >= 5) return d;
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404) || i >= 5) throw err;
    }
    await sleep(100 * (i + 1));
  }
}

async function loadDetail(id: string): Promise<void> {
  const store = useRunStore.getState();
  store.patch({ loadingDetail: true, detailError: undefined });
  try {
    const detail = await fetchDetail(id);
    // Another run may have been started or opened meanwhile: keep only the trace of the run shown.
    if (useEditor.getState().run?.id === id) useRunStore.getState().patch({ detail });
  } catch (err) {
    useRunStore.getState().patch({ detailError: (err as Error).message });
  } finally {
    useRunStore.getState().patch({ loadingDetail: false });
  }
}

/** Re-opens a past run on the canvas; a run still going is followed live from its event log. */
/** The version graph a re-opened run is shown on (closing the run puts the draft back). */
let runVersionView: { label: string; doc: FlowDoc } | undefined;

export async function openRun(flow: string, id: string): Promise<void> {
  if (useRunStore.getState().streaming) return notify('info', 'A run is in progress: wait for it or cancel it first.');
  const store = useRunStore.getState();
  store.patch({ loadingDetail: true, detailError: undefined, startError: undefined });
  try {
    const detail = await api<RunDetail>(`/api/runs/${enc(id)}`);
    // A run of a published version is shown on that version's graph (the draft may have moved on).
    const version = detail.version === null ? undefined : await api<{ definition: FlowDoc }>(`/api/flows/${enc(flow)}/versions/${detail.version}`);
    useRunStore.getState().patch({ detail, opened: true });
    runVersionView = version && { label: `the run's version ${detail.version}`, doc: version.definition };
    useEditor.getState().setMarks(undefined, runVersionView);
    if (detail.status === 'running') void follow(flow, detail);
    else useEditor.getState().setRun(runViewFromTrace(detail));
  } catch (err) {
    notifyError(err);
    useRunStore.getState().patch({ detailError: (err as Error).message });
  } finally {
    useRunStore.getState().patch({ loadingDetail: false });
  }
}

/** Replays a running run's events from the start (the server keeps them) and then follows it. */
async function follow(flow: string, detail: RunDetail): Promise<void> {
  const l: Live = { flow, id: detail.id, controller: new AbortController(), view: { ...startRun(traceRows(detail).map((t) => t.node)), id: detail.id } };
  live = l;
  useRunStore.getState().patch({ streaming: flow, cancelling: false });
  paint(l, l.view);
  try {
    await readSse(`/api/runs/${enc(detail.id)}/events`, { signal: l.controller.signal }, (m) => onEvent(l, m.data));
  } catch (err) {
    if (!isAbort(err)) notifyError(err);
  } finally {
    if (live === l) live = undefined;
    const s = useRunStore.getState();
    s.patch({ streaming: undefined, cancelling: false, finished: s.finished + 1 });
  }
  await loadDetail(detail.id);
  useRunStore.getState().patch({ opened: true });
}

/** Clears the run from the canvas and the node details. */
export function closeRun(): void {
  if (live) return;
  const editor = useEditor.getState();
  editor.setRun(undefined);
  if (runVersionView && editor.viewing === runVersionView) editor.setMarks(undefined, undefined);
  runVersionView = undefined;
  useRunStore.getState().patch({ detail: undefined, opened: false, detailError: undefined, startError: undefined });
}

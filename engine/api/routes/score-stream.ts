/**
 * A flow's score answered as SSE: its outputs' chunks as the nodes stream them, each output's text
 * held in the deployment policy's completion windows (as a model's stream is) and released once
 * judged; a filtered window withholds the rest, stops the run and ends the stream with the
 * `content_filter` error. At the run's end the whole outputs are judged before the result is sent.
 */
import type { Context } from 'hono';
import { WeirError } from '../../errors.ts';
import type { CallOutcome } from '../../app/gateway/meter.ts';
import { CLIENT_GONE, filterFlags, runFailureStatus, statusOf } from '../../app/gateway/meter.ts';
import { ContentFilterError, innerError } from '../../app/gateway/safety.ts';
import type { StartOptions } from '../../app/runs.ts';
import type { Workspace } from '../../app/workspace.ts';
import type { Usage } from '../../node-definition.ts';
import type { RunEvent } from '../../run/events.ts';
import type { StreamWindow, Verdict } from '../../safety/index.ts';
import type { DeploymentRow } from '../../store/types.ts';
import { SseFeed } from '../sse.ts';


export function streamScore(c: Context, ws: Workspace, d: DeploymentRow, run: StartOptions, finish: (usage: Usage | undefined, outcome: CallOutcome) => void): Response {
  const feed = new SseFeed();
  const ctl = streamedRun(ws, d, run, finish, (event, data) => feed.push({ event, data }), () => feed.end());
  return feed.respond(c, () => ctl.abort());
}

/**
 * The run behind a streamed score, its events handed to `emit` (`chunk`, then `result` or
 * `error`, after which `end` is called once): the web app's chat reads the same judged stream.
 * Aborting the controller returned stops the run (the client went away).
 */
export function streamedRun(ws: Workspace, d: DeploymentRow, run: StartOptions, finish: (usage: Usage | undefined, outcome: CallOutcome) => void, emit: (event: 'chunk' | 'result' | 'error', data: unknown) => void, close: () => void): AbortController {
  const ctl = new AbortController();
  const safety = ws.gateway.safety;
  let ended = false;
  const send = (event: 'chunk' | 'result' | 'error', data: unknown, last = false) => {
    if (ended) return;
    emit(event, data);
    if (last) {
      ended = true;
      close();
    }
  };
  const end = (runId: string, usage: Usage | undefined, err: unknown) => {
    const known = err instanceof WeirError;
    if (!known) console.error("judging a flow's outputs failed", err);
    finish(usage, ctl.signal.aborted ? { status: CLIENT_GONE } : { status: statusOf(err), filtered: err instanceof ContentFilterError ? filterFlags('completion', err.results) : undefined });
    const error = err instanceof ContentFilterError
      ? { code: err.code, message: err.message, param: 'outputs', type: 'invalid_request_error', innererror: innerError(err.results) }
      : { code: known ? err.code : 'internal_error', message: known ? err.message : 'the outputs could not be judged; the server log has details', param: null, type: 'server_error' };
    send('error', { error, run_id: runId }, true);
    // Nothing more of it will be sent: it stops spending.
    ctl.abort();
  };
  const withheld = (w: StreamWindow<Verdict>) => new ContentFilterError(w.verdict!.results, "The flow's output", 'outputs');

  // Judging is asynchronous and events come synchronously: each is handled after the one before.
  const windows = new Map<string, Promise<StreamWindow<Verdict> | undefined>>();
  const windowOf = (output: string) => {
    let w = windows.get(output);
    if (!w) windows.set(output, (w = safety.completionStream(d, ctl.signal)));
    return w;
  };
  let queue = Promise.resolve();
  const inOrder = (runId: string, step: () => Promise<void>) => {
    queue = queue.then(() => (ended ? undefined : step())).catch((err: unknown) => end(runId, undefined, err));
  };

  const onEvent = (e: RunEvent) => {
    if (e.type === 'output.chunk') {
      inOrder(e.runId, async () => {
        // Only text is windowed; anything else a node streams is judged with the outputs at the end.
        if (typeof e.chunk !== 'string') return send('chunk', { output: e.output, chunk: e.chunk });
        const w = await windowOf(e.output);
        const out = w ? await w.push(e.chunk) : e.chunk;
        if (w?.filtered) return end(e.runId, undefined, withheld(w));
        if (out) send('chunk', { output: e.output, chunk: out });
      });
    }
    if (e.type === 'run.finished') {
      inOrder(e.runId, async () => {
        if (e.status !== 'succeeded') {
          finish(e.usage, ctl.signal.aborted ? { status: CLIENT_GONE } : { status: runFailureStatus(e.error?.code ?? 'run_failed') });
          return send('error', { error: { code: e.error?.code, message: e.error?.message, param: null, type: 'server_error' }, run_id: e.runId }, true);
        }
        for (const [output, pending] of windows) {
          const w = await pending;
          const rest = w ? await w.end() : '';
          if (w?.filtered) return end(e.runId, e.usage, withheld(w));
          if (rest) send('chunk', { output, chunk: rest });
        }
        const err = await safety.flowOutputs(d, e.outputs ?? {});
        if (err) return end(e.runId, e.usage, err);
        finish(e.usage, { status: 200 });
        if (ws.monitors.wants(d.name)) ws.monitors.sample({ id: e.runId, deployment: d.name, at: Date.now(), inputs: run.inputs ?? {}, outputs: e.outputs ?? {} });
        send('result', { outputs: e.outputs, usage: e.usage, run_id: e.runId, version: run.version }, true);
      });
    }
  };
  ws.runs.start({ ...run, signal: ctl.signal, onEvent });
  return ctl;
}

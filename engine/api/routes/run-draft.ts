import type { Context } from 'hono';
import { z } from 'zod';
import { serializeTrace } from '../../run/trace.ts';
import type { Workspace } from '../../app/workspace.ts';
import { readJson } from '../body.ts';
import { SseFeed, wantsSse } from '../sse.ts';

const RunBody = z.object({ inputs: z.record(z.string(), z.unknown()).default({}) }).strict();

/** Runs a flow's draft: the JSON result, or every run event over SSE with `Accept: text/event-stream`. */
export async function runDraft(c: Context, ws: Workspace, name: string): Promise<Response> {
  const { inputs } = await readJson(c, RunBody);
  const plan = await ws.draftPlan(name);
  const base = { plan, inputs, host: ws.host, flow: name, version: null, deployment: null, mode: 'draft' as const };
  if (wantsSse(c)) {
    const feed = new SseFeed();
    const { runId, recorded } = ws.runs.start({
      ...base,
      onEvent: (e) => {
        feed.push({ event: e.type, data: e, id: String(e.seq) });
        if (e.type === 'run.finished') feed.end();
      },
    });
    await recorded;
    return feed.respond(c, () => ws.runs.cancel(runId));
  }
  const { done } = ws.runs.start(base);
  const r = await done;
  return c.json({ run_id: r.runId, status: r.status, outputs: r.outputs, error: r.error ?? null, usage: r.usage, duration_ms: r.durationMs, null_outputs: r.nullOutputs, trace: serializeTrace(r.trace) });
}

import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { toErrorCode } from '../../error-codes.ts';
import { WeirError } from '../../errors.ts';
import type { RunResult } from '../../run/executor.ts';
import type { Usage } from '../../node-definition.ts';
import type { Workspace } from '../../app/workspace.ts';
import type { DeploymentRow, VersionRow } from '../../store/types.ts';
import { caller } from '../auth.ts';
import { intParam, readJsonObject } from '../body.ts';
import { wantsSse } from '../sse.ts';
import { streamScore } from './score-stream.ts';
import { limitHeaders } from '../rate-headers.ts';
import { ContentFilterError } from '../../app/gateway/safety.ts';
import { filterFlags, runFailureStatus, statusOf, type CallOutcome } from '../../app/gateway/meter.ts';
import { newRunId } from '../../run/run-id.ts';
import { modelOpenApi } from './model-openapi.ts';
import { deploymentOpenApi } from './openapi.ts';

/** A failed run is the flow's fault or its upstream's, never the caller's input: 502/504, not 500. */
export function runFailure(r: RunResult): WeirError {
  // A recorded error's code is a string (it may come from another instance or version): checked here.
  const code = toErrorCode(r.error?.code, 'run_failed');
  // A model call inside the flow over its deployment's allocation: worth retrying, like any 429.
  return new WeirError(code, r.error?.message ?? `run ${r.status}`, { status: runFailureStatus(code), node: r.error?.node });
}

/** An admitted flow call: what its usage record needs (its id is the run's id); recorded once. */
interface FlowCall {
  id: string;
  at: number;
  deployment: string;
  keyId: string | null;
  /** The x-ratelimit headers of the windows it was admitted against. */
  limits: Record<string, string> | undefined;
  logged?: boolean;
}

/** Published endpoints, authorised by a deployment key: score (JSON or SSE), async runs, OpenAPI. */
export function publishedRoutes(ws: Workspace): Hono {
  const app = new Hono();

  /**
   * Through the gateway: the key, the deployment, its limits and the key's (their headers go on
   * every answer: in the success Response's own headers, on `c` for errors and streams);
   * then the version that serves the call. Its tokens are charged to the key when the run ends.
   */
  const resolve = async (c: Context): Promise<{ d: DeploymentRow; v: VersionRow; call: FlowCall; limits: Record<string, string> | undefined }> => {
    const name = c.req.param('name')!;
    const who = await caller(c, ws, null);
    const d = await ws.gateway.flow(who, name);
    const id = newRunId();
    const { admission, at } = await ws.gateway.admit(who, d, 0, id).catch((err: unknown) => {
      c.header('x-request-id', id);
      throw err;
    });
    const limits = admission.windows.length ? limitHeaders(admission.windows) : undefined;
    const call: FlowCall = { id, at, deployment: d.name, keyId: who.key!.keyId, limits };
    try {
      const v = await ws.pickVersion(d, intParam(c.req.header('weir-version'), 'weir-version'));
      return { d, v, call, limits };
    } catch (err) {
      throw refused(c, call, err);
    }
  };

  // Headers are read only when traces are exported: reading one costs a published call a request object.
  const traceContext = (c: Context) => (ws.telemetry ? { traceparent: c.req.header('traceparent'), tracestate: c.req.header('tracestate') } : undefined);

  const log = (call: FlowCall, usage: Usage | undefined, outcome: CallOutcome) => {
    if (call.logged) return;
    call.logged = true;
    ws.gateway.logFlowCall(call, usage, outcome);
  };

  /** A call that failed before its run ended (its inputs filtered or not the flow's, …): recorded, answered with its id. */
  const refused = (c: Context, call: FlowCall, err: unknown): unknown => {
    log(call, undefined, { status: statusOf(err), filtered: err instanceof ContentFilterError ? filterFlags('prompt', err.results) : undefined });
    c.header('x-request-id', call.id);
    withLimits(c, call);
    return err;
  };

  // Set on `c` only where the answer is built from it: a header set this way costs the success path its fast Response.
  const withLimits = (c: Context, call: FlowCall) => {
    if (call.limits) for (const [k, val] of Object.entries(call.limits)) c.header(k, val);
  };

  /** The inputs, judged by the deployment's safety policy. */
  const judgedInputs = async (c: Context, d: DeploymentRow): Promise<Record<string, unknown>> => {
    const inputs = await readJsonObject(c);
    const judging = ws.gateway.safety.flowInputs(d, inputs);
    if (judging) await judging;
    return inputs;
  };

  app.post('/:name/score', async (c) => {
    const g = await resolve(c);
    try {
      return await score(c, g);
    } catch (err) {
      throw refused(c, g.call, err);
    }
  });

  const score = async (c: Context, { d, v, call, limits }: { d: DeploymentRow; v: VersionRow; call: FlowCall; limits: Record<string, string> | undefined }): Promise<Response> => {
    const inputs = await judgedInputs(c, d);
    const base = { runId: call.id, plan: await ws.versionPlan(v), inputs, host: ws.host, flow: v.flow, version: v.number, deployment: d.name, mode: 'sync' as const, keyId: call.keyId, keepTrace: Math.random() < d.traceSampleRate, ...traceContext(c) };
    if (wantsSse(c)) {
      c.header('x-request-id', call.id);
      c.header('weir-version', String(v.number));
      withLimits(c, call);
      return streamScore(c, ws, d, base, (usage, outcome) => log(call, usage, outcome));
    }
    const { done } = ws.runs.start(base);
    const r = await done;
    let filtered = r.status === 'succeeded' ? ws.gateway.safety.flowOutputs(d, r.outputs ?? {}) : undefined;
    if (filtered instanceof Promise) filtered = await filtered;
    if (r.status !== 'succeeded' || filtered) {
      const err = filtered ?? runFailure(r);
      log(call, r.usage, { status: err.status, filtered: filtered ? filterFlags('completion', filtered.results) : undefined });
      c.header('weir-version', String(v.number));
      throw err;
    }
    log(call, r.usage, { status: 200 });
    if (ws.monitors.wants(d.name)) ws.monitors.sample({ id: call.id, deployment: d.name, at: call.at, inputs, outputs: r.outputs ?? {} });
    // A Response with plain-object headers stays on @hono/node-server's fast path; c.json() with
    // headers builds a WHATWG Headers object per call (about a fifth of this route's cost).
    return new Response(JSON.stringify(r.outputs), {
      status: 200,
      headers: { 'content-type': 'application/json', 'x-request-id': call.id, 'weir-version': String(v.number), ...limits },
    });
  };

  /**
   * Long runs: recorded as queued, then run by any instance's workers (the job queue); poll
   * /api/runs/{id} or follow /api/runs/{id}/events.
   */
  app.post('/:name/runs', async (c) => {
    const { d, v, call } = await resolve(c);
    let runId: string;
    try {
      const inputs = await judgedInputs(c, d);
      // Recorded as a call when the run ends, on whichever instance runs it.
      runId = await ws.runJobs.submit({ runId: call.id, plan: await ws.versionPlan(v), version: v, deployment: d.name, inputs, keyId: call.keyId });
    } catch (err) {
      throw refused(c, call, err);
    }
    return c.json({ run_id: runId, status: 'queued', version: v.number, poll: `/api/runs/${runId}`, events: `/api/runs/${runId}/events` }, 202, { 'x-request-id': runId, 'weir-version': String(v.number), location: `/api/runs/${runId}`, ...call.limits });
  });

  app.get('/:name/openapi.json', async (c) => {
    const name = c.req.param('name');
    const model = await ws.deployments.cached(name);
    if (model?.kind === 'model') {
      await ws.gateway.deployment(await caller(c, ws, null), name);
      return c.json(modelOpenApi(model, await ws.catalog.get(model.model!)), 200, { 'x-request-id': randomUUID() });
    }
    const { d, v } = await resolve(c);
    return c.json(deploymentOpenApi(d, v), 200, { 'x-request-id': randomUUID(), 'weir-version': String(v.number) });
  });

  return app;
}

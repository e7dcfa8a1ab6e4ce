import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { toErrorCode } from '../../error-codes.ts';
import { WeirError } from '../../errors.ts';
import type { RunResult } from '../../run/executor.ts';
import type { Workspace } from '../../app/workspace.ts';
import type { DeploymentRow, VersionRow } from '../../store/types.ts';
import { caller } from '../auth.ts';
import { intParam, readJsonObject } from '../body.ts';
import { SseFeed, wantsSse } from '../sse.ts';
import { limitHeaders } from '../rate-headers.ts';
import { innerError } from '../../app/gateway/safety.ts';
import { modelOpenApi } from './model-openapi.ts';
import { deploymentOpenApi } from './openapi.ts';

/** A failed run is the flow's fault or its upstream's, never the caller's input: 502/504, not 500. */
export function runFailure(r: RunResult): WeirError {
  // A recorded error's code is a string (it may come from another instance or version): checked here.
  const code = toErrorCode(r.error?.code, 'run_failed');
  // A model call inside the flow over its deployment's allocation: worth retrying, like any 429.
  const status = code === 'run_deadline_exceeded' || code === 'node_timeout' ? 504 : code === 'rate_limit_exceeded' ? 429 : 502;
  return new WeirError(code, r.error?.message ?? `run ${r.status}`, { status, node: r.error?.node });
}

/** Published endpoints, authorised by a deployment key: score (JSON or SSE), async runs, OpenAPI. */
export function publishedRoutes(ws: Workspace): Hono {
  const app = new Hono();

  /**
   * Through the gateway: the key, the deployment, its limits and the key's (headers set on `c`);
   * then the version that serves the call. Its tokens are charged to the key when the run ends.
   */
  const resolve = async (c: Context): Promise<{ d: DeploymentRow; v: VersionRow; keyId: string; limits: Record<string, string> | undefined }> => {
    const name = c.req.param('name')!;
    const who = await caller(c, ws, null);
    const d = await ws.gateway.flow(who, name);
    const { admission } = await ws.gateway.admit(who, d, 0);
    const limits = admission.windows.length ? limitHeaders(admission.windows) : undefined;
    if (limits) for (const [k, val] of Object.entries(limits)) c.header(k, val);
    const v = await ws.pickVersion(d, intParam(c.req.header('weir-version'), 'weir-version'));
    return { d, v, keyId: who.key!.keyId, limits };
  };

  app.post('/:name/score', async (c) => {
    const { d, v, keyId, limits } = await resolve(c);
    const inputs = await readJsonObject(c);
    const judging = ws.gateway.safety.flowInputs(d, inputs);
    if (judging) await judging;
    const base = { plan: await ws.versionPlan(v), inputs, host: ws.host, flow: v.flow, version: v.number, deployment: d.name, mode: 'sync' as const, keyId, keepTrace: Math.random() < d.traceSampleRate };
    if (wantsSse(c)) {
      const feed = new SseFeed();
      const send = (m: { event: string; data: unknown }, last = false) => {
        feed.push(m);
        if (last) feed.end();
      };
      const ctl = new AbortController();
      const { runId } = ws.runs.start({
        ...base,
        signal: ctl.signal,
        onEvent: (e) => {
          if (e.type === 'output.chunk') send({ event: 'chunk', data: { output: e.output, chunk: e.chunk } });
          if (e.type === 'run.finished') {
            if (e.status !== 'succeeded') send({ event: 'error', data: { error: { code: e.error?.code, message: e.error?.message, param: null, type: 'server_error' }, run_id: e.runId } }, true);
            else {
              // The outputs are judged before the result is sent (the chunks before it are not windowed yet).
              void Promise.resolve(ws.gateway.safety.flowOutputs(d, e.outputs ?? {})).then(
                (err) =>
                  err
                    ? send({ event: 'error', data: { error: { code: err.code, message: err.message, param: 'outputs', type: 'invalid_request_error', innererror: innerError(err.results) }, run_id: e.runId } }, true)
                    : send({ event: 'result', data: { outputs: e.outputs, usage: e.usage, run_id: e.runId, version: v.number } }, true),
                (err: unknown) => send({ event: 'error', data: { error: { code: 'internal_error', message: (err as Error).message, param: null, type: 'server_error' }, run_id: e.runId } }, true),
              );
            }
          }
        },
      });
      c.header('x-request-id', runId);
      c.header('weir-version', String(v.number));
      return feed.respond(c, () => ctl.abort());
    }
    const { runId, done } = ws.runs.start(base);
    const r = await done;
    let filtered = r.status === 'succeeded' ? ws.gateway.safety.flowOutputs(d, r.outputs ?? {}) : undefined;
    if (filtered instanceof Promise) filtered = await filtered;
    if (r.status !== 'succeeded' || filtered) {
      c.header('x-request-id', runId);
      c.header('weir-version', String(v.number));
      throw filtered ?? runFailure(r);
    }
    // A Response with plain-object headers stays on @hono/node-server's fast path; c.json() with
    // headers builds a WHATWG Headers object per call (about a fifth of this route's cost).
    return new Response(JSON.stringify(r.outputs), {
      status: 200,
      headers: { 'content-type': 'application/json', 'x-request-id': runId, 'weir-version': String(v.number), ...limits },
    });
  });

  /**
   * Long runs: recorded as queued, then run by any instance's workers (the job queue); poll
   * /api/runs/{id} or follow /api/runs/{id}/events.
   */
  app.post('/:name/runs', async (c) => {
    const { d, v, keyId } = await resolve(c);
    const inputs = await readJsonObject(c);
    const judging = ws.gateway.safety.flowInputs(d, inputs);
    if (judging) await judging;
    const runId = await ws.runJobs.submit({ plan: await ws.versionPlan(v), version: v, deployment: d.name, inputs, keyId });
    return c.json({ run_id: runId, status: 'queued', version: v.number, poll: `/api/runs/${runId}`, events: `/api/runs/${runId}/events` }, 202, { 'x-request-id': runId, 'weir-version': String(v.number), location: `/api/runs/${runId}` });
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

import { Hono, type Context } from 'hono';
import { WeirError } from '../../errors.ts';
import { runJson } from '../../app/run-records.ts';
import type { Workspace } from '../../app/workspace.ts';
import type { StoredRunStatus } from '../../store/types.ts';
import { flowKey, isAdmin } from '../auth.ts';
import { intParam } from '../body.ts';
import { notFound } from '../errors.ts';
import { SseFeed } from '../sse.ts';

const STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const;

/**
 * Routes under /api/runs. Listing needs the admin token; one run (poll, events, cancel) may also be
 * read with a key of the deployment that ran it, so apps can follow their own async runs.
 */
export function runRoutes(ws: Workspace, adminToken: string): Hono {
  const app = new Hono();

  const allowed = async (c: Context, id: string) => {
    const run = await ws.runs.get(id);
    if (isAdmin(c, adminToken)) {
      if (!run) throw notFound(`run ${id}`, 'run_not_found');
      return run;
    }
    // Not admin: only a key of the run's own deployment; otherwise the same 401 whether or not it exists.
    const deployment = run?.deployment ?? ws.runs.liveDeployment(id);
    if (!run || !deployment) throw new WeirError('unauthorized', 'missing or invalid key', { status: 401 });
    await flowKey(c, ws, deployment);
    return run;
  };

  app.get('/', async (c) => {
    if (!isAdmin(c, adminToken)) throw new WeirError('unauthorized', 'missing or invalid admin token', { status: 401 });
    const status = c.req.query('status');
    if (status !== undefined && !(STATUSES as readonly string[]).includes(status)) {
      throw new WeirError('invalid_request', `status must be one of ${STATUSES.join(', ')}`, { status: 400, path: ['status'] });
    }
    const limit = intParam(c.req.query('limit'), 'limit');
    const before = c.req.query('before');
    const beforeMs = before === undefined ? undefined : Date.parse(before);
    if (before !== undefined && Number.isNaN(beforeMs)) throw new WeirError('invalid_request', 'before must be an ISO date-time', { status: 400, path: ['before'] });
    const pageSize = limit === undefined ? 50 : Math.min(Math.max(limit, 1), 500);
    const rows = await ws.runs.list({ flow: c.req.query('flow'), deployment: c.req.query('deployment'), status: status as StoredRunStatus | undefined, before: beforeMs, beforeId: c.req.query('before_id'), limit: pageSize });
    const last = rows[rows.length - 1];
    // The next page starts after the last run shown, by (start time, id): no run is skipped or repeated.
    const next = rows.length === pageSize && last ? { before: new Date(last.startedAt).toISOString(), before_id: last.id } : null;
    return c.json({ data: rows.map((r) => runJson(r)), next });
  });

  app.get('/:id', async (c) => {
    const run = await allowed(c, c.req.param('id'));
    return c.json(runJson(run, await ws.runs.trace(run.id)));
  });

  app.delete('/:id', async (c) => {
    const run = await allowed(c, c.req.param('id'));
    // Here at once, or through the bus by the instance that runs it.
    if (!(await ws.runs.cancelAnywhere(run.id))) throw new WeirError('run_not_running', `run ${run.id} is ${run.status}, not running`, { status: 409 });
    return c.json({ id: run.id, status: 'cancelling' }, 202);
  });

  /** SSE of the run's events, from any instance; resumes after `Last-Event-ID` (or ?after=) without repeating any. */
  app.get('/:id/events', async (c) => {
    const run = await allowed(c, c.req.param('id'));
    const after = intParam(c.req.header('last-event-id') ?? c.req.query('after'), 'Last-Event-ID') ?? 0;
    const feed = new SseFeed();
    const stop = await ws.runs.follow(run.id, after, (e) => feed.push({ event: e.type, data: e, id: String(e.seq) }), () => feed.end());
    return feed.respond(c, stop);
  });

  return app;
}

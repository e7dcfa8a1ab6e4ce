/**
 * Monitors (issue #16): GET/PUT/DELETE /api/deployments/{name}/monitor, a check on demand, and
 * GET /api/alerts. A deployment's monitor view carries its evaluators' metrics over the window,
 * token statistics per call, and its recent alerts.
 */
import { Hono } from 'hono';
import { WeirError } from '../../errors.ts';
import type { Workspace } from '../../app/workspace.ts';
import { tokenStats } from '../../app/monitor/token-stats.ts';
import type { AlertRow } from '../../store/types.ts';
import { intParam, readJsonObject } from '../body.ts';

const WEEK_MS = 7 * 86_400_000;
/** Calls read for token statistics: the newest of the window. */
const STATS_CALLS = 20_000;

export const alertJson = (a: AlertRow) => ({
  id: a.id, deployment: a.deployment, evaluator: a.evaluator, metric: a.metric, value: a.value, threshold: a.threshold,
  samples: a.samples, window_hours: a.windowMs / 3_600_000, at: new Date(a.at).toISOString(), delivery: a.delivery,
});

/** Mounted at /api/deployments. */
export function monitorRoutes(ws: Workspace): Hono {
  const app = new Hono();
  const deployment = async (name: string) => {
    const d = await ws.deployments.cached(name);
    if (!d) throw new WeirError('deployment_not_found', `deployment "${name}" not found`, { status: 404 });
    return d;
  };

  app.get('/:name/monitor', async (c) => {
    const name = (await deployment(c.req.param('name'))).name;
    const m = await ws.monitors.get(name);
    const now = Date.now();
    const window = m ? m.window_hours * 3_600_000 : WEEK_MS;
    const [metrics, calls, alerts, feedback] = await Promise.all([
      m ? ws.monitors.metrics(name, m, now) : [],
      ws.calls({ from: now - window, to: now + 1, deployment: name, limit: STATS_CALLS }),
      ws.monitors.alerts({ deployment: name, from: now - window, limit: 20 }),
      // Web app visitors' thumbs over the window, beside what the evaluators scored.
      ws.webApps.feedbackCounts(name, now - window, now + 1),
    ]);
    // The budget is each instance's; what was dropped is counted by the instance answering.
    const sampling = { per_second_budget: ws.monitors.maxPerSecond, dropped_here: ws.monitors.dropped };
    return c.json({ deployment: name, monitor: m ?? null, window_hours: window / 3_600_000, metrics, tokens: tokenStats(calls), sampling, feedback, alerts: alerts.map(alertJson) });
  });

  app.put('/:name/monitor', async (c) => {
    const name = (await deployment(c.req.param('name'))).name;
    return c.json(await ws.monitors.put(name, await readJsonObject(c)));
  });

  app.delete('/:name/monitor', async (c) => {
    if (!(await ws.monitors.delete(c.req.param('name')))) throw new WeirError('monitor_not_found', `deployment "${c.req.param('name')}" has no monitor`, { status: 404 });
    return c.body(null, 204);
  });

  /** Checks now, whatever the schedule (`checked: false`: it was checked within the last second): the alerts it raised. */
  app.post('/:name/monitor/check', async (c) => {
    const name = (await deployment(c.req.param('name'))).name;
    const r = await ws.monitors.check(name, Date.now(), true);
    return c.json({ checked: r.checked, alerts: r.alerts.map(alertJson) });
  });
  return app;
}

/** GET /api/alerts?deployment&limit: newest first, of the last 30 days. */
export function alertRoutes(ws: Workspace): Hono {
  const app = new Hono();
  app.get('/', async (c) => {
    const limit = intParam(c.req.query('limit'), 'limit') ?? 100;
    if (limit < 1 || limit > 1000) throw new WeirError('invalid_request', 'limit is 1 to 1000', { status: 400, path: ['limit'] });
    const rows = await ws.monitors.alerts({ deployment: c.req.query('deployment') || undefined, from: Date.now() - 30 * 86_400_000, limit });
    return c.json({ object: 'list', data: rows.map(alertJson) });
  });
  return app;
}

import { Hono } from 'hono';
import { WeirError } from '../../errors.ts';
import { parseGroups, usageCsv } from '../../app/usage-report.ts';
import type { Workspace } from '../../app/workspace.ts';

const DAY_MS = 86_400_000;
/** The longest range one report reads (a year and a month): a wider one is most likely a typo. */
const MAX_RANGE_MS = 400 * DAY_MS;

function time(raw: string | undefined, name: 'from' | 'to', fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const t = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(raw) ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(t)) throw new WeirError('invalid_request', `${name} must be an ISO 8601 date or date-time with its offset (e.g. 2026-12-01 or 2026-12-01T00:00:00Z), not "${raw}"`, { status: 400, path: [name] });
  return t;
}

/** GET /api/usage?from&to&deployment&key&model&group_by=deployment,key,model,day|hour&format=json|csv */
export function usageRoutes(ws: Workspace): Hono {
  const app = new Hono();
  app.get('/', async (c) => {
    const q = c.req.query();
    const to = time(q.to, 'to', Date.now());
    const from = time(q.from, 'from', to - 7 * DAY_MS);
    if (from >= to) throw new WeirError('invalid_request', 'from must be before to', { status: 400, path: ['from'] });
    if (to - from > MAX_RANGE_MS) throw new WeirError('invalid_request', 'one report covers at most 400 days; ask for several', { status: 400, path: ['from'] });
    const format = q.format ?? 'json';
    if (format !== 'json' && format !== 'csv') throw new WeirError('invalid_request', 'format is json or csv', { status: 400, path: ['format'] });
    const groupBy = parseGroups(q.group_by);
    const { lines, total, hosting } = await ws.usage({ from, to, deployment: q.deployment || undefined, keyId: q.key || undefined, model: q.model || undefined, groupBy });
    if (format === 'csv') {
      return c.body(usageCsv(lines, groupBy), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="weir-usage.csv"' });
    }
    // Per-token usage, and hosting by the hour (local deployments with an hourly price): the two ways a deployment is billed.
    const hostingCost = Math.round(hosting.reduce((n, h) => n + h.cost, 0) * 1e6) / 1e6;
    return c.json({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), group_by: groupBy, data: lines, total, hosting: { data: hosting, cost: hostingCost } });
  });
  return app;
}

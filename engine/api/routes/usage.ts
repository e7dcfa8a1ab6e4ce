import { Hono } from 'hono';
import { WeirError } from '../../errors.ts';
import { parseGroups, usageCsv } from '../../app/usage-report.ts';
import type { Workspace } from '../../app/workspace.ts';
import { CALL_PARTS, callLine, callsCsv, cursorOf, parseCursor } from '../../app/call-report.ts';
import type { CallFilter, CallPart } from '../../store/types.ts';
import { intParam } from '../body.ts';

const DAY_MS = 86_400_000;
/** The longest page of calls. */
const MAX_CALLS = 1000;
/** The longest range one report reads (a year and a month): a wider one is most likely a typo. */
const MAX_RANGE_MS = 400 * DAY_MS;

function time(raw: string | undefined, name: 'from' | 'to', fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const t = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(raw) ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(t)) throw new WeirError('invalid_request', `${name} must be an ISO 8601 date or date-time with its offset (e.g. 2026-12-01 or 2026-12-01T00:00:00Z), not "${raw}"`, { status: 400, path: [name] });
  return t;
}

/** The report's time range (default: the last 7 days) and format, checked. */
function range(q: Record<string, string>): { from: number; to: number; format: 'json' | 'csv' } {
  const to = time(q.to, 'to', Date.now());
  const from = time(q.from, 'from', to - 7 * DAY_MS);
  if (from >= to) throw new WeirError('invalid_request', 'from must be before to', { status: 400, path: ['from'] });
  if (to - from > MAX_RANGE_MS) throw new WeirError('invalid_request', 'one report covers at most 400 days; ask for several', { status: 400, path: ['from'] });
  const format = q.format ?? 'json';
  if (format !== 'json' && format !== 'csv') throw new WeirError('invalid_request', 'format is json or csv', { status: 400, path: ['format'] });
  return { from, to, format };
}

const csvHeaders = (file: string) => ({ 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${file}"` });

/** What GET /api/usage/calls was asked for, checked (the parameter at fault named). */
function callFilter(q: Record<string, string>, from: number, to: number): CallFilter {
  const limit = intParam(q.limit, 'limit') ?? 100;
  if (limit < 1 || limit > MAX_CALLS) throw new WeirError('invalid_request', `limit is 1 to ${MAX_CALLS}`, { status: 400, path: ['limit'] });
  const status = intParam(q.status, 'status');
  if (status !== undefined && (status < 100 || status > 599)) throw new WeirError('invalid_request', 'status is an HTTP status, 100 to 599', { status: 400, path: ['status'] });
  if (q.filtered !== undefined && q.filtered !== 'true' && q.filtered !== 'false') throw new WeirError('invalid_request', 'filtered is true or false', { status: 400, path: ['filtered'] });
  const part = q.category as CallPart | undefined;
  if (part !== undefined && !CALL_PARTS.includes(part)) throw new WeirError('invalid_request', `category is one of ${CALL_PARTS.join(', ')}`, { status: 400, path: ['category'] });
  const before = q.before === undefined ? undefined : parseCursor(q.before);
  if (q.before !== undefined && !before) throw new WeirError('invalid_request', 'before is the `next` of a previous page', { status: 400, path: ['before'] });
  return {
    from, to, limit, status, part, before,
    deployment: q.deployment || undefined, keyId: q.key || undefined, model: q.model || undefined,
    filtered: q.filtered === undefined ? undefined : q.filtered === 'true',
  };
}

/**
 * GET /api/usage?from&to&deployment&key&model&group_by=deployment,key,model,day|hour&format=json|csv
 * GET /api/usage/calls?from&to&deployment&key&model&status&filtered&category&limit&before&format=json|csv
 */
export function usageRoutes(ws: Workspace): Hono {
  const app = new Hono();
  app.get('/calls', async (c) => {
    const q = c.req.query();
    const { from, to, format } = range(q);
    const f = callFilter(q, from, to);
    // One more than asked: whether there is a next page.
    const rows = await ws.calls({ ...f, limit: f.limit + 1 });
    const page = rows.slice(0, f.limit);
    const data = page.map(callLine);
    if (format === 'csv') return c.body(callsCsv(data), 200, csvHeaders('weir-calls.csv'));
    const more = rows.length > f.limit;
    return c.json({ object: 'list', data, has_more: more, next: more ? cursorOf(page[page.length - 1]!) : null });
  });
  app.get('/', async (c) => {
    const q = c.req.query();
    const { from, to, format } = range(q);
    const groupBy = parseGroups(q.group_by);
    const { lines, total, hosting } = await ws.usage({ from, to, deployment: q.deployment || undefined, keyId: q.key || undefined, model: q.model || undefined, groupBy });
    if (format === 'csv') {
      return c.body(usageCsv(lines, groupBy), 200, csvHeaders('weir-usage.csv'));
    }
    // Per-token usage, and hosting by the hour (local deployments with an hourly price): the two ways a deployment is billed.
    const hostingCost = Math.round(hosting.reduce((n, h) => n + h.cost, 0) * 1e6) / 1e6;
    return c.json({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), group_by: groupBy, data: lines, total, hosting: { data: hosting, cost: hostingCost } });
  });
  return app;
}

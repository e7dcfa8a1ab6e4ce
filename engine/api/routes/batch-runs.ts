import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { WeirError } from '../../errors.ts';
import type { Workspace } from '../../app/workspace.ts';
import { ACTIVE } from '../../app/batch/batch-runs.ts';
import { batchJson, compareJson, lineJson } from '../../app/batch/batch-json.ts';
import { arrayLines, parseJsonl } from '../../app/batch/data-lines.ts';
import { intParam, parseJsonText, readJson } from '../body.ts';
import { SseFeed } from '../sse.ts';

const Body = z
  .object({
    flow: z.string().min(1).max(200),
    version: z.number().int().min(1).optional(),
    /** The lines: a JSON array of objects, or JSONL text. */
    data: z.union([z.array(z.unknown()), z.string()]),
    column_mapping: z.record(z.string(), z.unknown()).optional(),
    run: z.string().min(1).max(200).optional(),
    concurrency: z.number().int().min(1).max(64).optional(),
  })
  .strict();

/** How often a follower reads the batch's stored progress (any instance may run it). */
const EVENTS_POLL_MS = 250;

const page = (c: Context, max: number) => ({
  offset: intParam(c.req.query('offset'), 'offset') ?? 0,
  limit: Math.min(Math.max(intParam(c.req.query('limit'), 'limit') ?? 100, 1), max),
});

/** A JSONL body (`Content-Type: application/jsonl` or `application/x-ndjson`) with the rest in the query. */
async function readSubmit(c: Context): Promise<z.output<typeof Body>> {
  const type = c.req.header('content-type') ?? '';
  if (!/jsonl|ndjson/.test(type)) return readJson(c, Body);
  const q = c.req.query();
  const num = (k: string) => (q[k] === undefined ? undefined : intParam(q[k], k));
  const raw = { flow: q.flow, version: num('version'), run: q.run, concurrency: num('concurrency'), column_mapping: q.column_mapping === undefined ? undefined : parseJsonText(q.column_mapping), data: await c.req.text() };
  const r = Body.safeParse(Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)));
  if (!r.success) throw new WeirError('invalid_request', `${r.error.issues[0].path.join('.') || 'query'}: ${r.error.issues[0].message}`, { status: 400, path: r.error.issues[0].path as string[] });
  return r.data;
}

/** Routes under /api/batch-runs: batch and evaluation runs (prompt flow's `pf run`), run as queue jobs. */
export function batchRunRoutes(ws: Workspace): Hono {
  const app = new Hono();

  app.post('/', async (c) => {
    const b = await readSubmit(c);
    const data = typeof b.data === 'string' ? parseJsonl(b.data) : arrayLines(b.data);
    const row = await ws.batches.submit({ flow: b.flow, version: b.version, data, columnMapping: b.column_mapping, run: b.run, concurrency: b.concurrency });
    return c.json({ id: row.id, status: row.status, flow: row.flow, version: row.version, total: row.total }, 202);
  });

  app.get('/', async (c) => {
    const { offset, limit } = page(c, 500);
    const rows = await ws.batches.list({ limit, offset, flow: c.req.query('flow') });
    return c.json({ data: rows.map(batchJson) });
  });

  app.get('/compare', async (c) => {
    const [a, b] = [c.req.query('a'), c.req.query('b')];
    if (!a || !b) throw new WeirError('invalid_request', 'compare needs two batch run ids: ?a=…&b=…', { status: 400, path: [a ? 'b' : 'a'] });
    const { offset, limit } = page(c, 1000);
    const [ra, rb] = await Promise.all([ws.batches.mustGet(a), ws.batches.mustGet(b)]);
    const [la, lb] = await Promise.all([ws.batches.lines(a, offset, limit), ws.batches.lines(b, offset, limit)]);
    return c.json(compareJson(ra, rb, la, lb));
  });

  app.get('/:id', async (c) => c.json(batchJson(await ws.batches.mustGet(c.req.param('id')))));

  app.get('/:id/lines', async (c) => {
    const row = await ws.batches.mustGet(c.req.param('id'));
    const { offset, limit } = page(c, 1000);
    const lines = await ws.batches.lines(row.id, offset, limit);
    const next = offset + lines.length < row.total ? offset + lines.length : null;
    return c.json({ data: lines.map(lineJson), next_offset: next });
  });

  app.post('/:id/cancel', async (c) => {
    const row = await ws.batches.cancel(c.req.param('id'));
    return c.json({ id: row.id, status: row.status === 'cancelled' ? 'cancelled' : 'cancelling' }, 202);
  });

  app.get('/:id/events', async (c) => {
    const first = await ws.batches.mustGet(c.req.param('id'));
    const feed = new SseFeed();
    let last = '';
    let stopped = false;
    let seq = 0;
    const tick = async () => {
      if (stopped) return;
      const row = (await ws.batches.get(first.id).catch(() => undefined)) ?? first;
      const view = batchJson(row);
      const key = `${row.status}|${row.succeeded}|${row.failed}`;
      if (key !== last) (last = key), feed.push({ event: 'progress', data: { id: row.id, status: row.status, ...(view.progress as object), succeeded: row.succeeded, failed: row.failed }, id: String(++seq) });
      if (!ACTIVE.includes(row.status)) {
        feed.push({ event: 'finished', data: view, id: String(++seq) });
        return feed.end();
      }
      setTimeout(() => void tick(), EVENTS_POLL_MS);
    };
    await tick();
    return feed.respond(c, () => (stopped = true));
  });

  return app;
}

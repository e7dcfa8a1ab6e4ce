import { Hono } from 'hono';
import { z } from 'zod';
import { WeirError } from '../../errors.ts';
import { MODEL_TASKS, modelJson, PROVIDERS, type ModelCatalog } from '../../models/catalog.ts';
import type { ModelPulls } from '../../app/model-pulls.ts';
import type { ModelTask, ProviderId } from '../../models/types.ts';
import { notFound } from '../errors.ts';

const Query = z.object({
  q: z.string().max(500).optional(),
  task: z.enum(MODEL_TASKS as [ModelTask, ...ModelTask[]]).optional(),
  license: z.string().max(100).optional(),
  provider: z.enum(PROVIDERS as [ProviderId, ...ProviderId[]]).optional(),
  local: z.enum(['true', 'false']).optional(),
});

/**
 * Routes under /api/models: the catalog (built-in and user models), each marked available here or
 * not, and downloads of a model's weights (`weir models pull` as a job; progress polled).
 */
export function modelRoutes(catalog: ModelCatalog, pulls?: ModelPulls): Hono {
  const app = new Hono();
  app.get('/', async (c) => {
    const r = Query.safeParse(c.req.query());
    if (!r.success) {
      const issue = r.error.issues[0];
      const param = String(issue.path[0] ?? 'query');
      throw new WeirError('invalid_request', `${param}: ${issue.message}`, { status: 400, path: [param] });
    }
    const { local, ...rest } = r.data;
    const data = await catalog.search({ ...rest, local: local === undefined ? undefined : local === 'true' });
    return c.json({ data: data.map((e) => ({ ...modelJson(e), pull: pulls?.get(e.id) ?? null })) });
  });
  app.get('/:id', async (c) => {
    const entry = await catalog.get(c.req.param('id'));
    if (!entry) throw notFound(`model "${c.req.param('id')}"`, 'model_not_found');
    return c.json({ ...modelJson(entry), pull: pulls?.get(entry.id) ?? null });
  });
  if (!pulls) return app;
  app.post('/:id/pull', async (c) => c.json(await pulls.start(c.req.param('id')), 202));
  app.get('/:id/pull', async (c) => {
    const job = pulls.get(c.req.param('id'));
    if (!job) throw notFound(`download of model "${c.req.param('id')}"`, 'pull_not_found');
    return c.json(job);
  });
  return app;
}

import { Hono } from 'hono';
import { z } from 'zod';
import type { Connections } from '../../app/connections.ts';
import type { ConnectionRow } from '../../store/types.ts';
import { readJson } from '../body.ts';
import { notFound } from '../errors.ts';

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;
const ConnectionBody = z
  .object({
    type: z.string().min(1).max(64),
    settings: z.record(z.string(), z.unknown()).default({}),
    secrets: z.record(z.string().max(128), z.string().max(16_384).nullable()).optional(),
  })
  .strict();

const json = (c: ConnectionRow) => ({ name: c.name, type: c.type, settings: c.settings, secrets: c.secretNames, created_at: new Date(c.createdAt).toISOString(), updated_at: new Date(c.updatedAt).toISOString() });

/** Connections: settings readable, secrets write-only (only their names come back). */
export function connectionRoutes(connections: Connections): Hono {
  const app = new Hono();
  app.get('/', async (c) => c.json({ data: (await connections.list()).map(json) }));
  app.get('/:name', async (c) => {
    const row = await connections.get(c.req.param('name'));
    if (!row) throw notFound(`connection "${c.req.param('name')}"`, 'connection_not_found');
    return c.json(json(row));
  });
  app.put('/:name', async (c) => {
    const name = c.req.param('name');
    if (!NAME.test(name)) throw notFound(`connection "${name}"`, 'connection_not_found');
    const body = await readJson(c, ConnectionBody);
    const { row, created } = await connections.put({ name, ...body });
    return c.json(json(row), created ? 201 : 200);
  });
  app.post('/:name/test', async (c) => {
    const result = await connections.test(c.req.param('name'));
    if (!result) throw notFound(`connection "${c.req.param('name')}"`, 'connection_not_found');
    return c.json(result);
  });
  app.delete('/:name', async (c) => {
    if (!(await connections.delete(c.req.param('name')))) throw notFound(`connection "${c.req.param('name')}"`, 'connection_not_found');
    return c.body(null, 204);
  });
  return app;
}

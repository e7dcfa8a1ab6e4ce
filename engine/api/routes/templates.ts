import { Hono } from 'hono';
import { FLOW_TEMPLATES } from '../../app/flow-templates.ts';

/** GET /api/templates: what the studio's New flow dialog offers (POST /api/flows {template, name, params} makes one). */
export function templateRoutes(): Hono {
  const app = new Hono();
  app.get('/', (c) => c.json({ data: FLOW_TEMPLATES.map(({ id, title, description, params }) => ({ id, title, description, params })) }));
  return app;
}

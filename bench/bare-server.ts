/** The ceiling: a bare hono handler on @hono/node-server that parses the same JSON and answers. */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
app.post('/score', async (c) => {
  const body = (await c.req.json()) as { name?: string };
  return c.json({ greeting: `Hello, ${body.name}!` });
});
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`running at http://127.0.0.1:${info.port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));

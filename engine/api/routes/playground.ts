/**
 * The playground: the admin tries a model deployment without creating a key. Same answers as
 * /v1/chat/completions (JSON or SSE), metered under the deployment with no key.
 */
import { Hono } from 'hono';
import { WeirError } from '../../errors.ts';
import type { Workspace } from '../../app/workspace.ts';
import { parseJsonText } from '../body.ts';
import { parseChat } from './openai-schemas.ts';
import { serveChat } from './openai-serve.ts';

/** Mounted at /api/playground, behind the admin token. */
export function playgroundRoutes(ws: Workspace): Hono {
  const app = new Hono();

  app.post('/chat', async (c) => {
    const raw = parseJsonText((await c.req.text()) || '{}');
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new WeirError('invalid_request', 'the body must be a JSON object', { status: 400 });
    const { deployment, model, ...rest } = raw as Record<string, unknown>;
    if (model !== undefined) throw new WeirError('invalid_request', 'name the deployment with "deployment", not "model"', { status: 400, path: ['model'] });
    if (typeof deployment !== 'string' || !deployment) throw new WeirError('invalid_request', 'deployment is required: the name of a model deployment', { status: 400, path: ['deployment'] });
    const req = parseChat(rest);
    const d = await ws.deployments.cached(deployment);
    if (!d) throw new WeirError('deployment_not_found', `deployment "${deployment}" not found`, { status: 404, path: ['deployment'] });
    if (d.kind !== 'model') throw new WeirError('not_a_model_deployment', `deployment "${deployment}" serves a flow; try it with POST /deployments/${deployment}/score`, { status: 400, path: ['deployment'] });
    return serveChat(c, ws, { deployment, keyId: null, model: await ws.models.get(deployment) }, req);
  });

  return app;
}

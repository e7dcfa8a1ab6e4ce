/**
 * The playground: the admin tries a model deployment without creating a key. Same answers as
 * /v1/chat/completions (JSON or SSE), metered under the deployment with no key.
 */
import { Hono } from 'hono';
import { WeirError } from '../../errors.ts';
import { callEstimate } from '../../app/gateway/estimate.ts';
import { ADMIN } from '../../app/gateway/gateway.ts';
import type { Workspace } from '../../app/workspace.ts';
import { limitHeaders } from '../rate-headers.ts';
import { parseJsonText } from '../body.ts';
import { chatTexts, parseChat } from './openai-schemas.ts';
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
    // Through the gateway like any caller: the playground draws on the deployment's allocation too.
    const loaded = await ws.models.get(deployment);
    const call = await ws.gateway.admit(ADMIN, d, callEstimate(chatTexts(req), req.opts.maxTokens, loaded.contextLength), c.get('requestId'));
    for (const [k, v] of Object.entries(limitHeaders(call.admission.windows))) c.header(k, v);
    return serveChat(c, ws, { call, model: loaded }, req);
  });

  return app;
}

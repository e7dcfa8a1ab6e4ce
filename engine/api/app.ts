import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { readFlowSource } from '../app/flow-source.ts';
import type { Workspace } from '../app/workspace.ts';
import { requireAdmin } from './auth.ts';
import { requestIds } from './request-id.ts';
import { errorBody, errorResponse } from './errors.ts';
import { connectionRoutes } from './routes/connections.ts';
import { DOCS_PAGE } from './routes/docs-page.ts';
import { deploymentRoutes } from './routes/deployments.ts';
import { flowRoutes } from './routes/flows.ts';
import { indexRoutes } from './routes/indexes.ts';
import { keyRoutes } from './routes/keys.ts';
import { modelRoutes } from './routes/models.ts';
import { azureOpenAiRoutes, openAiRoutes } from './routes/openai.ts';
import { playgroundRoutes } from './routes/playground.ts';
import { alertRoutes, monitorRoutes } from './routes/monitors.ts';
import { publishedRoutes } from './routes/published.ts';
import { computeRoutes, quotaRoutes } from './routes/quotas.ts';
import { usageRoutes } from './routes/usage.ts';
import { priceRoutes } from './routes/prices.ts';
import { blocklistRoutes, safetyPolicyRoutes } from './routes/safety.ts';
import { runRoutes } from './routes/runs.ts';
import { templateRoutes } from './routes/templates.ts';
import { batchRunRoutes } from './routes/batch-runs.ts';
import { mountStudio } from './studio.ts';
import { webAppRoutes } from './routes/web-apps.ts';
import { importRoutes } from './routes/import-promptflow.ts';
import { pythonRoutes } from './routes/python-signature.ts';

export interface AppOptions {
  adminToken: string;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes?: number;
  /** Largest document upload (POST /api/indexes/{name}/documents), in bytes. */
  maxUploadBytes?: number;
}

// Uploads take the upload cap here; the import route holds its upload to its own, smaller cap.
const UPLOAD_PATH = /^\/api\/(?:indexes\/[^/]+\/documents|import\/promptflow)\/?$/;

/** The whole HTTP surface: management API under /api, published endpoints under /deployments. */
export function createApp(ws: Workspace, opts: AppOptions): Hono {
  const app = new Hono();
  const limit = opts.maxBodyBytes ?? 1024 * 1024;

  // Published endpoints set their own x-request-id (the run id) with the response, which keeps
  // hono's fast response path: a header set through c.header() costs a third of the throughput.
  app.use('/api/*', requestIds);
  const uploadLimit = opts.maxUploadBytes ?? 256 * 1024 * 1024;
  const refuse = (max: number) => (c: Context) => c.json(errorBody(413, 'body_too_large', `the body is larger than ${max} bytes`), 413);
  const tooLarge = bodyLimit({ maxSize: limit, onError: refuse(limit) });
  const uploadTooLarge = bodyLimit({ maxSize: uploadLimit, onError: refuse(uploadLimit) });
  app.use('*', async (c, next) => {
    const upload = c.req.method === 'POST' && UPLOAD_PATH.test(c.req.path);
    // Most bodies declare their length: checking the header keeps the request lazy (hono's
    // bodyLimit wraps the stream, which costs a full WHATWG Request per call). Chunked bodies
    // without a length still go through bodyLimit.
    const length = c.req.header('content-length');
    if (length === undefined) return (upload ? uploadTooLarge : tooLarge)(c, next);
    if (Number(length) > (upload ? uploadLimit : limit)) return refuse(upload ? uploadLimit : limit)(c);
    await next();
  });

  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/docs', (c) => c.html(DOCS_PAGE));
  mountStudio(app);
  app.route('/deployments', publishedRoutes(ws));
  // OpenAI-compatible model deployments check their own keys (a deployment key or the admin token).
  app.route('/v1', openAiRoutes(ws, opts.adminToken));
  app.route('/openai', azureOpenAiRoutes(ws, opts.adminToken));
  // Web apps: public, or opened by a deployment key (see routes/web-apps.ts).
  app.route('/apps', webAppRoutes(ws));
  // Runs check their own auth: an app may follow its own async run with its deployment key.
  app.route('/api/runs', runRoutes(ws, opts.adminToken));
  app.use('/api/*', requireAdmin(opts.adminToken));
  app.route('/api/flows', flowRoutes(ws));
  app.route('/api/templates', templateRoutes());
  app.route('/api/import', importRoutes(ws));
  app.route('/api/python', pythonRoutes());
  app.route('/api/batch-runs', batchRunRoutes(ws));
  app.route('/api/deployments', monitorRoutes(ws));
  app.route('/api/deployments', deploymentRoutes(ws));
  app.route('/api/alerts', alertRoutes(ws));
  app.route('/api/keys', keyRoutes(ws));
  app.route('/api/quotas', quotaRoutes(ws));
  app.route('/api/compute', computeRoutes(ws));
  app.route('/api/usage', usageRoutes(ws));
  app.route('/api/prices', priceRoutes(ws));
  app.route('/api/safety-policies', safetyPolicyRoutes(ws));
  app.route('/api/blocklists', blocklistRoutes(ws));
  app.route('/api/connections', connectionRoutes(ws.connections));
  app.route('/api/models', modelRoutes(ws.catalog, ws.pulls));
  app.route('/api/indexes', indexRoutes(ws));
  app.route('/api/playground', playgroundRoutes(ws));
  app.get('/api/node-types', (c) => c.json({ data: ws.registry.describe() }));
  app.post('/api/validate', async (c) => {
    const text = await c.req.text();
    const src = readFlowSource(text, c.req.header('content-type'));
    if (src.problems.length) return c.json({ valid: false, problems: src.problems });
    const v = await ws.validate(src.definition, src.locate);
    return c.json({ valid: v.ok, problems: v.problems });
  });

  app.notFound((c) => {
    // A known path with the wrong method is a 405 naming the methods it takes (clients and
    // proxies read Allow), not a 404 that suggests the path itself is wrong.
    const allow = allowedMethods(app, c.req.path);
    if (allow.length) {
      return c.json(errorBody(405, 'method_not_allowed', `${c.req.method} is not allowed on ${c.req.path}; use ${allow.join(', ')}`), 405, { allow: allow.join(', ') });
    }
    return c.json(errorBody(404, 'route_not_found', `no route ${c.req.method} ${c.req.path}`), 404);
  });
  app.onError((err, c) => {
    // A client that leaves mid-body (a dropped link, a cancelled upload) makes the body read fail
    // with ECONNRESET: nobody is there to read an answer and it is not the server's fault, so it
    // must not be logged as an internal error. Other errors after a client left still are.
    if ((err as NodeJS.ErrnoException).code === 'ECONNRESET' && c.req.raw.signal.aborted) {
      return c.json(errorBody(400, 'request_aborted', 'the client closed the request before its body arrived'), 400);
    }
    return errorResponse(err, c);
  });
  return app;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** The methods with a route (not only middleware, which hono registers as ALL) for `path`. */
function allowedMethods(app: Hono, path: string): string[] {
  const allow: string[] = METHODS.filter((m) => app.router.match(m, path)[0].some(([[, route]]) => route.method === m));
  if (allow.includes('GET')) allow.push('HEAD');
  return allow;
}

/**
 * OpenAI-compatible API over model deployments: /v1 (the deployment is `model`) and the Azure
 * OpenAI layout /openai/deployments/{name}/… (the deployment is in the path, api-version required).
 * A deployment key opens its own deployment, a shared key those it names (or all), and only model
 * deployments answer here; the admin token opens all. As OpenAI answers: a missing, wrong, revoked or expired key is a 401; a valid key asking
 * for a deployment it may not use — another's, a flow's, or one that does not exist — is a 404
 * `model_not_found` worded the same for all three, so a key-holder cannot probe what exists.
 */
import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { WeirError } from '../../errors.ts';
import { keyOpens } from '../../app/deployments.ts';
import type { VerifiedKey } from '../../store/types.ts';
import type { Workspace } from '../../app/workspace.ts';
import { isAdmin, presented, unauthorized } from '../auth.ts';
import { limitHeaders } from '../rate-headers.ts';
import { parseJsonText } from '../body.ts';
import { modelObject } from './openai-format.ts';
import { parseChat, parseCompletion, parseEmbeddings } from './openai-schemas.ts';
import { serveChat, serveCompletion, serveEmbeddings, type Target } from './openai-serve.ts';

type Caller = { admin: true } | ({ admin: false } & VerifiedKey);

/** Who calls: the admin token, or a valid deployment key (401 otherwise). */
async function caller(c: Context, ws: Workspace, adminToken: string): Promise<Caller> {
  if (isAdmin(c, adminToken)) return { admin: true };
  const key = presented(c);
  const found = key ? await ws.deployments.verifyKey(key) : undefined;
  if (!found) throw unauthorized();
  // The key's own limit, before anything else is done for the call.
  const w = await ws.keyLimits.admit(found);
  if (w) for (const [k, v] of Object.entries(limitHeaders(w))) c.header(k, v);
  return { admin: false, ...found };
}

/** Checks the caller may use deployment `name` and that it is a model deployment (404 otherwise). */
async function authorize(ws: Workspace, who: Caller, name: string, param: 'model' | 'deployment'): Promise<void> {
  const d = (who.admin || keyOpens(who, name)) && (await ws.deployments.cached(name));
  if (d && d.kind === 'model') return;
  // OpenAI's words, for a model that is not there and one the key may not use alike.
  throw new WeirError('model_not_found', `The model \`${name}\` does not exist or you do not have access to it.`, { status: 404, path: [param] });
}

async function target(ws: Workspace, who: Caller, name: string): Promise<Target> {
  return { deployment: name, keyId: who.admin ? null : who.keyId, model: await ws.models.get(name) };
}

async function body(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (!text.trim()) throw new WeirError('invalid_request', 'the body must be a JSON object', { status: 400 });
  return parseJsonText(text);
}

function named(model: string | undefined): string {
  if (!model) throw new WeirError('invalid_request', 'model is required: the name of a model deployment', { status: 400, path: ['model'] });
  return model;
}

function requestId(app: Hono): void {
  app.use('*', async (c, next) => {
    const incoming = c.req.header('x-request-id');
    c.header('x-request-id', incoming && /^[\w.-]{1,128}$/.test(incoming) ? incoming : randomUUID());
    await next();
  });
}

/** Mounted at /v1. */
export function openAiRoutes(ws: Workspace, adminToken: string): Hono {
  const app = new Hono();
  requestId(app);

  app.get('/models', async (c) => {
    const who = await caller(c, ws, adminToken);
    // A key lists the model deployments it opens (a flow's key: none).
    const rows = who.admin || who.opens === '*' ? await ws.deployments.list() : await Promise.all(who.opens.map((name) => ws.deployments.cached(name)));
    const models = rows.filter((d) => d?.kind === 'model');
    return c.json({ object: 'list', data: models.map((d) => modelObject(d!)) });
  });

  app.get('/models/:name', async (c) => {
    const who = await caller(c, ws, adminToken);
    const name = c.req.param('name');
    await authorize(ws, who, name, 'model');
    return c.json(modelObject((await ws.deployments.cached(name))!));
  });

  app.post('/chat/completions', async (c) => {
    const who = await caller(c, ws, adminToken);
    const req = parseChat(await body(c));
    const name = named(req.model);
    await authorize(ws, who, name, 'model');
    return serveChat(c, ws, await target(ws, who, name), req);
  });

  app.post('/completions', async (c) => {
    const who = await caller(c, ws, adminToken);
    const req = parseCompletion(await body(c));
    const name = named(req.model);
    await authorize(ws, who, name, 'model');
    return serveCompletion(c, ws, await target(ws, who, name), req);
  });

  app.post('/embeddings', async (c) => {
    const who = await caller(c, ws, adminToken);
    const req = parseEmbeddings(await body(c));
    const name = named(req.model);
    await authorize(ws, who, name, 'model');
    return serveEmbeddings(c, ws, await target(ws, who, name), req);
  });

  return app;
}

/** Mounted at /openai: what AzureOpenAI clients call. The body's `model`, if any, is not used. */
export function azureOpenAiRoutes(ws: Workspace, adminToken: string): Hono {
  const app = new Hono();
  requestId(app);

  /** Azure routes by path; the body's `model` is not read (Azure ignores it too, and SDKs send anything there). */
  const azureBody = async (c: Context): Promise<unknown> => {
    const b = await body(c);
    if (b && typeof b === 'object' && !Array.isArray(b)) delete (b as Record<string, unknown>).model;
    return b;
  };

  const enter = async (c: Context): Promise<{ who: Caller; name: string }> => {
    const who = await caller(c, ws, adminToken);
    const name = c.req.param('name')!;
    await authorize(ws, who, name, 'deployment');
    if (!c.req.query('api-version')) throw new WeirError('invalid_request', 'the api-version query parameter is required (e.g. ?api-version=2024-10-21)', { status: 400, path: ['api-version'] });
    return { who, name };
  };

  app.post('/deployments/:name/chat/completions', async (c) => {
    const { who, name } = await enter(c);
    const req = parseChat(await azureBody(c));
    return serveChat(c, ws, await target(ws, who, name), req);
  });

  app.post('/deployments/:name/completions', async (c) => {
    const { who, name } = await enter(c);
    const req = parseCompletion(await azureBody(c));
    return serveCompletion(c, ws, await target(ws, who, name), req);
  });

  app.post('/deployments/:name/embeddings', async (c) => {
    const { who, name } = await enter(c);
    const req = parseEmbeddings(await azureBody(c));
    return serveEmbeddings(c, ws, await target(ws, who, name), req);
  });

  return app;
}

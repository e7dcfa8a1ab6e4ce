/**
 * OpenAI-compatible API over model deployments: /v1 (the deployment is `model`) and the Azure
 * OpenAI layout /openai/deployments/{name}/… (the deployment is in the path, api-version required).
 * A deployment key opens its own deployment, a shared key those it names (or all), and only model
 * deployments answer here; the admin token opens all. As OpenAI answers: a missing, wrong, revoked or expired key is a 401; a valid key asking
 * for a deployment it may not use — another's, a flow's, or one that does not exist — is a 404
 * `model_not_found` worded the same for all three, so a key-holder cannot probe what exists.
 */
import { Hono, type Context } from 'hono';
import { WeirError } from '../../errors.ts';
import { callEstimate, promptEstimate } from '../../app/gateway/estimate.ts';
import type { Caller } from '../../app/gateway/gateway.ts';
import type { LoadedModel } from '../../models/types.ts';
import type { Workspace } from '../../app/workspace.ts';
import { caller } from '../auth.ts';
import { requestIds } from '../request-id.ts';
import { limitHeaders } from '../rate-headers.ts';
import { parseJsonText } from '../body.ts';
import { modelObject } from './openai-format.ts';
import { chatTexts, parseChat, parseCompletion, parseEmbeddings, type ChatRequest, type CompletionRequest, type EmbeddingsRequest } from './openai-schemas.ts';
import { serveChat, serveCompletion, serveEmbeddings, type Target } from './openai-serve.ts';

/** Through the gateway: the deployment the caller may use, its model, and the call admitted against every limit (headers set on `c`). */
async function enter(c: Context, ws: Workspace, who: Caller, name: string, param: 'model' | 'deployment', estimate: (m: LoadedModel) => number): Promise<Target> {
  const d = await ws.gateway.model(who, name, param);
  const model = await ws.models.get(name);
  const call = await ws.gateway.admit(who, d, estimate(model), c.get('requestId'));
  for (const [k, v] of Object.entries(limitHeaders(call.admission.windows))) c.header(k, v);
  return { call, model };
}

const chatEstimate = (req: ChatRequest) => (m: LoadedModel) => callEstimate(chatTexts(req), req.opts.maxTokens, m.contextLength);
const completionEstimate = (req: CompletionRequest) => (m: LoadedModel) => callEstimate([req.prompt], req.opts.maxTokens, m.contextLength);
const embeddingsEstimate = (req: EmbeddingsRequest) => () => promptEstimate(req.input);

async function body(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (!text.trim()) throw new WeirError('invalid_request', 'the body must be a JSON object', { status: 400 });
  return parseJsonText(text);
}

function named(model: string | undefined): string {
  if (!model) throw new WeirError('invalid_request', 'model is required: the name of a model deployment', { status: 400, path: ['model'] });
  return model;
}

/** Mounted at /v1. */
export function openAiRoutes(ws: Workspace, adminToken: string): Hono {
  const app = new Hono();
  app.use('*', requestIds);

  app.get('/models', async (c) => {
    const who = await caller(c, ws, adminToken);
    // A key lists the model deployments it opens (a flow's key: none).
    const rows = who.admin || who.key.opens === '*' ? await ws.deployments.list() : await Promise.all(who.key.opens.map((name) => ws.deployments.cached(name)));
    const models = rows.filter((d) => d?.kind === 'model');
    return c.json({ object: 'list', data: models.map((d) => modelObject(d!)) });
  });

  app.get('/models/:name', async (c) => {
    const who = await caller(c, ws, adminToken);
    const name = c.req.param('name');
    return c.json(modelObject(await ws.gateway.model(who, name, 'model')));
  });

  app.post('/chat/completions', async (c) => {
    const who = await caller(c, ws, adminToken);
    const req = parseChat(await body(c));
    return serveChat(c, ws, await enter(c, ws, who, named(req.model), 'model', chatEstimate(req)), req);
  });

  app.post('/completions', async (c) => {
    const who = await caller(c, ws, adminToken);
    const req = parseCompletion(await body(c));
    return serveCompletion(c, ws, await enter(c, ws, who, named(req.model), 'model', completionEstimate(req)), req);
  });

  app.post('/embeddings', async (c) => {
    const who = await caller(c, ws, adminToken);
    const req = parseEmbeddings(await body(c));
    return serveEmbeddings(c, ws, await enter(c, ws, who, named(req.model), 'model', embeddingsEstimate(req)), req);
  });

  return app;
}

/** Mounted at /openai: what AzureOpenAI clients call. The body's `model`, if any, is not used. */
export function azureOpenAiRoutes(ws: Workspace, adminToken: string): Hono {
  const app = new Hono();
  app.use('*', requestIds);

  /** Azure routes by path; the body's `model` is not read (Azure ignores it too, and SDKs send anything there). */
  const azureBody = async (c: Context): Promise<unknown> => {
    const b = await body(c);
    if (b && typeof b === 'object' && !Array.isArray(b)) delete (b as Record<string, unknown>).model;
    return b;
  };

  /** The caller and the deployment in the path, checked before the body is read. */
  const start = async (c: Context): Promise<{ who: Caller; name: string }> => {
    const who = await caller(c, ws, adminToken);
    const name = c.req.param('name')!;
    await ws.gateway.model(who, name, 'deployment');
    if (!c.req.query('api-version')) throw new WeirError('invalid_request', 'the api-version query parameter is required (e.g. ?api-version=2024-10-21)', { status: 400, path: ['api-version'] });
    return { who, name };
  };

  app.post('/deployments/:name/chat/completions', async (c) => {
    const { who, name } = await start(c);
    const req = parseChat(await azureBody(c));
    return serveChat(c, ws, await enter(c, ws, who, name, 'deployment', chatEstimate(req)), req);
  });

  app.post('/deployments/:name/completions', async (c) => {
    const { who, name } = await start(c);
    const req = parseCompletion(await azureBody(c));
    return serveCompletion(c, ws, await enter(c, ws, who, name, 'deployment', completionEstimate(req)), req);
  });

  app.post('/deployments/:name/embeddings', async (c) => {
    const { who, name } = await start(c);
    const req = parseEmbeddings(await azureBody(c));
    return serveEmbeddings(c, ws, await enter(c, ws, who, name, 'deployment', embeddingsEstimate(req)), req);
  });

  return app;
}

import { Hono } from 'hono';
import { z } from 'zod';
import { WeirError } from '../../errors.ts';
import type { ModelDeploymentState } from '../../app/model-deployments.ts';
import type { Workspace } from '../../app/workspace.ts';
import type { DeploymentRow } from '../../store/types.ts';
import { rpmOf } from '../../app/gateway/limits.ts';
import { appUrl, WebAppPatchSchema, webAppJson } from '../../app/web-app-settings.ts';
import { intParam, readJson } from '../body.ts';
import { expiryOf, keyJson, KeyBody } from './key-json.ts';

export const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const Tpm = z.number().int().min(1).max(1_000_000_000_000);
const Rpm = z.number().int().min(1).max(1_000_000_000);
const Traffic = z.array(z.object({ version: z.number().int().min(1), weight: z.number().min(0).max(100) }).strict()).min(1).max(16);
const CreateBody = z
  .object({
    name: z.string().regex(NAME, 'a deployment name is lower-case letters, digits and -, up to 63 characters'),
    flow: z.string().min(1).optional(),
    traffic: Traffic.optional(),
    trace_sample_rate: z.number().min(0).max(1).default(1),
    model: z.string().min(1).max(200).optional(),
    context_size: z.number().int().min(64).max(1 << 20).optional(),
    connection: z.string().min(1).max(128).optional(),
    remote_model: z.string().min(1).max(256).optional(),
    /** Remote models: tokens a minute allocated from the model's pool (default: the configured allocation, or what is left). */
    tpm: Tpm.optional(),
    /** Flow deployments: calls a minute across every caller. */
    rpm: Rpm.optional(),
    /** The content-safety policy its calls pass (default: 'default'). */
    safety_policy: z.string().min(1).max(64).optional(),
  })
  .strict();
const MODEL_ONLY = ['context_size', 'connection', 'remote_model', 'tpm'] as const;
const PatchBody = z.object({ traffic: Traffic.optional(), trace_sample_rate: z.number().min(0).max(1).optional(), tpm: Tpm.optional(), rpm: Rpm.nullable().optional(), safety_policy: z.string().min(1).max(64).optional(), web_app: WebAppPatchSchema.optional() }).strict();

export function deploymentJson(d: DeploymentRow, state?: ModelDeploymentState) {
  const times = { created_at: new Date(d.createdAt).toISOString(), updated_at: new Date(d.updatedAt).toISOString() };
  const app = { web_app: webAppJson(d.options?.webApp), app_url: appUrl(d.name, d.options?.webApp) };
  if (d.kind === 'model') {
    const o = d.options ?? {};
    return {
      name: d.name, kind: d.kind, flow: null, model: d.model,
      context_size: o.contextSize ?? null, connection: o.connection ?? null, remote_model: o.remoteModel ?? null,
      // The allocation from the model's pool (remote models), and the requests a minute it gives.
      tpm: o.tpm ?? null, rpm: o.tpm === undefined ? null : rpmOf(o.tpm), safety_policy: o.safetyPolicy ?? 'default',
      // Not tracked yet means a load has not been asked for: it starts on first use.
      state: state?.state ?? 'loading', reason: state?.reason ?? null, loaded_at: state?.loaded_at ?? null,
      // The base URL OpenAI clients take (with this name as `model`), and Azure OpenAI's layout.
      endpoint: '/v1', azure_endpoint: `/openai/deployments/${d.name}`,
      ...app,
      ...times,
    };
  }
  return {
    name: d.name, kind: d.kind, flow: d.flow, traffic: d.traffic, trace_sample_rate: d.traceSampleRate, rpm: d.options?.rpm ?? null, safety_policy: d.options?.safetyPolicy ?? 'default',
    endpoint: `/deployments/${d.name}/score`,
    ...app,
    ...times,
  };
}

/** Deployments of flows (traffic across published versions) or of catalog models, and their keys. */
export function deploymentRoutes(ws: Workspace): Hono {
  const app = new Hono();
  const deployments = ws.deployments;

  const json = async (d: DeploymentRow) => deploymentJson(d, d.kind === 'model' ? await ws.models.state(d.name) : undefined);

  // The list carries each deployment's count of usable keys (the studio's table shows it).
  app.get('/', async (c) => {
    const all = await deployments.list();
    const [rows, counts] = await Promise.all([Promise.all(all.map(json)), Promise.all(all.map((d) => deployments.activeKeyCount(d.name)))]);
    return c.json({ data: rows.map((d, i) => ({ ...d, active_keys: counts[i] })) });
  });

  app.post('/', async (c) => {
    const raw = await readJson(c, CreateBody);
    // The policy must exist (404 naming it) before anything is made.
    if (raw.safety_policy !== undefined) await ws.gateway.safety.policy(raw.safety_policy);
    if (raw.flow !== undefined && raw.model !== undefined) throw new WeirError('invalid_request', 'give either flow or model, not both', { status: 400, path: ['model'] });
    if (raw.model !== undefined) {
      const { model, context_size, connection, remote_model, tpm } = raw;
      for (const flowOnly of ['traffic', 'rpm'] as const) {
        if (raw[flowOnly] !== undefined) throw new WeirError('invalid_request', `${flowOnly} applies to flow deployments only${flowOnly === 'rpm' ? ' (a model deployment\'s rate comes with its tpm allocation)' : ''}`, { status: 400, path: [flowOnly] });
      }
      const options = { ...(context_size !== undefined ? { contextSize: context_size } : {}), ...(connection !== undefined ? { connection } : {}), ...(remote_model !== undefined ? { remoteModel: remote_model } : {}), ...(tpm !== undefined ? { tpm } : {}), ...(raw.safety_policy !== undefined ? { safetyPolicy: raw.safety_policy } : {}) };
      const d = await deployments.createModel({ name: raw.name, model, options, traceSampleRate: raw.trace_sample_rate });
      return c.json(await json(d), 201);
    }
    if (raw.flow === undefined) throw new WeirError('invalid_request', 'give flow (a published flow) or model (a catalog model, GET /api/models)', { status: 400, path: ['flow'] });
    const extra = MODEL_ONLY.find((k) => raw[k] !== undefined);
    if (extra) throw new WeirError('invalid_request', `${extra} applies to model deployments only`, { status: 400, path: [extra] });
    const d = await deployments.createFlow({ name: raw.name, flow: raw.flow, traffic: raw.traffic, traceSampleRate: raw.trace_sample_rate, rpm: raw.rpm, safetyPolicy: raw.safety_policy });
    return c.json(deploymentJson(d), 201);
  });

  app.get('/:name', async (c) => c.json(await json(await deployments.get(c.req.param('name')))));

  /** Traffic changes take effect on the next call: blue/green, canary, rollback — no restart. */
  app.patch('/:name', async (c) => {
    const name = c.req.param('name');
    await deployments.get(name);
    const body = await readJson(c, PatchBody);
    if (body.safety_policy !== undefined) await ws.gateway.safety.policy(body.safety_policy);
    const { web_app: webApp, ...rest } = body;
    let updated = Object.values(rest).some((v) => v !== undefined) || webApp === undefined ? await deployments.update(name, { traffic: body.traffic, traceSampleRate: body.trace_sample_rate, tpm: body.tpm, rpm: body.rpm, safetyPolicy: body.safety_policy }) : undefined;
    // After the traffic change: whether the app may be enabled is judged on the versions now served.
    if (webApp !== undefined) updated = await ws.webApps.configure(name, webApp);
    return c.json(await json(updated!));
  });

  /** Visitors' ratings of the web app's answers, newest first, with the question and answer each rates. */
  app.get('/:name/feedback', async (c) => {
    const limit = intParam(c.req.query('limit'), 'limit') ?? 50;
    if (limit < 1 || limit > 500) throw new WeirError('invalid_request', 'limit is 1 to 500', { status: 400, path: ['limit'] });
    const page = await ws.webApps.feedback(c.req.param('name'), limit, c.req.query('cursor') || undefined);
    return c.json({
      data: page.data.map((f) => ({ id: f.messageId, message_id: f.messageId, conversation_id: f.conversationId, rating: f.rating, comment: f.comment, created_at: new Date(f.createdAt).toISOString(), question: f.question, answer: f.answer })),
      next_cursor: page.next,
      counts: page.counts,
    });
  });

  app.delete('/:name', async (c) => {
    await ws.gateway.safety.checkNotJudge(c.req.param('name'));
    await deployments.delete(c.req.param('name'));
    return c.body(null, 204);
  });

  app.post('/:name/keys', async (c) => {
    const name = c.req.param('name');
    await deployments.get(name);
    const body = await readJson(c, KeyBody);
    const { row, secret } = await deployments.createKey(name, body.name, { expiresAt: expiryOf(body.expires_at), rpm: body.rpm ?? null, tpm: body.tpm ?? null });
    return c.json({ ...keyJson(row), key: secret, note: 'the key is shown once; store it now' }, 201);
  });

  app.get('/:name/keys', async (c) => c.json({ data: (await deployments.listKeys(c.req.param('name'))).map(keyJson) }));

  app.delete('/:name/keys/:id', async (c) => {
    await deployments.revokeKey(c.req.param('name'), c.req.param('id'));
    return c.body(null, 204);
  });

  return app;
}

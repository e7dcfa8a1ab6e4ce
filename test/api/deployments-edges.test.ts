import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { deploymentJson } from '../../engine/api/routes/deployments.ts';
import { deployed, ECHO_FLOW, makeApi, type Api } from '../helpers/api.ts';

let api: Api;
beforeEach(() => (api = makeApi()));
afterEach(() => api.close());

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

const publishEcho = async () => {
  await api.call('POST', '/api/flows', ECHO_FLOW);
  await api.call('POST', '/api/flows/echo/publish', {});
};

/** A remote catalog model through a connection: nothing loads locally. */
const remoteModel = async (name = 'chat', extra: Record<string, unknown> = {}) => {
  await api.call('PUT', '/api/connections/up', { type: 'openai', settings: { base_url: 'http://127.0.0.1:9/v1' }, secrets: { api_key: 'k' } });
  return api.call('POST', '/api/deployments', { name, model: 'gpt-4o-mini', connection: 'up', ...extra });
};

const refused = (r: { status: number; json: any }, status: number, code: string, message: string | RegExp, param?: string) => {
  expect(r.status).toBe(status);
  expect(r.json.error.code).toBe(code);
  if (typeof message === 'string') expect(r.json.error.message).toBe(message);
  else expect(r.json.error.message).toMatch(message);
  if (param !== undefined) expect(r.json.error.param).toBe(param);
};

describe('deployments API edges', () => {
  it('creates a flow deployment with its full shape and default sample rate', async () => {
    await publishEcho();
    const r = await api.call('POST', '/api/deployments', { name: 'echo-1', flow: 'echo' });
    expect(r.status).toBe(201);
    expect(r.json).toEqual({
      name: 'echo-1', kind: 'flow', flow: 'echo', traffic: [{ version: 1, weight: 100 }], trace_sample_rate: 1, rpm: null, safety_policy: 'default',
      endpoint: '/deployments/echo-1/score', web_app: null, app_url: null, created_at: expect.stringMatching(ISO), updated_at: expect.stringMatching(ISO),
    });
    expect((await api.call('GET', '/api/deployments/echo-1')).json).toEqual(r.json);
  });

  it('lists deployments with their count of usable keys', async () => {
    const { key } = await deployed(api);
    await api.call('POST', '/api/deployments/echo-prod/keys', { name: 'second' });
    const list = await api.call('GET', '/api/deployments');
    expect(list.status).toBe(200);
    expect(list.json.data).toHaveLength(1);
    expect(list.json.data[0]).toMatchObject({ name: 'echo-prod', kind: 'flow', flow: 'echo', active_keys: 2 });
    expect(key).toBeTruthy();
  });

  it('refuses bodies that mix flow and model, give neither, or give model-only fields to a flow', async () => {
    await publishEcho();
    refused(await api.call('POST', '/api/deployments', { name: 'x', flow: 'echo', model: 'gpt-4o-mini' }), 400, 'invalid_request', 'give either flow or model, not both', 'model');
    refused(await api.call('POST', '/api/deployments', { name: 'x' }), 400, 'invalid_request', 'give flow (a published flow) or model (a catalog model, GET /api/models)', 'flow');
    refused(await api.call('POST', '/api/deployments', { name: 'x', flow: 'echo', context_size: 512 }), 400, 'invalid_request', 'context_size applies to model deployments only', 'context_size');
    refused(await api.call('POST', '/api/deployments', { name: 'x', flow: 'echo', connection: 'up' }), 400, 'invalid_request', 'connection applies to model deployments only', 'connection');
    refused(await api.call('POST', '/api/deployments', { name: 'x', flow: 'echo', remote_model: 'm' }), 400, 'invalid_request', 'remote_model applies to model deployments only', 'remote_model');
    refused(await api.call('POST', '/api/deployments', { name: 'x', model: 'gpt-4o-mini', traffic: [{ version: 1, weight: 100 }] }), 400, 'invalid_request', 'traffic applies to flow deployments only', 'traffic');
    expect((await api.call('GET', '/api/deployments')).json.data).toEqual([]);
  });

  it('validates names, traffic and sample rate in the body', async () => {
    await publishEcho();
    const bad = [
      { name: '-x', flow: 'echo' },
      { name: 'a'.repeat(64), flow: 'echo' },
      { name: 'x', flow: '' },
      { name: 'x', flow: 'echo', traffic: [] },
      { name: 'x', flow: 'echo', traffic: [{ version: 0, weight: 100 }] },
      { name: 'x', flow: 'echo', traffic: [{ version: 1, weight: 101 }] },
      { name: 'x', flow: 'echo', traffic: [{ version: 1.5, weight: 100 }] },
      { name: 'x', flow: 'echo', traffic: [{ version: 1, weight: 100, extra: 1 }] },
      { name: 'x', flow: 'echo', trace_sample_rate: 1.5 },
      { name: 'x', flow: 'echo', trace_sample_rate: -0.1 },
      { name: 'x', flow: 'echo', unknown: 1 },
      { name: 'x', model: '' },
      { name: 'x', model: 'gpt-4o-mini', context_size: 63 },
      { name: 'x', model: 'gpt-4o-mini', connection: '' },
    ];
    for (const body of bad) {
      const r = await api.call('POST', '/api/deployments', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json.error.code).toBe('invalid_request');
    }
    const nameError = await api.call('POST', '/api/deployments', { name: 'Bad', flow: 'echo' });
    expect(nameError.json.error.message).toContain('a deployment name is lower-case letters, digits and -, up to 63 characters');
    const ok = await api.call('POST', '/api/deployments', { name: `0${'a'.repeat(62)}`, flow: 'echo', trace_sample_rate: 0.25, traffic: [{ version: 1, weight: 100 }] });
    expect(ok.status).toBe(201);
    expect(ok.json.trace_sample_rate).toBe(0.25);
  });

  it('creates a model deployment with its options, endpoints and state fields', async () => {
    const r = await remoteModel('chat', { remote_model: 'upstream-chat', trace_sample_rate: 0.5 });
    expect(r.status, r.text).toBe(201);
    expect(r.json).toMatchObject({
      name: 'chat', kind: 'model', flow: null, model: 'gpt-4o-mini', context_size: null, connection: 'up', remote_model: 'upstream-chat',
      endpoint: '/v1', azure_endpoint: '/openai/deployments/chat', created_at: expect.stringMatching(ISO), updated_at: expect.stringMatching(ISO),
    });
    expect(['loading', 'ready', 'failed']).toContain(r.json.state);
    expect(r.json).toHaveProperty('reason');
    expect(r.json).toHaveProperty('loaded_at');
    expect(r.json).not.toHaveProperty('traffic');
    const plain = await remoteModel('chat2');
    expect(plain.json).toMatchObject({ connection: 'up', remote_model: null, context_size: null });
    const list = await api.call('GET', '/api/deployments');
    expect(list.json.data.map((d: { name: string; kind: string }) => [d.name, d.kind])).toEqual(expect.arrayContaining([['chat', 'model'], ['chat2', 'model']]));
  });

  it('patches traffic and sample rate; an empty patch changes nothing; a model deployment takes no traffic', async () => {
    await publishEcho();
    await api.call('PUT', '/api/flows/echo', ECHO_FLOW.replace("' '", "'+'"));
    expect((await api.call('POST', '/api/flows/echo/publish', {})).json.version).toBe(2);
    await api.call('POST', '/api/deployments', { name: 'e', flow: 'echo', trace_sample_rate: 0.5 });
    const p = await api.call('PATCH', '/api/deployments/e', { traffic: [{ version: 1, weight: 10 }, { version: 2, weight: 90 }] });
    expect(p.status).toBe(200);
    expect(p.json).toMatchObject({ traffic: [{ version: 1, weight: 10 }, { version: 2, weight: 90 }], trace_sample_rate: 0.5 });
    const s = await api.call('PATCH', '/api/deployments/e', { trace_sample_rate: 0 });
    expect(s.json).toMatchObject({ traffic: [{ version: 1, weight: 10 }, { version: 2, weight: 90 }], trace_sample_rate: 0 });
    const none = await api.call('PATCH', '/api/deployments/e', {});
    expect(none.status).toBe(200);
    expect(none.json).toMatchObject({ traffic: [{ version: 1, weight: 10 }, { version: 2, weight: 90 }], trace_sample_rate: 0 });
    refused(await api.call('PATCH', '/api/deployments/e', { name: 'x' }), 400, 'invalid_request', /./);
    refused(await api.call('PATCH', '/api/deployments/ghost', { trace_sample_rate: 1 }), 404, 'deployment_not_found', /ghost/);
    await remoteModel('m');
    refused(await api.call('PATCH', '/api/deployments/m', { traffic: [{ version: 1, weight: 100 }] }), 400, 'invalid_request', 'traffic applies to flow deployments only', 'traffic');
    const mp = await api.call('PATCH', '/api/deployments/m', { trace_sample_rate: 0.1 });
    expect(mp.status).toBe(200);
    expect(mp.json).toMatchObject({ kind: 'model', model: 'gpt-4o-mini' });
  });

  it('manages keys: shown once with a note, listed without the secret, revoked with a timestamp', async () => {
    await publishEcho();
    await api.call('POST', '/api/deployments', { name: 'e', flow: 'echo' });
    const k = await api.call('POST', '/api/deployments/e/keys', {});
    expect(k.status).toBe(201);
    expect(k.json).toEqual({ id: expect.any(String), name: 'default', prefix: expect.any(String), created_at: expect.stringMatching(ISO), revoked_at: null, expires_at: null, last_used_at: null, rpm: null, tpm: null, active: true, key: expect.any(String), note: 'the key is shown once; store it now' });
    expect(k.json.key.startsWith(k.json.prefix)).toBe(true);
    const named = await api.call('POST', '/api/deployments/e/keys', { name: 'ci' });
    expect(named.json.name).toBe('ci');
    refused(await api.call('POST', '/api/deployments/e/keys', { name: 'n'.repeat(101) }), 400, 'invalid_request', /./);
    refused(await api.call('POST', '/api/deployments/e/keys', { other: 1 }), 400, 'invalid_request', /./);
    refused(await api.call('POST', '/api/deployments/ghost/keys', {}), 404, 'deployment_not_found', /ghost/);
    expect((await api.call('DELETE', `/api/deployments/e/keys/${k.json.id}`)).status).toBe(204);
    const keys = await api.call('GET', '/api/deployments/e/keys');
    expect(keys.status).toBe(200);
    const revoked = keys.json.data.find((x: { id: string }) => x.id === k.json.id);
    expect(revoked.revoked_at).toMatch(ISO);
    expect(revoked).not.toHaveProperty('key');
    expect(keys.json.data.find((x: { id: string }) => x.id === named.json.id).revoked_at).toBeNull();
  });

  it('a key with an expiry opens its deployment until then and never after; its last use is recorded', async () => {
    await publishEcho();
    await api.call('POST', '/api/deployments', { name: 'e', flow: 'echo' });
    const start = Date.now();
    const expires = new Date(start + 3600_000).toISOString();
    const k = await api.call('POST', '/api/deployments/e/keys', { name: 'temp', expires_at: expires });
    expect(k.json).toMatchObject({ expires_at: expires, last_used_at: null, active: true });
    const keep = (await api.call('POST', '/api/deployments/e/keys', { name: 'forever' })).json.key as string;
    const score = (key: string) => api.call('POST', '/deployments/e/score', { text: 'hi' }, { authorization: `Bearer ${key}` });
    expect((await score(k.json.key)).status).toBe(200);
    const listed = async () => (await api.call('GET', '/api/deployments/e/keys')).json.data.find((x: { id: string }) => x.id === k.json.id);
    await vi.waitFor(async () => expect((await listed()).last_used_at).toMatch(ISO));
    expect(Date.parse((await listed()).last_used_at)).toBeGreaterThanOrEqual(start);

    // The clock passes the expiry: refused at once (cached as valid or not), listed as no longer active.
    vi.useFakeTimers({ toFake: ['Date'], now: start + 3600_000 });
    try {
      refused(await score(k.json.key), 401, 'unauthorized', /key/);
      expect((await score(keep)).status).toBe(200);
      expect(await listed()).toMatchObject({ active: false, revoked_at: null });
      expect((await api.call('GET', '/api/deployments')).json.data.find((d: { name: string }) => d.name === 'e').active_keys).toBe(1);
    } finally {
      vi.useRealTimers();
    }
    for (const bad of [new Date(start - 1000).toISOString(), 'tomorrow', '2027-01-01', new Date(start + 11 * 365 * 86_400_000).toISOString(), 5]) {
      refused(await api.call('POST', '/api/deployments/e/keys', { expires_at: bad }), 400, 'invalid_request', /./, 'expires_at');
    }
  });

  it('deletes a deployment with 204, then it is not found', async () => {
    await publishEcho();
    await api.call('POST', '/api/deployments', { name: 'e', flow: 'echo' });
    const d = await api.call('DELETE', '/api/deployments/e');
    expect(d.status).toBe(204);
    expect(d.text).toBe('');
    refused(await api.call('GET', '/api/deployments/e'), 404, 'deployment_not_found', /"e"/);
    refused(await api.call('DELETE', '/api/deployments/e'), 404, 'deployment_not_found', /"e"/);
  });

  it('shows a model deployment\'s load state once it is known, and refuses context_size for a remote model', async () => {
    expect((await remoteModel('m')).status).toBe(201);
    await api.ws.models.get('m');
    const got = await api.call('GET', '/api/deployments/m');
    expect(got.json).toMatchObject({ state: 'ready', reason: null });
    expect(got.json.loaded_at).toMatch(ISO);
    expect((await api.call('GET', '/api/deployments')).json.data[0]).toMatchObject({ name: 'm', state: 'ready', loaded_at: got.json.loaded_at, active_keys: 0 });
    const ctx = await remoteModel('m2', { context_size: 512 });
    expect(ctx.status).toBe(400);
    expect(ctx.json.error).toMatchObject({ code: 'invalid_request', message: 'context_size applies to local models only', param: 'context_size' });
  });

  it('a model deployment not tracked yet reads as loading, with no reason and no load time', () => {
    const row = { name: 'm', kind: 'model', flow: null, model: 'use-lite', options: { contextSize: 256 }, traffic: [], traceSampleRate: 1, createdAt: 0, updatedAt: 1000 } as unknown as Parameters<typeof deploymentJson>[0];
    expect(deploymentJson(row)).toEqual({
      name: 'm', kind: 'model', flow: null, model: 'use-lite', context_size: 256, connection: null, remote_model: null, tpm: null, rpm: null, safety_policy: 'default',
      state: 'loading', reason: null, loaded_at: null, endpoint: '/v1', azure_endpoint: '/openai/deployments/m', web_app: null, app_url: null,
      created_at: '1970-01-01T00:00:00.000Z', updated_at: '1970-01-01T00:00:01.000Z',
    });
    expect(deploymentJson(row, { state: 'failed', reason: 'out of memory' })).toMatchObject({ state: 'failed', reason: 'out of memory', loaded_at: null });
    expect(deploymentJson({ ...row, options: null })).toMatchObject({ context_size: null, connection: null, remote_model: null });
  });

  it('a key\'s own rpm and tpm are whole numbers from 1 up to their caps, refused beyond naming the field', async () => {
    await publishEcho();
    await api.call('POST', '/api/deployments', { name: 'lim', flow: 'echo' });
    const made = await api.call('POST', '/api/deployments/lim/keys', { rpm: 1, tpm: 1 });
    expect(made.json).toMatchObject({ rpm: 1, tpm: 1 });
    expect((await api.call('POST', '/api/deployments/lim/keys', { rpm: 1_000_000_000, tpm: 1_000_000_000_000 })).json).toMatchObject({ rpm: 1_000_000_000, tpm: 1_000_000_000_000 });
    for (const [body, param] of [[{ rpm: 0 }, 'rpm'], [{ rpm: 1_000_000_001 }, 'rpm'], [{ tpm: 0 }, 'tpm'], [{ tpm: 1_000_000_000_001 }, 'tpm']] as const) {
      const r = await api.call('POST', '/api/deployments/lim/keys', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json.error.param).toBe(param);
    }
  });
});

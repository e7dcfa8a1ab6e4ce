/**
 * Shared keys (/api/keys): one key for several deployments, or all of them, as an Azure resource
 * key or an OpenAI project key — over the real store and the real default models (weir-extractive
 * for chat, use-lite for embeddings), through the published endpoints and the OpenAI routes.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ADMIN, deployed, makeApi, type Api } from '../helpers/api.ts';

let api: Api;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const as = (key: string) => ({ authorization: `Bearer ${key}` });
const messages = [{ role: 'system', content: 'Paris is the capital of France.' }, { role: 'user', content: 'What is the capital of France?' }];

beforeAll(async () => {
  api = makeApi();
  for (const [name, model] of [['chat', 'weir-extractive'], ['embed', 'use-lite'], ['other', 'weir-extractive']]) {
    expect((await api.call('POST', '/api/deployments', { name, model })).status).toBe(201);
  }
  await deployed(api);
});
afterAll(() => api.close());

const shared = async (body: Record<string, unknown>) => {
  const r = await api.call('POST', '/api/keys', body);
  expect(r.status, r.text).toBe(201);
  return r.json;
};

describe('shared keys', () => {
  it('one key opens a RAG app\'s chat and embeddings deployments, and nothing else', async () => {
    const k = await shared({ name: 'rag app', deployments: ['chat', 'embed', 'chat'] });
    expect(k).toEqual({
      id: expect.any(String), name: 'rag app', prefix: k.key.slice(0, 12), deployments: ['chat', 'embed'], created_at: expect.stringMatching(ISO),
      revoked_at: null, expires_at: null, last_used_at: null, rpm: null, tpm: null, active: true, key: expect.stringMatching(/^weir_/), note: 'the key is shown once; store it now',
    });
    expect((await api.call('POST', '/v1/chat/completions', { model: 'chat', messages }, as(k.key))).status).toBe(200);
    const e = await api.call('POST', '/v1/embeddings', { model: 'embed', input: 'hello' }, as(k.key));
    expect(e.status).toBe(200);
    expect(e.json.data[0].embedding).toHaveLength(512);
    expect((await api.call('POST', '/openai/deployments/embed/embeddings?api-version=2024-10-21', { input: 'hi' }, { 'api-key': k.key })).status).toBe(200);
    // A model it does not name: OpenAI's 404; a flow it does not name: the published endpoints' 401.
    const other = await api.call('POST', '/v1/chat/completions', { model: 'other', messages }, as(k.key));
    expect(other.status).toBe(404);
    expect(other.json.error).toMatchObject({ code: 'model_not_found', param: 'model' });
    expect((await api.call('POST', '/deployments/echo-prod/score', { text: 'hi' }, as(k.key))).status).toBe(401);
    const models = await api.call('GET', '/v1/models', undefined, as(k.key));
    expect(models.json.data.map((m: { id: string }) => m.id).sort()).toEqual(['chat', 'embed']);
    // Metered under each deployment, with the shared key's id.
    await api.ws.runs.usage.flush();
    for (const d of ['chat', 'embed']) expect((await api.store.usage.list(d)).filter((u) => u.keyId === k.id).reduce((n, u) => n + u.requests, 0)).toBeGreaterThanOrEqual(1);
  });

  it('a key for all opens every deployment, flows included; revoked, it opens none', async () => {
    const k = await shared({ name: 'ops', deployments: '*' });
    expect(k.deployments).toBe('*');
    expect((await api.call('POST', '/v1/chat/completions', { model: 'other', messages }, as(k.key))).status).toBe(200);
    expect((await api.call('POST', '/deployments/echo-prod/score', { text: 'hi' }, as(k.key))).status).toBe(200);
    const models = await api.call('GET', '/v1/models', undefined, as(k.key));
    expect(models.json.data.map((m: { id: string }) => m.id).sort()).toEqual(['chat', 'embed', 'other']);
    const listed = (await api.call('GET', '/api/keys')).json.data;
    expect(listed.map((x: { name: string }) => x.name)).toContain('ops');
    expect(JSON.stringify(listed)).not.toContain(k.key.slice(12));
    expect((await api.call('DELETE', `/api/keys/${k.id}`)).status).toBe(204);
    expect((await api.call('DELETE', `/api/keys/${k.id}`)).status).toBe(404);
    const after = await api.call('POST', '/v1/chat/completions', { model: 'other', messages }, as(k.key));
    expect(after.status).toBe(401);
    expect((await api.call('POST', '/deployments/echo-prod/score', { text: 'hi' }, as(k.key))).status).toBe(401);
    expect((await api.call('GET', '/api/keys')).json.data.find((x: { id: string }) => x.id === k.id)).toMatchObject({ active: false, revoked_at: expect.stringMatching(ISO) });
  });

  it('is managed with the admin token only, and refuses what is not a list of deployment names or "*"', async () => {
    expect((await api.call('GET', '/api/keys', undefined, as('weir_nope'))).status).toBe(401);
    const k = await shared({ deployments: ['chat'] });
    expect((await api.call('POST', '/api/keys', { deployments: ['chat'] }, as(k.key))).status).toBe(401);
    for (const deployments of [[], 'chat', ['Not A Name'], [1], undefined, Array.from({ length: 101 }, (_, i) => `d${i}`)]) {
      const r = await api.call('POST', '/api/keys', { deployments });
      expect(r.status, JSON.stringify(deployments)).toBe(400);
      expect(r.json.error).toMatchObject({ code: 'invalid_request' });
    }
    const badName = await api.call('POST', '/api/keys', { deployments: ['Not A Name'] });
    expect(badName.json.error.message).toContain('lower-case letters, digits and -');
    const past = await api.call('POST', '/api/keys', { deployments: '*', expires_at: '2020-01-01T00:00:00Z' });
    expect(past.json.error).toMatchObject({ code: 'invalid_request', param: 'expires_at' });
    // A date-time with its offset, as ISO 8601 allows.
    const withOffset = await shared({ deployments: '*', expires_at: '2030-06-30T12:00:00+02:00' });
    expect(withOffset.expires_at).toBe('2030-06-30T10:00:00.000Z');
    // The edges, on a held clock: now is not the future; exactly ten years is still allowed.
    const now = Date.UTC(2027, 0, 1);
    vi.useFakeTimers({ toFake: ['Date'], now });
    try {
      const at = (ms: number) => api.call('POST', '/api/keys', { deployments: '*', expires_at: new Date(ms).toISOString() });
      expect((await at(now)).json.error).toMatchObject({ param: 'expires_at' });
      expect((await at(now + 1)).status).toBe(201);
      expect((await at(now + 10 * 365 * 86_400_000)).status).toBe(201);
      expect((await at(now + 10 * 365 * 86_400_000 + 1)).json.error).toMatchObject({ param: 'expires_at' });
    } finally {
      vi.useRealTimers();
    }
    expect((await api.call('GET', '/api/keys', undefined, as(ADMIN))).status).toBe(200);
  });
});

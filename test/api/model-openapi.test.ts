import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApi, type Api } from '../helpers/api.ts';

let api: Api;
const keys: Record<string, string> = {};
beforeAll(async () => {
  api = makeApi();
  for (const [name, model] of [['chat', 'weir-extractive'], ['embed', 'use-lite']]) {
    expect((await api.call('POST', '/api/deployments', { name, model })).status).toBe(201);
    keys[name] = (await api.call('POST', `/api/deployments/${name}/keys`, {})).json.key;
  }
});
afterAll(() => api.close());

/** The request the API reference page would send: every property's default. */
const example = (doc: any, path: string) => Object.fromEntries(Object.entries(doc.paths[path].post.requestBody.content['application/json'].schema.properties).map(([k, s]: [string, any]) => [k, s.default]));

describe('OpenAPI document of a model deployment', () => {
  it('describes its OpenAI-compatible route, and the defaults make a request that works', async () => {
    for (const [name, path] of [['chat', '/v1/chat/completions'], ['embed', '/v1/embeddings']]) {
      const auth = { authorization: `Bearer ${keys[name]}` };
      const r = await api.call('GET', `/deployments/${name}/openapi.json`, undefined, auth);
      expect(r.status).toBe(200);
      expect(r.json.openapi).toBe('3.1.0');
      expect(Object.keys(r.json.paths)).toEqual([path]);
      const body = example(r.json, path);
      expect(body.model).toBe(name);
      const sent = await api.call('POST', path, body, { ...auth, 'content-type': 'application/json' });
      expect(sent.status, sent.text).toBe(200);
    }
  });

  it('offers tools and response_format where the model supports them (the catalog says which)', async () => {
    expect((await api.call('PUT', '/api/connections/up', { type: 'openai', settings: { base_url: 'http://127.0.0.1:9/v1' } })).status).toBeLessThan(300);
    expect((await api.call('POST', '/api/deployments', { name: 'gpt', model: 'gpt-4o-mini', connection: 'up' })).status).toBe(201);
    keys.gpt = (await api.call('POST', '/api/deployments/gpt/keys', {})).json.key;
    const props = async (name: string) => Object.keys((await api.call('GET', `/deployments/${name}/openapi.json`, undefined, { authorization: `Bearer ${keys[name]}` })).json.paths['/v1/chat/completions'].post.requestBody.content['application/json'].schema.properties);
    expect(await props('gpt')).toEqual(expect.arrayContaining(['tools', 'tool_choice', 'parallel_tool_calls', 'response_format']));
    expect(await props('chat')).not.toContain('tools');
    expect(await props('chat')).not.toContain('response_format');
  });

  it('needs that deployment\'s key, answering a wrong one like an unknown deployment', async () => {
    const wrong = await api.call('GET', '/deployments/chat/openapi.json', undefined, { authorization: `Bearer ${keys.embed}` });
    const unknown = await api.call('GET', '/deployments/nope/openapi.json', undefined, { authorization: `Bearer ${keys.embed}` });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toEqual(unknown.json);
  });
});

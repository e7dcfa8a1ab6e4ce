import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deployed, makeApi, parseSse, type Api } from '../helpers/api.ts';

let api: Api;
beforeEach(() => (api = makeApi()));
afterEach(() => api.close());

const BOOM = `weir: 1
name: boom
outputs:
  x: \${b.output}
nodes:
  - name: b
    type: boom
`;

const SLOW_NODE = `weir: 1
name: late
outputs:
  x: \${w.output}
nodes:
  - name: w
    type: wait
    timeout: 20ms
    inputs: { value: v, ms: 2000 }
`;

const auth = (key: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${key}`, ...extra });

describe('published endpoints edges', () => {
  it('a failed run is a 502 with the node named, and still carries the request id and version', async () => {
    const { key } = await deployed(api, BOOM, 'boom');
    const r = await api.call('POST', '/deployments/boom/score', {}, auth(key));
    expect(r.status).toBe(502);
    expect(r.json.error.message).toBe('node "b" failed: exploded on purpose');
    expect(r.json.error.code).toBe('run_failed');
    expect(r.json.error.type).toBe('server_error');
    expect(r.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.headers.get('weir-version')).toBe('1');
  });

  it('a node timeout is a 504', async () => {
    const { key } = await deployed(api, SLOW_NODE, 'late');
    const r = await api.call('POST', '/deployments/late/score', {}, auth(key));
    expect(r.status).toBe(504);
    expect(r.json.error.code).toBe('node_timeout');
  });

  it('a failed run over SSE ends with one error event carrying the run id', async () => {
    const { key } = await deployed(api, BOOM, 'boom');
    const r = await api.call('POST', '/deployments/boom/score', {}, auth(key, { accept: 'text/event-stream' }));
    expect(r.status).toBe(200);
    expect(r.headers.get('weir-version')).toBe('1');
    const runId = r.headers.get('x-request-id');
    expect(runId).toMatch(/^[0-9a-f-]{36}$/);
    const events = parseSse(r.text);
    expect(events.map((e) => e.event)).toEqual(['error']);
    expect(events[0].data).toMatchObject({ error: { code: 'boom', message: 'node "b" failed: exploded on purpose', param: null, type: 'server_error' }, run_id: runId });
  });

  it('a succeeded SSE result carries run id, version and usage', async () => {
    const { key } = await deployed(api);
    const r = await api.call('POST', '/deployments/echo-prod/score', { text: 'hi' }, auth(key, { accept: 'text/event-stream' }));
    const events = parseSse(r.text);
    expect(events.at(-1)).toMatchObject({ event: 'result', data: { outputs: { said: 'hi' }, version: 1, run_id: r.headers.get('x-request-id') } });
    expect(events.at(-1)!.data).toHaveProperty('usage');
  });

  it('a plain score answers JSON outputs with the version header', async () => {
    const { key } = await deployed(api);
    const r = await api.call('POST', '/deployments/echo-prod/score', { text: 'a', times: 2 }, auth(key));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.json).toEqual({ said: 'a a' });
  });

  it('async runs answer 202 with poll and events links, and the headers', async () => {
    const { key } = await deployed(api);
    const r = await api.call('POST', '/deployments/echo-prod/runs', { text: 'a' }, auth(key));
    expect(r.status).toBe(202);
    const id = r.json.run_id;
    expect(r.json).toEqual({ run_id: id, status: 'queued', version: 1, poll: `/api/runs/${id}`, events: `/api/runs/${id}/events` });
    expect(r.headers.get('x-request-id')).toBe(id);
    expect(r.headers.get('weir-version')).toBe('1');
    expect(r.headers.get('location')).toBe(`/api/runs/${id}`);
    expect((await api.call('POST', '/deployments/echo-prod/runs', [1], auth(key))).status).toBe(400);
  });

  it('the OpenAPI document of a deployment that does not exist is the same 401 as one the key does not open', async () => {
    const { key } = await deployed(api);
    expect((await api.call('GET', '/deployments/echo-prod/openapi.json', undefined, auth(key))).status).toBe(200);
    for (const name of ['nowhere', 'other']) {
      const r = await api.call('GET', `/deployments/${name}/openapi.json`, undefined, auth(key));
      expect(r.status, name).toBe(401);
      expect(r.json.error.code).toBe('unauthorized');
    }
  });

  it('a bad weir-version header is a 400 naming it; a model deployment has no score endpoint', async () => {
    const { key } = await deployed(api);
    const bad = await api.call('POST', '/deployments/echo-prod/score', { text: 'a' }, auth(key, { 'weir-version': 'latest' }));
    expect(bad.status).toBe(400);
    expect(bad.json.error.param).toBe('weir-version');
    await api.call('PUT', '/api/connections/up', { type: 'openai', settings: { base_url: 'http://127.0.0.1:9/v1' }, secrets: { api_key: 'k' } });
    expect((await api.call('POST', '/api/deployments', { name: 'chat', model: 'gpt-4o-mini', connection: 'up' })).status).toBe(201);
    const mkey = (await api.call('POST', '/api/deployments/chat/keys', {})).json.key;
    const score = await api.call('POST', '/deployments/chat/score', {}, auth(mkey));
    expect(score.status).toBe(401);
    expect(score.json.error.code).toBe('unauthorized');
    const runs = await api.call('POST', '/deployments/chat/runs', {}, auth(mkey));
    expect(runs.status).toBe(401);
    const doc = await api.call('GET', '/deployments/chat/openapi.json', undefined, auth(mkey));
    expect(doc.status).toBe(200);
    expect(doc.json.openapi).toBe('3.1.0');
    expect(doc.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(doc.headers.get('weir-version')).toBeNull();
    expect((await api.call('GET', '/deployments/chat/openapi.json', undefined, auth(key))).status).toBe(401);
    const flowDoc = await api.call('GET', '/deployments/echo-prod/openapi.json', undefined, auth(key));
    expect(flowDoc.headers.get('weir-version')).toBe('1');
    expect(flowDoc.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deployed, makeApi, parseSse, type Api } from '../helpers/api.ts';

let api: Api;
beforeEach(() => (api = makeApi()));
afterEach(() => api.close());

const SLOW = `weir: 1
name: slow
inputs: { ms: { type: number, default: 150 } }
outputs:
  done: \${wait.output}
nodes:
  - name: wait
    type: wait
    inputs: { value: finished, ms: \${inputs.ms} }
`;

const poll = async (id: string, key: string) => {
  for (let i = 0; i < 200; i++) {
    const r = await api.call('GET', `/api/runs/${id}`, undefined, { authorization: `Bearer ${key}` });
    if (r.json.status !== 'running') return r;
    await new Promise((res) => setTimeout(res, 10));
  }
  throw new Error('run did not finish');
};

describe('async runs', () => {
  it('accepts a long run with 202, stores it as running before it starts, and lets the app poll it with its key', async () => {
    const { key } = await deployed(api, SLOW, 'slow');
    const r = await api.call('POST', '/deployments/slow/runs', { ms: 100 }, { authorization: `Bearer ${key}` });
    expect(r.status).toBe(202);
    expect(r.headers.get('location')).toBe(`/api/runs/${r.json.run_id}`);
    expect((await api.store.runs.get(r.json.run_id))?.status).toBe('running');
    const done = await poll(r.json.run_id, key);
    expect(done.json).toMatchObject({ status: 'succeeded', outputs: { done: 'finished' }, mode: 'async' });
    // Another deployment's key can't read it; nor can an unknown run be told apart.
    const other = await deployed(api, SLOW.replace('name: slow', 'name: slow2'), 'slow2');
    expect((await api.call('GET', `/api/runs/${r.json.run_id}`, undefined, { authorization: `Bearer ${other.key}` })).status).toBe(401);
    expect((await api.call('GET', '/api/runs/nope', undefined, { authorization: `Bearer ${key}` })).status).toBe(401);
    expect((await api.call('GET', '/api/runs/nope')).status).toBe(404);
  });

  it('follows a run over SSE and resumes after Last-Event-ID without repeating events', async () => {
    const { key } = await deployed(api, SLOW, 'slow');
    const r = await api.call('POST', '/deployments/slow/runs', { ms: 60 }, { authorization: `Bearer ${key}` });
    const all = parseSse((await api.call('GET', `/api/runs/${r.json.run_id}/events`)).text);
    expect(all.map((e) => e.event)).toEqual(['run.started', 'node.started', 'node.finished', 'run.finished']);
    const rest = parseSse((await api.call('GET', `/api/runs/${r.json.run_id}/events`, undefined, { 'last-event-id': '2' })).text);
    expect(rest.map((e) => e.id)).toEqual(['3', '4']);
    expect(rest[1].data.outputs).toEqual({ done: 'finished' });
  });

  it('cancels a running run with DELETE', async () => {
    const { key } = await deployed(api, SLOW, 'slow');
    const r = await api.call('POST', '/deployments/slow/runs', { ms: 5000 }, { authorization: `Bearer ${key}` });
    const del = await api.call('DELETE', `/api/runs/${r.json.run_id}`, undefined, { authorization: `Bearer ${key}` });
    expect(del.status).toBe(202);
    const done = await poll(r.json.run_id, key);
    expect(done.json.status).toBe('cancelled');
    expect((await api.call('DELETE', `/api/runs/${r.json.run_id}`)).status).toBe(409);
  });

  it('lists runs with filters', async () => {
    const { key } = await deployed(api, SLOW, 'slow');
    await api.call('POST', '/deployments/slow/score', { ms: 1 }, { authorization: `Bearer ${key}` });
    await api.call('POST', '/api/flows/slow/runs', { inputs: { ms: 1 } });
    await api.store.runs.flush();
    expect((await api.call('GET', '/api/runs?flow=slow')).json.data).toHaveLength(2);
    expect((await api.call('GET', '/api/runs?deployment=slow')).json.data).toHaveLength(1);
    expect((await api.call('GET', '/api/runs?status=failed')).json.data).toHaveLength(0);
    expect((await api.call('GET', '/api/runs?status=weird')).status).toBe(400);
    const first = (await api.call('GET', '/api/runs?flow=slow&limit=1')).json;
    expect(first.next).toMatchObject({ before_id: first.data[0].id });
    const second = (await api.call('GET', `/api/runs?flow=slow&limit=1&before=${first.next.before}&before_id=${first.next.before_id}`)).json;
    expect(second.data.map((r: { id: string }) => r.id)).not.toContain(first.data[0].id);
    expect(second.data).toHaveLength(1);
    expect((await api.call('GET', '/api/runs', undefined, { authorization: `Bearer ${key}` })).status).toBe(401);
  });
});

describe('connections', () => {
  it('keeps secrets write-only', async () => {
    const put = await api.call('PUT', '/api/connections/search-api', { type: 'http', settings: { base_url: 'https://example.org' }, secrets: { api_key: 'sk-very-secret' } });
    expect(put.status).toBe(201);
    expect(put.json).toMatchObject({ name: 'search-api', secrets: ['api_key'], settings: { base_url: 'https://example.org' } });
    const get = await api.call('GET', '/api/connections/search-api');
    expect(get.text).not.toContain('sk-very-secret');
    expect((await api.call('GET', '/api/connections')).text).not.toContain('sk-very-secret');
    expect((await api.store.connections.resolve('search-api'))?.secrets.api_key).toBe('sk-very-secret');
    expect((await api.call('DELETE', '/api/connections/search-api')).status).toBe(204);
    expect((await api.call('GET', '/api/connections/search-api')).status).toBe(404);
  });
});

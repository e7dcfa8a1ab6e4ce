import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deployed, makeApi, parseSse, type Api } from '../helpers/api.ts';

let api: Api;
beforeEach(() => (api = makeApi()));
afterEach(() => api.close());

const SLOW = `weir: 1
name: slow
inputs: { ms: { type: number, default: 1 } }
outputs:
  done: \${wait.output}
nodes:
  - name: wait
    type: wait
    inputs: { value: finished, ms: \${inputs.ms} }
`;

const finishedRuns = async (n: number) => {
  const { key } = await deployed(api, SLOW, 'slow');
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await api.call('POST', '/api/flows/slow/runs', { inputs: { ms: 1 } })).json.run_id);
  await api.store.runs.flush();
  return { key, ids };
};

describe('runs API edges', () => {
  it('refuses a list without the admin token, and names bad filters', async () => {
    const { key } = await finishedRuns(0);
    const noAdmin = await api.call('GET', '/api/runs', undefined, { authorization: `Bearer ${key}` });
    expect(noAdmin.status).toBe(401);
    expect(noAdmin.json.error).toMatchObject({ code: 'unauthorized', message: 'missing or invalid admin token' });
    const status = await api.call('GET', '/api/runs?status=weird');
    expect(status.status).toBe(400);
    expect(status.json.error).toMatchObject({ code: 'invalid_request', message: 'status must be one of queued, running, succeeded, failed, cancelled, interrupted', param: 'status' });
    const before = await api.call('GET', '/api/runs?before=yesterday');
    expect(before.status).toBe(400);
    expect(before.json.error).toMatchObject({ code: 'invalid_request', message: 'before must be an ISO date-time', param: 'before' });
    expect((await api.call('GET', '/api/runs?limit=x')).json.error.param).toBe('limit');
    for (const s of ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted']) expect((await api.call('GET', `/api/runs?status=${s}`)).status).toBe(200);
  });

  it('pages: a short page has no next; limit 0 is raised to 1; before a run excludes it', async () => {
    const { ids } = await finishedRuns(3);
    const all = await api.call('GET', '/api/runs');
    expect(all.status).toBe(200);
    expect(all.json.data).toHaveLength(3);
    expect(all.json.next).toBeNull();
    expect(all.json.data[0]).toMatchObject({ id: expect.any(String), flow: 'slow', status: 'succeeded', mode: 'draft' });
    expect(all.json.data.map((r: { id: string }) => r.id).sort()).toEqual([...ids].sort());
    const one = await api.call('GET', '/api/runs?limit=0');
    expect(one.json.data).toHaveLength(1);
    expect(one.json.next).toEqual({ before: expect.any(String), before_id: one.json.data[0].id });
    expect(new Date(one.json.next.before).toISOString()).toBe(one.json.next.before);
    const exact = await api.call('GET', '/api/runs?limit=3');
    expect(exact.json.next).toEqual({ before: expect.any(String), before_id: exact.json.data[2].id });
    const after = await api.call('GET', '/api/runs?before=2000-01-01T00:00:00Z');
    expect(after.json.data).toEqual([]);
  });

  it('one run: 404 run_not_found for the admin, the same 401 for a key whether or not it exists', async () => {
    const { key, ids } = await finishedRuns(1);
    const missing = await api.call('GET', '/api/runs/nope');
    expect(missing.status).toBe(404);
    expect(missing.json.error).toMatchObject({ code: 'run_not_found', message: 'run nope not found' });
    const unknown = await api.call('GET', '/api/runs/nope', undefined, { authorization: `Bearer ${key}` });
    expect(unknown.status).toBe(401);
    expect(unknown.json.error).toMatchObject({ code: 'unauthorized', message: 'missing or invalid key' });
    // A draft run has no deployment: no key reads it.
    const draft = await api.call('GET', `/api/runs/${ids[0]}`, undefined, { authorization: `Bearer ${key}` });
    expect(draft.status).toBe(401);
    expect(draft.text).toBe(unknown.text);
    const admin = await api.call('GET', `/api/runs/${ids[0]}`);
    expect(admin.status).toBe(200);
    expect(admin.json).toMatchObject({ id: ids[0], status: 'succeeded', outputs: { done: 'finished' } });
    expect(admin.json.trace).toHaveLength(1);
    expect((await api.call('DELETE', '/api/runs/nope')).json.error.code).toBe('run_not_found');
    expect((await api.call('GET', '/api/runs/nope/events')).json.error.code).toBe('run_not_found');
  });

  it('cancelling a finished run is 409 naming its status; a running one answers its id and cancelling', async () => {
    const { key, ids } = await finishedRuns(1);
    const done = await api.call('DELETE', `/api/runs/${ids[0]}`);
    expect(done.status).toBe(409);
    expect(done.json.error).toMatchObject({ code: 'run_not_running', message: `run ${ids[0]} is succeeded, not running` });
    const r = await api.call('POST', '/deployments/slow/runs', { ms: 5000 }, { authorization: `Bearer ${key}` });
    const del = await api.call('DELETE', `/api/runs/${r.json.run_id}`, undefined, { authorization: `Bearer ${key}` });
    expect(del.status).toBe(202);
    expect(del.json).toEqual({ id: r.json.run_id, status: 'cancelling' });
  });

  it('resumes events after ?after= as after Last-Event-ID, and refuses a bad one', async () => {
    const { ids } = await finishedRuns(1);
    const rest = parseSse((await api.call('GET', `/api/runs/${ids[0]}/events?after=3`)).text);
    expect(rest.map((e) => [e.event, e.id])).toEqual([['run.finished', '4']]);
    const all = parseSse((await api.call('GET', `/api/runs/${ids[0]}/events`)).text);
    expect(all.map((e) => e.id)).toEqual(['1', '2', '3', '4']);
    const header = parseSse((await api.call('GET', `/api/runs/${ids[0]}/events?after=1`, undefined, { 'last-event-id': '3' })).text);
    expect(header.map((e) => e.id)).toEqual(['4']);
    const bad = await api.call('GET', `/api/runs/${ids[0]}/events`, undefined, { 'last-event-id': 'x' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.param).toBe('Last-Event-ID');
  });
});

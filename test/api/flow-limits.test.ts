/**
 * Big and broken flows through the API (the hono app in-process, over a real SQLite file): a
 * 10 000-node flow validates, is stored and answers on every route (it was a 500 from a recursive
 * walk); a flow past the limits is refused with its problems before anything is stored; a flow an
 * older version stored in a bad state answers with problems; a node type whose check throws gives a
 * `validation_failed` problem. None of it is ever a 500.
 */
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineNode } from '../../engine/node-definition.ts';
import { makeApi, type Api } from '../helpers/api.ts';
import { chainFlow, chainYaml, deepBlockYaml, deepList } from '../helpers/big-flows.ts';

const checkThrows = defineNode({
  type: 'check_throws', title: 'T', category: 'test', description: 'its check throws', inputs: {}, extraInputs: z.any(), output: z.any(),
  config: z.object({}).strict(), check: () => { throw new TypeError("Cannot read properties of undefined (reading 'x')"); }, run: () => null,
});

let api: Api;
let call: Api['call'];
let ws: Api['ws'];

beforeAll(() => {
  // Past the 1 MB default, so what is checked here is the flow, not the body size (see the HTTP test).
  api = makeApi({ nodes: [checkThrows], maxBodyBytes: 16 * 1024 * 1024 });
  ({ call, ws } = api);
});
afterAll(() => api.close());

describe('a 10 000-node flow', () => {
  it('validates as YAML and as JSON', async () => {
    for (const body of [chainYaml(10_000, 'v'), chainFlow(10_000, { name: 'v' })]) {
      const r = await call('POST', '/api/validate', body, typeof body === 'string' ? {} : { 'content-type': 'application/json' });
      expect(r.status, r.text.slice(0, 300)).toBe(200);
      expect(r.json).toEqual({ valid: true, problems: [] });
    }
  });

  it('is stored, and every route of it answers: read, validate, run, publish, versions, diff, delete', async () => {
    expect((await call('POST', '/api/flows', chainYaml(10_000, 'big'))).status).toBe(201);
    const got = await call('GET', '/api/flows/big');
    expect(got.json).toMatchObject({ valid: true, problems: [] });
    expect(got.json.definition.nodes).toHaveLength(10_000);
    expect((await call('GET', '/api/flows/big', undefined, { accept: 'application/yaml' })).text).toBe(chainYaml(10_000, 'big'));
    expect((await call('POST', '/api/flows/big/validate')).json).toEqual({ valid: true, problems: [] });
    const run = await call('POST', '/api/flows/big/runs', { inputs: { x: 'end to end' } });
    expect(run.json).toMatchObject({ status: 'succeeded', outputs: { out: 'end to end' } });
    expect((await call('POST', '/api/flows/big/publish', { message: 'big' })).status).toBe(201);
    expect((await call('GET', '/api/flows/big/versions')).json.data).toHaveLength(1);
    expect((await call('PUT', '/api/flows/big', chainFlow(10_001, { name: 'big' }))).status).toBe(200);
    expect((await call('GET', '/api/flows/big/diff?from=1&to=draft')).json.nodes.added).toEqual(['n10000']);
    expect((await call('DELETE', '/api/flows/big')).status).toBe(204);
  });
});

describe('a draft past the limits is refused with its problems, and nothing is stored', () => {
  const refused = async (method: string, url: string, body: unknown, status: number, code: string) => {
    const r = await call(method, url, body);
    expect(r.status, r.text.slice(0, 300)).toBe(status);
    if (status === 422) expect(r.json.error.problems.map((p: { code: string }) => p.code)).toEqual([code]);
    else expect(r.json.error.code).toBe(code);
    return r;
  };

  it('more nodes than a flow may have', async () => {
    const r = await refused('POST', '/api/flows', chainFlow(100_001, { name: 'huge' }), 422, 'too_many_nodes');
    expect(r.json.error.message).toContain('at most 100,000');
    expect((await call('GET', '/api/flows/huge')).status).toBe(404);
  });

  it('values nested past the limit: block-style YAML, a YAML alias that holds itself, deep JSON', async () => {
    await refused('POST', '/api/flows', deepBlockYaml(100_000), 400, 'too_deep');
    await refused('POST', '/api/flows', deepBlockYaml(70), 400, 'too_deep');
    await refused('POST', '/api/flows', 'weir: 1\nname: deep\nnodes: []\nlayout: &x { a: *x }\n', 400, 'too_deep');
    // Written out by hand: JSON.stringify itself recurses per level.
    const json = `{"weir":1,"name":"deep","nodes":[{"name":"a","type":"pass","inputs":{"value":${'['.repeat(100_000)}"leaf"${']'.repeat(100_000)}}}]}`;
    const r = await call('POST', '/api/flows', json, { 'content-type': 'application/json' });
    expect([r.status, r.json.error.code]).toEqual([400, 'json_too_deep']);
    expect((await call('GET', '/api/flows/deep')).status).toBe(404);
  });

  it('a JSON body that is not an object', async () => {
    for (const body of ['"weir"', '[1, 2]', 'null']) {
      const r = await call('POST', '/api/flows', body, { 'content-type': 'application/json' });
      expect(r.status).toBe(400);
      expect(r.json.error.code).toBe('not_a_mapping');
    }
  });

  it('a PUT past the limits leaves the stored draft as it was', async () => {
    expect((await call('PUT', '/api/flows/kept', chainFlow(3, { name: 'kept' }))).status).toBe(201);
    await refused('PUT', '/api/flows/kept', chainFlow(100_001, { name: 'kept' }), 422, 'too_many_nodes');
    await refused('PUT', '/api/flows/kept', deepBlockYaml(80).replace('name: deep', 'name: kept'), 400, 'too_deep');
    expect((await call('GET', '/api/flows/kept')).json.definition.nodes).toHaveLength(3);
  });

  it('keeps a draft with other problems (the studio saves as the user types)', async () => {
    const r = await call('POST', '/api/flows', 'weir: 1\nname: mangled\nnodes:\n  - name: a\n    type: prompt\n    inputs: [1, 2]\n');
    expect(r.status).toBe(201);
    expect(r.json.valid).toBe(false);
  });
});

describe('a flow an older version stored in a bad state answers its routes with problems', () => {
  const bad: Record<string, unknown> = {
    over: chainFlow(100_001, { name: 'over' }),
    deep: { weir: 1, name: 'deep', outputs: { o: '${a.output}' }, nodes: [{ name: 'a', type: 'pass', inputs: { value: deepList(2000) } }] },
    mangled: { weir: 1, name: 'mangled', nodes: [null, 5, { name: 'a' }], outputs: 7 },
  };
  beforeAll(async () => {
    for (const [name, definition] of Object.entries(bad)) {
      await ws.store.flows.put({ name, source: `weir: 1\nname: ${name}\n`, format: 'yaml', definition });
      // A published good version, so the diff route has something to compare with.
      await ws.store.versions.create({ flow: name, hash: `h-${name}`, message: 'good', author: 'old', source: '', definition: chainFlow(2, { name }) });
    }
  });

  it.each(Object.keys(bad))('%s', async (name) => {
    const got = await call('GET', `/api/flows/${name}`);
    expect(got.status).toBe(200);
    expect(got.json.valid).toBe(false);
    expect(got.json.problems.length).toBeGreaterThan(0);
    expect((await call('POST', `/api/flows/${name}/validate`)).json.valid).toBe(false);
    const run = await call('POST', `/api/flows/${name}/runs`, { inputs: { x: 'a' } });
    expect(run.status).toBe(422);
    expect(run.json.error.problems.length).toBeGreaterThan(0);
    expect((await call('POST', `/api/flows/${name}/publish`, {})).status).toBe(422);
    expect((await call('GET', `/api/flows/${name}/diff?from=1&to=draft`)).status).toBe(200);
    expect((await call('GET', `/api/flows/${name}/versions`)).status).toBe(200);
    expect((await call('PUT', `/api/flows/${name}`, chainFlow(2, { name }))).json.valid).toBe(true);
    expect((await call('DELETE', `/api/flows/${name}`)).status).toBe(204);
  });
});

describe('a node type whose check throws', () => {
  const flow = { weir: 1, name: 'throws', outputs: { o: '${t.output}' }, nodes: [{ name: 't', type: 'check_throws' }] };

  it('is a validation_failed problem naming the node and its config: reported, stored as a draft, not run', async () => {
    const v = await call('POST', '/api/validate', flow, { 'content-type': 'application/json' });
    expect(v.status).toBe(200);
    expect(v.json.valid).toBe(false);
    expect(v.json.problems).toEqual([expect.objectContaining({ code: 'validation_failed', node: 't', path: ['nodes', 0, 'config'] })]);
    expect(v.json.problems[0].message).toContain('TypeError');
    expect((await call('POST', '/api/flows', flow)).status).toBe(201);
    const run = await call('POST', '/api/flows/throws/runs', { inputs: {} });
    expect(run.status).toBe(422);
    expect(run.json.error.problems[0].code).toBe('validation_failed');
  });
});

it('refuses run inputs nested 100 000 deep as such', async () => {
  await call('PUT', '/api/flows/inputs', chainFlow(1, { name: 'inputs' }));
  const body = `{"inputs":{"x":${'['.repeat(100_000)}"leaf"${']'.repeat(100_000)}}}`;
  const r = await call('POST', '/api/flows/inputs/runs', body, { 'content-type': 'application/json' });
  expect([r.status, r.json.error.code]).toEqual([400, 'json_too_deep']);
});

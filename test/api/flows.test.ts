import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ECHO_FLOW, makeApi, parseSse, type Api } from '../helpers/api.ts';

let api: Api;
beforeEach(() => (api = makeApi()));
afterEach(() => api.close());

describe('flows API', () => {
  it('creates a flow from YAML and returns it as JSON or as the YAML the user wrote', async () => {
    const text = `# my comment\n${ECHO_FLOW}`;
    const created = await api.call('POST', '/api/flows', text);
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: 'echo', valid: true, problems: [] });
    expect(created.json.definition.nodes[0].name).toBe('shout');
    const yaml = await api.call('GET', '/api/flows/echo', undefined, { accept: 'application/yaml' });
    expect(yaml.headers.get('content-type')).toContain('yaml');
    expect(yaml.text).toBe(text);
    expect((await api.call('GET', '/api/flows')).json.data).toEqual([expect.objectContaining({ name: 'echo', versions: 0 })]);
  });

  it('accepts JSON flows, refuses duplicates, a name that does not match the URL, and broken YAML with its line', async () => {
    const def = { weir: 1, name: 'j', outputs: { x: '${a.output}' }, nodes: [{ name: 'a', type: 'coalesce', inputs: { v: 1 } }] };
    expect((await api.call('POST', '/api/flows', def)).status).toBe(201);
    expect((await api.call('POST', '/api/flows', def)).json.error.code).toBe('flow_exists');
    expect((await api.call('PUT', '/api/flows/other', def)).json.error).toMatchObject({ code: 'name_mismatch', param: 'name' });
    const broken = await api.call('POST', '/api/flows', 'weir: 1\nname: b\nnodes:\n  - name: [oops\n');
    expect(broken.status).toBe(400);
    expect(broken.json.error.code).toBe('yaml_syntax');
    expect(broken.json.error.message).toMatch(/line \d/);
  });

  it('keeps an invalid draft and reports its problems, but will not publish or run it', async () => {
    const bad = ECHO_FLOW.replace('${inputs.text}', '${inputs.txt}');
    const r = await api.call('POST', '/api/flows', bad);
    expect(r.status).toBe(201);
    expect(r.json.valid).toBe(false);
    expect(r.json.problems[0]).toMatchObject({ code: 'unknown_flow_input', node: 'shout' });
    const pub = await api.call('POST', '/api/flows/echo/publish', {});
    expect(pub.status).toBe(422);
    expect(pub.json.error.problems[0].code).toBe('unknown_flow_input');
    expect((await api.call('POST', '/api/flows/echo/runs', { inputs: { text: 'x' } })).status).toBe(422);
  });

  it('runs a draft: JSON result with trace, or run events over SSE', async () => {
    await api.call('POST', '/api/flows', ECHO_FLOW);
    const r = await api.call('POST', '/api/flows/echo/runs', { inputs: { text: 'hi', times: 2 } });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ status: 'succeeded', outputs: { said: 'hi hi' } });
    expect(r.json.trace[0]).toMatchObject({ node: 'shout', status: 'succeeded', attempts: 1 });
    const stored = await api.call('GET', `/api/runs/${r.json.run_id}`);
    expect(stored.json).toMatchObject({ status: 'succeeded', mode: 'draft', flow: 'echo', outputs: { said: 'hi hi' } });
    expect(stored.json.trace).toHaveLength(1);
    const s = await api.call('POST', '/api/flows/echo/runs', { inputs: { text: 'yo' } }, { accept: 'text/event-stream' });
    const events = parseSse(s.text);
    expect(events.map((e) => e.event)).toEqual(['run.started', 'node.started', 'node.finished', 'run.finished']);
    expect(events.map((e) => Number(e.id))).toEqual([1, 2, 3, 4]);
    expect(events[3].data.outputs).toEqual({ said: 'yo' });
  });

  it('names bad run inputs with a 400 before recording anything', async () => {
    await api.call('POST', '/api/flows', ECHO_FLOW);
    const r = await api.call('POST', '/api/flows/echo/runs', { inputs: { text: 3 } });
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ code: 'invalid_input', param: 'inputs.text' });
    expect((await api.call('GET', '/api/runs?flow=echo')).json.data).toEqual([]);
  });

  it('publishes versions with content-hash dedupe, lists them and diffs them structurally', async () => {
    await api.call('POST', '/api/flows', ECHO_FLOW);
    const v1 = await api.call('POST', '/api/flows/echo/publish', { message: 'first', author: 'ada' });
    expect(v1.status).toBe(201);
    expect(v1.json).toMatchObject({ version: 1, message: 'first', author: 'ada', created: true });
    const again = await api.call('POST', '/api/flows/echo/publish', { message: 'same' });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ version: 1, created: false });
    const changed = ECHO_FLOW.replace("' '", "'-'").replace('outputs:', 'outputs:\n  n: ${count.output}') + '  - name: count\n    type: coalesce\n    inputs: { v: 1 }\n';
    await api.call('PUT', '/api/flows/echo', changed);
    expect((await api.call('POST', '/api/flows/echo/publish', {})).json.version).toBe(2);
    expect((await api.call('GET', '/api/flows/echo/versions')).json.data.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    const diff = await api.call('GET', '/api/flows/echo/diff?from=1&to=2');
    expect(diff.json.nodes.added).toEqual(['count']);
    expect(diff.json.nodes.changed).toEqual([{ name: 'shout', fields: [{ field: 'config.expression', from: "($t := text; $join([1..times].($t), ' '))", to: "($t := text; $join([1..times].($t), '-'))" }] }]);
    expect(diff.json.outputs.added).toEqual(['n']);
    expect((await api.call('GET', '/api/flows/echo/versions/9')).status).toBe(404);
  });

  it('lists node types with ports and the JSON Schema of their config', async () => {
    const r = await api.call('GET', '/api/node-types');
    const prompt = r.json.data.find((t: { type: string }) => t.type === 'prompt');
    expect(prompt.config.type).toBe('object');
    expect(prompt.output).toEqual(expect.objectContaining({ type: 'string' }));
  });

  it('validates an unsaved flow', async () => {
    const r = await api.call('POST', '/api/validate', ECHO_FLOW.replace('transform', 'nope'));
    expect(r.json.valid).toBe(false);
    expect(r.json.problems[0]).toMatchObject({ code: 'unknown_node_type', node: 'shout', line: 10 });
  });
});

/**
 * Publishing reads a Python tool's signature again from its inline code: code edited after its import
 * (in the studio) gets ports that match it, in the version and in the draft; code that does not parse
 * refuses the publish, naming the node and the line. Real python3 (`ast`; the code is never run).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeApi, type Api } from '../helpers/api.ts';

let api: Api;
beforeEach(() => (api = makeApi()));
afterEach(() => api.close());

const flow = (code: string, params: object[]) => ({
  weir: 1,
  name: 'tool',
  inputs: { q: { type: 'string' } },
  outputs: { out: '${t.output}' },
  nodes: [{ name: 't', type: 'python', inputs: { a: '${inputs.q}' }, config: { code, function: 'f', signature: { function: 'f', params, kwargs: false, returns: 'string', generator: false, imports: [] } } }],
});
const STALE = [{ name: 'a', type: 'string', has_default: false }];

describe('publishing a flow with a python node', () => {
  it('stores the signature its code has now, in the version and the draft', async () => {
    const code = 'def f(a: str, k: int = 2) -> str:\n    return a * k\n';
    expect((await api.call('PUT', '/api/flows/tool', flow(code, STALE))).status).toBe(201);
    const pub = await api.call('POST', '/api/flows/tool/publish', {});
    expect(pub.status, pub.text).toBe(201);
    const version = await api.call('GET', '/api/flows/tool/versions/1');
    const params = version.json.definition.nodes[0].config.signature.params;
    expect(params.map((p: { name: string; type: string }) => [p.name, p.type])).toEqual([['a', 'string'], ['k', 'int']]);
    const draft = await api.call('GET', '/api/flows/tool');
    expect(draft.json.definition.nodes[0].config.signature.params).toEqual(params);
    expect(draft.json.source).toContain('name: k');
    // Publishing again changes nothing: the same version.
    const again = await api.call('POST', '/api/flows/tool/publish', {});
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ version: 1, created: false });
    const run = await api.call('POST', '/api/flows/tool/runs', { inputs: { q: 'ab' } });
    expect(run.json.outputs.out, run.text).toBe('abab');
  }, 60_000);

  it('refuses code that does not parse, naming the node and the line, and publishes nothing', async () => {
    expect((await api.call('PUT', '/api/flows/tool', flow('def f(a):\n    return (a\n', STALE))).status).toBe(201);
    const pub = await api.call('POST', '/api/flows/tool/publish', {});
    expect(pub.status).toBe(422);
    expect(pub.json.error.code).toBe('python_signature');
    expect(pub.json.error.message).toMatch(/node "t": code, line \d/);
    expect((await api.call('GET', '/api/flows/tool/versions')).json.data).toEqual([]);
  }, 60_000);
});

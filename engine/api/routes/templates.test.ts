/**
 * New flows from templates, and the warnings for names a flow gives that this server lacks: the
 * real app over a real SQLite store, called in-process; the offline default chat model answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApi, ADMIN, type Api } from '../../../test/helpers/api.ts';
import { FLOW_TEMPLATES, flowFromTemplate } from '../../app/flow-templates.ts';

let api: Api;
beforeAll(async () => {
  api = makeApi();
  expect((await api.call('POST', '/api/deployments', { name: 'chat', model: 'weir-extractive' })).status).toBe(201);
  expect((await api.call('POST', '/api/indexes', { name: 'handbook' })).status).toBe(201);
  const f = new FormData();
  f.append('files', new Blob(['Employees receive 25 days of paid leave per year. The office is closed on public holidays.\n\nThe server listens on port 8080 by default.']), 'handbook.txt');
  const res = await api.app.request('/api/indexes/handbook/documents?wait=true', { method: 'POST', headers: { authorization: `Bearer ${ADMIN}` }, body: f });
  expect(res.status).toBe(200);
}, 120_000);
afterAll(() => api?.close());

const PARAMS: Record<string, Record<string, string>> = {
  blank: {},
  'chat-with-your-data': { index: 'handbook', deployment: 'chat' },
  'rag-with-http-tool': { index: 'handbook', deployment: 'chat' },
  classification: { deployment: 'chat' },
};

describe('GET /api/templates', () => {
  it('lists each template with the params it needs and what kind of name each is', async () => {
    const r = await api.call('GET', '/api/templates');
    expect(r.status).toBe(200);
    expect(r.json.data.map((t: { id: string }) => t.id)).toEqual(['blank', 'chat-with-your-data', 'rag-with-http-tool', 'classification']);
    expect(r.json.data[1]).toMatchObject({ title: 'Chat with your data', params: [{ name: 'index', kind: 'index' }, { name: 'deployment', kind: 'deployment' }] });
    expect(r.json.data[0].params).toEqual([]);
    expect(r.json.data[0]).not.toHaveProperty('file');
  });
});

describe('POST /api/flows {template, name, params}', () => {
  it.each(FLOW_TEMPLATES.map((t) => t.id))('makes a valid flow from the %s template, with no problem at all once its names exist', async (id) => {
    const r = await api.call('POST', '/api/flows', { template: id, name: `from-${id}`, params: PARAMS[id] });
    expect(r.status, r.text).toBe(201);
    expect(r.json).toMatchObject({ name: `from-${id}`, valid: true });
    // Warnings too would say something is off in a template (an unused node, an unknown name).
    expect(r.json.problems).toEqual([]);
    expect(r.json.source).not.toMatch(/__[A-Z]+__/);
    expect(JSON.stringify(r.json.definition)).not.toContain('__FLOW__');
  });

  it('runs the classification flow offline, answering one of its labels', async () => {
    await api.call('POST', '/api/flows', { template: 'classification', name: 'sorter', params: { deployment: 'chat' } });
    const r = await api.call('POST', '/api/flows/sorter/runs', { inputs: { text: 'I am not happy: my order came broken, this is a complaint.' } });
    expect(r.status, r.text).toBe(200);
    expect(r.json.status).toBe('succeeded');
    expect(['question', 'complaint', 'praise', 'unknown']).toContain(r.json.outputs.label);
    expect(typeof r.json.outputs.answer).toBe('string');
  });

  it('runs the chat-with-your-data flow offline, answering from the index', async () => {
    await api.call('POST', '/api/flows', { template: 'chat-with-your-data', name: 'ask-handbook', params: { index: 'handbook', deployment: 'chat' } });
    const r = await api.call('POST', '/api/flows/ask-handbook/runs', { inputs: { question: 'How many days of paid leave do employees get?' } });
    expect(r.status, r.text).toBe(200);
    expect(r.json.status).toBe('succeeded');
    expect(r.json.outputs.answer).toContain('25 days');
  });

  it('refuses a bad template request naming the field', async () => {
    const bad: [unknown, number, string, string | null][] = [
      [{ template: 'nope', name: 'x1' }, 404, 'flow_template_not_found', 'template'],
      [{ template: 'classification', name: 'x2' }, 400, 'invalid_request', 'params.deployment'],
      [{ template: 'classification', name: 'x3', params: { deployment: 'a: b\nnodes: []' } }, 400, 'invalid_request', 'params.deployment'],
      [{ template: 'classification', name: 'x4', params: { deployment: 'chat', index: 'handbook' } }, 400, 'invalid_request', 'params.index'],
      [{ template: 'blank', name: '9 bad name' }, 400, 'invalid_request', 'name'],
      [{ template: 'blank', name: 'x5', extra: 1 }, 400, 'invalid_request', null],
      [{ template: 'blank', name: 'from-blank' }, 409, 'flow_exists', null],
    ];
    for (const [body, status, code, param] of bad) {
      const r = await api.call('POST', '/api/flows', body);
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(r.json.error.code).toBe(code);
      if (param) expect(r.json.error.param).toBe(param);
    }
    expect((await api.call('GET', '/api/flows')).json.data.map((f: { name: string }) => f.name)).not.toContain('x3');
  });

  it('keeps a picked name a string, whatever it looks like', () => {
    const src = flowFromTemplate('classification', 'digits', { deployment: '1234' });
    expect(src.problems).toEqual([]);
    expect((src.definition as { nodes: { config: { deployment: unknown } }[] }).nodes[0].config.deployment).toBe('1234');
  });
});

describe('names a flow gives that this server lacks', () => {
  it('are warnings with the node and the config path, and the flow stays valid', async () => {
    const r = await api.call('POST', '/api/flows', { template: 'rag-with-http-tool', name: 'missing-names', params: { index: 'no-such-index', deployment: 'not-deployed' } });
    expect(r.status).toBe(201);
    expect(r.json.valid).toBe(true);
    const warnings = r.json.problems.map((p: { code: string; node: string; path: unknown[]; severity: string; line?: number }) => [p.code, p.node, p.path.join('.'), p.severity, typeof p.line]);
    expect(warnings).toEqual([
      ['unknown_index', 'retrieve', 'nodes.0.config.index', 'warning', 'number'],
      ['unknown_deployment', 'answer', 'nodes.3.config.deployment', 'warning', 'number'],
    ]);
    expect(r.json.problems[1].message).toContain('deployment "not-deployed" does not exist');
    // The same on reading the draft and on validating it; gone once the deployment exists.
    expect((await api.call('GET', '/api/flows/missing-names')).json.problems.map((p: { code: string }) => p.code)).toEqual(['unknown_index', 'unknown_deployment']);
    expect((await api.call('POST', '/api/flows/missing-names/validate')).json).toMatchObject({ valid: true, problems: [{ code: 'unknown_index' }, { code: 'unknown_deployment' }] });
    expect((await api.call('POST', '/api/deployments', { name: 'not-deployed', model: 'weir-extractive' })).status).toBe(201);
    expect((await api.call('GET', '/api/flows/missing-names')).json.problems.map((p: { code: string }) => p.code)).toEqual(['unknown_index']);
  });

  it('covers a connection too', async () => {
    const flow = { weir: 1, name: 'calls-out', inputs: { q: { type: 'string' } }, outputs: { r: '${get.output}' }, nodes: [{ name: 'get', type: 'http', inputs: { q: '${inputs.q}' }, config: { url: '/search', connection: 'nowhere' } }] };
    const r = await api.call('PUT', '/api/flows/calls-out', flow);
    expect(r.json.problems).toMatchObject([{ code: 'connection_not_found', severity: 'warning', node: 'get', path: ['nodes', 0, 'config', 'connection'] }]);
  });
});

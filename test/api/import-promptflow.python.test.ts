/**
 * POST /api/import/promptflow with the development set's real prompt flows (zipped here, or sent as
 * a picked folder's files): flows saved as drafts the way POST /api/flows saves them, variants as
 * `name@variant`, connections created without reading the server's environment, name clashes
 * refused unless replacing, dry runs that store nothing, and the importer's report with file:line.
 * A *.python test: the importer reads tool signatures and the standard library with python3.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, makeApi, readAnswer, type Api } from '../helpers/api.ts';
import { devFlowFiles, hasPromptflowDev, NEEDS_DEV_SET, zipOf } from '../helpers/promptflow-dev.ts';

describe.skipIf(!hasPromptflowDev)(`prompt flow import over HTTP (${NEEDS_DEV_SET})`, () => {
  let api: Api;
  beforeAll(() => {
    api = makeApi();
  });
  afterAll(() => api.close());

  /** `type` null: let fetch set it (multipart with its boundary). */
  const post = async (body: RequestInit['body'], query = '', type: string | null = 'application/zip') => {
    const headers: Record<string, string> = { authorization: `Bearer ${ADMIN}` };
    if (type) headers['content-type'] = type;
    return readAnswer(await api.app.request(`/api/import/promptflow${query}`, { method: 'POST', headers, body }));
  };
  /** A dev-set flow zipped as its folder (the way a user zips one: `chat-basic/flow.dag.yaml` …). */
  const zipped = (flow: string, extra: Record<string, string> = {}) => {
    const files = new Map<string, Uint8Array | string>(devFlowFiles(flow));
    for (const [p, c] of Object.entries(extra)) files.set(p, c);
    return zipOf(files, `${flow}/`);
  };
  const node = (def: any, name: string) => def.nodes.find((n: any) => n.name === name);

  it('imports chat-basic from a zip as a draft named after its folder, template inline, with the report', async () => {
    const r = await post(await zipped('chat-basic'));
    expect(r.status, r.text).toBe(201);
    expect(r.json).toMatchObject({ outcome: 'attention', dry_run: false, flows: [{ name: 'chat-basic', status: 'created', valid: true }], connections: [], unmapped_models: ['gpt-35-turbo'] });
    const attention = r.json.report.items.find((i: any) => i.status === 'attention' && /gpt-35-turbo/.test(i.what));
    expect(attention).toMatchObject({ source: { file: 'flow.dag.yaml', line: expect.any(Number) }, why: expect.any(String), todo: expect.stringContaining('gpt-35-turbo') });
    const flow = await api.call('GET', '/api/flows/chat-basic');
    expect(flow.status).toBe(200);
    const chat = node(flow.json.definition, 'chat');
    expect(chat.type).toBe('llm');
    expect(chat.config.template).toContain('{{question}}');
    expect(chat.config).not.toHaveProperty('template_file');
    expect(flow.json.definition.inputs.question).toMatchObject({ is_chat_input: true });
  });

  it('refuses the same names again with a 409 naming them, and replaces them with replace=true', async () => {
    const again = await post(await zipped('chat-basic'));
    expect(again.status).toBe(409);
    expect(again.json.error).toMatchObject({ code: 'flow_exists', param: 'name' });
    expect(again.json.error.message).toMatch(/"chat-basic" already exists.*replace=true/);
    const replaced = await post(await zipped('chat-basic'), '?replace=true');
    expect(replaced.status, replaced.text).toBe(201);
    expect(replaced.json.flows).toMatchObject([{ name: 'chat-basic', status: 'replaced' }]);
  });

  it('maps a prompt flow deployment to a Weir deployment (JSON or a=b form), listing the ones this server lacks', async () => {
    for (const [name, map] of [['mapped_json', '{"gpt-35-turbo":"chat"}'], ['mapped_pairs', 'gpt-35-turbo=chat, gpt-4=big']]) {
      const r = await post(await zipped('chat-basic'), `?name=${name}&deployment_map=${encodeURIComponent(map)}`);
      expect(r.status, r.text).toBe(201);
      expect(r.json).toMatchObject({ flows: [{ name, status: 'created' }], missing_deployments: ['chat'], unmapped_models: [] });
      expect(r.json.flows[0].problems).toEqual([expect.objectContaining({ code: 'unknown_deployment', severity: 'warning' })]);
      const def = (await api.call('GET', `/api/flows/${name}`)).json.definition;
      expect(node(def, 'chat').config).toMatchObject({ deployment: 'chat' });
      expect(node(def, 'chat').config).not.toHaveProperty('connection');
    }
  });

  it('a dry run answers what it would make and stores nothing', async () => {
    const r = await post(await zipped('chat-basic'), '?name=preview&dry_run=true');
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ dry_run: true, flows: [{ name: 'preview', status: 'created', valid: true }] });
    expect((await api.call('GET', '/api/flows/preview')).status).toBe(404);
    // A dry run over an existing name says it would replace it (with replace=true) or refuses, as the real one would.
    expect((await post(await zipped('chat-basic'), '?dry_run=true')).status).toBe(409);
    expect((await post(await zipped('chat-basic'), '?dry_run=true&replace=true')).json.flows).toMatchObject([{ name: 'chat-basic', status: 'replaced' }]);
  });

  it('imports web-classification sent as a picked folder (multipart, webkitRelativePath names): variants as flows, Python inline, caches left out', async () => {
    const form = new FormData();
    for (const [p, bytes] of devFlowFiles('web-classification')) form.append('files', new Blob([bytes]), `web-classification/${p}`);
    form.append('files', new Blob([new Uint8Array([0xff, 0xfe, 0])]), 'web-classification/__pycache__/convert_to_dict.cpython-311.pyc');
    form.append('files', new Blob(['OPENAI_API_KEY=sk-local\n']), 'web-classification/.env');
    const r = await post(form, '', null);
    expect(r.status, r.text).toBe(201);
    expect(r.json.flows.map((f: any) => [f.name, f.status, f.valid])).toEqual([['web-classification', 'created', true], ['web-classification@variant_1', 'created', true]]);
    expect(r.json.ignored).toEqual(expect.arrayContaining(['web-classification/__pycache__/convert_to_dict.cpython-311.pyc', 'web-classification/.promptflow/flow.tools.json', 'web-classification/.env']));
    expect(r.text).not.toContain('sk-local');
    const main = (await api.call('GET', '/api/flows/web-classification')).json.definition;
    const fetch = node(main, 'fetch_text_content_from_url');
    expect(fetch.type).toBe('python');
    expect(fetch.config.code).toContain('def fetch_text_content_from_url');
    expect(fetch.config).not.toHaveProperty('code_file');
    // The variant differs from the main flow in the summarising node's template only.
    const variant = (await api.call('GET', `/api/flows/${encodeURIComponent('web-classification@variant_1')}`)).json.definition;
    expect(node(variant, 'summarize_text_content').config.template).not.toBe(node(main, 'summarize_text_content').config.template);
    // A package the tools import is an item with the requirements file and line.
    expect(r.json.report.items).toContainEqual(expect.objectContaining({ status: 'attention', what: expect.stringContaining('bs4'), source: { file: 'requirements.txt', line: 3 } }));
  });

  it('creates a connection from its YAML with the secret listed as missing: the server environment is never read', async () => {
    process.env.WEIR_IMPORT_TEST_SECRET = 'sk-must-not-leak';
    const yaml = '$schema: https://azuremlschemas.azureedge.net/promptflow/latest/OpenAIConnection.schema.json\nname: open_ai_connection\ntype: open_ai\napi_key: ${env:WEIR_IMPORT_TEST_SECRET}\n';
    try {
      const r = await post(await zipped('chat-basic', { 'open_ai_connection.yaml': yaml }), '?name=with_connection');
      expect(r.status, r.text).toBe(201);
      expect(r.json.connections).toEqual([{ name: 'open_ai_connection', type: 'openai', created: true, missing: ['WEIR_IMPORT_TEST_SECRET'] }]);
      const conn = await api.call('GET', '/api/connections/open_ai_connection');
      expect(conn.json.secrets).toEqual([]);
      expect(JSON.stringify(r.json)).not.toContain('sk-must-not-leak');
      // Imported again: the connection (its secret set by hand meanwhile) is kept as it is.
      const byHand = { ...conn.json.settings, base_url: 'https://llm.example.test/v1' };
      await api.call('PUT', '/api/connections/open_ai_connection', { type: 'openai', settings: byHand, secrets: { api_key: 'sk-set-by-hand' } });
      const again = await post(await zipped('chat-basic', { 'open_ai_connection.yaml': yaml }), '?name=with_connection_2');
      expect(again.json.connections).toEqual([{ name: 'open_ai_connection', type: 'openai', created: false, missing: [] }]);
      expect((await api.call('GET', '/api/connections/open_ai_connection')).json).toMatchObject({ settings: byHand, secrets: ['api_key'] });
    } finally {
      delete process.env.WEIR_IMPORT_TEST_SECRET;
    }
  });

  it('keeps an imported flow that does not validate as a draft with its problems, as POST /api/flows does', async () => {
    const dag = 'inputs:\n  q: {type: string}\noutputs:\n  a:\n    type: string\n    reference: ${missing.output}\nnodes: []\n';
    const r = await post(await zipOf(new Map([['flow.dag.yaml', dag]])), '?name=broken');
    expect(r.status, r.text).toBe(201);
    expect(r.json.outcome).toBe('attention');
    expect(r.json.flows).toEqual([{ name: 'broken', status: 'created', valid: false, problems: [expect.objectContaining({ code: 'unknown_node_reference', path: ['outputs', 'a'] })] }]);
    const saved = await api.call('GET', '/api/flows/broken');
    expect(saved.json).toMatchObject({ valid: false });
  });

  it('answers a flow the importer cannot convert with a 422 that carries the report, storing nothing', async () => {
    const before = (await api.call('GET', '/api/flows')).json.data.length;
    const r = await post(await zipOf(new Map([['flow.flex.yaml', 'entry: my_flow:run\n'], ['my_flow.py', 'def run(q: str) -> str:\n    return q\n']])), '?name=flex');
    expect(r.status, r.text).toBe(422);
    expect(r.json.error).toMatchObject({ code: 'import_failed', message: expect.stringContaining('flex flow') });
    expect(r.json.outcome).toBe('failed');
    expect(r.json.report.items).toContainEqual(expect.objectContaining({ status: 'not_converted', what: 'flex flow', source: { file: 'flow.flex.yaml', line: 1 } }));
    expect(r.json.error.report).toEqual(r.json.report);
    expect((await api.call('GET', '/api/flows')).json.data.length).toBe(before);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFlowSource } from '../../engine/app/flow-source.ts';
import { ECHO_FLOW, makeApi, type Api } from '../helpers/api.ts';

let api: Api;
beforeEach(() => (api = makeApi()));
afterEach(() => api.close());

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const JSON_FLOW = { weir: 1, name: 'j', outputs: { x: '${a.output}' }, nodes: [{ name: 'a', type: 'coalesce', inputs: { v: 1 } }] };

describe('flows API edges', () => {
  it('answers a created draft with its full shape and an etag', async () => {
    const r = await api.call('POST', '/api/flows', ECHO_FLOW);
    expect(r.status).toBe(201);
    expect(Object.keys(r.json).sort()).toEqual(['created_at', 'definition', 'etag', 'format', 'name', 'problems', 'source', 'updated_at', 'valid']);
    expect(r.json).toMatchObject({ name: 'echo', format: 'yaml', source: ECHO_FLOW, problems: [], valid: true });
    expect(r.json.etag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    expect(r.json.created_at).toMatch(ISO);
    expect(r.json.updated_at).toMatch(ISO);
    const got = await api.call('GET', '/api/flows/echo');
    expect(got.json.etag).toBe(r.json.etag);
    const list = await api.call('GET', '/api/flows');
    expect(list.json.data).toEqual([{ name: 'echo', updated_at: expect.stringMatching(ISO), versions: 0 }]);
  });

  it('refuses an empty body, and JSON that is not an object', async () => {
    for (const body of ['', '   \n']) {
      const r = await api.call('POST', '/api/flows', body);
      expect(r.status).toBe(400);
      expect(r.json.error).toMatchObject({ code: 'invalid_request', message: 'the body is empty: send the flow as YAML or JSON' });
    }
    for (const body of ['null', '[1]', '"text"', '3']) {
      const r = await api.call('POST', '/api/flows', body, { 'content-type': 'application/json' });
      expect(r.status, body).toBe(400);
      expect(r.json.error).toMatchObject({ code: 'not_a_mapping', message: 'a flow sent as JSON must be an object with weir, name and nodes' });
    }
  });

  it('reports a YAML syntax problem with its line in the message', async () => {
    const r = await api.call('POST', '/api/flows', 'weir: 1\nname: b\nnodes:\n  - name: [oops\n');
    expect(r.status).toBe(400);
    expect(r.json.error.message).toMatch(/ \(line \d+\)$/);
  });

  it('refuses a flow name that is not letters, digits, _ and -, on POST and PUT', async () => {
    const r = await api.call('POST', '/api/flows', { ...JSON_FLOW, name: 'has space' });
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ code: 'invalid_name', message: 'flow name "has space" must be letters, digits, _ and -, with an optional @variant', param: 'name' });
    expect((await api.call('POST', '/api/flows', { ...JSON_FLOW, name: '9lives' })).json.error.code).toBe('invalid_name');
    expect((await api.call('POST', '/api/flows', { ...JSON_FLOW, name: `_${'a'.repeat(128)}` })).json.error.code).toBe('invalid_name');
    expect((await api.call('POST', '/api/flows', { ...JSON_FLOW, name: `_${'a'.repeat(127)}` })).status).toBe(201);
    const put = await api.call('PUT', '/api/flows/bad.name', { ...JSON_FLOW, name: 'bad.name' });
    expect(put.status).toBe(400);
    expect(put.json.error).toMatchObject({ code: 'invalid_name', message: 'flow name "bad.name" must be letters, digits, _ and -, with an optional @variant' });
  });

  it('takes a variant of a flow as name@variant (imported prompt flow variants), one @ only', async () => {
    const put = await api.call('PUT', '/api/flows/j@variant_1', { ...JSON_FLOW, name: 'j@variant_1' });
    expect(put.status).toBe(201);
    expect((await api.call('GET', `/api/flows/${encodeURIComponent('j@variant_1')}`)).json).toMatchObject({ name: 'j@variant_1', valid: true });
    expect((await api.call('POST', '/api/flows/j@variant_1/publish', {})).status).toBe(201);
    for (const name of ['j@', '@v', 'j@v@w', 'j@v.1']) {
      expect((await api.call('POST', '/api/flows', { ...JSON_FLOW, name })).json.error.code, name).toBe('invalid_name');
    }
  });

  it('PUT creates with 201, replaces with 200, and names a mismatch', async () => {
    const created = await api.call('PUT', '/api/flows/j', JSON_FLOW);
    expect(created.status).toBe(201);
    expect(created.json.format).toBe('yaml');
    const replaced = await api.call('PUT', '/api/flows/j', { ...JSON_FLOW, outputs: { y: '${a.output}' } });
    expect(replaced.status).toBe(200);
    expect(replaced.json.definition.outputs).toEqual({ y: '${a.output}' });
    const mismatch = await api.call('PUT', '/api/flows/j', { ...JSON_FLOW, name: 'k' });
    expect(mismatch.json.error).toMatchObject({ code: 'name_mismatch', message: 'the flow is named "k" but the URL says "j"', param: 'name' });
  });

  it('a JSON save into a YAML draft keeps its comments', async () => {
    await api.call('POST', '/api/flows', `# keep me\n${ECHO_FLOW}`);
    const def = (await api.call('GET', '/api/flows/echo')).json.definition;
    const saved = await api.call('PUT', '/api/flows/echo', { ...def, description: 'now with a description' });
    expect(saved.status).toBe(200);
    expect(saved.json.source).toContain('# keep me');
    expect(saved.json.source).toContain('now with a description');
  });

  it('If-Match: the current tag or * saves, a stale tag or a missing draft is 412 draft_changed', async () => {
    const first = await api.call('POST', '/api/flows', ECHO_FLOW);
    const v2 = ECHO_FLOW.replace("' '", "'+'");
    const ok = await api.call('PUT', '/api/flows/echo', v2, { 'if-match': first.json.etag });
    expect(ok.status).toBe(200);
    expect(ok.json.etag).not.toBe(first.json.etag);
    const stale = await api.call('PUT', '/api/flows/echo', ECHO_FLOW, { 'if-match': first.json.etag });
    expect(stale.status).toBe(412);
    expect(stale.json.error.code).toBe('draft_changed');
    expect(stale.json.error.message).toMatch(/^flow "echo" was changed since it was loaded/);
    expect((await api.call('GET', '/api/flows/echo')).json.source).toBe(v2);
    expect((await api.call('PUT', '/api/flows/echo', ECHO_FLOW, { 'if-match': '*' })).status).toBe(200);
    const missing = await api.call('PUT', '/api/flows/j', JSON_FLOW, { 'if-match': '*' });
    expect(missing.status).toBe(412);
    expect((await api.call('GET', '/api/flows/j')).status).toBe(404);
  });

  it('serves a JSON-sent draft as YAML when asked', async () => {
    await api.call('POST', '/api/flows', JSON_FLOW);
    const y = await api.call('GET', '/api/flows/j', undefined, { accept: 'application/yaml' });
    expect(y.status).toBe(200);
    expect(y.headers.get('content-type')).toBe('application/yaml; charset=utf-8');
    expect(y.text).toMatch(/^weir: 1\nname: j\n/);
    const j = await api.call('GET', '/api/flows/j', undefined, { accept: 'application/json' });
    expect(j.json.name).toBe('j');
  });

  it('places problems of a stored YAML draft on their lines when read back', async () => {
    const bad = ECHO_FLOW.replace('${inputs.text}', '${inputs.txt}');
    const created = await api.call('POST', '/api/flows', bad);
    const got = await api.call('GET', '/api/flows/echo');
    expect(got.json.valid).toBe(false);
    expect(got.json.problems[0]).toMatchObject({ code: 'unknown_flow_input', node: 'shout', line: 11 });
    expect(got.json.problems).toEqual(created.json.problems);
    const v = await api.call('POST', '/api/flows/echo/validate');
    expect(v.status).toBe(200);
    expect(v.json.valid).toBe(false);
    expect(v.json.problems[0].code).toBe('unknown_flow_input');
    await api.call('POST', '/api/flows', ECHO_FLOW.replace('name: echo', 'name: good'));
    expect((await api.call('POST', '/api/flows/good/validate')).json).toEqual({ valid: true, problems: [] });
  });

  it('deletes a draft with 204; a missing one is flow_not_found', async () => {
    await api.call('POST', '/api/flows', ECHO_FLOW);
    expect((await api.call('DELETE', '/api/flows/echo')).status).toBe(204);
    const again = await api.call('DELETE', '/api/flows/echo');
    expect(again.status).toBe(404);
    expect(again.json.error).toMatchObject({ code: 'flow_not_found', message: 'flow "echo" not found' });
  });

  it('publishes with default message and author, and returns a version with its definition and source', async () => {
    await api.call('POST', '/api/flows', ECHO_FLOW);
    const p = await api.call('POST', '/api/flows/echo/publish', {});
    expect(p.status).toBe(201);
    expect(p.json).toEqual({ flow: 'echo', version: 1, hash: expect.any(String), message: '', author: 'admin', created_at: expect.stringMatching(ISO), created: true });
    expect((await api.call('POST', '/api/flows/echo/publish', { other: 1 })).status).toBe(400);
    expect((await api.call('POST', '/api/flows/echo/publish', { message: 'm'.repeat(2001) })).status).toBe(400);
    const v = await api.call('GET', '/api/flows/echo/versions/1');
    expect(v.status).toBe(200);
    expect(v.json).toMatchObject({ flow: 'echo', version: 1, message: '', author: 'admin', source: ECHO_FLOW });
    expect(v.json.definition.nodes[0].name).toBe('shout');
    const list = await api.call('GET', '/api/flows/echo/versions');
    expect(list.json.data).toEqual([{ flow: 'echo', version: 1, hash: p.json.hash, message: '', author: 'admin', created_at: p.json.created_at }]);
    const badN = await api.call('GET', '/api/flows/echo/versions/x');
    expect(badN.status).toBe(400);
    expect(badN.json.error).toMatchObject({ code: 'invalid_request', message: 'version must be a whole number, not "x"', param: 'version' });
  });

  it('diffs a version against the draft, and against another version by number', async () => {
    await api.call('POST', '/api/flows', ECHO_FLOW);
    await api.call('POST', '/api/flows/echo/publish', {});
    await api.call('PUT', '/api/flows/echo', ECHO_FLOW.replace("' '", "'+'"));
    const d = await api.call('GET', '/api/flows/echo/diff?from=1&to=draft');
    expect(d.status).toBe(200);
    expect(d.json.from).toBe(1);
    expect(d.json.to).toBe('draft');
    expect(d.json.nodes.changed[0]).toMatchObject({ name: 'shout' });
    await api.call('POST', '/api/flows/echo/publish', {});
    const v = await api.call('GET', '/api/flows/echo/diff?from=2&to=1');
    expect(v.json.from).toBe(2);
    expect(v.json.to).toBe(1);
    expect(v.json.nodes.changed[0]).toMatchObject({ name: 'shout' });
    const same = await api.call('GET', '/api/flows/echo/diff?from=2&to=draft');
    expect(same.json.nodes.changed).toEqual([]);
    const noFrom = await api.call('GET', '/api/flows/echo/diff?to=1');
    expect(noFrom.status).toBe(400);
    expect(noFrom.json.error.param).toBe('from');
    expect(noFrom.json.error).toMatchObject({ code: 'invalid_request', message: 'from is required: a version number' });
    const noTo = await api.call('GET', '/api/flows/echo/diff?from=1&to=');
    expect(noTo.status).toBe(400);
    expect(noTo.json.error).toMatchObject({ code: 'invalid_request', message: 'to is required: a version number or draft', param: 'to' });
    expect((await api.call('GET', '/api/flows/echo/diff?from=1')).json.error.param).toBe('to');
    expect((await api.call('GET', '/api/flows/echo/diff?from=7&to=1')).json.error.code).toBe('version_not_found');
    expect((await api.call('GET', '/api/flows/echo/diff?from=1&to=7')).json.error.code).toBe('version_not_found');
    expect((await api.call('GET', '/api/flows/echo/diff?from=1&to=x')).json.error).toMatchObject({ code: 'invalid_request', param: 'to' });
    expect((await api.call('GET', '/api/flows/echo/diff?from=x&to=1')).json.error).toMatchObject({ code: 'invalid_request', message: 'from must be a whole number, not "x"', param: 'from' });
  });

  it('serves a draft stored as JSON text (an example .json file) as YAML when asked, and as its JSON otherwise', async () => {
    const text = JSON.stringify(JSON_FLOW, null, 2);
    await api.ws.flows.create('j', readFlowSource(text, 'application/json'));
    const y = await api.call('GET', '/api/flows/j', undefined, { accept: 'application/yaml' });
    expect(y.text).not.toBe(text);
    expect(y.text).toMatch(/^weir: 1\nname: j\n/);
    const j = await api.call('GET', '/api/flows/j');
    expect(j.json).toMatchObject({ name: 'j', format: 'json', source: text, valid: true });
  });
});

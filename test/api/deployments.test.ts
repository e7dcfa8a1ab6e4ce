import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ECHO_FLOW, deployed, makeApi, parseSse, type Api } from '../helpers/api.ts';

let api: Api;
beforeEach(() => (api = makeApi()));
afterEach(() => api.close());

const score = (key: string, body: unknown, headers: Record<string, string> = {}, name = 'echo-prod') =>
  api.call('POST', `/deployments/${name}/score`, body, { authorization: `Bearer ${key}`, ...headers });

describe('deployments and published endpoints', () => {
  it('serves a published version with a key, by Bearer or api-key header, with request id and version headers', async () => {
    const { key } = await deployed(api);
    const r = await score(key, { text: 'hey', times: 3 });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ said: 'hey hey hey' });
    expect(r.headers.get('weir-version')).toBe('1');
    expect(r.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const viaApiKey = await api.call('POST', '/deployments/echo-prod/score', { text: 'a' }, { authorization: '', 'api-key': key });
    expect(viaApiKey.json).toEqual({ said: 'a' });
    await api.store.runs.flush();
    const run = await api.call('GET', `/api/runs/${r.headers.get('x-request-id')}`);
    expect(run.json).toMatchObject({ mode: 'sync', deployment: 'echo-prod', version: 1, status: 'succeeded' });
    expect(run.json.trace[0].node).toBe('shout');
  });

  it('answers the same 401 for a wrong key, a revoked key, another deployment\'s key and an unknown deployment', async () => {
    const { key } = await deployed(api);
    const other = await deployed(api, ECHO_FLOW.replace('name: echo', 'name: echo2'), 'other');
    const unknown = await score(key, { text: 'x' }, {}, 'no-such-deployment');
    const wrong = await score('weir_wrong', { text: 'x' });
    const foreign = await score(other.key, { text: 'x' });
    const none = await api.call('POST', '/deployments/echo-prod/score', { text: 'x' }, { authorization: '' });
    for (const r of [unknown, wrong, foreign, none]) {
      expect(r.status).toBe(401);
      expect(r.json.error.code).toBe('unauthorized');
    }
    expect(unknown.text).toBe(wrong.text);
    const keys = await api.call('GET', '/api/deployments/echo-prod/keys');
    expect(keys.json.data[0]).not.toHaveProperty('key');
    const activeKeys = async () => (await api.call('GET', '/api/deployments')).json.data.find((d: { name: string }) => d.name === 'echo-prod').active_keys;
    const before = await activeKeys();
    expect(before).toBe(keys.json.data.length);
    expect(key.startsWith(keys.json.data[0].prefix)).toBe(true);
    await api.call('DELETE', `/api/deployments/echo-prod/keys/${keys.json.data[0].id}`);
    expect((await score(key, { text: 'x' })).status).toBe(401);
    expect(await activeKeys()).toBe(before - 1);
  });

  it('splits traffic by weight, pins a version by header, and rolls back without a restart', async () => {
    const { key } = await deployed(api);
    await api.call('PUT', '/api/flows/echo', ECHO_FLOW.replace("' '", "'+'"));
    expect((await api.call('POST', '/api/flows/echo/publish', {})).json.version).toBe(2);
    const canary = await api.call('PATCH', '/api/deployments/echo-prod', { traffic: [{ version: 1, weight: 90 }, { version: 2, weight: 10 }] });
    expect(canary.status).toBe(200);
    const counts: Record<string, number> = { 1: 0, 2: 0 };
    const N = 600;
    for (let i = 0; i < N; i++) counts[(await score(key, { text: 'a' })).headers.get('weir-version')!]++;
    // 10 % of 600 is 60; a binomial sd is ~7.3, so 30..90 fails once in ~10^5 runs.
    expect(counts[2]).toBeGreaterThan(30);
    expect(counts[2]).toBeLessThan(90);
    const pinned = await score(key, { text: 'a', times: 2 }, { 'weir-version': '2' });
    expect(pinned.json).toEqual({ said: 'a+a' });
    expect(pinned.headers.get('weir-version')).toBe('2');
    expect((await score(key, { text: 'a' }, { 'weir-version': '7' })).json.error.code).toBe('version_not_deployed');
    await api.call('PATCH', '/api/deployments/echo-prod', { traffic: [{ version: 1, weight: 100 }] });
    for (let i = 0; i < 20; i++) expect((await score(key, { text: 'a' })).headers.get('weir-version')).toBe('1');
  });

  it('refuses traffic to versions that do not exist and duplicate deployments', async () => {
    await deployed(api);
    const bad = await api.call('PATCH', '/api/deployments/echo-prod', { traffic: [{ version: 5, weight: 100 }] });
    expect(bad.status).toBe(422);
    expect(bad.json.error).toMatchObject({ code: 'version_not_found', param: 'traffic.0.version' });
    expect((await api.call('POST', '/api/deployments', { name: 'echo-prod', flow: 'echo' })).status).toBe(409);
    expect((await api.call('POST', '/api/deployments', { name: 'Bad Name', flow: 'echo' })).status).toBe(400);
    expect((await api.call('DELETE', '/api/flows/echo')).json.error.code).toBe('flow_in_use');
  });

  it('streams outputs as SSE: chunk events, then one result with outputs and usage', async () => {
    const flow = `weir: 1\nname: talk\ninputs: { text: { type: string } }\noutputs:\n  said: \${talk.output}\nnodes:\n  - name: talk\n    type: stream\n    inputs: { text: \${inputs.text} }\n    config: { delay_ms: 5 }\n`;
    const { key } = await deployed(api, flow, 'talk');
    // Under the default safety policy text is held in windows of about 24 characters until judged: these 14 come as one.
    const judged = parseSse((await score(key, { text: 'one two three' }, { accept: 'text/event-stream' }, 'talk')).text);
    expect(judged.map((e) => e.event)).toEqual(['chunk', 'result']);
    expect(judged[0].data.chunk).toBe('one two three ');
    // A policy that filters nothing lets each chunk through as it comes.
    const off = { hate: 'off', sexual: 'off', violence: 'off', self_harm: 'off' };
    expect((await api.call('PUT', '/api/safety-policies/unfiltered', { prompt: off, completion: off, jailbreak: false })).status).toBe(200);
    expect((await api.call('PATCH', '/api/deployments/talk', { safety_policy: 'unfiltered' })).status).toBe(200);
    const r = await score(key, { text: 'one two three' }, { accept: 'text/event-stream' }, 'talk');
    expect(r.headers.get('content-type')).toContain('text/event-stream');
    const events = parseSse(r.text);
    expect(events.map((e) => e.event)).toEqual(['chunk', 'chunk', 'chunk', 'result']);
    expect(events.slice(0, 3).map((e) => e.data.chunk).join('')).toBe('one two three ');
    expect(events[3].data).toMatchObject({ outputs: { said: 'one two three ' }, version: 1 });
    const failing = await score(key, { text: 5 }, { accept: 'text/event-stream' }, 'talk');
    expect(failing.status).toBe(400);
  });

  it('serves an OpenAPI 3.1 document generated from the flow', async () => {
    const { key } = await deployed(api);
    const doc = await api.call('GET', '/deployments/echo-prod/openapi.json', undefined, { authorization: `Bearer ${key}` });
    expect(doc.json.openapi).toBe('3.1.0');
    const schema = doc.json.paths['/deployments/echo-prod/score'].post.requestBody.content['application/json'].schema;
    expect(schema).toMatchObject({ required: ['text'], properties: { text: { type: 'string' }, times: { type: 'integer', default: 1 } } });
  });

  it("lists every error status the endpoint answers, each with the shape it sends", async () => {
    const { key } = await deployed(api);
    const doc = await api.call('GET', '/deployments/echo-prod/openapi.json', undefined, { authorization: `Bearer ${key}` });
    const responses = doc.json.paths['/deployments/echo-prod/score'].post.responses;
    const met = [
      await api.call('POST', '/deployments/echo-prod/score', '{"text":', { authorization: `Bearer ${key}`, 'content-type': 'application/json' }),
      await api.call('POST', '/deployments/echo-prod/score', { text: 'a' }, { authorization: 'Bearer wrong' }),
      await api.call('POST', '/deployments/echo-prod/score', { text: 'a' }, { authorization: `Bearer ${key}`, 'weir-version': '9' }),
      await api.call('GET', '/deployments/echo-prod/score', undefined, { authorization: `Bearer ${key}` }),
    ];
    expect(met.map((r) => r.status)).toEqual([400, 401, 400, 405]);
    for (const r of met) {
      expect(responses[String(r.status)], `status ${r.status}`).toBeDefined();
      expect(responses[String(r.status)].description).not.toBe('error');
    }
    expect(Object.keys(responses).sort()).toEqual(['200', '400', '401', '404', '405', '413', '429', '502', '504']);
    expect(Object.keys(responses['429'].headers)).toEqual(expect.arrayContaining(['retry-after', 'retry-after-ms', 'x-ratelimit-remaining-requests']));
  });
});

describe('sub-flows behind an endpoint', () => {
  it('runs the latest published version of a sub-flow, and picks up a new one when it is published', async () => {
    const inner = (sep: string) => `weir: 1\nname: inner\ninputs: { text: { type: string } }\noutputs:\n  out: \${t.output}\nnodes:\n  - name: t\n    type: transform\n    inputs: { text: \${inputs.text} }\n    config: { expression: "text & '${sep}'" }\n`;
    await api.call('POST', '/api/flows', inner('!'));
    await api.call('POST', '/api/flows/inner/publish', {});
    const outer = `weir: 1\nname: outer\ninputs: { text: { type: string } }\noutputs:\n  said: \${call.output.out}\nnodes:\n  - name: call\n    type: flow\n    inputs: { text: \${inputs.text} }\n    config: { flow: inner }\n`;
    const { key } = await deployed(api, outer, 'outer');
    expect((await score(key, { text: 'hi' }, {}, 'outer')).json).toEqual({ said: 'hi!' });
    await api.call('PUT', '/api/flows/inner', inner('?'));
    // A draft change alone does not reach a deployed caller; publishing it does.
    expect((await score(key, { text: 'hi' }, {}, 'outer')).json).toEqual({ said: 'hi!' });
    expect((await api.call('POST', '/api/flows/inner/publish', {})).json.version).toBe(2);
    expect((await score(key, { text: 'hi' }, {}, 'outer')).json).toEqual({ said: 'hi?' });
  });
});

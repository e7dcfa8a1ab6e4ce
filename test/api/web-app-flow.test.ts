/**
 * A web app over a chat flow (the chat-with-your-data flow "Add your data" generates, over a small
 * data index), against the real server: the message goes to the flow's chat input, the turns so
 * far to its chat_history in prompt flow's shape, the answer streams as deltas and its `citations`
 * output arrives as the answer's sources, stored with it. A flow that is not a chat gets no app.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeRegistry } from '../../engine/registry.ts';
import { startServer, type RunningServer } from '../../engine/server.ts';
import { builtinNodes } from '../../nodes/index.ts';
import { parseSse, readAnswer } from '../helpers/api.ts';

const ADMIN = 'web-app-flow-admin';
const VISITOR = 'flow-visitor-00001';
const BIKES = `# Bicycle care

## Chains
Clean and oil the chain every 300 kilometres. A dry chain wears the cassette quickly.

## Tyres
Road tyres hold 6 to 8 bar. Check the pressure before every ride.
`;
// Echoes what the flow got, so the test sees the history it was given.
const ECHO_CHAT = `weir: 1
name: echo-chat
inputs:
  message: { type: string, is_chat_input: true }
  history: { type: list, default: [], is_chat_history: true }
  style: { type: string, default: plain }
outputs:
  reply: { reference: \${say.output}, is_chat_output: true }
nodes:
  - name: say
    type: transform
    inputs: { message: \${inputs.message}, history: \${inputs.history}, style: \${inputs.style} }
    config: { expression: '"turns=" & $string($count(history)) & " style=" & style & " last=" & ($count(history) > 0 ? history[-1].inputs.message & "/" & history[-1].outputs.reply : "none") & " said=" & message' }
`;
const QA = `weir: 1
name: qa
inputs:
  question: { type: string }
outputs:
  answer: \${say.output}
nodes:
  - name: say
    type: transform
    inputs: { q: \${inputs.question} }
    config: { expression: 'q' }
`;
let server: RunningServer;
let dir: string;

async function call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= typeof body === 'string' ? 'application/yaml' : 'application/json';
  }
  return readAnswer(await fetch(server.url + url, init));
}
const admin = (method: string, url: string, body?: unknown) => call(method, url, body, { authorization: `Bearer ${ADMIN}` });
async function chat(app: string, body: Record<string, unknown>) {
  const r = await call('POST', `/apps/${app}/chat`, body, { 'weir-visitor': VISITOR });
  const events = parseSse(r.text);
  return { ...r, events, names: events.map((e) => e.event), answer: events.filter((e) => e.event === 'delta').map((e) => e.data.text).join(''), of: (name: string) => events.find((e) => e.event === name)?.data };
}
async function deploy(flow: string, name: string) {
  expect((await admin('POST', `/api/flows/${flow}/publish`, { message: 'v1' })).status).toBeLessThan(300);
  expect((await admin('POST', '/api/deployments', { name, flow })).status).toBe(201);
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'weir-web-app-flow-'));
  server = await startServer({ registry: new NodeRegistry(builtinNodes), port: 0, host: '127.0.0.1', dataDir: dir, adminToken: ADMIN, examplesDir: null });
  expect((await admin('POST', '/api/indexes', { name: 'manuals' })).status).toBe(201);
  const files = new FormData();
  files.append('files', new Blob([BIKES]), 'bikes.md');
  const up = await fetch(`${server.url}/api/indexes/manuals/documents?wait=true`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}` }, body: files });
  expect(up.status).toBeLessThan(300);
  const gen = await admin('POST', '/api/indexes/manuals/chat-flow', {});
  expect(gen.status, gen.text).toBe(201);
  await deploy(gen.json.flow, 'manuals-chat');
}, 180_000);
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a chat-with-your-data flow as a web app', () => {
  it('is chat-shaped by its markers; the config says its answers carry citations', async () => {
    const r = await admin('PATCH', '/api/deployments/manuals-chat', { web_app: { enabled: true, title: 'Bike help' } });
    expect(r.status, r.text).toBe(200);
    expect((await call('GET', '/apps/manuals-chat/config')).json).toMatchObject({ kind: 'flow', citations: true, title: 'Bike help' });
  });

  it('answers with deltas, then the cited sources, then done; the answer is stored with its citations', async () => {
    const r = await chat('manuals-chat', { message: 'What pressure should road tyres have?' });
    expect(r.names[0], r.text).toBe('start');
    expect(r.names.slice(-2)).toEqual(['citations', 'done']);
    // The answer streams in pieces, though it reaches the output through the template's coalesce.
    expect(r.names.filter((n) => n === 'delta').length).toBeGreaterThan(1);
    expect(r.answer).toMatch(/6 to 8 bar.*\[\d+\]/);
    const citations = r.of('citations').citations;
    expect(citations[0]).toMatchObject({ source: 'bikes.md', text: expect.stringContaining('6 to 8 bar'), n: expect.any(Number) });
    expect(r.answer).toContain(`[${citations[0].n}]`);
    const id = r.of('start').conversation_id;
    const got = await call('GET', `/apps/manuals-chat/conversations/${id}`, undefined, { 'weir-visitor': VISITOR });
    expect(got.json.messages[1]).toMatchObject({ role: 'assistant', content: r.answer, citations, error: null });

    // A usage record for the flow call, under the web app's key id.
    await server.workspace.runs.usage.flush();
    const calls = (await admin('GET', '/api/usage/calls?deployment=manuals-chat')).json.data;
    expect(calls[0]).toMatchObject({ deployment: 'manuals-chat', kind: 'flow', key_id: 'web-app', status: 200 });
  });
});

describe('chat inputs and history', () => {
  beforeAll(async () => {
    expect((await admin('POST', '/api/flows', ECHO_CHAT)).status).toBe(201);
    await deploy('echo-chat', 'echo-chat');
    expect((await admin('PATCH', '/api/deployments/echo-chat', { web_app: { enabled: true, rpm: 100 } })).status).toBe(200);
  });

  it("gives the flow the message, the stored turns in prompt flow's shape, and its other inputs' defaults", async () => {
    const first = await chat('echo-chat', { message: 'hello' });
    expect(first.answer).toBe('turns=0 style=plain last=none said=hello');
    expect(first.names).toEqual(['start', 'delta', 'done']);
    const id = first.of('start').conversation_id;
    const second = await chat('echo-chat', { conversation_id: id, message: 'again' });
    expect(second.answer).toBe(`turns=1 style=plain last=hello/${first.answer} said=again`);
    const third = await chat('echo-chat', { conversation_id: id, message: 'third' });
    expect(third.answer).toMatch(/^turns=2 .*last=again\//);
  });

  it('gives the flow at most the last 20 turns of a long conversation', async () => {
    let id: string | undefined;
    let last = '';
    for (let i = 0; i < 23; i++) {
      const r = await chat('echo-chat', { ...(id ? { conversation_id: id } : {}), message: `m${i}` });
      expect(r.names.at(-1), r.text).toBe('done');
      id = r.of('start').conversation_id;
      last = r.answer;
    }
    expect(last).toMatch(/^turns=20 style=plain last=m21\/.* said=m22$/);
    const stored = await call('GET', `/apps/echo-chat/conversations/${id}`, undefined, { 'weir-visitor': VISITOR });
    expect(stored.json.messages).toHaveLength(46);
  });
});

describe("the deployment's safety policy", () => {
  it('judges the message before the flow runs: a filtered one is an error event (400 content_filter), stored, and recorded', async () => {
    expect((await admin('PUT', '/api/blocklists/secrets', { items: [{ id: 'codename', term: 'Bluebird' }] })).status).toBe(200);
    expect((await admin('PUT', '/api/safety-policies/with-secrets', { blocklists: ['secrets'] })).status).toBe(200);
    expect((await admin('POST', '/api/deployments', { name: 'echo-guarded', flow: 'echo-chat', safety_policy: 'with-secrets' })).status).toBe(201);
    expect((await admin('PATCH', '/api/deployments/echo-guarded', { web_app: { enabled: true } })).status).toBe(200);
    const r = await chat('echo-guarded', { message: 'what is bluebird?' });
    expect(r.names).toEqual(['start', 'error']);
    expect(r.of('error')).toMatchObject({ status: 400, code: 'content_filter' });
    const got = await call('GET', `/apps/echo-guarded/conversations/${r.of('start').conversation_id}`, undefined, { 'weir-visitor': VISITOR });
    expect(got.json.messages[1]).toMatchObject({ content: '', error: { code: 'content_filter' } });
    await server.workspace.runs.usage.flush();
    const calls = (await admin('GET', '/api/usage/calls?deployment=echo-guarded')).json.data;
    expect(calls[0]).toMatchObject({ status: 400, filtered: ['prompt:blocklist'], key_id: 'web-app' });
    // A clean message passes.
    expect((await chat('echo-guarded', { message: 'hello' })).names.at(-1)).toBe('done');
  });

  it("judges the flow's answer: a filtered one is withheld, an error event, stored with its error", async () => {
    // Prompts pass; answers are judged at the default. The echo flow repeats the message in its answer.
    expect((await admin('PUT', '/api/safety-policies/answers-only', { prompt: { hate: 'off', sexual: 'off', violence: 'off', self_harm: 'off' }, jailbreak: false })).status).toBe(200);
    expect((await admin('POST', '/api/deployments', { name: 'echo-judged', flow: 'echo-chat', safety_policy: 'answers-only' })).status).toBe(201);
    expect((await admin('PATCH', '/api/deployments/echo-judged', { web_app: { enabled: true } })).status).toBe(200);
    const r = await chat('echo-judged', { message: 'He stabbed the guard to death and then shot the other one in the head.' });
    expect(r.names).toEqual(['start', 'error']);
    expect(r.of('error')).toMatchObject({ status: 400, code: 'content_filter' });
    expect(r.text).not.toContain('stabbed');
    const got = await call('GET', `/apps/echo-judged/conversations/${r.of('start').conversation_id}`, undefined, { 'weir-visitor': VISITOR });
    expect(got.json.messages[1]).toMatchObject({ content: '', error: { code: 'content_filter' } });
    await server.workspace.runs.usage.flush();
    const calls = (await admin('GET', '/api/usage/calls?deployment=echo-judged')).json.data;
    expect(calls[0].filtered).toEqual(expect.arrayContaining([expect.stringMatching(/^completion:/)]));
  });
});

describe('flows that are not chats', () => {
  it("refuses an app on a flow without a chat history input: 422 not_chat_shaped naming what is missing and the version", async () => {
    expect((await admin('POST', '/api/flows', QA)).status).toBe(201);
    await deploy('qa', 'qa');
    const r = await admin('PATCH', '/api/deployments/qa', { web_app: { enabled: true } });
    expect(r.status).toBe(422);
    expect(r.json.error.code).toBe('not_chat_shaped');
    expect(r.json.error.message).toMatch(/flow "qa" version 1 .*no chat_history input/);
    expect((await admin('GET', '/api/deployments/qa')).json.web_app).toBeNull();
  });
});

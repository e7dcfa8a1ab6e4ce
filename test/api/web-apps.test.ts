/**
 * Deployments' chat web apps against the real server (loopback, free port, SQLite in a temp folder):
 * settings checked field by field, who may have an app (a chat model; not an embeddings model),
 * a public app's conversation with the offline extractive model streamed as SSE and stored (the
 * history fed into the next turn), visitors kept apart, key apps, the per-visitor rate, the
 * content-safety policy, feedback, hostile input, and the usage record a web app call leaves.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeRegistry } from '../../engine/registry.ts';
import { startServer, type RunningServer } from '../../engine/server.ts';
import { builtinNodes } from '../../nodes/index.ts';
import { parseSse, readAnswer } from '../helpers/api.ts';

const ADMIN = 'web-app-admin-token';
const ALICE = 'alice-visitor-0001';
const BOB = 'bob-visitor-000002';
const CONTEXT = 'Vienna lies on the Danube. Paris lies on the Seine. London lies on the Thames.';
let server: RunningServer;
let dir: string;

async function call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  return readAnswer(await fetch(server.url + url, init));
}
const admin = (method: string, url: string, body?: unknown) => call(method, url, body, { authorization: `Bearer ${ADMIN}` });
const visitorCall = (method: string, url: string, visitor: string, body?: unknown, headers: Record<string, string> = {}) => call(method, url, body, { 'weir-visitor': visitor, ...headers });

/** One chat message: the SSE events (or the plain JSON error of a bad request). */
async function chat(app: string, visitor: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const r = await visitorCall('POST', `/apps/${app}/chat`, visitor, body, headers);
  const sse = (r.headers.get('content-type') ?? '').startsWith('text/event-stream');
  const events = sse ? parseSse(r.text) : [];
  const text = events.filter((e) => e.event === 'delta').map((e) => e.data.text).join('');
  return { ...r, events, names: events.map((e) => e.event), answer: text, of: (name: string) => events.find((e) => e.event === name)?.data };
}

/** Limits count in fixed minute windows: calls that must share one start well before its end. */
async function awayFromMinuteEdge(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 10_000) await new Promise((ok) => setTimeout(ok, left + 100));
}

async function enable(name: string, webApp: Record<string, unknown>) {
  const r = await admin('PATCH', `/api/deployments/${name}`, { web_app: { enabled: true, ...webApp } });
  expect(r.status, r.text).toBe(200);
  return r.json;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'weir-web-apps-'));
  server = await startServer({ registry: new NodeRegistry(builtinNodes), port: 0, host: '127.0.0.1', dataDir: dir, adminToken: ADMIN, examplesDir: null });
  for (const name of ['chat', 'limited', 'keyed', 'off']) expect((await admin('POST', '/api/deployments', { name, model: 'weir-extractive' })).status).toBe(201);
  expect((await admin('PUT', '/api/blocklists/secrets', { items: [{ id: 'codename', term: 'Bluebird' }] })).status).toBe(200);
  expect((await admin('PUT', '/api/safety-policies/with-secrets', { blocklists: ['secrets'], prompt: { hate: 'off', sexual: 'off', violence: 'off', self_harm: 'off' }, jailbreak: false })).status).toBe(200);
  expect((await admin('POST', '/api/deployments', { name: 'guarded', model: 'weir-extractive', safety_policy: 'with-secrets' })).status).toBe(201);
}, 120_000);
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('settings', () => {
  it('enables an app on a chat model deployment; GET and the list carry web_app and app_url', async () => {
    const before = (await admin('GET', '/api/deployments/chat')).json;
    expect(before).toMatchObject({ web_app: null, app_url: null });
    const d = await enable('chat', { title: 'Rivers', description: 'Ask about rivers', accent: '#0b5fff', logo: 'data:image/png;base64,iVBORw0KGgo=' });
    expect(d.web_app).toEqual({ enabled: true, title: 'Rivers', description: 'Ask about rivers', logo: 'data:image/png;base64,iVBORw0KGgo=', accent: '#0b5fff', auth: 'public', rpm: 20 });
    expect(d.app_url).toBe('/apps/chat');
    const listed = (await admin('GET', '/api/deployments')).json.data.find((x: any) => x.name === 'chat');
    expect(listed).toMatchObject({ app_url: '/apps/chat', web_app: { title: 'Rivers' } });
    // A later patch changes only what it names.
    expect((await admin('PATCH', '/api/deployments/chat', { web_app: { description: null } })).json.web_app).toMatchObject({ title: 'Rivers', description: null, accent: '#0b5fff' });
    const config = await call('GET', '/apps/chat/config');
    expect(config.json).toEqual({ name: 'chat', title: 'Rivers', description: null, logo: 'data:image/png;base64,iVBORw0KGgo=', accent: '#0b5fff', auth: 'public', kind: 'model', citations: false });
  });

  it('refuses each bad field by name', async () => {
    const bad: [Record<string, unknown>, string, RegExp][] = [
      [{ enabled: true, accent: 'blue' }, 'web_app.accent', /#rrggbb/],
      [{ enabled: true, auth: 'sso' }, 'web_app.auth', /public.*key/],
      [{ enabled: true, rpm: 0 }, 'web_app.rpm', /at least 1/],
      [{ enabled: true, rpm: 2.5 }, 'web_app.rpm', /whole/],
      [{ enabled: true, title: '  ' }, 'web_app.title', /empty/],
      [{ enabled: true, logo: 'http://example.com/logo.png' }, 'web_app.logo', /https/],
      [{ enabled: true, logo: 'data:image/gif;base64,R0lGOD' }, 'web_app.logo', /png, svg\+xml, jpeg or webp/],
      [{ enabled: true, logo: `data:image/png;base64,${'A'.repeat(88_000)}` }, 'web_app.logo', /at most 64 KB/],
      [{ enabled: true, colour: '#fff' }, 'web_app', /colour/],
      [{ enabled: 'yes' }, 'web_app.enabled', /boolean/],
    ];
    for (const [webApp, param, message] of bad) {
      const r = await admin('PATCH', '/api/deployments/limited', { web_app: webApp });
      expect(r.status, JSON.stringify(webApp)).toBe(400);
      expect(r.json.error.param, JSON.stringify(webApp)).toBe(param);
      expect(r.json.error.message).toMatch(message);
    }
    const first = await admin('PATCH', '/api/deployments/limited', { web_app: { title: 'No switch' } });
    expect(first.status).toBe(400);
    expect(first.json.error).toMatchObject({ param: 'web_app.enabled', message: expect.stringMatching(/required the first time/) });
    expect((await admin('GET', '/api/deployments/limited')).json.web_app).toBeNull();
  });

  it('refuses an app on an embeddings model: 422 not_chat_shaped naming the model and its task', async () => {
    expect((await admin('POST', '/api/deployments', { name: 'vectors', model: 'use-lite' })).status).toBe(201);
    const r = await admin('PATCH', '/api/deployments/vectors', { web_app: { enabled: true } });
    expect(r.status).toBe(422);
    expect(r.json.error.code).toBe('not_chat_shaped');
    expect(r.json.error.message).toMatch(/"use-lite" is a embeddings model, not a chat model/);
    // Disabled settings may be kept on any deployment.
    expect((await admin('PATCH', '/api/deployments/vectors', { web_app: { enabled: false } })).status).toBe(200);
  });

  it('serves no app, page or config for a disabled or unknown deployment (404), and the page when enabled', async () => {
    await enable('off', {});
    expect((await admin('PATCH', '/api/deployments/off', { web_app: { enabled: false } })).json.app_url).toBeNull();
    for (const name of ['off', 'nope', 'vectors']) {
      const page = await call('GET', `/apps/${name}`);
      expect(page.status).toBe(404);
      expect(page.text).toContain('This app is not available');
      expect(page.headers.get('content-security-policy')).toBe('frame-ancestors *');
      const config = await call('GET', `/apps/${name}/config`);
      expect(config.status).toBe(404);
      expect(config.json.error.code).toBe('app_not_found');
      expect((await chat(name, ALICE, { message: 'hi' })).status).toBe(404);
    }
    const page = await call('GET', '/apps/chat');
    // The built page (dist/editor/app.html), or the page saying it is not built.
    expect([200, 503]).toContain(page.status);
    expect(page.text.toLowerCase()).toContain('<!doctype html>');
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('content-security-policy')).toBe('frame-ancestors *');
    expect(page.headers.get('x-frame-options')).toBeNull();
    const embed = await call('GET', '/apps/chat/embed.js');
    expect([200, 503]).toContain(embed.status);
    expect(embed.headers.get('content-type')).toMatch(/^application\/javascript/);
    expect((await call('GET', '/apps/off/embed.js')).status).toBe(404);
  });
});

describe('a public app over a chat model', () => {
  let conversation: string;
  let firstAnswer: string;

  it('streams start, deltas and done, stores both messages and titles the conversation with the question', async () => {
    const question = `${CONTEXT}\n\nWhich city lies on the Danube?`;
    const r = await chat('chat', ALICE, { message: question });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(r.headers.get('content-security-policy')).toBe('frame-ancestors *');
    expect(r.names[0]).toBe('start');
    expect(r.names.at(-1)).toBe('done');
    expect(r.names).toContain('delta');
    expect(r.answer).toContain('Vienna');
    const start = r.of('start');
    conversation = start.conversation_id;
    firstAnswer = r.answer;
    expect(r.of('done')).toMatchObject({ message_id: start.message_id, usage: { prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) } });

    const list = await visitorCall('GET', '/apps/chat/conversations', ALICE);
    expect(list.json.data).toEqual([{ id: conversation, title: expect.stringMatching(/^Vienna lies on the Danube\. Paris .*…$/), created_at: expect.any(String), updated_at: expect.any(String) }]);
    // The first message on one line, cut to 80 characters.
    expect(list.json.data[0].title).toHaveLength(80);
    const got = await visitorCall('GET', `/apps/chat/conversations/${conversation}`, ALICE);
    expect(got.json.messages).toEqual([
      { id: start.user_message_id, role: 'user', content: question, citations: null, error: null, feedback: null, created_at: expect.any(String) },
      { id: start.message_id, role: 'assistant', content: r.answer, citations: null, error: null, feedback: null, created_at: expect.any(String) },
    ]);
  });

  it('feeds the conversation so far into the next message (the extractive model answers from the earlier turn)', async () => {
    const r = await chat('chat', ALICE, { conversation_id: conversation, message: 'Which city lies on the Seine?' });
    expect(r.names.at(-1), r.text).toBe('done');
    expect(r.of('start').conversation_id).toBe(conversation);
    expect(r.answer).toContain('Paris');
    const got = await visitorCall('GET', `/apps/chat/conversations/${conversation}`, ALICE);
    expect(got.json.messages.map((m: any) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(got.json.messages[1].content).toBe(firstAnswer);
  });

  it("keeps visitors apart: another visitor's list is empty and the conversation is not found for it", async () => {
    expect((await visitorCall('GET', '/apps/chat/conversations', BOB)).json.data).toEqual([]);
    const r = await visitorCall('GET', `/apps/chat/conversations/${conversation}`, BOB);
    expect(r.status).toBe(404);
    expect(r.json.error.code).toBe('conversation_not_found');
    expect((await visitorCall('DELETE', `/apps/chat/conversations/${conversation}`, BOB)).status).toBe(404);
    const cont = await chat('chat', BOB, { conversation_id: conversation, message: 'And the Thames?' });
    expect(cont.status).toBe(404);
    expect(cont.json.error.code).toBe('conversation_not_found');
    expect((await visitorCall('GET', `/apps/chat/conversations/${conversation}`, ALICE)).json.messages).toHaveLength(4);
  });

  it('takes feedback on its own answers only, replaces a rating, and shows it in the conversation, the admin list and the monitor view', async () => {
    const messages = (await visitorCall('GET', `/apps/chat/conversations/${conversation}`, ALICE)).json.messages;
    const [question, answer] = messages;
    const rate = (visitor: string, id: string, body: unknown) => visitorCall('POST', `/apps/chat/messages/${id}/feedback`, visitor, body);
    const up = await rate(ALICE, answer.id, { rating: 'up' });
    expect(up.status, up.text).toBe(200);
    expect(up.json).toEqual({ rating: 'up', comment: null });
    expect((await rate(ALICE, question.id, { rating: 'up' })).json.error.code).toBe('message_not_found');
    expect((await rate(BOB, answer.id, { rating: 'down' })).status).toBe(404);
    expect((await rate(ALICE, answer.id, { rating: 'meh' })).json.error.param).toBe('rating');
    expect((await rate(ALICE, answer.id, { rating: 'up', comment: 'x'.repeat(2001) })).json.error.param).toBe('comment');
    const down = await rate(ALICE, answer.id, { rating: 'down', comment: 'Too short' });
    expect(down.json).toEqual({ rating: 'down', comment: 'Too short' });
    const got = await visitorCall('GET', `/apps/chat/conversations/${conversation}`, ALICE);
    expect(got.json.messages[1].feedback).toEqual({ rating: 'down', comment: 'Too short' });

    const list = await admin('GET', '/api/deployments/chat/feedback');
    expect(list.status).toBe(200);
    expect(list.json).toEqual({
      data: [{ id: answer.id, message_id: answer.id, conversation_id: conversation, rating: 'down', comment: 'Too short', created_at: expect.any(String), question: question.content, answer: answer.content }],
      next_cursor: null,
      counts: { up: 0, down: 1 },
    });
    expect((await call('GET', '/api/deployments/chat/feedback')).status).toBe(401);
    expect((await admin('GET', '/api/deployments/chat/feedback?cursor=garbage')).json.error.param).toBe('cursor');
    expect((await admin('GET', '/api/deployments/nope/feedback')).status).toBe(404);
    expect((await admin('GET', '/api/deployments/chat/monitor')).json.feedback).toEqual({ up: 0, down: 1 });
  });

  it('records the call as usage under the web-app key id, with the deployment and the model', async () => {
    await server.workspace.runs.usage.flush();
    const calls = (await admin('GET', '/api/usage/calls?deployment=chat')).json.data;
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(calls[0]).toMatchObject({ deployment: 'chat', kind: 'model', key_id: 'web-app', model: 'weir-extractive', status: 200 });
    expect(calls[0].completion_tokens).toBeGreaterThan(0);
  });

  it('deletes a conversation for its visitor', async () => {
    const r = await chat('chat', ALICE, { message: 'Short lived?' });
    const id = r.of('start').conversation_id;
    expect((await visitorCall('DELETE', `/apps/chat/conversations/${id}`, ALICE)).status).toBe(204);
    expect((await visitorCall('GET', `/apps/chat/conversations/${id}`, ALICE)).status).toBe(404);
  });
});

describe('limits, keys and safety', () => {
  it("refuses a visitor over the app's calls a minute with the gateway's 429 (stored), while another visitor still passes", async () => {
    await enable('limited', { rpm: 2 });
    await awayFromMinuteEdge();
    for (let i = 0; i < 2; i++) expect((await chat('limited', ALICE, { message: `${CONTEXT}\n\nWhere is Vienna?` })).names.at(-1)).toBe('done');
    const over = await chat('limited', ALICE, { message: 'One more?' });
    expect(over.status).toBe(200);
    expect(over.names).toEqual(['start', 'error']);
    expect(over.of('error')).toMatchObject({ status: 429, code: 'rate_limit_exceeded', message: expect.stringMatching(/2 messages a minute per visitor/), retry_after_seconds: expect.any(Number) });
    expect(over.of('error').retry_after_seconds).toBeGreaterThan(0);
    const stored = await visitorCall('GET', `/apps/limited/conversations/${over.of('start').conversation_id}`, ALICE);
    expect(stored.json.messages[1]).toMatchObject({ role: 'assistant', content: '', error: { code: 'rate_limit_exceeded' } });
    expect((await chat('limited', BOB, { message: `${CONTEXT}\n\nWhere is Paris?` })).names.at(-1)).toBe('done');
    await server.workspace.runs.usage.flush();
    const refused = (await admin('GET', '/api/usage/calls?deployment=limited&status=429')).json.data;
    expect(refused[0]).toMatchObject({ key_id: 'web-app', status: 429 });
  });

  it('asks a key app for a deployment key: 401 without or with a wrong one, answers with its own', async () => {
    await enable('keyed', { auth: 'key' });
    const key = (await admin('POST', '/api/deployments/keyed/keys', {})).json.key as string;
    const other = (await admin('POST', '/api/deployments/chat/keys', {})).json.key as string;
    for (const headers of [{} as Record<string, string>, { authorization: 'Bearer wrong' }, { authorization: `Bearer ${other}` }, { authorization: `Bearer ${ADMIN}` }]) {
      const r = await chat('keyed', ALICE, { message: 'hi' }, headers);
      expect(r.status, JSON.stringify(headers)).toBe(401);
      expect(r.json.error.code).toBe('unauthorized');
      expect((await visitorCall('GET', '/apps/keyed/conversations', ALICE, undefined, headers)).status).toBe(401);
    }
    expect((await call('GET', '/apps/keyed/config')).json.auth).toBe('key');
    const ok = await chat('keyed', ALICE, { message: `${CONTEXT}\n\nWhere is London?` }, { authorization: `Bearer ${key}` });
    expect(ok.names.at(-1), ok.text).toBe('done');
    expect(ok.answer).toContain('London');
    await server.workspace.runs.usage.flush();
    const calls = (await admin('GET', '/api/usage/calls?deployment=keyed')).json.data;
    expect(calls[0].key_id).not.toBe('web-app');
    expect(calls[0].key_id).toBeTruthy();
  });

  it("shows a prompt the deployment's policy filters as an error event (400 content_filter), stored with the message", async () => {
    await enable('guarded', {});
    const r = await chat('guarded', ALICE, { message: 'Tell me about project Bluebird.' });
    expect(r.names).toEqual(['start', 'error']);
    expect(r.of('error')).toMatchObject({ status: 400, code: 'content_filter' });
    expect(r.of('error').message).toMatch(/blocklist/);
    const got = await visitorCall('GET', `/apps/guarded/conversations/${r.of('start').conversation_id}`, ALICE);
    expect(got.json.messages.map((m: any) => [m.role, m.error?.code ?? null])).toEqual([['user', null], ['assistant', 'content_filter']]);
    await server.workspace.runs.usage.flush();
    const calls = (await admin('GET', '/api/usage/calls?deployment=guarded&filtered=true')).json.data;
    expect(calls[0]).toMatchObject({ status: 400, key_id: 'web-app' });
  });

  it('withholds an answer the policy filters as it streams: an error event, and what was said stored with its error', async () => {
    // Prompts pass (their filters off), answers are judged at the default. The extractive model
    // answers with the message's own sentences, so a violent sentence in it makes a violent answer.
    expect((await admin('PUT', '/api/safety-policies/answers-only', { prompt: { hate: 'off', sexual: 'off', violence: 'off', self_harm: 'off' }, jailbreak: false })).status).toBe(200);
    expect((await admin('POST', '/api/deployments', { name: 'judged', model: 'weir-extractive', safety_policy: 'answers-only' })).status).toBe(201);
    await enable('judged', {});
    const r = await chat('judged', ALICE, { message: 'He stabbed the guard to death and then shot the other one in the head.\n\nWhat did he do to the guard?' });
    expect(r.names[0]).toBe('start');
    expect(r.names.at(-1)).toBe('error');
    expect(r.names).not.toContain('done');
    expect(r.of('error')).toMatchObject({ status: 400, code: 'content_filter' });
    expect(r.answer).not.toContain('stabbed');
    const got = await visitorCall('GET', `/apps/judged/conversations/${r.of('start').conversation_id}`, ALICE);
    expect(got.json.messages[1]).toMatchObject({ role: 'assistant', content: r.answer, error: { code: 'content_filter' } });
    await server.workspace.runs.usage.flush();
    const calls = (await admin('GET', '/api/usage/calls?deployment=judged')).json.data;
    expect(calls[0].filtered).toEqual(expect.arrayContaining([expect.stringMatching(/^completion:/)]));
  });
});

describe('monitoring', () => {
  it("samples a web app's calls for the deployment's monitor like any other call", { timeout: 30_000 }, async () => {
    const MENTIONS = `weir: 1
name: mentions
inputs:
  question: { type: string }
  answer: { type: string }
outputs:
  score: \${judge.output}
nodes:
  - name: judge
    type: transform
    inputs: { question: \${inputs.question}, answer: \${inputs.answer} }
    config: { expression: "$contains(answer, 'Danube') ? 5 : 2" }
`;
    expect((await call('POST', '/api/flows', MENTIONS, { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/yaml' })).status).toBe(201);
    expect((await admin('POST', '/api/deployments', { name: 'watched', model: 'weir-extractive' })).status).toBe(201);
    await enable('watched', {});
    const put = await admin('PUT', '/api/deployments/watched/monitor', { sampling_rate: 1, evaluators: [{ flow: 'mentions', inputs: { question: '${inputs.question}', answer: '${outputs.answer}' } }] });
    expect(put.status, put.text).toBe(200);
    expect((await chat('watched', ALICE, { message: `${CONTEXT}\n\nWhich city lies on the Danube?` })).names.at(-1)).toBe('done');
    await server.workspace.monitors.flush();
    let metric: any;
    for (let i = 0; i < 200 && !metric?.count; i++) {
      metric = (await admin('GET', '/api/deployments/watched/monitor')).json.metrics.find((m: any) => m.evaluator === 'mentions');
      if (!metric?.count) await new Promise((ok) => setTimeout(ok, 50));
    }
    expect(metric).toMatchObject({ count: 1, mean: 5 });
  });
});

describe('hostile input', () => {
  it('answers bad visitor ids, ids, bodies and huge messages with a clear 400 naming what is wrong', async () => {
    const noVisitor = await call('POST', '/apps/chat/chat', { message: 'hi' });
    expect(noVisitor.status).toBe(400);
    expect(noVisitor.json.error).toMatchObject({ code: 'invalid_visitor', param: 'weir-visitor' });
    for (const v of ['short', 'x'.repeat(65), 'has spaces in it here', 'ünïcödé-visitor-id-1']) {
      expect((await visitorCall('GET', '/apps/chat/conversations', v)).json.error.code, v).toBe('invalid_visitor');
    }
    const huge = await chat('chat', ALICE, { message: 'x'.repeat(16_001) });
    expect(huge.status).toBe(400);
    expect(huge.json.error).toMatchObject({ param: 'message', message: expect.stringMatching(/16000/) });
    expect((await chat('chat', ALICE, { message: '   ' })).json.error.message).toMatch(/empty/);
    expect((await chat('chat', ALICE, {})).json.error.param).toBe('message');
    expect((await chat('chat', ALICE, { message: 'hi', extra: 1 })).status).toBe(400);
    expect((await chat('chat', ALICE, { message: 42 })).json.error.param).toBe('message');
    const garbage = await visitorCall('POST', '/apps/chat/chat', ALICE, '{"message": "hi"', { 'content-type': 'application/json' });
    expect(garbage.status).toBe(400);
    expect(garbage.json.error.code).toBe('invalid_json');
    const badId = await chat('chat', ALICE, { conversation_id: '../../etc/passwd', message: 'hi' });
    expect(badId.status).toBe(400);
    expect(badId.json.error.param).toBe('conversation_id');
    expect((await chat('chat', ALICE, { conversation_id: '00000000-0000-0000-0000-000000000000', message: 'hi' })).json.error.code).toBe('conversation_not_found');
    expect((await visitorCall('GET', `/apps/chat/conversations/${'z'.repeat(200)}`, ALICE)).status).toBe(400);
    expect((await visitorCall('POST', '/apps/chat/messages/%00/feedback', ALICE, { rating: 'up' })).status).toBe(400);
  });
});

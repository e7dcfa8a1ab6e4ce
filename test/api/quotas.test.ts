/**
 * Tokens-per-minute quota, Azure's model: a pool per remote model, allocations for its
 * deployments, and every call admitted against them (estimate at arrival, reconciled with the real
 * count at its end). Remote models are served by a second real Weir (its extractive model behind
 * /v1): nothing here is faked. The clock is held 10 s into a minute (and at the start of a 10 s
 * window), so no window rolls over mid-test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { NodeRegistry } from '../../engine/registry.ts';
import { startServer, type RunningServer } from '../../engine/server.ts';
import { builtinNodes } from '../../nodes/index.ts';
import { ECHO_FLOW, makeApi, type Api } from '../helpers/api.ts';

const UP_ADMIN = 'upstream-admin';
let up: RunningServer;
let upDir: string;
let api: Api;

const CONTEXT = 'The Danube flows through ten countries. Vienna lies on the Danube.';
const messages = [{ role: 'system', content: CONTEXT }, { role: 'user', content: 'Which city lies on the Danube?' }];
const as = (key: string) => ({ authorization: `Bearer ${key}` });
const chat = (model: string, max_tokens: number, headers: Record<string, string> = {}) => api.call('POST', '/v1/chat/completions', { model, messages, max_tokens }, headers);
const limits = (h: Headers) => Object.fromEntries([...h].filter(([k]) => k.startsWith('x-ratelimit-') || k.startsWith('retry-after')));

beforeAll(async () => {
  upDir = mkdtempSync(path.join(os.tmpdir(), 'weir-upstream-'));
  up = await startServer({ registry: new NodeRegistry(builtinNodes), port: 0, dataDir: upDir, adminToken: UP_ADMIN, examplesDir: null });
  const upCall = async (url: string, body: unknown): Promise<any> => (await fetch(up.url + url, { method: 'POST', headers: { authorization: `Bearer ${UP_ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();
  await upCall('/api/deployments', { name: 'up-chat', model: 'weir-extractive' });
  const upKey = (await upCall('/api/deployments/up-chat/keys', {})).key as string;
  api = makeApi();
  await api.call('PUT', '/api/connections/up', { type: 'openai', settings: { base_url: `${up.url}/v1` }, secrets: { api_key: upKey } });
}, 60_000);

afterAll(async () => {
  await api?.close();
  await up?.close();
  if (upDir) rmSync(upDir, { recursive: true, force: true });
});

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2027, 0, 1, 12, 0, 10) });
});
afterEach(() => vi.useRealTimers());

const deploy = (name: string, extra: Record<string, unknown> = {}, model = 'gpt-4o') => api.call('POST', '/api/deployments', { name, model, connection: 'up', remote_model: 'up-chat', ...extra });

describe('pools and allocations', () => {
  it('a remote model has the default pool until set; deployments take allocations out of it and what is left is refused beyond', async () => {
    const fresh = await api.call('GET', '/api/quotas/gpt-4o');
    expect(fresh.json).toEqual({ model: 'gpt-4o', tpm: 1_000_000, default: true, allocated: 0, left: 1_000_000, deployments: [] });
    expect((await api.call('PUT', '/api/quotas/gpt-4o', { tpm: 500_000 })).json).toMatchObject({ tpm: 500_000, default: false, left: 500_000 });

    const a = await deploy('alloc-a', { tpm: 300_000 });
    expect(a.status, a.text).toBe(201);
    expect(a.json).toMatchObject({ tpm: 300_000, rpm: 1800 });
    // Without tpm: the default allocation (100 000) when the pool has it.
    expect((await deploy('alloc-b')).json).toMatchObject({ tpm: 100_000, rpm: 600 });
    const over = await deploy('alloc-c', { tpm: 150_000 });
    expect(over.status).toBe(409);
    expect(over.json.error).toMatchObject({ code: 'quota_exceeded', param: 'tpm' });
    expect(over.json.error.message).toBe('model "gpt-4o": 150000 tokens a minute are not left in its pool of 500000 (400000 allocated, 100000 left); PUT /api/quotas/gpt-4o to raise the pool or lower another deployment\'s tpm');
    // The refused deployment was not made.
    expect((await api.call('GET', '/api/deployments/alloc-c')).status).toBe(404);
    // Exactly what is left fits; then nothing is left, and a deployment without tpm is refused too.
    expect((await deploy('alloc-c', { tpm: 100_000 })).status).toBe(201);
    const none = await deploy('alloc-d');
    expect(none.status).toBe(409);
    expect(none.json.error.message).toContain('no tokens a minute are left in its pool of 500000 (500000 allocated, 0 left)');

    const pool = (await api.call('GET', '/api/quotas/gpt-4o')).json;
    expect(pool).toMatchObject({ tpm: 500_000, allocated: 500_000, left: 0 });
    expect(pool.deployments).toEqual([{ name: 'alloc-a', tpm: 300_000, rpm: 1800 }, { name: 'alloc-b', tpm: 100_000, rpm: 600 }, { name: 'alloc-c', tpm: 100_000, rpm: 600 }]);
    expect((await api.call('GET', '/api/quotas')).json.data.map((p: { model: string }) => p.model)).toContain('gpt-4o');
  });

  it('a PATCH changes an allocation within what the pool has (its own allocation given back first); the pool cannot shrink below what is held', async () => {
    await api.call('PUT', '/api/quotas/gpt-4o-mini', { tpm: 200_000 });
    expect((await deploy('mini-a', { tpm: 120_000 }, 'gpt-4o-mini')).status).toBe(201);
    expect((await deploy('mini-b', { tpm: 50_000 }, 'gpt-4o-mini')).status).toBe(201);
    // mini-a may grow into what is left (30 000) beside its own 120 000, not beyond.
    expect((await api.call('PATCH', '/api/deployments/mini-a', { tpm: 150_000 })).json).toMatchObject({ tpm: 150_000, rpm: 900 });
    const refused = await api.call('PATCH', '/api/deployments/mini-a', { tpm: 150_001 });
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toContain('150001 tokens a minute are not left in its pool of 200000 (50000 allocated, 150000 left)');
    expect((await api.call('GET', '/api/deployments/mini-a')).json.tpm).toBe(150_000);
    const shrink = await api.call('PUT', '/api/quotas/gpt-4o-mini', { tpm: 100_000 });
    expect(shrink.status).toBe(409);
    expect(shrink.json.error.message).toContain('less than the 200000 its deployments hold (mini-a 150000, mini-b 50000)');
    // A deleted deployment gives its allocation back.
    await api.call('DELETE', '/api/deployments/mini-b');
    expect((await api.call('GET', '/api/quotas/gpt-4o-mini')).json).toMatchObject({ allocated: 150_000, left: 50_000 });
  });

  it('local models have no pool: they draw on compute, and tpm is refused for them; bad values are refused naming the field', async () => {
    const local = await api.call('GET', '/api/quotas/weir-extractive');
    expect(local.status).toBe(400);
    expect(local.json.error).toMatchObject({ code: 'not_token_metered', param: 'model' });
    const deployLocal = await api.call('POST', '/api/deployments', { name: 'local-tpm', model: 'weir-extractive', tpm: 1000 });
    expect(deployLocal.status).toBe(400);
    expect(deployLocal.json.error).toMatchObject({ code: 'not_token_metered', param: 'tpm' });
    expect((await api.call('GET', '/api/quotas/no-such-model')).json.error).toMatchObject({ code: 'model_not_found' });
    for (const tpm of [0, -5, 1.5, '1000', null]) {
      const r = await api.call('PUT', '/api/quotas/gpt-4o', { tpm });
      expect(r.status, String(tpm)).toBe(400);
      expect(r.json.error.param).toBe('tpm');
    }
    expect((await api.call('POST', '/api/deployments', { name: 'flow-tpm', flow: 'x', tpm: 10 })).json.error).toMatchObject({ param: 'tpm' });
    expect((await api.call('GET', '/api/quotas/gpt-4o', undefined, { authorization: 'Bearer nope' })).status).toBe(401);
  });
});

describe('admission against an allocation', () => {
  it('admits by the estimate (prompt + max_tokens), refuses with Azure\'s headers when the tokens run out, and gives back what a call did not use', async () => {
    // Room in the pool (the tests above used it up).
    expect((await api.call('PUT', '/api/quotas/gpt-4o', { tpm: 10_000_000 })).status).toBe(200);
    expect((await deploy('small', { tpm: 2000 })).status).toBe(201);
    const first = await chat('small', 1500);
    expect(first.status, first.text).toBe(200);
    const used = first.json.usage.total_tokens as number;
    expect(used).toBeLessThan(200);
    // Admitted with its estimate: about 1 500 + the prompt's tokens taken from the 2 000.
    const h = limits(first.headers);
    expect(h['x-ratelimit-limit-tokens']).toBe('2000');
    expect(Number(h['x-ratelimit-remaining-tokens'])).toBeLessThan(500);
    // 2 000 tokens a minute give 12 requests a minute: 2 per 10 s window.
    expect([h['x-ratelimit-limit-requests'], h['x-ratelimit-remaining-requests'], h['x-ratelimit-reset-requests']]).toEqual(['2', '1', '10s']);

    // Once the first call has ended, its unused estimate is back: a second large call fits.
    await vi.waitFor(async () => {
      const second = await chat('small', 1500);
      expect(second.status, second.text).toBe(200);
    });
    // The second call used its second request of the 10 s window: the third is refused on requests.
    const third = await chat('small', 10);
    expect(third.status).toBe(429);
    expect(third.json.error).toMatchObject({ code: 'rate_limit_exceeded', type: 'rate_limit_error' });
    expect(third.json.error.message).toBe('deployment "small"\'s 12 requests a minute (2 per 10 s; 6 a minute per 1 000 tokens a minute of its allocation) is used up; try again in 10 s');
    expect(limits(third.headers)).toMatchObject({ 'retry-after': '10', 'x-ratelimit-limit-requests': '2', 'x-ratelimit-remaining-requests': '0' });
    // What is left of the 10 s window on the held clock (vi.waitFor above moves it a little).
    expect(Number(third.headers.get('retry-after-ms'))).toBeGreaterThan(9000);
    expect(Number(third.headers.get('retry-after-ms'))).toBeLessThanOrEqual(10_000);

    // The next 10 s window: requests again, but a call estimated beyond the tokens left is refused on tokens.
    vi.setSystemTime(Date.UTC(2027, 0, 1, 12, 0, 20));
    const big = await chat('small', 1990);
    expect(big.status).toBe(429);
    expect(big.json.error.message).toContain('deployment "small"\'s allocation of 2000 tokens a minute (model gpt-4o) is used up; try again in 40 s');
    expect(limits(big.headers)).toMatchObject({ 'retry-after': '40', 'x-ratelimit-remaining-tokens': '0' });
    // A refused call takes nothing: a small one still goes through in the same window.
    expect((await chat('small', 10)).status).toBe(200);
  });

  it('a deployment\'s key with its own tpm is refused on its tokens, whatever the allocation has left', async () => {
    expect((await deploy('keyed', { tpm: 100_000 })).status).toBe(201);
    const k = (await api.call('POST', '/api/deployments/keyed/keys', { name: 'capped', tpm: 600 })).json;
    expect(k.tpm).toBe(600);
    const ok = await chat('keyed', 400, as(k.key));
    expect(ok.status, ok.text).toBe(200);
    // Whether or not the first call's unused estimate is back yet, 580 more do not fit in 600.
    const refused = await chat('keyed', 580, as(k.key));
    expect(refused.status).toBe(429);
    expect(refused.json.error.message).toBe("this key's limit of 600 tokens a minute is used up; try again in 50 s");
    // The key's window is the tightest: its numbers are the ones in the headers.
    expect(limits(refused.headers)).toMatchObject({ 'x-ratelimit-limit-tokens': '600', 'x-ratelimit-remaining-tokens': '0' });
  });
});

describe('flows', () => {
  const askFlow = (name: string, deployment: string) => `weir: 1
name: ${name}
inputs:
  question: { type: string }
outputs:
  answer: \${answer.output}
nodes:
  - name: answer
    type: llm
    inputs: { question: \${inputs.question} }
    config:
      deployment: ${deployment}
      max_tokens: 1500
      template: |
        system:
        ${CONTEXT}
        user:
        {{ question }}
`;

  const publish = async (name: string, text: string, extra: Record<string, unknown> = {}) => {
    expect((await api.call('POST', '/api/flows', text)).status).toBe(201);
    expect((await api.call('POST', `/api/flows/${name}/publish`, {})).status).toBeLessThan(300);
    const d = await api.call('POST', '/api/deployments', { name, flow: name, ...extra });
    expect(d.status, d.text).toBe(201);
    return (await api.call('POST', `/api/deployments/${name}/keys`, {})).json.key as string;
  };

  it('a model call inside a flow draws on its model deployment\'s allocation, priced; when it is used up the caller gets a 429', async () => {
    expect((await api.call('PUT', '/api/quotas/gpt-4o-mini', { tpm: 10_000_000 })).status).toBe(200);
    expect((await deploy('flow-model', { tpm: 5000 }, 'gpt-4o-mini')).status).toBe(201);
    const key = await publish('ask-quota', askFlow('ask-quota', 'flow-model'));
    const score = () => api.call('POST', '/deployments/ask-quota/score', { question: 'Which city lies on the Danube?' }, as(key));
    const first = await score();
    expect(first.status, first.text).toBe(200);
    expect(first.json.answer).toContain('Vienna');
    // The run's usage carries the cost the gateway priced (gpt-4o-mini has a catalog price).
    await api.store.runs.flush();
    const run = (await api.call('GET', `/api/runs/${first.headers.get('x-request-id')}`)).json;
    expect(run.usage.cost).toBeGreaterThan(0);
    expect(run.usage.total_tokens).toBeGreaterThan(0);
    // A direct call's estimate (about 4 930 of the 5 000) is held while its stream is open: the flow's
    // model call (about 1 530) does not fit beside it, and the caller gets a 429 naming the allocation.
    const held = await api.app.request('/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer test-admin-token' }, body: JSON.stringify({ model: 'flow-model', messages, max_tokens: 4900, stream: true }) });
    expect(held.status).toBe(200);
    const refused = await score();
    expect(refused.status).toBe(429);
    expect(refused.json.error.code).toBe('rate_limit_exceeded');
    expect(refused.json.error.message).toContain('deployment "flow-model"\'s allocation of 5000 tokens a minute');
    // The stream read to its end: its estimate comes back, less what it used, and the flow runs again.
    await held.text();
    await vi.waitFor(async () => expect((await score()).status).toBe(200));
  });

  it('a flow deployment\'s own rpm holds across its keys, and a PATCH lifts it', async () => {
    const key = await publish('echo-rpm', ECHO_FLOW.replace('name: echo', 'name: echo-rpm'), { rpm: 2 });
    const other = (await api.call('POST', '/api/deployments/echo-rpm/keys', {})).json.key as string;
    expect((await api.call('GET', '/api/deployments/echo-rpm')).json.rpm).toBe(2);
    const score = (k: string) => api.call('POST', '/deployments/echo-rpm/score', { text: 'hi' }, as(k));
    const a = await score(key);
    expect(a.status).toBe(200);
    expect([a.headers.get('x-ratelimit-limit-requests'), a.headers.get('x-ratelimit-remaining-requests')]).toEqual(['2', '1']);
    expect((await score(other)).headers.get('x-ratelimit-remaining-requests')).toBe('0');
    const refused = await score(key);
    expect(refused.status).toBe(429);
    expect(refused.json.error.message).toBe('deployment "echo-rpm"\'s limit of 2 requests a minute is used up; try again in 50 s');
    expect((await api.call('PATCH', '/api/deployments/echo-rpm', { rpm: null })).json.rpm).toBeNull();
    const after = await score(key);
    expect(after.status).toBe(200);
    expect(after.headers.get('x-ratelimit-limit-requests')).toBeNull();
    // A flow deployment takes no tpm; a model deployment no rpm of its own.
    expect((await api.call('PATCH', '/api/deployments/echo-rpm', { tpm: 10 })).json.error).toMatchObject({ code: 'invalid_request', param: 'tpm' });
    expect((await api.call('PATCH', '/api/deployments/flow-model', { rpm: 10 })).json.error).toMatchObject({ code: 'invalid_request', param: 'rpm' });
  });
});

/**
 * A key's own limit (rpm) through the published endpoint and the OpenAI routes, in-process over a
 * real store: OpenAI's x-ratelimit headers on answers, a 429 with retry-after when used up, and
 * keys kept apart. The clock is held inside one minute, so the window cannot roll over mid-test.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { deployed, makeApi, type Api } from '../helpers/api.ts';

let api: Api;
const as = (key: string) => ({ authorization: `Bearer ${key}` });
const messages = [{ role: 'system', content: 'Paris is the capital of France.' }, { role: 'user', content: 'What is the capital of France?' }];

beforeAll(async () => {
  api = makeApi();
  await deployed(api);
  expect((await api.call('POST', '/api/deployments', { name: 'chat', model: 'weir-extractive' })).status).toBe(201);
});
afterAll(() => api.close());
beforeEach(() => {
  // 10 s into a minute: the window has 50 s left whatever the test does.
  vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2027, 0, 1, 12, 0, 10) });
});
afterEach(() => vi.useRealTimers());

const key = async (path: string, body: Record<string, unknown>) => {
  const r = await api.call('POST', path, body);
  expect(r.status, r.text).toBe(201);
  return r.json as { key: string; rpm: number | null };
};

describe('a key with its own rpm', () => {
  it('answers with what is left of the minute, then 429 with when to try again; other keys go on', async () => {
    const k = await key('/api/deployments/echo-prod/keys', { name: 'limited', rpm: 2 });
    expect(k.rpm).toBe(2);
    const free = (await key('/api/deployments/echo-prod/keys', { name: 'free' })).key;
    const score = (secret: string) => api.call('POST', '/deployments/echo-prod/score', { text: 'hi' }, as(secret));
    const first = await score(k.key);
    expect(first.status).toBe(200);
    expect([first.headers.get('x-ratelimit-limit-requests'), first.headers.get('x-ratelimit-remaining-requests'), first.headers.get('x-ratelimit-reset-requests')]).toEqual(['2', '1', '50s']);
    expect((await score(k.key)).headers.get('x-ratelimit-remaining-requests')).toBe('0');
    const refused = await score(k.key);
    expect(refused.status).toBe(429);
    expect(refused.json.error).toMatchObject({ code: 'rate_limit_exceeded', type: 'rate_limit_error' });
    expect(refused.json.error.message).toContain('2 requests a minute');
    expect([refused.headers.get('retry-after'), refused.headers.get('retry-after-ms'), refused.headers.get('x-ratelimit-remaining-requests')]).toEqual(['50', '50000', '0']);
    // No limit of its own: no headers, and the other key's window is not touched.
    const other = await score(free);
    expect(other.status).toBe(200);
    expect(other.headers.get('x-ratelimit-limit-requests')).toBeNull();
    // A bad key is still a 401, not a 429.
    expect((await score('weir_nope')).status).toBe(401);
  });

  it('limits a shared key on the OpenAI routes the same way, counted across the deployments it opens', async () => {
    const k = await key('/api/keys', { name: 'app', deployments: ['chat', 'echo-prod'], rpm: 2 });
    const chat = await api.call('POST', '/v1/chat/completions', { model: 'chat', messages }, as(k.key));
    expect(chat.status).toBe(200);
    expect(chat.headers.get('x-ratelimit-remaining-requests')).toBe('1');
    expect((await api.call('POST', '/deployments/echo-prod/score', { text: 'hi' }, as(k.key))).headers.get('x-ratelimit-remaining-requests')).toBe('0');
    const refused = await api.call('POST', '/openai/deployments/chat/chat/completions?api-version=2024-10-21', { messages }, { authorization: '', 'api-key': k.key });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('50');
    expect(refused.json.error).toMatchObject({ code: 'rate_limit_exceeded', type: 'rate_limit_error' });
  });

  it('refuses an rpm that is not a whole number above 0', async () => {
    for (const rpm of [0, -1, 1.5, '10']) {
      const r = await api.call('POST', '/api/deployments/echo-prod/keys', { rpm });
      expect(r.status, String(rpm)).toBe(400);
      expect(r.json.error).toMatchObject({ code: 'invalid_request', param: 'rpm' });
    }
  });
});

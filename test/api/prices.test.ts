/**
 * Prices with effective dates: the catalog's price is the default; a price set for a model takes
 * effect from its date, for calls priced then (per token) and for hosting billed by the hour.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeApi, type Api } from '../helpers/api.ts';

let api: Api;
const T0 = Date.UTC(2027, 0, 1, 9, 0, 0);
const HOUR = 3_600_000;
const iso = (t: number) => new Date(t).toISOString();
const messages = [{ role: 'system', content: 'Vienna lies on the Danube.' }, { role: 'user', content: 'Which city lies on the Danube?' }];

beforeAll(() => {
  api = makeApi();
});
afterAll(() => api.close());
afterEach(() => vi.useRealTimers());

describe('prices', () => {
  it('the catalog\'s price is the default; a set price takes over from its date, and a later one from its own', async () => {
    const fresh = await api.call('GET', '/api/prices/gpt-4o-mini');
    expect(fresh.json).toEqual({ model: 'gpt-4o-mini', catalog: { input_per_1k: 0.00015, output_per_1k: 0.0006, per_hour: null }, current: { input_per_1k: 0.00015, output_per_1k: 0.0006, per_hour: null }, history: [] });
    const past = await api.call('POST', '/api/prices/gpt-4o-mini', { effective_from: iso(Date.now() - HOUR), input_per_1k: 0.0001, output_per_1k: 0.0004 });
    expect(past.status, past.text).toBe(201);
    const future = await api.call('POST', '/api/prices/gpt-4o-mini', { effective_from: iso(Date.now() + 24 * HOUR), input_per_1k: 0.0002 });
    expect(future.json).toMatchObject({ input_per_1k: 0.0002, output_per_1k: null });
    const now = (await api.call('GET', '/api/prices/gpt-4o-mini')).json;
    expect(now.current).toEqual({ input_per_1k: 0.0001, output_per_1k: 0.0004, per_hour: null });
    expect(now.history.map((h: { input_per_1k: number }) => h.input_per_1k)).toEqual([0.0001, 0.0002]);
  });

  it('a call is priced at the price in effect when it is made, and the usage report sums those costs', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: T0 });
    await api.call('POST', '/api/deployments', { name: 'chat', model: 'weir-extractive' });
    // The extractive model is free in the catalog; price its tokens from T0 + 1 h.
    await api.call('POST', '/api/prices/weir-extractive', { effective_from: iso(T0 + HOUR), input_per_1k: 1, output_per_1k: 2 });
    const free = await api.call('POST', '/v1/chat/completions', { model: 'chat', messages });
    vi.setSystemTime(T0 + HOUR + 1000);
    const paid = await api.call('POST', '/v1/chat/completions', { model: 'chat', messages });
    expect([free.status, paid.status]).toEqual([200, 200]);
    await vi.waitFor(async () => {
      await api.ws.runs.usage.flush();
      const report = (await api.call('GET', `/api/usage?from=${iso(T0)}&to=${iso(T0 + 2 * HOUR)}&group_by=hour`)).json;
      const u = paid.json.usage;
      expect(report.data).toEqual([
        { hour: '2027-01-01T09:00Z', requests: 1, prompt_tokens: free.json.usage.prompt_tokens, completion_tokens: free.json.usage.completion_tokens, total_tokens: free.json.usage.total_tokens, cost: 0 },
        { hour: '2027-01-01T10:00Z', requests: 1, prompt_tokens: u.prompt_tokens, completion_tokens: u.completion_tokens, total_tokens: u.total_tokens, cost: Math.round(((u.prompt_tokens / 1000) * 1 + (u.completion_tokens / 1000) * 2) * 1e6) / 1e6 },
      ]);
    });
  });

  it('hosting: a local deployment with an hourly price is billed for the hours it was deployed, each hour at its price', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: T0 });
    await api.call('POST', '/api/prices/use-lite', { effective_from: iso(T0 - HOUR), per_hour: 0.5 });
    await api.call('POST', '/api/prices/use-lite', { effective_from: iso(T0 + 2 * HOUR), per_hour: 1 });
    expect((await api.call('POST', '/api/deployments', { name: 'hosted', model: 'use-lite' })).status).toBe(201);
    vi.setSystemTime(T0 + 3 * HOUR);
    const r = (await api.call('GET', `/api/usage?from=${iso(T0 - 5 * HOUR)}&to=${iso(T0 + 10 * HOUR)}&deployment=hosted`)).json;
    // Deployed at T0, now T0 + 3 h: 2 h at 0.5, then 1 h at 1; nothing before it existed or after now.
    expect(r.hosting).toEqual({ data: [{ deployment: 'hosted', model: 'use-lite', hours: 3, cost: 2 }], cost: 2 });
    // A range that ends earlier bills only its part.
    expect((await api.call('GET', `/api/usage?from=${iso(T0)}&to=${iso(T0 + HOUR)}&deployment=hosted`)).json.hosting.cost).toBe(0.5);
  });

  it('refuses what it cannot use, naming the field', async () => {
    expect((await api.call('GET', '/api/prices/no-such-model')).json.error).toMatchObject({ code: 'model_not_found' });
    expect((await api.call('POST', '/api/prices/no-such-model', { input_per_1k: 1 })).status).toBe(404);
    for (const [body, param] of [[{}, 'input_per_1k'], [{ input_per_1k: -1 }, 'input_per_1k'], [{ per_hour: '2' }, 'per_hour'], [{ effective_from: 'soon', per_hour: 1 }, 'effective_from'], [{ per_hour: 1, currency: 'EUR' }, null]] as const) {
      const r = await api.call('POST', '/api/prices/gpt-4o', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json.error.param, JSON.stringify(body)).toBe(param);
    }
  });
});

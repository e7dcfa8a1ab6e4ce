/**
 * GET /api/usage: the per-minute rows the gateway meters, summed by deployment, key, model, day or
 * hour over a range, as JSON or CSV. The grouping is checked on rows recorded through the store's
 * own port at known times; one call through /v1 checks that what is served is what is reported.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApi, type Api } from '../helpers/api.ts';

let api: Api;
const T = Date.UTC(2026, 10, 30, 23, 30); // 23:30 on 30 November: the next hour is the next day.
const at = (minutes: number) => T + minutes * 60_000;
const q = (s: string) => api.call('GET', `/api/usage?${s}`);

beforeAll(async () => {
  api = makeApi();
  await api.call('POST', '/api/deployments', { name: 'chat', model: 'weir-extractive' });
  await api.call('POST', '/api/deployments', { name: 'embed', model: 'use-lite' });
  const u = api.store.usage;
  await u.record('chat', 'k1', { prompt_tokens: 100, completion_tokens: 20, cost: 0.1 }, at(0));
  await u.record('chat', 'k1', { prompt_tokens: 50, completion_tokens: 5, cost: 0.2 }, at(45)); // 00:15 on 1 December
  await u.record('chat', 'k2', { prompt_tokens: 10, completion_tokens: 1 }, at(1), 2);
  await u.record('embed', 'k1', { prompt_tokens: 7 }, at(50));
  await u.record('gone', null, { prompt_tokens: 3 }, at(5)); // a deployment deleted since
});
afterAll(() => api.close());

const range = `from=${new Date(T).toISOString()}&to=${new Date(at(120)).toISOString()}`;

describe('the usage report', () => {
  it('sums everything in the range when nothing is grouped', async () => {
    const r = await q(range);
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ from: '2026-11-30T23:30:00.000Z', to: '2026-12-01T01:30:00.000Z', group_by: [] });
    const all = { requests: 6, prompt_tokens: 170, completion_tokens: 26, total_tokens: 196, cost: 0.3 };
    expect(r.json.data).toEqual([all]);
    expect(r.json.total).toEqual(all);
  });

  it('groups by deployment and key, by model (null for a deployment that is gone), by day and by hour in UTC', async () => {
    expect((await q(`${range}&group_by=deployment,key`)).json.data).toEqual([
      { deployment: 'chat', key: 'k1', requests: 2, prompt_tokens: 150, completion_tokens: 25, total_tokens: 175, cost: 0.3 },
      { deployment: 'chat', key: 'k2', requests: 2, prompt_tokens: 10, completion_tokens: 1, total_tokens: 11, cost: 0 },
      { deployment: 'gone', key: null, requests: 1, prompt_tokens: 3, completion_tokens: 0, total_tokens: 3, cost: 0 },
      { deployment: 'embed', key: 'k1', requests: 1, prompt_tokens: 7, completion_tokens: 0, total_tokens: 7, cost: 0 },
    ]);
    expect((await q(`${range}&group_by=model`)).json.data.map((l: any) => [l.model, l.requests])).toEqual([['weir-extractive', 4], [null, 1], ['use-lite', 1]]);
    expect((await q(`${range}&group_by=day`)).json.data.map((l: any) => [l.day, l.requests, l.cost])).toEqual([['2026-11-30', 4, 0.1], ['2026-12-01', 2, 0.2]]);
    expect((await q(`${range}&group_by=hour,deployment`)).json.data.map((l: any) => [l.hour, l.deployment, l.requests])).toEqual([
      ['2026-11-30T23:00Z', 'chat', 3], ['2026-11-30T23:00Z', 'gone', 1], ['2026-12-01T00:00Z', 'chat', 1], ['2026-12-01T00:00Z', 'embed', 1],
    ]);
  });

  it('filters by deployment, key and model, and the range is [from, to)', async () => {
    expect((await q(`${range}&deployment=chat&key=k1`)).json.total).toMatchObject({ requests: 2, prompt_tokens: 150 });
    expect((await q(`${range}&model=use-lite`)).json.total).toMatchObject({ requests: 1, prompt_tokens: 7 });
    // to at 00:15 leaves out the call made at 00:15.
    expect((await q(`from=${new Date(T).toISOString()}&to=${new Date(at(45)).toISOString()}`)).json.total.requests).toBe(4);
    expect((await q(`${range}&deployment=nobody`)).json).toMatchObject({ data: [], total: { requests: 0, cost: 0 } });
  });

  it('exports CSV for a spreadsheet', async () => {
    const r = await api.app.request(`/api/usage?${range}&group_by=day,deployment&format=csv`, { headers: { authorization: 'Bearer test-admin-token' } });
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(r.headers.get('content-disposition')).toContain('attachment');
    expect(await r.text()).toBe(
      'day,deployment,requests,prompt_tokens,completion_tokens,total_tokens,cost\r\n' +
        '2026-11-30,chat,3,110,21,131,0.1\r\n2026-11-30,gone,1,3,0,3,0\r\n2026-12-01,chat,1,50,5,55,0.2\r\n2026-12-01,embed,1,7,0,7,0\r\n',
    );
  });

  it('refuses what it cannot read, naming the parameter; needs the admin token', async () => {
    for (const [s, param] of [
      ['from=yesterday', 'from'], ['to=2026-13-45T99:00:00Z', 'to'], [`from=${new Date(at(10)).toISOString()}&to=${new Date(T).toISOString()}`, 'from'],
      ['from=2020-01-01&to=2026-01-01', 'from'], ['group_by=week', 'group_by'], ['group_by=day,hour', 'group_by'], ['format=xml', 'format'],
    ]) {
      const r = await q(s);
      expect(r.status, s).toBe(400);
      expect(r.json.error.param, s).toBe(param);
    }
    expect((await api.call('GET', '/api/usage', undefined, { authorization: 'Bearer nope' })).status).toBe(401);
  });

  it('reports what a key\'s calls through /v1 used', async () => {
    const key = (await api.call('POST', '/api/deployments/chat/keys', { name: 'app' })).json;
    const messages = [{ role: 'system', content: 'Vienna lies on the Danube.' }, { role: 'user', content: 'Which city lies on the Danube?' }];
    const answer = await api.call('POST', '/v1/chat/completions', { model: 'chat', messages }, { authorization: `Bearer ${key.key}` });
    expect(answer.status).toBe(200);
    await api.ws.runs.usage.flush();
    const r = await q(`key=${key.id}&group_by=deployment,key`);
    expect(r.json.data).toEqual([{ deployment: 'chat', key: key.id, requests: 1, prompt_tokens: answer.json.usage.prompt_tokens, completion_tokens: answer.json.usage.completion_tokens, total_tokens: answer.json.usage.total_tokens, cost: 0 }]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../helpers/cluster.ts';

/**
 * Quota across instances: two real `weir serve` processes on one Postgres and one Redis share one
 * pool per model (the store) and one set of limit windows (Redis). The remote model is served by
 * the cluster itself: its extractive chat model behind /v1, reached through a connection.
 */

const A = 0;
const B = 1;
let cluster: Cluster;
let burst: { id: string; status: number }[] = [];

const messages = [{ role: 'system', content: 'Vienna lies on the Danube.' }, { role: 'user', content: 'Which city lies on the Danube?' }];

beforeAll(async () => {
  cluster = await startCluster({ instances: 2 });
  const upstream = await cluster.admin(A, 'POST', '/api/deployments', { name: 'up-chat', model: 'weir-extractive' });
  expect(upstream.status, upstream.text).toBe(201);
  const key = (await cluster.admin(A, 'POST', '/api/deployments/up-chat/keys', {})).json.key as string;
  const conn = await cluster.admin(A, 'PUT', '/api/connections/self', { type: 'openai', settings: { base_url: `${cluster.urls[A]}/v1` }, secrets: { api_key: key } });
  expect(conn.status, conn.text).toBeLessThan(300);
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
}, 60_000);

/** Waits for the start of a fresh 10 s window (Azure's short request window), so a burst falls inside one. */
async function atWindowStart(): Promise<void> {
  const wait = 10_000 - (Date.now() % 10_000) + 100;
  await new Promise((r) => setTimeout(r, wait));
}

describe('quota shared by the instances', () => {
  it('one pool: an allocation made through one instance is held against the other\'s', async () => {
    expect((await cluster.admin(A, 'PUT', '/api/quotas/gpt-4o', { tpm: 10_000 })).status).toBe(200);
    const made = await cluster.admin(A, 'POST', '/api/deployments', { name: 'gated', model: 'gpt-4o', connection: 'self', remote_model: 'up-chat', tpm: 3000 });
    expect(made.status, made.text).toBe(201);
    expect((await cluster.admin(B, 'GET', '/api/quotas/gpt-4o')).json).toMatchObject({ tpm: 10_000, allocated: 3000, left: 7000 });
    const over = await cluster.admin(B, 'POST', '/api/deployments', { name: 'too-big', model: 'gpt-4o', connection: 'self', remote_model: 'up-chat', tpm: 7001 });
    expect(over.status).toBe(409);
    expect(over.json.error.message).toContain('(3000 allocated, 7000 left)');
  });

  it('one set of windows: a burst over both instances is admitted exactly up to the allocation\'s requests per 10 s', async () => {
    // 3 000 tokens a minute: 18 requests a minute, 3 per 10 s, however many instances answer.
    await atWindowStart();
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => cluster.admin(i % 2 ? B : A, 'POST', '/v1/chat/completions', { model: 'gated', messages, max_tokens: 5 })));
    // The burst must have stayed inside one window for the count to be exact.
    expect(Math.floor(Date.now() / 10_000)).toBe(Math.floor(started / 10_000));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(9);
    const refused = answers.find((a) => a.status === 429)!;
    expect(refused.json.error.code).toBe('rate_limit_exceeded');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    burst = answers.map((a) => ({ id: a.headers.get('x-request-id')!, status: a.status }));
  });

  it('every call of the burst has one usage record, whichever instance answered it, listed by either', async () => {
    const want = [...burst].sort((x, y) => (x.id < y.id ? -1 : 1));
    for (const at of [A, B]) {
      let got: { id: string; status: number }[] = [];
      // Each instance writes its own records within a second; the one asked writes its own first.
      for (let i = 0; i < 50 && got.length < want.length; i++) {
        const r = await cluster.admin(at, 'GET', '/api/usage/calls?deployment=gated&limit=1000');
        expect(r.status, r.text).toBe(200);
        got = (r.json.data as { id: string; status: number }[]).filter((c) => want.some((w) => w.id === c.id)).map((c) => ({ id: c.id, status: c.status }));
        if (got.length < want.length) await new Promise((ok) => setTimeout(ok, 200));
      }
      expect(got.sort((x, y) => (x.id < y.id ? -1 : 1))).toEqual(want);
    }
  });

  it('a key\'s tpm holds across instances: its tokens are counted once for both', async () => {
    const k = await cluster.admin(A, 'POST', '/api/keys', { name: 'capped', deployments: ['up-chat'], tpm: 800 });
    expect(k.status, k.text).toBe(201);
    const as = { authorization: `Bearer ${k.json.key}` };
    // About 500 tokens estimated each (prompt + max_tokens): the first fits the 800, the second does not, on the other instance.
    const first = await cluster.call(A, 'POST', '/v1/chat/completions', { model: 'up-chat', messages, max_tokens: 480 }, as);
    expect(first.status, first.text).toBe(200);
    const second = await cluster.call(B, 'POST', '/v1/chat/completions', { model: 'up-chat', messages, max_tokens: 780 }, as);
    expect(second.status).toBe(429);
    expect(second.json.error.message).toContain("this key's limit of 800 tokens a minute");
  });
});

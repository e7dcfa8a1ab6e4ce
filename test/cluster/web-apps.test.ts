import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSse } from '../helpers/api.ts';
import { startCluster, type Cluster } from '../helpers/cluster.ts';

/**
 * A web app served by two real `weir serve` processes on one Postgres and one Redis: enabled
 * through one instance, served by the other at once (the change bus); a conversation begun on one
 * continues on the other (the store keeps it, history included); a visitor's calls a minute are
 * counted across both (Redis windows).
 */
const A = 0;
const B = 1;
const VISITOR = 'cluster-visitor-0001';
const CONTEXT = 'Vienna lies on the Danube. Paris lies on the Seine.';
let cluster: Cluster;

async function chat(i: number, body: Record<string, unknown>, visitor = VISITOR) {
  const r = await cluster.call(i, 'POST', '/apps/chat/chat', body, { 'weir-visitor': visitor });
  const events = r.status === 200 ? parseSse(r.text) : [];
  return { ...r, names: events.map((e) => e.event), answer: events.filter((e) => e.event === 'delta').map((e) => e.data.text).join(''), of: (n: string) => events.find((e) => e.event === n)?.data };
}

/** Limits count in fixed minute windows: calls that must share one start well before its end. */
async function awayFromMinuteEdge(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 15_000) await new Promise((ok) => setTimeout(ok, left + 100));
}

beforeAll(async () => {
  cluster = await startCluster({ instances: 2 });
  expect((await cluster.admin(A, 'POST', '/api/deployments', { name: 'chat', model: 'weir-extractive' })).status).toBe(201);
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
}, 60_000);

describe('a web app on two instances', () => {
  it('is served by the other instance as soon as it is enabled, and the conversation continues there', { timeout: 60_000 }, async () => {
    expect((await cluster.call(B, 'GET', '/apps/chat/config')).status).toBe(404);
    const on = await cluster.admin(A, 'PATCH', '/api/deployments/chat', { web_app: { enabled: true, title: 'Rivers', rpm: 3 } });
    expect(on.status, on.text).toBe(200);
    expect((await cluster.call(B, 'GET', '/apps/chat/config')).json).toMatchObject({ title: 'Rivers', kind: 'model' });

    const first = await chat(A, { message: `${CONTEXT}\n\nWhich city lies on the Danube?` });
    expect(first.names.at(-1), first.text).toBe('done');
    expect(first.answer).toContain('Vienna');
    const id = first.of('start').conversation_id;
    const second = await chat(B, { conversation_id: id, message: 'Which city lies on the Seine?' });
    expect(second.names.at(-1), second.text).toBe('done');
    expect(second.answer).toContain('Paris');
    const got = await cluster.call(A, 'GET', `/apps/chat/conversations/${id}`, undefined, { 'weir-visitor': VISITOR });
    expect(got.json.messages.map((m: any) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(got.json.messages[3].content).toBe(second.answer);
  });

  it("counts a visitor's calls a minute across both instances", { timeout: 60_000 }, async () => {
    await awayFromMinuteEdge();
    const visitor = 'counted-visitor-0003';
    // Three calls a minute, made on either instance; the fourth is refused.
    for (const i of [A, B, A]) expect((await chat(i, { message: 'Where?' }, visitor)).names.at(-1)).toBe('done');
    const over = await chat(B, { message: 'Fourth?' }, visitor);
    expect(over.names).toEqual(['start', 'error']);
    expect(over.of('error')).toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
    expect((await chat(B, { message: 'Someone else' }, 'another-visitor-0002')).names.at(-1)).toBe('done');
  });
});

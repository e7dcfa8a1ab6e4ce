import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exactFlow } from '../helpers/batch-flows.ts';
import { startCluster, type Cluster } from '../helpers/cluster.ts';

/**
 * Batch runs across instances: two real `weir serve` on one Postgres and one Redis, only the second
 * with workers. A batch created through the first is run by the second; its progress, lines and
 * metrics are read through the first; an evaluation run over it is created through the second; and
 * a cancel asked of the first reaches the batch running on the second (over the bus).
 */

const A = 0;
const B = 1;
let cluster: Cluster;
let slow: Server;

// Each line asks a loopback server that answers after 100 ms: a batch that runs long enough to cancel.
const ANSWER = `weir: 1
name: answer
inputs:
  question: { type: string }
outputs:
  answer: \${shout.output}
nodes:
  - name: ask
    type: http
    inputs: { question: \${inputs.question} }
    config: { connection: slow, url: "slow?q={{ question }}", response: text }
  - name: shout
    type: transform
    inputs: { q: \${inputs.question}, r: \${ask.output} }
    config: { expression: '$uppercase(q)' }
`;

beforeAll(async () => {
  slow = createServer((_req, res) => setTimeout(() => res.end('ok'), 100));
  await new Promise<void>((ok) => slow.listen(0, '127.0.0.1', ok));
  cluster = await startCluster({ instances: 2, env: (i) => ({ WEIR_WORKERS: i === A ? '0' : '2' }) });
  const conn = await cluster.admin(A, 'PUT', '/api/connections/slow', { type: 'http', settings: { base_url: `http://127.0.0.1:${(slow.address() as AddressInfo).port}/`, allow_private_network: true } });
  expect(conn.status, conn.text).toBeLessThan(300);
  for (const [name, text] of [['answer', ANSWER], ['exact', exactFlow(false)]]) expect((await cluster.admin(A, 'PUT', `/api/flows/${name}`, text)).status).toBeLessThan(300);
  expect((await cluster.admin(A, 'POST', '/api/flows/answer/publish', {})).status).toBeLessThan(300);
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
  await new Promise((ok) => slow.close(ok));
}, 60_000);

async function ended(i: number, id: string): Promise<any> {
  for (let n = 0; n < 300; n++) {
    const r = (await cluster.admin(i, 'GET', `/api/batch-runs/${id}`)).json;
    if (!['queued', 'running'].includes(r.status)) return r;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  throw new Error(`batch ${id} did not end`);
}

describe('batch runs shared by the instances', () => {
  it('a batch created on an instance without workers is run by the other; lines, metrics and an evaluation run over it work from either', { timeout: 90_000 }, async () => {
    const data = [{ q: 'ab', truth: 'AB' }, { q: 'cd', truth: 'XX' }, { q: 'ef', truth: 'EF' }];
    const post = await cluster.admin(A, 'POST', '/api/batch-runs', { flow: 'answer', data, column_mapping: { question: '${data.q}' }, concurrency: 2 });
    expect(post.status, post.text).toBe(202);
    const run = await ended(A, post.json.id);
    expect(run).toMatchObject({ status: 'completed', summary: { total: 3, succeeded: 3, failed: 0 } });
    const lines = (await cluster.admin(A, 'GET', `/api/batch-runs/${post.json.id}/lines`)).json.data;
    expect(lines.map((l: any) => l.outputs.answer)).toEqual(['AB', 'CD', 'EF']);
    // The evaluation run, created through the other instance, reads the first run's outputs.
    const evalRun = await cluster.admin(B, 'POST', '/api/batch-runs', { flow: 'exact', data, run: post.json.id, column_mapping: { answer: '${run.outputs.answer}', truth: '${data.truth}' } });
    expect(evalRun.status, evalRun.text).toBe(202);
    const evaluated = await ended(A, evalRun.json.id);
    expect(evaluated.metrics).toEqual({ accuracy: 2 / 3 });
  });

  it('a cancel asked of one instance stops the batch running on the other', { timeout: 90_000 }, async () => {
    const data = Array.from({ length: 60 }, (_, i) => ({ question: `q${i}` }));
    const post = await cluster.admin(A, 'POST', '/api/batch-runs', { flow: 'answer', data, concurrency: 1 });
    expect(post.status, post.text).toBe(202);
    for (let n = 0; n < 200 && (await cluster.admin(A, 'GET', `/api/batch-runs/${post.json.id}`)).json.status !== 'running'; n++) await new Promise((ok) => setTimeout(ok, 50));
    expect((await cluster.admin(A, 'POST', `/api/batch-runs/${post.json.id}/cancel`)).status).toBe(202);
    const run = await ended(A, post.json.id);
    expect(run.status).toBe('cancelled');
    expect(run.summary.succeeded).toBeLessThan(60);
  });
});

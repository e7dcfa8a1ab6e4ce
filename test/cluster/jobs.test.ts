import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { startCluster, type Cluster } from '../helpers/cluster.ts';
import { SLOW_FLOW, slowUpstream } from '../helpers/server-process.ts';

/**
 * Background work survives the death of the instance doing it. Instance A is the only one with
 * workers (B and C only serve), so every job is A's; A is SIGKILLed in the middle of 20 async runs
 * and an ingestion job; a `weir worker` process started afterwards finishes all of it. The lease
 * is short (WEIR_JOB_LEASE_MS) so the test waits seconds, not the default 15 s.
 */

const A = 0;
const B = 1;
const C = 2;
const LEASE = { WEIR_JOB_LEASE_MS: '2000' };
const poll = { timeout: 90_000, interval: 100 };

let cluster: Cluster;
let upstream: Awaited<ReturnType<typeof slowUpstream>>;

beforeAll(async () => {
  upstream = await slowUpstream();
  cluster = await startCluster({ instances: 3, env: (i) => ({ ...LEASE, WEIR_WORKERS: i === A ? '24' : '0' }) });
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
  await upstream?.close();
}, 60_000);


/** A small manual page per document: a few chunks each, so the job takes a while. */
const doc = (i: number) => ({
  name: `manual-${String(i).padStart(3, '0')}.md`,
  content: `# Machine ${i}\n\n${Array.from({ length: 12 }, (_, k) => `Machine ${i} needs part ${i * 100 + k} checked every ${k + 2} weeks by crew ${(i + k) % 9}.`).join(' ')}`,
});

it('an instance killed holding 20 async runs and an ingestion job: all of it finishes on another, none lost, nothing twice', async () => {
  const ok = (r: { status: number; text: string }, status: number) => expect(r.status, r.text).toBe(status);
  ok(await cluster.admin(B, 'PUT', '/api/connections/upstream', { type: 'http', settings: { base_url: upstream.url, allow_private_network: true } }), 201);
  ok(await cluster.admin(B, 'POST', '/api/flows', SLOW_FLOW), 201);
  ok(await cluster.admin(C, 'POST', '/api/flows/fetch/publish', { message: 'v1' }), 201);
  ok(await cluster.admin(B, 'POST', '/api/deployments', { name: 'fetch', flow: 'fetch' }), 201);
  const key = (await cluster.admin(C, 'POST', '/api/deployments/fetch/keys', {})).json.key as string;

  // 20 async runs accepted by the serving instances; A's workers take them all. The upstream
  // holds every call until A is dead, so none can finish first however loaded the machine is.
  upstream.hold();
  const runIds: string[] = [];
  for (let i = 0; i < 20; i++) {
    const r = await cluster.call(i % 2 ? B : C, 'POST', '/deployments/fetch/runs', { ms: 4_000 }, { authorization: `Bearer ${key}` });
    ok(r, 202);
    expect(r.json.status).toBe('queued');
    runIds.push(r.json.run_id);
  }
  // And an ingestion job, also A's.
  ok(await cluster.admin(B, 'POST', '/api/indexes', { name: 'manuals' }), 201);
  const docs = Array.from({ length: 300 }, (_, i) => doc(i));
  const started = await cluster.admin(C, 'POST', '/api/indexes/manuals/documents', { documents: docs });
  ok(started, 202);
  const jobId = started.json.id as string;

  const run = (id: string) => cluster.admin(B, 'GET', `/api/runs/${id}`).then((r) => r.json);
  await vi.waitFor(async () => {
    for (const id of runIds) expect((await run(id)).status).toBe('running');
  }, poll);
  const job = () => cluster.admin(C, 'GET', `/api/indexes/manuals/jobs/${jobId}`).then((r) => r.json);
  await vi.waitFor(async () => expect((await job()).files.done).toBeGreaterThan(0), poll);

  await cluster.kill(A);
  // Killed in the middle: nothing finished yet, the job part way.
  const cut = await job();
  expect(cut.status).toBe('running');
  expect(cut.files.done).toBeLessThan(docs.length);
  for (const id of runIds) expect((await run(id)).status).toBe('running');

  // Nobody left takes jobs until a worker comes; it takes A's once A's lease has run out.
  upstream.release();
  await cluster.worker({ ...LEASE, WEIR_WORKERS: '24' });
  await vi.waitFor(async () => {
    for (const id of runIds) expect(await run(id)).toMatchObject({ status: 'succeeded', outputs: { slept: 4_000 } });
  }, poll);
  await vi.waitFor(async () => expect((await job()).status).toBe('succeeded'), poll);

  // Each run was run twice (A's try, then the worker's) and finished once: one run.finished in its events.
  for (const id of runIds.slice(0, 3)) {
    const events = await fetch(`${cluster.urls[B]}/api/runs/${id}/events`, { headers: { authorization: `Bearer ${cluster.adminToken}` } }).then((r) => r.text());
    expect(events.match(/event: run\.started/g)).toHaveLength(2);
    expect(events.match(/event: run\.finished/g)).toHaveLength(1);
  }
  // Every document once, with the chunks the job counted: the file cut off half way was not stored twice.
  const done = await job();
  expect(done.files).toMatchObject({ total: docs.length, done: docs.length, failed: 0 });
  const index = (await cluster.admin(B, 'GET', '/api/indexes/manuals')).json;
  expect(index).toMatchObject({ documents: docs.length, chunks: done.chunks });
  const listed = (await cluster.admin(C, 'GET', '/api/indexes/manuals/documents')).json.data as { name: string; chunks: number }[];
  expect(listed.map((d) => d.name).sort()).toEqual(docs.map((d) => d.name));
  expect(listed.reduce((n, d) => n + d.chunks, 0)).toBe(done.chunks);
}, 240_000);

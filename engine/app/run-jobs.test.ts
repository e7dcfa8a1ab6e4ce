/**
 * Async runs as jobs: two Workspaces over one store and one shared in-process bus, as two instances
 * over one database and Redis, each with a queue in the store on short leases. A "tap" node holds
 * a run open until the test closes it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryBus, MemoryHub } from '../bus/memory-bus.ts';
import { InputError } from '../errors.ts';
import type { RunEvent } from '../run/events.ts';
import { StoreQueue } from '../queue/store-queue.ts';
import type { VersionRow } from '../store/types.ts';
import { Tap, tapNode, taps } from '../../test/helpers/tap-node.ts';
import { testRegistry } from '../../test/helpers/test-nodes.ts';
import { useTempStore } from '../../test/helpers/temp-store.ts';
import { RUNS_QUEUE } from './run-jobs.ts';
import { Workspace, type Workers } from './workspace.ts';

const registry = testRegistry([tapNode]);
const FLOW = { weir: 1, name: 'tapped', inputs: { tap: { type: 'string' } }, outputs: { text: '${tap.output}' }, nodes: [{ name: 'tap', type: 'tap', inputs: { name: '${inputs.tap}' } }] };
const fast = { leaseMs: 300, pollMs: 20, reclaimMs: 50, retryDelayMs: 10 };
const poll = { timeout: 15_000, interval: 20 };

const temp = useTempStore();
let hub: MemoryHub;
let opened: { ws: Workspace; queue: StoreQueue }[];
let version: VersionRow;

function instance(workers: Workers = { runs: 4, ingest: 0 }) {
  const queue = new StoreQueue(temp.store, fast);
  const ws = new Workspace(temp.store, registry, { bus: new MemoryBus(hub), queue, workers });
  opened.push({ ws, queue });
  return { ws, queue };
}

beforeEach(async () => {
  hub = new MemoryHub();
  opened = [];
  await temp.store.flows.put({ name: 'tapped', source: JSON.stringify(FLOW), format: 'json', definition: FLOW });
  const { ws } = instance({ runs: 0, ingest: 0 });
  version = (await ws.publish('tapped', 'v1', 'test')).version;
});
afterEach(async () => {
  for (const t of taps.values()) t.close();
  taps.clear();
  await Promise.all(opened.map((o) => o.ws.close()));
});

let tapCount = 0;
async function submit(ws: Workspace, inputs?: Record<string, unknown>) {
  const tap = new Tap();
  const name = `t${tapCount++}`;
  taps.set(name, tap);
  const runId = await ws.runJobs.submit({ plan: await ws.versionPlan(version), version, deployment: 'dep', inputs: inputs ?? { tap: name }, keyId: 'k1' });
  return { runId, tap };
}
const row = (id: string) => temp.store.runs.get(id);
const events = async (id: string) => (await temp.store.runs.events(id, 0)).map((e) => e.data as RunEvent);

describe('async runs on the job queue', () => {
  it('records the run as queued, a worker runs it to the end, and the job is done', async () => {
    const { ws } = instance();
    const { runId, tap } = await submit(ws);
    expect((await row(runId))?.status).toMatch(/queued|running/);
    await vi.waitFor(async () => expect((await row(runId))?.status).toBe('running'), poll);
    tap.push('hello ', 'world');
    tap.close();
    await vi.waitFor(async () => expect((await row(runId))?.status).toBe('succeeded'), poll);
    expect(await row(runId)).toMatchObject({ outputs: { text: 'hello world' }, mode: 'async', deployment: 'dep', version: 1 });
    await vi.waitFor(async () => expect((await temp.store.jobs.get(`run-${runId}`))?.status).toBe('succeeded'), poll);
    const seqs = (await events(runId)).map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });

  it('refuses inputs that do not fit the flow before anything is recorded or queued', async () => {
    const { ws } = instance();
    await expect(submit(ws, { nope: 1 })).rejects.toBeInstanceOf(InputError);
    expect(await temp.store.runs.list({})).toEqual([]);
    expect(await temp.store.jobs.list(RUNS_QUEUE.name)).toEqual([]);
  });

  it('a run cancelled while queued is never started, even once workers come', async () => {
    const { ws: front } = instance({ runs: 0, ingest: 0 });
    const { runId } = await submit(front);
    expect(await front.runs.cancelAnywhere(runId)).toBe(true);
    expect(await row(runId)).toMatchObject({ status: 'cancelled', error: { code: 'run_cancelled' } });
    instance();
    await vi.waitFor(async () => expect((await temp.store.jobs.get(`run-${runId}`))?.status).toBe('succeeded'), poll);
    expect(await row(runId)).toMatchObject({ status: 'cancelled' });
    expect(await events(runId)).toEqual([]);
  });

  it('a graceful stop hands a running run back: another instance runs it again, events numbered on', async () => {
    const a = instance();
    const { runId, tap } = await submit(a.ws);
    await vi.waitFor(async () => expect((await events(runId)).map((e) => e.type)).toContain('node.started'), poll);
    await a.ws.close();
    // Still running in the store (not cancelled), and back in the queue without a used attempt.
    expect((await row(runId))?.status).toBe('running');
    expect(await temp.store.jobs.get(`run-${runId}`)).toMatchObject({ status: 'queued', attempts: 0 });
    const before = await events(runId);

    instance();
    await vi.waitFor(async () => expect((await events(runId)).length).toBeGreaterThan(before.length), poll);
    tap.push('again');
    tap.close();
    await vi.waitFor(async () => expect((await row(runId))?.status).toBe('succeeded'), poll);
    const all = await events(runId);
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    expect(all.filter((e) => e.type === 'run.started')).toHaveLength(2);
    expect((await row(runId))?.outputs).toEqual({ text: 'again' });
  });

  it('a run whose instance died is run again elsewhere once, then marked interrupted', async () => {
    const a = instance();
    const { runId } = await submit(a.ws);
    await vi.waitFor(async () => expect((await row(runId))?.status).toBe('running'), poll);
    a.queue.abandon();

    const b = instance();
    await vi.waitFor(async () => expect((await temp.store.jobs.get(`run-${runId}`))).toMatchObject({ status: 'active', attempts: 2 }), poll);
    await vi.waitFor(async () => expect((await events(runId)).filter((e) => e.type === 'run.started')).toHaveLength(2), poll);
    b.queue.abandon();

    instance();
    await vi.waitFor(async () => expect((await row(runId))?.status).toBe('interrupted'), poll);
    expect((await row(runId))?.error).toMatchObject({ code: 'interrupted' });
    expect(await temp.store.jobs.get(`run-${runId}`)).toMatchObject({ status: 'interrupted' });
  });

  it('a run past its job timeout fails with run_deadline_exceeded, and is not tried again', async () => {
    const queue = new StoreQueue(temp.store, fast);
    const ws = new Workspace(temp.store, registry, { bus: new MemoryBus(hub), queue, workers: { runs: 1, ingest: 0 }, runTimeoutMs: 300 });
    opened.push({ ws, queue });
    const { runId } = await submit(ws);
    await vi.waitFor(async () => expect((await row(runId))?.status).toBe('failed'), poll);
    expect((await row(runId))?.error).toMatchObject({ code: 'run_deadline_exceeded' });
    await vi.waitFor(async () => expect(await temp.store.jobs.get(`run-${runId}`)).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'job_timeout' } }), poll);
  });
});

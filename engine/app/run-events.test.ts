/**
 * Live run events across instances: two Workspaces over one store and one shared in-process bus
 * (a MemoryHub), as two Weir instances over one database and one Redis. A "tap" node streams the
 * chunks the test pushes and finishes when the test closes it, so a run is held open exactly as
 * long as the test needs.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../api/app.ts';
import { MemoryBus, MemoryHub } from '../bus/memory-bus.ts';
import type { Bus } from '../bus/types.ts';
import { compileFlow, type Plan } from '../flow/compile.ts';
import type { RunEvent } from '../run/events.ts';
import { parseSse } from '../../test/helpers/api.ts';
import { Tap, tapNode, taps } from '../../test/helpers/tap-node.ts';
import { testRegistry } from '../../test/helpers/test-nodes.ts';
import { useTempStore } from '../../test/helpers/temp-store.ts';
import { runChannel } from './run-events.ts';
import { RunService } from './runs.ts';
import { Workspace } from './workspace.ts';

const registry = testRegistry([tapNode]);
const plan: Plan = compileFlow({ weir: 1, name: 'tapped', inputs: { tap: { type: 'string' } }, outputs: { text: '${tap.output}' }, nodes: [{ name: 'tap', type: 'tap', inputs: { name: '${inputs.tap}' } }] }, { registry });

const ADMIN = 'admin-token';
const temp = useTempStore();
let hub: MemoryHub;
let a: Workspace;
let b: Workspace;
let extra: { close(): Promise<void> }[];

beforeEach(() => {
  hub = new MemoryHub();
  extra = [];
  a = new Workspace(temp.store, registry, { bus: new MemoryBus(hub) });
  b = new Workspace(temp.store, registry, { bus: new MemoryBus(hub) });
});
afterEach(async () => {
  for (const t of taps.values()) t.close();
  taps.clear();
  await Promise.all([a, b, ...extra].map((w) => w.close()));
  vi.restoreAllMocks();
});

/** Starts a held-open run on `ws`; resolves once it is stored as running. */
async function startTapped(ws: Workspace | RunService) {
  const tap = new Tap();
  const name = `t${taps.size}`;
  taps.set(name, tap);
  const runs = ws instanceof Workspace ? ws.runs : ws;
  const host = ws instanceof Workspace ? ws.host : a.host;
  const { runId, done, recorded } = runs.start({ plan, inputs: { tap: name }, host, flow: 'tapped', version: null, deployment: null, mode: 'async' });
  await recorded;
  return { runId, done, tap };
}

/** Follows a run through `runs`, collecting what it delivers. */
async function collect(runs: RunService, runId: string, afterSeq = 0) {
  const got: RunEvent[] = [];
  let ended = false;
  const ends = new Promise<void>((resolve) => {
    void runs
      .follow(runId, afterSeq, (e) => got.push(e), () => {
        ended = true;
        resolve();
      })
      .then((stop) => (result.stop = stop));
  });
  const result = { got, ends, stop: () => {}, get ended() { return ended; }, seqs: () => got.map((e) => e.seq) };
  return result;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const stored = async (runId: string) => (await temp.store.runs.events(runId, 0)).map((e) => e.data as RunEvent);

describe('following a run another instance runs', () => {
  it('delivers its events live, in order, and ends after run.finished', async () => {
    const { runId, done, tap } = await startTapped(a);
    const far = await collect(b.runs, runId);
    tap.push('one ', 'two ');
    // Live, not at the end: the chunks reach the other instance while the run still waits.
    await vi.waitFor(() => expect(far.got.filter((e) => e.type === 'node.chunk')).toHaveLength(2));
    expect(far.ended).toBe(false);
    tap.push('three');
    tap.close();
    await far.ends;
    const r = await done;
    expect(r.outputs).toEqual({ text: 'one two three' });
    const all = await stored(runId);
    expect(far.seqs()).toEqual(range(1, all.length));
    expect(far.got).toEqual(all);
    expect(far.got.at(-1)).toMatchObject({ type: 'run.finished', status: 'succeeded' });
  });

  it('resumes after a sequence number mid-run without duplicates or gaps, however the events race the subscription', async () => {
    const { runId, done, tap } = await startTapped(a);
    tap.push('a ', 'b ', 'c ');
    await vi.waitFor(async () => expect((await stored(runId)).length).toBeGreaterThanOrEqual(5));
    const followers = [{ after: 3, f: await collect(b.runs, runId, 3) }];
    // Followers join at every point of a fast stream: while batches are being stored and published.
    for (let i = 0; i < 60; i++) {
      tap.push(`${i} `);
      if (i % 5 === 0) {
        const after = i % 2 ? 0 : 3 + i; // from the start, or from about where the run is
        followers.push({ after, f: await collect(b.runs, runId, after) });
      }
      await new Promise((r) => (i % 3 ? setImmediate(r) : setTimeout(r, 7)));
    }
    tap.close();
    await done;
    await Promise.all(followers.map(({ f }) => f.ends));
    const all = await stored(runId);
    expect(all.at(-1)?.type).toBe('run.finished');
    expect(all.map((e) => e.seq)).toEqual(range(1, all.length));
    for (const { after, f } of followers) {
      expect(f.seqs()).toEqual(range(after + 1, all.length));
      expect(f.got).toEqual(all.slice(after));
    }
  });

  it('reads from the store what the bus lost', async () => {
    // The owner's bus drops every other batch it publishes: the follower fills each gap from the store.
    const lossy = new MemoryBus(hub);
    let n = 0;
    const publish = lossy.publish.bind(lossy);
    vi.spyOn(lossy, 'publish').mockImplementation(async (channel, message) => {
      if (channel.startsWith('run:') && n++ % 2 === 0) return;
      return publish(channel, message);
    });
    const owner = new Workspace(temp.store, registry, { bus: lossy });
    extra.push(owner);
    const { runId, done, tap } = await startTapped(owner);
    const far = await collect(b.runs, runId);
    for (let i = 0; i < 6; i++) {
      tap.push(`${i} `);
      await new Promise((r) => setTimeout(r, 70)); // one batch each
    }
    await vi.waitFor(() => expect(far.got.filter((e) => e.type === 'node.chunk').length).toBeGreaterThanOrEqual(5));
    tap.close();
    await done;
    await far.ends;
    expect(n).toBeGreaterThan(4);
    expect(far.got).toEqual(await stored(runId));
  });

  it('replays a run that finished on the other instance, and ends', async () => {
    const { runId, done, tap } = await startTapped(a);
    tap.push('x');
    tap.close();
    await done;
    const far = await collect(b.runs, runId, 2);
    await far.ends;
    expect(far.got).toEqual((await stored(runId)).slice(2));
  });

  it('ends when the owner died and the store marks the run interrupted (the follower polls its status)', async () => {
    const owner = new RunService(temp.store, { bus: new MemoryBus(hub) });
    const follower = new RunService(temp.store, { bus: new MemoryBus(hub), followPollMs: 20 });
    extra.push({ close: () => follower.stopAll() });
    const { runId, tap } = await startTapped(owner);
    tap.push('x');
    const far = await collect(follower, runId);
    await vi.waitFor(() => expect(far.got.some((e) => e.type === 'node.chunk')).toBe(true));
    // Dies: nothing more is stored or published; a restarting instance marks its runs interrupted.
    await owner.stopAll();
    expect((await temp.store.runs.get(runId))?.status).toBe('running');
    await new Promise((r) => setTimeout(r, 60));
    expect(far.ended).toBe(false);
    await temp.store.runs.markInterrupted();
    await far.ends;
    expect(far.got.some((e) => e.type === 'run.finished')).toBe(false);
  });

  it('stops following when the client goes away', async () => {
    const { runId, tap } = await startTapped(a);
    const far = await collect(b.runs, runId);
    await vi.waitFor(() => expect(far.got.length).toBeGreaterThan(0));
    far.stop();
    const seen = far.got.length;
    tap.push('late');
    await vi.waitFor(async () => expect((await stored(runId)).some((e) => e.type === 'node.chunk')).toBe(true));
    await new Promise((r) => setTimeout(r, 20));
    expect(far.got).toHaveLength(seen);
    expect(hub.events.listenerCount(runChannel(runId))).toBe(0);
  });
});

describe('the owner', () => {
  it('stores events in batches while the run goes on, not one write per event', async () => {
    const writes = vi.spyOn(temp.store.runs, 'appendEvents');
    const { runId, done, tap } = await startTapped(a);
    tap.push(...Array.from({ length: 100 }, (_, i) => `${i} `));
    await vi.waitFor(async () => expect((await stored(runId)).length).toBeGreaterThan(100));
    expect((await temp.store.runs.get(runId))?.status).toBe('running');
    tap.close();
    await done;
    const all = await stored(runId);
    expect(all.map((e) => e.seq)).toEqual(range(1, all.length));
    expect(writes.mock.calls.length).toBeLessThan(10);
  });

  it('leaves synchronous runs alone: no event writes, nothing on the bus', async () => {
    const writes = vi.spyOn(temp.store.runs, 'appendEvents');
    const sent: string[] = [];
    const spyBus = new MemoryBus(hub);
    const publish = spyBus.publish.bind(spyBus);
    vi.spyOn(spyBus, 'publish').mockImplementation(async (channel: string, m: unknown) => {
      sent.push(channel);
      return publish(channel, m);
    });
    const ws = new Workspace(temp.store, registry, { bus: spyBus as Bus });
    extra.push(ws);
    const tap = new Tap();
    taps.set('sync', tap);
    tap.push('x');
    tap.close();
    const r = await ws.runs.start({ plan, inputs: { tap: 'sync' }, host: ws.host, flow: 'tapped', version: null, deployment: null, mode: 'sync' }).done;
    expect(r.status).toBe('succeeded');
    expect(writes).not.toHaveBeenCalled();
    expect(sent).toEqual([]);
  });
});

describe('over HTTP, on the instance that does not run it', () => {
  const call = (method: string, url: string, headers: Record<string, string> = {}) =>
    createApp(b, { adminToken: ADMIN }).request(url, { method, headers: { authorization: `Bearer ${ADMIN}`, ...headers } });

  it('streams the events after Last-Event-ID until the run finishes', async () => {
    const { runId, done, tap } = await startTapped(a);
    tap.push('a ', 'b ');
    await vi.waitFor(async () => expect((await stored(runId)).length).toBeGreaterThanOrEqual(4));
    const res = call('GET', `/api/runs/${runId}/events`, { 'last-event-id': '2' });
    setTimeout(() => {
      tap.push('c');
      tap.close();
    }, 30);
    const events = parseSse(await (await res).text());
    await done;
    const all = await stored(runId);
    expect(events.map((e) => Number(e.id))).toEqual(range(3, all.length));
    expect(events.at(-1)).toMatchObject({ event: 'run.finished', data: { status: 'succeeded', outputs: { text: 'a b c' } } });
  });

  it('cancels it: 202, and the owner cancels the run; 409 once it is over', async () => {
    const { runId, done } = await startTapped(a);
    const res = await call('DELETE', `/api/runs/${runId}`);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ id: runId, status: 'cancelling' });
    expect((await done).status).toBe('cancelled');
    expect((await temp.store.runs.get(runId))?.status).toBe('cancelled');
    expect((await call('DELETE', `/api/runs/${runId}`)).status).toBe(409);
  });
});

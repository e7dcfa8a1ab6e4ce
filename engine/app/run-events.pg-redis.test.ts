/**
 * Live run events across instances on the real services: two instances (each its own Postgres
 * store and Redis bus) over one database and one Redis. The run is held open by a tap node; the
 * instance that does not run it streams its events (resumed mid-run) and cancels it.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../api/app.ts';
import { openRedisBus } from '../bus/redis-bus.ts';
import type { Bus } from '../bus/types.ts';
import { compileFlow } from '../flow/compile.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/types.ts';
import { parseSse } from '../../test/helpers/api.ts';
import { startPostgres } from '../../test/helpers/services/postgres.ts';
import { startRedis } from '../../test/helpers/services/redis.ts';
import type { RunningService } from '../../test/helpers/services/running-service.ts';
import { Tap, tapNode, taps } from '../../test/helpers/tap-node.ts';
import { testRegistry } from '../../test/helpers/test-nodes.ts';
import { Workspace } from './workspace.ts';

const registry = testRegistry([tapNode]);
const plan = compileFlow({ weir: 1, name: 'tapped', inputs: { tap: { type: 'string' } }, outputs: { text: '${tap.output}' }, nodes: [{ name: 'tap', type: 'tap', inputs: { name: '${inputs.tap}' } }] }, { registry });
const ADMIN = 'admin-token';

// In the Postgres and the Redis test groups (*.pg-redis.test.ts): it needs both servers.
describe('live run events on Postgres + Redis', () => {
  let pg: RunningService | undefined;
  let redis: RunningService | undefined;
  beforeAll(async () => {
    [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([pg?.stop(), redis?.stop()]);
  }, 60_000);

  interface Instance {
    ws: Workspace;
    store: Store;
    bus: Bus;
    dir: string;
  }
  let a: Instance;
  let b: Instance;
  beforeEach(async () => {
    const prefix = `test-${randomUUID()}:`;
    const open = async (): Promise<Instance> => {
      const dir = mkdtempSync(join(tmpdir(), 'weir-events-pg-'));
      const store = await openStore({ dataDir: dir, databaseUrl: pg!.url, masterKey: 'a'.repeat(64) });
      const bus = await openRedisBus(redis!.url, { prefix });
      return { ws: new Workspace(store, registry, { bus }), store, bus, dir };
    };
    a = await open();
    b = await open();
  }, 60_000);
  afterEach(async () => {
    for (const t of taps.values()) t.close();
    taps.clear();
    for (const i of [a, b]) {
      await i.ws.close();
      await i.store.close();
      await i.bus.close();
      rmSync(i.dir, { recursive: true, force: true });
    }
  });

  const startTapped = async () => {
    const tap = new Tap();
    const name = randomUUID();
    taps.set(name, tap);
    const { runId, done, recorded } = a.ws.runs.start({ plan, inputs: { tap: name }, host: a.ws.host, flow: 'tapped', version: null, deployment: null, mode: 'async' });
    await recorded;
    return { runId, done, tap };
  };
  const callB = (method: string, url: string, headers: Record<string, string> = {}) =>
    createApp(b.ws, { adminToken: ADMIN }).request(url, { method, headers: { authorization: `Bearer ${ADMIN}`, ...headers } });

  it('streams a run from the other instance, resumed after Last-Event-ID, without duplicates or gaps', async () => {
    const { runId, done, tap } = await startTapped();
    tap.push('a ', 'b ');
    await vi.waitFor(async () => expect((await a.store.runs.events(runId, 0)).length).toBeGreaterThanOrEqual(4));
    const res = callB('GET', `/api/runs/${runId}/events`, { 'last-event-id': '2' });
    // Chunks while it follows: some come over Redis, the first from Postgres.
    for (const chunk of ['c ', 'd ', 'e']) {
      await new Promise((r) => setTimeout(r, 40));
      tap.push(chunk);
    }
    tap.close();
    const events = parseSse(await (await res).text());
    expect((await done).outputs).toEqual({ text: 'a b c d e' });
    const all = await b.store.runs.events(runId, 0);
    expect(events.map((e) => Number(e.id))).toEqual(all.slice(2).map((e) => e.seq));
    expect(events.map((e) => Number(e.id))).toEqual(Array.from({ length: all.length - 2 }, (_, i) => i + 3));
    expect(events.at(-1)).toMatchObject({ event: 'run.finished', data: { status: 'succeeded' } });
  });

  it('cancels a run from the other instance', async () => {
    const { runId, done } = await startTapped();
    const res = await callB('DELETE', `/api/runs/${runId}`);
    expect(res.status).toBe(202);
    expect((await done).status).toBe('cancelled');
    expect((await b.store.runs.get(runId))?.status).toBe('cancelled');
    expect((await callB('DELETE', `/api/runs/${runId}`)).status).toBe(409);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../helpers/cluster.ts';

/**
 * Three real `weir serve` processes on one Postgres and one Redis behave as one: whatever is
 * changed through one instance is served by the others within 1 s (the bus tells them at once;
 * the cache's 1 s age limit bounds a lost message). Checks are state-based: each polls until the
 * instance serves the new state, and fails if that takes longer than the bound.
 */

const A = 0;
const B = 1;
const C = 2;
/** The bound every instance keeps (engine/app/deployments.ts CACHE_MAX_AGE_MS). */
const BOUND = { timeout: 1000, interval: 25 };

let cluster: Cluster;

beforeAll(async () => {
  cluster = await startCluster({ instances: 3 });
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
}, 60_000);

/** A one-node prompt flow whose greeting says which draft it was published from. */
const flowYaml = (name: string, mark: string) => `weir: 1
name: ${name}
inputs:
  name: { type: string, default: world }
outputs:
  greeting: \${greet.output}
nodes:
  - name: greet
    type: prompt
    inputs: { name: \${inputs.name} }
    config:
      template: "${mark}: Hello, {{ name }}!"
`;

let seq = 0;
/** A fresh flow and deployment name per test, so tests share nothing but the cluster. */
const fresh = (what: string) => `${what}-${process.pid}-${++seq}`;

/** Creates the flow and publishes it once per mark (v1, v2, …) through `on`. */
async function publish(on: number, name: string, marks: string[]): Promise<void> {
  for (const [i, mark] of marks.entries()) {
    const saved = await cluster.admin(on, i === 0 ? 'POST' : 'PUT', i === 0 ? '/api/flows' : `/api/flows/${name}`, flowYaml(name, mark));
    expect(saved.status, saved.text).toBe(i === 0 ? 201 : 200);
    const published = await cluster.admin(on, 'POST', `/api/flows/${name}/publish`, { message: mark });
    expect(published.status, published.text).toBe(201);
    expect(published.json.version).toBe(i + 1);
  }
}

async function deploy(on: number, name: string, flow: string, version = 1): Promise<void> {
  const created = await cluster.admin(on, 'POST', '/api/deployments', { name, flow, traffic: [{ version, weight: 100 }] });
  expect(created.status, created.text).toBe(201);
}

async function createKey(on: number, deployment: string): Promise<{ id: string; key: string }> {
  const created = await cluster.admin(on, 'POST', `/api/deployments/${deployment}/keys`, { name: 'cluster-test' });
  expect(created.status, created.text).toBe(201);
  return { id: created.json.id, key: created.json.key };
}

const score = (on: number, deployment: string, key: string, name = 'Ada') =>
  cluster.call(on, 'POST', `/deployments/${deployment}/score`, { name }, { authorization: `Bearer ${key}` });

/** Which version instance `on` serves, or the refusal's status. */
async function served(on: number, deployment: string, key: string): Promise<string> {
  const r = await score(on, deployment, key);
  return r.status === 200 ? `v${r.headers.get('weir-version')} ${r.json.greeting}` : `status ${r.status}`;
}

describe('three instances on one Postgres and Redis', () => {
  it('a flow published on A and deployed on B, with a key made on B, is served through C and round-robin', async () => {
    const flow = fresh('pub');
    await publish(A, flow, ['first']);
    await deploy(B, flow, flow);
    const { key } = await createKey(B, flow);

    const r = await score(C, flow, key);
    expect(r.status, r.text).toBe(200);
    expect(r.json).toEqual({ greeting: 'first: Hello, Ada!' });
    expect(r.headers.get('weir-version')).toBe('1');
    expect(r.headers.get('x-request-id')).toBeTruthy();

    for (let n = 0; n < 6; n++) {
      const i = cluster.next();
      const each = await score(i, flow, key, `caller ${n}`);
      expect(each.status, `instance ${i}: ${each.text}`).toBe(200);
      expect(each.json).toEqual({ greeting: `first: Hello, caller ${n}!` });
      expect(each.headers.get('weir-version')).toBe('1');
    }
  });

  it('traffic moved to another version on A is served by C, which had the old split cached, within 1 s', async () => {
    const flow = fresh('traffic');
    await publish(A, flow, ['blue', 'green']);
    await deploy(B, flow, flow, 1);
    const { key } = await createKey(B, flow);
    // C has the deployment (and the key) cached now.
    expect(await served(C, flow, key)).toBe('v1 blue: Hello, Ada!');

    const patched = await cluster.admin(A, 'PATCH', `/api/deployments/${flow}`, { traffic: [{ version: 2, weight: 100 }] });
    expect(patched.status, patched.text).toBe(200);
    // A applied its own change before answering.
    expect(await served(A, flow, key)).toBe('v2 green: Hello, Ada!');
    await expect.poll(() => served(C, flow, key), BOUND).toBe('v2 green: Hello, Ada!');
    expect(await served(B, flow, key)).toBe('v2 green: Hello, Ada!');

    // And back (a rollback), the same way.
    expect((await cluster.admin(B, 'PATCH', `/api/deployments/${flow}`, { traffic: [{ version: 1, weight: 100 }] })).status).toBe(200);
    await expect.poll(() => served(C, flow, key), BOUND).toBe('v1 blue: Hello, Ada!');
    await expect.poll(() => served(A, flow, key), BOUND).toBe('v1 blue: Hello, Ada!');
  });

  it('a key used through A and revoked on B is refused by A within 1 s; the deployment’s other key still works', async () => {
    const flow = fresh('revoke');
    await publish(A, flow, ['keyed']);
    await deploy(A, flow, flow);
    const revoked = await createKey(B, flow);
    const kept = await createKey(C, flow);
    // A has verified (and cached) both keys.
    expect(await served(A, flow, revoked.key)).toBe('v1 keyed: Hello, Ada!');
    expect(await served(A, flow, kept.key)).toBe('v1 keyed: Hello, Ada!');

    const del = await cluster.admin(B, 'DELETE', `/api/deployments/${flow}/keys/${revoked.id}`);
    expect(del.status, del.text).toBe(204);
    await expect.poll(() => served(A, flow, revoked.key), BOUND).toBe('status 401');
    expect(await served(C, flow, revoked.key)).toBe('status 401');
    expect(await served(A, flow, kept.key)).toBe('v1 keyed: Hello, Ada!');
    expect(await served(B, flow, kept.key)).toBe('v1 keyed: Hello, Ada!');
  });

  it('a deployment deleted on C is refused on A and B within 1 s', async () => {
    const flow = fresh('delete');
    await publish(B, flow, ['doomed']);
    await deploy(C, flow, flow);
    const { key } = await createKey(A, flow);
    expect(await served(A, flow, key)).toBe('v1 doomed: Hello, Ada!');
    expect(await served(B, flow, key)).toBe('v1 doomed: Hello, Ada!');

    const del = await cluster.admin(C, 'DELETE', `/api/deployments/${flow}`);
    expect(del.status, del.text).toBe(204);
    const refused = /^status 40[14]$/;
    await Promise.all([
      expect.poll(() => served(A, flow, key), BOUND).toMatch(refused),
      expect.poll(() => served(B, flow, key), BOUND).toMatch(refused),
    ]);
    expect(await served(C, flow, key)).toMatch(refused);
    expect((await cluster.admin(A, 'GET', `/api/deployments/${flow}`)).status).toBe(404);
  });

  /** Three sync runs through A; resolves with their ids once B lists them all. */
  async function runsOnA(flow: string): Promise<{ ids: string[]; key: string }> {
    await publish(A, flow, ['logged']);
    await deploy(A, flow, flow);
    const { key } = await createKey(A, flow);
    const ids: string[] = [];
    for (const name of ['one', 'two', 'three']) {
      const r = await score(A, flow, key, name);
      expect(r.status, r.text).toBe(200);
      ids.push(r.headers.get('x-request-id')!);
    }
    // Finished sync runs are written in small batches after the answer: wait for them (not a 1 s claim).
    await expect
      .poll(async () => ((await cluster.admin(B, 'GET', `/api/runs?deployment=${flow}`)).json?.data ?? []).map((r: { id: string }) => r.id).sort(), { timeout: 10_000, interval: 50 })
      .toEqual([...ids].sort());
    return { ids, key };
  }

  it('runs made on A are listed on B (one shared store)', async () => {
    const flow = fresh('runs');
    const { ids } = await runsOnA(flow);
    const listed = (await cluster.admin(B, 'GET', `/api/runs?deployment=${flow}`)).json.data;
    expect(listed.map((r: { id: string }) => r.id)).toEqual([...ids].reverse()); // newest first
    for (const [i, name] of ['three', 'two', 'one'].entries()) {
      expect(listed[i]).toMatchObject({ flow, deployment: flow, version: 1, mode: 'sync', status: 'succeeded', inputs: { name }, outputs: { greeting: `logged: Hello, ${name}!` } });
    }
  });

  it('a run made on A is read on C with its trace, by admin token or by the deployment’s key', async () => {
    const flow = fresh('trace');
    const { ids, key } = await runsOnA(flow);
    const one = await cluster.admin(C, 'GET', `/api/runs/${ids[1]}`);
    expect(one.status, one.text).toBe(200);
    expect(one.json).toMatchObject({ id: ids[1], flow, version: 1, deployment: flow, status: 'succeeded', inputs: { name: 'two' }, outputs: { greeting: 'logged: Hello, two!' } });
    expect(one.json.trace).toMatchObject([{ node: 'greet', type: 'prompt', status: 'succeeded', output: 'logged: Hello, two!' }]);
    const withKey = await cluster.call(B, 'GET', `/api/runs/${ids[0]}`, undefined, { authorization: `Bearer ${key}` });
    expect(withKey.status, withKey.text).toBe(200);
    expect(withKey.json.outputs).toEqual({ greeting: 'logged: Hello, one!' });
  });

  it('an instance that misses the bus messages still serves a traffic change and a revocation within 1 s', async () => {
    const flow = fresh('deaf');
    const D = await cluster.add({ cuttableBus: true });
    try {
      await publish(A, flow, ['old', 'new']);
      await deploy(A, flow, flow, 1);
      const { id, key } = await createKey(A, flow);
      expect(await served(D, flow, key)).toBe('v1 old: Hello, Ada!');
      const bus = cluster.cutBus(D);

      expect((await cluster.admin(A, 'PATCH', `/api/deployments/${flow}`, { traffic: [{ version: 2, weight: 100 }] })).status).toBe(200);
      await expect.poll(() => served(D, flow, key), BOUND).toBe('v2 new: Hello, Ada!');
      // The change message was sent to D, and dropped on its way: D went by its cache's age alone.
      await expect.poll(() => bus.droppedBytes(), BOUND).toBeGreaterThan(0);

      expect(await served(D, flow, key)).toBe('v2 new: Hello, Ada!');
      expect((await cluster.admin(B, 'DELETE', `/api/deployments/${flow}/keys/${id}`)).status).toBe(204);
      await expect.poll(() => served(D, flow, key), BOUND).toBe('status 401');
    } finally {
      // Its subscription is cut: a graceful stop would wait on it; this instance is not needed again.
      await cluster.kill(D, 'SIGKILL');
    }
  });
});

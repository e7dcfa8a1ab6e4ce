/** Pools and allocations on a real store and catalog, at their edges (the cases a mutation run found untested). */
import { describe, expect, it } from 'vitest';
import { useTempStore } from '../../../test/helpers/temp-store.ts';
import { ModelCatalog } from '../../models/catalog.ts';
import type { DeploymentRow } from '../../store/types.ts';
import { Compute, computeOfferFromEnv, memoryNeed } from './compute.ts';
import { DEFAULT_QUOTAS, Quotas } from './quotas.ts';

const temp = useTempStore();
const settings = { defaultPoolTpm: 1000, defaultAllocationTpm: 300 };
const quotas = () => new Quotas(temp.store, new ModelCatalog(() => temp.store.models.list()), settings);
const row = (name: string, kind: 'flow' | 'model', model: string | null, options: DeploymentRow['options']) => ({ name, kind, flow: kind === 'flow' ? 'f' : null, model, options, traffic: [], traceSampleRate: 1 });

describe('quota pools and allocations', () => {
  it('an allocation is what a model deployment was given; a remote one from before quotas holds the default; local ones and flows none', () => {
    const q = quotas();
    const d = (kind: 'flow' | 'model', options: DeploymentRow['options']) => ({ ...row('d', kind, kind === 'model' ? 'gpt-4o' : null, options), createdAt: 0, updatedAt: 0 }) as DeploymentRow;
    expect(q.allocationOf(d('model', { connection: 'c', tpm: 40 }))).toBe(40);
    expect(q.allocationOf(d('model', { connection: 'c' }))).toBe(300);
    expect(q.allocationOf(d('model', { contextSize: 512 }))).toBeUndefined();
    expect(q.allocationOf(d('model', null))).toBeUndefined();
    expect(q.allocationOf(d('flow', { rpm: 5, tpm: 9 }))).toBeUndefined();
  });

  it('refuses a pool of a model not in the catalog or a local one, on the model, in words', async () => {
    const q = quotas();
    await expect(q.pool('nope')).rejects.toMatchObject({ code: 'model_not_found', status: 404, path: ['model'], message: 'model "nope" is not in the catalog (GET /api/models)' });
    await expect(q.pool('use-lite')).rejects.toMatchObject({ code: 'not_token_metered', status: 400, path: ['model'], message: expect.stringContaining('runs locally') });
    await expect(q.setPool('nope', 5)).rejects.toMatchObject({ path: ['model'] });
    await expect(q.allocate('use-lite', 5)).rejects.toMatchObject({ code: 'not_token_metered', path: ['tpm'], message: expect.stringContaining('tpm applies to remote models') });
    expect(await q.allocate('use-lite', undefined)).toBeUndefined();
  });

  it('lists the pools of remote models with a pool set or a deployment, sorted, never a local one', async () => {
    const s = temp.store;
    await s.quotas.put('gpt-4o-mini', 500);
    await s.deployments.create(row('a', 'model', 'gpt-4o', { connection: 'c', tpm: 200 }));
    await s.deployments.create(row('b', 'model', 'use-lite', {}));
    await s.deployments.create(row('c', 'flow', null, null));
    await s.deployments.create(row('d', 'model', 'weir-extractive', null));
    const pools = await quotas().list();
    expect(pools.map((p) => [p.model, p.tpm, p.set, p.allocated, p.left])).toEqual([['gpt-4o', 1000, false, 200, 800], ['gpt-4o-mini', 500, true, 0, 500]]);
    expect(pools[0].deployments).toEqual([{ name: 'a', tpm: 200 }]);
  });

  it('a pool is set, never below what is held; the answer says what is left', async () => {
    const s = temp.store;
    await s.deployments.create(row('a', 'model', 'gpt-4o', { connection: 'c', tpm: 200 }));
    await s.deployments.create(row('b', 'model', 'gpt-4o', { connection: 'c', tpm: 100 }));
    const q = quotas();
    expect(await q.pool('gpt-4o')).toMatchObject({ set: false, tpm: 1000 });
    await expect(q.setPool('gpt-4o', 299)).rejects.toMatchObject({ code: 'quota_exceeded', status: 409, path: ['tpm'], message: 'model "gpt-4o": a pool of 299 tokens a minute is less than the 300 its deployments hold (a 200, b 100); lower their allocations first' });
    expect(await q.setPool('gpt-4o', 300)).toMatchObject({ tpm: 300, set: true, allocated: 300, left: 0 });
    expect(await q.pool('gpt-4o')).toMatchObject({ set: true, tpm: 300, left: 0 });
  });

  it('allocates as asked down to 1 token, the default or what is left when less, and nothing from an empty pool', async () => {
    const s = temp.store;
    const q = quotas();
    expect(await q.allocate('gpt-4o', 1)).toBe(1);
    expect(await q.allocate('gpt-4o', undefined)).toBe(300);
    await s.deployments.create(row('a', 'model', 'gpt-4o', { connection: 'c', tpm: 900 }));
    expect(await q.allocate('gpt-4o', undefined)).toBe(100);
    expect(await q.allocate('gpt-4o', 1000, 'a')).toBe(1000);
    await expect(q.allocate('gpt-4o', 1001, 'a')).rejects.toMatchObject({ message: expect.stringContaining('1001 tokens a minute are not left in its pool of 1000 (0 allocated, 1000 left)') });
    await expect(q.allocate('gpt-4o', 101)).rejects.toMatchObject({ code: 'quota_exceeded', status: 409, path: ['tpm'], message: expect.stringContaining('101 tokens a minute are not left in its pool of 1000 (900 allocated, 100 left)') });
    await s.deployments.create(row('b', 'model', 'gpt-4o', { connection: 'c', tpm: 100 }));
    await expect(q.allocate('gpt-4o', undefined)).rejects.toMatchObject({ code: 'quota_exceeded', message: expect.stringContaining('no tokens a minute are left in its pool of 1000 (1000 allocated, 0 left)') });
  });
});

describe('compute quota', () => {
  const MIB = 1024 * 1024;
  const catalog = () => new ModelCatalog(() => temp.store.models.list());

  it('reads the offer from the environment: three quarters of the machine by default, exact MiB when set, refusing anything else', async () => {
    const os = await import('node:os');
    const machine = Math.floor((os.totalmem() * 0.75) / MIB) * MIB;
    expect(computeOfferFromEnv({}, 3)).toEqual({ threads: 3, memoryBytes: machine });
    expect(computeOfferFromEnv({ WEIR_COMPUTE_MEMORY_MB: '' }, 3).memoryBytes).toBe(machine);
    expect(computeOfferFromEnv({ WEIR_COMPUTE_MEMORY_MB: '1' }, 3).memoryBytes).toBe(MIB);
    expect(() => computeOfferFromEnv({ WEIR_COMPUTE_MEMORY_MB: '0' }, 3)).toThrow(expect.objectContaining({ code: 'invalid_config' }));
    expect(DEFAULT_QUOTAS).toEqual({ defaultPoolTpm: 1_000_000, defaultAllocationTpm: 100_000 });
  });

  it('counts each loaded local model once (same model and context size), ignores flows, remote and unknown models, and fits one exactly at what is left', async () => {
    const s = temp.store;
    const extractive = memoryNeed((await catalog().get('weir-extractive'))!);
    await s.deployments.create(row('a', 'model', 'weir-extractive', null));
    await s.deployments.create(row('b', 'model', 'weir-extractive', {}));
    await s.deployments.create(row('c', 'model', 'weir-extractive', { contextSize: 512 }));
    await s.deployments.create(row('f', 'flow', null, null));
    await s.deployments.create(row('r', 'model', 'gpt-4o', { connection: 'x' }));
    await s.deployments.create(row('gone', 'model', 'no-longer-in-catalog', null));
    const compute = new Compute(s, catalog(), { threads: 2, memoryBytes: 3 * extractive });
    const u = await compute.use();
    expect(u.models).toEqual([
      { model: 'weir-extractive', contextSize: null, memoryBytes: extractive, deployments: ['a', 'b'] },
      { model: 'weir-extractive', contextSize: 512, memoryBytes: extractive, deployments: ['c'] },
    ]);
    expect([u.usedBytes, u.leftBytes]).toEqual([2 * extractive, extractive]);
    const entry = (await catalog().get('weir-extractive'))!;
    // Exactly what is left fits; the same model and options again needs nothing more; a remote model needs none.
    await compute.check(entry, { contextSize: 1024 });
    await s.deployments.create(row('d', 'model', 'weir-extractive', { contextSize: 1024 }));
    await compute.check(entry, { contextSize: 512 });
    await compute.check(entry, {});
    await compute.check((await catalog().get('gpt-4o'))!, { connection: 'x' });
    await expect(compute.check(entry, { contextSize: 2048 })).rejects.toMatchObject({ code: 'compute_exceeded', status: 409, path: ['model'], message: expect.stringContaining('0 MiB left') });
  });
});

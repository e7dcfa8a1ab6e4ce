import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/types.ts';
import { openQueue } from './open-queue.ts';
import { queueContract } from './queue-contract.ts';
import { StoreQueue } from './store-queue.ts';

let dir: string;
let store: Store;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'weir-queue-'));
  store = await openStore({ dataDir: dir });
});
afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const fast = { leaseMs: 300, pollMs: 20, reclaimMs: 50, retryDelayMs: 10 };
queueContract('store (SQLite)', async () => new StoreQueue(store, fast));

describe('store queue', () => {
  it('is what openQueue gives without Redis', async () => {
    const q = await openQueue(store);
    expect(q.kind).toBe('store');
    await q.close();
  });

  it('takes over at once the jobs of a process of this host that no longer exists, without waiting for the lease', async () => {
    const queue = `q-dead-${Date.now()}`;
    await store.jobs.enqueue({ id: 'orphan', queue, payload: null, maxAttempts: 2, timeoutMs: 60_000 });
    // A claim by a pid that cannot exist (above Linux's pid_max), with a lease of an hour.
    await store.jobs.claim(queue, `${os.hostname()}/4194305/abcd`, 3600_000);
    const q = new StoreQueue(store, { ...fast, leaseMs: 3600_000 });
    const seen: number[] = [];
    try {
      await q.work({ name: queue, maxAttempts: 2, timeoutMs: 60_000 }, async (job) => void seen.push(job.attempt), { concurrency: 1, onGiveUp: async () => {} });
      await vi.waitFor(() => expect(seen).toEqual([2]), { timeout: 10_000, interval: 20 });
      await vi.waitFor(async () => expect((await store.jobs.get('orphan'))?.status).toBe('succeeded'), { timeout: 10_000, interval: 20 });
    } finally {
      await q.close();
    }
  });

  it('deletes finished jobs older than the retention', async () => {
    const queue = `q-old-${Date.now()}`;
    const q = new StoreQueue(store, { ...fast, retentionMs: 1 });
    try {
      await q.work({ name: queue, maxAttempts: 1, timeoutMs: 60_000 }, async () => 'ok', { concurrency: 1, onGiveUp: async () => {} });
      await q.add({ name: queue, maxAttempts: 1, timeoutMs: 60_000 }, 'old', null);
      await vi.waitFor(async () => expect((await store.jobs.get('old'))?.status).toBe('succeeded'), { timeout: 10_000, interval: 20 });
    } finally {
      await q.close();
    }
    // The next instance's first look prunes.
    const next = new StoreQueue(store, { ...fast, retentionMs: 1 });
    try {
      await next.work({ name: queue, maxAttempts: 1, timeoutMs: 60_000 }, async () => 'ok', { concurrency: 1, onGiveUp: async () => {} });
      await vi.waitFor(async () => expect(await store.jobs.get('old')).toBeUndefined(), { timeout: 10_000, interval: 20 });
    } finally {
      await next.close();
    }
  });
});

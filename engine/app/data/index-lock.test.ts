/**
 * One writer per data index across instances: two instances (their own data folders, one store, one
 * bus) never hold an index's write lock at once; a holder keeps it while it writes, and an instance
 * that dies holding it loses it after the lock's time to live.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryBus, MemoryHub } from '../../bus/memory-bus.ts';
import { useTempStore } from '../../../test/helpers/temp-store.ts';
import { DataIndexes, SHARED_LOCK_TTL_MS } from './indexes.ts';

const temp = useTempStore();
const noModel = async () => {
  throw new Error('no model in these tests');
};

let hub: MemoryHub;
let dirs: string[];
const instance = () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-instance-'));
  dirs.push(dir);
  return new DataIndexes(temp.store, dir, noModel, new MemoryBus(hub));
};

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
  hub = new MemoryHub();
  dirs = [];
});
afterEach(() => {
  vi.useRealTimers();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('the write lock of a data index', () => {
  it('is held by one instance at a time, and free again once released', async () => {
    const a = instance();
    const b = instance();
    const release = await a.lock('docs');
    await expect(b.lock('docs')).rejects.toMatchObject({ code: 'index_busy', message: expect.stringContaining('another instance') });
    await expect(a.lock('docs')).rejects.toMatchObject({ code: 'index_busy', message: expect.stringContaining('this server') });
    // Another index is not held.
    (await b.lock('other'))();
    release();
    const again = await b.lock('docs');
    await expect(a.lock('docs')).rejects.toMatchObject({ code: 'index_busy' });
    again();
  });

  it('stays with a live holder past its time to live: the holder extends it', async () => {
    const a = instance();
    const b = instance();
    const release = await a.lock('docs');
    for (let i = 0; i < 6; i++) {
      await vi.advanceTimersByTimeAsync(SHARED_LOCK_TTL_MS / 2);
      await expect(b.lock('docs')).rejects.toMatchObject({ code: 'index_busy' });
    }
    release();
    (await b.lock('docs'))();
  });

  it('goes free after its time to live when the instance holding it died', async () => {
    const b = instance();
    // A dead instance: it took the lock on the shared bus and never extends or releases it.
    const dead = await new MemoryBus(hub).lock('index-writer:docs', SHARED_LOCK_TTL_MS);
    expect(dead).toBeDefined();
    await expect(b.lock('docs')).rejects.toMatchObject({ code: 'index_busy' });
    await vi.advanceTimersByTimeAsync(SHARED_LOCK_TTL_MS - 1);
    await expect(b.lock('docs')).rejects.toMatchObject({ code: 'index_busy' });
    await vi.advanceTimersByTimeAsync(2);
    (await b.lock('docs'))();
  });

  it('an instance refused by the bus leaves its own lock file free for its next try', async () => {
    const a = instance();
    const b = instance();
    const release = await a.lock('docs');
    await expect(b.lock('docs')).rejects.toMatchObject({ code: 'index_busy' });
    await expect(b.lock('docs')).rejects.toMatchObject({ message: expect.stringContaining('another instance') });
    release();
    (await b.lock('docs'))();
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { busContract } from './bus-contract.ts';
import { MemoryBus, MemoryHub } from './memory-bus.ts';
import { openBus } from './open-bus.ts';

// Buses on one hub stand for the instances sharing a Redis; within one process that is all the
// memory bus is for.
const hub = new MemoryHub();
busContract('memory', async () => new MemoryBus(hub));

describe('memory bus', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is per process: buses on different hubs share nothing', async () => {
    const [a, b] = [new MemoryBus(), new MemoryBus()];
    const got: unknown[] = [];
    await b.subscribe('ch', (m) => got.push(m));
    await a.publish('ch', 'not for b');
    await a.incr('k', 1);
    expect(await a.lock('l', 60_000)).toBeDefined();
    expect(got).toEqual([]);
    expect(await b.get('k')).toBe(0);
    expect(await b.lock('l', 60_000)).toBeDefined();
  });

  it('is what openBus gives without a Redis URL', async () => {
    const bus = await openBus();
    expect(bus).toBeInstanceOf(MemoryBus);
    await bus.close();
  });

  it('has run its subscribers by the time publish resolves', async () => {
    const bus = new MemoryBus();
    const got: unknown[] = [];
    await bus.subscribe('ch', (m) => got.push(m));
    await bus.publish('ch', 1);
    expect(got).toEqual([1]);
  });

  it('expires windows and locks on the clock, and keeps no timer of its own', async () => {
    vi.useFakeTimers();
    const bus = new MemoryBus();
    expect(await bus.incr('k', 1, 1_000)).toBe(1);
    const lock = await bus.lock('l', 1_000);
    vi.advanceTimersByTime(999);
    expect(await bus.get('k')).toBe(1);
    expect(await bus.lock('l', 1_000)).toBeUndefined();
    vi.advanceTimersByTime(1);
    expect(await bus.get('k')).toBe(0);
    expect(await lock!.extend(1_000)).toBe(false);
    expect(await bus.lock('l', 1_000)).toBeDefined();
    expect(vi.getTimerCount()).toBe(0);
    await bus.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('forgets expired counters and locks nobody touches again', async () => {
    vi.useFakeTimers();
    const own = new MemoryHub();
    const bus = new MemoryBus(own);
    for (let i = 0; i < 3_000; i++) {
      await bus.incr(`k${i}`, 1, 1_000);
      await bus.lock(`l${i}`, 1_000);
    }
    vi.advanceTimersByTime(1_000);
    // Sweeps run as the maps grow (amortised, no timer), so new entries are what clears the old.
    for (let i = 0; i < 3_000; i++) {
      await bus.incr(`new${i}`, 1, 1_000);
      await bus.lock(`new${i}`, 1_000);
    }
    const left = [...own.counters.keys(), ...own.locks.keys()];
    expect(left.filter((k) => !k.startsWith('new'))).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { MemoryBus, MemoryHub } from '../bus/memory-bus.ts';
import { KeyLimits, RateLimitError, takeFromWindow } from './key-limits.ts';
import { windowContract } from './key-limits-contract.ts';

windowContract('in-process (two instances on one hub)', async () => {
  const hub = new MemoryHub();
  return [new MemoryBus(hub), new MemoryBus(hub)];
});

describe('a key\'s own limit', () => {
  const T = Date.UTC(2027, 0, 1, 12, 0, 10);
  const key = (rpm: number | null) => ({ keyId: `k-${Math.random()}`, opens: '*' as const, expiresAt: null, rpm });

  it('admits rpm calls a minute with what is left and when it resets, then refuses with a 429 until the next minute', async () => {
    const limits = new KeyLimits(new MemoryBus());
    const k = key(3);
    const seen = [];
    for (let i = 0; i < 3; i++) seen.push(await limits.admit(k, T + i));
    expect(seen.map((w) => w?.remaining)).toEqual([2, 1, 0]);
    expect(seen[0]).toEqual({ limit: 3, remaining: 2, resetMs: 50_000 });
    const refused = await limits.admit(k, T + 5).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RateLimitError);
    expect(refused).toMatchObject({ code: 'rate_limit_exceeded', status: 429, window: { limit: 3, remaining: 0, resetMs: 49_995 } });
    expect((refused as Error).message).toBe("this key's limit of 3 requests a minute is used up; try again in 50 s");
    // Worth trying again later, unlike a bad request.
    expect((refused as RateLimitError).retryable).toBe(true);
    // The next minute starts whole.
    expect(await limits.admit(k, T + 50_000)).toEqual({ limit: 3, remaining: 2, resetMs: 60_000 });
  });

  it('has nothing to say for a key without a limit, and keeps keys apart', async () => {
    const limits = new KeyLimits(new MemoryBus());
    expect(await limits.admit(key(null), T)).toBeUndefined();
    const [a, b] = [key(1), key(1)];
    await limits.admit(a, T);
    await expect(limits.admit(a, T)).rejects.toBeInstanceOf(RateLimitError);
    expect(await limits.admit(b, T)).toMatchObject({ remaining: 0 });
  });

  it('a window\'s count lasts to the window\'s end on the bus\'s own clock, and the limit itself is admitted', async () => {
    let clock = T;
    const bus = new MemoryBus(new MemoryHub(() => clock));
    // Exactly at the limit is admitted; one more is not.
    expect(await takeFromWindow(bus, 'edge', 2, 2, 1000, T)).toMatchObject({ ok: true, remaining: 0 });
    expect(await takeFromWindow(bus, 'edge', 1, 2, 1000, T)).toMatchObject({ ok: false });
    // 900 ms into a 1 s window the count is still there (an expiry shorter than the window would have dropped it).
    const start = Math.floor(T / 1000) * 1000;
    await takeFromWindow(bus, 'late', 1, 1, 1000, start);
    clock = start + 900;
    expect(await takeFromWindow(bus, 'late', 1, 1, 1000, start + 900)).toMatchObject({ ok: false });
  });

  it('a refused take gives back what it took, so later takes in the window see the true count', async () => {
    const bus = new MemoryBus();
    expect(await takeFromWindow(bus, 'x', 5, 6, 1000, T)).toMatchObject({ ok: true, remaining: 1 });
    expect(await takeFromWindow(bus, 'x', 5, 6, 1000, T)).toMatchObject({ ok: false, remaining: 0 });
    expect(await takeFromWindow(bus, 'x', 1, 6, 1000, T)).toMatchObject({ ok: true, remaining: 0 });
  });
});

import { describe, expect, it } from 'vitest';
import { MemoryBus, MemoryHub } from '../../bus/memory-bus.ts';
import { admit, reconcile } from './admit.ts';
import { keyLimits } from './limits.ts';
import { RateLimitError, takeFromWindow } from './windows.ts';
import { windowContract } from './windows-contract.ts';

windowContract('in-process (two instances on one hub)', async () => {
  const hub = new MemoryHub();
  return [new MemoryBus(hub), new MemoryBus(hub)];
});

describe('a key\'s own limits', () => {
  const T = Date.UTC(2027, 0, 1, 12, 0, 10);
  const key = (rpm: number | null, tpm: number | null = null) => ({ keyId: `k-${Math.random()}`, opens: '*' as const, expiresAt: null, rpm, tpm });
  const admitKey = (bus: MemoryBus, k: ReturnType<typeof key>, tokens: number, now: number) => admit(bus, keyLimits(k), tokens, now);

  it('admits rpm calls a minute with what is left and when it resets, then refuses with a 429 until the next minute', async () => {
    const bus = new MemoryBus();
    const k = key(3);
    const seen = [];
    for (let i = 0; i < 3; i++) seen.push(await admitKey(bus, k, 0, T + i));
    expect(seen.map((a) => a.windows[0].remaining)).toEqual([2, 1, 0]);
    expect(seen[0].windows).toEqual([{ kind: 'requests', limit: 3, remaining: 2, resetMs: 50_000 }]);
    const refused = await admitKey(bus, k, 0, T + 5).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RateLimitError);
    expect(refused).toMatchObject({ code: 'rate_limit_exceeded', status: 429, window: { kind: 'requests', limit: 3, remaining: 0, resetMs: 49_995 } });
    expect((refused as Error).message).toBe("this key's limit of 3 requests a minute is used up; try again in 50 s");
    // Worth trying again later, unlike a bad request.
    expect((refused as RateLimitError).retryable).toBe(true);
    // The next minute starts whole.
    expect((await admitKey(bus, k, 0, T + 50_000)).windows).toEqual([{ kind: 'requests', limit: 3, remaining: 2, resetMs: 60_000 }]);
  });

  it('has nothing to say for a key without limits, and keeps keys apart', async () => {
    const bus = new MemoryBus();
    expect(await admitKey(bus, key(null), 500, T)).toEqual({ taken: [], windows: [] });
    const [a, b] = [key(1), key(1)];
    await admitKey(bus, a, 0, T);
    await expect(admitKey(bus, a, 0, T)).rejects.toBeInstanceOf(RateLimitError);
    expect((await admitKey(bus, b, 0, T)).windows[0]).toMatchObject({ remaining: 0 });
  });

  it('tokens: the estimate is taken at admission, a refusal gives back the request it took, and the real count replaces the estimate', async () => {
    const bus = new MemoryBus();
    const k = key(10, 1000);
    const first = await admitKey(bus, k, 700, T);
    expect(first.windows).toEqual([{ kind: 'requests', limit: 10, remaining: 9, resetMs: 50_000 }, { kind: 'tokens', limit: 1000, remaining: 300, resetMs: 50_000 }]);
    const refused = (await admitKey(bus, k, 400, T).catch((e: unknown) => e)) as RateLimitError;
    expect(refused.message).toBe("this key's limit of 1000 tokens a minute is used up; try again in 50 s");
    expect(refused.window).toMatchObject({ kind: 'tokens', remaining: 0 });
    // Both windows as they stood go on the 429's headers.
    expect(refused.windows.map((w) => w.kind)).toEqual(['requests', 'tokens']);
    // The call used 200 of its 700: 500 come back, and the refused call's request was given back too.
    await reconcile(bus, first, 200);
    const next = await admitKey(bus, k, 800, T);
    expect(next.windows).toEqual([{ kind: 'requests', limit: 10, remaining: 8, resetMs: 50_000 }, { kind: 'tokens', limit: 1000, remaining: 0, resetMs: 50_000 }]);
    // A call that used more than estimated is charged the rest, never refused for it; the window is then used up.
    await reconcile(bus, next, 900);
    await expect(admitKey(bus, k, 0, T)).rejects.toThrow("this key's limit of 1000 tokens a minute is used up");
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

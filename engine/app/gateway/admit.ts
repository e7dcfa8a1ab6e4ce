import type { Bus } from '../../bus/types.ts';
import type { Limit } from './limits.ts';
import { adjustTaken, RateLimitError, takeFromWindow, type LimitWindow, type Taken } from './windows.ts';

/** What a call was admitted with: what it took from each window, and where it left them. */
export interface Admission {
  taken: (Taken & { kind: Limit['kind'] })[];
  windows: LimitWindow[];
}

/**
 * Takes one request and `tokens` (the call's estimate; 0 when only its end will tell) from every
 * limit, in order. The first that refuses ends admission: what the others took is given back, and
 * the RateLimitError says which limit and when it resets.
 */
export async function admit(bus: Bus, limits: Limit[], tokens: number, now = Date.now()): Promise<Admission> {
  const taken: Admission['taken'] = [];
  const windows: LimitWindow[] = [];
  for (const l of limits) {
    const amount = l.kind === 'requests' ? 1 : tokens;
    // Plain objects, no rest or spread: this runs for every call, several times.
    const r = await takeFromWindow(bus, l.name, amount, l.limit, l.windowMs, now);
    const window: LimitWindow = { kind: l.kind, limit: r.limit, remaining: r.remaining, resetMs: r.resetMs };
    windows.push(window);
    if (!r.ok) {
      await Promise.all(taken.map((x) => adjustTaken(bus, x, -x.amount)));
      throw new RateLimitError(window, `${l.says} is used up; try again in ${Math.ceil(r.resetMs / 1000)} s`, windows);
    }
    taken.push({ counter: r.taken.counter, windowMs: r.taken.windowMs, amount: r.taken.amount, kind: l.kind });
  }
  return { taken, windows };
}

/**
 * Once the call's real token count is known: each token window gets the difference from what was
 * estimated at admission (an overestimate given back, an underestimate charged; never refused).
 */
export async function reconcile(bus: Bus, a: Admission, actualTokens: number): Promise<void> {
  await Promise.all(a.taken.filter((t) => t.kind === 'tokens').map((t) => adjustTaken(bus, t, actualTokens - t.amount)));
}

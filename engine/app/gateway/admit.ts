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
    const { ok, taken: t, ...w } = await takeFromWindow(bus, l.name, amount, l.limit, l.windowMs, now);
    const window = { kind: l.kind, ...w };
    windows.push(window);
    if (!ok) {
      await Promise.all(taken.map((x) => adjustTaken(bus, x, -x.amount)));
      throw new RateLimitError(window, `${l.says} is used up; try again in ${Math.ceil(w.resetMs / 1000)} s`, windows);
    }
    taken.push({ ...t, kind: l.kind });
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

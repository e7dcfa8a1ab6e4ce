import type { Bus } from '../../bus/types.ts';
import { WeirError } from '../../errors.ts';

/** Where a caller stands in a limit's current window. */
export interface LimitWindow {
  /** What the limit counts: calls, or tokens. */
  kind: 'requests' | 'tokens';
  limit: number;
  remaining: number;
  /** Until the window ends and the limit is whole again. */
  resetMs: number;
}

/** Over a limit: a 429 that says when to try again (the API adds retry-after and the x-ratelimit headers). */
export class RateLimitError extends WeirError {
  constructor(
    readonly window: LimitWindow,
    message: string,
    /** The caller's other windows as they stood (their headers go on the 429 too). */
    readonly windows: LimitWindow[] = [window],
  ) {
    super('rate_limit_exceeded', message, { status: 429, retryable: true });
  }
}

/** One amount taken from one window: enough to give it back or correct it later. */
export interface Taken {
  counter: string;
  windowMs: number;
  amount: number;
}

/**
 * Takes `amount` of `limit` in the current fixed window of `windowMs`, counted on the bus's atomic
 * counters (Redis when instances share it). A refused call gives its amount back at once, so what
 * is admitted in a window never passes the limit, on one instance or on several; a call refused
 * while another's refused amount was still counted is the only cost of that. An amount of 0 (a
 * call whose tokens are only known at its end) is refused once the window is used up.
 */
export async function takeFromWindow(bus: Bus, key: string, amount: number, limit: number, windowMs: number, now = Date.now()): Promise<Omit<LimitWindow, 'kind'> & { ok: boolean; taken: Taken }> {
  const index = Math.floor(now / windowMs);
  const counter = windowCounter(key, windowMs, now);
  const used = await bus.incr(counter, amount, windowMs * 2);
  const resetMs = (index + 1) * windowMs - now;
  const taken = { counter, windowMs, amount };
  if (used > limit || (amount === 0 && used >= limit)) {
    if (amount) await bus.incr(counter, -amount);
    return { ok: false, limit, remaining: 0, resetMs, taken };
  }
  return { ok: true, limit, remaining: limit - used, resetMs, taken };
}

/** The bus counter of `key`'s window of `windowMs` that holds `now`. */
export const windowCounter = (key: string, windowMs: number, now: number): string => `limit:${key}:${windowMs}:${Math.floor(now / windowMs)}`;

/** Corrects what was taken by `by` (negative: gives back), in the window it was taken from. */
export async function adjustTaken(bus: Bus, t: Taken, by: number): Promise<void> {
  if (by) await bus.incr(t.counter, by, t.windowMs * 2);
}

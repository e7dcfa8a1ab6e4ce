import type { Bus } from '../bus/types.ts';
import { WeirError } from '../errors.ts';
import type { VerifiedKey } from '../store/types.ts';

/** Where a caller stands in a limit's current window. */
export interface LimitWindow {
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
  ) {
    super('rate_limit_exceeded', message, { status: 429, retryable: true });
  }
}

/**
 * Takes `amount` of `limit` in the current fixed window of `windowMs`, counted on the bus's atomic
 * counters (Redis when instances share it). A refused call gives its amount back at once, so what
 * is admitted in a window never passes the limit, on one instance or on several; a call refused
 * while another's refused amount was still counted is the only cost of that.
 */
export async function takeFromWindow(bus: Bus, key: string, amount: number, limit: number, windowMs: number, now = Date.now()): Promise<LimitWindow & { ok: boolean }> {
  const index = Math.floor(now / windowMs);
  const counter = `limit:${key}:${windowMs}:${index}`;
  const used = await bus.incr(counter, amount, windowMs * 2);
  const resetMs = (index + 1) * windowMs - now;
  if (used > limit) {
    await bus.incr(counter, -amount);
    return { ok: false, limit, remaining: 0, resetMs };
  }
  return { ok: true, limit, remaining: limit - used, resetMs };
}

const MINUTE_MS = 60_000;

/** A key's own limits (`rpm`: calls a minute), across every instance sharing the bus. */
export class KeyLimits {
  constructor(private readonly bus: Bus) {}

  /** The key's window after this call, or undefined when it has no limit; throws RateLimitError when used up. */
  async admit(key: VerifiedKey, now = Date.now()): Promise<LimitWindow | undefined> {
    if (key.rpm === null) return undefined;
    const { ok, ...w } = await takeFromWindow(this.bus, `key:${key.keyId}:rpm`, 1, key.rpm, MINUTE_MS, now);
    if (!ok) throw new RateLimitError(w, `this key's limit of ${key.rpm} requests a minute is used up; try again in ${Math.ceil(w.resetMs / 1000)} s`);
    return w;
  }
}
